/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small open-addressing hash table of record indices (linear probing,
 * tombstones on delete). It stores no keys: the caller's records hold them,
 * and lookups compare through a callback. Load stays under 3/4 so probes
 * are short; 4 bytes a slot keeps 60 000 leases' indexes near 512 KB each.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhcp/wire/wire.h"

#define SLOT_EMPTY 0u
#define SLOT_TOMB UINT32_MAX

int htab_init(struct htab *h, uint32_t expected)
{
	uint32_t n = 16;

	while (n < expected + expected / 2 && n < (1u << 30))
		n <<= 1;
	h->slot = calloc(n, sizeof(*h->slot));
	if (!h->slot)
		return -ENOMEM;
	h->mask = n - 1;
	h->count = 0;
	h->tombs = 0;
	return 0;
}

void htab_free(struct htab *h)
{
	if (!h)
		return;
	free(h->slot);
	h->slot = NULL;
	h->mask = h->count = h->tombs = 0;
}

uint32_t htab_find(const struct htab *h, uint32_t hash, htab_eq_fn eq,
			const void *ctx, const void *key)
{
	uint32_t i, s;

	if (!h->slot)
		return HTAB_NONE;
	for (i = hash & h->mask;; i = (i + 1) & h->mask) {
		s = h->slot[i];
		if (s == SLOT_EMPTY)
			return HTAB_NONE;
		if (s != SLOT_TOMB && eq(ctx, s - 1, key))
			return s - 1;
	}
}

static void place(uint32_t *slot, uint32_t mask, uint32_t hash, uint32_t idx)
{
	uint32_t i;

	for (i = hash & mask; slot[i] != SLOT_EMPTY && slot[i] != SLOT_TOMB; i = (i + 1) & mask)
		;
	slot[i] = idx + 1;
}

static int resize(struct htab *h, uint32_t n, htab_hash_fn rehash, const void *ctx)
{
	uint32_t *slot = calloc(n, sizeof(*slot));
	uint32_t i, s;

	if (!slot)
		return -ENOMEM;
	for (i = 0; i <= h->mask; i++) {
		s = h->slot[i];
		if (s != SLOT_EMPTY && s != SLOT_TOMB)
			place(slot, n - 1, rehash(ctx, s - 1), s - 1);
	}
	free(h->slot);
	h->slot = slot;
	h->mask = n - 1;
	h->tombs = 0;
	return 0;
}

int htab_insert(struct htab *h, uint32_t hash, uint32_t idx,
		     htab_hash_fn rehash, const void *ctx)
{
	uint32_t n = h->mask + 1;
	uint32_t i;
	int rc;

	if (!h->slot)
		return -EINVAL;
	if ((uint64_t)(h->count + h->tombs + 1) * 4 > (uint64_t)n * 3) {
		/* Mostly tombstones: rebuild at the same size; else double. */
		rc = resize(h, (h->count + 1) * 2 > n ? n * 2 : n, rehash, ctx);
		if (rc < 0)
			return rc;
	}
	for (i = hash & h->mask; h->slot[i] != SLOT_EMPTY && h->slot[i] != SLOT_TOMB;
	     i = (i + 1) & h->mask)
		;
	if (h->slot[i] == SLOT_TOMB)
		h->tombs--;
	h->slot[i] = idx + 1;
	h->count++;
	return 0;
}

bool htab_remove(struct htab *h, uint32_t hash, uint32_t idx)
{
	uint32_t i, s;

	if (!h->slot)
		return false;
	for (i = hash & h->mask;; i = (i + 1) & h->mask) {
		s = h->slot[i];
		if (s == SLOT_EMPTY)
			return false;
		if (s == idx + 1) {
			h->slot[i] = SLOT_TOMB;
			h->count--;
			h->tombs++;
			return true;
		}
	}
}

/* FNV-1a with a seed, then a murmur3 finaliser so low bits mix well. */
uint32_t hash_bytes(uint64_t seed, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint64_t h = 0xcbf29ce484222325ull ^ seed;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return (uint32_t)h;
}

bool wire_array_room(void **arr, size_t *cap, size_t n, size_t elem_size)
{
	size_t grow = *cap ? *cap * 2 : 64;
	void *grown;

	if (n < *cap)
		return true;
	if (grow > SIZE_MAX / elem_size || !(grown = realloc(*arr, grow * elem_size)))
		return false;
	*arr = grown;
	*cap = grow;
	return true;
}
