/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Internals of dhcp/ shared by its files, the unit tests and the fuzzers.
 * Not part of the public contract: netd/ uses dhcp.h and lease.h only.
 */
#ifndef VNETD_DHCP_INTERNAL_H
#define VNETD_DHCP_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/v4/dhcp.h"
#include "dhcp/wire/wire.h"

/* ---- RFC 2131 message (packet.c) ---- */

#define DHCP_FIXED_LEN 236      /* RFC 2131 §2: op .. file */
#define DHCP_COOKIE 0x63825363u /* 99.130.83.99 */
#define DHCP_MIN_MSG 576        /* RFC 2132 §9.10: smallest max message size */
#define DHCP_IPUDP_LEN 28

enum {
	DHCP_BOOTREPLY = 0,     /* a BOOTP reply: no message type at all */
	DHCPDISCOVER = 1, DHCPOFFER, DHCPREQUEST, DHCPDECLINE, DHCPACK, DHCPNAK,
	DHCPRELEASE, DHCPINFORM,
};

enum {
	OPT_PAD = 0, OPT_SUBNET_MASK = 1, OPT_ROUTER = 3, OPT_DNS = 6, OPT_HOSTNAME = 12,
	OPT_DOMAIN = 15, OPT_MTU = 26, OPT_BROADCAST = 28, OPT_REQUESTED_IP = 50,
	OPT_LEASE_TIME = 51, OPT_OVERLOAD = 52, OPT_MSG_TYPE = 53, OPT_SERVER_ID = 54,
	OPT_PRL = 55, OPT_MESSAGE = 56, OPT_MAX_SIZE = 57, OPT_T1 = 58, OPT_T2 = 59,
	OPT_CLIENT_ID = 61, OPT_TFTP_SERVER = 66, OPT_BOOTFILE = 67, OPT_USER_CLASS = 77,
	OPT_FQDN = 81, OPT_CLIENT_ARCH = 93,
	OPT_RELAY_AGENT = 82, OPT_CLASSLESS_ROUTES = 121, OPT_END = 255,
};

/* A boot file for clients of one architecture or user class (copied from the config). */
struct dhcp_boot_choice {
	bool by_arch;
	uint16_t arch;
	uint8_t user_class[64];
	uint8_t user_class_len;
	char file[128];
};

/* A parsed request. Pointers borrow the packet bytes. */
struct dhcp_msg {
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t secs, flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;       /* host order */
	uint8_t chaddr[LEASE_CHADDR_MAX];

	uint8_t type;                   /* option 53; 0 when absent */
	bool has_reqip;
	uint32_t reqip;                 /* option 50 */
	bool has_server_id;
	uint32_t server_id;             /* option 54 */
	uint16_t max_size;              /* option 57, 0 when absent or < 576 */
	const uint8_t *client_id;       /* option 61 */
	uint8_t client_id_len;
	const uint8_t *hostname;        /* option 12 */
	uint8_t hostname_len;
	const uint8_t *prl;             /* option 55 */
	uint8_t prl_len;
	const uint8_t *relay;           /* option 82 */
	uint8_t relay_len;
	bool has_relay;
	uint8_t overload;               /* option 52 */
	const uint8_t *fqdn;            /* option 81 (RFC 4702): flags, rcode1, rcode2, name */
	uint8_t fqdn_len;
	const uint8_t *user_class;      /* option 77 */
	uint8_t user_class_len;
	const uint8_t *arch;            /* option 93 (RFC 4578): 16-bit types, the first one used */
	uint8_t arch_len;
	bool bootp;                     /* no option 53: a BOOTP client (RFC 951) */
	bool has_cookie;                /* its vendor area starts with the magic cookie */
};

/* 0, -EBADMSG (truncated / inconsistent) or -EPROTO (not a DHCP or BOOTP request). */
int dhcp_msg_parse(const uint8_t *data, size_t len, struct dhcp_msg *m);

/* boot.c: the boot file for this client ("" for none): the first rule that matches, or <bootp file>. */
const char *dhcp_boot_file_for(const struct dhcp_server *srv, const struct dhcp_msg *m);
int dhcp_boot_setup(struct dhcp_server *srv, const struct dhcp_config *cfg,
		    struct wire_error *err);
