/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server's leases over time: journal records for changes, expiry,
 * probe results, iteration for `vnetd leases`, start-up from the lease file
 * and the journal, and formatting the files from memory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

#define QUARANTINE 600

void dhcp_lease_hold(struct dhcp_server *srv, uint32_t addr, bool on)
{
	dhcp_pool_set(&srv->pool, srv->pool.used, dhcp_pool_index(&srv->pool, addr), on);
}

static void hold(struct dhcp_server *srv, uint32_t addr, bool on)
{
	dhcp_lease_hold(srv, addr, on);
}

void dhcp_lease_unbind(struct dhcp_server *srv, uint32_t idx, int64_t now)
{
	struct dhcp_lease *l = &srv->store.rec[idx];

	if (l->state == LS_BOUND) {
		srv->store.n_bound--;
		dhcp_store_index_name(&srv->store, idx, false);
		dhcp_name_withdraw(srv, l->addr);
	}
	if (l->state != LS_GHOST)
		hold(srv, l->addr, false);
	l->state = LS_GHOST;
	l->expires = now;
}

void dhcp_lease_bind(struct dhcp_server *srv, uint32_t idx, int64_t expires)
{
	struct dhcp_lease *l = &srv->store.rec[idx];

	if (l->state != LS_BOUND) {
		srv->store.n_bound++;
		l->state = LS_BOUND;
		dhcp_store_index_name(&srv->store, idx, true);
	}
	hold(srv, l->addr, true);
	l->expires = expires;
}

void dhcp_journal_lease(struct dhcp_server *srv, const struct dhcp_lease *l,
			enum lease_journal_op op)
{
	struct lease_info info;

	dhcp_lease_view(l, &info);
	/* -ENOMEM leaves the record out; the lease file written at the next
	 * compaction still carries it. Nothing better can be done here. */
	lease_journal_append(&srv->journal, op, &info);
}

int64_t dhcp_server_tick(struct dhcp_server *srv, int64_t now)
{
	int64_t next = LEASE_EXPIRES_NEVER;
	uint32_t i;

	for (i = 0; i < srv->store.n_rec; i++) {
		struct dhcp_lease *l = &srv->store.rec[i];

		if (l->state == LS_UNUSED || l->state == LS_GHOST)
			continue;
		if (l->expires > now) {
			if (l->expires < next)
				next = l->expires;
			continue;
		}
		if (l->state == LS_QUARANTINED) {
			hold(srv, l->addr, false);
			dhcp_store_del(&srv->store, i);
			continue;
		}
		if (l->state == LS_BOUND)
			dhcp_emit_lease(srv, DHCP_EV_EXPIRED, l);
		dhcp_lease_unbind(srv, i, now);
	}
	return next;
}

void dhcp_server_probe_result(struct dhcp_server *srv, struct in_addr addr, bool in_use,
			      int64_t now)
{
	uint32_t a = ntohl(addr.s_addr), idx = dhcp_pool_index(&srv->pool, a), holder, q;
	struct dhcp_ident none = { 0 };

	if (idx == HTAB_NONE)
		return;
	if (!in_use) {
		/* the claim stays: the client that waited takes the address next */
		dhcp_pool_set(&srv->pool, srv->pool.probed, idx, true);
		return;
	}
	dhcp_claim_drop(&srv->pool, a);
	holder = dhcp_store_by_addr(&srv->store, a);
	if (holder != HTAB_NONE) {
		if (srv->store.rec[holder].state != LS_GHOST)
			return;         /* ours now: the answer came from our own client */
		dhcp_store_del(&srv->store, holder);
	}
	q = dhcp_store_add(&srv->store, &none, a);
	if (q == HTAB_NONE)
		return;
	srv->store.rec[q].state = LS_QUARANTINED;
	srv->store.rec[q].expires = now + QUARANTINE;
	hold(srv, a, true);
	dhcp_emit_lease(srv, DHCP_EV_CONFLICT, &srv->store.rec[q]);
}

int dhcp_server_foreach_lease(const struct dhcp_server *srv, lease_info_fn fn,
			      void *userdata)
{
	struct lease_info info;
	uint32_t i;
	int rc;

	for (i = 0; i < srv->store.n_rec; i++) {
		if (srv->store.rec[i].state != LS_BOUND)
			continue;
		dhcp_lease_view(&srv->store.rec[i], &info);
		rc = fn(userdata, &info);
		if (rc)
			return rc;
	}
	return 0;
}

size_t dhcp_server_lease_count(const struct dhcp_server *srv)
{
	return srv->store.n_bound;
}

/* The two identities a client with this MAC usually has: client id 01:MAC, or chaddr. */
const char *dhcp_server_name_by_mac(const struct dhcp_server *srv, const uint8_t mac[6])
{
	uint8_t cid[7] = { 1 };
	struct dhcp_ident by_id = { .client_id = cid, .client_id_len = sizeof(cid) };
	struct dhcp_ident by_hw = { .htype = 1, .hlen = 6, .chaddr = mac };
	uint32_t i;

	memcpy(cid + 1, mac, 6);
	i = dhcp_store_by_ident(&srv->store, &by_id);
	if (i == HTAB_NONE || srv->store.rec[i].state != LS_BOUND)
		i = dhcp_store_by_ident(&srv->store, &by_hw);
	if (i == HTAB_NONE || srv->store.rec[i].state != LS_BOUND)
		return NULL;
	return dhcp_lease_name(&srv->store.rec[i]);
}

