/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The local name table: an index, not a list. Records live in one array
 * (free-list reuse); dhcp_htab indexes the first record of each name
 * (lowercase wire labels, relative to the domain) and the first A/AAAA
 * record of each address (for PTR). Records of the same name or address
 * are chained, so a lookup costs one hash probe plus the few records of
 * that name, whatever the table's size.
 *
 * Dynamic (lease) records are keyed by address: at most one per address,
 * found through the address index, so a guest that renames itself replaces
 * its record, and there are never more than max_dyn of them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

struct name_key {
	const uint8_t *p;
	size_t n;
};

static const uint64_t ADDR_SALT = 0x9e3779b97f4a7c15ull;

static size_t addr_len(uint16_t type)
{
	return type == DNS_T_AAAA ? 16 : 4;
}

static uint32_t name_hash(const struct dns_table *t, const uint8_t *p, size_t n)
{
	return hash_bytes(t->seed, p, n);
}

static uint32_t addr_hash(const struct dns_table *t, uint16_t type, const uint8_t *a)
{
	return hash_bytes(t->seed ^ ADDR_SALT, a, addr_len(type));
}

static bool eq_name(const void *ctx, uint32_t idx, const void *key)
{
	const struct dns_rec *r = &((const struct dns_table *)ctx)->rec[idx];
	const struct name_key *k = key;

	return r->name_len == k->n && memcmp(r->name, k->p, k->n) == 0;
}

static uint32_t rehash_name(const void *ctx, uint32_t idx)
{
	const struct dns_table *t = ctx;

	return name_hash(t, t->rec[idx].name, t->rec[idx].name_len);
}

struct addr_key {
	uint16_t type;
	const uint8_t *a;
};

static bool eq_addr(const void *ctx, uint32_t idx, const void *key)
{
	const struct dns_rec *r = &((const struct dns_table *)ctx)->rec[idx];
	const struct addr_key *k = key;

	return r->type == k->type && memcmp(r->addr, k->a, addr_len(k->type)) == 0;
}

static uint32_t rehash_addr(const void *ctx, uint32_t idx)
{
	const struct dns_table *t = ctx;

	return addr_hash(t, t->rec[idx].type, t->rec[idx].addr);
}

int dns_table_init(struct dns_table *t, uint64_t seed, uint32_t expected,
		   const uint8_t *domain, size_t domain_len)
{
	memset(t, 0, sizeof(*t));
	t->seed = seed;
	t->free_head = HTAB_NONE;
	t->domain = domain;
	t->domain_len = domain_len;
	if (htab_init(&t->by_name, expected) < 0 || htab_init(&t->by_addr, expected) < 0)
		return -ENOMEM;
	return 0;
}

void dns_table_free(struct dns_table *t)
{
	uint32_t i;

	if (!t)
		return;
	for (i = 0; i < t->n_rec; i++) {
		free(t->rec[i].name);
		free(t->rec[i].rdata);
	}
	free(t->rec);
	htab_free(&t->by_name);
	htab_free(&t->by_addr);
	memset(t, 0, sizeof(*t));
}

uint32_t dns_table_find(const struct dns_table *t, const uint8_t *key, size_t klen)
{
	struct name_key k = { key, klen };

	return htab_find(&t->by_name, name_hash(t, key, klen), eq_name, t, &k);
}

uint32_t dns_table_find_addr(const struct dns_table *t, const struct dns_ip *ip)
{
	struct addr_key k = { ip->family == AF_INET6 ? DNS_T_AAAA : DNS_T_A, ip->bytes };

	return htab_find(&t->by_addr, addr_hash(t, k.type, k.a), eq_addr, t, &k);
}

int dns_table_key(const struct dns_table *t, const char *text, uint8_t *key, uint8_t *flags)
{
	int n = dns_name_from_text(text, key, DNS_NAME_MAX);
	size_t pos = 0;

	if (n < 0)
		return n;
	*flags = key[0] + 1u == (size_t)n ? DNS_REC_QUALIFY : 0;   /* one label */
	if (!t->domain_len)
		return n;
	/* "x.<domain>" is the same name as "x" (dnsmasq's expand-hosts). */
	for (pos = 0; pos < (size_t)n; pos += 1u + key[pos]) {
		if (pos && (size_t)n - pos == t->domain_len &&
		    memcmp(key + pos, t->domain, t->domain_len) == 0) {
			*flags = DNS_REC_QUALIFY;
			return (int)pos;
		}
	}
	return n;
}

