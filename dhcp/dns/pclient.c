/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Pending forwards per client address, so that one guest flooding random
 * names cannot take the whole pending table from the others. An entry per
 * address with forwards under way, found through a hash index (one probe
 * per query, no scan); there are never more such addresses than pending
 * slots, so the entries are allocated once, with the table, and recycled
 * through a free list.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

static size_t ip_len(const struct dns_ip *ip)
{
	return ip->family == AF_INET6 ? 16 : 4;
}

static uint32_t ip_hash(const struct dns_pclients *pc, const struct dns_ip *ip)
{
	uint8_t k[17];

	k[0] = ip->family;
	memcpy(k + 1, ip->bytes, ip_len(ip));
	return hash_bytes(pc->seed, k, 1 + ip_len(ip));
}

static bool eq_ip(const void *ctx, uint32_t idx, const void *key)
{
	const struct dns_pclients *pc = ctx;

	return dns_ip_eq(&pc->e[idx].ip, key);
}

static uint32_t rehash(const void *ctx, uint32_t idx)
{
	const struct dns_pclients *pc = ctx;

	return ip_hash(pc, &pc->e[idx].ip);
}

int dns_pclient_init(struct dns_pclients *pc, unsigned slots, unsigned cap, uint64_t seed)
{
	unsigned i;

	memset(pc, 0, sizeof(*pc));
	pc->cap = cap;
	pc->seed = seed ^ 0x5bd1e9955bd1e995ull;        /* not the name index's hashes */
	pc->e = calloc(slots ? slots : 1, sizeof(*pc->e));
	if (!pc->e || htab_init(&pc->by_ip, slots) < 0)
		return -ENOMEM;
	for (i = 0; i < slots; i++)
		pc->e[i].next = (uint16_t)(i + 1 < slots ? i + 1 : DNS_NIL);
	pc->free_head = slots ? 0 : DNS_NIL;
	return 0;
}

void dns_pclient_free(struct dns_pclients *pc)
{
	free(pc->e);
	pc->e = NULL;
	htab_free(&pc->by_ip);
}

int dns_pclient_take(struct dns_pclients *pc, const struct dns_ip *ip, bool crowded,
		     uint16_t *idx)
{
	uint32_t h = ip_hash(pc, ip), i = htab_find(&pc->by_ip, h, eq_ip, pc, ip);
	struct dns_pclient *e;

	if (i != HTAB_NONE) {
		if (crowded && pc->e[i].n >= pc->cap)
			return -EBUSY;
		pc->e[i].n++;
		*idx = (uint16_t)i;
		return 0;
	}
	if (pc->free_head == DNS_NIL || pc->cap == 0)
		return -EBUSY;
	i = pc->free_head;
	e = &pc->e[i];
	e->ip = *ip;
	if (htab_insert(&pc->by_ip, h, i, rehash, pc) < 0)
		return -ENOMEM;
	pc->free_head = e->next;
	e->n = 1;
	*idx = (uint16_t)i;
	return 0;
}

void dns_pclient_put(struct dns_pclients *pc, uint16_t idx)
{
	struct dns_pclient *e = &pc->e[idx];

	if (e->n == 0 || --e->n > 0)
		return;
	htab_remove(&pc->by_ip, ip_hash(pc, &e->ip), idx);
	e->next = pc->free_head;
	pc->free_head = idx;
}
