/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the three dns_io files share: the epoll tags, the TCP client and
 * forward socket records, address conversions. Not for the rest of netd:
 * it uses dns_io.h.
 */
#ifndef VNETD_DNS_IO_INTERNAL_H
#define VNETD_DNS_IO_INTERNAL_H

#include "netd/serve/dns_io.h"

#include <sys/socket.h>

enum dns_io_kind { K_UDP = 1, K_LISTEN, K_CONN, K_FWD };

/* A TCP client: 2-byte length framing (RFC 1035 §4.2.2), one query at a time. */
struct dns_conn {
	int fd;
	uint64_t id;                    /* generation << 8 | index: stale answers find no one */
	struct dns_peer peer;
	int64_t idle_deadline;          /* monotonic ms: moved on by each whole query */
	int64_t end_deadline;           /* monotonic ms: the connection's whole life */
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

uint64_t dns_io_tag(enum dns_io_kind kind, size_t index);
int dns_io_watch(struct dns_io *io, int fd, uint32_t events, uint64_t tag);
int64_t dns_io_mono_ms(void);           /* the core's clock and the connections' */

/* An IPv4 or IPv6 socket address <-> the core's peer (never a truncated address). */
bool dns_io_peer_from_sa(struct dns_peer *p, const struct sockaddr_storage *ss);
socklen_t dns_io_sa_from_peer(struct sockaddr_storage *ss, const struct dns_peer *p);

/* Carry out what the core asked for (dns_io.c). */
void dns_io_perform(struct dns_io *io, const struct dns_action *act);

/* dns_io_tcp.c: TCP clients */
void dns_tcp_accept(struct dns_io *io, size_t listener);
void dns_tcp_read(struct dns_io *io, size_t index);
void dns_tcp_answer(struct dns_io *io, const struct dns_action *act);
void dns_tcp_close(struct dns_io *io, struct dns_conn *c);
/* Close connections past a deadline; the earliest deadline left folded into *next (-1: none). */
void dns_tcp_expire(struct dns_io *io, int64_t mono, int64_t *next);

/* dns_io_fwd.c: forward sockets */
int dns_fwd_open(struct dns_io *io, const struct dns_action *act);
void dns_fwd_event(struct dns_io *io, size_t index, uint32_t events);
void dns_fwd_close(struct dns_fwd *f);
void dns_fwd_close_port(struct dns_io *io, uint16_t port);

#endif
