/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `stats` and `events` show of the daemon: the counters of the DHCP
 * and DNS cores, the lease database's and the daemon's own, as
 * "name value" lines; and lease events as one JSON object each.
 */
#include "netd/serve/daemon.h"
#include "netd/serve/dns_io.h"
#include "netd/serve/leasedb.h"
#include "netd/serve/ra_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct stats_out {
	char *buf;
	size_t size, len;
	bool overflow;
};

static void put(struct stats_out *o, const char *name, uint64_t value)
{
	int n = snprintf(o->buf + o->len, o->size - o->len, "%s %llu\n", name,
			 (unsigned long long)value);

	if (n < 0 || (size_t)n >= o->size - o->len)
		o->overflow = true;
	else
		o->len += (size_t)n;
}

/* Message counters by type, named after the message (dhcp_discover, ...). */
static void put_dhcp_events(struct stats_out *o, const struct serve_counters *c)
{
	static const char *const names[SERVE_DHCP_EVENT_TYPES] = {
		[DHCP_EV_DISCOVER] = "dhcp_discover", [DHCP_EV_OFFER] = "dhcp_offer",
		[DHCP_EV_REQUEST] = "dhcp_request", [DHCP_EV_ACK] = "dhcp_ack",
		[DHCP_EV_NAK] = "dhcp_nak", [DHCP_EV_RELEASE] = "dhcp_release",
		[DHCP_EV_DECLINE] = "dhcp_decline", [DHCP_EV_INFORM] = "dhcp_inform",
		[DHCP_EV_EXPIRED] = "dhcp_expired", [DHCP_EV_POOL_EXHAUSTED] = "dhcp_pool_exhausted",
		[DHCP_EV_CONFLICT] = "dhcp_conflict", [DHCP_EV_NAME_REFUSED] = "dhcp_name_refused",
	};
	size_t i;

	for (i = 0; i < SERVE_DHCP_EVENT_TYPES; i++)
		if (names[i])
			put(o, names[i], c->dhcp[i]);
}

static void put_dhcp(struct stats_out *o, const struct daemon *d)
{
	struct dhcp_stats st = { 0 };
	struct leasedb_stats db;

	if (d->dhcp.srv)
		dhcp_server_stats(d->dhcp.srv, &st);
	put_dhcp_events(o, &d->counters);
	put(o, "dhcp_throttled", st.throttled);
	put(o, "dhcp_rolled_back", st.rolled_back);
	put(o, "dhcp_probes", d->dhcp.probes);
	put(o, "dhcp_probes_in_use", d->dhcp.probes_answered);
	put(o, "dhcp_leases_used", st.leases_bound);
	put(o, "dhcp_pool_size", st.pool_size);
	put(o, "dhcp_pool_free", st.pool_free);
	leasedb_stats(d->dhcp.db, &db);
	put(o, "journal_syncs", db.syncs);
	put(o, "journal_sync_failures", db.sync_failures);
	put(o, "journal_sync_us_total", db.sync_us_total);
	put(o, "journal_sync_us_max", db.sync_us_max);
	put(o, "lease_file_writes", db.writes);
	put(o, "lease_file_write_failures", db.write_failures);
	put(o, "lease_file_write_us_last", db.write_us_last);
	put(o, "lease_file_write_us_max", db.write_us_max);
	put(o, "lease_file_write_cpu_us_total", db.write_cpu_us_total);
	put(o, "lease_file_fork_us_max", db.fork_us_max);
}

/* DHCPv6 messages by type (dhcp6_solicit, ...) and the core's counters. */
static void put_dhcp6(struct stats_out *o, const struct daemon *d)
{
	static const char *const names[SERVE_DHCP6_EVENT_TYPES] = {
		[DHCP6_EV_SOLICIT] = "dhcp6_solicit", [DHCP6_EV_ADVERTISE] = "dhcp6_advertise",
		[DHCP6_EV_REQUEST] = "dhcp6_request", [DHCP6_EV_RENEW] = "dhcp6_renew",
		[DHCP6_EV_REBIND] = "dhcp6_rebind", [DHCP6_EV_REPLY] = "dhcp6_reply",
		[DHCP6_EV_RELEASE] = "dhcp6_release", [DHCP6_EV_DECLINE] = "dhcp6_decline",
		[DHCP6_EV_CONFIRM] = "dhcp6_confirm", [DHCP6_EV_INFORM] = "dhcp6_inform",
		[DHCP6_EV_EXPIRED] = "dhcp6_expired", [DHCP6_EV_NO_ADDRS] = "dhcp6_no_addrs",
		[DHCP6_EV_NAME_REFUSED] = "dhcp6_name_refused", [DHCP6_EV_IGNORED] = "dhcp6_ignored",
	};
	struct dhcp6_stats st = { 0 };
	size_t i;

	if (d->dhcp6.srv)
		dhcp6_server_stats(d->dhcp6.srv, &st);
	for (i = 0; i < SERVE_DHCP6_EVENT_TYPES; i++)
		if (names[i])
			put(o, names[i], d->dhcp6.events[i]);
	put(o, "dhcp6_malformed", st.malformed);
	put(o, "dhcp6_throttled", st.throttled);
	put(o, "dhcp6_rolled_back", st.rolled_back);
	put(o, "dhcp6_leases_used", d->dhcp6.srv ? dhcp6_server_lease_count(d->dhcp6.srv) : 0);
}

