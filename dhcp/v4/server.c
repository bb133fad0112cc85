/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server object: config checked and copied, option values encoded once
 * (so a reply is a sequence of copies), and the dispatcher from a datagram
 * to one handler. Static hosts are in hosts.c, names in names.c.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

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
			  struct wire_error *err)
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
	if (srv->has_boot && srv->boot_server) {
		struct in_addr a = { htonl(srv->boot_server) };

		inet_ntop(AF_INET, &a, text, sizeof(text));
		rc |= set_opt(srv, OPT_TFTP_SERVER, text, strlen(text));
	}
	/* the value stands for "some file": each reply puts in the client's own */
	if (srv->has_boot)
		rc |= set_opt(srv, OPT_BOOTFILE, "-", 1);
	if (rc)
		return wire_fail(err, -EINVAL, "cannot encode the configured options");
	for (i = 0; i < cfg->n_options; i++) {
		unsigned code = cfg->options[i].number;
		int len;

		if (protocol_option(code) || code < 1 || code > 254)
			return wire_fail(err, -EINVAL, "option %u cannot be set by <option>", code);
		len = dhcp_option_encode(code, cfg->options[i].value, raw);
		if (len < 0)
			return wire_fail(err, -EINVAL, "option %u: cannot encode value '%s'", code,
				    cfg->options[i].value ? cfg->options[i].value : "");
		if (set_opt(srv, code, raw, (size_t)len) < 0)
			return wire_fail(err, -ENOMEM, "out of memory");
		srv->opt_raw[code] = true;
	}
	return 0;
}

/* ---- life cycle ---- */

static int check_config(struct dhcp_server *srv, const struct dhcp_config *cfg,
			struct wire_error *err)
{
	size_t i;

	if (cfg->prefix < 8 || cfg->prefix > 30)
		return wire_fail(err, -EINVAL, "prefix /%u cannot hold a DHCP pool", cfg->prefix);
	srv->server_addr = ntohl(cfg->server_addr.s_addr);
	srv->netmask = ~0u << (32 - cfg->prefix);
	srv->network = srv->server_addr & srv->netmask;
	srv->broadcast = srv->network | ~srv->netmask;
	for (i = 0; i < cfg->n_ranges; i++) {
		uint32_t s = ntohl(cfg->ranges[i].start.s_addr), e = ntohl(cfg->ranges[i].end.s_addr);

		if (s > e || (s & srv->netmask) != srv->network ||
		    (e & srv->netmask) != srv->network || s == srv->network || e == srv->broadcast)
			return wire_fail(err, -EINVAL, "range %zu is not inside the subnet", i + 1);
	}
	if (cfg->boot_file && strlen(cfg->boot_file) >= sizeof(srv->boot_file))
		return wire_fail(err, -EINVAL, "boot file name longer than 127 characters");
	if (cfg->domain && strlen(cfg->domain) > DHCP_DOMAIN_MAX)
		return wire_fail(err, -EINVAL, "domain name longer than %d characters", DHCP_DOMAIN_MAX);
	return 0;
}

int dhcp_server_new(const struct dhcp_config *cfg, struct dhcp_server **ret,
		    struct wire_error *err)
{
	struct dhcp_server *srv = calloc(1, sizeof(*srv));
	int rc;

	if (!srv)
		return wire_fail(err, -ENOMEM, "out of memory");
	srv->seed = cfg->hash_seed;
	rc = check_config(srv, cfg, err);
	if (rc < 0)
		goto out;
	snprintf(srv->ifname, sizeof(srv->ifname), "%s", cfg->ifname ? cfg->ifname : "");
	srv->lease_time = DHCP_LEASE_DEFAULT;
	srv->authoritative = !cfg->non_authoritative;
	srv->probe = cfg->probe;
	srv->on_event = cfg->on_event;
	srv->on_name = cfg->on_name;
	srv->userdata = cfg->userdata;
	if (cfg->domain)
		snprintf(srv->domain, sizeof(srv->domain), "%s", cfg->domain);
	rc = dhcp_boot_setup(srv, cfg, err);
	if (rc < 0)
		goto out;
	rc = dhcp_pool_init(&srv->pool, cfg->ranges, cfg->n_ranges);
	if (rc < 0) {
		wire_fail(err, rc, "cannot set up the address pool");
		goto out;
	}
	rc = dhcp_store_init(&srv->store, srv->seed, srv->pool.size < 1024 ? srv->pool.size : 1024);
	if (rc < 0) {
		wire_fail(err, rc, "out of memory");
		goto out;
	}
	rc = encode_options(srv, cfg, err);
	if (rc < 0)
		goto out;
	rc = dhcp_server_set_hosts(srv, cfg->hosts, cfg->n_hosts, err);
	if (rc < 0)
		goto out;
	rc = dhcp_server_set_reserved_names(srv, cfg->reserved_names, cfg->n_reserved, err);
	if (rc < 0)
		goto out;
	/* the bucket starts full: a host booting its guests is not held back */
	dhcp_bucket_init(&srv->bucket, cfg->new_client_rate, cfg->new_client_burst,
			 srv->pool.size, 0);
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
	dhcp_hosts_free(&srv->hosts);
	dhcp_reserved_free(&srv->reserved);
	dhcp_pool_free(&srv->pool);
	dhcp_store_free(&srv->store);
	lease_buf_free(&srv->journal);
	dhcp_batch_free(&srv->batch);
	dhcp_boot_free(srv);
	free(srv);
}

/* ---- the dispatcher ---- */

int dhcp_server_handle(struct dhcp_server *srv, const struct dhcp_rx *rx, int64_t now,
		       uint8_t *buf, size_t cap, struct dhcp_tx *tx)
{
	struct wire_builder b;
	struct dhcp_msg m;
	size_t limit;
	int rc;

	memset(tx, 0, sizeof(*tx));
	rc = dhcp_msg_parse(rx->data, rx->len, &m);
	if (rc < 0)
		return rc;
	/* RFC 2131 §2 / RFC 2132 §9.10: never more than the client accepts. */
	limit = (m.max_size ? m.max_size : DHCP_MIN_MSG) - DHCP_IPUDP_LEN;
	wire_wr_init(&b, buf, cap < limit ? cap : limit);
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

void dhcp_server_stats(const struct dhcp_server *srv, struct dhcp_stats *out)
{
	*out = srv->st;
	out->leases_bound = srv->store.n_bound;
	out->pool_size = srv->pool.size;
	out->pool_free = srv->pool.n_free;
}
