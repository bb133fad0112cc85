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
#include <linux/filter.h>
#include <net/if.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

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

/* Port 53 of one of the network's addresses; IPv6 ones with the bridge as their scope. */
static socklen_t listen_addr(struct sockaddr_storage *ss, const struct dns_ip *ip,
			     unsigned ifindex)
{
	struct dns_peer p = { .ip = *ip, .port = DNS_PORT };
	socklen_t len = dns_io_sa_from_peer(ss, &p);

	if (ip->family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_scope_id = ifindex;
	return len;
}

/*
 * IPv6: only IPv6 on it (the IPv4 addresses have their own sockets), and
 * FREEBIND so an address still in duplicate address detection (tentative,
 * not yet bindable) does not fail the start; the socket gets its traffic
 * once the address is usable.
 */
static int ipv6_options(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND, &one, sizeof(one)))
		return -1;
	return 0;
}

static int open_listener(const char *ifname, unsigned ifindex, const struct dns_ip *ip, int type,
			 char *msg, size_t size)
{
	struct sockaddr_storage ss;
	socklen_t len = listen_addr(&ss, ip, ifindex);
	int fd = len ? socket(ss.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0) : -1, one = 1;
	char a[INET6_ADDRSTRLEN];

	if (!len)
		errno = EAFNOSUPPORT;
	if (fd >= 0 && type == SOCK_DGRAM)     /* for the reply socket: tried, not needed */
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) ||
	    (ip->family == AF_INET6 && ipv6_options(fd)) ||
	    bind(fd, (struct sockaddr *)&ss, len) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		int e = errno;

		if (!inet_ntop(ip->family, ip->bytes, a, sizeof(a)))
			snprintf(a, sizeof(a), "?");
		snprintf(msg, size, ip->family == AF_INET6 ? "cannot listen on [%s]:53/%s on %s: %s"
							   : "cannot listen on %s:53/%s on %s: %s",
			 a, type == SOCK_STREAM ? "tcp" : "udp", ifname, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

/*
 * UDP answers leave through a second socket on the same address, port 53
 * and device, one that is never in epoll. A socket in epoll keeps the
 * epoll's entry on its wait queue, so each datagram it sends, when the
 * kernel lets go of it, takes that queue's lock to offer an EPOLLOUT
 * wake-up nobody asked for (sock_wfree -> sock_def_write_space): measured
 * with perf at ~0.12 us of kernel time per answer, about half of what the
 * DNS core itself spends on a local answer. The two sockets form a
 * SO_REUSEPORT group (only sockets of our own uid, on the same device, may
 * join one) whose steering program, classic BPF "return 0", gives every
 * datagram to the group's first socket, the listener; it is attached
 * before the reply socket joins, so the reply socket is never chosen, and
 * its receive buffer is the smallest there is anyway. Where a step fails
 * the answers go out of the listener itself, as before.
 */
static int open_reply_socket(int listener, const char *ifname, const struct dns_ip *ip,
			     unsigned ifindex)
{
	static const struct sock_filter first[] = { BPF_STMT(BPF_RET | BPF_K, 0) };
	const struct sock_fprog prog = { 1, (struct sock_filter *)first };
	struct sockaddr_storage ss;
	socklen_t len = listen_addr(&ss, ip, ifindex);
	int fd, one = 1, small = 1;

	if (setsockopt(listener, SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof(prog)))
		return listener;
	fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return listener;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) ||
	    (ip->family == AF_INET6 && ipv6_options(fd)) ||
	    bind(fd, (struct sockaddr *)&ss, len)) {
		close(fd);
		return listener;
	}
	return fd;
}

/*
 * Coalesced answers (dns_io_udp.c) are cut into segments of their size,
 * and a segment bigger than the bridge's MTU is lost on the way, so the
 * largest one coalesced fits the MTU with IPv6's and UDP's headers (48
 * bytes), and never more than DNS_GSO_SEGMENT_MAX. 0 (none coalesced) when
 * the MTU cannot be read.
 */
