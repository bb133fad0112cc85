/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Lease records: one dense array (indices are stable; freed records go on a
 * free list), indexed by client identity and by address in two hash tables.
 * The only allocations are the array growing and, for a client id or host
 * name too long for the record's tail (record.c), one small block, made
 * when a lease is created or renamed, never on a renewal.
 */
#include <ctype.h>
#include <errno.h>
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhcp/v4/dhcp-internal.h"

static uint32_t ident_hash(uint64_t seed, const struct dhcp_ident *id)
{
	uint8_t tag[2];

	if (id->client_id_len)
		return hash_bytes(seed, id->client_id, id->client_id_len);
	tag[0] = id->htype;
	tag[1] = id->hlen;
	/* Different seed tweak, so a chaddr never collides with an equal client id. */
	return hash_bytes(seed ^ ((uint64_t)tag[0] << 8 | tag[1]) ^ 0x9e3779b97f4a7c15ull,
			       id->chaddr, id->hlen);
}

static void lease_ident(const struct dhcp_lease *l, struct dhcp_ident *id)
{
	id->client_id = dhcp_lease_id(l);
	id->client_id_len = l->id_len;
	id->htype = l->htype;
	id->hlen = l->hlen;
	id->chaddr = l->chaddr;
}

bool dhcp_ident_eq_lease(const struct dhcp_lease *l, const struct dhcp_ident *id)
{
	if (id->client_id_len)
		return l->id_len == id->client_id_len &&
		       !memcmp(dhcp_lease_id(l), id->client_id, id->client_id_len);
	return !l->id_len && l->htype == id->htype && l->hlen == id->hlen &&
	       !memcmp(l->chaddr, id->chaddr, id->hlen);
}

static bool eq_ident(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_store *s = ctx;

	return dhcp_ident_eq_lease(&s->rec[idx], key);
}

static uint32_t rehash_ident(const void *ctx, uint32_t idx)
{
	const struct dhcp_store *s = ctx;
	struct dhcp_ident id;

	lease_ident(&s->rec[idx], &id);
	return ident_hash(s->seed, &id);
}

static uint32_t addr_hash(uint64_t seed, uint32_t addr)
{
	return hash_bytes(seed, &addr, sizeof(addr));
}

static bool eq_addr(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_store *s = ctx;

	return s->rec[idx].addr == *(const uint32_t *)key;
}

static uint32_t rehash_addr(const void *ctx, uint32_t idx)
{
	const struct dhcp_store *s = ctx;

	return addr_hash(s->seed, s->rec[idx].addr);
}

uint32_t dhcp_name_hash(uint64_t seed, const char *name)
{
	char low[LEASE_HOSTNAME_MAX];
	size_t n;

	for (n = 0; name[n] && n < sizeof(low); n++)
		low[n] = (char)tolower((unsigned char)name[n]);
	return hash_bytes(seed ^ 0x6e616d65ull, low, n);
}

static bool eq_name(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_store *s = ctx;
	const char *n = dhcp_lease_name(&s->rec[idx]);

	return n && strcasecmp(n, key) == 0;
}

static uint32_t rehash_name(const void *ctx, uint32_t idx)
{
	const struct dhcp_store *s = ctx;

	return dhcp_name_hash(s->seed, dhcp_lease_name(&s->rec[idx]));
}

int dhcp_store_init(struct dhcp_store *s, uint64_t seed, uint32_t expected)
{
	memset(s, 0, sizeof(*s));
	s->seed = seed;
	s->free_head = HTAB_NONE;
	if (htab_init(&s->by_ident, expected) < 0 ||
	    htab_init(&s->by_addr, expected) < 0 ||
	    htab_init(&s->by_name, expected) < 0)
		return -ENOMEM;
	return 0;
}

uint32_t dhcp_store_by_name(const struct dhcp_store *s, const char *name)
{
	if (!name || !*name)
		return HTAB_NONE;
	return htab_find(&s->by_name, dhcp_name_hash(s->seed, name), eq_name, s, name);
}

/* Only bound leases are indexed: a name is taken while its lease lives. */
void dhcp_store_index_name(struct dhcp_store *s, uint32_t idx, bool on)
{
	const char *name = dhcp_lease_name(&s->rec[idx]);

	if (!name)
		return;
	if (on) {
		/* -ENOMEM leaves the name unindexed: others may then claim it too */
		if (dhcp_store_by_name(s, name) == HTAB_NONE)
			htab_insert(&s->by_name, dhcp_name_hash(s->seed, name), idx,
					 rehash_name, s);
	} else {
		htab_remove(&s->by_name, dhcp_name_hash(s->seed, name), idx);
	}
}

void dhcp_store_free(struct dhcp_store *s)
{
	uint32_t i;

	if (!s)
		return;
	for (i = 0; s->rec && i < s->n_rec; i++)
		dhcp_lease_drop_bytes(&s->rec[i]);
	free(s->rec);
	htab_free(&s->by_ident);
	htab_free(&s->by_addr);
	htab_free(&s->by_name);
	memset(s, 0, sizeof(*s));
}

