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
