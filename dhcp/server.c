/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server object: config checked and copied, option values encoded once
 * (so a reply is a sequence of copies), static hosts indexed by MAC, client
 * id and address, and the dispatcher from a datagram to one handler.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dhcp-internal.h"

static int fail(struct dhcp_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct dhcp_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->message, sizeof(err->message), fmt, ap);
		va_end(ap);
	}
	return code;
}

/* ---- static hosts ---- */

struct host_set {
	struct dhcp_host_int *hosts;
	size_t n;
	struct dhcp_htab by_mac, by_id, by_ip;
	uint64_t seed;
};

struct host_key {
	const uint8_t *p;
	size_t n;
};

static uint32_t host_mac_hash(uint64_t seed, const uint8_t *mac)
{
	return dhcp_hash_bytes(seed, mac, 6);
}

static uint32_t host_id_hash(uint64_t seed, const uint8_t *id, size_t n)
{
	return dhcp_hash_bytes(seed, id, n);
}

static uint32_t host_ip_hash(uint64_t seed, uint32_t ip)
{
	return dhcp_hash_bytes(seed, &ip, 4);
}

static bool eq_mac(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_host_int *h = &((const struct host_set *)ctx)->hosts[idx];

	return h->has_mac && !memcmp(h->mac, key, 6);
}

static bool eq_id(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_host_int *h = &((const struct host_set *)ctx)->hosts[idx];
	const struct host_key *k = key;

	return h->id_len && h->id_len == k->n && !memcmp(h->id, k->p, k->n);
}

static bool eq_ip(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_host_int *h = &((const struct host_set *)ctx)->hosts[idx];

	return h->has_ip && h->ip == *(const uint32_t *)key;
}

static uint32_t rehash_mac(const void *ctx, uint32_t idx)
{
	const struct host_set *s = ctx;

	return host_mac_hash(s->seed, s->hosts[idx].mac);
}

static uint32_t rehash_id(const void *ctx, uint32_t idx)
{
	const struct host_set *s = ctx;

	return host_id_hash(s->seed, s->hosts[idx].id, s->hosts[idx].id_len);
}

static uint32_t rehash_ip(const void *ctx, uint32_t idx)
{
	const struct host_set *s = ctx;

	return host_ip_hash(s->seed, s->hosts[idx].ip);
}

static void host_set_free(struct host_set *s)
{
	free(s->hosts);
	dhcp_htab_free(&s->by_mac);
	dhcp_htab_free(&s->by_id);
	dhcp_htab_free(&s->by_ip);
}

static int host_set_build(const struct dhcp_server *srv, const struct dhcp_static_host *in,
			  size_t n, struct host_set *s, struct dhcp_error *err)
{
	size_t i;
	char a[INET_ADDRSTRLEN];

	memset(s, 0, sizeof(*s));
	s->seed = srv->seed;
	s->hosts = calloc(n ? n : 1, sizeof(*s->hosts));
	if (!s->hosts || dhcp_htab_init(&s->by_mac, (uint32_t)n) < 0 ||
	    dhcp_htab_init(&s->by_id, (uint32_t)n) < 0 || dhcp_htab_init(&s->by_ip, (uint32_t)n) < 0)
		return fail(err, -ENOMEM, "out of memory");
	for (i = 0; i < n; i++) {
		struct dhcp_host_int *h = &s->hosts[i];
		uint32_t ip = ntohl(in[i].ip.s_addr);

		h->has_mac = in[i].has_mac;
		memcpy(h->mac, in[i].mac, 6);
		if (in[i].client_id_len > LEASE_CLIENT_ID_MAX || (in[i].client_id_len && !in[i].client_id))
			return fail(err, -EINVAL, "host %zu: bad client id", i + 1);
		h->id_len = (uint8_t)in[i].client_id_len;
		if (h->id_len)
			memcpy(h->id, in[i].client_id, h->id_len);
		if (in[i].name)
			lease_hostname_sanitize((const uint8_t *)in[i].name, strlen(in[i].name), h->name);
		h->has_ip = in[i].has_ip;
		h->ip = ip;
		h->lease_time = in[i].lease_time;
		inet_ntop(AF_INET, &in[i].ip, a, sizeof(a));
		if (h->has_ip && ((ip & srv->netmask) != srv->network || ip == srv->network ||
				  ip == srv->broadcast || ip == srv->server_addr))
			return fail(err, -EINVAL, "host %zu: address %s is not usable in the subnet",
				    i + 1, a);
		if (h->has_ip && dhcp_htab_find(&s->by_ip, host_ip_hash(s->seed, ip), eq_ip, s, &ip) !=
				 DHCP_NONE)
			return fail(err, -EINVAL, "host %zu: address %s is given to two hosts", i + 1, a);
		if ((h->has_mac && dhcp_htab_insert(&s->by_mac, host_mac_hash(s->seed, h->mac),
						    (uint32_t)i, rehash_mac, s) < 0) ||
		    (h->id_len && dhcp_htab_insert(&s->by_id, host_id_hash(s->seed, h->id, h->id_len),
						   (uint32_t)i, rehash_id, s) < 0) ||
		    (h->has_ip && dhcp_htab_insert(&s->by_ip, host_ip_hash(s->seed, ip), (uint32_t)i,
						   rehash_ip, s) < 0))
			return fail(err, -ENOMEM, "out of memory");
	}
	s->n = n;
	return 0;
}

