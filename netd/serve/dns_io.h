/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_io: the DNS server's sockets. UDP and TCP port 53 on each of the
 * network's own addresses, bound to the bridge (opened while privileged:
 * traffic that reached those addresses through any other interface never
 * gets to them), TCP client connections (dns_io_tcp.c), and one fresh
 * socket per forwarded query, IPv4 or IPv6 as the upstream is (a new random
 * source port each time, RFC 5452; dns_io_fwd.c). Everything is registered
 * in the daemon's epoll set with tags, so dispatch costs no search.
 */
#ifndef VNETD_DNS_IO_H
#define VNETD_DNS_IO_H

#include "dhcp/dns/dns.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define DNS_IO_MAX_ADDRS 16
#define DNS_IO_MAX_CONNS 64             /* TCP clients at once */
#define DNS_IO_MAX_FWDS 256             /* forward sockets (> the core's pending limit) */
#define DNS_IO_BATCH 32
#define DNS_IO_TCP_IDLE_MS 10000        /* a TCP client that sends no whole query in this long */
#define DNS_IO_TCP_LIFE_MS 15000        /* any TCP client connection, however busy */
#define DNS_IO_TCP_PER_SOURCE 4         /* TCP connections from one address at once */

/* epoll tags: (DNS_IO_TAG << 32) | kind << 24 | index */
#define DNS_IO_TAG 0xd15ULL

struct dns_conn;
struct dns_fwd;

struct dns_io {
	struct dns_server *srv;
	int epfd;
	size_t n_addrs;
	struct in_addr addrs[DNS_IO_MAX_ADDRS];
	int udp_fd[DNS_IO_MAX_ADDRS];
	int tcp_fd[DNS_IO_MAX_ADDRS];
	struct dns_conn *conns;         /* DNS_IO_MAX_CONNS */
	struct dns_fwd *fwds;           /* DNS_IO_MAX_FWDS */
	uint64_t conn_generation;
	uint64_t loops_logged;          /* the core's loop count last logged */
	uint8_t *out;                   /* DNS_MSG_MAX + 2 */
	uint8_t *in;                    /* DNS_MSG_MAX */
};

/*
 * Open the listening sockets on `addrs`, bound to interface `ifname` (the
 * bridge; privileged). 0 or negative errno with msg.
 */
int dns_io_open(struct dns_io *io, const char *ifname, const struct in_addr *addrs, size_t n,
		char *msg, size_t msg_size);

/* Register the listening sockets with the loop and attach the server. */
int dns_io_start(struct dns_io *io, int epfd, struct dns_server *srv);

/* An epoll event whose tag is ours. */
void dns_io_event(struct dns_io *io, uint64_t tag, uint32_t events);

/* Time: forward timeouts and idle TCP clients. Returns the next deadline (ms), -1 if none. */
int64_t dns_io_tick(struct dns_io *io);

void dns_io_close(struct dns_io *io);

static inline bool dns_io_owns(uint64_t tag)
{
	return (tag >> 32) == DNS_IO_TAG;
}

#endif
