/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of dhcp/v6 shared by its files, the unit tests and the fuzzer.
 * Not part of the public contract: netd/ uses dhcp6.h and lease.h only.
 */
#ifndef VNETD_DHCP6_INTERNAL_H
#define VNETD_DHCP6_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/v6/dhcp6.h"
#include "dhcp/wire/wire.h"

/* ---- RFC 8415 §7.3 message types, §21 options, §21.13 status codes ---- */

enum {
	D6_SOLICIT = 1, D6_ADVERTISE, D6_REQUEST, D6_CONFIRM, D6_RENEW, D6_REBIND, D6_REPLY,
	D6_RELEASE, D6_DECLINE, D6_RECONFIGURE, D6_INFORMATION_REQUEST, D6_RELAY_FORW,
	D6_RELAY_REPL,
};

enum {
	O6_CLIENTID = 1, O6_SERVERID = 2, O6_IA_NA = 3, O6_IA_TA = 4, O6_IAADDR = 5, O6_ORO = 6,
	O6_PREFERENCE = 7, O6_ELAPSED_TIME = 8, O6_RELAY_MSG = 9, O6_STATUS_CODE = 13,
	O6_RAPID_COMMIT = 14, O6_INTERFACE_ID = 18, O6_DNS_SERVERS = 23, O6_DOMAIN_LIST = 24,
	O6_IA_PD = 25, O6_INFO_REFRESH_TIME = 32, O6_CLIENT_FQDN = 39,
};

enum {
	ST_SUCCESS = 0, ST_UNSPEC_FAIL = 1, ST_NO_ADDRS_AVAIL = 2, ST_NO_BINDING = 3,
	ST_NOT_ON_LINK = 4, ST_USE_MULTICAST = 5, ST_NO_PREFIX_AVAIL = 6,
};

#define D6_IA_MAX 8             /* IA_NAs answered per message; more are ignored */
#define D6_IA_ADDRS 4           /* addresses read per IA_NA */
#define D6_OTHER_IA_MAX 4       /* IA_TA / IA_PD answered with a status */
#define D6_HOP_LIMIT 8          /* RFC 8415 §7.6 HOP_COUNT_LIMIT */

/* One IA_NA of a request (RFC 8415 §21.4) with the addresses it lists. */
struct d6_ia {
	uint32_t iaid, t1, t2;
	struct in6_addr addr[D6_IA_ADDRS];
	size_t n_addr;
};

/* A parsed client message. Pointers borrow the datagram's bytes. */
struct d6_msg {
	uint8_t type;
	uint32_t xid;                   /* 24 bits */
	const uint8_t *client_id;
	size_t client_id_len;
	const uint8_t *server_id;
	size_t server_id_len;
	bool has_server_id;
	bool rapid_commit;
	bool has_elapsed;
	const uint8_t *oro;             /* pairs of option codes */
	size_t oro_len;
	const uint8_t *fqdn;            /* RFC 4704 §4: flags, then a wire-format name */
	size_t fqdn_len;
	struct d6_ia ia[D6_IA_MAX];
	size_t n_ia;
	uint32_t ta_iaid[D6_OTHER_IA_MAX], pd_iaid[D6_OTHER_IA_MAX];
	size_t n_ta, n_pd;
};

/* A Relay-forward message (RFC 8415 §9.1, §19.1). */
struct d6_relay {
	uint8_t hops;
	struct in6_addr link, peer;
	const uint8_t *iface_id;
	size_t iface_id_len;
	const uint8_t *inner;
	size_t inner_len;
};

/* msg.c: 0, -EBADMSG (truncated, inconsistent) or -EPROTO (not from a client). */
int d6_msg_parse(const uint8_t *data, size_t len, struct d6_msg *m);
int d6_relay_parse(const uint8_t *data, size_t len, struct d6_relay *r);
bool d6_oro_has(const struct d6_msg *m, uint16_t code);
/* The host part of a Client FQDN option, sanitised into out; 0 when none. */
size_t d6_fqdn_host(const uint8_t *opt, size_t len, char out[LEASE_HOSTNAME_MAX + 1]);

/* ---- the pool (pool.c): ranges inside one /64 or smaller each ---- */

struct d6_range {
	uint64_t hi, lo_start, lo_end;  /* the address's two halves, host order */
	uint64_t base;                  /* pool index of lo_start */
	uint32_t lease_time;
};

