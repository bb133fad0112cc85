/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The pool: the <range>s laid end to end as indices 0..size-1. IPv6 ranges
 * can be far larger than any bitmap, so nothing is kept per address: a
 * free address is found by hashing the client's DUID+IAID to an index and
 * stepping from there while the lease index says the address is held
 * (handlers.c). Each range lies inside one /64 (its upper half fixed),
 * which every libvirt range does.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhcp/v6/dhcp6-internal.h"

void d6_split(const struct in6_addr *a, uint64_t *hi, uint64_t *lo)
{
	uint64_t h = 0, l = 0;

	for (int i = 0; i < 8; i++) {
		h = h << 8 | a->s6_addr[i];
		l = l << 8 | a->s6_addr[8 + i];
	}
	*hi = h;
	*lo = l;
}

void d6_join(uint64_t hi, uint64_t lo, struct in6_addr *a)
{
	for (int i = 7; i >= 0; i--) {
		a->s6_addr[i] = (uint8_t)hi;
		a->s6_addr[8 + i] = (uint8_t)lo;
		hi >>= 8;
		lo >>= 8;
	}
}

int d6_pool_init(struct d6_pool *p, const struct dhcp6_range *r, size_t n,
		 struct wire_error *err)
{
	uint64_t total = 0;

	memset(p, 0, sizeof(*p));
	p->ranges = calloc(n ? n : 1, sizeof(*p->ranges));
	if (!p->ranges)
		return wire_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct d6_range *d = &p->ranges[i];
		uint64_t ehi, size;

		d6_split(&r[i].start, &d->hi, &d->lo_start);
		d6_split(&r[i].end, &ehi, &d->lo_end);
		if (ehi != d->hi || d->lo_end < d->lo_start)
			return wire_fail(err, -EINVAL,
					 "range %zu: its end is before its start or in another /64",
					 i + 1);
		size = d->lo_end - d->lo_start;
		if (size == UINT64_MAX || total + size + 1 < total)
			return wire_fail(err, -E2BIG, "range %zu: too large", i + 1);
		d->base = total;
		d->lease_time = r[i].lease_time;
		total += size + 1;
	}
	p->n = n;
	p->size = total;
	return 0;
}

void d6_pool_free(struct d6_pool *p)
{
	free(p->ranges);
	memset(p, 0, sizeof(*p));
}

const struct d6_range *d6_pool_range(const struct d6_pool *p, const struct in6_addr *a)
{
	uint64_t hi, lo;

	d6_split(a, &hi, &lo);
	for (size_t i = 0; i < p->n; i++)
		if (p->ranges[i].hi == hi && lo >= p->ranges[i].lo_start && lo <= p->ranges[i].lo_end)
			return &p->ranges[i];
	return NULL;
}

void d6_pool_addr(const struct d6_pool *p, uint64_t idx, struct in6_addr *out)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct d6_range *d = &p->ranges[i];

		if (idx >= d->base && idx - d->base <= d->lo_end - d->lo_start) {
			d6_join(d->hi, d->lo_start + (idx - d->base), out);
			return;
		}
	}
	memset(out, 0, sizeof(*out));
}

bool d6_on_link(const struct dhcp6_server *srv, const struct in6_addr *a)
{
	uint64_t hi, lo;

	d6_split(a, &hi, &lo);
	return (hi & srv->mask_hi) == srv->prefix_hi && (lo & srv->mask_lo) == srv->prefix_lo;
}

/* ---- DUIDs ---- */

int dhcp6_duid_parse(const char *text, uint8_t *out, size_t cap)
{
	size_t n = 0;
	const char *p = text;

	/* libvirt writes "0:4:7e:..": one or two hex digits a byte, colons between */
	while (p && *p) {
		int hi = hex_value((unsigned char)p[0]), lo;

		if (hi < 0 || n >= cap)
			return -EINVAL;
		lo = p[1] ? hex_value((unsigned char)p[1]) : -1;
		out[n++] = (uint8_t)(lo >= 0 ? hi << 4 | lo : hi);
		p += lo >= 0 ? 2 : 1;
		if (*p == ':' && p[1])
			p++;
		else if (*p)
			return -EINVAL;
	}
	return n >= 2 && n <= DHCP6_DUID_MAX ? (int)n : -EINVAL;
}

size_t dhcp6_duid_llt(const uint8_t mac[6], int64_t when, uint8_t out[14])
{
	/* RFC 8415 §11.2: the time counts seconds since 2000-01-01 UTC, mod 2^32 */
	uint32_t t = (uint32_t)(uint64_t)(when - 946684800);

	out[0] = 0;
	out[1] = 1;
	out[2] = 0;
	out[3] = 1;
	out[4] = (uint8_t)(t >> 24);
	out[5] = (uint8_t)(t >> 16);
	out[6] = (uint8_t)(t >> 8);
	out[7] = (uint8_t)t;
	memcpy(out + 8, mac, 6);
	return 14;
}

size_t dhcp6_duid_ll(const uint8_t mac[6], uint8_t out[10])
{
	out[0] = 0;
	out[1] = 3;
	out[2] = 0;
	out[3] = 1;
	memcpy(out + 4, mac, 6);
	return 10;
}

/* ---- names ---- */

const char *d6_name_refusal(const struct dhcp6_server *srv, uint32_t idx,
			    const struct d6_ident *id, const struct d6_host *host,
			    const char *name)
{
	const struct d6_host *owner;
	uint32_t holder;

	if (host && host->name[0] && strcasecmp(host->name, name) == 0)
		return NULL;
	for (size_t i = 0; i < srv->n_reserved; i++)
		if (strcasecmp(srv->reserved[i], name) == 0)
			return "is reserved";
	owner = d6_host_by_name(&srv->hosts, name);
	if (owner && owner != host)
		return "belongs to a static host";
	holder = d6_store_by_name(&srv->store, name);
	if (holder != HTAB_NONE && holder != idx) {
		const struct d6_lease *l = &srv->store.rec[holder];

		/* another IA of the same client may carry the same name */
		if (!id || l->duid_len != id->duid_len || memcmp(l->extra, id->duid, id->duid_len))
			return "is taken by another lease";
	}
	return NULL;
}