static void reserve_hosts(struct dhcp_server *srv, bool on)
{
	size_t i;

	for (i = 0; i < srv->n_hosts; i++)
		if (srv->hosts[i].has_ip)
			dhcp_pool_set(&srv->pool, srv->pool.reserved,
				      dhcp_pool_index(&srv->pool, srv->hosts[i].ip), on);
	/* The server's own address is never given out. */
	dhcp_pool_set(&srv->pool, srv->pool.reserved,
		      dhcp_pool_index(&srv->pool, srv->server_addr), true);
}

int dhcp_server_set_hosts(struct dhcp_server *srv, const struct dhcp_static_host *hosts,
			  size_t n, struct dhcp_error *err)
{
	struct host_set s;
	int rc = host_set_build(srv, hosts, n, &s, err);

	if (rc < 0) {
		host_set_free(&s);
		return rc;
	}
	reserve_hosts(srv, false);
	free(srv->hosts);
	dhcp_htab_free(&srv->host_by_mac);
	dhcp_htab_free(&srv->host_by_id);
	dhcp_htab_free(&srv->host_by_ip);
	srv->hosts = s.hosts;
	srv->n_hosts = s.n;
	srv->host_by_mac = s.by_mac;
	srv->host_by_id = s.by_id;
	srv->host_by_ip = s.by_ip;
	reserve_hosts(srv, true);
	return 0;
}

static struct host_set view_hosts(const struct dhcp_server *srv)
{
	struct host_set s = {
		.hosts = srv->hosts, .n = srv->n_hosts, .by_mac = srv->host_by_mac,
		.by_id = srv->host_by_id, .by_ip = srv->host_by_ip, .seed = srv->seed,
	};
	return s;
}

const struct dhcp_host_int *dhcp_find_host(const struct dhcp_server *srv,
					   const struct dhcp_ident *id)
{
	struct host_set s = view_hosts(srv);
	struct host_key k = { id->client_id, id->client_id_len };
	uint32_t i = DHCP_NONE;

	if (!srv->n_hosts)
		return NULL;
	if (k.n)
		i = dhcp_htab_find(&s.by_id, host_id_hash(s.seed, k.p, k.n), eq_id, &s, &k);
	if (i == DHCP_NONE && id->htype == 1 && id->hlen == 6)
		i = dhcp_htab_find(&s.by_mac, host_mac_hash(s.seed, id->chaddr), eq_mac, &s,
				   id->chaddr);
	return i == DHCP_NONE ? NULL : &srv->hosts[i];
}

const struct dhcp_host_int *dhcp_host_by_ip(const struct dhcp_server *srv, uint32_t ip)
{
	struct host_set s = view_hosts(srv);
	uint32_t i;

	if (!srv->n_hosts)
		return NULL;
	i = dhcp_htab_find(&s.by_ip, host_ip_hash(s.seed, ip), eq_ip, &s, &ip);
	return i == DHCP_NONE ? NULL : &srv->hosts[i];
}

/* ---- option values, encoded once ---- */

static int set_opt(struct dhcp_server *srv, unsigned code, const void *p, size_t len)
{
	uint8_t *v;

	if (len > 255 || code < 1 || code > 254)
		return -EINVAL;
	v = malloc(len ? len : 1);
	if (!v)
		return -ENOMEM;
	memcpy(v, p, len);
	free(srv->opt_val[code]);
	srv->opt_val[code] = v;
	srv->opt_len[code] = (uint8_t)len;
	return 0;
}

static int set_opt_u32(struct dhcp_server *srv, unsigned code, uint32_t host_order)
{
	uint32_t be = htonl(host_order);

	return set_opt(srv, code, &be, 4);
}

