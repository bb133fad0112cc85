/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp: the DHCPv4 server core (RFC 2131/2132) that replaces dnsmasq's.
 * A library: no globals, no logging, no exit(), and NO I/O: the daemon reads
 * packets, hands their bytes to dhcp_server_handle() and sends what it returns.
 *
 * Group commit (how netd drives it per epoll wake-up):
 *
 *     n = recvmmsg(...);
 *     for each packet i:
 *         rc[i] = dhcp_server_handle(srv, &rx[i], now, out[i], cap, &tx[i]);
 *     dhcp_server_journal_pending(srv, &j, &jlen);
 *     if (jlen == 0 || (write(journal_fd, j, jlen) ok && fdatasync ok)) {
 *         dhcp_server_commit(srv);          -- the batch is durable
 *         sendmmsg(... every tx[i] with rc[i] == DHCP_REPLY ...);
 *     } else {
 *         dhcp_server_rollback(srv);        -- nothing of it was granted
 *     }
 *
 * An ACK's lease change is in the pending journal when handle() returns, so
 * no reply may leave before that journal was written and synced. A grant
 * becomes visible outside the server only at commit: its DHCP_EV_ACK event
 * and its name (on_name) wait until then, and a rollback undoes it in memory
 * as if it had never happened (the clients retry and get the same lease).
 *
 * Time: `now` is wall-clock unix seconds (time(NULL)); leases are stored
 * with absolute expiry times because the lease file holds them.
 *
 * Ownership: dhcp_server_new() copies everything in the config (strings,
 * arrays); the caller may free its config right after. Pointers in events
 * and lease views are borrowed and valid only during the callback.
 */
#ifndef VNETD_DHCP_H
#define VNETD_DHCP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"

#define DHCP_SERVER_PORT 67
#define DHCP_CLIENT_PORT 68

/* RFC 2132 §9.2: 0xffffffff is an infinite lease. */
#define DHCP_LEASE_INFINITE 0xffffffffu
#define DHCP_LEASE_DEFAULT 3600u        /* libvirt/dnsmasq default: 1 hour */

/* A reply buffer of this size holds any reply for a 1500-byte MTU. */
#define DHCP_REPLY_BUF 1472

/* <range start end> with its <lease>; lease_time 0 = default, or DHCP_LEASE_INFINITE. */
struct dhcp_range {
	struct in_addr start, end;
	uint32_t lease_time;
};

/*
 * <host mac|id name ip>. A client matches by client identifier first (when
 * the host has one), else by MAC. ip must be inside the subnet (it may be
 * outside every range); nobody else is ever given it.
 */
struct dhcp_static_host {
	bool has_mac;
	uint8_t mac[6];
	const uint8_t *client_id;       /* raw option 61 bytes, or NULL (see dhcp_client_id_parse) */
	size_t client_id_len;
	const char *name;               /* or NULL */
	bool has_ip;
	struct in_addr ip;
	uint32_t lease_time;            /* 0 = the range's, or DHCP_LEASE_INFINITE */
};

/* <route address prefix gateway>: sent as option 121 (RFC 3442). */
struct dhcp_route {
	struct in_addr dest;
	unsigned prefix;
	struct in_addr gateway;
};

/*
 * libvirt's <option number value>. The text is encoded as dnsmasq does:
 * address options as comma-separated IPv4 addresses, numeric ones as
 * numbers of the option's width, "xx:xx:.." as raw hex, anything else as a
 * string. It replaces the built-in value of the same option (e.g. 3, 6).
 */
struct dhcp_raw_option {
	unsigned number;                /* 1..254 */
	const char *value;
};

enum dhcp_event_type {
	DHCP_EV_DISCOVER,       /* a DISCOVER arrived (addr: what we offer, 0 if none) */
	DHCP_EV_OFFER,
	DHCP_EV_REQUEST,
	DHCP_EV_ACK,            /* a lease was granted (renewed tells a renewal) */
	DHCP_EV_NAK,            /* reason says why */
	DHCP_EV_RELEASE,        /* the client gave the address back */
	DHCP_EV_DECLINE,        /* the client found the address in use: quarantined */
	DHCP_EV_INFORM,
	DHCP_EV_EXPIRED,        /* a bound lease ran out (from dhcp_server_tick) */
	DHCP_EV_POOL_EXHAUSTED, /* no address left for this client */
	DHCP_EV_CONFLICT,       /* a probe found the address in use: quarantined */
	DHCP_EV_NAME_REFUSED,   /* the client's host name is not given (reason says why); once per client */
	DHCP_EV_BOOTP,          /* a BOOTP client (no option 53) was given its <host> address */
};