void dhcp_boot_free(struct dhcp_server *srv);

/* ---- options (options.c) ---- */

/* Encode libvirt <option> text for `number` into out[255]. Length or -EINVAL. */
int dhcp_option_encode(unsigned number, const char *text, uint8_t out[255]);

/* ---- the pool: ranges and bitmaps (pool.c) ---- */

struct dhcp_pool_range {
	uint32_t start, end;            /* host order, inclusive */
	uint32_t base;                  /* pool index of start */
	uint32_t lease_time;
};

/*
 * An address claimed for one client while the daemon probes it (and, once
 * nobody answered, until the client takes it): no other client is offered
 * it meanwhile, so a burst of new clients probes as many addresses at once.
 */
#define DHCP_PROBE_CLAIMS DHCP_PROBES_MAX
#define DHCP_CLAIM_HOLD 10      /* seconds a claim lasts at most */

struct dhcp_probe_claim {
	uint32_t addr;          /* host order; 0: a free slot */
	uint64_t client;        /* dhcp_client_key() of the client */
	int64_t until;          /* wall seconds */
};

struct dhcp_pool {
	struct dhcp_pool_range *ranges;
	size_t n_ranges;
	uint32_t size;
	uint64_t *used;         /* held by an offer, a lease or a quarantine */
	uint64_t *reserved;     /* a static host's address */
	uint64_t *probed;       /* a probe said nobody answers there */
	uint64_t *claimed;      /* claimed for a client (below): not for the others */
	uint32_t n_free;        /* neither used nor reserved */
	uint32_t n_claims;
	struct dhcp_probe_claim claims[DHCP_PROBE_CLAIMS];
};

int dhcp_pool_init(struct dhcp_pool *p, const struct dhcp_range *ranges, size_t n);
void dhcp_pool_free(struct dhcp_pool *p);
uint32_t dhcp_pool_index(const struct dhcp_pool *p, uint32_t addr);   /* or HTAB_NONE */
uint32_t dhcp_pool_addr(const struct dhcp_pool *p, uint32_t idx);
bool dhcp_pool_is_free(const struct dhcp_pool *p, uint32_t idx);
void dhcp_pool_set(struct dhcp_pool *p, uint64_t *map, uint32_t idx, bool on);
bool dhcp_pool_test(const uint64_t *map, uint32_t idx);
/*
 * First free index at or after `start`, wrapping around, skipping what is
 * claimed for a probe; HTAB_NONE when there is none.
 */
uint32_t dhcp_pool_find_free(const struct dhcp_pool *p, uint32_t start);

/* ---- claims of addresses being probed (probing.c) ---- */

struct dhcp_ident;
/* A client's identity as one number (client id, else hardware address). */
uint64_t dhcp_client_key(const struct dhcp_ident *id);
/* Claims past their time go (and their addresses are free for anyone again). */
void dhcp_claims_expire(struct dhcp_pool *p, int64_t now);
/* The address (host order) claimed for this client, or 0. */
uint32_t dhcp_claim_of(const struct dhcp_pool *p, uint64_t client);
/* Is `addr` claimed for another client than this one? */
bool dhcp_claimed_by_other(const struct dhcp_pool *p, uint32_t addr, uint64_t client);
/* Claim `addr` for the client (already its claim: renewed). False when every slot is taken. */
bool dhcp_claim(struct dhcp_pool *p, uint32_t addr, uint64_t client, int64_t now);
/* Could dhcp_claim() succeed? */
bool dhcp_claim_room(const struct dhcp_pool *p, uint32_t addr, uint64_t client);
/* `addr` was taken (an offer, a grant) or found in use: its claim goes. */
void dhcp_claim_drop(struct dhcp_pool *p, uint32_t addr);

/* ---- lease records (store.c) ---- */

enum dhcp_lease_state {
	LS_UNUSED = 0,
	LS_OFFERED,             /* reserved by an OFFER, not durable */
	LS_BOUND,               /* ACKed: in the files */
	LS_QUARANTINED,         /* declined or probed in use: nobody's */
	LS_GHOST,               /* expired/released: address free, remembered for the client */
};

