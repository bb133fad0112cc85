/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lease records, one per IA_NA (DUID + IAID): a dense array with a free
 * list, indexed by identity, by address and (bound ones) by host name. The
 * only allocations are the array growing and one block per record for its
 * DUID and name, made when it is created or renamed, never on a renewal.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhcp/v6/dhcp6-internal.h"

static uint32_t ident_hash(uint64_t seed, const struct d6_ident *id)
{
	return hash_bytes(seed ^ id->iaid, id->duid, id->duid_len);
}

static bool eq_ident(const void *ctx, uint32_t idx, const void *key)
{
	const struct d6_lease *l = &((const struct d6_store *)ctx)->rec[idx];
	const struct d6_ident *id = key;

	return l->iaid == id->iaid && l->duid_len == id->duid_len &&
	       !memcmp(l->extra, id->duid, id->duid_len);
}

static uint32_t rehash_ident(const void *ctx, uint32_t idx)
{
	const struct d6_store *s = ctx;
	const struct d6_lease *l = &s->rec[idx];
	struct d6_ident id = { l->extra, l->duid_len, l->iaid };

	return ident_hash(s->seed, &id);
}

static uint32_t addr_hash(uint64_t seed, const struct in6_addr *a)
{
	return hash_bytes(seed, a, 16);
}

static bool eq_addr(const void *ctx, uint32_t idx, const void *key)
{
	return !memcmp(&((const struct d6_store *)ctx)->rec[idx].addr, key, 16);
}

static uint32_t rehash_addr(const void *ctx, uint32_t idx)
{
	const struct d6_store *s = ctx;

	return addr_hash(s->seed, &s->rec[idx].addr);
}

static uint32_t name_hash(uint64_t seed, const char *name)
{
	char low[LEASE_HOSTNAME_MAX];
	size_t n;

	for (n = 0; name[n] && n < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)name[n]);
	return hash_bytes(seed ^ 0x6e616d65ull, low, n);
}

static bool eq_name(const void *ctx, uint32_t idx, const void *key)
{
	const char *n = d6_lease_name(&((const struct d6_store *)ctx)->rec[idx]);

	return n && strcasecmp(n, key) == 0;
}

static uint32_t rehash_name(const void *ctx, uint32_t idx)
{
	const struct d6_store *s = ctx;

	return name_hash(s->seed, d6_lease_name(&s->rec[idx]));
}

int d6_store_init(struct d6_store *s, uint64_t seed)
{
	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->free_head = HTAB_NONE;
	if (htab_init(&s->by_ident, 64) < 0 || htab_init(&s->by_addr, 64) < 0 ||
	    htab_init(&s->by_name, 64) < 0)
		return -ENOMEM;
	return 0;
}

void d6_store_free(struct d6_store *s)
{
	for (uint32_t i = 0; s->rec && i < s->n_rec; i++)
		free(s->rec[i].extra);
	free(s->rec);
	htab_free(&s->by_ident);
	htab_free(&s->by_addr);
	htab_free(&s->by_name);
	memset(s, 0, sizeof(*s));
}

uint32_t d6_store_by_ident(const struct d6_store *s, const struct d6_ident *id)
{
	return htab_find(&s->by_ident, ident_hash(s->seed, id), eq_ident, s, id);
}

uint32_t d6_store_by_addr(const struct d6_store *s, const struct in6_addr *a)
{
	return htab_find(&s->by_addr, addr_hash(s->seed, a), eq_addr, s, a);
}

uint32_t d6_store_by_name(const struct d6_store *s, const char *name)
{
	if (!name || !*name)
		return HTAB_NONE;
	return htab_find(&s->by_name, name_hash(s->seed, name), eq_name, s, name);
}

void d6_store_index_name(struct d6_store *s, uint32_t idx, bool on)
{
	const char *name = d6_lease_name(&s->rec[idx]);

	if (!name)
		return;
	if (!on)
		htab_remove(&s->by_name, name_hash(s->seed, name), idx);
	else if (d6_store_by_name(s, name) == HTAB_NONE)
		htab_insert(&s->by_name, name_hash(s->seed, name), idx, rehash_name, s);
}

static uint32_t take_record(struct d6_store *s)
{
	uint32_t idx;

	if (s->free_head != HTAB_NONE) {
		idx = s->free_head;
		s->free_head = s->rec[idx].next_free;
		return idx;
	}
	if (s->n_rec == s->cap_rec) {
		uint32_t cap = s->cap_rec ? s->cap_rec * 2 : 64;
		struct d6_lease *rec = realloc(s->rec, (size_t)cap * sizeof(*rec));

		if (!rec)
			return HTAB_NONE;
		s->rec = rec;
		s->cap_rec = cap;
	}
	return s->n_rec++;
}

