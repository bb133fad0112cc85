/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Forward sockets: a fresh one per try of a forwarded query (RFC 5452: the
 * kernel gives it a random ephemeral port, RFC 6056), of the upstream's own
 * family — an IPv6 upstream gets an AF_INET6 socket, never the first four
 * bytes of its address. connect() makes the socket deaf to every other
 * source; the core still checks address, port, ID and question. A socket
 * that cannot be opened (no IPv6 on this host) fails the try, and the core
 * moves on to the next upstream.
 */
#include "netd/serve/dns_io-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

void dns_fwd_close(struct dns_fwd *f)
{
	if (f->h.fd < 0)
		return;
	/* the socket is ours alone: closing it also takes it out of the epoll set */
	close(f->h.fd);
	f->h.fd = -1;
	free(f->tcp_buf);
	f->tcp_buf = NULL;
}

void dns_fwd_close_port(struct dns_io *io, uint16_t port)
{
	size_t i;

	if (!port)
		return;
	for (i = 0; i < DNS_IO_MAX_FWDS; i++)
		if (io->fwds[i].h.fd >= 0 && io->fwds[i].port == port) {
			dns_fwd_close(&io->fwds[i]);
			return;
		}
}

static struct dns_fwd *free_fwd(struct dns_io *io)
{
	size_t i;

	for (i = 0; i < DNS_IO_MAX_FWDS; i++)
		if (io->fwds[i].h.fd < 0)
			return &io->fwds[i];
	return NULL;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	struct dns_peer p;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) < 0 || !dns_io_peer_from_sa(&p, &ss))
		return 0;
	return p.port;
}

/* A connected socket to act->peer, or negative errno. */
static int connect_to(const struct dns_action *act)
{
	struct sockaddr_storage to;
	socklen_t tl = dns_io_sa_from_peer(&to, &act->peer);
	int fd, r;

	if (!tl)
		return -EAFNOSUPPORT;
	fd = socket(to.ss_family, (act->transport == DNS_TCP ? SOCK_STREAM : SOCK_DGRAM) |
				  SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (struct sockaddr *)&to, tl);
	if (r < 0 && !(act->transport == DNS_TCP && errno == EINPROGRESS)) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

static void on_fwd_ready(struct loop_handler *h, uint32_t events);

/* TCP: the query waits, framed, until the connection is up. */
static int hold_tcp_query(struct dns_io *io, struct dns_fwd *f, const struct dns_action *act)
{
	f->tcp_buf = malloc(2 + DNS_MSG_MAX);
	if (!f->tcp_buf)
		return -ENOMEM;
	f->tcp_buf[0] = (uint8_t)(act->len >> 8);
	f->tcp_buf[1] = (uint8_t)act->len;
	memcpy(f->tcp_buf + 2, io->out, act->len);
	f->out_len = act->len + 2;
	return loop_add(io->loop, &f->h, EPOLLOUT | EPOLLIN);
}

int dns_fwd_open(struct dns_io *io, const struct dns_action *act)
{
	struct dns_fwd *f;
	int fd, r;

	f = free_fwd(io);
	if (!f)
		return -ENOSPC;
	fd = connect_to(act);
	if (fd < 0)
		return fd;
	memset(f, 0, sizeof(*f));
	f->h = (struct loop_handler){ fd, on_fwd_ready };
	f->io = io;
	f->tcp = act->transport == DNS_TCP;
	f->token = act->token;
	f->to = act->peer;
	f->port = local_port(fd);
	if (f->tcp) {
		r = hold_tcp_query(io, f, act);
	} else {
		r = send(fd, io->out, act->len, MSG_DONTWAIT) == (ssize_t)act->len ? 0 : -EIO;
		if (r == 0)
			r = loop_add(io->loop, &f->h, EPOLLIN);
	}
	if (r < 0) {
		dns_fwd_close(f);
		return r;
	}
	dns_server_forward_sent(io->srv, f->token, f->port);
	return 0;
}

static void deliver_reply(struct dns_io *io, struct dns_fwd *f, const uint8_t *msg, size_t len)
{
	struct dns_action act;

	if (dns_server_handle_upstream_reply(io->srv, msg, len, &f->to, f->port, loop_now_ms(),
					     io->out, DNS_MSG_MAX, &act) == 0)
		dns_io_perform(io, &act);
}

static void on_fwd_tcp(struct dns_io *io, struct dns_fwd *f, uint32_t events)
{
	ssize_t n;

	if (!f->connected && (events & EPOLLOUT)) {
		n = send(f->h.fd, f->tcp_buf, f->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n != (ssize_t)f->out_len) {
			/* refused or reset: the next upstream now, not after the timeout */
			dns_server_forward_failed(io->srv, f->token, loop_now_ms());
			dns_fwd_close(f);
			return;
		}
		f->connected = true;
		f->have = 0;
		loop_modify(io->loop, &f->h, EPOLLIN);
		return;
	}
	n = recv(f->h.fd, f->tcp_buf + f->have, 2 + DNS_MSG_MAX - f->have, MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			dns_fwd_close(f);
		return;
	}
	f->have += (size_t)n;
	if (f->have >= 2) {
		size_t len = (size_t)f->tcp_buf[0] << 8 | f->tcp_buf[1];

		if (f->have >= 2 + len)
			deliver_reply(io, f, f->tcp_buf + 2, len);
	}
}

static void on_fwd_udp(struct dns_io *io, struct dns_fwd *f)
{
	ssize_t n = 0;

	/* connected: only the upstream's address and port get through */
	while (f->h.fd >= 0 && (n = recv(f->h.fd, io->in, DNS_MSG_MAX, MSG_DONTWAIT)) >= 0)
		deliver_reply(io, f, io->in, (size_t)n);
	/* nothing listens there (ICMP port unreachable): the next upstream now */
	if (f->h.fd >= 0 && n < 0 && errno == ECONNREFUSED)
		dns_server_forward_failed(io->srv, f->token, loop_now_ms());
}

static void on_fwd_ready(struct loop_handler *h, uint32_t events)
{
	struct dns_fwd *f = loop_owner(h, struct dns_fwd, h);
	struct dns_io *io = f->io;

	/* closed earlier in this very turn: the event is stale */
	if (f->h.fd >= 0 && f->tcp)
		on_fwd_tcp(io, f, events);
	else if (f->h.fd >= 0)
		on_fwd_udp(io, f);
	dns_io_retick(io);
}