/* Lease record flags. */
#define LF_NAME_LOGGED 0x01     /* a refused host name was logged for this client */
#define LF_NO_DNS 0x02          /* RFC 4702 N bit: the client asked for no DNS update */
#define LF_ID_HW 0x40           /* the client id is htype + chaddr (01:MAC): not stored */
#define LF_HEAP 0x80            /* the stored bytes are on the heap (tail: their pointer) */
#define LF_STORAGE (LF_ID_HW | LF_HEAP)
#define DHCP_LEASE_TAIL 11

/*
 * Compact: 48 bytes, and no allocation for most leases. The stored bytes
 * are the client id (unless it is htype + chaddr, as 01:MAC usually is),
 * then the host name and a NUL; they live in `tail` when they fit, else
 * in one heap block whose pointer tail holds. 60 000 leases are 2.9 MB.
 */
struct dhcp_lease {
	int64_t expires;
	uint32_t addr;          /* host order */
	uint32_t next_free;     /* free-list link when LS_UNUSED */
	/*
	 * At an 8-byte boundary: with LF_HEAP it holds a pointer, which a leak
	 * checker (and a reader of a core dump) finds only where it is aligned.
	 */
	uint8_t tail[DHCP_LEASE_TAIL];
	uint8_t state;
	uint8_t hlen;
	uint8_t id_len;         /* client id length, 0 = identity is chaddr */
	uint8_t flags;          /* LF_* */
	union {
		uint8_t hw[1 + LEASE_CHADDR_MAX];      /* a client id 01:MAC is hw[0..7) */
		struct {
			uint8_t htype;
			uint8_t chaddr[LEASE_CHADDR_MAX];
		};
	};
};

/* What identifies a client: option 61, else htype + chaddr. */
struct dhcp_ident {
	const uint8_t *client_id;
	size_t client_id_len;   /* 0: use chaddr */
	uint8_t htype, hlen;
	const uint8_t *chaddr;
};

struct dhcp_store {
	struct dhcp_lease *rec;
	uint32_t n_rec, cap_rec;
	uint32_t free_head;
	uint32_t n_bound;
	struct htab by_ident;
	struct htab by_addr;
	struct htab by_name;       /* bound leases with a name, by lowercase name */
	uint64_t seed;
};

int dhcp_store_init(struct dhcp_store *s, uint64_t seed, uint32_t expected);
void dhcp_store_free(struct dhcp_store *s);
uint32_t dhcp_store_by_ident(const struct dhcp_store *s, const struct dhcp_ident *id);
uint32_t dhcp_store_by_addr(const struct dhcp_store *s, uint32_t addr);
/* A new record for `id` at addr; HTAB_NONE on -ENOMEM. */
uint32_t dhcp_store_add(struct dhcp_store *s, const struct dhcp_ident *id, uint32_t addr);
void dhcp_store_del(struct dhcp_store *s, uint32_t idx);
void dhcp_store_move(struct dhcp_store *s, uint32_t idx, uint32_t addr);
/* Set (or clear with NULL) the host name; 0 or -ENOMEM. Keeps the name index. */
int dhcp_store_set_name(struct dhcp_store *s, uint32_t idx, const char *name);
/* The bound lease holding host name `name` (any case), or HTAB_NONE. */
uint32_t dhcp_store_by_name(const struct dhcp_store *s, const char *name);
/* Index (on) or unindex a bound record's name; the caller changes the state. */
void dhcp_store_index_name(struct dhcp_store *s, uint32_t idx, bool on);
/* Lowercase hash of a host name, shared by every name index. */
uint32_t dhcp_name_hash(uint64_t seed, const char *name);
/* record.c: a record's client id and host name (NULL when it has none). */
const char *dhcp_lease_name(const struct dhcp_lease *l);
const uint8_t *dhcp_lease_id(const struct dhcp_lease *l);
/* Store this client id (id_len 0: none) and name (NULL: none); 0 or -ENOMEM
 * (the record unchanged). Either may point into the record's own bytes. */
int dhcp_lease_set_bytes(struct dhcp_lease *l, const uint8_t *id, size_t id_len,
			 const char *name);
/* Free what the record stores: no client id, no name. */
void dhcp_lease_drop_bytes(struct dhcp_lease *l);
void dhcp_lease_view(const struct dhcp_lease *l, struct lease_info *out);
bool dhcp_ident_eq_lease(const struct dhcp_lease *l, const struct dhcp_ident *id);

