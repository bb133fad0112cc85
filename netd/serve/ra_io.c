/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Router advertisements on the bridge: the raw ICMPv6 socket, solicitations
 * heard, advertisements sent when dhcp/ra's schedule says so.
 */
#include "netd/serve/ra_io.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/icmp6.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

#define RA_IO_BATCH 64                  /* solicitations read per wake-up, at most */

struct ra_io {
	struct loop_handler sock;
	struct loop_timer timer;
	char ifname[IF_NAMESIZE];
	int ifindex;
	struct ra_config cfg;
	char search[RA_MAX_SEARCH + 2]; /* cfg.search points here */
	struct ra_sched sched;
	bool started;
	bool waiting;                   /* no link-local source: said once, until one goes out */
	int last_err;                   /* the send error last logged; 0 after a success */
	struct in6_addr source;         /* the link-local address the last one went out from */
	struct ra_io_stats stats;
};

/* The schedule's jitter (RFC 4861 wants it random, not secret): the kernel's, else the clock. */
static uint32_t jitter(void)
{
	uint32_t r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)loop_now_ms();
	return r;
}

static void copy_config(struct ra_io *io, const struct ra_config *cfg)
{
	uint8_t mac[6];

	memcpy(mac, io->cfg.mac, 6);
	io->cfg = *cfg;
	io->search[0] = '\0';
	if (cfg->search)
		snprintf(io->search, sizeof(io->search), "%s", cfg->search);
	io->cfg.search = io->search[0] ? io->search : NULL;
	/* the bridge's own address when the definition names none */
	if (!memcmp(io->cfg.mac, "\0\0\0\0\0\0", 6))
		memcpy(io->cfg.mac, mac, 6);
}

static int fail(char *msg, size_t size, const char *what, const char *ifname)
{
	int e = errno;

	snprintf(msg, size, "%s on %s: %s", what, ifname, strerror(e));
	return -e;
}

/* The bridge's hardware address, for the source link-layer address option. */
static int read_mac(struct ra_io *io)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", io->ifname);
	if (ioctl(io->sock.fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(io->cfg.mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int set_int(int fd, int level, int name, int value)
{
	return setsockopt(fd, level, name, &value, sizeof(value));
}

static int open_socket(struct ra_io *io, char *msg, size_t size)
{
	struct ipv6_mreq all_routers = { .ipv6mr_interface = (unsigned)io->ifindex };
	struct icmp6_filter filter;
	int fd;

	io->sock.fd = socket(AF_INET6, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if ((fd = io->sock.fd) < 0)
		return fail(msg, size, "cannot open the ICMPv6 socket", io->ifname);
	ICMP6_FILTER_SETBLOCKALL(&filter);
	ICMP6_FILTER_SETPASS(ND_ROUTER_SOLICIT, &filter);
	inet_pton(AF_INET6, "ff02::2", &all_routers.ipv6mr_multiaddr);
	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, io->ifname, (socklen_t)strlen(io->ifname)) ||
	    setsockopt(fd, IPPROTO_ICMPV6, ICMP6_FILTER, &filter, sizeof(filter)) ||
	    set_int(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1) ||
	    set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1) ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 255) ||
	    set_int(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 255) ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, io->ifindex) ||
	    set_int(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0))
		return fail(msg, size, "cannot set up the ICMPv6 socket", io->ifname);
	/* a bridge that does not forward has not joined all-routers by itself */
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &all_routers, sizeof(all_routers)))
		return fail(msg, size, "cannot join ff02::2 (all routers)", io->ifname);
	if (!memcmp(io->cfg.mac, "\0\0\0\0\0\0", 6) && read_mac(io) < 0)
		return fail(msg, size, "cannot read the hardware address", io->ifname);
	return 0;
}

int ra_io_open(const char *ifname, const struct ra_config *cfg, struct ra_io **ret, char *msg,
	       size_t size)
{
	struct ra_io *io = calloc(1, sizeof(*io));
	int r;

	*ret = NULL;
	if (!io) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	io->sock.fd = -1;
	snprintf(io->ifname, sizeof(io->ifname), "%s", ifname);
	copy_config(io, cfg);
	io->ifindex = (int)if_nametoindex(ifname);
	if (!io->ifindex)
		r = fail(msg, size, "no interface", ifname);
	else
		r = open_socket(io, msg, size);
	if (r < 0) {
		ra_io_close(io);
		return r;
	}
	*ret = io;
	return 0;
}

