/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS listeners, UDP queries, dispatch and time. TCP clients are in
 * dns_io_tcp.c, forward sockets in dns_io_fwd.c.
 *
 * The listeners are bound to the network's addresses AND to the bridge
 * (SO_BINDTODEVICE): a packet for 192.168.122.1 that arrived on the uplink
 * (the host routes for its bridges, so an outsider can aim at that address)
 * finds no socket, and the server is never a resolver for the outside. The
 * core's subnet check stays as the second fence.
 */
#include "netd/serve/dns_io-internal.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

uint64_t dns_io_tag(enum dns_io_kind kind, size_t index)
{
	return DNS_IO_TAG << 32 | (uint64_t)kind << 24 | (uint64_t)index;
}

int64_t dns_io_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool dns_io_peer_from_sa(struct dns_peer *p, const struct sockaddr_storage *ss)
{
	memset(p, 0, sizeof(*p));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const struct sockaddr_in *)ss;

		p->ip.family = AF_INET;
		memcpy(p->ip.bytes, &sin->sin_addr, 4);
		p->port = ntohs(sin->sin_port);
		return true;
	}
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *sin6 = (const struct sockaddr_in6 *)ss;

		p->ip.family = AF_INET6;
		memcpy(p->ip.bytes, &sin6->sin6_addr, 16);
		p->port = ntohs(sin6->sin6_port);
		return true;
	}
	return false;
}

socklen_t dns_io_sa_from_peer(struct sockaddr_storage *ss, const struct dns_peer *p)
{
	memset(ss, 0, sizeof(*ss));
	if (p->ip.family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		memcpy(&sin6->sin6_addr, p->ip.bytes, 16);
		sin6->sin6_port = htons(p->port);
		return sizeof(*sin6);
	}
	if (p->ip.family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		memcpy(&sin->sin_addr, p->ip.bytes, 4);
		sin->sin_port = htons(p->port);
		return sizeof(*sin);
	}
	return 0;
}

int dns_io_watch(struct dns_io *io, int fd, uint32_t events, uint64_t t)
{
	struct epoll_event ev = { .events = events, .data.u64 = t };

	return epoll_ctl(io->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int open_listener(const char *ifname, struct in_addr addr, int type, char *msg,
			 size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(DNS_PORT),
				   .sin_addr = addr };
	int fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	char a[INET_ADDRSTRLEN];

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		int e = errno;

		snprintf(msg, size, "cannot listen on %s:53/%s on %s: %s",
			 inet_ntop(AF_INET, &addr, a, sizeof(a)), type == SOCK_STREAM ? "tcp" : "udp",
			 ifname, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

int dns_io_open(struct dns_io *io, const char *ifname, const struct in_addr *addrs, size_t n,
		char *msg, size_t msg_size)
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
		if ((fd = open_listener(ifname, addrs[i], SOCK_DGRAM, msg, msg_size)) < 0)
			return fd;
		io->udp_fd[i] = fd;
		if ((fd = open_listener(ifname, addrs[i], SOCK_STREAM, msg, msg_size)) < 0)
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
		if (dns_io_watch(io, io->udp_fd[i], EPOLLIN, dns_io_tag(K_UDP, i)) ||
		    dns_io_watch(io, io->tcp_fd[i], EPOLLIN, dns_io_tag(K_LISTEN, i)))
			return -errno;
	return 0;
}

/* Answer a client: UDP from the socket of the address it asked, TCP framed. */
static void send_answer(struct dns_io *io, const struct dns_action *act)
{
	struct sockaddr_storage to;
	socklen_t tl;

	if (act->transport == DNS_TCP) {
		dns_tcp_answer(io, act);
		return;
	}
	tl = dns_io_sa_from_peer(&to, &act->peer);
	if (act->conn >= io->n_addrs || !tl)
		return;
	sendto(io->udp_fd[act->conn], io->out, act->len, MSG_DONTWAIT, (struct sockaddr *)&to, tl);
}

void dns_io_perform(struct dns_io *io, const struct dns_action *act)
{
	dns_fwd_close_port(io, act->done_port);
	if (act->kind == DNS_ACT_ANSWER)
		send_answer(io, act);
	else if (act->kind == DNS_ACT_FORWARD && dns_fwd_open(io, act) < 0)
		/* no socket of that family, or no send: the next upstream at once */
		dns_server_forward_failed(io->srv, act->token, dns_io_mono_ms());
}

/* Queries on a UDP listener, in batches. */
static void on_udp(struct dns_io *io, size_t index)
{
	struct sockaddr_storage from;
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
		if (!dns_io_peer_from_sa(&client.peer, &from))
			continue;
		if (dns_server_handle_query(io->srv, io->in, (size_t)n, &client, dns_io_mono_ms(),
					    io->out, DNS_MSG_MAX, &act) == 0)
			dns_io_perform(io, &act);
	}
}

void dns_io_event(struct dns_io *io, uint64_t t, uint32_t events)
{
	size_t index = (size_t)(t & 0xffffff);

	switch ((enum dns_io_kind)((t >> 24) & 0xff)) {
	case K_UDP:
		if (index < io->n_addrs)
			on_udp(io, index);
		break;
	case K_LISTEN:
		if (index < io->n_addrs)
			dns_tcp_accept(io, index);
		break;
	case K_CONN:
		if (index < DNS_IO_MAX_CONNS)
			dns_tcp_read(io, index);
		break;
	case K_FWD:
		if (index < DNS_IO_MAX_FWDS)
			dns_fwd_event(io, index, events);
		break;
	}
}

/* A forwarding loop the core caught: one line per catch (each rests that upstream 60 s). */
static void log_loops(struct dns_io *io)
{
	struct dns_stats st;
	char a[INET6_ADDRSTRLEN];

	dns_server_stats(io->srv, &st);
	if (st.loops == io->loops_logged)
		return;
	io->loops_logged = st.loops;
	inet_ntop(st.last_loop.ip.family, st.last_loop.ip.bytes, a, sizeof(a));
	log_msg(LOG_WARNING, "DNS forwarding loop: upstream %s port %u sent our own query back; "
		"not forwarding to it for %d s", a, st.last_loop.port, DNS_LOOP_SKIP_MS / 1000);
}

int64_t dns_io_tick(struct dns_io *io)
{
	struct dns_action act;
	int64_t next = INT64_MAX, mono = dns_io_mono_ms(), next_ms;

	while (dns_server_tick(io->srv, mono, io->out, DNS_MSG_MAX, &act, &next) > 0)
		dns_io_perform(io, &act);
	log_loops(io);
	next_ms = next == INT64_MAX ? -1 : next;
	dns_tcp_expire(io, mono, &next_ms);
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
		dns_tcp_close(io, &io->conns[i]);
	for (i = 0; io->fwds && i < DNS_IO_MAX_FWDS; i++)
		dns_fwd_close(&io->fwds[i]);
	free(io->conns);
	free(io->fwds);
	free(io->out);
	free(io->in);
	io->conns = NULL;
	io->fwds = NULL;
	io->out = io->in = NULL;
}