/* ---- the server object (server.c, hosts.c, handlers.c) ---- */

#define DHCP_DOMAIN_MAX 253     /* a DNS name in text form */

struct dhcp_host_int {
	bool has_mac;
	uint8_t mac[6];
	uint8_t id_len;
	uint8_t id[LEASE_CLIENT_ID_MAX];
	char name[LEASE_HOSTNAME_MAX + 1];
	bool has_ip;
	uint32_t ip;
	uint32_t lease_time;
};

/* The static hosts, indexed by MAC, client id, address and name (hosts.c). */
struct dhcp_hosts {
	struct dhcp_host_int *hosts;
	size_t n;
	struct htab by_mac, by_id, by_ip, by_name;
	uint64_t seed;
};

/* Host names no guest may claim (names.c): lowercase copies, indexed. */
struct dhcp_reserved {
	char (*names)[LEASE_HOSTNAME_MAX + 1];
	size_t n;
	struct htab index;
	uint64_t seed;
};

/*
 * A grant not yet durable (batch.c): the record as it was before, to undo
 * it, and as the grant left it, for the ACK event and the name at commit.
 */
struct dhcp_change {
	uint32_t idx;
	bool created;                   /* the record did not exist before */
	bool renewed;
	struct dhcp_lease before;       /* without its bytes: see before_name */
	char before_name[LEASE_HOSTNAME_MAX + 1];
	uint32_t addr;                  /* after the grant */
	int64_t expires;
};

struct dhcp_batch {
	struct dhcp_change *ch;
	size_t n, cap;
};

/* New-client admission (admit.c): a token bucket in thousandths of a token. */
struct dhcp_bucket {
	bool unlimited;
	uint64_t milli, burst_milli;
	uint32_t rate;                  /* tokens per second */
	int64_t last;                   /* unix seconds of the last refill */
};

/* A start-up under way (load.c): the files folded in, piece by piece. */
struct dhcp_load {
	int64_t now;
	lease_problem_fn on_problem;
	void *userdata;
	int error;                      /* the first -ENOMEM: the load failed */
	dhcp_name_fn on_name;           /* held back until the end */
	struct lease_replay journal;
};

struct dhcp_server {
	char ifname[16];
	uint32_t server_addr, netmask, network, broadcast;
	uint32_t lease_time;            /* default for dynamic leases */
	struct dhcp_pool pool;
	struct dhcp_store store;
	struct dhcp_hosts hosts;
	struct dhcp_reserved reserved;
	struct dhcp_bucket bucket;

	uint8_t *opt_val[256];          /* pre-encoded option values, NULL = not sent */
	uint8_t opt_len[256];
	bool opt_raw[256];              /* came from <option> */
	uint8_t boot_file[128];         /* <bootp file>; "" when none */
	bool has_boot;                  /* a boot file for some client */
	uint32_t boot_server;           /* siaddr and option 66; 0 when none */
	struct dhcp_boot_choice *boot_rules;
	size_t n_boot_rules;
	char domain[DHCP_DOMAIN_MAX + 1];       /* for option 81 replies; "" when none */

	bool authoritative, probe;
	uint64_t seed;
	dhcp_event_fn on_event;
	dhcp_name_fn on_name;
	void *userdata;

	struct lease_buf journal;       /* pending records, see journal_pending */
	struct dhcp_batch batch;        /* pending grants, undone by a rollback */
	struct dhcp_load load;
	struct dhcp_stats st;
};

/* hosts.c: the static hosts. */
int dhcp_hosts_build(const struct dhcp_server *srv, const struct dhcp_static_host *in,
		     size_t n, struct dhcp_hosts *out, struct wire_error *err);
void dhcp_hosts_free(struct dhcp_hosts *h);
const struct dhcp_host_int *dhcp_find_host(const struct dhcp_server *srv,
					   const struct dhcp_ident *id);
const struct dhcp_host_int *dhcp_host_by_ip(const struct dhcp_server *srv, uint32_t ip);
const struct dhcp_host_int *dhcp_host_by_name(const struct dhcp_server *srv, const char *name);

/* names.c: which host name a lease may carry. */
int dhcp_reserved_build(const char *const *names, size_t n, uint64_t seed,
			struct dhcp_reserved *out);