struct d6_pool {
	struct d6_range *ranges;
	size_t n;
	uint64_t size;
};

void d6_split(const struct in6_addr *a, uint64_t *hi, uint64_t *lo);
void d6_join(uint64_t hi, uint64_t lo, struct in6_addr *a);
int d6_pool_init(struct d6_pool *p, const struct dhcp6_range *r, size_t n,
		 struct wire_error *err);
void d6_pool_free(struct d6_pool *p);
/* The range holding addr, or NULL. */
const struct d6_range *d6_pool_range(const struct d6_pool *p, const struct in6_addr *a);
void d6_pool_addr(const struct d6_pool *p, uint64_t idx, struct in6_addr *out);

/* ---- static hosts (hosts.c) ---- */

struct d6_host {
	uint8_t duid[DHCP6_DUID_MAX];
	size_t duid_len;                /* 0: matched by name */
	char name[LEASE_HOSTNAME_MAX + 1];
	bool has_ip;
	struct in6_addr ip;
	uint32_t lease_time;
};

struct d6_hosts {
	struct d6_host *h;
	size_t n;
	struct htab by_duid, by_ip;
	uint64_t seed;
};

int d6_hosts_build(const struct dhcp6_static_host *in, size_t n, uint64_t seed,
		   struct d6_hosts *out, struct wire_error *err);
void d6_hosts_free(struct d6_hosts *h);
const struct d6_host *d6_host_by_duid(const struct d6_hosts *h, const uint8_t *d, size_t n);
const struct d6_host *d6_host_by_ip(const struct d6_hosts *h, const struct in6_addr *a);
const struct d6_host *d6_host_by_name(const struct d6_hosts *h, const char *name);

/* ---- lease records (store.c) ---- */

enum d6_state {
	S6_UNUSED = 0,
	S6_OFFERED,             /* held by an ADVERTISE, not durable */
	S6_BOUND,               /* granted: in the files */
	S6_QUARANTINED,         /* declined: nobody's for a while */
	S6_GHOST,               /* expired or released: remembered for its client */
};

#define F6_NAME_LOGGED 0x01
#define F6_NO_DNS 0x02          /* RFC 4704 N bit */

struct d6_lease {
	struct in6_addr addr;
	int64_t expires;
	uint32_t iaid;
	uint32_t next_free;
	uint8_t state, flags, duid_len, has_mac;
	uint8_t mac[6];
	uint8_t *extra;         /* duid_len bytes of DUID, then the host name + NUL */
};

struct d6_ident {
	const uint8_t *duid;
	size_t duid_len;
	uint32_t iaid;
};

struct d6_store {
	struct d6_lease *rec;
	uint32_t n_rec, cap_rec, free_head, n_bound;
	struct htab by_ident, by_addr, by_name;
	uint64_t seed;
};

int d6_store_init(struct d6_store *s, uint64_t seed);
void d6_store_free(struct d6_store *s);
uint32_t d6_store_by_ident(const struct d6_store *s, const struct d6_ident *id);
uint32_t d6_store_by_addr(const struct d6_store *s, const struct in6_addr *a);
uint32_t d6_store_by_name(const struct d6_store *s, const char *name);
uint32_t d6_store_add(struct d6_store *s, const struct d6_ident *id, const struct in6_addr *a);
void d6_store_del(struct d6_store *s, uint32_t idx);
void d6_store_move(struct d6_store *s, uint32_t idx, const struct in6_addr *a);
int d6_store_set_name(struct d6_store *s, uint32_t idx, const char *name);
void d6_store_index_name(struct d6_store *s, uint32_t idx, bool on);
const char *d6_lease_name(const struct d6_lease *l);
void d6_lease_view(const struct d6_lease *l, struct lease6_info *out);

/* ---- the server ---- */

struct d6_change {
	uint32_t idx;
	bool created, renewed;
	struct d6_lease before;         /* extra not owned: see before_name */
	char before_name[LEASE_HOSTNAME_MAX + 1];
	struct in6_addr addr;
	int64_t expires;
};

struct d6_batch {
	struct d6_change *ch;
	size_t n, cap;
};

/* The new-client rate limit (admit.c): a token bucket in thousandths of a token. */
struct d6_bucket {
	bool unlimited;
	uint64_t milli, burst_milli;
	uint32_t rate;
	int64_t last;
};