/*
 * The bridge's link-local address (RFC 4861 section 6.1.2: hosts drop an
 * advertisement from any other source). The kernel would pick a global one
 * for ff02::1 while the link-local one is missing or tentative.
 */
static int link_local(const struct ra_io *io, struct in6_addr *out)
{
	struct ifaddrs *list, *a;
	int r = -EADDRNOTAVAIL;

	if (getifaddrs(&list) < 0)
		return -errno;
	for (a = list; a; a = a->ifa_next) {
		const struct sockaddr_in6 *sa = (const void *)a->ifa_addr;

		if (!sa || sa->sin6_family != AF_INET6 || (int)sa->sin6_scope_id != io->ifindex ||
		    !IN6_IS_ADDR_LINKLOCAL(&sa->sin6_addr))
			continue;
		*out = sa->sin6_addr;
		r = 0;
		break;
	}
	freeifaddrs(list);
	return r;
}

/* One advertisement to all nodes on the bridge: 0 or negative errno. */
static int send_advert(struct ra_io *io, bool final)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_scope_id = (uint32_t)io->ifindex };
	struct in6_pktinfo pi = { .ipi6_ifindex = (unsigned)io->ifindex };
	uint8_t pkt[RA_BUF];
	struct wire_error err;
	struct iovec iov = { .iov_base = pkt };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf) };
	struct cmsghdr *c;
	int n, r;

	if ((n = ra_build(&io->cfg, final, pkt, sizeof(pkt), &err)) < 0) {
		log_msg(LOG_ERR, "router advertisement on %s: %s", io->ifname, err.message);
		return -EPROTO;         /* not the link's fault: never taken for "not ready" */
	}
	iov.iov_len = (size_t)n;
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	if ((r = link_local(io, &pi.ipi6_addr)) < 0)
		return r;
	memset(&control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(io->sock.fd, &m, 0) < 0)
		return -errno;
	io->source = pi.ipi6_addr;
	io->stats.sent++;
	return 0;
}

/* A link-local address still missing (no carrier) or tentative (DAD), or the bridge down. */
static bool not_ready(int r)
{
	return r == -EADDRNOTAVAIL || r == -EINVAL || r == -ENETDOWN;
}

/* What a send's outcome is worth saying: each change once, not each retry. */
static void note_result(struct ra_io *io, int r)
{
	char a[INET6_ADDRSTRLEN];

	if (r == 0) {
		if (io->waiting || io->last_err)
			log_msg(LOG_INFO, "router advertisements on %s go out from %s", io->ifname,
				inet_ntop(AF_INET6, &io->source, a, sizeof(a)));
		io->waiting = false;
		io->last_err = 0;
	} else if (not_ready(r)) {
		io->stats.deferred++;
		if (!io->waiting)
			log_msg(LOG_INFO, "router advertisements on %s wait for its link-local "
				"address (a bridge without a port has none)", io->ifname);
		io->waiting = true;
	} else if (r != io->last_err) {
		log_msg(LOG_WARNING, "cannot send a router advertisement on %s: %s", io->ifname,
			strerror(-r));
		io->last_err = r;
	}
}

static int64_t next_deadline(struct loop_timer *t)
{
	return ra_sched_deadline(&loop_owner(t, struct ra_io, timer)->sched);
}

static void run_due(struct loop_timer *t, int64_t now_ms)
{
	struct ra_io *io = loop_owner(t, struct ra_io, timer);
	int64_t due = ra_sched_deadline(&io->sched);
	int r;

	if (due < 0 || now_ms < due)
		return;
	r = send_advert(io, false);
	note_result(io, r);
	if (r == 0)
		ra_sched_sent(&io->sched, now_ms, jitter());
	else
		ra_sched_deferred(&io->sched, now_ms, RA_IO_RETRY_MS);
}

/* The hop limit and interface a datagram came with, from its control messages. */
static void read_control(struct msghdr *m, int *hop_limit, int *ifindex)
{
	struct in6_pktinfo pi;
	struct cmsghdr *c;

	for (c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level != IPPROTO_IPV6)
			continue;
		if (c->cmsg_type == IPV6_HOPLIMIT && c->cmsg_len >= CMSG_LEN(sizeof(int))) {
			memcpy(hop_limit, CMSG_DATA(c), sizeof(int));
		} else if (c->cmsg_type == IPV6_PKTINFO && c->cmsg_len >= CMSG_LEN(sizeof(pi))) {
			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			*ifindex = (int)pi.ipi6_ifindex;
		}
	}
}

