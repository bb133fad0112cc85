/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of the DNS core shared by its files, the unit tests and the
 * fuzzers. Not part of the public contract: netd/ uses dns.h only.
 */
#ifndef VNETD_DNS_INTERNAL_H
#define VNETD_DNS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/wire/wire.h"
#include "dhcp/dns/dns.h"

/* RFC 1035 §4.1.1 header */
#define DNS_HDR_LEN 12
#define DNS_QR 0x8000
#define DNS_AA 0x0400
#define DNS_TC 0x0200
#define DNS_RD 0x0100
#define DNS_RA 0x0080
#define DNS_OPCODE(f) (((f) >> 11) & 0xf)

enum {
	DNS_R_NOERROR = 0, DNS_R_FORMERR = 1, DNS_R_SERVFAIL = 2, DNS_R_NXDOMAIN = 3,
	DNS_R_NOTIMP = 4, DNS_R_REFUSED = 5, DNS_R_BADVERS = 16,
};

enum {
	DNS_T_A = 1, DNS_T_NS = 2, DNS_T_CNAME = 5, DNS_T_SOA = 6, DNS_T_PTR = 12,
	DNS_T_TXT = 16, DNS_T_AAAA = 28, DNS_T_SRV = 33, DNS_T_OPT = 41,
	DNS_T_IXFR = 251, DNS_T_AXFR = 252, DNS_T_ANY = 255,
};

#define DNS_C_IN 1
#define DNS_C_ANY 255
#define DNS_OPT_COOKIE 10       /* RFC 7873 */
#define DNS_MAX_HOPS 126        /* more compression pointers than labels fit in 255 octets */

/* ---- codec (dns_codec.c) ---- */

/*
 * A name in wire form: labels, then the root's 0. Case is kept as received;
 * dns_name_lower() gives the form the indexes use.
 */
struct dns_name {
	uint8_t b[DNS_NAME_MAX];
	uint8_t len;                    /* octets including the final 0 */
	uint8_t labels;                 /* not counting the root */
};

/* A parsed message: header, the one question, EDNS0. */
struct dns_msg {
	uint16_t id, flags;
	uint16_t qdcount, ancount, nscount, arcount;
	struct dns_name qname;
	uint16_t qtype, qclass;
	size_t question_end;            /* offset just past the question */

	bool has_opt;                   /* RFC 6891 */
	uint16_t udp_size;              /* OPT CLASS, as sent */
	uint8_t edns_version;
	bool edns_do;
	bool has_cookie;
};

/*
 * Decode the name at r's position (r reads the WHOLE message, so positions
 * are message offsets). RFC 1035 §4.1.4 compression: every pointer must
 * point strictly before the place the current run of labels started (so
 * they only go backwards and cannot loop), at most DNS_MAX_HOPS of them;
 * labels <= 63 (0x40/0x80 label types are rejected), name <= 255 octets.
 * r ends just past the name as written (a pointer counts 2 octets).
 * 0 or -EBADMSG; r does not move on failure.
 */
int dns_name_read(struct wire_reader *r, struct dns_name *out);

/*
 * Parse a message: header, then exactly one question, then (with
 * `whole`) every RR of the other sections checked for shape, the OPT
 * pseudo-RR picked up. -EMSGSIZE: no complete header (drop);
 * -EBADMSG: malformed after a readable header (FORMERR); 0.
 */
int dns_msg_parse(const uint8_t *p, size_t len, bool whole, struct dns_msg *m);
/*
 * A query whose one question is plain labels (no compression), read in one
 * pass (a bare OPT after it at once, other records as dns_msg_parse reads
 * them): 0 with *m as dns_msg_parse(whole) makes it, or -1 for anything
 * else (dns_msg_parse() decides about that: FORMERR, a drop, or a reading).
 */
int dns_msg_parse_quick(const uint8_t *p, size_t len, struct dns_msg *m);

/* ASCII lowercase in place (label length octets are <= 63, below 'A'). */
void dns_name_lower(uint8_t *p, size_t n);
bool dns_name_eq_nocase(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen);

/*
 * Text ("web1", "a.example.com", trailing dot allowed) -> wire labels,
 * lowercased, WITHOUT the root's 0. Labels 1..63 octets of printable ASCII
 * other than space; total wire form (with root) <= 255. Length or -EINVAL.
 */
int dns_name_from_text(const char *text, uint8_t *out, size_t cap);

/*
 * Offset of the suffix `sfx` (wire labels without root, lowercase) inside
 * the lowercase name `n` (with root) at a label boundary, or -1. The
 * label index where it starts goes to *label_idx (may be NULL).
 */
int dns_name_suffix(const uint8_t *n, size_t nlen, const uint8_t *sfx, size_t slen,
		    unsigned *label_idx);

