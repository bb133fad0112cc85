/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pool: the <range>s laid end to end as indices 0..size-1, with one bit
 * per address in each bitmap. Finding a free address scans 64 addresses per
 * word from a start point (the hash of the client's identity), so even a
 * nearly full /16 costs about a thousand word tests, never a lease scan.
 */
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

#define POOL_MAX (1u << 24)     /* a /8: more than any bridge will serve */

int dhcp_pool_init(struct dhcp_pool *p, const struct dhcp_range *ranges, size_t n)
{
	uint64_t total = 0;
	size_t i, words;

	p->n_claims = 0;
	memset(p->claims, 0, sizeof(p->claims));
	p->ranges = calloc(n ? n : 1, sizeof(*p->ranges));
	if (!p->ranges)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		uint32_t s = ntohl(ranges[i].start.s_addr), e = ntohl(ranges[i].end.s_addr);

		if (e < s)
			return -EINVAL;
		p->ranges[i].start = s;
		p->ranges[i].end = e;
		p->ranges[i].base = (uint32_t)total;
		p->ranges[i].lease_time = ranges[i].lease_time;
		total += (uint64_t)e - s + 1;
		if (total > POOL_MAX)
			return -E2BIG;
	}
	p->n_ranges = n;
	p->size = (uint32_t)total;
	words = (p->size + 63) / 64 + 1;
	p->used = calloc(words, sizeof(uint64_t));
	p->reserved = calloc(words, sizeof(uint64_t));
	p->probed = calloc(words, sizeof(uint64_t));
	p->claimed = calloc(words, sizeof(uint64_t));
	if (!p->used || !p->reserved || !p->probed || !p->claimed)
		return -ENOMEM;
	p->n_free = p->size;
	return 0;
}

void dhcp_pool_free(struct dhcp_pool *p)
{
	if (!p)
		return;
	free(p->ranges);
	free(p->used);
	free(p->reserved);
	free(p->probed);
	free(p->claimed);
	p->ranges = NULL;
	p->used = p->reserved = p->probed = p->claimed = NULL;
	p->size = p->n_free = p->n_claims = 0;
	memset(p->claims, 0, sizeof(p->claims));
}

uint32_t dhcp_pool_index(const struct dhcp_pool *p, uint32_t addr)
{
	size_t i;

	/* A handful of ranges at most: a loop over them is not a lease scan. */
	for (i = 0; i < p->n_ranges; i++)
		if (addr >= p->ranges[i].start && addr <= p->ranges[i].end)
			return p->ranges[i].base + (addr - p->ranges[i].start);
	return HTAB_NONE;
}

uint32_t dhcp_pool_addr(const struct dhcp_pool *p, uint32_t idx)
{
	size_t i;

	for (i = 0; i < p->n_ranges; i++) {
		uint32_t n = p->ranges[i].end - p->ranges[i].start + 1;

		if (idx >= p->ranges[i].base && idx - p->ranges[i].base < n)
			return p->ranges[i].start + (idx - p->ranges[i].base);
	}
	return 0;
}

bool dhcp_pool_test(const uint64_t *map, uint32_t idx)
{
	return (map[idx / 64] >> (idx % 64)) & 1;
}

bool dhcp_pool_is_free(const struct dhcp_pool *p, uint32_t idx)
{
	return idx < p->size && !dhcp_pool_test(p->used, idx) &&
	       !dhcp_pool_test(p->reserved, idx);
}

void dhcp_pool_set(struct dhcp_pool *p, uint64_t *map, uint32_t idx, bool on)
{
	bool was_free, now_free;
	uint64_t bit;

	if (idx >= p->size)
		return;
	was_free = dhcp_pool_is_free(p, idx);
	bit = 1ull << (idx % 64);
	if (on)
		map[idx / 64] |= bit;
	else
		map[idx / 64] &= ~bit;
	now_free = dhcp_pool_is_free(p, idx);
	if (was_free && !now_free)
		p->n_free--;
	else if (!was_free && now_free)
		p->n_free++;
}

/* Free bits of word w (1 = free, not claimed), with bits past the end of the pool cleared. */
static uint64_t free_bits(const struct dhcp_pool *p, uint32_t w)
{
	uint64_t f = ~(p->used[w] | p->reserved[w] | p->claimed[w]);
	uint32_t last = p->size / 64;

	if (w == last)
		f &= (p->size % 64) ? (1ull << (p->size % 64)) - 1 : 0;
	return f;
}

uint32_t dhcp_pool_find_free(const struct dhcp_pool *p, uint32_t start)
{
	uint32_t words = (p->size + 63) / 64;
	uint32_t w, k;
	uint64_t f;

	if (!p->n_free || !p->size)
		return HTAB_NONE;
	start %= p->size;
	w = start / 64;
	/* The first word only from `start` on; it is revisited whole at the end. */
	f = free_bits(p, w) & (~0ull << (start % 64));
	for (k = 0; k <= words; k++) {
		if (f)
			return w * 64 + (uint32_t)__builtin_ctzll(f);
		w = (w + 1) % words;
		f = free_bits(p, w);
	}
	return HTAB_NONE;
}
