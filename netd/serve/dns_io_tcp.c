/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS over TCP from clients (RFC 1035 §4.2.2, RFC 7766). The slots are few
 * and each holds a 64 KiB buffer, so a guest must not be able to sit on
 * them: a connection lives at most DNS_IO_TCP_LIFE_MS however busy it is,
 * is closed when no whole query came for DNS_IO_TCP_IDLE_MS (a byte now and
 * then does not count), one address holds at most DNS_IO_TCP_PER_SOURCE of
 * them (further ones are closed as soon as they are accepted), and a
 * REFUSED answer ends its connection (the client has no business here).
 */
#include "netd/serve/dns_io-internal.h"

#include <errno.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

void dns_tcp_close(struct dns_conn *c)
{
	if (c->h.fd < 0)
		return;
	loop_remove(c->io->loop, &c->h);
	close(c->h.fd);
	c->h.fd = -1;
	c->have = 0;
}

/* A free slot for a client from `peer`, or NULL (none free, or its address has its share). */
static struct dns_conn *slot_for(struct dns_io *io, const struct dns_peer *peer)
{
	struct dns_conn *free_slot = NULL;
	size_t i, same = 0;

	for (i = 0; i < DNS_IO_MAX_CONNS; i++) {
		struct dns_conn *c = &io->conns[i];

		if (c->h.fd < 0) {
			if (!free_slot)
				free_slot = c;
		} else if (dns_ip_eq(&c->peer.ip, &peer->ip) &&
			   ++same >= DNS_IO_TCP_PER_SOURCE) {
			return NULL;
		}
	}
	return free_slot;
}

static void on_conn_ready(struct loop_handler *h, uint32_t events);

void dns_tcp_accept(struct dns_listener *l)
{
	struct dns_io *io = l->io;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct dns_peer peer;
	struct dns_conn *c;
	size_t i;
	int fd = accept4(l->h.fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	c = dns_io_peer_from_sa(&peer, &ss) ? slot_for(io, &peer) : NULL;
	if (c) {
		c->h = (struct loop_handler){ fd, on_conn_ready };
		c->io = io;
	}
	if (!c || loop_add(io->loop, &c->h, EPOLLIN) < 0) {
		if (c)
			c->h.fd = -1;
		close(fd);      /* too many: the client retries later, or over UDP */
		return;
	}
	i = (size_t)(c - io->conns);
	c->have = 0;
	c->peer = peer;
	c->id = ++io->conn_generation << 8 | i;
	c->idle_deadline = loop_now_ms() + DNS_IO_TCP_IDLE_MS;
	c->end_deadline = loop_now_ms() + DNS_IO_TCP_LIFE_MS;
}

static struct dns_conn *conn_by_id(struct dns_io *io, uint64_t id)
{
	struct dns_conn *c = &io->conns[id & 0xff];

	return (id & 0xff) < DNS_IO_MAX_CONNS && c->h.fd >= 0 && c->id == id ? c : NULL;
}

void dns_tcp_answer(struct dns_io *io, const struct dns_action *act)
{
	struct dns_conn *c = conn_by_id(io, act->conn);
	uint8_t len[2] = { (uint8_t)(act->len >> 8), (uint8_t)act->len };
	struct iovec iov[2] = { { len, 2 }, { io->out, act->len } };
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	bool refused = act->len >= 4 && (io->out[3] & 0xf) == 5;       /* RCODE REFUSED */

	if (!c)
		return;
	/* an answer the socket cannot take at once ends the connection */
	if (sendmsg(c->h.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)(act->len + 2) ||
	    refused)
		dns_tcp_close(c);
}

/* Whole queries from a client; what arrives after them waits for the rest. */
static void read_queries(struct dns_conn *c)
{
	struct dns_io *io = c->io;
	ssize_t n;

	n = recv(c->h.fd, c->buf + c->have, sizeof(c->buf) - c->have, MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			dns_tcp_close(c);
		return;
	}
	c->have += (size_t)n;
	while (c->h.fd >= 0 && c->have >= 2) {
		size_t len = (size_t)c->buf[0] << 8 | c->buf[1];
		struct dns_client client = { .transport = DNS_TCP, .conn = c->id, .peer = c->peer };
		struct dns_action act;

		if (c->have < 2 + len)
			break;
		c->idle_deadline = loop_now_ms() + DNS_IO_TCP_IDLE_MS;
		if (dns_server_handle_query(io->srv, c->buf + 2, len, &client, loop_now_ms(),
					    io->out, DNS_MSG_MAX, &act) == 0)
			dns_io_perform(io, &act);
		if (c->h.fd < 0)
			return;
		memmove(c->buf, c->buf + 2 + len, c->have - 2 - len);
		c->have -= 2 + len;
	}
}

static void on_conn_ready(struct loop_handler *h, uint32_t events)
{
	struct dns_conn *c = loop_owner(h, struct dns_conn, h);
	struct dns_io *io = c->io;

	/* closed earlier in this very turn: the event is stale */
	if (c->h.fd >= 0)
		read_queries(c);
	dns_io_retick(io);
}

void dns_tcp_expire(struct dns_io *io, int64_t mono, int64_t *next)
{
	size_t i;

	for (i = 0; i < DNS_IO_MAX_CONNS; i++) {
		struct dns_conn *c = &io->conns[i];
		int64_t due;

		if (c->h.fd < 0)
			continue;
		due = c->idle_deadline < c->end_deadline ? c->idle_deadline : c->end_deadline;
		if (mono >= due)
			dns_tcp_close(c);
		else if (*next < 0 || due < *next)
			*next = due;
	}
}