static uint32_t rec_alloc(struct dns_table *t)
{
	uint32_t idx;

	if (t->free_head != HTAB_NONE) {
		idx = t->free_head;
		t->free_head = t->rec[idx].next_name;
		return idx;
	}
	if (t->n_rec == t->cap_rec) {
		uint32_t cap = t->cap_rec ? t->cap_rec * 2 : 64;
		struct dns_rec *rec;

		if (cap >= HTAB_NONE / 2)
			return HTAB_NONE;
		rec = realloc(t->rec, cap * sizeof(*rec));
		if (!rec)
			return HTAB_NONE;
		t->rec = rec;
		t->cap_rec = cap;
	}
	return t->n_rec++;
}

static void rec_release(struct dns_table *t, uint32_t idx)
{
	struct dns_rec *r = &t->rec[idx];

	if (r->type && !(r->flags & DNS_REC_STATIC))
		t->n_dyn--;
	free(r->name);
	free(r->rdata);
	memset(r, 0, sizeof(*r));
	r->next_name = t->free_head;
	t->free_head = idx;
	t->live--;
}

/*
 * Does record r keep a lease name of `type` away? A lease's A does not stop
 * an AAAA of the same name, nor the other way round: a dual-stack guest has
 * its name on both leases, and dnsmasq too checks names per family.
 */
static bool name_blocks(const struct dns_rec *r, uint16_t type)
{
	return r->type == type || (r->type != DNS_T_A && r->type != DNS_T_AAAA);
}

/* Is this name+data already there, or does somebody else hold the name? */
static int put_conflict(const struct dns_table *t, uint32_t head, uint8_t flags, uint16_t type,
			const uint8_t *addr, uint32_t *same)
{
	uint32_t i;

	*same = HTAB_NONE;
	for (i = head; i != HTAB_NONE; i = t->rec[i].next_name) {
		const struct dns_rec *r = &t->rec[i];
		bool eq = r->type == type && (type != DNS_T_A && type != DNS_T_AAAA ?
					      false : memcmp(r->addr, addr, addr_len(type)) == 0);

		if (eq && (r->flags & DNS_REC_STATIC) == (flags & DNS_REC_STATIC)) {
			*same = i;
			return 0;
		}
		/* A lease name never takes a name somebody else holds (first come keeps it). */
		if (!(flags & DNS_REC_STATIC) && name_blocks(r, type))
			return -EEXIST;
	}
	return 0;
}

/* Fill a fresh record; false when its copies cannot be allocated. */
static bool rec_fill(struct dns_rec *r, const uint8_t *key, size_t klen, uint8_t flags,
		     uint16_t type, const uint8_t *addr, const uint8_t *rdata, uint16_t rdlen,
		     int64_t expires)
{
	memset(r, 0, sizeof(*r));
	r->name = malloc(klen ? klen : 1);
	if (rdlen) {
		r->rdata = malloc(rdlen);
		if (r->rdata)
			memcpy(r->rdata, rdata, rdlen);
	}
	if (!r->name || (rdlen && !r->rdata))
		return false;
	memcpy(r->name, key, klen);
	r->name_len = (uint8_t)klen;
	r->type = type;
	r->flags = flags;
	r->expires = expires;
	r->rdlen = rdlen;
	r->next_name = r->next_addr = HTAB_NONE;
	if (type == DNS_T_A || type == DNS_T_AAAA)
		memcpy(r->addr, addr, addr_len(type));
	return true;
}

/*
 * Index record idx: the name index and the address index point at the first
 * record of a name or an address; later ones are chained behind it.
 */