/* RFC 3442 §3: width, significant destination octets, router. */
static int encode_routes(struct dhcp_server *srv, const struct dhcp_config *cfg)
{
	uint8_t buf[255];
	size_t n = 0, i;

	for (i = 0; i <= cfg->n_routes; i++) {
		uint32_t dest = 0, gw = srv->server_addr;
		unsigned prefix = 0, octets;

		if (i < cfg->n_routes) {
			prefix = cfg->routes[i].prefix;
			dest = ntohl(cfg->routes[i].dest.s_addr);
			gw = ntohl(cfg->routes[i].gateway.s_addr);
		} else if (cfg->no_router) {
			break;
		}
		/* RFC 3442: a client given option 121 ignores option 3, so the
		 * default route goes in too (last, after the specific ones). */
		if (prefix > 32)
			return -EINVAL;
		octets = (prefix + 7) / 8;
		if (n + 1 + octets + 4 > sizeof(buf))
			return -E2BIG;
		buf[n++] = (uint8_t)prefix;
		for (unsigned k = 0; k < octets; k++)
			buf[n++] = (uint8_t)(dest >> (24 - 8 * k));
		for (unsigned k = 0; k < 4; k++)
			buf[n++] = (uint8_t)(gw >> (24 - 8 * k));
	}
	return set_opt(srv, OPT_CLASSLESS_ROUTES, buf, n);
}

/* Options the protocol owns: a raw <option> may not replace them. */
static bool protocol_option(unsigned code)
{
	return code == OPT_MSG_TYPE || code == OPT_SERVER_ID || code == OPT_LEASE_TIME ||
	       code == OPT_T1 || code == OPT_T2 || code == OPT_CLIENT_ID ||
	       code == OPT_RELAY_AGENT || code == OPT_OVERLOAD || code == OPT_REQUESTED_IP ||
	       code == OPT_PRL || code == OPT_MAX_SIZE || code == OPT_SUBNET_MASK;
}

static int encode_options(struct dhcp_server *srv, const struct dhcp_config *cfg,
			  struct dhcp_error *err)
{
	uint8_t raw[255];
	char text[INET_ADDRSTRLEN];
	size_t i;
	int rc = 0;

	rc |= set_opt_u32(srv, OPT_SUBNET_MASK, srv->netmask);
	rc |= set_opt_u32(srv, OPT_BROADCAST, srv->broadcast);
	if (!cfg->no_router)
		rc |= set_opt_u32(srv, OPT_ROUTER, srv->server_addr);
	if (!cfg->no_dns)
		rc |= set_opt_u32(srv, OPT_DNS, srv->server_addr);
	if (cfg->domain && *cfg->domain)
		rc |= set_opt(srv, OPT_DOMAIN, cfg->domain, strlen(cfg->domain));
	if (cfg->mtu) {
		uint16_t mtu = htons((uint16_t)(cfg->mtu > 65535 ? 65535 : cfg->mtu));

		rc |= set_opt(srv, OPT_MTU, &mtu, 2);
	}
	if (cfg->n_routes)
		rc |= encode_routes(srv, cfg);
	if (srv->has_boot) {
		struct in_addr a = { htonl(srv->boot_server) };

		inet_ntop(AF_INET, &a, text, sizeof(text));
		rc |= set_opt(srv, OPT_TFTP_SERVER, text, strlen(text));
		rc |= set_opt(srv, OPT_BOOTFILE, srv->boot_file, strlen((char *)srv->boot_file));
	}
	if (rc)
		return fail(err, -EINVAL, "cannot encode the configured options");
	for (i = 0; i < cfg->n_options; i++) {
		unsigned code = cfg->options[i].number;
		int len;

		if (protocol_option(code) || code < 1 || code > 254)
			return fail(err, -EINVAL, "option %u cannot be set by <option>", code);
		len = dhcp_option_encode(code, cfg->options[i].value, raw);
		if (len < 0)
			return fail(err, -EINVAL, "option %u: cannot encode value '%s'", code,
				    cfg->options[i].value ? cfg->options[i].value : "");
		if (set_opt(srv, code, raw, (size_t)len) < 0)
			return fail(err, -ENOMEM, "out of memory");
		srv->opt_raw[code] = true;
	}
	return 0;
}

/* ---- life cycle ---- */

static int check_config(struct dhcp_server *srv, const struct dhcp_config *cfg,
			struct dhcp_error *err)
{
	size_t i;

