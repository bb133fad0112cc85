/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Duplicates among an <ip>'s DHCP hosts in O(n log n): for each host and
 * each key (MAC, id, name without regard to case, address), the first
 * earlier host with the same key. Validation then reports, for the first
 * host that has any, the earliest such host — what comparing every pair
 * in order reports, without the n² comparisons that made a few thousand
 * hosts take a noticeable time to check on every parse.
 */
#include "netd/def/netdef-internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct key_ctx {
	const struct netdef_dhcp_host *hosts;
	enum netdef_host_key key;
};

/* -1/0/1 on the key; hosts without one sort first and are never equal. */
static int key_cmp(const struct netdef_dhcp_host *a, const struct netdef_dhcp_host *b,
		   enum netdef_host_key key, bool *both)
{
	switch (key) {
	case NETDEF_KEY_MAC:
		*both = a->has_mac && b->has_mac;
		return *both ? memcmp(a->mac, b->mac, 6) : (int)a->has_mac - (int)b->has_mac;
	case NETDEF_KEY_ID:
		*both = a->id && b->id;
		return *both ? strcmp(a->id, b->id) : (int)!!a->id - (int)!!b->id;
	case NETDEF_KEY_NAME:
		*both = a->name && b->name;
		return *both ? strcasecmp(a->name, b->name) : (int)!!a->name - (int)!!b->name;
	default:
		*both = a->has_ip && b->has_ip;
		if (!*both)
			return (int)a->has_ip - (int)b->has_ip;
		return a->ip.s_addr == b->ip.s_addr ? 0 :
		       ntohl(a->ip.s_addr) < ntohl(b->ip.s_addr) ? -1 : 1;
	}
}

static int by_key_then_index(const void *x, const void *y, void *arg)
{
	const struct key_ctx *c = arg;
	uint32_t i = *(const uint32_t *)x, j = *(const uint32_t *)y;
	bool both;
	int r = key_cmp(&c->hosts[i], &c->hosts[j], c->key, &both);

	if (r)
		return r;
	return i < j ? -1 : i > j;
}

int netdef_host_dupes(const struct netdef_ip *ip, enum netdef_host_key key, uint32_t *first)
{
	struct key_ctx c = { ip->hosts, key };
	uint32_t *order, i, n = (uint32_t)ip->n_hosts, start = 0;
	bool both;

	if (!n)
		return 0;
	if (!(order = malloc(n * sizeof(*order))))
		return -1;
	for (i = 0; i < n; i++) {
		order[i] = i;
		first[i] = UINT32_MAX;
	}
	qsort_r(order, n, sizeof(*order), by_key_then_index, &c);
	for (i = 1; i < n; i++) {
		if (key_cmp(&ip->hosts[order[start]], &ip->hosts[order[i]], key, &both) || !both) {
			start = i;
			continue;
		}
		first[order[i]] = order[start];         /* the group's smallest index */
	}
	free(order);
	return 0;
}
