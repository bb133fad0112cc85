/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Static hosts (<host mac|id name ip>): checked and copied once, indexed by
 * MAC, client id, address and name so that every lookup is one hash probe.
 * A replacement set is built whole beside the old one and swapped in, so a
 * bad reload leaves the running hosts untouched.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhcp/v4/dhcp-internal.h"

struct host_key {
	const uint8_t *p;
	size_t n;
};

static uint32_t mac_hash(uint64_t seed, const uint8_t *mac)
{
	return hash_bytes(seed, mac, 6);
}

static uint32_t id_hash(uint64_t seed, const uint8_t *id, size_t n)
{
	return hash_bytes(seed, id, n);
}

static uint32_t ip_hash(uint64_t seed, uint32_t ip)
{
	return hash_bytes(seed, &ip, 4);
}

static bool eq_mac(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_host_int *h = &((const struct dhcp_hosts *)ctx)->hosts[idx];

	return h->has_mac && !memcmp(h->mac, key, 6);
}

static bool eq_id(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_host_int *h = &((const struct dhcp_hosts *)ctx)->hosts[idx];
	const struct host_key *k = key;

	return h->id_len && h->id_len == k->n && !memcmp(h->id, k->p, k->n);
}

static bool eq_ip(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_host_int *h = &((const struct dhcp_hosts *)ctx)->hosts[idx];

	return h->has_ip && h->ip == *(const uint32_t *)key;
}

static bool eq_name(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_host_int *h = &((const struct dhcp_hosts *)ctx)->hosts[idx];

	return h->name[0] && strcasecmp(h->name, key) == 0;
}

static uint32_t rehash_mac(const void *ctx, uint32_t idx)
{
	const struct dhcp_hosts *s = ctx;

	return mac_hash(s->seed, s->hosts[idx].mac);
}

static uint32_t rehash_id(const void *ctx, uint32_t idx)
{
	const struct dhcp_hosts *s = ctx;

	return id_hash(s->seed, s->hosts[idx].id, s->hosts[idx].id_len);
}

static uint32_t rehash_ip(const void *ctx, uint32_t idx)
{
	const struct dhcp_hosts *s = ctx;

	return ip_hash(s->seed, s->hosts[idx].ip);
}

static uint32_t rehash_name(const void *ctx, uint32_t idx)
{
	const struct dhcp_hosts *s = ctx;

	return dhcp_name_hash(s->seed, s->hosts[idx].name);
}

void dhcp_hosts_free(struct dhcp_hosts *h)
{
	free(h->hosts);
	htab_free(&h->by_mac);
	htab_free(&h->by_id);
	htab_free(&h->by_ip);
	htab_free(&h->by_name);
	memset(h, 0, sizeof(*h));
}

static int host_fail(struct wire_error *err, int code, const char *msg, size_t i,
		     const char *addr)
{
	if (err) {
		err->code = code;
		snprintf(err->message, sizeof(err->message), "host %zu: %s%s%s", i + 1,
			 addr ? "address " : "", addr ? addr : "", msg);
	}
	return code;
}

static int copy_host(const struct dhcp_server *srv, const struct dhcp_static_host *in,
		     size_t i, struct dhcp_host_int *h, struct wire_error *err)
{
	uint32_t ip = ntohl(in->ip.s_addr);
	char a[INET_ADDRSTRLEN];

	h->has_mac = in->has_mac;
	memcpy(h->mac, in->mac, 6);
	if (in->client_id_len > LEASE_CLIENT_ID_MAX || (in->client_id_len && !in->client_id))
		return host_fail(err, -EINVAL, "bad client id", i, NULL);
	h->id_len = (uint8_t)in->client_id_len;
	if (h->id_len)
		memcpy(h->id, in->client_id, h->id_len);
	if (in->name)
		lease_hostname_sanitize((const uint8_t *)in->name, strlen(in->name), h->name);
	h->has_ip = in->has_ip;
	h->ip = ip;
	h->lease_time = in->lease_time;
	inet_ntop(AF_INET, &in->ip, a, sizeof(a));
	if (h->has_ip && ((ip & srv->netmask) != srv->network || ip == srv->network ||
			  ip == srv->broadcast || ip == srv->server_addr))
		return host_fail(err, -EINVAL, " is not usable in the subnet", i, a);
	return 0;
}