/* ---- start-up ---- */

struct load {
	struct dhcp_server *srv;
	int64_t now;
	lease_problem_fn on_problem;
	void *userdata;
	int error;
};

static void problem(struct load *ld, const struct lease_info *l, const char *why)
{
	struct lease_error e = { .code = -EINVAL };
	char a[INET_ADDRSTRLEN];

	if (!ld->on_problem)
		return;
	inet_ntop(AF_INET, &l->addr, a, sizeof(a));
	snprintf(e.message, sizeof(e.message), "lease for %s skipped: %s", a, why);
	ld->on_problem(ld->userdata, &e);
}

/* The file readers' problems, passed on with the caller's own userdata. */
static void forward_problem(void *userdata, const struct lease_error *e)
{
	struct load *ld = userdata;

	if (ld->on_problem)
		ld->on_problem(ld->userdata, e);
}

static const char *restore_check(struct dhcp_server *srv, const struct dhcp_ident *id,
				 uint32_t addr)
{
	const struct dhcp_host_int *host = dhcp_find_host(srv, id);
	const struct dhcp_host_int *owner = dhcp_host_by_ip(srv, addr);

	if ((addr & srv->netmask) != srv->network || addr == srv->network ||
	    addr == srv->broadcast || addr == srv->server_addr)
		return "not in the subnet";
	if (owner && owner != host)
		return "the address belongs to a static host";
	if (host && host->has_ip && host->ip != addr)
		return "the client has another static address";
	if (!owner && dhcp_pool_index(&srv->pool, addr) == HTAB_NONE)
		return "not in any range";
	return NULL;
}

static int restore(struct load *ld, const struct lease_info *l)
{
	struct dhcp_server *srv = ld->srv;
	struct dhcp_ident id = {
		.client_id = l->client_id, .client_id_len = l->client_id_len,
		.htype = l->htype, .hlen = l->hlen, .chaddr = l->chaddr,
	};
	uint32_t addr = ntohl(l->addr.s_addr), idx, holder;
	struct dhcp_lease *r;
	const char *why, *name;

	if (!l->client_id_len && !l->hlen) {
		problem(ld, l, "no client identity");
		return 0;
	}
	why = restore_check(srv, &id, addr);
	if (why) {
		problem(ld, l, why);
		return 0;
	}
	idx = dhcp_store_by_ident(&srv->store, &id);
	holder = dhcp_store_by_addr(&srv->store, addr);
	if (holder != HTAB_NONE && holder != idx) {
		dhcp_lease_unbind(srv, holder, ld->now);        /* the later record wins */
		dhcp_store_del(&srv->store, holder);
	}
	if (idx == HTAB_NONE) {
		idx = dhcp_store_add(&srv->store, &id, addr);
		if (idx == HTAB_NONE) {
			ld->error = -ENOMEM;
			return -ENOMEM;
		}
		srv->store.rec[idx].state = LS_GHOST;
	}
	r = &srv->store.rec[idx];
	dhcp_lease_unbind(srv, idx, ld->now);
	dhcp_store_move(&srv->store, idx, addr);
	/* two files can disagree (an older version, a hand edit): first name wins */
	name = l->hostname && !dhcp_name_refusal(srv, idx, dhcp_find_host(srv, &id), l->hostname)
	       ? l->hostname : NULL;
	dhcp_store_set_name(&srv->store, idx, name);
	r->expires = l->expires;
	if (l->expires > ld->now)       /* an expired lease is only remembered */
		dhcp_lease_bind(srv, idx, l->expires);
	return 0;
}

static int on_line(void *userdata, const struct lease_info *l)
{
	return restore(userdata, l);
}

static int on_record(void *userdata, enum lease_journal_op op, const struct lease_info *l)
{
	struct load *ld = userdata;
	uint32_t holder;

	if (op == LEASE_JOURNAL_BIND)
		return restore(ld, l);
	holder = dhcp_store_by_addr(&ld->srv->store, ntohl(l->addr.s_addr));
	if (holder != HTAB_NONE)
		dhcp_lease_unbind(ld->srv, holder, ld->now);
	return 0;
}

int dhcp_server_load(struct dhcp_server *srv, const char *lease_text, size_t text_len,
		     const uint8_t *journal, size_t journal_len, int64_t now,
		     lease_problem_fn on_problem, void *userdata, size_t *journal_good)
{
	struct load ld = { srv, now, on_problem, userdata, 0 };
	dhcp_name_fn on_name = srv->on_name;
	long good = 0;
	uint32_t i;

	/* names go out once, for what the files add up to, not record by record */
	srv->on_name = NULL;
	if (lease_text && text_len)
		lease_file_parse(lease_text, text_len, on_line, forward_problem, &ld);
	if (!ld.error && journal && journal_len)
		good = lease_journal_replay(journal, journal_len, on_record, forward_problem, &ld);
	srv->on_name = on_name;
	if (journal_good)
		*journal_good = good > 0 ? (size_t)good : 0;
	for (i = 0; !ld.error && i < srv->store.n_rec; i++)
		if (srv->store.rec[i].state == LS_BOUND)
			dhcp_name_publish(srv, &srv->store.rec[i]);
	return ld.error;
}