void dhcp_reserved_free(struct dhcp_reserved *r);
/*
 * Why the lease record `idx` (HTAB_NONE: a client with none yet) may not
 * carry `name`, or NULL when it may. `host`: the client's static host.
 */
const char *dhcp_name_refusal(const struct dhcp_server *srv, uint32_t idx,
			      const struct dhcp_host_int *host, const char *name);
/* The host part of a Client FQDN option (RFC 4702 §2.3), sanitised; 0 when none. */
size_t dhcp_fqdn_host(const uint8_t *opt, size_t len, char out[LEASE_HOSTNAME_MAX + 1]);
/* Bound leases whose name is now refused lose it (after a reconfiguration). */
void dhcp_names_recheck(struct dhcp_server *srv);
/* Tell on_name what `l` (bound) answers to now. */
void dhcp_name_publish(const struct dhcp_server *srv, const struct dhcp_lease *l);
void dhcp_name_withdraw(const struct dhcp_server *srv, uint32_t addr);

/* admit.c: the new-client rate limit. */
void dhcp_bucket_init(struct dhcp_bucket *b, uint32_t rate, uint32_t burst, uint32_t pool,
		      int64_t now);
/* Take one token; false (and counted) when there is none. */
bool dhcp_bucket_take(struct dhcp_server *srv, int64_t now);
/* Is there a token (without taking it)? A probe is only worth it then. */
bool dhcp_bucket_ready(struct dhcp_server *srv, int64_t now);

/* batch.c: grants waiting for their journal to become durable. */
/* Remember record idx as it is, before a grant changes it; false on -ENOMEM. */
bool dhcp_batch_note(struct dhcp_server *srv, uint32_t idx, bool created);
/* The grant is done: what it left, for the ACK event at commit. */
void dhcp_batch_granted(struct dhcp_server *srv, bool renewed);
void dhcp_batch_free(struct dhcp_batch *b);

/* leases.c: binding state changes, each keeping counts, pool bits and names right. */
void dhcp_lease_hold(struct dhcp_server *srv, uint32_t addr, bool on);
/* A bound or offered lease stops holding its address (it is remembered as a ghost). */
void dhcp_lease_unbind(struct dhcp_server *srv, uint32_t idx, int64_t now);
/* The record (at its current address) is bound until `expires`. */
void dhcp_lease_bind(struct dhcp_server *srv, uint32_t idx, int64_t expires);

/* handlers.c: one per message type, behind dhcp_server_handle(). */
int dhcp_handle_msg(struct dhcp_server *srv, const struct dhcp_msg *m,
		    const struct dhcp_rx *rx, int64_t now, struct wire_builder *b,
		    struct dhcp_tx *tx);
/* reply.c: the reply's fixed part and options. */
void dhcp_reply_start(const struct dhcp_server *srv, const struct dhcp_msg *m,
		      struct wire_builder *b, uint8_t type, uint32_t yiaddr);
void dhcp_reply_options(const struct dhcp_server *srv, const struct dhcp_msg *m,
			struct wire_builder *b, uint32_t lease_time, const char *hostname);
/* RFC 4702 §4: the Client FQDN option answering the client's (name may be NULL). */
void dhcp_reply_fqdn(const struct dhcp_server *srv, const struct dhcp_msg *m,
		     struct wire_builder *b, const char *name);
void dhcp_reply_finish(const struct dhcp_msg *m, struct wire_builder *b);
void dhcp_reply_dest(const struct dhcp_msg *m, uint8_t type, uint32_t yiaddr,
		     const struct dhcp_rx *rx, struct dhcp_tx *tx);
void dhcp_journal_lease(struct dhcp_server *srv, const struct dhcp_lease *l,
			enum lease_journal_op op);
void dhcp_emit(const struct dhcp_server *srv, enum dhcp_event_type type,
	       const struct dhcp_msg *m, uint32_t addr, const char *hostname,
	       const char *reason);
void dhcp_emit_lease(const struct dhcp_server *srv, enum dhcp_event_type type,
		     const struct dhcp_lease *l);
/* An ACK event for a grant of the batch (at commit). */
void dhcp_emit_granted(const struct dhcp_server *srv, const struct dhcp_change *ch);

#endif
