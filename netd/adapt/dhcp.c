/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/adapt/adapt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

const struct netdef_ip *dhcp_setup_find_ip(const struct netdef *def)
{
	size_t i;

	for (i = 0; i < def->n_ips; i++)
		if (def->ips[i].has_dhcp)
			return &def->ips[i];
	return NULL;
}

/* libvirt: no <lease> = server default; expiry 0 = infinite; else N units. */
static uint32_t lease_time(const struct netdef_lease *l)
{
	uint64_t s;

	if (!l->given)
		return 0;
	if (l->expiry == 0)
		return DHCP_LEASE_INFINITE;
	s = netdef_lease_seconds(l, 0);
	return s >= DHCP_LEASE_INFINITE ? DHCP_LEASE_INFINITE - 1 : (uint32_t)s;
}

int dhcp_setup_hosts(const struct netdef_ip *ip, struct dhcp_setup *out, char *msg,
		     size_t msg_size)
{
	struct dhcp_static_host *hosts = NULL;
	uint8_t (*ids)[LEASE_CLIENT_ID_MAX] = NULL;
	size_t i;

	if (ip->n_hosts) {
		hosts = calloc(ip->n_hosts, sizeof(*hosts));
		ids = calloc(ip->n_hosts, sizeof(*ids));
		if (!hosts || !ids) {
			free(hosts);
			free(ids);
			snprintf(msg, msg_size, "out of memory");
			return -ENOMEM;
		}
	}
	for (i = 0; i < ip->n_hosts; i++) {
		const struct netdef_dhcp_host *h = &ip->hosts[i];
		struct dhcp_static_host *d = &hosts[i];

		d->has_mac = h->has_mac;
		memcpy(d->mac, h->mac, 6);
		if (h->id) {
			int n = dhcp_client_id_parse(h->id, ids[i], sizeof(ids[i]));

			if (n <= 0) {
				snprintf(msg, msg_size, "line %u: unusable client id '%s'", h->line,
					 h->id);
				free(hosts);
				free(ids);
				return -EINVAL;
			}
			d->client_id = ids[i];
			d->client_id_len = (size_t)n;
		}
		d->name = h->name;
		d->has_ip = h->has_ip;
		d->ip = h->ip;
		d->lease_time = lease_time(&h->lease);
	}
	free(out->hosts);
	free(out->client_ids);
	out->hosts = hosts;
	out->client_ids = ids;
	out->cfg.hosts = hosts;
	out->cfg.n_hosts = ip->n_hosts;
	return 0;
}

/* A <dns><host> name as a lease name: "web" or "web.<domain>" -> "web"; else NULL. */
static const char *relative_label(const char *name, const char *domain, char *buf,
				  size_t size)
{
	size_t n = strcspn(name, "."), dl = domain ? strlen(domain) : 0;

	if (!name[n])
		return name;
	if (!dl || strlen(name + n + 1) != dl || strncasecmp(name + n + 1, domain, dl) != 0 ||
	    n >= size)
		return NULL;
	memcpy(buf, name, n);
	buf[n] = 0;
	return buf;
}

int dhcp_setup_reserved(const struct netdef *def, const char *hostname, struct dhcp_setup *out)
{
	static const char *const fixed[] = { "localhost", "wpad", "isatap" };
	size_t n = 0, cap = 4, i, j;
	const char **list;

	for (i = 0; i < def->dns.n_hosts; i++)
		cap += def->dns.hosts[i].n_hostnames;
	list = calloc(cap, sizeof(*list));
	if (!list)
		return -ENOMEM;
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		list[n++] = fixed[i];
	snprintf(out->host, sizeof(out->host), "%.*s", (int)strcspn(hostname ? hostname : "", "."),
		 hostname ? hostname : "");
	if (out->host[0])
		list[n++] = out->host;
	for (i = 0; i < def->dns.n_hosts; i++)
		for (j = 0; j < def->dns.hosts[i].n_hostnames; j++) {
			const char *h = def->dns.hosts[i].hostnames[j];
			char label[64];

			/* the label itself is kept: `label` is only a scratch buffer */
			if (relative_label(h, def->domain, label, sizeof(label)))
				list[n++] = h;
		}
	free(out->reserved);
	out->reserved = list;
	out->cfg.reserved_names = list;
	out->cfg.n_reserved = n;
	return 0;
}