void d6_admit_init(struct d6_bucket *b, uint32_t rate, uint32_t burst, uint64_t pool_size);
/* Take one token; false (and counted) when there is none. */
bool d6_admit_take(struct dhcp6_server *srv, int64_t now);

struct dhcp6_server {
	char ifname[16];
	uint8_t duid[DHCP6_DUID_MAX];
	size_t duid_len;
	uint64_t prefix_hi, prefix_lo, mask_hi, mask_lo;
	uint32_t lease_time;
	bool rapid_commit;
	struct in6_addr *dns;
	size_t n_dns;
	uint8_t domain_wire[256];       /* option 24's value, one name */
	size_t domain_wire_len;
	char domain[254];
	char (*reserved)[LEASE_HOSTNAME_MAX + 1];
	size_t n_reserved;
	struct d6_pool pool;
	struct d6_hosts hosts;
	struct d6_store store;
	struct d6_bucket bucket;
	uint64_t seed;
	dhcp6_event_fn on_event;
	dhcp6_name_fn on_name;
	void *userdata;
	struct lease_buf journal;
	struct d6_batch batch;
	struct dhcp6_stats st;
};

bool d6_on_link(const struct dhcp6_server *srv, const struct in6_addr *a);
/* Why the record idx (HTAB_NONE: none yet) of a client with static host `host`
 * may not carry `name`, or NULL. */
const char *d6_name_refusal(const struct dhcp6_server *srv, uint32_t idx,
			    const struct d6_ident *id, const struct d6_host *host,
			    const char *name);

/* leases.c: state changes keeping counts, indexes and names right. */
void d6_unbind(struct dhcp6_server *srv, uint32_t idx, int64_t now);
void d6_bind(struct dhcp6_server *srv, uint32_t idx, int64_t expires);
void d6_journal(struct dhcp6_server *srv, const struct d6_lease *l, int op);
void d6_name_publish(const struct dhcp6_server *srv, const struct d6_lease *l);
void d6_name_withdraw(const struct dhcp6_server *srv, const struct in6_addr *a);
/* After a reload: bound leases whose name is now reserved or a static host's lose it. */
void d6_names_recheck(struct dhcp6_server *srv);
bool d6_batch_note(struct dhcp6_server *srv, uint32_t idx, bool created);
void d6_batch_granted(struct dhcp6_server *srv, bool renewed);
void d6_emit(const struct dhcp6_server *srv, enum dhcp6_event_type type,
	     const struct d6_msg *m, const struct in6_addr *a, uint32_t iaid,
	     const char *name, const char *reason);
void d6_emit_lease(const struct dhcp6_server *srv, enum dhcp6_event_type type,
		   const struct d6_lease *l, bool renewed);

/* handlers.c / control.c: one handler per message type. */
struct d6_ctx {
	struct dhcp6_server *srv;
	const struct d6_msg *m;
	const struct dhcp6_rx *rx;
	int64_t now;
	struct wire_builder *b;
	const struct d6_host *host;
	char name_buf[LEASE_HOSTNAME_MAX + 1];
	const char *asked_name;         /* from the Client FQDN option, or NULL */
	const char *granted_name;       /* the name the reply's FQDN option carries */
	bool throttled;                 /* a new IA was refused by the rate limit: no reply */
};

int d6_handle_msg(struct d6_ctx *c);
int d6_on_release_decline(struct d6_ctx *c);
int d6_on_confirm(struct d6_ctx *c);
int d6_on_inform(struct d6_ctx *c);
/* Whether another client holds addr now (lease, offer, quarantine). */
bool d6_held_by_other(const struct d6_ctx *c, uint32_t self, const struct in6_addr *a);

/* reply.c */
void d6_reply_start(const struct d6_ctx *c, uint8_t type);
void d6_reply_status(struct wire_builder *b, uint16_t code, const char *text);
/*
 * An IA_NA answering `ia`: address a (or none) with lifetime lt, every other
 * address the client listed with lifetimes 0, and a status when status >= 0.
 */
void d6_reply_ia(struct wire_builder *b, const struct d6_ia *ia, const struct in6_addr *a,
		 uint32_t lt, int status, const char *text);
void d6_reply_ia_status(struct wire_builder *b, uint16_t opt, uint32_t iaid, uint16_t code,
			const char *text);
void d6_reply_other_ias(const struct d6_ctx *c);
void d6_reply_options(const struct d6_ctx *c);

#endif
