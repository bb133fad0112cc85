/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static hosts (<host id name ip> of an IPv6 <dhcp>): checked and copied
 * once, indexed by DUID and by address (one hash probe each); by name a
 * short scan, only for a client that sends a name and matched no DUID.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhcp/v6/dhcp6-internal.h"

struct key {
	const uint8_t *p;
	size_t n;
};

static bool eq_duid(const void *ctx, uint32_t idx, const void *key)
{
	const struct d6_host *h = &((const struct d6_hosts *)ctx)->h[idx];
	const struct key *k = key;

	return h->duid_len && h->duid_len == k->n && !memcmp(h->duid, k->p, k->n);
}

static uint32_t rehash_duid(const void *ctx, uint32_t idx)
{
	const struct d6_hosts *hs = ctx;

	return hash_bytes(hs->seed, hs->h[idx].duid, hs->h[idx].duid_len);
}

static bool eq_ip(const void *ctx, uint32_t idx, const void *key)
{
	const struct d6_host *h = &((const struct d6_hosts *)ctx)->h[idx];

	return h->has_ip && !memcmp(&h->ip, key, 16);
}

static uint32_t rehash_ip(const void *ctx, uint32_t idx)
{
	const struct d6_hosts *hs = ctx;

	return hash_bytes(hs->seed, &hs->h[idx].ip, 16);
}

void d6_hosts_free(struct d6_hosts *h)
{
	free(h->h);
	htab_free(&h->by_duid);
	htab_free(&h->by_ip);
	memset(h, 0, sizeof(*h));
}

const struct d6_host *d6_host_by_duid(const struct d6_hosts *h, const uint8_t *d, size_t n)
{
	struct key k = { d, n };
	uint32_t i;

	if (!n || !h->n)
		return NULL;
	i = htab_find(&h->by_duid, hash_bytes(h->seed, d, n), eq_duid, h, &k);
	return i == HTAB_NONE ? NULL : &h->h[i];
}

const struct d6_host *d6_host_by_ip(const struct d6_hosts *h, const struct in6_addr *a)
{
	uint32_t i;

	if (!h->n)
		return NULL;
	i = htab_find(&h->by_ip, hash_bytes(h->seed, a, 16), eq_ip, h, a);
	return i == HTAB_NONE ? NULL : &h->h[i];
}

const struct d6_host *d6_host_by_name(const struct d6_hosts *h, const char *name)
{
	for (size_t i = 0; name && i < h->n; i++)
		if (h->h[i].name[0] && strcasecmp(h->h[i].name, name) == 0)
			return &h->h[i];
	return NULL;
}

static int copy_host(const struct dhcp6_static_host *in, size_t i, struct d6_host *out,
		     struct wire_error *err)
{
	if (in->duid_len > DHCP6_DUID_MAX || (in->duid_len && in->duid_len < 2))
		return wire_fail(err, -EINVAL, "host %zu: a DUID is 2 to %d bytes", i + 1,
				 DHCP6_DUID_MAX);
	if (!in->duid_len && !(in->name && *in->name))
		return wire_fail(err, -EINVAL, "host %zu: neither a DUID nor a name", i + 1);
	if (in->duid_len)
		memcpy(out->duid, in->duid, in->duid_len);
	out->duid_len = in->duid_len;
	if (in->name && !lease_hostname_sanitize((const uint8_t *)in->name, strlen(in->name),
						 out->name))
		return wire_fail(err, -EINVAL, "host %zu: name '%s' is not a host name", i + 1,
				 in->name);
	out->has_ip = in->has_ip;
	out->ip = in->ip;
	out->lease_time = in->lease_time;
	return 0;
}

int d6_hosts_build(const struct dhcp6_static_host *in, size_t n, uint64_t seed,
		   struct d6_hosts *out, struct wire_error *err)
{
	memset(out, 0, sizeof(*out));
	out->seed = seed;
	out->h = calloc(n ? n : 1, sizeof(*out->h));
	if (!out->h || htab_init(&out->by_duid, (uint32_t)n) < 0 ||
	    htab_init(&out->by_ip, (uint32_t)n) < 0)
		return wire_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		struct d6_host *h = &out->h[out->n];
		int rc = copy_host(&in[i], i, h, err);

		if (rc < 0)
			return rc;
		if (h->duid_len && d6_host_by_duid(out, h->duid, h->duid_len))
			return wire_fail(err, -EEXIST, "host %zu: its DUID is another host's", i + 1);
		if (h->has_ip && d6_host_by_ip(out, &h->ip))
			return wire_fail(err, -EEXIST, "host %zu: its address is another host's",
					 i + 1);
		out->n++;
		if ((h->duid_len && htab_insert(&out->by_duid, rehash_duid(out, (uint32_t)i),
						(uint32_t)i, rehash_duid, out) < 0) ||
		    (h->has_ip && htab_insert(&out->by_ip, rehash_ip(out, (uint32_t)i), (uint32_t)i,
					      rehash_ip, out) < 0))
			return wire_fail(err, -ENOMEM, "out of memory");
	}
	return 0;
}
