/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A small open-addressing hash table of record indices (linear probing,
 * tombstones on delete). It stores no keys: the caller's records hold them,
 * and lookups compare through a callback. Load stays under 3/4 so probes
 * are short; 4 bytes a slot keeps 60 000 leases' indexes near 512 KB each.
 *
 * Growing is incremental: the full table stays as `old`, every insert moves
 * MOVE_STEP of its slots into the new one, and lookups and removals look in
 * both until it is empty. Rehashing 100 000 entries at once was a 20 ms
 * turn of the daemon's loop as a burst of new clients crossed a power of
 * two; now no insert moves more than MOVE_STEP. The old table is empty long
 * before the new one is due to grow (it has n slots to move, the new one
 * takes 3n/4 inserts to fill), and if it were not, it is emptied first.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "dhcp/wire/wire.h"

#define SLOT_EMPTY 0u
#define SLOT_TOMB UINT32_MAX
#define MOVE_STEP 64u                   /* old slots moved per insert while growing */

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
	h->old = NULL;
	h->old_mask = h->old_next = h->old_count = 0;
	return 0;
}

void htab_free(struct htab *h)
{
	if (!h)
		return;
	free(h->slot);
	free(h->old);
	h->slot = h->old = NULL;
	h->mask = h->count = h->tombs = 0;
	h->old_mask = h->old_next = h->old_count = 0;
}

static uint32_t find_in(const uint32_t *slot, uint32_t mask, uint32_t hash, htab_eq_fn eq,
			const void *ctx, const void *key)
{
	uint32_t i, s;

	for (i = hash & mask;; i = (i + 1) & mask) {
		s = slot[i];
		if (s == SLOT_EMPTY)
			return HTAB_NONE;
		if (s != SLOT_TOMB && eq(ctx, s - 1, key))
			return s - 1;
	}
}

uint32_t htab_find(const struct htab *h, uint32_t hash, htab_eq_fn eq,
			const void *ctx, const void *key)
{
	uint32_t r;

	if (!h->slot)
		return HTAB_NONE;
	r = find_in(h->slot, h->mask, hash, eq, ctx, key);
	if (r == HTAB_NONE && h->old)
		r = find_in(h->old, h->old_mask, hash, eq, ctx, key);
	return r;
}

static void place(uint32_t *slot, uint32_t mask, uint32_t hash, uint32_t idx)
{
	uint32_t i;

	for (i = hash & mask; slot[i] != SLOT_EMPTY && slot[i] != SLOT_TOMB; i = (i + 1) & mask)
		;
	slot[i] = idx + 1;
}

/*
 * Up to `steps` old slots into the new table. A moved slot becomes a
 * tombstone, not empty: entries further along its probe walk are still to
 * be found there.
 */
static void move_old(struct htab *h, uint32_t steps, htab_hash_fn rehash, const void *ctx)
{
	uint32_t s;

	while (h->old && steps--) {
		s = h->old[h->old_next];
		if (s != SLOT_EMPTY && s != SLOT_TOMB) {
			place(h->slot, h->mask, rehash(ctx, s - 1), s - 1);
			h->old[h->old_next] = SLOT_TOMB;
			h->old_count--;
		}
		if (h->old_next++ == h->old_mask || !h->old_count) {
			free(h->old);
			h->old = NULL;
			h->old_mask = h->old_next = 0;
		}
	}
}

/* A table of n slots to grow into (n: twice, or the same size to shed tombstones). */
static int start_growing(struct htab *h, uint32_t n, htab_hash_fn rehash, const void *ctx)
{
	uint32_t *slot;

	move_old(h, UINT32_MAX, rehash, ctx);   /* not expected: see the top */
	slot = calloc(n, sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	h->old = h->slot;
	h->old_mask = h->mask;
	h->old_next = 0;
	h->old_count = h->count;
	h->slot = slot;
	h->mask = n - 1;
	h->tombs = 0;
	if (!h->old_count) {
		free(h->old);
		h->old = NULL;
		h->old_mask = 0;
	}
	return 0;
}

int htab_insert(struct htab *h, uint32_t hash, uint32_t idx,
		     htab_hash_fn rehash, const void *ctx)
{
	uint32_t n = h->mask + 1, in_new;
	uint32_t i;
	int rc;

	if (!h->slot)
		return -EINVAL;
	move_old(h, MOVE_STEP, rehash, ctx);
	in_new = h->count - h->old_count;
	if ((uint64_t)(in_new + h->tombs + 1) * 4 > (uint64_t)n * 3) {
		/* Mostly tombstones: rebuild at the same size; else double. */
		rc = start_growing(h, (h->count + 1) * 2 > n ? n * 2 : n, rehash, ctx);
		if (rc < 0)
			return rc;
		move_old(h, MOVE_STEP, rehash, ctx);
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

/* The slot on hash's probe walk that holds idx, or NULL. */
static uint32_t *slot_of(uint32_t *slot, uint32_t mask, uint32_t hash, uint32_t idx)
{
	uint32_t i;

	for (i = hash & mask; slot[i] != SLOT_EMPTY; i = (i + 1) & mask)
		if (slot[i] == idx + 1)
			return &slot[i];
	return NULL;
}

bool htab_remove(struct htab *h, uint32_t hash, uint32_t idx)
{
	uint32_t *s;

	if (!h->slot)
		return false;
	if ((s = slot_of(h->slot, h->mask, hash, idx))) {
		h->tombs++;
	} else if (h->old && (s = slot_of(h->old, h->old_mask, hash, idx))) {
		h->old_count--;
	} else {
		return false;
	}
	*s = SLOT_TOMB;
	h->count--;
	return true;
}

bool htab_replace(struct htab *h, uint32_t hash, uint32_t old, uint32_t idx)
{
	uint32_t *s = NULL;

	if (h->slot)
		s = slot_of(h->slot, h->mask, hash, old);
	if (!s && h->old)
		s = slot_of(h->old, h->old_mask, hash, old);
	if (!s)
		return false;
	*s = idx + 1;
	return true;
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