static void put_dns(struct stats_out *o, const struct daemon *d)
{
	struct dns_stats st = { 0 };
	struct dns_io_stats io;

	if (d->dns.srv)
		dns_server_stats(d->dns.srv, &st);
	put(o, "dns_queries", st.queries);
	put(o, "dns_local", st.answered_local);
	put(o, "dns_forwarded", st.forwarded);
	put(o, "dns_refused", st.refused);
	put(o, "dns_failed", st.servfail);
	put(o, "dns_formerr", st.formerr);
	put(o, "dns_timeouts", st.timeouts);
	put(o, "dns_retries", st.retries);
	put(o, "dns_pending", st.pending);
	put(o, "dns_forward_replies", st.replies_accepted);
	put(o, "dns_forward_latency_ms_total", st.forward_latency_ms_total);
	put(o, "dns_forward_latency_ms_max", st.forward_latency_ms_max);
	put(o, "dns_cache_hits", st.cache_hits);
	put(o, "dns_cache_misses", st.cache_misses);
	put(o, "dns_cache_evictions", st.cache_evictions);
	put(o, "dns_cache_entries", st.cache_entries);
	put(o, "dns_cache_bytes", st.cache_bytes);
	dns_io_stats(d->dns.io, &io);
	put(o, "dns_answers_coalesced", io.answers_coalesced);
	put(o, "dns_forward_sockets", io.forward_sockets);
}

static void put_ra(struct stats_out *o, const struct daemon *d)
{
	struct ra_io_stats st;

	ra_io_get_stats(d->ra, &st);
	put(o, "ra_sent", st.sent);
	put(o, "ra_solicitations", st.solicitations);
	put(o, "ra_invalid", st.invalid);
	put(o, "ra_deferred", st.deferred);
}

static uint64_t subscribers(const struct serve_ctl *s)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < CTL_SERVER_CONNS; i++)
		n += s->conns[i].h.fd >= 0 && s->conns[i].subscribed;
	return n;
}

/*
 * The loop's turn times: loop_turns, loop_busy_us, loop_max_us, loop_p99_us,
 * then one loop_turn_us_le_BOUND line per bucket (the last is "inf"), in
 * order; the CLI makes them one "loop" object.
 */
static void put_loop(struct stats_out *o, const struct daemon *d)
{
	struct loop_turns t;
	char name[48];
	size_t b;

	loop_turns_get(d->loop, &t);
	put(o, "loop_turns", t.turns);
	put(o, "loop_busy_us", t.busy_us);
	put(o, "loop_max_us", t.max_us);
	put(o, "loop_p99_us", loop_turns_quantile_us(&t, 990));
	for (b = 0; b < LOOP_TURN_BUCKETS; b++) {
		if (loop_turn_bound_us[b] == UINT64_MAX)
			snprintf(name, sizeof(name), "loop_turn_us_le_inf");
		else
			snprintf(name, sizeof(name), "loop_turn_us_le_%llu",
				 (unsigned long long)loop_turn_bound_us[b]);
		put(o, name, t.count[b]);
	}
}

int serve_stats_format(const struct daemon *d, char *buf, size_t size)
{
	struct stats_out o = { buf, size, 0, false };

	put_dhcp(&o, d);
	put_dhcp6(&o, d);
	put_dns(&o, d);
	put_ra(&o, d);
	put(&o, "ctl_applied", d->counters.applied);
	put(&o, "ctl_apply_failed", d->counters.apply_failed);
	put(&o, "ctl_subscribers", subscribers(&d->ctl));
	put(&o, "ctl_refused", d->ctl.refused);
	put(&o, "ctl_dropped_subscribers", d->ctl.dropped);
	put_loop(&o, d);
	return o.overflow ? -EMSGSIZE : (int)o.len;
}

