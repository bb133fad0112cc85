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
#include <string.h>

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

int dhcp_server_set_domain(struct dhcp_server *srv, const char *domain, struct wire_error *err)
{
	size_t len = domain ? strlen(domain) : 0;
	uint8_t *v = NULL;

	if (len > DHCP_DOMAIN_MAX)
		return wire_fail(err, -EINVAL, "domain name longer than %d characters",
				 DHCP_DOMAIN_MAX);
	/* an <option number='15'> of the definition wins, as at start */
	if (!srv->opt_raw[OPT_DOMAIN]) {
		if (len && !(v = malloc(len)))
			return wire_fail(err, -ENOMEM, "out of memory");
		if (len)
			memcpy(v, domain, len);
		free(srv->opt_val[OPT_DOMAIN]);
		srv->opt_val[OPT_DOMAIN] = v;
		srv->opt_len[OPT_DOMAIN] = (uint8_t)len;
	}
	memcpy(srv->domain, domain ? domain : "", len + 1);
	return 0;
}
