/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Forward sockets, of the upstream's own family (an IPv6 upstream gets an
 * AF_INET6 socket, never the first four bytes of its address), each with a
 * random ephemeral port from the kernel (RFC 6056) and connect()ed, so it is
 * deaf to every other source (a guest probing the host's ports cannot tell
 * it from a closed one); the core still checks address, port, ID and
 * question (RFC 5452 §9.1). A socket that cannot be opened (no IPv6 on this
 * host) fails the try, and the core moves on to the next upstream.
 *
 * TCP: a fresh connection per try. UDP: up to DNS_FWD_POOL sockets per
 * upstream, shared by the queries to it. A socket per query cost five system
 * calls and a socket's set-up and tear-down for every forward, about a
 * quarter of its CPU time; sharing does not make a blind forgery easier: a
 * forged reply must still hit a port with a query under way on it AND that
 * query's random ID, and the chance of that is the number of queries under
 * way over (ports x IDs), as with a socket each. What a shared port changes
 * is how long it stays the same, so each socket carries at most DNS_FWD_USES
 * queries and takes none after DNS_FWD_LIFE_MS; it is closed when its last
 * one is over, and a fresh random port takes its place. While an upstream
 * has fewer than DNS_FWD_POOL sockets a query opens a new one, after that
 * it takes the one used longest ago, so queries in a row never share a port.
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

static struct dns_fwd *by_port(struct dns_io *io, uint16_t port)
{
	size_t i;

	for (i = 0; port && i < DNS_IO_MAX_FWDS; i++)
		if (io->fwds[i].h.fd >= 0 && io->fwds[i].port == port)
			return &io->fwds[i];
	return NULL;
}

/* A UDP socket with nothing left under way that may take no more: closed. */
static void close_if_spent(struct dns_fwd *f)
{
	if (f->retiring && !f->inflight)
		dns_fwd_close(f);
}

void dns_fwd_done(struct dns_io *io, uint16_t port)
{
	struct dns_fwd *f = by_port(io, port);

	if (!f)
		return;
	if (f->tcp) {
		dns_fwd_close(f);
		return;
	}
	if (f->inflight)
		f->inflight--;
	close_if_spent(f);
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

/* Another open forward socket has this port. */
static bool port_taken(const struct dns_io *io, const struct dns_fwd *self, uint16_t port)
{
	size_t i;

	for (i = 0; i < DNS_IO_MAX_FWDS; i++)
		if (&io->fwds[i] != self && io->fwds[i].h.fd >= 0 && io->fwds[i].port == port)
			return true;
	return false;
}

/*
 * A connected socket to act->peer on a port no other forward socket has:
 * the core knows a socket by its port alone, and a UDP and a TCP socket, or
 * an IPv4 and an IPv6 one, may be given the same number (rare: another
 * try then gets another one). The socket, or negative errno.
 */
static int connect_fresh(const struct dns_io *io, const struct dns_fwd *slot,
			 const struct dns_action *act, uint16_t *port)
{
	int tries, fd = -EADDRINUSE;

	for (tries = 0; tries < 3; tries++) {
		if ((fd = connect_to(act)) < 0)
			return fd;
		*port = local_port(fd);
		if (*port && !port_taken(io, slot, *port))
			return fd;
		close(fd);
		fd = -EADDRINUSE;
	}
	return fd;
}

/* A new socket to act->peer in a free slot, its port known; NULL with *err set. */
static struct dns_fwd *open_fwd(struct dns_io *io, const struct dns_action *act, int *err)
{
	struct dns_fwd *f = free_fwd(io);
	uint16_t port = 0;
	int fd;

	if (!f) {
		*err = -ENOSPC;
		return NULL;
	}
	fd = connect_fresh(io, f, act, &port);
	if (fd < 0) {
		*err = fd;
		return NULL;
	}
	memset(f, 0, sizeof(*f));
	f->h = (struct loop_handler){ fd, on_fwd_ready };
	f->io = io;
	f->tcp = act->transport == DNS_TCP;
	f->token = act->token;
	f->to = act->peer;
	f->born_ms = loop_now_ms();
	f->port = port;
	io->st.forward_sockets++;
	return f;
}

static bool same_peer(const struct dns_peer *a, const struct dns_peer *b)
{
	return a->port == b->port && dns_ip_eq(&a->ip, &b->ip);
}

/*
 * The UDP socket for a query to `to`: a new one while the upstream has
 * fewer than DNS_FWD_POOL, else the one used longest ago. The same walk
 * retires sockets past their life and closes spent ones, whichever
 * upstream they belong to.
 */
static struct dns_fwd *udp_fwd_for(struct dns_io *io, const struct dns_action *act, int *err)
{
	int64_t now = loop_now_ms();
	struct dns_fwd *best = NULL, *f;
	size_t i, live = 0;

	for (i = 0; i < DNS_IO_MAX_FWDS; i++) {
		f = &io->fwds[i];
		if (f->h.fd < 0 || f->tcp)
			continue;
		if (now - f->born_ms >= DNS_FWD_LIFE_MS)
			f->retiring = true;
		close_if_spent(f);
		if (f->h.fd < 0 || f->retiring || !same_peer(&f->to, &act->peer))
			continue;
		live++;
		if (!best || f->last_use < best->last_use)
			best = f;
	}
	if (live < DNS_FWD_POOL || !best) {
		f = open_fwd(io, act, err);
		if (f && loop_add(io->loop, &f->h, EPOLLIN) < 0) {
			dns_fwd_close(f);
			f = NULL;
			*err = -EIO;
		}
		if (f || !best)
			return f;
	}
	return best;
}

static int send_udp(struct dns_io *io, const struct dns_action *act)
{
	struct dns_fwd *f;
	int err = 0;

	f = udp_fwd_for(io, act, &err);
	if (!f)
		return err;
	if (send(f->h.fd, io->out, act->len, MSG_DONTWAIT) != (ssize_t)act->len) {
		/* a fresh port for the next query; this one's others go on */
		f->retiring = true;
		close_if_spent(f);
		return -EIO;
	}
	f->inflight++;
	f->last_use = ++io->fwd_uses;
	if (++f->uses >= DNS_FWD_USES)
		f->retiring = true;
	dns_server_forward_sent(io->srv, act->token, f->port);
	return 0;
}

int dns_fwd_send(struct dns_io *io, const struct dns_action *act)
{
	struct dns_fwd *f;
	int r = 0;

	if (act->transport != DNS_TCP)
		return send_udp(io, act);
	f = open_fwd(io, act, &r);
	if (!f)
		return r;
	r = hold_tcp_query(io, f, act);
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
	/*
	 * Nothing listens there (ICMP port unreachable): the queries under way
	 * on this socket go to the next upstream now, and the socket takes no
	 * more (their done_port closes it).
	 */
	if (f->h.fd >= 0 && n < 0 && errno == ECONNREFUSED) {
		f->retiring = true;
		dns_server_forward_failed_port(io->srv, f->port, &f->to, loop_now_ms());
		close_if_spent(f);
	}
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