struct dhcp_event {
	enum dhcp_event_type type;
	bool renewed;                   /* ACK: the client already held this lease */
	struct in_addr addr;            /* 0.0.0.0 when none */
	uint8_t htype, hlen;
	const uint8_t *chaddr;          /* hlen bytes */
	const uint8_t *client_id;       /* or NULL */
	size_t client_id_len;
	const char *hostname;           /* sanitised, or NULL */
	const char *reason;             /* NAK / ignored: why, or NULL */
	int64_t expires;                /* ACK, EXPIRED, CONFLICT: lease end (or LEASE_EXPIRES_NEVER) */
};

typedef void (*dhcp_event_fn)(void *userdata, const struct dhcp_event *ev);

/*
 * The name a lease's address answers to in DNS changed: `name` until
 * `expires` (LEASE_EXPIRES_NEVER for ever), or NULL when the address has no
 * name any more. Called for a grant only once it is durable (at commit),
 * for every lease loaded at start, and at once when a bound lease ends
 * (release, decline, expiry, a binding superseded, a name now reserved).
 * One name per address: a new one replaces the old.
 */
typedef void (*dhcp_name_fn)(void *userdata, struct in_addr addr, const char *name,
			     int64_t expires);

/* new_client_rate: no limit at all. */
#define DHCP_RATE_UNLIMITED UINT32_MAX

/* A boot file for PXE clients of one architecture (option 93) or user class (77). */
struct dhcp_boot_rule {
	bool by_arch;
	uint16_t arch;                  /* RFC 4578: 0 BIOS, 7 and 9 x86-64 UEFI, ... */
	const char *user_class;         /* e.g. "iPXE", when !by_arch (1..63 bytes) */
	const char *file;               /* 1..127 bytes */
};

struct dhcp_config {
	const char *ifname;             /* the bridge, for messages only */
	struct in_addr server_addr;     /* the bridge address: server id, router, DNS */
	unsigned prefix;                /* subnet prefix length (8..30) */

	const struct dhcp_range *ranges;
	size_t n_ranges;
	const struct dhcp_static_host *hosts;
	size_t n_hosts;
	const struct dhcp_route *routes;
	size_t n_routes;
	const struct dhcp_raw_option *options;
	size_t n_options;

	const char *domain;             /* option 15, or NULL */
	unsigned mtu;                   /* option 26 when non-zero */
	bool no_router;                 /* isolated network: no option 3 */
	bool no_dns;                    /* <dns enable='no'>: no option 6 */
	bool non_authoritative;         /* libvirt runs authoritative: leave false */

	/* PXE: <bootp file server> / <tftp root>. file NULL: no boot. */
	const char *boot_file;          /* file field (and option 67 when asked) */
	struct in_addr boot_server;     /* siaddr / option 66; 0: none */
	/* Boot files by architecture or user class, before boot_file; the first match wins. */
	const struct dhcp_boot_rule *boot_rules;
	size_t n_boot_rules;

	/*
	 * Conflict detection: when set, before offering an address no lease
	 * has held, handle() returns DHCP_PROBE instead of an offer; see
	 * dhcp_server_probe_result().
	 */
	bool probe;

	/*
	 * Seed for the lookup tables' hash (so guests cannot choose client ids
	 * that collide); the daemon passes random bytes. Address choice does
	 * not depend on it: a guest gets the same address across restarts.
	 */
	uint64_t hash_seed;

	/*
	 * Host names no guest may claim with option 12 or 81 (e.g. "localhost",
	 * the host's own name, names the definition gives other hosts); the
	 * names of static hosts are reserved too without being listed. Compared
	 * without regard to case. A refused name is not given: the lease has none.
	 */
	const char *const *reserved_names;
	size_t n_reserved;

	/*
	 * New clients — no live lease or offer here and not a static host — may
	 * take addresses at most this fast: a token bucket holding up to
	 * new_client_burst tokens, refilled at new_client_rate per second, one
	 * token per offer or grant to a new client. Renewals, existing leases
	 * and static hosts never wait. 0 = derived from the pool size (a flood
	 * cannot hold the whole pool); DHCP_RATE_UNLIMITED = no limit.
	 */
	uint32_t new_client_rate, new_client_burst;

	dhcp_event_fn on_event;         /* may be NULL */
	dhcp_name_fn on_name;           /* may be NULL */
	void *userdata;                 /* for both */
};

/* The server. Opaque. */
struct dhcp_server;

/* 0 or negative errno with `err` filled (bad subnet, range outside it, ...). */
int dhcp_server_new(const struct dhcp_config *cfg, struct dhcp_server **ret,
		    struct wire_error *err);
void dhcp_server_free(struct dhcp_server *srv);    /* NULL is fine */

/*
 * Replace the static hosts (SIGHUP, `update`). Existing leases stay; a
 * client whose address now belongs to another host is NAKed at its next
 * renewal. 0 or negative errno; on failure the old hosts stay.
 */
