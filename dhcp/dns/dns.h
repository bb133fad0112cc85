/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns: the network's DNS server core — local names answered from an index,
 * everything else forwarded with forgery resilience (RFC 5452). It replaces
 * dnsmasq's DNS half. A library: no globals, no logging, no exit(), and NO
 * I/O: the daemon reads a message, hands its bytes to a dns_server_handle_*()
 * call and performs the returned struct dns_action (send an answer to a
 * client, or open a fresh socket and forward to an upstream).
 *
 * How netd drives it:
 *
 *   query on UDP/TCP 53 (TCP: the daemon strips/adds the 2-byte length):
 *       dns_server_handle_query(srv, buf, n, &client, now, out, cap, &act);
 *       ANSWER  -> send act.len bytes of out to act.peer (TCP: on act.conn)
 *       FORWARD -> a socket with a random local port (UDP: a fresh one or one
 *                  of a few kept per upstream for a bounded number of queries;
 *                  TCP, when act.transport says so: a fresh connection), send
 *                  out[0..act.len) to act.peer,
 *                  then dns_server_forward_sent(srv, act.token, local_port)
 *                  (or dns_server_forward_failed() when the send failed)
 *   datagram/message on a forward socket:
 *       dns_server_handle_upstream_reply(srv, buf, n, &from, local_port, now,
 *                                        out, cap, &act);
 *       ANSWER  -> send to the client as above
 *       act.done_port != 0 -> this query's use of the forward socket on that
 *                  port is over (a TCP one or a UDP one nobody else uses: close it).
 *       A reply that does not match (address, port, ID, question) is
 *       dropped and the socket stays open for the real one.
 *   timer at the returned deadline:
 *       while (dns_server_tick(srv, now, out, cap, &act, &next) > 0)
 *           perform act (a retry FORWARD to the next upstream, or a
 *           SERVFAIL ANSWER), closing act.done_port.
 *   the host's resolv.conf changed:
 *       dns_server_set_upstreams(srv, ups, n, &err)
 *   a lease got, changed or lost its name:
 *       dns_lease_name_set(srv, &addr, name or NULL, expires)
 *
 * Time: one clock for everything, in MILLISECONDS: every `now`, the
 * deadline dns_server_tick() reports and a lease name's expiry are on it.
 * The daemon uses CLOCK_MONOTONIC, so a step of the wall clock moves no
 * forward's timeout and no name's end; it converts a lease's wall-clock
 * expiry to this clock once, when it hands the name over. Any origin does
 * (the tests start at an arbitrary moment), as long as it never goes back.
 *
 * Ownership: dns_server_new() copies everything in the config; the caller
 * may free its config right after. The server owns its table; free it with
 * dns_server_free().
 */
#ifndef VNETD_DNS_H
#define VNETD_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dhcp/wire/wire.h"

#define DNS_PORT 53
#define DNS_UDP_MIN 512         /* RFC 1035 §4.2.1 / RFC 6891 §6.2.5 floor */
#define DNS_EDNS_SIZE 1232      /* the UDP payload size we advertise (DNS flag day 2020) */
#define DNS_MSG_MAX 65535       /* RFC 1035 §4.2.2: TCP length prefix */
#define DNS_FWD_QUERY_MAX 1232  /* longest query we forward (kept for retries) */
#define DNS_NAME_MAX 255        /* RFC 1035 §2.3.4, wire octets */
#define DNS_LABEL_MAX 63

/*
 * TTL of local answers. dnsmasq under libvirt answers local names with
 * local-ttl 0 (never cached), so a name that goes away with its lease is gone
 * at once; the daemon may raise it up to DNS_LOCAL_TTL_MAX. A lease name's
 * TTL is further capped at the seconds left on the lease.
 */
#define DNS_LOCAL_TTL_MAX 60

#define DNS_PENDING_DEFAULT 150 /* dnsmasq's dns-forward-max */
#define DNS_PENDING_LIMIT 4096
#define DNS_PENDING_CLIENT_MIN 4        /* the per-client default is max(this, max_pending / 8) */
#define DNS_TIMEOUT_DEFAULT_MS 2000
#define DNS_LOOP_SKIP_MS 60000          /* an upstream that sent our query back rests this long */
#define DNS_DYNAMIC_DEFAULT 65536       /* lease names when neither bound is given */

#define DNS_EXPIRES_NEVER INT64_MAX

/*
 * The cache of forwarded answers (cache.c): at most this many answers and
 * bytes of them by default. dnsmasq keeps 150 names; a host serving many
 * guests asks for more, and 1 000 typical answers take ~150 kB.
 */