static const char *lease_event_name(const struct dhcp_event *ev)
{
	switch (ev->type) {
	case DHCP_EV_ACK:
		return "lease-granted";
	case DHCP_EV_RELEASE:
		return "lease-released";
	case DHCP_EV_EXPIRED:
		return "lease-expired";
	default:
		return NULL;
	}
}

size_t serve_event_json(const struct daemon *d, const struct dhcp_event *ev, char *buf,
			size_t size)
{
	const char *what = lease_event_name(ev);
	char ip[INET_ADDRSTRLEN] = "", mac[3 * 16 + 1] = "", name[2 * 64 + 8] = "null";
	char net[2 * NETDEF_NAME_MAX + 8];
	size_t i;
	int n;

	if (!what)
		return 0;
	inet_ntop(AF_INET, &ev->addr, ip, sizeof(ip));
	for (i = 0; i < ev->hlen && i < 16; i++)
		snprintf(mac + (i ? 3 * i - 1 : 0), sizeof(mac) - (i ? 3 * i - 1 : 0), "%s%02x", i ? ":" : "", ev->chaddr[i]);
	if (ev->hostname && json_string(ev->hostname, name, sizeof(name)) >= sizeof(name))
		snprintf(name, sizeof(name), "null");
	json_string(d->def->name, net, sizeof(net));
	n = snprintf(buf, size, "{\"time\":%lld,\"network\":%s,\"event\":\"%s\",\"ip\":\"%s\","
		     "\"mac\":\"%s\",\"hostname\":%s", (long long)time(NULL), net, what, ip, mac,
		     name);
	if (n > 0 && (size_t)n < size && ev->type == DHCP_EV_ACK)
		n += snprintf(buf + n, size - (size_t)n, ",\"renewed\":%s,\"expires\":%lld",
			      ev->renewed ? "true" : "false",
			      ev->expires == LEASE_EXPIRES_NEVER ? -1LL : (long long)ev->expires);
	if (n > 0 && (size_t)n + 1 < size)
		n += snprintf(buf + n, size - (size_t)n, "}");
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}

static const char *lease6_event_name(const struct dhcp6_event *ev)
{
	switch (ev->type) {
	case DHCP6_EV_REPLY:
		return "lease-granted";
	case DHCP6_EV_RELEASE:
		return "lease-released";
	case DHCP6_EV_EXPIRED:
		return "lease-expired";
	default:
		return NULL;
	}
}

/* As serve_event_json, with "duid" and "iaid" where a v4 event has "mac". */
size_t serve_event6_json(const struct daemon *d, const struct dhcp6_event *ev, char *buf,
			 size_t size)
{
	const char *what = lease6_event_name(ev);
	char ip[INET6_ADDRSTRLEN] = "", duid[3 * DHCP6_DUID_MAX + 1] = "", mac[18] = "";
	char name[2 * 64 + 8] = "null", net[2 * NETDEF_NAME_MAX + 8];
	uint8_t hw[6];
	int n;

	if (!what)
		return 0;
	inet_ntop(AF_INET6, &ev->addr, ip, sizeof(ip));
	/* the MAC while the lease is bound (a grant), when the daemon knows it */
	if (d->dhcp6.srv && dhcp6_server_lease_mac(d->dhcp6.srv, &ev->addr, hw))
		hex_format(hw, 6, mac, sizeof(mac));
	if (ev->duid)
		hex_format(ev->duid, ev->duid_len, duid, sizeof(duid));
	if (ev->hostname && json_string(ev->hostname, name, sizeof(name)) >= sizeof(name))
		snprintf(name, sizeof(name), "null");
	json_string(d->def->name, net, sizeof(net));
	n = snprintf(buf, size, "{\"time\":%lld,\"network\":%s,\"event\":\"%s\",\"ip\":\"%s\","
		     "\"mac\":\"%s\",\"duid\":\"%s\",\"iaid\":%lu,\"hostname\":%s",
		     (long long)time(NULL), net, what, ip, mac, duid, (unsigned long)ev->iaid, name);
	if (n > 0 && (size_t)n < size && ev->type == DHCP6_EV_REPLY)
		n += snprintf(buf + n, size - (size_t)n, ",\"renewed\":%s,\"expires\":%lld",
			      ev->renewed ? "true" : "false",
			      ev->expires == LEASE_EXPIRES_NEVER ? -1LL : (long long)ev->expires);
	if (n > 0 && (size_t)n + 1 < size)
		n += snprintf(buf + n, size - (size_t)n, "}");
	return n > 0 && (size_t)n < size ? (size_t)n : 0;
}