static int rec_index(struct dns_table *t, uint32_t idx, uint32_t head)
{
	struct dns_rec *r = &t->rec[idx];
	struct addr_key ak = { r->type, r->addr };
	bool host = r->type == DNS_T_A || r->type == DNS_T_AAAA;
	uint32_t ahead = host ? htab_find(&t->by_addr, addr_hash(t, r->type, r->addr), eq_addr,
					  t, &ak) : HTAB_NONE;

	if (head == HTAB_NONE &&
	    htab_insert(&t->by_name, name_hash(t, r->name, r->name_len), idx, rehash_name, t) < 0)
		return -ENOMEM;
	if (host && ahead == HTAB_NONE &&
	    htab_insert(&t->by_addr, addr_hash(t, r->type, r->addr), idx, rehash_addr, t) < 0) {
		if (head == HTAB_NONE)
			htab_remove(&t->by_name, name_hash(t, r->name, r->name_len), idx);
		return -ENOMEM;
	}
	if (head != HTAB_NONE) {
		r->next_name = t->rec[head].next_name;
		t->rec[head].next_name = idx;
	}
	if (ahead != HTAB_NONE) {
		r->next_addr = t->rec[ahead].next_addr;
		t->rec[ahead].next_addr = idx;
	}
	return 0;
}

int dns_table_put(struct dns_table *t, const uint8_t *key, size_t klen, uint8_t flags,
		  uint16_t type, const uint8_t *addr, const uint8_t *rdata, uint16_t rdlen,
		  int64_t expires)
{
	uint32_t head = dns_table_find(t, key, klen), same, idx;
	int rc;

	rc = put_conflict(t, head, flags, type, addr, &same);
	if (rc < 0)
		return rc;
	if (same != HTAB_NONE) {
		t->rec[same].expires = expires;         /* a renewal */
		return 0;
	}
	idx = rec_alloc(t);
	if (idx == HTAB_NONE)
		return -ENOMEM;
	if (!rec_fill(&t->rec[idx], key, klen, flags, type, addr, rdata, rdlen, expires) ||
	    rec_index(t, idx, head) < 0) {
		t->live++;
		t->rec[idx].type = 0;   /* not counted as dynamic yet */
		rec_release(t, idx);
		return -ENOMEM;
	}
	t->live++;
	if (!(flags & DNS_REC_STATIC))
		t->n_dyn++;
	return 0;
}

/* Take idx out of a chain whose head the index `h` points at. */
static void unlink_chain(struct dns_table *t, struct htab *h, uint32_t hash,
			 uint32_t head, uint32_t idx, bool by_name)
{
	uint32_t *link, i, next;

	next = by_name ? t->rec[idx].next_name : t->rec[idx].next_addr;
	if (head == idx) {
		if (next != HTAB_NONE)
			htab_replace(h, hash, idx, next);
		else
			htab_remove(h, hash, idx);
		return;
	}
	for (i = head; i != HTAB_NONE; i = *link) {
		link = by_name ? &t->rec[i].next_name : &t->rec[i].next_addr;
		if (*link == idx) {
			*link = next;
			return;
		}
	}
}

/* Take record idx out of its name chain and its address chain, then free it. */
void dns_table_drop(struct dns_table *t, uint32_t idx)
{
	const struct dns_rec *r = &t->rec[idx];
	uint32_t head = dns_table_find(t, r->name, r->name_len);

	unlink_chain(t, &t->by_name, name_hash(t, r->name, r->name_len), head, idx, true);
	if (r->type == DNS_T_A || r->type == DNS_T_AAAA) {
		struct addr_key ak = { r->type, r->addr };
		uint32_t ahead = htab_find(&t->by_addr, addr_hash(t, r->type, r->addr),
						eq_addr, t, &ak);

		unlink_chain(t, &t->by_addr, addr_hash(t, r->type, r->addr), ahead, idx, false);
	}
	rec_release(t, idx);
}

int dns_table_del(struct dns_table *t, const uint8_t *key, size_t klen, uint16_t type,
		  const uint8_t *addr)
{
	uint32_t i;

	for (i = dns_table_find(t, key, klen); i != HTAB_NONE; i = t->rec[i].next_name) {
		const struct dns_rec *r = &t->rec[i];

		if (r->type == type && !(r->flags & DNS_REC_STATIC) &&
		    memcmp(r->addr, addr, addr_len(type)) == 0)
			break;
	}
	if (i == HTAB_NONE)
		return -ENOENT;
	dns_table_drop(t, i);
	return 0;
}