#define DNS_CACHE_DEFAULT 1000
#define DNS_CACHE_LIMIT 65536
#define DNS_CACHE_BYTES_DEFAULT (1024 * 1024)

/* An IPv4 or IPv6 address; family AF_INET uses the first 4 bytes. Network order. */
struct dns_ip {
	uint8_t family;
	uint8_t bytes[16];
};

struct dns_peer {
	struct dns_ip ip;
	uint16_t port;                  /* host order */
};

/* "192.168.122.1" or "fd00::1" -> 0, else -EINVAL. */
int dns_ip_parse(const char *text, struct dns_ip *out);
bool dns_ip_eq(const struct dns_ip *a, const struct dns_ip *b);

/*
 * <ip address prefix localPtr>: the server's own address on the bridge and
 * its subnet. Queries are accepted only from these subnets, and from IPv6
 * link-local sources when one of them is IPv6 (others: REFUSED).
 * local_ptr: reverse names inside the subnet are answered here (PTR or
 * NXDOMAIN) and never forwarded.
 */
struct dns_net {
	struct dns_ip addr;
	unsigned prefix;
	bool local_ptr;
};

/*
 * <forwarder addr domain>. addr only: a default upstream (replaces the
 * resolv.conf ones). domain + addr: names in that domain go there first.
 * domain without addr: names in that domain go to the default upstreams
 * (even inside a localOnly domain). The longest matching domain wins; equal
 * domains are tried in the order given.
 */
struct dns_forwarder {
	bool has_addr;
	struct dns_ip addr;
	uint16_t port;                  /* 0 = 53 */
	const char *domain;             /* or NULL */
};

/* One name -> address: <dns><host ip><hostname> (one per hostname) and <dhcp><host name ip>. */
struct dns_host {
	const char *name;
	struct dns_ip ip;
};

/* <srv service protocol domain target port priority weight>: _service._protocol[.domain]. */
struct dns_srv {
	const char *service, *protocol, *domain;        /* domain may be NULL */
	const char *target;                             /* NULL or "." = service not offered */
	uint16_t port, priority, weight;
};

/* <txt name value>. */
struct dns_txt {
	const char *name, *value;
};

/* Random bits for IDs; the daemon passes a CSPRNG (e.g. buffered getrandom()). */
typedef uint32_t (*dns_random_fn)(void *userdata);

struct dns_config {
	const char *domain;             /* <domain name>, or NULL */
	bool local_only;                /* <domain localOnly='yes'> */
	bool no_forward_plain_names;    /* <dns forwardPlainNames='no'> (libvirt default: yes) */

	const struct dns_net *nets;     /* at least one */
	size_t n_nets;
	const struct dns_forwarder *forwarders;
	size_t n_forwarders;
	/* The host's upstreams (dns_resolv_conf_parse()); used unless a forwarder without domain is given. */
	const struct dns_ip *upstreams;
	size_t n_upstreams;

	const struct dns_host *hosts;
	size_t n_hosts;
	const struct dns_srv *srvs;
	size_t n_srvs;
	const struct dns_txt *txts;
	size_t n_txts;

	uint32_t local_ttl;             /* seconds, <= DNS_LOCAL_TTL_MAX; 0 as dnsmasq */
	unsigned max_pending;           /* 0 = DNS_PENDING_DEFAULT, at most DNS_PENDING_LIMIT */
	unsigned timeout_ms;            /* per upstream try; 0 = DNS_TIMEOUT_DEFAULT_MS */
	/* Pending forwards of one client address once the table is 3/4 full;
	 * 0 = max(DNS_PENDING_CLIENT_MIN, max_pending / 8). */
	unsigned max_pending_per_client;
	uint32_t expected_names;        /* table size hint (e.g. the pool size) */
	/* Lease names (dns_lease_name_set()) at most; 0 = expected_names (or DNS_DYNAMIC_DEFAULT). */
	uint32_t max_dynamic;
	uint64_t hash_seed;             /* random: guests cannot pick colliding names */
	/* Forwarded answers kept: 0 = DNS_CACHE_DEFAULT, at most DNS_CACHE_LIMIT; cache_off: none. */
	uint32_t cache_entries;
	uint32_t cache_bytes;           /* their bytes at most; 0 = DNS_CACHE_BYTES_DEFAULT */
	bool cache_off;
	dns_random_fn random;           /* required */
	void *random_userdata;
};