int dhcp_server_set_hosts(struct dhcp_server *srv, const struct dhcp_static_host *hosts,
			  size_t n, struct wire_error *err);

/*
 * Replace the ranges (with their lease times) of a running server. Every
 * address a lease, offer or quarantine holds stays held; leases outside the
 * new ranges last until they end (a renewal there is NAKed). The new-client
 * limit keeps its rate. 0 or negative errno; on failure the old pool stays.
 */
int dhcp_server_set_ranges(struct dhcp_server *srv, const struct dhcp_range *ranges, size_t n,
			   struct wire_error *err);

/* Replace the domain (option 15 unless an <option> gives it; NULL: none). 0 or negative errno. */
int dhcp_server_set_domain(struct dhcp_server *srv, const char *domain, struct wire_error *err);

/*
 * Replace the reserved host names (see dhcp_config). Bound leases whose
 * name is now reserved, here or by set_hosts(), lose it at once (on_name
 * with NULL). 0 or negative errno; on failure the old list stays.
 */
int dhcp_server_set_reserved_names(struct dhcp_server *srv, const char *const *names,
				   size_t n, struct wire_error *err);

/*
 * libvirt <host id='...'>: "01:52:54:00:aa:bb:cc" (hex pairs) is taken as
 * bytes, anything else as its characters. Returns the length written into
 * out[cap], or -EINVAL.
 */
int dhcp_client_id_parse(const char *text, uint8_t *out, size_t cap);

/* One received datagram. */
struct dhcp_rx {
	const uint8_t *data;
	size_t len;
	int ifindex;                    /* arrival interface (informational) */
	struct in_addr src;             /* IP source (0.0.0.0 from unconfigured clients) */
	uint16_t src_port;
};

enum dhcp_dest_kind {
	DHCP_DEST_NONE = 0,
	DHCP_DEST_RELAY,        /* UDP to addr (giaddr) port 67 */
	DHCP_DEST_UNICAST,      /* UDP to addr (ciaddr) port 68: the client has an address */
	DHCP_DEST_BROADCAST,    /* UDP to 255.255.255.255 port 68 */
	DHCP_DEST_HWADDR,       /* IP addr port 68 at link address chaddr: packet socket */
	DHCP_DEST_PROBE,        /* not a reply: probe addr (ARP), see dhcp_server_probe_result */
};

/* Where a reply goes (RFC 2131 §4.1). */
struct dhcp_tx {
	enum dhcp_dest_kind kind;
	struct in_addr addr;
	uint16_t port;
	uint8_t htype, hlen;
	uint8_t chaddr[LEASE_CHADDR_MAX];
	size_t len;                     /* bytes of reply written to the caller's buffer */
};

/* dhcp_server_handle() results (>= 0). */
#define DHCP_IGNORE 0           /* nothing to send */
#define DHCP_REPLY 1            /* a reply of tx->len bytes is in buf */
#define DHCP_PROBE 2            /* probe tx->addr, then call probe_result and handle again */
/*
 * Addresses the server keeps claimed for probes at once, each for one
 * client (no other client is offered it meanwhile; the same client asking
 * again gets DHCP_PROBE for the same address). Past that, first offers go
 * out unprobed.
 */
#define DHCP_PROBES_MAX 64

/*
 * Handle one datagram. Writes at most `cap` bytes of reply into `buf`
 * (DHCP_REPLY_BUF is enough for anything; a smaller client max message size
 * is honoured on top). Returns DHCP_IGNORE, DHCP_REPLY or DHCP_PROBE, or a
 * negative errno when the packet is malformed (-EBADMSG) or not for us
 * (-EPROTO: not a BOOTREQUEST / not DHCP). Never allocates in steady state.
 */
int dhcp_server_handle(struct dhcp_server *srv, const struct dhcp_rx *rx, int64_t now,
		       uint8_t *buf, size_t cap, struct dhcp_tx *tx);

/* Journal records of lease changes since the last commit or rollback
 * (borrowed; valid until the next call into srv). Empty when len is 0. */
void dhcp_server_journal_pending(const struct dhcp_server *srv, const uint8_t **data,
				 size_t *len);
/* The pending records are durable: their ACK events and names go out now. */
void dhcp_server_commit(struct dhcp_server *srv);
/*
 * For a daemon that syncs in the background while it goes on handling
 * requests: how many grants and journal bytes are pending now (a mark to
 * pass to dhcp_server_commit_upto() once the bytes up to it are durable),
 * and the commit of just those; what came after stays pending. A rollback
 * undoes everything pending.
 */
void dhcp_server_pending(const struct dhcp_server *srv, size_t *changes, size_t *bytes);
void dhcp_server_commit_upto(struct dhcp_server *srv, size_t changes, size_t bytes);
/*
 * The pending records could not be made durable: every grant since the
 * last commit is undone in memory (the lease is as it was before), its
 * events and names never go out, and the records are dropped. Releases
 * and declines stay done: memory then promises less than the disk.
 */
