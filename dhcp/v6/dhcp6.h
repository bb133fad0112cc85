/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp6: the DHCPv6 server core (RFC 8415, stateful IA_NA) that replaces
 * dnsmasq's, for one network. A library like dhcp/v4: no globals, no
 * logging, no exit(), and NO I/O: the daemon reads datagrams from UDP 547
 * (joined to ff02::1:2 on the bridge), hands their bytes to
 * dhcp6_server_handle() and sends what it returns.
 *
 * Group commit, exactly as for DHCPv4 (see dhcp/v4/dhcp.h):
 *
 *     for each datagram i of a recvmmsg batch:
 *         rc[i] = dhcp6_server_handle(srv, &rx[i], now, out[i], cap, &tx[i]);
 *     dhcp6_server_journal_pending(srv, &j, &jlen);
 *     if (jlen == 0 || (write(journal6_fd, j, jlen) ok && fdatasync ok)) {
 *         dhcp6_server_commit(srv);         -- REPLY events and names go out
 *         send every tx[i] with rc[i] == DHCP6_REPLY
 *     } else {
 *         dhcp6_server_rollback(srv);       -- nothing of the batch was granted
 *     }
 *
 * The journal: records are framed as NAME.journal's (dhcp/lease/lease.h)
 * with their own record kinds (LEASE_JOURNAL_BIND6/FREE6). The v4 replay
 * stops at a record kind it does not know, so keep them in a file of their
 * own (NAME.journal6) until the v4 replay learns to skip them.
 *
 * The lease file: NAME.leases holds the v4 lines, then dnsmasq's
 * "duid SERVER-DUID" line, then one line per v6 lease; the daemon writes
 * the v4 part (dhcp_server_write_files) and appends
 * dhcp6_server_write_leases(); the status JSON array takes
 * dhcp6_server_write_status()'s objects after the v4 ones. At start, pass
 * the whole NAME.leases text to dhcp6_server_load(): it reads only the part
 * after the "duid" line (lease_file6_server_duid() gives the DUID to keep),
 * and only the part before it (lease_file6_v4_len()) to dhcp_server_load().
 *
 * Served: IA_NA only, one address per IA; at most 8 IA_NAs a message are
 * answered (4 listed addresses read in each). IA_TA and IA_PD are answered
 * with their own status (NoAddrsAvail, NoPrefixAvail) inside the IA, as
 * RFC 8415 §18.3.1 says, never served. Relay-forward chains of up to 8
 * levels are unwrapped and answered (§19). No Reconfigure, no unicast
 * option: a REQUEST/RENEW/RELEASE/DECLINE sent by unicast gets UseMulticast.
 *
 * Time: `now` is wall-clock unix seconds; expiry times are absolute.
 * Ownership: dhcp6_server_new() copies the whole config. Pointers in events
 * and lease views are borrowed and valid only during the callback.
 */
#ifndef VNETD_DHCP6_H
#define VNETD_DHCP6_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"

#define DHCP6_SERVER_PORT 547
#define DHCP6_CLIENT_PORT 546

#define DHCP6_LEASE_INFINITE 0xffffffffu        /* RFC 8415 §7.7 */
#define DHCP6_LEASE_DEFAULT 3600u
#define DHCP6_DUID_MAX 130                      /* RFC 8415 §11.1: 2 + 128 */
#define DHCP6_RATE_UNLIMITED UINT32_MAX

/* A reply buffer of this size holds any reply for a 1500-byte link MTU. */
#define DHCP6_REPLY_BUF 1452

/* <range start end> inside the prefix; lease_time 0 = the default. */
struct dhcp6_range {
	struct in6_addr start, end;
	uint32_t lease_time;
};

/*
 * <host id name ip>: `id` is the client DUID (dhcp6_duid_parse() reads
 * libvirt's "0:4:7e:..." text). A host with no DUID matches a client that
 * asks for its name (Client FQDN option). ip, when set, is nobody else's.
 */
struct dhcp6_static_host {
	const uint8_t *duid;            /* or NULL */
	size_t duid_len;
	const char *name;               /* or NULL */
	bool has_ip;
	struct in6_addr ip;
	uint32_t lease_time;            /* 0 = the range's, or DHCP6_LEASE_INFINITE */
};