struct dns_server;

/* 0 or negative errno with `err` (may be NULL) filled. */
int dns_server_new(const struct dns_config *cfg, struct dns_server **ret, struct wire_error *err);
void dns_server_free(struct dns_server *srv);      /* NULL is fine */

/*
 * The live table, fed by the daemon from DHCP lease events. A name is
 * answered bare and under the domain (a name given as "x.<domain>" is the
 * same as "x"). Dynamic (lease) names are keyed by address: an address has
 * at most one, so a guest renaming itself replaces its record and the table
 * never holds more than max_dynamic of them.
 *
 * A DHCP lease's name. A lease has one name: this replaces whatever dynamic
 * name `addr` had (name NULL or "": the address has none any more).
 * expires: the moment the name ends, in milliseconds on the clock of `now`
 * (see Time above), or DNS_EXPIRES_NEVER.
 * 0 (also when a static record already maps this very name to addr: nothing added),
 * -EINVAL (not a host name: the address is left without a name), -EEXIST (another address
 * of the same family holds the name, statically or dynamically, or an SRV/TXT record has
 * it: the address is left without a name; an IPv4 lease's name does not stop the same name
 * on an IPv6 lease, so a dual-stack guest has A and AAAA, as with dnsmasq),
 * -ENOSPC (the bound on dynamic names is reached), -ENOMEM.
 */
int dns_lease_name_set(struct dns_server *srv, const struct dns_ip *addr, const char *name,
		       int64_t expires);
/*
 * Replace the static A/AAAA host records (<dns><host> and <dhcp><host name ip>), e.g. on reload;
 * dynamic names that now collide with a static name of another address are dropped. On failure
 * nothing changes.
 */
int dns_server_set_hosts(struct dns_server *srv, const struct dns_host *hosts, size_t n,
			 struct wire_error *err);

/*
 * A new definition for a running server (reload): the domain and its
 * localOnly, forwardPlainNames, the forwarders, the local TTL and every
 * static record (hosts, SRV, TXT) are replaced from cfg, and so are the
 * host's upstreams (pass the current ones); lease names, queries under way
 * (they keep their upstream; a failover starts again in the new lists) and
 * loop marks stay. The cache of forwarded answers starts empty (sized by the new cfg).
 * cfg is checked as dns_server_new() checks it; on failure nothing
 * changes. The network addresses (cfg->nets) must be the server's own.
 */
int dns_server_reconfigure(struct dns_server *srv, const struct dns_config *cfg,
			   struct wire_error *err);

size_t dns_table_count(const struct dns_server *srv);

enum dns_transport { DNS_UDP = 0, DNS_TCP = 1 };

struct dns_client {
	struct dns_peer peer;
	enum dns_transport transport;
	uint64_t conn;                  /* the daemon's handle of a TCP connection; echoed back */
};

enum dns_action_kind {
	DNS_ACT_DROP = 0,       /* nothing to send */
	DNS_ACT_ANSWER,         /* send out[0..len) to peer (transport, conn) */
	DNS_ACT_FORWARD,        /* random-port socket, send out[0..len) to peer, then forward_sent(token) */
};

struct dns_action {
	enum dns_action_kind kind;
	enum dns_transport transport;
	struct dns_peer peer;
	uint64_t conn;                  /* ANSWER over TCP: the client's connection */
	size_t len;
	uint32_t token;                 /* FORWARD: identifies the pending query */
	uint16_t done_port;             /* != 0: a forward on this local port is over */
};

/*
 * One query from a client. `out`/`cap`: at least DNS_UDP_MIN bytes (UDP) or
 * DNS_MSG_MAX (TCP) to answer everything; answers are cut to fit at a record
 * boundary with TC set. Malformed with a readable header: FORMERR; shorter
 * than a header, or a response: DROP. Returns 0 (see act->kind) or -EINVAL
 * on bad arguments. Never allocates in the steady state.
 *
 * Limits: once three quarters of the pending table are taken, a client address with
 * max_pending_per_client forwards under way gets no forward (stats.pending_client_full),
 * so one guest cannot take the whole table; nor does anyone when the table is full
 * (stats.pending_full). Such a query is dropped over UDP (the stub retries after its
 * timeout) and answered SERVFAIL over TCP. Loops: a query that is one of our own forwards
 * coming back (the upstream ID and question of a pending forward, from that
 * upstream's address, one of ours or loopback) is not answered; the upstream
 * is skipped for DNS_LOOP_SKIP_MS (stats.loops, stats.last_loop) and the
 * pending query fails over at once: act is then that query's next FORWARD or
 * its SERVFAIL ANSWER to its own client (with done_port).
 */