/*
 * in-addr.arpa / ip6.arpa names (lowercase, with root) -> the address
 * bits they spell (RFC 1035 §3.5, RFC 3596 §2.5). *bits is 0..32 or 0..128.
 * true when the name is a (possibly partial) reverse name.
 */
bool dns_reverse_parse(const uint8_t *n, size_t nlen, struct dns_ip *ip, unsigned *bits);

bool dns_ip_in_net(const struct dns_ip *ip, unsigned bits, const struct dns_ip *net,
		   unsigned prefix);

/* Builder helpers: a name as given, a compression pointer, patch a u16. */
bool dns_wr_name(struct wire_builder *b, const uint8_t *wire, size_t len);
bool dns_wr_ptr(struct wire_builder *b, size_t off);
void dns_wr_patch_u16(struct wire_builder *b, size_t off, uint16_t v);

/* ---- the local table (dns_table.c) ---- */

#define DNS_REC_STATIC 0x01     /* from the definition: never removed, never stolen */
#define DNS_REC_QUALIFY 0x02    /* relative to the domain: PTR answers append it */

/* One name -> data. ~64 bytes plus the name. */
struct dns_rec {
	uint8_t *name;          /* wire labels without root, lowercase, relative to the domain */
	uint8_t *rdata;         /* SRV/TXT wire rdata (owned); NULL for A/AAAA */
	int64_t expires;        /* ms on the clock of `now`, or DNS_EXPIRES_NEVER */
	uint32_t next_name;     /* same name; free-list link when unused */
	uint32_t next_addr;     /* same address (A/AAAA) */
	uint16_t type;          /* 0 = unused */
	uint16_t rdlen;
	uint8_t name_len;
	uint8_t flags;
	uint8_t addr[16];
};

struct dns_table {
	struct dns_rec *rec;
	uint32_t n_rec, cap_rec, free_head, live;
	uint32_t n_dyn, max_dyn;        /* dynamic (lease) records, and their bound */
	struct htab by_name;       /* -> the first record of each name */
	struct htab by_addr;       /* -> the first A/AAAA record of each address */
	uint64_t seed;
	const uint8_t *domain;          /* the server's, for stripping */
	size_t domain_len;
};

int dns_table_init(struct dns_table *t, uint64_t seed, uint32_t expected,
		   const uint8_t *domain, size_t domain_len);
void dns_table_free(struct dns_table *t);
/* Wire labels (no root) -> first record of that name, or HTAB_NONE. */
uint32_t dns_table_find(const struct dns_table *t, const uint8_t *key, size_t klen);
uint32_t dns_table_find_addr(const struct dns_table *t, const struct dns_ip *ip);
/* The dynamic record of an A/AAAA address (at most one), or HTAB_NONE. */
uint32_t dns_table_dyn_of(const struct dns_table *t, uint16_t type, const uint8_t *addr);
/* Take record idx out of both indexes and free it. */
void dns_table_drop(struct dns_table *t, uint32_t idx);
/*
 * A dynamic A/AAAA record for addr under `key` (dns_table_key() form): the
 * whole dns_lease_name_set() rule (one per address, the bound, conflicts).
 */
int dns_table_set_dyn(struct dns_table *t, const uint8_t *key, size_t klen, uint8_t flags,
		      uint16_t type, const uint8_t *addr, int64_t expires);
/* Add a record (name already normalised by dns_table_key()). 0, -EEXIST, -ENOMEM. */
int dns_table_put(struct dns_table *t, const uint8_t *key, size_t klen, uint8_t flags,
		  uint16_t type, const uint8_t *addr, const uint8_t *rdata, uint16_t rdlen,
		  int64_t expires);
/* Remove a dynamic record. 0 or -ENOENT. */
int dns_table_del(struct dns_table *t, const uint8_t *key, size_t klen, uint16_t type,
		  const uint8_t *addr);
/* Text -> normalised key (domain stripped) + DNS_REC_QUALIFY flag. Length or -EINVAL. */
int dns_table_key(const struct dns_table *t, const char *text, uint8_t *key, uint8_t *flags);

/* ---- the cache of forwarded answers (cache.c, cache_scan.c) ---- */

#define DNS_CACHE_MSG_MAX 4096  /* bigger answers are not kept */
#define DNS_CACHE_RR_MAX 64     /* records in one kept answer */
#define DNS_CACHE_TTL_MAX 86400 /* an answer is kept a day at most */