enum dhcp6_event_type {
	DHCP6_EV_SOLICIT,       /* addr: what is offered (:: if nothing) */
	DHCP6_EV_ADVERTISE,
	DHCP6_EV_REQUEST,
	DHCP6_EV_RENEW,
	DHCP6_EV_REBIND,
	DHCP6_EV_REPLY,         /* an address was granted (at commit; renewed tells a renewal) */
	DHCP6_EV_RELEASE,
	DHCP6_EV_DECLINE,       /* the address is quarantined */
	DHCP6_EV_CONFIRM,       /* reason: "on-link" or "not on-link" */
	DHCP6_EV_INFORM,        /* INFORMATION-REQUEST answered */
	DHCP6_EV_EXPIRED,       /* from dhcp6_server_tick */
	DHCP6_EV_NO_ADDRS,      /* no address left for an IA (reason says why) */
	DHCP6_EV_NAME_REFUSED,  /* the client's name is not given (reason says why) */
	DHCP6_EV_IGNORED,       /* a message dropped on purpose (reason says why) */
};

struct dhcp6_event {
	enum dhcp6_event_type type;
	bool renewed;
	struct in6_addr addr;           /* :: when none */
	uint32_t iaid;
	const uint8_t *duid;            /* the client's, or NULL */
	size_t duid_len;
	const char *hostname;           /* sanitised, or NULL */
	const char *reason;             /* or NULL */
	int64_t expires;                /* REPLY, EXPIRED: lease end (or LEASE_EXPIRES_NEVER) */
};

typedef void (*dhcp6_event_fn)(void *userdata, const struct dhcp6_event *ev);

/*
 * The name an address answers to (AAAA, ip6.arpa) changed: `name` until
 * `expires`, or NULL when it has none any more. As dhcp_name_fn: at commit
 * for a grant, for every lease loaded at start, at once when a lease ends.
 */
typedef void (*dhcp6_name_fn)(void *userdata, const struct in6_addr *addr, const char *name,
			      int64_t expires);

struct dhcp6_config {
	const char *ifname;             /* the bridge, for messages only */
	const uint8_t *server_duid;     /* required; see dhcp6_duid_llt() */
	size_t server_duid_len;
	struct in6_addr prefix;         /* the network's prefix (host bits ignored) */
	unsigned prefix_len;            /* 1..128, usually 64 */

	const struct dhcp6_range *ranges;
	size_t n_ranges;
	const struct dhcp6_static_host *hosts;
	size_t n_hosts;

	const struct in6_addr *dns_servers;     /* option 23 (RFC 3646), usually the bridge */
	size_t n_dns_servers;
	const char *domain;             /* option 24 and the FQDN reply's domain, or NULL */
	uint32_t lease_time;            /* 0 = DHCP6_LEASE_DEFAULT */
	bool no_rapid_commit;           /* ignore the clients' Rapid Commit (option 14) */

	/* Host names no guest may claim (any case); the static hosts' too. */
	const char *const *reserved_names;
	size_t n_reserved;

	uint64_t hash_seed;             /* for the lookup tables; address choice ignores it */

	/*
	 * New IAs (nothing live here, no static host) may take addresses at
	 * most this fast: a bucket of new_client_burst tokens refilled at
	 * new_client_rate a second, as dhcp_config's. 0 = from the pool size;
	 * DHCP6_RATE_UNLIMITED = no limit.
	 */
	uint32_t new_client_rate, new_client_burst;

	dhcp6_event_fn on_event;        /* may be NULL */
	dhcp6_name_fn on_name;          /* may be NULL */
	void *userdata;
};

struct dhcp6_server;

/* 0 or negative errno with err filled (no DUID, range outside the prefix, ...). */
int dhcp6_server_new(const struct dhcp6_config *cfg, struct dhcp6_server **ret,
		     struct wire_error *err);
void dhcp6_server_free(struct dhcp6_server *srv);  /* NULL is fine */

/*
 * Replace the static hosts (reload); leases stay (a renewal of an address
 * now another's gets lifetimes 0), names now a host's are withdrawn. On
 * failure the old hosts stay.
 */
int dhcp6_server_set_hosts(struct dhcp6_server *srv, const struct dhcp6_static_host *hosts,
			   size_t n, struct wire_error *err);

/* Replace the reserved host names (reload); bound leases carrying one lose it
 * at once (on_name with NULL). 0 or -ENOMEM (the old list stays). */
int dhcp6_server_set_reserved_names(struct dhcp6_server *srv, const char *const *names,
				    size_t n, struct wire_error *err);

/*
 * Replace the domain (reload): options 24 and the Client FQDN's domain of
 * later replies; leases keep their names. On failure the old one stays.
 */
int dhcp6_server_set_domain(struct dhcp6_server *srv, const char *domain,
			    struct wire_error *err);

