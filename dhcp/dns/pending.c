/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The table of forwarded queries under way, allocated once at start (no
 * allocation per query): its slots with their share of one query arena, the
 * free list, and the index by upstream ID (forward.c works them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

#define BY_ID_SIZE 65536                /* one entry per possible 16-bit ID */

int dns_forward_init(struct dns_server *srv, const struct dns_config *cfg, struct wire_error *err)
{
	unsigned i, n = cfg->max_pending ? cfg->max_pending : DNS_PENDING_DEFAULT;
	unsigned per = cfg->max_pending_per_client;
	int rc;

	rc = dns_route_init(srv, cfg, err);
	if (rc < 0)
		return rc;
	if (!per)
		per = n / 8 > DNS_PENDING_CLIENT_MIN ? n / 8 : DNS_PENDING_CLIENT_MIN;
	srv->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : DNS_TIMEOUT_DEFAULT_MS;
	srv->pend = calloc(n, sizeof(*srv->pend));
	srv->arena = malloc((size_t)n * DNS_FWD_QUERY_MAX);
	srv->by_id = calloc(BY_ID_SIZE, sizeof(*srv->by_id));
	if (!srv->pend || !srv->arena || !srv->by_id ||
	    dns_pclient_init(&srv->pcl, n, per, cfg->hash_seed) < 0) {
		if (err) {
			err->code = -ENOMEM;
			strcpy(err->message, "dns: out of memory");
		}
		return -ENOMEM;
	}
	srv->n_pend = (uint16_t)n;
	for (i = 0; i < n; i++) {
		srv->pend[i].query = srv->arena + (size_t)i * DNS_FWD_QUERY_MAX;
		srv->pend[i].next = (uint16_t)(i + 1 < n ? i + 1 : DNS_NIL);
	}
	srv->free_head = 0;
	srv->head = srv->tail = DNS_NIL;
	return 0;
}

void dns_forward_free(struct dns_server *srv)
{
	dns_route_free(srv);
	dns_pclient_free(&srv->pcl);
	free(srv->pend);
	free(srv->arena);
	free(srv->by_id);
}