void dhcp_server_rollback(struct dhcp_server *srv);

/*
 * The daemon's ARP probe of `addr` finished: in_use true quarantines it (an
 * event DHCP_EV_CONFLICT), false records it as safe to offer. Then feed
 * the held packet to dhcp_server_handle() again.
 */
void dhcp_server_probe_result(struct dhcp_server *srv, struct in_addr addr, bool in_use,
			      int64_t now);

/*
 * Expire leases whose time has come (events DHCP_EV_EXPIRED; no journal
 * record is needed: replay drops expired leases by time). Returns the next
 * time something expires, or LEASE_EXPIRES_NEVER. Cost O(leases): call it
 * at that deadline, at most about once a second.
 */
int64_t dhcp_server_tick(struct dhcp_server *srv, int64_t now);

/* Bound (live) leases, in no particular order. Stop by returning non-zero. */
int dhcp_server_foreach_lease(const struct dhcp_server *srv, lease_info_fn fn,
			      void *userdata);
size_t dhcp_server_lease_count(const struct dhcp_server *srv);
/*
 * The host name of the bound lease of the client with Ethernet address
 * `mac` (its client id 01:MAC, or no client id and that chaddr), or NULL.
 * For DHCPv6 leases without a name of their own, as dnsmasq names them.
 */
const char *dhcp_server_name_by_mac(const struct dhcp_server *srv, const uint8_t mac[6]);

/*
 * Start-up: fold the lease file then the journal into the store. Bad lines,
 * torn records and leases that no longer fit the config (outside the
 * subnet, address taken, expired at `now`) are reported through
 * `on_problem` and skipped. *journal_good (may be NULL) receives how many
 * journal bytes were valid. 0 or negative errno (-ENOMEM).
 */
int dhcp_server_load(struct dhcp_server *srv, const char *lease_text, size_t text_len,
		     const uint8_t *journal, size_t journal_len, int64_t now,
		     lease_problem_fn on_problem, void *userdata, size_t *journal_good);

/*
 * The same in pieces, for a caller that streams the files rather than hold
 * them whole: begin; the lease file's v4 part (before a "duid" line) in
 * pieces of whole lines, `lines_before` being the lines of earlier pieces;
 * the journal in pieces (dhcp_server_load_journal() replays the records
 * complete in the piece and returns the bytes they take: the rest goes in
 * front of the next piece; `more` false for the file's last piece, where a
 * cut record is torn; *stopped once a bad record ended the replay); end.
 * Each returns 0 (a byte count) or negative errno (-ENOMEM); names go out
 * at the end, once.
 */
void dhcp_server_load_begin(struct dhcp_server *srv, int64_t now, lease_problem_fn on_problem,
			    void *userdata);
int dhcp_server_load_lines(struct dhcp_server *srv, const char *text, size_t len,
			   unsigned lines_before);
long dhcp_server_load_journal(struct dhcp_server *srv, const uint8_t *data, size_t len,
			      bool more, bool *stopped);
int dhcp_server_load_end(struct dhcp_server *srv);

/*
 * The lease file (NAME.leases) and the status JSON (BRIDGE.status) of every
 * bound lease, written in one pass through the two sinks, in chunks of at
 * most 64 KiB. 0 or negative errno (-ENOMEM, -EOVERFLOW); the sinks may
 * then hold part of the text.
 */
int dhcp_server_write_files(const struct dhcp_server *srv, struct lease_sink *leases,
			    struct lease_sink *status);
/*
 * The same without the status array's brackets, for a caller that puts
 * other objects (DHCPv6's) in the same array: lease_status_begin() before,
 * lease_status_end() after. *wrote (may be NULL): whether any object was.
 */
int dhcp_server_write_parts(const struct dhcp_server *srv, struct lease_sink *leases,
			    struct lease_sink *status, size_t *wrote);

struct dhcp_stats {
	uint64_t throttled;             /* requests of new clients dropped by the rate limit */
	uint64_t names_refused;         /* host names not given (reserved or taken) */
	uint64_t rolled_back;           /* grants undone because the journal failed */
	uint32_t leases_bound;          /* granted and not yet ended */
	uint32_t pool_size, pool_free;  /* dynamic addresses: all, and neither held nor reserved */
};
void dhcp_server_stats(const struct dhcp_server *srv, struct dhcp_stats *out);

/* "DHCPACK" etc. */
const char *dhcp_event_name(enum dhcp_event_type type);

/*
 * A dnsmasq-style log line without newline, e.g.
 * "DHCPACK(virbr0) 192.168.122.45 52:54:00:12:34:56 guest1".
 */
void dhcp_event_format(const struct dhcp_event *ev, const char *ifname, char *buf,
		       size_t size);

#endif