/* libvirt's DUID text "0:4:7e:7d:.." (one or two hex digits a byte): length or -EINVAL. */
int dhcp6_duid_parse(const char *text, uint8_t *out, size_t cap);
/* RFC 8415 §11.2 DUID-LLT (Ethernet) of `mac` at unix time `when`: 14 bytes into out. */
size_t dhcp6_duid_llt(const uint8_t mac[6], int64_t when, uint8_t out[14]);
/* RFC 8415 §11.4 DUID-LL (Ethernet): 10 bytes into out. */
size_t dhcp6_duid_ll(const uint8_t mac[6], uint8_t out[10]);

/* One received datagram (UDP payload). */
struct dhcp6_rx {
	const uint8_t *data;
	size_t len;
	int ifindex;
	struct in6_addr src;            /* the IPv6 source: a link-local client or a relay */
	uint16_t src_port;
	bool unicast;                   /* sent to one of our unicast addresses, not ff02::1:2 */
};

/* Where a reply goes: to the datagram's source (RFC 8415 §18.3, §19.3). */
struct dhcp6_tx {
	struct in6_addr addr;
	uint16_t port;                  /* 546 to a client, 547 to a relay */
	int ifindex;                    /* for a link-local destination */
	bool relayed;
	size_t len;
};

#define DHCP6_IGNORE 0          /* nothing to send */
#define DHCP6_REPLY 1           /* tx->len bytes of reply are in buf */

/*
 * Handle one datagram. DHCP6_IGNORE, DHCP6_REPLY, or negative errno:
 * -EBADMSG malformed, -EPROTO not a client or relay message.
 */
int dhcp6_server_handle(struct dhcp6_server *srv, const struct dhcp6_rx *rx, int64_t now,
			uint8_t *buf, size_t cap, struct dhcp6_tx *tx);

void dhcp6_server_journal_pending(const struct dhcp6_server *srv, const uint8_t **data,
				  size_t *len);
void dhcp6_server_commit(struct dhcp6_server *srv);
/* Grants since the last commit are undone; releases and declines stay done. */
void dhcp6_server_rollback(struct dhcp6_server *srv);

/* Expire leases (DHCP6_EV_EXPIRED); the next expiry or LEASE_EXPIRES_NEVER. */
int64_t dhcp6_server_tick(struct dhcp6_server *srv, int64_t now);

typedef int (*lease6_info_fn)(void *userdata, const struct lease6_info *l);
int dhcp6_server_foreach_lease(const struct dhcp6_server *srv, lease6_info_fn fn,
			       void *userdata);
size_t dhcp6_server_lease_count(const struct dhcp6_server *srv);
/* The MAC of the bound lease on addr, when known (a DUID-LL/LLT of Ethernet, or
 * the client's EUI-64 link-local source): true and mac filled, else false. */
bool dhcp6_server_lease_mac(const struct dhcp6_server *srv, const struct in6_addr *addr,
			    uint8_t mac[6]);

/*
 * Start-up: the v6 part of the lease file (after its "duid" line), then the
 * v6 journal. Bad lines, torn records, leases that no longer fit (outside
 * the ranges, a static host's address, expired) go to on_problem and are
 * skipped. *journal_good: the journal's valid bytes. 0 or -ENOMEM.
 */
int dhcp6_server_load(struct dhcp6_server *srv, const char *lease_text, size_t text_len,
		      const uint8_t *journal, size_t journal_len, int64_t now,
		      lease_problem_fn on_problem, void *userdata, size_t *journal_good);

/* "duid ..." and every bound lease's line, to append after the v4 lines. */
int dhcp6_server_write_leases(const struct dhcp6_server *srv, struct lease_sink *leases);
/*
 * The status objects of every bound lease, to go inside the v4 array:
 * `first` says whether none precedes them; *wrote how many were written.
 */
int dhcp6_server_write_status(const struct dhcp6_server *srv, struct lease_sink *status,
			      bool first, size_t *wrote);

struct dhcp6_stats {
	uint64_t malformed;             /* datagrams refused as malformed */
	uint64_t throttled;             /* new IAs dropped by the rate limit */
	uint64_t names_refused;
	uint64_t rolled_back;
};
void dhcp6_server_stats(const struct dhcp6_server *srv, struct dhcp6_stats *out);

const char *dhcp6_event_name(enum dhcp6_event_type type);
/* "DHCPREPLY(virbr0) 2001:db8::5 00:01:00:01:.. guest1" (dnsmasq's style). */
void dhcp6_event_format(const struct dhcp6_event *ev, const char *ifname, char *buf,
			size_t size);

#endif