	if (cfg->prefix < 8 || cfg->prefix > 30)
		return fail(err, -EINVAL, "prefix /%u cannot hold a DHCP pool", cfg->prefix);
	srv->server_addr = ntohl(cfg->server_addr.s_addr);
	srv->netmask = ~0u << (32 - cfg->prefix);
	srv->network = srv->server_addr & srv->netmask;
	srv->broadcast = srv->network | ~srv->netmask;
	for (i = 0; i < cfg->n_ranges; i++) {
		uint32_t s = ntohl(cfg->ranges[i].start.s_addr), e = ntohl(cfg->ranges[i].end.s_addr);

		if (s > e || (s & srv->netmask) != srv->network ||
		    (e & srv->netmask) != srv->network || s == srv->network || e == srv->broadcast)
			return fail(err, -EINVAL, "range %zu is not inside the subnet", i + 1);
	}
	if (cfg->boot_file && strlen(cfg->boot_file) >= sizeof(srv->boot_file))
		return fail(err, -EINVAL, "boot file name longer than 127 characters");
	return 0;
}

int dhcp_server_new(const struct dhcp_config *cfg, struct dhcp_server **ret,
		    struct dhcp_error *err)
{
	struct dhcp_server *srv = calloc(1, sizeof(*srv));
	int rc;

	if (!srv)
		return fail(err, -ENOMEM, "out of memory");
	srv->seed = cfg->hash_seed;
	rc = check_config(srv, cfg, err);
	if (rc < 0)
		goto out;
	snprintf(srv->ifname, sizeof(srv->ifname), "%s", cfg->ifname ? cfg->ifname : "");
	srv->lease_time = DHCP_LEASE_DEFAULT;
	srv->authoritative = !cfg->non_authoritative;
	srv->probe = cfg->probe;
	srv->on_event = cfg->on_event;
	srv->userdata = cfg->userdata;
	if (cfg->boot_file && *cfg->boot_file) {
		srv->has_boot = true;
		memcpy(srv->boot_file, cfg->boot_file, strlen(cfg->boot_file) + 1);
		srv->boot_server = cfg->boot_server.s_addr ? ntohl(cfg->boot_server.s_addr)
							   : srv->server_addr;
	}
	rc = dhcp_pool_init(&srv->pool, cfg->ranges, cfg->n_ranges);
	if (rc < 0) {
		fail(err, rc, "cannot set up the address pool");
		goto out;
	}
	rc = dhcp_store_init(&srv->store, srv->seed, srv->pool.size < 1024 ? srv->pool.size : 1024);
	if (rc < 0) {
		fail(err, rc, "out of memory");
		goto out;
	}
	rc = encode_options(srv, cfg, err);
	if (rc < 0)
		goto out;
	rc = dhcp_server_set_hosts(srv, cfg->hosts, cfg->n_hosts, err);
	if (rc < 0)
		goto out;
	*ret = srv;
	return 0;
out:
	dhcp_server_free(srv);
	return rc;
}

void dhcp_server_free(struct dhcp_server *srv)
{
	unsigned i;

	if (!srv)
		return;
	for (i = 0; i < 256; i++)
		free(srv->opt_val[i]);
	free(srv->hosts);
	dhcp_htab_free(&srv->host_by_mac);
	dhcp_htab_free(&srv->host_by_id);
	dhcp_htab_free(&srv->host_by_ip);
	dhcp_pool_free(&srv->pool);
	dhcp_store_free(&srv->store);
	lease_buf_free(&srv->journal);
	free(srv);
}

/* ---- the dispatcher ---- */

int dhcp_server_handle(struct dhcp_server *srv, const struct dhcp_rx *rx, int64_t now,
		       uint8_t *buf, size_t cap, struct dhcp_tx *tx)
{
	struct dhcp_builder b;
	struct dhcp_msg m;
	size_t limit;
	int rc;

	memset(tx, 0, sizeof(*tx));
	rc = dhcp_msg_parse(rx->data, rx->len, &m);
	if (rc < 0)
		return rc;
	/* RFC 2131 §2 / RFC 2132 §9.10: never more than the client accepts. */
	limit = (m.max_size ? m.max_size : DHCP_MIN_MSG) - DHCP_IPUDP_LEN;
	dhcp_wr_init(&b, buf, cap < limit ? cap : limit);
	rc = dhcp_handle_msg(srv, &m, rx, now, &b, tx);
	if (rc == DHCP_REPLY)
		tx->len = b.len;
	return rc;
}

void dhcp_server_journal_pending(const struct dhcp_server *srv, const uint8_t **data,
				 size_t *len)
{
	*data = srv->journal.data;
	*len = srv->journal.len;
}

void dhcp_server_journal_clear(struct dhcp_server *srv)
{
	srv->journal.len = 0;   /* the buffer stays: no allocation next time */
}
