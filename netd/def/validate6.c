/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: the rules libvirt applies to IPv6 <ip>, <dhcp> and <route>. */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

bool netdef_in_subnet6(const struct in6_addr *a, const struct in6_addr *net, unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (memcmp(a->s6_addr, net->s6_addr, full))
		return false;
	return !rest || ((a->s6_addr[full] ^ net->s6_addr[full]) & (uint8_t)(0xff << (8 - rest))) == 0;
}

static const char *ntoa6(const struct in6_addr *a, char buf[INET6_ADDRSTRLEN])
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

static int check_ranges6(const struct netdef_ip6 *ip, struct netdef_error *err)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < ip->n_ranges; i++) {
		const struct netdef_range6 *r = &ip->ranges[i];

		if (!netdef_in_subnet6(&r->start, &ip->address, ip->prefix) ||
		    !netdef_in_subnet6(&r->end, &ip->address, ip->prefix))
			return netdef_fail(err, NETDEF_E_INVALID, r->line, "<range>",
					   "%s-%s is not inside %s/%u", ntoa6(&r->start, a),
					   ntoa6(&r->end, b), ntoa6(&ip->address, n), ip->prefix);
		if (memcmp(&r->start, &r->end, 16) > 0)
			return netdef_fail(err, NETDEF_E_INVALID, r->line, "<range>",
					   "start %s is after end %s", ntoa6(&r->start, a),
					   ntoa6(&r->end, b));
		for (j = 0; j < i; j++) {
			const struct netdef_range6 *o = &ip->ranges[j];

			if (memcmp(&r->start, &o->end, 16) <= 0 && memcmp(&o->start, &r->end, 16) <= 0)
				return netdef_fail(err, NETDEF_E_INVALID, r->line, "<range>",
						   "overlaps the range on line %u", o->line);
		}
	}
	return 0;
}

static int check_hosts6(const struct netdef_ip6 *ip, struct netdef_error *err)
{
	char a[INET6_ADDRSTRLEN], n[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < ip->n_hosts; i++) {
		const struct netdef_dhcp6_host *x = &ip->hosts[i];

		if (!x->has_ip || (!x->duid_len && !x->name))
			return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host>",
					   "an IPv6 host needs an ip, and an id or a name");

		if (!netdef_in_subnet6(&x->ip, &ip->address, ip->prefix))
			return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host ip>",
					   "%s is not inside %s/%u", ntoa6(&x->ip, a),
					   ntoa6(&ip->address, n), ip->prefix);
		for (j = 0; j < i; j++) {
			const struct netdef_dhcp6_host *y = &ip->hosts[j];

			if (x->duid_len && x->duid_len == y->duid_len &&
			    !memcmp(x->duid, y->duid, x->duid_len))
				return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host id>",
						   "the same DUID as the host on line %u", y->line);
			if (x->name && y->name && !strcasecmp(x->name, y->name))
				return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host name>",
						   "the same name as the host on line %u", y->line);
			if (!memcmp(&x->ip, &y->ip, 16))
				return netdef_fail(err, NETDEF_E_INVALID, x->line, "<host ip>",
						   "the same address as the host on line %u", y->line);
		}
	}
	return 0;
}

static bool host_bits_zero(const struct in6_addr *a, unsigned prefix)
{
	unsigned i;

	for (i = prefix; i < 128; i++)
		if (a->s6_addr[i / 8] & (0x80 >> (i % 8)))
			return false;
	return true;
}

static int check_routes6(const struct netdef *def, struct netdef_error *err)
{
	char a[INET6_ADDRSTRLEN];
	size_t i, j;

	for (i = 0; i < def->n_routes6; i++) {
		const struct netdef_route6 *rt = &def->routes6[i];
		bool reachable = false;

		if (!host_bits_zero(&rt->address, rt->prefix))
			return netdef_fail(err, NETDEF_E_INVALID, rt->line, "<route address>",
					   "%s has bits set beyond /%u", ntoa6(&rt->address, a),
					   rt->prefix);
		for (j = 0; j < def->n_ip6s; j++)
			reachable |= netdef_in_subnet6(&rt->gateway, &def->ip6s[j].address,
						       def->ip6s[j].prefix);
		if (!reachable)
			return netdef_fail(err, NETDEF_E_INVALID, rt->line, "<route gateway>",
					   "%s is not inside any IPv6 <ip> of the network",
					   ntoa6(&rt->gateway, a));
	}
	return 0;
}

int netdef_validate_ip6(const struct netdef *def, struct netdef_error *err)
{
	const struct netdef_ip6 *with_dhcp = NULL;
	size_t i;
	int r;

	for (i = 0; i < def->n_ip6s; i++) {
		const struct netdef_ip6 *ip = &def->ip6s[i];

		if (ip->has_dhcp && with_dhcp)
			return netdef_fail(err, NETDEF_E_INVALID, ip->dhcp_line, "<dhcp>",
					   "only one IPv6 <ip> may have <dhcp> (another on line %u)",
					   with_dhcp->dhcp_line);
		if (ip->has_dhcp)
			with_dhcp = ip;
		if ((r = check_ranges6(ip, err)) < 0 || (r = check_hosts6(ip, err)) < 0)
			return r;
	}
	return check_routes6(def, err);
}