static void put_back(struct d6_store *s, uint32_t idx)
{
	struct d6_lease *l = &s->rec[idx];

	free(l->extra);
	l->extra = NULL;
	l->state = S6_UNUSED;
	l->next_free = s->free_head;
	s->free_head = idx;
}

/* A new record (state GHOST) for id at a; HTAB_NONE on -ENOMEM. A quarantine has no DUID. */
uint32_t d6_store_add(struct d6_store *s, const struct d6_ident *id, const struct in6_addr *a)
{
	uint32_t idx = take_record(s);
	struct d6_lease *l;

	if (idx == HTAB_NONE)
		return HTAB_NONE;
	l = &s->rec[idx];
	memset(l, 0, sizeof(*l));
	l->next_free = HTAB_NONE;
	l->addr = *a;
	l->iaid = id->iaid;
	l->state = S6_GHOST;
	l->extra = malloc(id->duid_len + 1);
	if (!l->extra) {
		put_back(s, idx);
		return HTAB_NONE;
	}
	if (id->duid_len)
		memcpy(l->extra, id->duid, id->duid_len);
	l->extra[id->duid_len] = 0;
	l->duid_len = (uint8_t)id->duid_len;
	if (id->duid_len &&
	    htab_insert(&s->by_ident, ident_hash(s->seed, id), idx, rehash_ident, s) < 0) {
		put_back(s, idx);
		return HTAB_NONE;
	}
	if (htab_insert(&s->by_addr, addr_hash(s->seed, a), idx, rehash_addr, s) < 0) {
		if (id->duid_len)
			htab_remove(&s->by_ident, ident_hash(s->seed, id), idx);
		put_back(s, idx);
		return HTAB_NONE;
	}
	return idx;
}

void d6_store_del(struct d6_store *s, uint32_t idx)
{
	struct d6_lease *l = &s->rec[idx];
	struct d6_ident id = { l->extra, l->duid_len, l->iaid };

	if (l->state == S6_UNUSED)
		return;
	if (l->state == S6_BOUND) {
		s->n_bound--;
		d6_store_index_name(s, idx, false);
	}
	if (l->duid_len)
		htab_remove(&s->by_ident, ident_hash(s->seed, &id), idx);
	htab_remove(&s->by_addr, addr_hash(s->seed, &l->addr), idx);
	put_back(s, idx);
}

void d6_store_move(struct d6_store *s, uint32_t idx, const struct in6_addr *a)
{
	struct d6_lease *l = &s->rec[idx];

	if (!memcmp(&l->addr, a, 16))
		return;
	htab_remove(&s->by_addr, addr_hash(s->seed, &l->addr), idx);
	l->addr = *a;
	/* cannot fail: a removal just made room and no resize is due */
	htab_insert(&s->by_addr, addr_hash(s->seed, a), idx, rehash_addr, s);
}

const char *d6_lease_name(const struct d6_lease *l)
{
	if (!l->extra || !l->extra[l->duid_len])
		return NULL;
	return (const char *)l->extra + l->duid_len;
}

int d6_store_set_name(struct d6_store *s, uint32_t idx, const char *name)
{
	struct d6_lease *l = &s->rec[idx];
	const char *old = d6_lease_name(l);
	size_t n = name ? strlen(name) : 0;
	bool indexed = l->state == S6_BOUND;
	uint8_t *extra;

	if ((!old && !n) || (old && name && !strcmp(old, name)))
		return 0;
	extra = malloc((size_t)l->duid_len + n + 1);
	if (!extra)
		return -ENOMEM;
	memcpy(extra, l->extra, l->duid_len);
	if (n)
		memcpy(extra + l->duid_len, name, n);
	extra[l->duid_len + n] = 0;
	if (indexed)
		d6_store_index_name(s, idx, false);
	free(l->extra);
	l->extra = extra;
	if (indexed)
		d6_store_index_name(s, idx, true);
	return 0;
}

void d6_lease_view(const struct d6_lease *l, struct lease6_info *out)
{
	memset(out, 0, sizeof(*out));
	out->addr = l->addr;
	out->expires = l->expires;
	out->iaid = l->iaid;
	out->duid = l->extra;
	out->duid_len = l->duid_len;
	out->has_mac = l->has_mac;
	memcpy(out->mac, l->mac, 6);
	out->hostname = d6_lease_name(l);
}
