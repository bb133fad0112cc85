/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The cache of forwarded answers, as dnsmasq keeps one: a repeated name is
 * answered without a round trip to the upstream. Keyed by the question
 * (name without case, type, class) and the query bits that change an
 * answer (RD, AD, CD, DO). An entry is the upstream's message as it came
 * (OPT taken off: a hit adds the asker's own), so a hit is one copy plus a
 * few patched fields — the ID, the question's case, each TTL less the
 * whole seconds kept — and never allocates. An entry ends at its smallest
 * TTL (cache_scan.c says which answers are kept at all).
 *
 * Bounded twice, in entries (a fixed array, allocated at start) and in
 * bytes of kept messages; the least recently used entry goes first (a
 * list through the array). An answer is malloc'ed only when it is stored,
 * on the way back from an upstream, never on a hit.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

#define NIL UINT32_MAX
#define OPT_RR_LEN 11

struct key {
	const uint8_t *name;            /* lowercase, with root */
	uint8_t name_len, variant;
	uint16_t qtype, qclass;
};

static uint32_t key_hash(const struct dns_cache *c, const struct key *k)
{
	uint64_t mix = (uint64_t)k->qtype << 24 | (uint64_t)k->qclass << 8 | k->variant;

	return hash_bytes(c->seed ^ (mix * 0x9e3779b97f4a7c15ull), k->name, k->name_len);
}

static bool key_eq(const void *ctx, uint32_t idx, const void *key)
{
	const struct dns_cache_ent *e = &((const struct dns_cache *)ctx)->e[idx];
	const struct key *k = key;

	return e->qtype == k->qtype && e->qclass == k->qclass && e->variant == k->variant &&
	       e->qname_len == k->name_len &&
	       dns_name_eq_nocase(e->msg + DNS_HDR_LEN, e->qname_len, k->name, k->name_len);
}

static uint32_t rehash(const void *ctx, uint32_t idx)
{
	return ((const struct dns_cache *)ctx)->e[idx].hash;
}

int dns_cache_init(struct dns_cache *c, uint32_t entries, size_t bytes, uint64_t seed)
{
	uint32_t i;

	memset(c, 0, sizeof(*c));
	c->head = c->tail = c->free_head = NIL;
	if (!entries)
		return 0;
	c->e = calloc(entries, sizeof(*c->e));
	if (!c->e || htab_init(&c->idx, entries) < 0) {
		free(c->e);
		c->e = NULL;
		return -ENOMEM;
	}
	c->cap = entries;
	c->max_bytes = bytes;
	c->seed = seed ^ 0x63616368652e2e2eull;
	for (i = entries; i-- > 0;) {
		c->e[i].next = c->free_head;
		c->free_head = i;
	}
	return 0;
}

static void lru_unlink(struct dns_cache *c, uint32_t i)
{
	struct dns_cache_ent *e = &c->e[i];

	if (e->prev != NIL)
		c->e[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next != NIL)
		c->e[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void lru_push_head(struct dns_cache *c, uint32_t i)
{
	struct dns_cache_ent *e = &c->e[i];

	e->prev = NIL;
	e->next = c->head;
	if (c->head != NIL)
		c->e[c->head].prev = i;
	else
		c->tail = i;
	c->head = i;
}

static size_t ent_bytes(const struct dns_cache_ent *e)
{
	return (size_t)e->len + 2u * e->n_ttl;
}

static void drop(struct dns_cache *c, uint32_t i)
{
	struct dns_cache_ent *e = &c->e[i];

	htab_remove(&c->idx, e->hash, i);
	lru_unlink(c, i);
	c->bytes -= ent_bytes(e);
	c->used--;
	free(e->msg);
	e->msg = NULL;
	e->next = c->free_head;
	c->free_head = i;
}

void dns_cache_flush(struct dns_cache *c)
{
	while (c->head != NIL)
		drop(c, c->head);
}

void dns_cache_free(struct dns_cache *c)
{
	if (!c->e)
		return;
	dns_cache_flush(c);
	htab_free(&c->idx);
	free(c->e);
	c->e = NULL;
}

uint8_t dns_cache_variant(const struct dns_msg *m)
{
	/* AD 0x0020 and CD 0x0010 sit in the flags' low byte, beside the rcode */
	return (uint8_t)((m->flags & DNS_RD ? 1 : 0) | (m->flags & 0x0020 ? 2 : 0) |
			 (m->flags & 0x0010 ? 4 : 0) | (m->edns_do ? 8 : 0));
}

static uint32_t find(const struct dns_cache *c, const struct key *k, uint32_t hash)
{
	return htab_find(&c->idx, hash, key_eq, c, k);
}

/* Room for one more entry of `need` bytes: the least recently used ones go. */
static uint32_t make_room(struct dns_cache *c, size_t need)
{
	uint32_t i;

	while (c->tail != NIL && (c->free_head == NIL || c->bytes + need > c->max_bytes)) {
		drop(c, c->tail);
		c->evictions++;
	}
	if (c->free_head == NIL || c->bytes + need > c->max_bytes)
		return NIL;
	i = c->free_head;
	c->free_head = c->e[i].next;
	return i;
}

/* The kept bytes, the header's counts as kept, the SOA's TTL cut, the offsets after. */
static uint8_t *copy_answer(const uint8_t *msg, const struct dns_cache_scan *s)
{
	uint8_t *b = malloc(s->keep + 2u * s->n_ttl);

	if (!b)
		return NULL;
	memcpy(b, msg, s->keep);
	b[10] = (uint8_t)(s->arcount >> 8);
	b[11] = (uint8_t)s->arcount;
	if (s->soa_ttl_off >= 0) {
		b[s->soa_ttl_off] = (uint8_t)(s->soa_ttl >> 24);
		b[s->soa_ttl_off + 1] = (uint8_t)(s->soa_ttl >> 16);
		b[s->soa_ttl_off + 2] = (uint8_t)(s->soa_ttl >> 8);
		b[s->soa_ttl_off + 3] = (uint8_t)s->soa_ttl;
	}
	memcpy(b + s->keep, s->ttl_off, 2u * s->n_ttl);
	return b;
}

int dns_cache_store(struct dns_cache *c, const uint8_t *msg, size_t len,
		    const struct dns_name *lname, uint16_t qtype, uint16_t qclass,
		    uint8_t variant, int64_t now)
{
	struct dns_cache_scan s;
	uint8_t low[DNS_NAME_MAX];
	struct key k = { low, lname->len, variant, qtype, qclass };
	struct dns_cache_ent *e;
	struct dns_msg m;
	uint8_t *copy;
	uint32_t hash, i;
	int rc;

	if (!c->e)
		return -ENOENT;
	if ((rc = dns_cache_scan(msg, len, lname, qtype, qclass, &s)) < 0)
		return rc;
	/*
	 * What is kept must stand on its own: a compression pointer may lean on
	 * bytes after the kept sections (trailing junk, dropped records), which
	 * the copy no longer has; a hit would then serve a broken message.
	 */
	if (!(copy = copy_answer(msg, &s)))
		return -ENOMEM;
	if (dns_msg_parse(copy, s.keep, true, &m) < 0) {
		free(copy);
		return -EINVAL;
	}
	memcpy(low, lname->b, lname->len);
	dns_name_lower(low, lname->len);
	hash = key_hash(c, &k);
	if ((i = find(c, &k, hash)) != HTAB_NONE)
		drop(c, i);             /* a newer answer to the same question */
	if ((i = make_room(c, s.keep + 2u * s.n_ttl)) == NIL) {
		free(copy);
		return -ENOENT;
	}
	e = &c->e[i];
	e->msg = copy;
	if (htab_insert(&c->idx, hash, i, rehash, c) < 0) {
		free(e->msg);
		e->msg = NULL;
		e->next = c->free_head;
		c->free_head = i;
		return -ENOMEM;
	}
	e->stored = now;
	e->expires = now + (int64_t)s.lifetime * 1000;
	e->hash = hash;
	e->len = (uint16_t)s.keep;
	e->n_ttl = (uint16_t)s.n_ttl;
	e->qtype = qtype;
	e->qclass = qclass;
	e->variant = variant;
	e->qname_len = lname->len;
	c->bytes += ent_bytes(e);
	c->used++;
	lru_push_head(c, i);
	return 0;
}

static void put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* Each TTL less the whole seconds the answer was kept (never below 1: it ends first). */
static void age_ttls(const struct dns_cache_ent *e, uint8_t *out, int64_t now)
{
	uint32_t kept = (uint32_t)((now - e->stored) / 1000), ttl;
	uint16_t off;
	unsigned i;

	for (i = 0; i < e->n_ttl; i++) {
		memcpy(&off, e->msg + e->len + 2u * i, sizeof(off));
		ttl = (uint32_t)out[off] << 24 | (uint32_t)out[off + 1] << 16 |
		      (uint32_t)out[off + 2] << 8 | out[off + 3];
		ttl = ttl > kept ? ttl - kept : 1;
		out[off] = (uint8_t)(ttl >> 24);
		out[off + 1] = (uint8_t)(ttl >> 16);
		out[off + 2] = (uint8_t)(ttl >> 8);
		out[off + 3] = (uint8_t)ttl;
	}
}

/* RFC 6891: the asker's EDNS gets ours back (size, version 0, its DO). */
static size_t put_opt(uint8_t *p, bool do_bit)
{
	static const uint8_t opt[OPT_RR_LEN] = { 0, 0, DNS_T_OPT, DNS_EDNS_SIZE >> 8,
						 DNS_EDNS_SIZE & 0xff };

	memcpy(p, opt, OPT_RR_LEN);
	p[7] = do_bit ? 0x80 : 0;
	return OPT_RR_LEN;
}

static size_t build_hit(const struct dns_cache_ent *e, const struct dns_msg *m, int64_t now,
			uint8_t *out, size_t limit)
{
	size_t n = e->len + (m->has_opt ? OPT_RR_LEN : 0);
	uint16_t ar;

	if (n > limit) {
		/* the asker takes less: header and question with TC, it comes back over TCP */
		n = DNS_HDR_LEN + e->qname_len + 4u;
		if (n > limit)
			return 0;
		memcpy(out, e->msg, n);
		out[2] |= DNS_TC >> 8;
		memset(out + 6, 0, 6);
	} else {
		memcpy(out, e->msg, e->len);
		age_ttls(e, out, now);
		if (m->has_opt) {
			put_opt(out + e->len, m->edns_do);
			ar = (uint16_t)((out[10] << 8 | out[11]) + 1);
			put_u16(out + 10, ar);
		}
	}
	put_u16(out, m->id);
	memcpy(out + DNS_HDR_LEN, m->qname.b, m->qname.len);
	return n;
}

size_t dns_cache_answer(struct dns_cache *c, const struct dns_msg *m, int64_t now,
			uint8_t *out, size_t limit)
{
	uint8_t lname[DNS_NAME_MAX];
	struct key k = { lname, m->qname.len, dns_cache_variant(m), m->qtype, m->qclass };
	uint32_t hash, i;
	size_t n;

	if (!c->e)
		return 0;
	memcpy(lname, m->qname.b, m->qname.len);
	dns_name_lower(lname, m->qname.len);
	hash = key_hash(c, &k);
	i = c->used ? find(c, &k, hash) : HTAB_NONE;
	if (i != HTAB_NONE && now >= c->e[i].expires) {
		drop(c, i);
		i = HTAB_NONE;
	}
	n = i != HTAB_NONE ? build_hit(&c->e[i], m, now, out, limit) : 0;
	if (!n) {
		c->misses++;
		return 0;
	}
	c->hits++;
	lru_unlink(c, i);
	lru_push_head(c, i);
	return n;
}
