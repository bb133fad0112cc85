/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A running server's definition changed (`reload`, `update`): its domain,
 * forwarders and local records are replaced, and what it learned while
 * running stays — lease names, queries under way, loop marks. The new
 * parts are built as a whole server first (so every check of a new one
 * applies, and a failure changes nothing), then swapped in; the old parts
 * leave with that server.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

#define SWAP(a, b) do { __typeof__(a) swap_tmp_ = (a); (a) = (b); (b) = swap_tmp_; } while (0)

/* The lease names of `old` into the new table (a name now static elsewhere is dropped). */
static int copy_dynamic(struct dns_table *t, const struct dns_table *old)
{
	uint32_t i;

	for (i = 0; i < old->n_rec; i++) {
		const struct dns_rec *r = &old->rec[i];

		if (!r->type || (r->flags & DNS_REC_STATIC))
			continue;
		if (dns_table_set_dyn(t, r->name, r->name_len, r->flags, r->type, r->addr,
				      r->expires) == -ENOMEM)
			return -ENOMEM;
	}
	return 0;
}

/*
 * Queries under way keep their upstream (its reply is still accepted); when
 * they fail over they start again in their route's new list, or in the
 * default route when theirs is gone.
 */
static void requeue_pending(struct dns_server *srv, const struct dns_route *old_routes,
			    size_t n_old)
{
	size_t i;

	for (i = 0; i < srv->n_routes; i++)
		srv->routes[i].gen = (uint16_t)((i < n_old ? old_routes[i].gen : 0) + 1);
	for (i = 0; i < srv->n_pend; i++) {
		struct dns_pending *p = &srv->pend[i];

		if (!p->used)
			continue;
		if (p->route >= srv->n_routes)
			p->route = 0;
		p->route_gen = (uint16_t)(srv->routes[p->route].gen - 1);
	}
}

int dns_server_reconfigure(struct dns_server *srv, const struct dns_config *cfg,
			   struct wire_error *err)
{
	struct dns_server *next = NULL;
	int rc;

	if (!srv || !cfg)
		return wire_fail(err, -EINVAL, "dns: no config");
	if ((rc = dns_server_new(cfg, &next, err)) < 0)
		return rc;
	next->table.max_dyn = srv->table.max_dyn;
	if (copy_dynamic(&next->table, &srv->table) < 0) {
		dns_server_free(next);
		return wire_fail(err, -ENOMEM, "dns: out of memory");
	}
	SWAP(srv->table, next->table);
	memcpy(srv->domain, next->domain, sizeof(srv->domain));
	srv->domain_len = next->domain_len;
	srv->local_only = next->local_only;
	srv->no_plain = next->no_plain;
	srv->local_ttl = next->local_ttl;
	SWAP(srv->fwd, next->fwd);
	SWAP(srv->n_fwd, next->n_fwd);
	SWAP(srv->route_ups, next->route_ups);
	SWAP(srv->n_route_ups, next->n_route_ups);
	SWAP(srv->routes, next->routes);
	SWAP(srv->n_routes, next->n_routes);
	/* new forwarders, maybe new local names: start with a cache of the new size, empty */
	next->cache.hits = srv->cache.hits;
	next->cache.misses = srv->cache.misses;
	next->cache.evictions = srv->cache.evictions;
	SWAP(srv->cache, next->cache);
	requeue_pending(srv, next->routes, next->n_routes);
	dns_server_free(next);          /* with the old parts */
	return 0;
}
