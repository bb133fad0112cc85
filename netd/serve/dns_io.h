/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns_io: the DNS server's sockets. UDP and TCP port 53 on each of the
 * network's own addresses, bound to the bridge (opened while privileged:
 * traffic that reached those addresses through any other interface never
 * gets to them), TCP client connections (dns_io_tcp.c), and the forward
 * sockets, IPv4 or IPv6 as the upstream is (random source ports, RFC 5452:
 * a few per upstream, each for a bounded number of queries; dns_io_fwd.c).
 * Every socket is a handler
 * of the daemon's loop and the forwards' timeouts are one of its deadlines,
 * so a wake-up goes straight to the socket it is for.
 */
#ifndef VNETD_DNS_IO_H
#define VNETD_DNS_IO_H

#include "dhcp/dns/dns.h"
#include "netd/serve/loop.h"

#include <netinet/in.h>

#define DNS_IO_MAX_ADDRS 32            /* 16 of each family on a bridge */

struct dns_io;

/*
 * Open the listening sockets on `addrs` (IPv4 and IPv6), bound to interface
 * `ifname` (the bridge; privileged). *ret is the caller's, for
 * dns_io_close(). 0 or negative errno with msg (nothing left open).
 */
int dns_io_open(const char *ifname, const struct dns_ip *addrs, size_t n,
		struct dns_io **ret, char *msg, size_t msg_size);

/* Attach the server, register the listening sockets and the deadlines with the loop. */
int dns_io_start(struct dns_io *io, struct loop *loop, struct dns_server *srv);

void dns_io_close(struct dns_io *io);          /* NULL is fine; before the loop is freed */

/* What the sockets did, since the open. */
struct dns_io_stats {
	uint64_t answers_coalesced;     /* UDP answers that left in a segmented datagram */
	uint64_t forward_sockets;       /* forward sockets opened (UDP and TCP) */
};

void dns_io_stats(const struct dns_io *io, struct dns_io_stats *st);   /* io may be NULL */

#endif
