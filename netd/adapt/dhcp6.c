/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one <ip family='ipv6'> with <dhcp> as a dhcp6_config: its ranges, its
 * DUID (or name) hosts, the bridge's address on it as the DNS server, the
 * network's domain and the same reserved names as DHCPv4. The server DUID
 * is not known here: the daemon fills it in from the lease file.
 */
#include "netd/adapt/adapt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

const struct netdef_ip6 *dhcp6_setup_find_ip(const struct netdef *def)
{
	size_t i;

	for (i = 0; i < def->n_ip6s; i++)
		if (def->ip6s[i].has_dhcp)
			return &def->ip6s[i];
	return NULL;
}

/* libvirt: no <lease> = server default; expiry 0 = infinite; else N units. */
static uint32_t lease_time6(const struct netdef_lease *l)
{
	uint64_t s;

	if (!l->given)
		return 0;
	if (l->expiry == 0)
		return DHCP6_LEASE_INFINITE;
	s = netdef_lease_seconds(l, 0);
	return s >= DHCP6_LEASE_INFINITE ? DHCP6_LEASE_INFINITE - 1 : (uint32_t)s;
}

int dhcp6_setup_hosts(const struct netdef_ip6 *ip, struct dhcp6_setup *out)
{
	struct dhcp6_static_host *hosts = NULL;
	size_t i;

	if (ip->n_hosts && !(hosts = calloc(ip->n_hosts, sizeof(*hosts))))
		return -ENOMEM;
	for (i = 0; i < ip->n_hosts; i++) {
		const struct netdef_dhcp6_host *h = &ip->hosts[i];

		hosts[i].duid = h->duid_len ? h->duid : NULL;
		hosts[i].duid_len = h->duid_len;
		hosts[i].name = h->name;
		hosts[i].has_ip = h->has_ip;
		hosts[i].ip = h->ip;
		hosts[i].lease_time = lease_time6(&h->lease);
	}
	free(out->hosts);
	out->hosts = hosts;
	out->cfg.hosts = hosts;
	out->cfg.n_hosts = ip->n_hosts;
	return 0;
}

static int build_ranges(const struct netdef_ip6 *ip, struct dhcp6_setup *out)
{
	size_t i;

	out->ranges = calloc(ip->n_ranges + 1, sizeof(*out->ranges));
	if (!out->ranges)
		return -ENOMEM;
	for (i = 0; i < ip->n_ranges; i++) {
		out->ranges[i].start = ip->ranges[i].start;
		out->ranges[i].end = ip->ranges[i].end;
		out->ranges[i].lease_time = lease_time6(&ip->ranges[i].lease);
	}
	out->cfg.ranges = out->ranges;
	out->cfg.n_ranges = ip->n_ranges;
	return 0;
}

int dhcp6_setup_build(const struct netdef *def, const char *hostname, struct dhcp6_setup *out,
		      char *msg, size_t msg_size)
{
	const struct netdef_ip6 *ip = dhcp6_setup_find_ip(def);
	struct dhcp6_config *cfg = &out->cfg;

	memset(out, 0, sizeof(*out));
	if (!ip)
		return 0;
	cfg->ifname = def->bridge_name;
	cfg->prefix = ip->address;
	cfg->prefix_len = ip->prefix;
	out->dns_server = ip->address;
	/* as libvirt's dnsmasq: the bridge answers DNS unless <dns enable='no'> */
	if (def->dns.enable != NETDEF_NO) {
		cfg->dns_servers = &out->dns_server;
		cfg->n_dns_servers = 1;
	}
	cfg->domain = def->domain;
	if (getrandom(&cfg->hash_seed, sizeof(cfg->hash_seed), 0) != sizeof(cfg->hash_seed))
		cfg->hash_seed = 0x9e3779b97f4a7c15ull;
	if (build_ranges(ip, out) < 0 || dhcp6_setup_hosts(ip, out) < 0 ||
	    dhcp6_setup_reserved(def, hostname, out) < 0) {
		snprintf(msg, msg_size, "out of memory");
		dhcp6_setup_free(out);
		return -ENOMEM;
	}
	return 1;
}

/* The same names as DHCPv4's, by the same rule (a list of this setup's own). */
int dhcp6_setup_reserved(const struct netdef *def, const char *hostname,
			 struct dhcp6_setup *out)
{
	struct dhcp_setup tmp;
	const char **list;
	size_t i, n;

	memset(&tmp, 0, sizeof(tmp));
	if (dhcp_setup_reserved(def, hostname, &tmp) < 0)
		return -ENOMEM;
	n = tmp.cfg.n_reserved;
	list = calloc(n + 1, sizeof(*list));
	if (list) {
		memcpy(list, tmp.reserved, n * sizeof(*list));
		snprintf(out->host, sizeof(out->host), "%s", tmp.host);
		/* the host's own name was in tmp: point at this setup's copy */
		for (i = 0; i < n; i++)
			if (list[i] == tmp.host)
				list[i] = out->host;
	}
	free(tmp.reserved);
	if (!list)
		return -ENOMEM;
	free(out->reserved);
	out->reserved = list;
	out->cfg.reserved_names = list;
	out->cfg.n_reserved = n;
	return 0;
}

void dhcp6_setup_free(struct dhcp6_setup *s)
{
	if (!s)
		return;
	free(s->ranges);
	free(s->hosts);
	free(s->reserved);
	memset(s, 0, sizeof(*s));
}

/* Addresses in the DHCPv6 ranges (for the DNS name table's size), capped. */
uint32_t dhcp6_setup_pool_size(const struct netdef *def)
{
	const struct netdef_ip6 *ip = dhcp6_setup_find_ip(def);
	uint64_t n = 0;
	size_t i;

	for (i = 0; ip && i < ip->n_ranges; i++) {
		const uint8_t *s = ip->ranges[i].start.s6_addr, *e = ip->ranges[i].end.s6_addr;
		uint64_t lo_s = 0, lo_e = 0;
		int k;

		if (memcmp(s, e, 12) != 0) {
			n += UINT32_MAX;
			continue;
		}
		for (k = 12; k < 16; k++) {
			lo_s = lo_s << 8 | s[k];
			lo_e = lo_e << 8 | e[k];
		}
		if (lo_e >= lo_s)
			n += lo_e - lo_s + 1;
	}
	return n > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)n;
}
