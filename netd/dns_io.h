/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_io: the DNS server's sockets. UDP and TCP port 53 on each of the
 * network's own addresses (opened while privileged), TCP client
 * connections, and one fresh socket per forwarded query (a new random
 * source port each time, RFC 5452). Everything is registered in the
 * daemon's epoll set with tags, so dispatch costs no search.
 */
#ifndef VNETD_DNS_IO_H
#define VNETD_DNS_IO_H

#include "dhcp/dns.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define DNS_IO_MAX_ADDRS 16
#define DNS_IO_MAX_CONNS 64             /* TCP clients at once */
#define DNS_IO_MAX_FWDS 256             /* forward sockets (> the core's pending limit) */
#define DNS_IO_BATCH 32
#define DNS_IO_TCP_IDLE_MS 10000

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
	uint8_t *out;                   /* DNS_MSG_MAX + 2 */
	uint8_t *in;                    /* DNS_MSG_MAX */
};

/* Open the listening sockets on `addrs` (privileged). 0 or negative errno with msg. */
int dns_io_open(struct dns_io *io, const struct in_addr *addrs, size_t n, char *msg,
		size_t msg_size);

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