static size_t gso_segment_max(const char *ifname)
{
	int mtu = link_mtu(ifname);

	if (mtu <= 48)
		return 0;
	return (size_t)mtu - 48 < DNS_GSO_SEGMENT_MAX ? (size_t)mtu - 48 : DNS_GSO_SEGMENT_MAX;
}

static int open_listeners(struct dns_io *io, const char *ifname, const struct dns_ip *addrs,
			  size_t n, char *msg, size_t msg_size)
{
	size_t i;
	int fd;

	io->ifindex = if_nametoindex(ifname);
	io->gso_segment_max = gso_segment_max(ifname);
	for (i = 0; i < n && i < DNS_IO_MAX_ADDRS; i++) {
		io->addrs[i] = addrs[i];
		if ((fd = open_listener(ifname, io->ifindex, &addrs[i], SOCK_DGRAM, msg,
					msg_size)) < 0)
			return fd;
		io->udp[i].h.fd = fd;
		io->udp[i].reply_fd = open_reply_socket(fd, ifname, &addrs[i], io->ifindex);
		if ((fd = open_listener(ifname, io->ifindex, &addrs[i], SOCK_STREAM, msg,
					msg_size)) < 0)
			return fd;
		io->tcp[i].h.fd = fd;
		io->n_addrs++;
	}
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
	/* a guest asking from its link-local address is on the bridge */
	if (to.ss_family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&to;

		if (IN6_IS_ADDR_LINKLOCAL(&sin6->sin6_addr))
			sin6->sin6_scope_id = io->ifindex;
	}
	sendto(io->udp[act->conn].reply_fd, io->out, act->len, MSG_DONTWAIT, (struct sockaddr *)&to,
	       tl);
}

void dns_io_perform(struct dns_io *io, const struct dns_action *act)
{
	dns_fwd_done(io, act->done_port);
	if (act->kind == DNS_ACT_ANSWER)
		send_answer(io, act);
	else if (act->kind == DNS_ACT_FORWARD && dns_fwd_send(io, act) < 0)
		/* no socket of that family, or no send: the next upstream at once */
		dns_server_forward_failed(io->srv, act->token, loop_now_ms());
}

/*
 * Queries on a UDP listener, a batch at a time (dns_io_udp.c). A batch
 * that came back short emptied the socket: no extra call to learn that it
 * is empty. A bounded number of full ones, then the rest of the loop gets
 * its turn (epoll is level-triggered: what is left wakes us again).
 * Batches that were only answered (from the table or the cache) moved no
 * deadline, so the deadlines are worked out again only after a forward or
 * the like, not on every wake-up.
 */
static void on_udp_ready(struct loop_handler *h, uint32_t events)
{
	struct dns_listener *l = loop_owner(h, struct dns_listener, h);
	bool acted = false;
	int round;

	for (round = 0; round < DNS_IO_UDP_ROUNDS; round++)
		if (dns_udp_serve(l->io, l, &acted) < DNS_IO_BATCH)
			break;
	if (acted)
		dns_io_retick(l->io);
}

