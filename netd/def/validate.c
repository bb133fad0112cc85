/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef: the checks that need the whole model (ranges against subnets,
 * duplicates across hosts, gateways reachable), as libvirt makes them.
 */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static uint32_t h(struct in_addr a)
{
	return ntohl(a.s_addr);
}

static const char *ntoa(struct in_addr a, char buf[INET_ADDRSTRLEN])
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* The subnet's own network or broadcast address (no such thing on /31, /32). */
static bool is_edge(struct in_addr a, const struct netdef_ip *ip)
{
	uint32_t m = netdef_mask(ip->prefix);

	if (ip->prefix >= 31)
		return false;
	return (h(a) & ~m) == 0 || (h(a) & ~m) == ~m;
}

static int check_ranges(const struct netdef_ip *ip, struct netdef_error *err)
{
	/* one buffer per address printed: a printf sees every argument at once */
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], n[INET_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < ip->n_ranges; i++) {
		const struct netdef_range *r = &ip->ranges[i];

		if (!netdef_in_subnet(r->start, ip->address, ip->prefix) ||
		    !netdef_in_subnet(r->end, ip->address, ip->prefix))
			return netdef_fail(err, NETDEF_E_INVALID, r->line, "<range>",
					   "%s-%s is not inside %s/%u", ntoa(r->start, a),
					   ntoa(r->end, b), ntoa(ip->address, n), ip->prefix);
		if (h(r->start) > h(r->end))
			return netdef_fail(err, NETDEF_E_INVALID, r->line, "<range>",
					   "start %s is after end %s", ntoa(r->start, a),
					   ntoa(r->end, b));
		if (is_edge(r->start, ip) || is_edge(r->end, ip))
			return netdef_fail(err, NETDEF_E_INVALID, r->line, "<range>",
					   "includes the subnet's network or broadcast address");
		for (j = 0; j < i; j++) {
			const struct netdef_range *o = &ip->ranges[j];

			if (h(r->start) <= h(o->end) && h(o->start) <= h(r->end))
				return netdef_fail(err, NETDEF_E_INVALID, r->line, "<range>",
						   "overlaps the range on line %u", o->line);
		}
	}
	return 0;
}

static int check_host_pair(const struct netdef_dhcp_host *x, const struct netdef_dhcp_host *y,
			   struct netdef_error *err)
{
	char a[INET_ADDRSTRLEN], m[18];

	if (x->has_mac && y->has_mac && !memcmp(x->mac, y->mac, 6)) {
		netdef_mac_format(x->mac, m);
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host mac>",
				   "%s is already used on line %u", m, y->line);
	}
	if (x->id && y->id && !strcmp(x->id, y->id))
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host id>",
				   "'%s' is already used on line %u", x->id, y->line);
	if (x->name && y->name && !strcasecmp(x->name, y->name))
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host name>",
				   "'%s' is already used on line %u", x->name, y->line);
	if (x->has_ip && y->has_ip && x->ip.s_addr == y->ip.s_addr)
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host ip>",
				   "%s is already used on line %u", ntoa(x->ip, a), y->line);
	return 0;
}

static int check_host_alone(const struct netdef_dhcp_host *x, const struct netdef_ip *ip,
			    struct netdef_error *err)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!x->has_mac && !x->id && !x->name)
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host>",
				   "needs a mac, id or name");
	/* without an address the entry can only name a known client */
	if (!x->has_ip && (!x->name || (!x->has_mac && !x->id)))
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host>",
				   "needs an ip, or a name with a mac or id");
	if (x->has_ip && (!netdef_in_subnet(x->ip, ip->address, ip->prefix) ||
			  is_edge(x->ip, ip) || x->ip.s_addr == ip->address.s_addr))
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host ip>",
				   "%s is not a usable address of %s/%u",
				   ntoa(x->ip, a), ntoa(ip->address, b), ip->prefix);
	if (x->has_mac && (x->mac[0] & 1))
		return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host mac>",
				   "a multicast address cannot be a client");
	return 0;
}

/*
 * Each host alone, then against the earliest earlier host sharing any key
 * (dupes.c finds it without comparing every pair).
 */
static int check_hosts(const struct netdef_ip *ip, struct netdef_error *err)
{
	size_t n = ip->n_hosts, i, k;
	uint32_t *first, j;
	int r = 0;

	if (!n)
		return 0;
	if (!(first = malloc(4 * n * sizeof(*first))))
		return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
	for (k = 0; k < 4 && r == 0; k++)
		if (netdef_host_dupes(ip, (enum netdef_host_key)k, first + k * n) < 0)
			r = netdef_fail(err, -ENOMEM, 0, "", "out of memory");
	for (i = 0; i < n && r == 0; i++) {
		if ((r = check_host_alone(&ip->hosts[i], ip, err)) < 0)
			break;
		for (j = UINT32_MAX, k = 0; k < 4; k++)
			if (first[k * n + i] < j)
				j = first[k * n + i];
		if (j != UINT32_MAX)
			r = check_host_pair(&ip->hosts[i], &ip->hosts[j], err);
	}
	free(first);
	return r;
}

