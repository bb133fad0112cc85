/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/dns_io.h"
#include "netd/log.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum tag_kind { K_UDP = 1, K_LISTEN, K_CONN, K_FWD };

/* A TCP client: 2-byte length framing (RFC 1035 §4.2.2), one query at a time. */
struct dns_conn {
	int fd;
	uint64_t id;                    /* generation << 8 | index: stale answers find no one */
	int64_t idle_deadline;
	size_t have;
	uint8_t buf[2 + DNS_MSG_MAX];
};

/* One forwarded query's socket. */
struct dns_fwd {
	int fd;
	bool tcp;
	bool connected;                 /* TCP: the query has been sent */
	uint16_t port;                  /* our local port: how the core knows the socket */
	uint32_t token;
	struct dns_peer to;
	size_t out_len;
	uint8_t *tcp_buf;               /* TCP: query out, then reply in (2 + DNS_MSG_MAX) */
	size_t have;
};

static uint64_t tag(enum tag_kind kind, size_t index)
{
	return DNS_IO_TAG << 32 | (uint64_t)kind << 24 | (uint64_t)index;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void peer_from_sin(struct dns_peer *p, const struct sockaddr_in *sin)
{
	memset(p, 0, sizeof(*p));
	p->ip.family = AF_INET;
	memcpy(p->ip.bytes, &sin->sin_addr, 4);
	p->port = ntohs(sin->sin_port);
}

static void sin_from_peer(struct sockaddr_in *sin, const struct dns_peer *p)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	memcpy(&sin->sin_addr, p->ip.bytes, 4);
	sin->sin_port = htons(p->port);
}