static void on_tcp_ready(struct loop_handler *h, uint32_t events)
{
	struct dns_listener *l = loop_owner(h, struct dns_listener, h);

	dns_tcp_accept(l);
	dns_io_retick(l->io);
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

/* What is due at `now`: forward timeouts (retries, SERVFAIL), TCP clients' ends. */
static int64_t tick(struct dns_io *io, int64_t now)
{
	struct dns_action act;
	int64_t next = INT64_MAX, next_ms;

	while (dns_server_tick(io->srv, now, io->out, DNS_MSG_MAX, &act, &next) > 0)
		dns_io_perform(io, &act);
	log_loops(io);
	next_ms = next == INT64_MAX ? -1 : next;
	dns_tcp_expire(io, now, &next_ms);
	return next_ms;
}

void dns_io_retick(struct dns_io *io)
{
	io->deadline_ms = tick(io, loop_now_ms());
}

static int64_t next_deadline(struct loop_timer *t)
{
	return loop_owner(t, struct dns_io, timer)->deadline_ms;
}

static void run_due(struct loop_timer *t, int64_t now_ms)
{
	struct dns_io *io = loop_owner(t, struct dns_io, timer);

	if (io->deadline_ms >= 0 && now_ms >= io->deadline_ms)
		io->deadline_ms = tick(io, now_ms);
}

void dns_io_stats(const struct dns_io *io, struct dns_io_stats *st)
{
	*st = io ? io->st : (struct dns_io_stats){ 0 };
}

void dns_io_close(struct dns_io *io)
{
	size_t i;

	if (!io)
		return;
	for (i = 0; i < DNS_IO_MAX_ADDRS; i++) {
		if (io->udp[i].reply_fd >= 0 && io->udp[i].reply_fd != io->udp[i].h.fd)
			close(io->udp[i].reply_fd);
		if (io->udp[i].h.fd >= 0)
			close(io->udp[i].h.fd);
		if (io->tcp[i].h.fd >= 0)
			close(io->tcp[i].h.fd);
	}
	for (i = 0; io->conns && i < DNS_IO_MAX_CONNS; i++)
		dns_tcp_close(&io->conns[i]);
	for (i = 0; io->fwds && i < DNS_IO_MAX_FWDS; i++)
		dns_fwd_close(&io->fwds[i]);
	free(io->conns);
	free(io->fwds);
	free(io->out);
	free(io->in);
	free(io->batch);
	free(io);
}

/*
 * The slots, allocated once, every one free; every handler knows its
 * object, so nothing is looked up when an event comes.
 */
static void init_io(struct dns_io *io)
{
	size_t i;

	for (i = 0; i < DNS_IO_MAX_ADDRS; i++) {
		io->udp[i] = (struct dns_listener){ { -1, on_udp_ready }, io, i, -1, false };
		io->tcp[i] = (struct dns_listener){ { -1, on_tcp_ready }, io, i, -1, false };
	}
	io->timer = (struct loop_timer){ .next_deadline = next_deadline, .run_due = run_due };
	io->deadline_ms = -1;
	io->conns = calloc(DNS_IO_MAX_CONNS, sizeof(*io->conns));
	io->fwds = calloc(DNS_IO_MAX_FWDS, sizeof(*io->fwds));
	io->out = malloc(DNS_MSG_MAX + 2);
	io->in = malloc(DNS_MSG_MAX);
	io->batch = malloc(dns_udp_batch_size());
	if (io->batch)
		dns_udp_batch_init(io->batch);
	for (i = 0; io->conns && i < DNS_IO_MAX_CONNS; i++)
		io->conns[i].h.fd = -1;
	for (i = 0; io->fwds && i < DNS_IO_MAX_FWDS; i++)
		io->fwds[i].h.fd = -1;
}

int dns_io_open(const char *ifname, const struct dns_ip *addrs, size_t n,
		struct dns_io **ret, char *msg, size_t msg_size)
{
	struct dns_io *io = calloc(1, sizeof(*io));
	int r;

	*ret = NULL;
	if (io)
		init_io(io);
	if (!io || !io->conns || !io->fwds || !io->out || !io->in ||
	    !io->batch) {
		snprintf(msg, msg_size, "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	if ((r = open_listeners(io, ifname, addrs, n, msg, msg_size)) < 0)
		goto fail;
	*ret = io;
	return 0;
fail:
	dns_io_close(io);
	return r;
}

int dns_io_start(struct dns_io *io, struct loop *loop, struct dns_server *srv)
{
	size_t i;
	int r;

	io->loop = loop;
	io->srv = srv;
	loop_add_timer(loop, &io->timer);
	for (i = 0; i < io->n_addrs; i++)
		if ((r = loop_add(loop, &io->udp[i].h, EPOLLIN)) < 0 ||
		    (r = loop_add(loop, &io->tcp[i].h, EPOLLIN)) < 0)
			return r;
	return 0;
}