int dns_server_handle_query(struct dns_server *srv, const uint8_t *msg, size_t len,
			    const struct dns_client *from, int64_t now, uint8_t *out,
			    size_t cap, struct dns_action *act);

/*
 * The host's upstreams changed (resolv.conf re-read): they replace the ones
 * given at dns_server_new(). Forwarders without a domain keep precedence over
 * them, as at start. Queries under way keep the upstream they were sent to
 * (its reply is still accepted); when they fail over, they go on in the new
 * list. When a route's list changed, the cache of forwarded answers is flushed.
 * 0, or -ENOMEM / -EINVAL with nothing changed.
 */
int dns_server_set_upstreams(struct dns_server *srv, const struct dns_ip *ups, size_t n,
			     struct wire_error *err);

/* The forward for `token` left from `local_port` (UDP source port or TCP local port). */
void dns_server_forward_sent(struct dns_server *srv, uint32_t token, uint16_t local_port);
/* The daemon could not send it: fail over at the next tick. */
void dns_server_forward_failed(struct dns_server *srv, uint32_t token, int64_t now);
/*
 * The UDP socket on `local_port`, connected to `up`, reported an error
 * (ICMP port unreachable): every UDP try under way from it to that upstream
 * fails over at the next tick, each with its done_port.
 */
void dns_server_forward_failed_port(struct dns_server *srv, uint16_t local_port,
				    const struct dns_peer *up, int64_t now);

/*
 * A message that arrived on a forward socket bound to `local_port` from
 * `from`. Accepted only when the source address and port, the ID and the
 * question (name case-insensitively, type, class) match the pending query
 * (RFC 5452 §9.1); then it is copied to `out` with the client's ID (cut to
 * the header+question with TC when the client's UDP limit is smaller) and
 * act is ANSWER; a cacheable answer (NOERROR with records, or NXDOMAIN/NODATA
 * with an SOA, RFC 2308; not truncated, no TTL of 0) is kept for later
 * queries of the same question. Upstream SERVFAIL/REFUSED fails over to the next upstream
 * (act FORWARD). Anything else: DROP. Returns 0 or -EINVAL.
 */
int dns_server_handle_upstream_reply(struct dns_server *srv, const uint8_t *msg, size_t len,
				     const struct dns_peer *from, uint16_t local_port,
				     int64_t now, uint8_t *out, size_t cap,
				     struct dns_action *act);

/*
 * Time out pending forwards, one action per call: returns 1 with act a
 * retry FORWARD to the next upstream (strict order) or a SERVFAIL ANSWER
 * when every upstream failed; 0 when nothing more is due, with *next set to
 * the next deadline (INT64_MAX when none). O(1) per call.
 */
int dns_server_tick(struct dns_server *srv, int64_t now, uint8_t *out, size_t cap,
		    struct dns_action *act, int64_t *next);

struct dns_stats {
	uint64_t queries, answered_local, forwarded, retries;
	uint64_t formerr, refused, servfail, pending_full, pending_client_full;
	uint64_t replies_accepted, replies_dropped, timeouts;
	uint64_t loops;                 /* our own queries that came back to us */
	struct dns_peer last_loop;      /* the upstream that sent the last of them */
	/* accepted replies: ms from the try's send to its reply, summed and the largest */
	uint64_t forward_latency_ms_total, forward_latency_ms_max;
	uint32_t pending;
	/* the cache of forwarded answers: lookups answered and not, answers pushed out
	 * for room, and what it holds now */
	uint64_t cache_hits, cache_misses, cache_evictions;
	uint64_t cache_entries, cache_bytes;
};
void dns_server_stats(const struct dns_server *srv, struct dns_stats *out);

/*
 * resolv.conf "nameserver" lines -> upstreams, in order, duplicates once.
 * Loopback ones (a local stub: unbound, a dnsmasq, a VPN client's) are kept:
 * the loop guard in dns_server_handle_query() catches a stub that sends our
 * queries back. Skipped: 0.0.0.0/::, link-local addresses with a %scope, and
 * the server's own addresses (never forward to ourselves). Returns how many
 * were written to out[cap] (extra ones are ignored), or -EINVAL on bad
 * arguments.
 */
int dns_resolv_conf_parse(const char *text, size_t len, const struct dns_ip *self,
			  size_t n_self, struct dns_ip *out, size_t cap);

#endif