/* One kept answer: the upstream's message (OPT taken off), its TTL fields' offsets after it. */
struct dns_cache_ent {
	uint8_t *msg;                   /* len bytes, then n_ttl uint16 offsets; NULL: free */
	int64_t stored, expires;        /* ms on the clock of `now` */
	uint32_t hash;
	uint32_t prev, next;            /* recency list (head: the latest used); free list */
	uint16_t len, n_ttl;
	uint16_t qtype, qclass;
	uint8_t variant;                /* query bits that change the answer (dns_cache_variant) */
	uint8_t qname_len;
};

struct dns_cache {
	struct dns_cache_ent *e;        /* NULL: no cache */
	struct htab idx;
	uint32_t cap, used, head, tail, free_head;
	size_t bytes, max_bytes;
	uint64_t seed;
	uint64_t hits, misses, evictions;
};

/* What cache_scan.c learns from an upstream's answer. */
struct dns_cache_scan {
	uint16_t ttl_off[DNS_CACHE_RR_MAX];
	unsigned n_ttl;
	size_t keep;                    /* bytes kept: up to the last record, the OPT left out */
	uint16_t arcount;               /* additional records kept */
	uint32_t lifetime;              /* seconds */
	int soa_ttl_off;                /* negative answers: the SOA's TTL field, else -1 */
	uint32_t soa_ttl;               /* ... the TTL to give it: min(its TTL, its MINIMUM) */
};

int dns_cache_init(struct dns_cache *c, uint32_t entries, size_t bytes, uint64_t seed);
void dns_cache_free(struct dns_cache *c);
void dns_cache_flush(struct dns_cache *c);
/* The query's bits that change an answer: RD, AD, CD and EDNS's DO. */
uint8_t dns_cache_variant(const struct dns_msg *m);
/*
 * Is this upstream answer (already matched to the question lname/qtype/
 * qclass) one to keep, and how: 0 with *s filled, or -EBADMSG (malformed),
 * -ENOENT (not cacheable: TC, an rcode other than NOERROR/NXDOMAIN, a
 * negative answer without an SOA, a TTL of 0, too big).
 */
int dns_cache_scan(const uint8_t *msg, size_t len, const struct dns_name *lname,
		   uint16_t qtype, uint16_t qclass, struct dns_cache_scan *s);
/* Keep an answer (dns_cache_scan() first): 0, -ENOENT (not cacheable), -ENOMEM. */
int dns_cache_store(struct dns_cache *c, const uint8_t *msg, size_t len,
		    const struct dns_name *lname, uint16_t qtype, uint16_t qclass,
		    uint8_t variant, int64_t now);
/*
 * The kept answer to query m, its ID and question case m's, TTLs less the
 * time kept, an OPT when m has one; cut to header+question with TC above
 * limit. Its length, or 0 (not kept, or expired).
 */
size_t dns_cache_answer(struct dns_cache *c, const struct dns_msg *m, int64_t now,
			uint8_t *out, size_t limit);

/* ---- the server (dns_server.c, dns_answer.c, dns_forward.c) ---- */

/* An ordered list of upstreams for a domain (NULL domain: the default). */
struct dns_route {
	const uint8_t *domain;          /* wire labels without root, lowercase (dns_fwd_def's) */
	size_t domain_len;
	uint16_t first, n;              /* into dns_server.route_ups */
	uint16_t gen;                   /* bumped when set_upstreams changes this list */
};

/* A <forwarder> of the definition, kept to rebuild the routes when resolv.conf changes. */
struct dns_fwd_def {
	bool has_addr;
	struct dns_peer peer;
	uint8_t *domain;                /* wire labels without root, or NULL */
	size_t domain_len;
};

/* An upstream that sent one of our queries back to us, skipped until `until`. */
struct dns_loop_mark {
	struct dns_peer up;
	int64_t until;
};
#define DNS_LOOP_MARKS 8

/* How many forwards one client address has pending (dns_pclient.c). */
struct dns_pclient {
	struct dns_ip ip;
	uint16_t n;                     /* 0 = unused; free-list link in `next` */
	uint16_t next;
};

struct dns_pclients {
	struct dns_pclient *e;          /* one per pending slot: never more clients than that */
	struct htab by_ip;
	uint16_t free_head;
	unsigned cap;                   /* pending forwards per client address */
	uint64_t seed;
};

struct dns_pending {
	uint8_t *query;                 /* DNS_FWD_QUERY_MAX bytes of the arena */
	uint16_t query_len;
	uint16_t client_id, up_id;
	uint16_t local_port;
	uint16_t route, tries;          /* the upstream tried: route_ups[route.first + tries] */
	uint16_t route_gen;             /* routes[route].gen when it was sent */
	uint16_t client_limit;          /* UDP: largest answer the client takes */
	uint16_t gen;                   /* token = gen << 16 | slot */
	uint16_t prev, next;            /* deadline-ordered list, DNS_NIL ends */
	uint16_t pclient;               /* its dns_pclient entry */
	uint8_t restarts;               /* new upstream lists it started over in */
	uint8_t cache_variant;          /* dns_cache_variant() of the client's query */
	bool used, has_opt;
	struct dns_peer up;             /* where this try went: only it may answer */
	struct dns_client client;
	int64_t deadline;
	struct dns_name lname;          /* lowercase question name */
	uint16_t qtype, qclass;
};