static int check_ips(const struct netdef *def, struct netdef_error *err)
{
	char a[INET_ADDRSTRLEN];
	const struct netdef_ip *dhcp_ip = NULL;
	size_t i, j;
	int r;

	for (i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];

		if (is_edge(ip->address, ip) || ip->prefix == 0)
			return netdef_fail(err, NETDEF_E_INVALID, ip->line, "<ip address>",
					   "%s/%u is not a host address", ntoa(ip->address, a),
					   ip->prefix);
		for (j = 0; j < i; j++)
			if (def->ips[j].address.s_addr == ip->address.s_addr)
				return netdef_fail(err, NETDEF_E_INVALID, ip->line,
						   "<ip address>",
						   "%s is already given on line %u",
						   ntoa(ip->address, a), def->ips[j].line);
		if (ip->has_dhcp) {
			/* libvirt: one DHCPv4 server per network, on one subnet */
			if (dhcp_ip)
				return netdef_fail(err, NETDEF_E_INVALID, ip->dhcp_line, "<dhcp>",
						   "DHCP is already configured on line %u",
						   dhcp_ip->dhcp_line);
			dhcp_ip = ip;
		}
		if ((r = check_ranges(ip, err)) < 0 || (r = check_hosts(ip, err)) < 0)
			return r;
	}
	return 0;
}

static int check_routes(const struct netdef *def, struct netdef_error *err)
{
	char a[INET_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < def->n_routes; i++) {
		const struct netdef_route *rt = &def->routes[i];
		bool reachable = false;

		if (h(rt->address) & ~netdef_mask(rt->prefix))
			return netdef_fail(err, NETDEF_E_INVALID, rt->line, "<route address>",
					   "%s/%u has host bits set", ntoa(rt->address, a),
					   rt->prefix);
		for (j = 0; j < def->n_ips; j++)
			if (netdef_in_subnet(rt->gateway, def->ips[j].address, def->ips[j].prefix))
				reachable = true;
		if (!reachable)
			return netdef_fail(err, NETDEF_E_INVALID, rt->line, "<route gateway>",
					   "%s is not inside any <ip> subnet of this network",
					   ntoa(rt->gateway, a));
	}
	return 0;
}

static int check_dns(const struct netdef *def, struct netdef_error *err)
{
	const struct netdef_dns *d = &def->dns;

	if (d->enable == NETDEF_NO &&
	    (d->n_forwarders || d->n_hosts || d->n_srvs || d->n_txts))
		return netdef_fail(err, NETDEF_E_INVALID, d->line, "<dns enable>",
				   "DNS is disabled but records or forwarders are given");
	return 0;
}

/* Values `update` or a caller can set in memory without the parser's checks. */
static int check_values(const struct netdef *def, struct netdef_error *err)
{
	size_t i, j;

	if (!vnetd_valid_name(def->name))
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<name>",
				   "must be 1 to %d letters, digits or ._+:- and not start with "
				   ". or -", NETDEF_NAME_MAX);
	if (def->has_mtu && (def->mtu < 68 || def->mtu > 65535))
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<mtu size>",
				   "%u is not from 68 to 65535", def->mtu);
	if (def->has_mac && ((def->mac[0] & 1) || !memcmp(def->mac, "\0\0\0\0\0\0", 6)))
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<mac address>",
				   "not a unicast, non-zero address");
	for (i = 0; i < def->dns.n_hosts; i++)
		for (j = 0; j < def->dns.hosts[i].n_hostnames; j++)
			if (!netdef_valid_dns_name(def->dns.hosts[i].hostnames[j]))
				return netdef_fail(err, NETDEF_E_INVALID, def->dns.hosts[i].line,
						   "<hostname>", "not a valid DNS name: '%s'",
						   def->dns.hosts[i].hostnames[j]);
	for (i = 0; i < def->n_ips; i++)
		for (j = 0; j < def->ips[i].n_hosts; j++) {
			const struct netdef_dhcp_host *h = &def->ips[i].hosts[j];

			if (h->name && !netdef_valid_dns_name(h->name))
				return netdef_fail(err, NETDEF_E_INVALID, h->line, "<host name>",
						   "not a valid DNS name: '%s'", h->name);
		}
	return 0;
}

int netdef_validate(const struct netdef *def, struct netdef_error *err)
{
	int r;

	if ((r = check_values(def, err)) < 0 || (r = check_ips(def, err)) < 0 ||
	    (r = check_routes(def, err)) < 0 || (r = check_dns(def, err)) < 0 ||
	    (r = netdef_validate_ip6(def, err)) < 0)
		return r;
	return 0;
}
