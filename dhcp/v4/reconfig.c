/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A running server's pool changed (`update ... ip-dhcp-range`, `reload`):
 * the new ranges replace the old, and every address a lease, an offer or a
 * quarantine holds stays held wherever it now falls. Leases outside the new
 * ranges are kept until they end or renew (a renewal of an address no
 * longer in the pool is NAKed, as dnsmasq does after its ranges change).
 */
#include <errno.h>
#include <stdlib.h>

#include "dhcp/v4/dhcp-internal.h"

static int check_ranges(const struct dhcp_server *srv, const struct dhcp_range *ranges,
			size_t n, struct wire_error *err)
{
	size_t i;

	if (!ranges && n)
		return wire_fail(err, -EINVAL, "no ranges");
	for (i = 0; i < n; i++) {
		uint32_t s = ntohl(ranges[i].start.s_addr), e = ntohl(ranges[i].end.s_addr);

		if (s > e || (s & srv->netmask) != srv->network ||
		    (e & srv->netmask) != srv->network || s == srv->network || e == srv->broadcast)
			return wire_fail(err, -EINVAL, "range %zu is not inside the subnet", i + 1);
	}
	return 0;
}

/* Mark what the leases, the static hosts and the server hold in the new pool. */
static void hold_all(struct dhcp_server *srv)
{
	uint32_t i;

	for (i = 0; i < srv->store.n_rec; i++) {
		const struct dhcp_lease *l = &srv->store.rec[i];

		if (l->state == LS_OFFERED || l->state == LS_BOUND || l->state == LS_QUARANTINED)
			dhcp_lease_hold(srv, l->addr, true);
	}
	for (i = 0; i < srv->hosts.n; i++)
		if (srv->hosts.hosts[i].has_ip)
			dhcp_pool_set(&srv->pool, srv->pool.reserved,
				      dhcp_pool_index(&srv->pool, srv->hosts.hosts[i].ip), true);
	dhcp_pool_set(&srv->pool, srv->pool.reserved,
		      dhcp_pool_index(&srv->pool, srv->server_addr), true);
}

int dhcp_server_set_ranges(struct dhcp_server *srv, const struct dhcp_range *ranges, size_t n,
			   struct wire_error *err)
{
	struct dhcp_pool old;
	int rc;

	if ((rc = check_ranges(srv, ranges, n, err)) < 0)
		return rc;
	old = srv->pool;
	rc = dhcp_pool_init(&srv->pool, ranges, n);
	if (rc < 0) {
		dhcp_pool_free(&srv->pool);
		srv->pool = old;
		return wire_fail(err, rc, rc == -E2BIG ? "the ranges hold too many addresses"
						   : "cannot set up the address pool");
	}
	dhcp_pool_free(&old);
	hold_all(srv);
	return 0;
}