static int build_lists(const struct netdef *def, const struct netdef_ip *ip,
		       struct dhcp_setup *out)
{
	size_t i;

	out->ranges = calloc(ip->n_ranges + 1, sizeof(*out->ranges));
	out->routes = calloc(def->n_routes + 1, sizeof(*out->routes));
	out->options = calloc(ip->n_options + 1, sizeof(*out->options));
	if (!out->ranges || !out->routes || !out->options)
		return -ENOMEM;
	for (i = 0; i < ip->n_ranges; i++) {
		out->ranges[i].start = ip->ranges[i].start;
		out->ranges[i].end = ip->ranges[i].end;
		out->ranges[i].lease_time = lease_time(&ip->ranges[i].lease);
	}
	for (i = 0; i < ip->n_options; i++) {
		out->options[i].number = ip->options[i].number;
		out->options[i].value = ip->options[i].value;
	}
	out->cfg.ranges = out->ranges;
	out->cfg.n_ranges = ip->n_ranges;
	/*
	 * <route> is a route of the host's (netd/host/hostview.c), as in libvirt,
	 * whose dnsmasq config sends guests no option 121 for it: a guest gets
	 * option 121 only from an explicit <option number='121' .../>.
	 */
	out->cfg.routes = out->routes;
	out->cfg.n_routes = 0;
	out->cfg.options = out->options;
	out->cfg.n_options = ip->n_options;
	return 0;
}

int dhcp_setup_build(const struct netdef *def, struct dhcp_setup *out, char *msg,
		     size_t msg_size)
{
	const struct netdef_ip *ip = dhcp_setup_find_ip(def);
	struct dhcp_config *cfg = &out->cfg;
	int r;

	memset(out, 0, sizeof(*out));
	if (!ip)
		return 0;
	cfg->ifname = def->bridge_name;
	cfg->server_addr = ip->address;
	cfg->prefix = ip->prefix;
	cfg->domain = def->domain;
	cfg->mtu = def->has_mtu ? def->mtu : 0;
	/* libvirt gives guests of an isolated network no default route */
	cfg->no_router = !def->forward.given;
	cfg->no_dns = def->dns.enable == NETDEF_NO;
	if (getrandom(&cfg->hash_seed, sizeof(cfg->hash_seed), 0) != sizeof(cfg->hash_seed))
		cfg->hash_seed = 0x9e3779b97f4a7c15ull;
	if ((r = build_lists(def, ip, out)) < 0) {
		snprintf(msg, msg_size, "out of memory");
		dhcp_setup_free(out);
		return r;
	}
	if ((r = dhcp_setup_hosts(ip, out, msg, msg_size)) < 0) {
		dhcp_setup_free(out);
		return r;
	}
	return 1;
}

void dhcp_setup_free(struct dhcp_setup *s)
{
	if (!s)
		return;
	free(s->ranges);
	free(s->hosts);
	free(s->client_ids);
	free(s->routes);
	free(s->options);
	free(s->reserved);
	free(s->boot_rules);
	memset(s, 0, sizeof(*s));
}

uint32_t dhcp_setup_pool_size(const struct netdef *def)
{
	const struct netdef_ip *ip = dhcp_setup_find_ip(def);
	uint64_t n = 0;
	size_t i;

	for (i = 0; ip && i < ip->n_ranges; i++) {
		uint32_t s = ntohl(ip->ranges[i].start.s_addr), e = ntohl(ip->ranges[i].end.s_addr);

		if (e >= s)
			n += (uint64_t)e - s + 1;
	}
	return n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
}

uint32_t dhcp_setup_host_count(const struct netdef *def)
{
	const struct netdef_ip *ip = dhcp_setup_find_ip(def);

	return ip ? (uint32_t)ip->n_hosts : 0;
}