uint32_t dns_table_dyn_of(const struct dns_table *t, uint16_t type, const uint8_t *addr)
{
	struct addr_key ak = { type, addr };
	uint32_t i = htab_find(&t->by_addr, addr_hash(t, type, addr), eq_addr, t, &ak);

	for (; i != HTAB_NONE; i = t->rec[i].next_addr)
		if (!(t->rec[i].flags & DNS_REC_STATIC))
			return i;
	return HTAB_NONE;
}

int dns_table_set_dyn(struct dns_table *t, const uint8_t *key, size_t klen, uint8_t flags,
		      uint16_t type, const uint8_t *addr, int64_t expires)
{
	uint32_t old = dns_table_dyn_of(t, type, addr), i;
	bool mine = false;

	if (old != HTAB_NONE && t->rec[old].name_len == klen &&
	    memcmp(t->rec[old].name, key, klen) == 0) {
		t->rec[old].expires = expires;          /* a renewal */
		return 0;
	}
	for (i = dns_table_find(t, key, klen); i != HTAB_NONE; i = t->rec[i].next_name) {
		const struct dns_rec *r = &t->rec[i];

		if ((r->flags & DNS_REC_STATIC) && r->type == type &&
		    memcmp(r->addr, addr, addr_len(type)) == 0)
			mine = true;
	}
	/* The address's old name goes whatever happens next: a lease has one name. */
	if (old != HTAB_NONE)
		dns_table_drop(t, old);
	if (mine)
		return 0;       /* the definition already gives this address that name */
	for (i = dns_table_find(t, key, klen); i != HTAB_NONE; i = t->rec[i].next_name)
		if (name_blocks(&t->rec[i], type))
			return -EEXIST; /* somebody else's: the first holder keeps it */
	if (t->n_dyn >= t->max_dyn)
		return -ENOSPC;
	return dns_table_put(t, key, klen, flags & ~DNS_REC_STATIC, type, addr, NULL, 0, expires);
}

/* ---- the public face ---- */

/*
 * A host name: RFC 952/1123 labels of letters, digits and hyphens (not at
 * either end; '_' too, as dnsmasq takes it), dot-separated, an optional
 * final dot.
 */
static bool host_name_ok(const char *s)
{
	size_t n = strlen(s), i, len = 0;

	if (n && s[n - 1] == '.')
		n--;
	if (!n)
		return false;
	for (i = 0; i <= n; i++) {
		char c = i < n ? s[i] : '.';

		if (c == '.') {
			if (!len || s[i - 1] == '-')
				return false;
			len = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '_' || (c == '-' && len)) {
			if (++len > DNS_LABEL_MAX)
				return false;
		} else {
			return false;
		}
	}
	return true;
}

static bool addr_ok(const struct dns_ip *addr)
{
	return addr && (addr->family == AF_INET || addr->family == AF_INET6);
}

int dns_lease_name_set(struct dns_server *srv, const struct dns_ip *addr, const char *name,
		       int64_t expires)
{
	uint8_t key[DNS_NAME_MAX], flags;
	uint16_t type;
	uint32_t old;
	int n;

	if (!srv || !addr_ok(addr))
		return -EINVAL;
	type = addr->family == AF_INET ? DNS_T_A : DNS_T_AAAA;
	n = name && *name ? (host_name_ok(name) ? dns_table_key(&srv->table, name, key, &flags) :
			     -EINVAL) : 0;
	if (n <= 0) {
		old = dns_table_dyn_of(&srv->table, type, addr->bytes);
		if (old != HTAB_NONE)
			dns_table_drop(&srv->table, old);
		return n < 0 ? -EINVAL : 0;
	}
	return dns_table_set_dyn(&srv->table, key, (size_t)n, flags, type, addr->bytes, expires);
}

size_t dns_table_count(const struct dns_server *srv)
{
	return srv ? srv->table.live : 0;
}
