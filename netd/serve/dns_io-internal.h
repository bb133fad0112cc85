/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the three dns_io files share: the object, its listeners, TCP client
 * and forward socket records, address conversions. Not for the rest of
 * netd: it uses dns_io.h.
 */
#ifndef VNETD_DNS_IO_INTERNAL_H
#define VNETD_DNS_IO_INTERNAL_H

#include "netd/serve/dns_io.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define DNS_IO_MAX_CONNS 64             /* TCP clients at once */
#define DNS_IO_MAX_FWDS 256             /* forward sockets (> the core's pending limit) */
#define DNS_FWD_POOL 8                  /* UDP forward sockets kept per upstream */
#define DNS_FWD_USES 32                 /* queries one UDP forward socket carries at most */
#define DNS_FWD_LIFE_MS 10000           /* and it takes no new one after this long */
#define DNS_IO_BATCH 32                 /* UDP datagrams per recvmmsg/sendmmsg */
#define DNS_IO_UDP_ROUNDS 4             /* batches per wake-up, so TCP and timers get a turn */
/* A UDP query's and a UDP answer's slot: local answers are cut (TC) to it. */
#define DNS_IO_UDP_SLOT 4096
/*
 * The largest UDP answer coalesced with others (dns_io_udp.c). A message of
 * segments bigger than the path's MTU is not always refused at the send:
 * the kernel may take it and the segments die on the way (2 KB answers on a
 * 1500-byte bridge were lost so). 1200 fits IPv6's minimum MTU of 1280 with
 * its headers; a bridge with a smaller MTU lowers it (dns_io.c).
 */
#define DNS_GSO_SEGMENT_MAX 1200
#define DNS_IO_TCP_IDLE_MS 10000        /* a TCP client that sends no whole query in this long */
#define DNS_IO_TCP_LIFE_MS 15000        /* any TCP client connection, however busy */
#define DNS_IO_TCP_PER_SOURCE 4         /* TCP connections from one address at once */

struct dns_io;
struct dns_udp_batch;

/* A UDP or TCP socket on port 53 of one of the network's addresses. */
struct dns_listener {
	struct loop_handler h;
	struct dns_io *io;
	size_t index;                   /* of the address: UDP answers leave from its socket */
	/*
	 * UDP: the socket the answers go out of (dns_io.c, open_reply_socket):
	 * another socket on the same address, port and device that is never in
	 * epoll, or h.fd itself where one could not be made.
	 */
	int reply_fd;
	bool no_gso;                    /* UDP: segmentation offload refused once: not tried again */
};

/* A TCP client: 2-byte length framing (RFC 1035 §4.2.2), one query at a time. */
struct dns_conn {
	struct loop_handler h;          /* fd -1: a free slot */
	struct dns_io *io;
	uint64_t id;                    /* generation << 8 | index: stale answers find no one */
	struct dns_peer peer;
	int64_t idle_deadline;          /* monotonic ms: moved on by each whole query */
	int64_t end_deadline;           /* monotonic ms: the connection's whole life */
	size_t have;
	uint8_t buf[2 + DNS_MSG_MAX];
};

/*
 * A forward socket: TCP, one query's connection; UDP, connected to one
 * upstream and shared by the queries to it (dns_io_fwd.c says how long).
 */
struct dns_fwd {
	struct loop_handler h;          /* fd -1: a free slot */
	struct dns_io *io;
	bool tcp;
	bool connected;                 /* TCP: the query has been sent */
	bool retiring;                  /* UDP: no new query; closed when the last is over */
	uint16_t port;                  /* our local port: how the core knows the socket */
	uint16_t inflight;              /* UDP: queries sent from it and not over */
	uint16_t uses;                  /* UDP: queries sent from it so far */
	uint32_t token;                 /* TCP: its query */
	int64_t born_ms;                /* monotonic */
	uint64_t last_use;              /* io->fwd_uses when it last took a query */
	struct dns_peer to;
	size_t out_len;
	uint8_t *tcp_buf;               /* TCP: query out, then reply in (2 + DNS_MSG_MAX) */
	size_t have;
};

struct dns_io {
	struct dns_server *srv;
	struct loop *loop;
	struct loop_timer timer;        /* forward timeouts and TCP clients' ends */
	int64_t deadline_ms;            /* the earliest of them, monotonic; -1 when none */
	size_t n_addrs;
	struct dns_ip addrs[DNS_IO_MAX_ADDRS];
	unsigned ifindex;               /* the bridge: the scope of IPv6 link-local peers */
	size_t gso_segment_max;         /* largest UDP answer coalesced (dns_io_udp.c); 0: none */
	struct dns_listener udp[DNS_IO_MAX_ADDRS];
	struct dns_listener tcp[DNS_IO_MAX_ADDRS];
	struct dns_conn *conns;         /* DNS_IO_MAX_CONNS */
	struct dns_fwd *fwds;           /* DNS_IO_MAX_FWDS */
	uint64_t conn_generation;
	uint64_t fwd_uses;              /* UDP forwards sent: orders the sockets by last use */
	struct dns_io_stats st;
	uint64_t loops_logged;          /* the core's loop count last logged */
	uint8_t *out;                   /* DNS_MSG_MAX + 2 */
	uint8_t *in;                    /* DNS_MSG_MAX */
	struct dns_udp_batch *batch;    /* UDP queries and their answers (dns_io_udp.c) */
};

/* An IPv4 or IPv6 socket address <-> the core's peer (never a truncated address). */
bool dns_io_peer_from_sa(struct dns_peer *p, const struct sockaddr_storage *ss);
socklen_t dns_io_sa_from_peer(struct sockaddr_storage *ss, const struct dns_peer *p);

/* Carry out what the core asked for (dns_io.c). */
void dns_io_perform(struct dns_io *io, const struct dns_action *act);
/* After every event, as after a deadline: what is due now, and the next deadline. */
void dns_io_retick(struct dns_io *io);

/* dns_io_udp.c: UDP queries, a batch at a time */
size_t dns_udp_batch_size(void);
void dns_udp_batch_init(struct dns_udp_batch *b);
/*
 * Take what waits on UDP listener l (one recvmmsg, at most DNS_IO_BATCH),
 * answer it, send the answers (one sendmmsg). How many datagrams came, 0 when
 * none, or negative errno. *acted is set when a datagram led to more than
 * an answer to its sender (a forward, a failover, a socket closed).
 */
int dns_udp_serve(struct dns_io *io, struct dns_listener *l, bool *acted);

/* dns_io_tcp.c: TCP clients */
void dns_tcp_accept(struct dns_listener *l);
void dns_tcp_answer(struct dns_io *io, const struct dns_action *act);
void dns_tcp_close(struct dns_conn *c);
/* Close connections past a deadline; the earliest deadline left folded into *next (-1: none). */
void dns_tcp_expire(struct dns_io *io, int64_t mono, int64_t *next);

/* dns_io_fwd.c: forward sockets */
/* Send the FORWARD act (from io->out) and tell the core its port; 0 or negative errno. */
int dns_fwd_send(struct dns_io *io, const struct dns_action *act);
void dns_fwd_close(struct dns_fwd *f);
/* A query's use of the socket on `port` is over (act->done_port). */
void dns_fwd_done(struct dns_io *io, uint16_t port);

#endif