/* One datagram: 0, or negative errno (-EAGAIN when none is left). */
static int receive_one(struct ra_io *io)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} control;
	uint8_t pkt[1280];
	struct sockaddr_in6 from;
	struct iovec iov = { .iov_base = pkt, .iov_len = sizeof(pkt) };
	struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = control.buf,
			    .msg_controllen = sizeof(control.buf) };
	int hop_limit = -1, ifindex = 0;
	ssize_t n = recvmsg(io->sock.fd, &m, 0);

	if (n < 0)
		return -errno;
	read_control(&m, &hop_limit, &ifindex);
	if ((m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) || m.msg_namelen < sizeof(from) ||
	    ifindex != io->ifindex ||
	    !ra_solicitation_valid(pkt, (size_t)n, hop_limit,
				   IN6_IS_ADDR_UNSPECIFIED(&from.sin6_addr))) {
		io->stats.invalid++;
		return 0;
	}
	io->stats.solicitations++;
	ra_sched_solicited(&io->sched, loop_now_ms(), jitter());
	return 0;
}

static void on_ready(struct loop_handler *h, uint32_t events)
{
	struct ra_io *io = loop_owner(h, struct ra_io, sock);
	int i, r = 0;

	for (i = 0; i < RA_IO_BATCH && r == 0; i++)
		r = receive_one(io);
	if (r < 0 && r != -EAGAIN && r != -EINTR)
		log_msg(LOG_WARNING, "router solicitations on %s: %s", io->ifname, strerror(-r));
}

/* One line at start: what the guests on the bridge are told. */
static void describe(const struct ra_io *io)
{
	char line[512], a[INET6_ADDRSTRLEN];
	size_t i, len = 0;

	for (i = 0; i < io->cfg.n_prefixes && len < sizeof(line); i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, "%s%s/%u%s",
					i ? ", " : "",
					inet_ntop(AF_INET6, &io->cfg.prefixes[i].prefix, a,
						  sizeof(a)),
					io->cfg.prefixes[i].len,
					io->cfg.prefixes[i].autonomous ? " (SLAAC)" : "");
	log_msg(LOG_INFO, "router advertisements on %s: %s; %s%s", io->ifname, line,
		io->cfg.managed ? "addresses from DHCPv6; " : "",
		io->cfg.router ? "a default router" : "no default router (isolated)");
}

int ra_io_start(struct ra_io *io, struct loop *loop)
{
	int r;

	if (!io)
		return 0;
	io->sock.on_ready = on_ready;
	if ((r = loop_add(loop, &io->sock, EPOLLIN)) < 0)
		return r;
	io->timer = (struct loop_timer){ .next_deadline = next_deadline, .run_due = run_due };
	loop_add_timer(loop, &io->timer);
	ra_sched_start(&io->sched, io->cfg.interval_s, loop_now_ms(), jitter());
	io->started = true;
	describe(io);
	return 0;
}

void ra_io_set_config(struct ra_io *io, const struct ra_config *cfg)
{
	if (!io)
		return;
	copy_config(io, cfg);
	/* RFC 4861 section 6.2.4: changed information may go out as the first ones did */
	if (io->started)
		ra_sched_start(&io->sched, io->cfg.interval_s, loop_now_ms(), jitter());
}

void ra_io_final(struct ra_io *io)
{
	int r;

	if (!io || !io->started)
		return;
	r = send_advert(io, true);
	if (r == 0)
		log_msg(LOG_INFO, "sent the final router advertisement on %s (router lifetime 0)",
			io->ifname);
	else
		log_msg(LOG_INFO, "no final router advertisement on %s: %s", io->ifname,
			not_ready(r) ? "no link-local address" : strerror(-r));
}

void ra_io_get_stats(const struct ra_io *io, struct ra_io_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (io)
		*out = io->stats;
}

void ra_io_close(struct ra_io *io)
{
	if (!io)
		return;
	if (io->sock.fd >= 0)
		close(io->sock.fd);
	free(io);
}