#define DNS_NIL 0xffff

struct dns_server {
	uint8_t domain[DNS_NAME_MAX];   /* wire labels without root */
	size_t domain_len;
	bool local_only, no_plain;
	uint32_t local_ttl;
	struct dns_net *nets;
	size_t n_nets;

	struct dns_fwd_def *fwd;        /* the definition's forwarders, in order */
	size_t n_fwd;
	struct dns_peer *route_ups;     /* every route's upstreams, concatenated */
	size_t n_route_ups;
	struct dns_route *routes;       /* routes[0] is the default */
	size_t n_routes;
	struct dns_loop_mark loops[DNS_LOOP_MARKS];
	int64_t loops_until;            /* the latest `until` of any mark: none active after it */

	struct dns_table table;

	struct dns_pending *pend;
	uint8_t *arena;
	uint16_t *by_id;                /* 65536 entries: slot + 1 of the pending with that ID */
	uint16_t n_pend, used_pend, free_head, head, tail;
	unsigned timeout_ms;
	struct dns_pclients pcl;
	struct dns_cache cache;

	dns_random_fn random;
	void *random_userdata;
	struct dns_stats st;
};

/* dns_answer.c: local answers. Each returns the reply length. */
size_t dns_answer_rcode(const struct dns_server *srv, const struct dns_msg *m, bool question,
			uint8_t rcode, uint8_t *out, size_t cap);
/* Try to answer from the table / local zones. true when answered (len in *len). */
/* route_len: the domain length of the forwarder route that matched (0: none). */
bool dns_answer_local(struct dns_server *srv, const struct dns_msg *m, int64_t now,
		      size_t limit, size_t route_len, uint8_t *out, size_t *len);
/* act: send len bytes to the client c (DROP when len is 0). */
void dns_reply_to(struct dns_action *act, const struct dns_client *c, size_t len);
/* The largest answer the client takes on this transport. */
size_t dns_client_limit(const struct dns_msg *m, enum dns_transport tr, size_t cap);

/* dns_route.c: forwarders, the host's upstreams, routes by domain, loop marks. */
int dns_route_init(struct dns_server *srv, const struct dns_config *cfg, struct wire_error *err);
void dns_route_free(struct dns_server *srv);
/* The route for a name (0 when no forwarder domain matches). *match_len: its domain length. */
int dns_route_for(const struct dns_server *srv, const struct dns_msg *m, size_t *match_len);
/* The first upstream of `route` at index >= from that is not marked looping, or -1. */
int dns_route_next(const struct dns_server *srv, unsigned route, unsigned from, int64_t now);
/* Skip `up` until now + DNS_LOOP_SKIP_MS. */
void dns_route_mark_loop(struct dns_server *srv, const struct dns_peer *up, int64_t now);

/* dns_pclient.c: pending forwards per client address, an index (no scan per query). */
int dns_pclient_init(struct dns_pclients *pc, unsigned slots, unsigned cap, uint64_t seed);
void dns_pclient_free(struct dns_pclients *pc);
/*
 * One more pending for ip: 0 with *idx, -EBUSY at the cap, -ENOMEM. The cap
 * holds only when `crowded` (the table is 3/4 full): a lone busy client
 * may use the room nobody else needs, a flood cannot starve the others.
 */
int dns_pclient_take(struct dns_pclients *pc, const struct dns_ip *ip, bool crowded,
		     uint16_t *idx);
void dns_pclient_put(struct dns_pclients *pc, uint16_t idx);

/* dns_forward.c */
int dns_forward_init(struct dns_server *srv, const struct dns_config *cfg, struct wire_error *err);
void dns_forward_free(struct dns_server *srv);
void dns_forward_query(struct dns_server *srv, const struct dns_msg *m, const uint8_t *q,
		       size_t qlen, const struct dns_client *from, int route, int64_t now,
		       uint8_t *out, size_t cap, struct dns_action *act);
/*
 * Is this client query one of our forwards come back? Then the upstream is
 * marked looping, act is the pending query's failover, and true.
 */
bool dns_forward_loop(struct dns_server *srv, const struct dns_msg *m,
		      const struct dns_client *from, int64_t now, uint8_t *out, size_t cap,
		      struct dns_action *act);

#endif