static int index_host(struct dhcp_hosts *s, uint32_t i, struct wire_error *err)
{
	const struct dhcp_host_int *h = &s->hosts[i];
	char a[INET_ADDRSTRLEN];
	struct in_addr ia = { htonl(h->ip) };

	if (h->has_ip &&
	    htab_find(&s->by_ip, ip_hash(s->seed, h->ip), eq_ip, s, &h->ip) != HTAB_NONE)
		return host_fail(err, -EINVAL, " is given to two hosts", i,
				 inet_ntop(AF_INET, &ia, a, sizeof(a)));
	if ((h->has_mac &&
	     htab_insert(&s->by_mac, mac_hash(s->seed, h->mac), i, rehash_mac, s) < 0) ||
	    (h->id_len && htab_insert(&s->by_id, id_hash(s->seed, h->id, h->id_len), i,
					   rehash_id, s) < 0) ||
	    (h->has_ip &&
	     htab_insert(&s->by_ip, ip_hash(s->seed, h->ip), i, rehash_ip, s) < 0) ||
	    (h->name[0] && htab_find(&s->by_name, dhcp_name_hash(s->seed, h->name), eq_name,
					  s, h->name) == HTAB_NONE &&
	     htab_insert(&s->by_name, dhcp_name_hash(s->seed, h->name), i, rehash_name,
			      s) < 0))
		return host_fail(err, -ENOMEM, "out of memory", i, NULL);
	return 0;
}

int dhcp_hosts_build(const struct dhcp_server *srv, const struct dhcp_static_host *in,
		     size_t n, struct dhcp_hosts *s, struct wire_error *err)
{
	size_t i;
	int rc;

	memset(s, 0, sizeof(*s));
	s->seed = srv->seed;
	s->hosts = calloc(n ? n : 1, sizeof(*s->hosts));
	if (!s->hosts || htab_init(&s->by_mac, (uint32_t)n) < 0 ||
	    htab_init(&s->by_id, (uint32_t)n) < 0 ||
	    htab_init(&s->by_ip, (uint32_t)n) < 0 ||
	    htab_init(&s->by_name, (uint32_t)n) < 0)
		return host_fail(err, -ENOMEM, "out of memory", 0, NULL);
	for (i = 0; i < n; i++) {
		if ((rc = copy_host(srv, &in[i], i, &s->hosts[i], err)) < 0 ||
		    (rc = index_host(s, (uint32_t)i, err)) < 0)
			return rc;
	}
	s->n = n;
	return 0;
}

static void reserve_addresses(struct dhcp_server *srv, bool on)
{
	size_t i;

	for (i = 0; i < srv->hosts.n; i++)
		if (srv->hosts.hosts[i].has_ip)
			dhcp_pool_set(&srv->pool, srv->pool.reserved,
				      dhcp_pool_index(&srv->pool, srv->hosts.hosts[i].ip), on);
	/* The server's own address is never given out. */
	dhcp_pool_set(&srv->pool, srv->pool.reserved,
		      dhcp_pool_index(&srv->pool, srv->server_addr), true);
}

int dhcp_server_set_hosts(struct dhcp_server *srv, const struct dhcp_static_host *hosts,
			  size_t n, struct wire_error *err)
{
	struct dhcp_hosts s;
	int rc = dhcp_hosts_build(srv, hosts, n, &s, err);

	if (rc < 0) {
		dhcp_hosts_free(&s);
		return rc;
	}
	reserve_addresses(srv, false);
	dhcp_hosts_free(&srv->hosts);
	srv->hosts = s;
	reserve_addresses(srv, true);
	dhcp_names_recheck(srv);
	return 0;
}

const struct dhcp_host_int *dhcp_find_host(const struct dhcp_server *srv,
					   const struct dhcp_ident *id)
{
	const struct dhcp_hosts *s = &srv->hosts;
	struct host_key k = { id->client_id, id->client_id_len };
	uint32_t i = HTAB_NONE;

	if (!s->n)
		return NULL;
	if (k.n)
		i = htab_find(&s->by_id, id_hash(s->seed, k.p, k.n), eq_id, s, &k);
	if (i == HTAB_NONE && id->htype == 1 && id->hlen == 6)
		i = htab_find(&s->by_mac, mac_hash(s->seed, id->chaddr), eq_mac, s,
				   id->chaddr);
	return i == HTAB_NONE ? NULL : &s->hosts[i];
}

const struct dhcp_host_int *dhcp_host_by_ip(const struct dhcp_server *srv, uint32_t ip)
{
	const struct dhcp_hosts *s = &srv->hosts;
	uint32_t i;

	if (!s->n)
		return NULL;
	i = htab_find(&s->by_ip, ip_hash(s->seed, ip), eq_ip, s, &ip);
	return i == HTAB_NONE ? NULL : &s->hosts[i];
}

const struct dhcp_host_int *dhcp_host_by_name(const struct dhcp_server *srv, const char *name)
{
	const struct dhcp_hosts *s = &srv->hosts;
	uint32_t i;

	if (!s->n || !name || !*name)
		return NULL;
	i = htab_find(&s->by_name, dhcp_name_hash(s->seed, name), eq_name, s, name);
	return i == HTAB_NONE ? NULL : &s->hosts[i];
}