uint32_t dhcp_store_by_ident(const struct dhcp_store *s, const struct dhcp_ident *id)
{
	return htab_find(&s->by_ident, ident_hash(s->seed, id), eq_ident, s, id);
}

uint32_t dhcp_store_by_addr(const struct dhcp_store *s, uint32_t addr)
{
	return htab_find(&s->by_addr, addr_hash(s->seed, addr), eq_addr, s, &addr);
}

static uint32_t take_record(struct dhcp_store *s)
{
	struct dhcp_lease *rec;
	uint32_t idx, cap;

	if (s->free_head != HTAB_NONE) {
		idx = s->free_head;
		s->free_head = s->rec[idx].next_free;
		return idx;
	}
	if (s->n_rec == s->cap_rec) {
		cap = s->cap_rec ? s->cap_rec * 2 : 64;
		rec = realloc(s->rec, (size_t)cap * sizeof(*rec));
		if (!rec)
			return HTAB_NONE;
		s->rec = rec;
		s->cap_rec = cap;
	}
	return s->n_rec++;
}

uint32_t dhcp_store_add(struct dhcp_store *s, const struct dhcp_ident *id, uint32_t addr)
{
	struct dhcp_lease *l;
	uint32_t idx = take_record(s);

	if (idx == HTAB_NONE)
		return HTAB_NONE;
	l = &s->rec[idx];
	memset(l, 0, sizeof(*l));
	l->next_free = HTAB_NONE;
	l->addr = addr;
	l->htype = id->htype;
	l->hlen = id->hlen > LEASE_CHADDR_MAX ? LEASE_CHADDR_MAX : id->hlen;
	if (id->chaddr)
		memcpy(l->chaddr, id->chaddr, l->hlen);
	if (id->client_id_len &&
	    dhcp_lease_set_bytes(l, id->client_id, id->client_id_len, NULL) < 0)
		goto fail;
	l->state = LS_OFFERED;
	if (htab_insert(&s->by_ident, ident_hash(s->seed, id), idx, rehash_ident, s) < 0)
		goto fail;
	if (htab_insert(&s->by_addr, addr_hash(s->seed, addr), idx, rehash_addr, s) < 0) {
		htab_remove(&s->by_ident, ident_hash(s->seed, id), idx);
		goto fail;
	}
	return idx;
fail:
	dhcp_lease_drop_bytes(l);
	l->state = LS_UNUSED;
	l->next_free = s->free_head;
	s->free_head = idx;
	return HTAB_NONE;
}

void dhcp_store_del(struct dhcp_store *s, uint32_t idx)
{
	struct dhcp_lease *l = &s->rec[idx];
	struct dhcp_ident id;

	if (l->state == LS_UNUSED)
		return;
	if (l->state == LS_BOUND) {
		s->n_bound--;
		dhcp_store_index_name(s, idx, false);
	}
	lease_ident(l, &id);
	htab_remove(&s->by_ident, ident_hash(s->seed, &id), idx);
	htab_remove(&s->by_addr, addr_hash(s->seed, l->addr), idx);
	dhcp_lease_drop_bytes(l);
	l->state = LS_UNUSED;
	l->next_free = s->free_head;
	s->free_head = idx;
}

void dhcp_store_move(struct dhcp_store *s, uint32_t idx, uint32_t addr)
{
	struct dhcp_lease *l = &s->rec[idx];

	if (l->addr == addr)
		return;
	htab_remove(&s->by_addr, addr_hash(s->seed, l->addr), idx);
	l->addr = addr;
	/* Cannot fail: a removal just made room and no resize is due. */
	htab_insert(&s->by_addr, addr_hash(s->seed, addr), idx, rehash_addr, s);
}

int dhcp_store_set_name(struct dhcp_store *s, uint32_t idx, const char *name)
{
	struct dhcp_lease *l = &s->rec[idx];
	const char *old = dhcp_lease_name(l);
	bool indexed = l->state == LS_BOUND;
	int r;

	if (name && !*name)
		name = NULL;
	if ((!old && !name) || (old && name && !strcmp(old, name)))
		return 0;       /* a renewal with the same name allocates nothing */
	if (indexed)
		dhcp_store_index_name(s, idx, false);
	r = dhcp_lease_set_bytes(l, dhcp_lease_id(l), l->id_len, name);
	if (indexed)
		dhcp_store_index_name(s, idx, true);
	return r;
}

void dhcp_lease_view(const struct dhcp_lease *l, struct lease_info *out)
{
	memset(out, 0, sizeof(*out));
	out->addr.s_addr = htonl(l->addr);
	out->expires = l->expires;
	out->htype = l->htype;
	out->hlen = l->hlen;
	memcpy(out->chaddr, l->chaddr, sizeof(out->chaddr));
	out->client_id = dhcp_lease_id(l);
	out->client_id_len = l->id_len;
	out->hostname = dhcp_lease_name(l);
}
