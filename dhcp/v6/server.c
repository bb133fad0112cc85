/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The server object: the config checked and copied (option values encoded
 * once), and the dispatcher from a datagram to a handler, through a
 * chain of Relay-forward messages (RFC 8415 §19: the reply goes back to the
 * relay in Relay-replies carrying each level's Interface-Id).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

/*
 * "example.test" as one wire-format name, ending at the root; the server's
 * domain changes only when the whole name is good.
 */
static int encode_domain(struct dhcp6_server *srv, const char *domain, struct wire_error *err)
{
	uint8_t wire[sizeof(srv->domain_wire)];
	size_t n = 0, len = strlen(domain);
	const char *p = domain;

	if (len >= sizeof(srv->domain))
		return wire_fail(err, -EINVAL, "domain name longer than 253 characters");
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		if (l == 0 || l > 63 || n + 1 + l + 1 > sizeof(wire))
			return wire_fail(err, -EINVAL, "domain '%s' is not a domain name", domain);
		wire[n++] = (uint8_t)l;
		memcpy(wire + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	wire[n++] = 0;
	snprintf(srv->domain, sizeof(srv->domain), "%s", domain);
	memcpy(srv->domain_wire, wire, n);
	srv->domain_wire_len = n > 1 ? n : 0;
	return 0;
}

int dhcp6_server_set_domain(struct dhcp6_server *srv, const char *domain, struct wire_error *err)
{
	return encode_domain(srv, domain ? domain : "", err);
}

int dhcp6_server_set_reserved_names(struct dhcp6_server *srv, const char *const *names,
				    size_t n, struct wire_error *err)
{
	char (*list)[LEASE_HOSTNAME_MAX + 1] = calloc(n ? n : 1, sizeof(*list));
	size_t k = 0;

	if (!list)
		return wire_fail(err, -ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (names[i] && lease_hostname_sanitize((const uint8_t *)names[i], strlen(names[i]),
							list[k]))
			k++;
	free(srv->reserved);
	srv->reserved = list;
	srv->n_reserved = k;
	d6_names_recheck(srv);
	return 0;
}

static int check_config(struct dhcp6_server *srv, const struct dhcp6_config *cfg,
			struct wire_error *err)
{
	unsigned pl = cfg->prefix_len;

	if (cfg->server_duid_len < 2 || cfg->server_duid_len > DHCP6_DUID_MAX || !cfg->server_duid)
		return wire_fail(err, -EINVAL, "the server DUID must be 2 to %d bytes", DHCP6_DUID_MAX);
	memcpy(srv->duid, cfg->server_duid, cfg->server_duid_len);
	srv->duid_len = cfg->server_duid_len;
	if (pl < 1 || pl > 128)
		return wire_fail(err, -EINVAL, "prefix /%u is not an IPv6 prefix", pl);
	srv->mask_hi = pl >= 64 ? ~0ull : ~0ull << (64 - pl);
	srv->mask_lo = pl <= 64 ? 0 : pl == 128 ? ~0ull : ~0ull << (128 - pl);
	d6_split(&cfg->prefix, &srv->prefix_hi, &srv->prefix_lo);
	srv->prefix_hi &= srv->mask_hi;
	srv->prefix_lo &= srv->mask_lo;
	for (size_t i = 0; i < cfg->n_ranges; i++)
		if (!d6_on_link(srv, &cfg->ranges[i].start) || !d6_on_link(srv, &cfg->ranges[i].end))
			return wire_fail(err, -EINVAL, "range %zu is not inside the prefix", i + 1);
	for (size_t i = 0; i < cfg->n_hosts; i++)
		if (cfg->hosts[i].has_ip && !d6_on_link(srv, &cfg->hosts[i].ip))
			return wire_fail(err, -EINVAL, "host %zu: its address is not inside the prefix",
					 i + 1);
	if (cfg->n_dns_servers > 16)
		return wire_fail(err, -EINVAL, "more than 16 DNS servers");
	srv->dns = calloc(cfg->n_dns_servers ? cfg->n_dns_servers : 1, sizeof(*srv->dns));
	if (!srv->dns)
		return wire_fail(err, -ENOMEM, "out of memory");
	if (cfg->n_dns_servers)
		memcpy(srv->dns, cfg->dns_servers, cfg->n_dns_servers * sizeof(*srv->dns));
	srv->n_dns = cfg->n_dns_servers;
	return encode_domain(srv, cfg->domain ? cfg->domain : "", err);
}

int dhcp6_server_new(const struct dhcp6_config *cfg, struct dhcp6_server **ret,
		     struct wire_error *err)
{
	struct dhcp6_server *srv = calloc(1, sizeof(*srv));
	int rc;

	if (!srv)
		return wire_fail(err, -ENOMEM, "out of memory");
	srv->seed = cfg->hash_seed;
	snprintf(srv->ifname, sizeof(srv->ifname), "%s", cfg->ifname ? cfg->ifname : "");
	srv->lease_time = cfg->lease_time ? cfg->lease_time : DHCP6_LEASE_DEFAULT;
	srv->rapid_commit = !cfg->no_rapid_commit;
	srv->on_event = cfg->on_event;
	srv->on_name = cfg->on_name;
	srv->userdata = cfg->userdata;
	if ((rc = check_config(srv, cfg, err)) < 0 ||
	    (rc = dhcp6_server_set_reserved_names(srv, cfg->reserved_names, cfg->n_reserved,
						     err)) < 0 ||
	    (rc = d6_pool_init(&srv->pool, cfg->ranges, cfg->n_ranges, err)) < 0 ||
	    (rc = d6_hosts_build(cfg->hosts, cfg->n_hosts, srv->seed, &srv->hosts, err)) < 0)
		goto out;
	d6_admit_init(&srv->bucket, cfg->new_client_rate, cfg->new_client_burst, srv->pool.size);
	if (d6_store_init(&srv->store, srv->seed) < 0) {
		rc = wire_fail(err, -ENOMEM, "out of memory");
		goto out;
	}
	*ret = srv;
	return 0;
out:
	dhcp6_server_free(srv);
	return rc;
}

void dhcp6_server_free(struct dhcp6_server *srv)
{
	if (!srv)
		return;
	free(srv->dns);
	free(srv->reserved);
	d6_pool_free(&srv->pool);
	d6_hosts_free(&srv->hosts);
	d6_store_free(&srv->store);
	lease_buf_free(&srv->journal);
	free(srv->batch.ch);
	free(srv);
}

int dhcp6_server_set_hosts(struct dhcp6_server *srv, const struct dhcp6_static_host *hosts,
			   size_t n, struct wire_error *err)
{
	struct d6_hosts h;
	int rc;

	for (size_t i = 0; i < n; i++)
		if (hosts[i].has_ip && !d6_on_link(srv, &hosts[i].ip))
			return wire_fail(err, -EINVAL, "host %zu: its address is not inside the prefix",
					 i + 1);
	rc = d6_hosts_build(hosts, n, srv->seed, &h, err);
	if (rc < 0) {
		d6_hosts_free(&h);
		return rc;
	}
	d6_hosts_free(&srv->hosts);
	srv->hosts = h;
	d6_names_recheck(srv);
	return 0;
}

static int handle_client(struct dhcp6_server *srv, const uint8_t *data, size_t len,
			 const struct dhcp6_rx *rx, int64_t now, struct wire_builder *b)
{
	struct d6_msg m;
	struct d6_ctx c = { .srv = srv, .m = &m, .rx = rx, .now = now, .b = b };
	int rc = d6_msg_parse(data, len, &m);

	return rc < 0 ? rc : d6_handle_msg(&c);
}

/*
 * §19.2: the inner message answered inside a Relay-reply that mirrors the
 * forward, level by level through a chain of at most HOP_COUNT_LIMIT relays.
 * Only the relay next to the client says which link it is on.
 */
static int handle_relayed(struct dhcp6_server *srv, const struct dhcp6_rx *rx, int64_t now,
			  struct wire_builder *b, unsigned depth)
{
	struct d6_relay rl;
	struct dhcp6_rx inner;
	struct wire_builder ib;
	size_t head;
	int rc = d6_relay_parse(rx->data, rx->len, &rl);

	if (rc < 0)
		return rc;
	if (depth >= D6_HOP_LIMIT)
		return -EPROTO;         /* a longer chain than any relay may build */
	if (rl.inner[0] != D6_RELAY_FORW && !IN6_IS_ADDR_UNSPECIFIED(&rl.link) &&
	    !d6_on_link(srv, &rl.link))
		return DHCP6_IGNORE;    /* a relay on a link that is not ours */
	wire_wr_u8(b, D6_RELAY_REPL);
	wire_wr_u8(b, rl.hops);
	wire_wr_bytes(b, &rl.link, 16);
	wire_wr_bytes(b, &rl.peer, 16);
	if (rl.iface_id) {
		wire_wr_u16(b, O6_INTERFACE_ID);
		wire_wr_u16(b, (uint16_t)rl.iface_id_len);
		wire_wr_bytes(b, rl.iface_id, rl.iface_id_len);
	}
	wire_wr_u16(b, O6_RELAY_MSG);
	wire_wr_u16(b, 0);              /* its length once the inner reply is built */
	if (b->full)
		return DHCP6_IGNORE;
	head = b->len;
	wire_wr_init(&ib, b->data + head, b->cap - head);
	inner = *rx;
	inner.data = rl.inner;
	inner.len = rl.inner_len;
	inner.unicast = false;          /* the client multicast it to the first relay */
	inner.src = rl.peer;
	if (rl.inner[0] == D6_RELAY_FORW)
		rc = handle_relayed(srv, &inner, now, &ib, depth + 1);
	else
		rc = handle_client(srv, rl.inner, rl.inner_len, &inner, now, &ib);
	if (rc != DHCP6_REPLY || ib.len > 0xffff)
		return rc == DHCP6_REPLY ? DHCP6_IGNORE : rc;
	b->data[head - 2] = (uint8_t)(ib.len >> 8);
	b->data[head - 1] = (uint8_t)ib.len;
	b->len += ib.len;
	return DHCP6_REPLY;
}

int dhcp6_server_handle(struct dhcp6_server *srv, const struct dhcp6_rx *rx, int64_t now,
			uint8_t *buf, size_t cap, struct dhcp6_tx *tx)
{
	struct wire_builder b;
	bool relayed = rx->len && rx->data[0] == D6_RELAY_FORW;
	int rc;

	memset(tx, 0, sizeof(*tx));
	wire_wr_init(&b, buf, cap);
	if (relayed)
		rc = handle_relayed(srv, rx, now, &b, 0);
	else
		rc = handle_client(srv, rx->data, rx->len, rx, now, &b);
	if (rc == -EBADMSG)
		srv->st.malformed++;
	if (rc != DHCP6_REPLY)
		return rc;
	tx->addr = rx->src;
	tx->port = relayed ? DHCP6_SERVER_PORT : rx->src_port ? rx->src_port : DHCP6_CLIENT_PORT;
	tx->ifindex = rx->ifindex;
	tx->relayed = relayed;
	tx->len = b.len;
	return DHCP6_REPLY;
}

void dhcp6_server_journal_pending(const struct dhcp6_server *srv, const uint8_t **data,
				  size_t *len)
{
	*data = srv->journal.data;
	*len = srv->journal.len;
}

void dhcp6_server_stats(const struct dhcp6_server *srv, struct dhcp6_stats *out)
{
	*out = srv->st;
}