static int watch(struct dns_io *io, int fd, uint32_t events, uint64_t t)
{
	struct epoll_event ev = { .events = events, .data.u64 = t };

	return epoll_ctl(io->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int open_listener(struct in_addr addr, int type, char *msg, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(DNS_PORT),
				   .sin_addr = addr };
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	char a[INET_ADDRSTRLEN];

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		int e = errno;

		snprintf(msg, size, "cannot listen on %s:53/%s: %s",
			 inet_ntop(AF_INET, &addr, a, sizeof(a)), type == SOCK_STREAM ? "tcp" : "udp",
			 strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

int dns_io_open(struct dns_io *io, const struct in_addr *addrs, size_t n, char *msg,
		size_t msg_size)
{
	size_t i;
	int fd;

	memset(io, 0, sizeof(*io));
	io->epfd = -1;
	for (i = 0; i < DNS_IO_MAX_ADDRS; i++)
		io->udp_fd[i] = io->tcp_fd[i] = -1;
	io->conns = calloc(DNS_IO_MAX_CONNS, sizeof(*io->conns));
	io->fwds = calloc(DNS_IO_MAX_FWDS, sizeof(*io->fwds));
	io->out = malloc(DNS_MSG_MAX + 2);
	io->in = malloc(DNS_MSG_MAX);
	if (!io->conns || !io->fwds || !io->out || !io->in) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < DNS_IO_MAX_CONNS; i++)
		io->conns[i].fd = -1;
	for (i = 0; i < DNS_IO_MAX_FWDS; i++)
		io->fwds[i].fd = -1;
	for (i = 0; i < n && i < DNS_IO_MAX_ADDRS; i++) {
		io->addrs[i] = addrs[i];
		if ((fd = open_listener(addrs[i], SOCK_DGRAM, msg, msg_size)) < 0)
			return fd;
		io->udp_fd[i] = fd;
		if ((fd = open_listener(addrs[i], SOCK_STREAM, msg, msg_size)) < 0)
			return fd;
		io->tcp_fd[i] = fd;
		io->n_addrs++;
	}
	return 0;
}

int dns_io_start(struct dns_io *io, int epfd, struct dns_server *srv)
{
	size_t i;

	io->epfd = epfd;
	io->srv = srv;
	for (i = 0; i < io->n_addrs; i++)
		if (watch(io, io->udp_fd[i], EPOLLIN, tag(K_UDP, i)) ||
		    watch(io, io->tcp_fd[i], EPOLLIN, tag(K_LISTEN, i)))
			return -errno;
	return 0;
}

static void close_conn(struct dns_io *io, struct dns_conn *c)
{
	if (c->fd < 0)
		return;
	epoll_ctl(io->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
	c->have = 0;
}

static void close_fwd(struct dns_io *io, struct dns_fwd *f)
{
	if (f->fd < 0)
		return;
	/* the socket is ours alone: closing it also takes it out of the epoll set */
	close(f->fd);
	f->fd = -1;
	free(f->tcp_buf);
	f->tcp_buf = NULL;
}

static void close_fwd_port(struct dns_io *io, uint16_t port)
{
	size_t i;

	if (!port)
		return;
	for (i = 0; i < DNS_IO_MAX_FWDS; i++)
		if (io->fwds[i].fd >= 0 && io->fwds[i].port == port) {
			close_fwd(io, &io->fwds[i]);
			return;
		}
}

static struct dns_conn *conn_by_id(struct dns_io *io, uint64_t id)
{
	struct dns_conn *c = &io->conns[id & 0xff];

	return (id & 0xff) < DNS_IO_MAX_CONNS && c->fd >= 0 && c->id == id ? c : NULL;
}

/* Answer a client: UDP from the socket of the address it asked, TCP framed. */
static void send_answer(struct dns_io *io, const struct dns_action *act)
{
	if (act->transport == DNS_UDP) {
		struct sockaddr_in to;

		if (act->conn >= io->n_addrs)
			return;
		sin_from_peer(&to, &act->peer);
		sendto(io->udp_fd[act->conn], io->out, act->len, MSG_DONTWAIT,
		       (struct sockaddr *)&to, sizeof(to));
	} else {
		struct dns_conn *c = conn_by_id(io, act->conn);
		uint8_t len[2] = { (uint8_t)(act->len >> 8), (uint8_t)act->len };
		struct iovec iov[2] = { { len, 2 }, { io->out, act->len } };
		struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

		/* an answer the socket cannot take at once ends the connection */
		if (c && sendmsg(c->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)(act->len + 2))
			close_conn(io, c);
	}
}

static struct dns_fwd *free_fwd(struct dns_io *io, size_t *index)
{
	size_t i;

	for (i = 0; i < DNS_IO_MAX_FWDS; i++)
		if (io->fwds[i].fd < 0) {
			*index = i;
			return &io->fwds[i];
		}
	return NULL;
}

static uint16_t local_port(int fd)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return 0;
	return ntohs(sin.sin_port);
}

/*
 * A fresh socket per forward: the kernel gives it a random ephemeral port
 * (RFC 6056), and connect() makes it deaf to every other source.
 */
static int open_forward(struct dns_io *io, const struct dns_action *act)
{
	struct sockaddr_in to;
	struct dns_fwd *f;
	size_t i;
	int fd, r;

	f = free_fwd(io, &i);
	if (!f)
		return -ENOSPC;
	sin_from_peer(&to, &act->peer);
	fd = socket(AF_INET, (act->transport == DNS_TCP ? SOCK_STREAM : SOCK_DGRAM) |
			     SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (struct sockaddr *)&to, sizeof(to));
	if (r < 0 && !(act->transport == DNS_TCP && errno == EINPROGRESS)) {
		r = -errno;
		close(fd);
		return r;
	}
	memset(f, 0, sizeof(*f));
	f->fd = fd;
	f->tcp = act->transport == DNS_TCP;
	f->token = act->token;
	f->to = act->peer;
	f->port = local_port(fd);
	if (f->tcp) {
		f->tcp_buf = malloc(2 + DNS_MSG_MAX);
		if (!f->tcp_buf) {
			close(fd);
			f->fd = -1;
			return -ENOMEM;
		}
		f->tcp_buf[0] = (uint8_t)(act->len >> 8);
		f->tcp_buf[1] = (uint8_t)act->len;
		memcpy(f->tcp_buf + 2, io->out, act->len);
		f->out_len = act->len + 2;
		r = watch(io, fd, EPOLLOUT | EPOLLIN, tag(K_FWD, i));
	} else {
		r = send(fd, io->out, act->len, MSG_DONTWAIT) == (ssize_t)act->len ? 0 : -EIO;
		if (r == 0)
			r = watch(io, fd, EPOLLIN, tag(K_FWD, i));
	}
	if (r < 0) {
		close_fwd(io, f);
		return r;
	}
	dns_server_forward_sent(io->srv, f->token, f->port);
	return 0;
}

static void perform(struct dns_io *io, const struct dns_action *act)
{
	close_fwd_port(io, act->done_port);
	if (act->kind == DNS_ACT_ANSWER)
		send_answer(io, act);
	else if (act->kind == DNS_ACT_FORWARD && open_forward(io, act) < 0)
		dns_server_forward_failed(io->srv, act->token, now_ms());
}

/* Queries on a UDP listener, in batches. */
static void on_udp(struct dns_io *io, size_t index)
{
	struct sockaddr_in from;
	socklen_t fl;
	int n, budget = DNS_IO_BATCH * 4;

	while (budget--) {
		struct dns_client client = { .transport = DNS_UDP, .conn = index };
		struct dns_action act;

		fl = sizeof(from);
		n = (int)recvfrom(io->udp_fd[index], io->in, DNS_MSG_MAX, 0,
				  (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		peer_from_sin(&client.peer, &from);
		if (dns_server_handle_query(io->srv, io->in, (size_t)n, &client, now_ms(),
					    io->out, DNS_MSG_MAX, &act) == 0)
			perform(io, &act);
	}
}

static void on_listen(struct dns_io *io, size_t index)
{
	size_t i;
	int fd = accept4(io->tcp_fd[index], NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return;
	for (i = 0; i < DNS_IO_MAX_CONNS; i++)
		if (io->conns[i].fd < 0)
			break;
	if (i == DNS_IO_MAX_CONNS || watch(io, fd, EPOLLIN, tag(K_CONN, i)) < 0) {
		close(fd);      /* too many clients: they retry */
		return;
	}
	io->conns[i].fd = fd;
	io->conns[i].have = 0;
	io->conns[i].id = ++io->conn_generation << 8 | i;
	io->conns[i].idle_deadline = mono_ms() + DNS_IO_TCP_IDLE_MS;
}

static void on_conn(struct dns_io *io, size_t index)
{
	struct dns_conn *c = &io->conns[index];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n;

	if (c->fd < 0)
		return;
	n = recv(c->fd, c->buf + c->have, sizeof(c->buf) - c->have, MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			close_conn(io, c);
		return;
	}
	c->have += (size_t)n;
	c->idle_deadline = mono_ms() + DNS_IO_TCP_IDLE_MS;
	if (getpeername(c->fd, (struct sockaddr *)&from, &fl) < 0) {
		close_conn(io, c);
		return;
	}
	while (c->fd >= 0 && c->have >= 2) {
		size_t len = (size_t)c->buf[0] << 8 | c->buf[1];
		struct dns_client client = { .transport = DNS_TCP, .conn = c->id };
		struct dns_action act;

		if (c->have < 2 + len)
			break;
		peer_from_sin(&client.peer, &from);
		if (dns_server_handle_query(io->srv, c->buf + 2, len, &client, now_ms(), io->out,
					    DNS_MSG_MAX, &act) == 0)
			perform(io, &act);
		if (c->fd < 0)
			return;
		memmove(c->buf, c->buf + 2 + len, c->have - 2 - len);
		c->have -= 2 + len;
	}
}

static void deliver_reply(struct dns_io *io, struct dns_fwd *f, const uint8_t *msg, size_t len)
{
	struct dns_action act;
	uint16_t port = f->port;

	if (dns_server_handle_upstream_reply(io->srv, msg, len, &f->to, port, now_ms(),
					     io->out, DNS_MSG_MAX, &act) == 0)
		perform(io, &act);
}

static void on_fwd_tcp(struct dns_io *io, struct dns_fwd *f, uint32_t events)
{
	ssize_t n;

	if (!f->connected && (events & EPOLLOUT)) {
		n = send(f->fd, f->tcp_buf, f->out_len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n != (ssize_t)f->out_len) {
			/* refused or reset: the core fails over at its next tick */
			close_fwd(io, f);
			return;
		}
		f->connected = true;
		f->have = 0;
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0 };

		ev.data.u64 = tag(K_FWD, (size_t)(f - io->fwds));
		epoll_ctl(io->epfd, EPOLL_CTL_MOD, f->fd, &ev);
		return;
	}
	n = recv(f->fd, f->tcp_buf + f->have, 2 + DNS_MSG_MAX - f->have, MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			close_fwd(io, f);
		return;
	}
	f->have += (size_t)n;
	if (f->have >= 2) {
		size_t len = (size_t)f->tcp_buf[0] << 8 | f->tcp_buf[1];

		if (f->have >= 2 + len)
			deliver_reply(io, f, f->tcp_buf + 2, len);
	}
}

static void on_fwd(struct dns_io *io, size_t index, uint32_t events)
{
	struct dns_fwd *f = &io->fwds[index];
	ssize_t n;

	if (f->fd < 0)
		return;
	if (f->tcp) {
		on_fwd_tcp(io, f, events);
		return;
	}
	/* connected: only the upstream's address and port get through */
	while (f->fd >= 0 && (n = recv(f->fd, io->in, DNS_MSG_MAX, MSG_DONTWAIT)) >= 0)
		deliver_reply(io, f, io->in, (size_t)n);
}

void dns_io_event(struct dns_io *io, uint64_t t, uint32_t events)
{
	size_t index = (size_t)(t & 0xffffff);

	switch ((enum tag_kind)((t >> 24) & 0xff)) {
	case K_UDP:
		if (index < io->n_addrs)
			on_udp(io, index);
		break;
	case K_LISTEN:
		if (index < io->n_addrs)
			on_listen(io, index);
		break;
	case K_CONN:
		if (index < DNS_IO_MAX_CONNS)
			on_conn(io, index);
		break;
	case K_FWD:
		if (index < DNS_IO_MAX_FWDS)
			on_fwd(io, index, events);
		break;
	}
}

int64_t dns_io_tick(struct dns_io *io)
{
	struct dns_action act;
	int64_t next = INT64_MAX, mono = mono_ms(), next_ms;
	size_t i;

	while (dns_server_tick(io->srv, now_ms(), io->out, DNS_MSG_MAX, &act, &next) > 0)
		perform(io, &act);
	/* next is wall-clock; express it as a delay from the monotonic clock */
	next_ms = next == INT64_MAX ? -1 : mono + (next - now_ms());
	for (i = 0; i < DNS_IO_MAX_CONNS; i++) {
		struct dns_conn *c = &io->conns[i];

		if (c->fd < 0)
			continue;
		if (mono >= c->idle_deadline)
			close_conn(io, c);
		else if (next_ms < 0 || c->idle_deadline < next_ms)
			next_ms = c->idle_deadline;
	}
	return next_ms;
}

void dns_io_close(struct dns_io *io)
{
	size_t i;

	for (i = 0; i < DNS_IO_MAX_ADDRS; i++) {
		if (io->udp_fd[i] >= 0)
			close(io->udp_fd[i]);
		if (io->tcp_fd[i] >= 0)
			close(io->tcp_fd[i]);
		io->udp_fd[i] = io->tcp_fd[i] = -1;
	}
	for (i = 0; io->conns && i < DNS_IO_MAX_CONNS; i++)
		close_conn(io, &io->conns[i]);
	for (i = 0; io->fwds && i < DNS_IO_MAX_FWDS; i++)
		close_fwd(io, &io->fwds[i]);
	free(io->conns);
	free(io->fwds);
	free(io->out);
	free(io->in);
	io->conns = NULL;
	io->fwds = NULL;
	io->out = io->in = NULL;
}
