/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: the IPv6 parts of a definition: freed, compared and written out. */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

void netdef_free_ip6(struct netdef *def)
{
	size_t i, j;

	for (i = 0; i < def->n_ip6s; i++) {
		struct netdef_ip6 *ip = &def->ip6s[i];

		free(ip->ranges);
		for (j = 0; j < ip->n_hosts; j++) {
			free(ip->hosts[j].id);
			free(ip->hosts[j].name);
		}
		free(ip->hosts);
	}
	free(def->ip6s);
	free(def->routes6);
}

static bool opt_str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static bool lease_eq(const struct netdef_lease *a, const struct netdef_lease *b)
{
	return a->given == b->given && a->expiry == b->expiry && a->unit == b->unit;
}

static bool ip6_eq(const struct netdef_ip6 *a, const struct netdef_ip6 *b)
{
	size_t i;

	if (memcmp(&a->address, &b->address, 16) || a->prefix != b->prefix ||
	    a->prefix_given != b->prefix_given || a->local_ptr != b->local_ptr ||
	    a->has_dhcp != b->has_dhcp || a->n_ranges != b->n_ranges || a->n_hosts != b->n_hosts)
		return false;
	for (i = 0; i < a->n_ranges; i++)
		if (memcmp(&a->ranges[i].start, &b->ranges[i].start, 16) ||
		    memcmp(&a->ranges[i].end, &b->ranges[i].end, 16) ||
		    !lease_eq(&a->ranges[i].lease, &b->ranges[i].lease))
			return false;
	for (i = 0; i < a->n_hosts; i++) {
		const struct netdef_dhcp6_host *x = &a->hosts[i], *y = &b->hosts[i];

		if (x->duid_len != y->duid_len || memcmp(x->duid, y->duid, x->duid_len) ||
		    !opt_str_eq(x->name, y->name) || x->has_ip != y->has_ip ||
		    memcmp(&x->ip, &y->ip, 16) || !lease_eq(&x->lease, &y->lease))
			return false;
	}
	return true;
}

bool netdef_ip6_equal(const struct netdef *a, const struct netdef *b)
{
	size_t i;

	if (a->n_ip6s != b->n_ip6s || a->n_routes6 != b->n_routes6 || a->ipv6 != b->ipv6 ||
	    a->forward.nat_ipv6 != b->forward.nat_ipv6)
		return false;
	for (i = 0; i < a->n_ip6s; i++)
		if (!ip6_eq(&a->ip6s[i], &b->ip6s[i]))
			return false;
	for (i = 0; i < a->n_routes6; i++) {
		const struct netdef_route6 *x = &a->routes6[i], *y = &b->routes6[i];

		if (memcmp(&x->address, &y->address, 16) || x->prefix != y->prefix ||
		    memcmp(&x->gateway, &y->gateway, 16) || x->metric_given != y->metric_given ||
		    x->metric != y->metric)
			return false;
	}
	return true;
}

/* The addresses and prefixes of the IPv6 <ip>s, in order: what the bridge carries. */
static bool same_addresses6(const struct netdef *a, const struct netdef *b)
{
	size_t i;

	if (a->n_ip6s != b->n_ip6s || a->ipv6 != b->ipv6)
		return false;
	for (i = 0; i < a->n_ip6s; i++)
		if (memcmp(&a->ip6s[i].address, &b->ip6s[i].address, 16) ||
		    a->ip6s[i].prefix != b->ip6s[i].prefix ||
		    a->ip6s[i].prefix_given != b->ip6s[i].prefix_given)
			return false;
	return true;
}

static bool same_ranges6(const struct netdef_ip6 *a, const struct netdef_ip6 *b)
{
	size_t i;

	if (a->n_ranges != b->n_ranges)
		return false;
	for (i = 0; i < a->n_ranges; i++)
		if (memcmp(&a->ranges[i].start, &b->ranges[i].start, 16) ||
		    memcmp(&a->ranges[i].end, &b->ranges[i].end, 16) ||
		    !lease_eq(&a->ranges[i].lease, &b->ranges[i].lease))
			return false;
	return true;
}

static bool same_hosts6(const struct netdef_ip6 *a, const struct netdef_ip6 *b)
{
	size_t i;

	if (a->n_hosts != b->n_hosts)
		return false;
	for (i = 0; i < a->n_hosts; i++) {
		const struct netdef_dhcp6_host *x = &a->hosts[i], *y = &b->hosts[i];

		if (x->duid_len != y->duid_len || memcmp(x->duid, y->duid, x->duid_len) ||
		    !opt_str_eq(x->name, y->name) || x->has_ip != y->has_ip ||
		    memcmp(&x->ip, &y->ip, 16) || !lease_eq(&x->lease, &y->lease))
			return false;
	}
	return true;
}

/*
 * The IPv6 half of netdef_diff(): addresses (and ipv6='yes', which decides
 * whether the bridge has IPv6 at all) as the bridge's; with the same
 * addresses, each <ip>'s DHCPv6 parts. nat ipv6 is the firewall's.
 */
unsigned netdef_diff6(const struct netdef *a, const struct netdef *b)
{
	unsigned ch = 0;
	size_t i;

	if (a->forward.nat_ipv6 != b->forward.nat_ipv6)
		ch |= NETDEF_CH_FORWARD;
	if (a->n_routes6 != b->n_routes6)
		ch |= NETDEF_CH_ROUTES;
	for (i = 0; !(ch & NETDEF_CH_ROUTES) && i < a->n_routes6; i++) {
		const struct netdef_route6 *x = &a->routes6[i], *y = &b->routes6[i];

		if (memcmp(&x->address, &y->address, 16) || x->prefix != y->prefix ||
		    memcmp(&x->gateway, &y->gateway, 16) || x->metric_given != y->metric_given ||
		    x->metric != y->metric)
			ch |= NETDEF_CH_ROUTES;
	}
	if (!same_addresses6(a, b))
		return ch | NETDEF_CH_ADDRESSES;
	for (i = 0; i < a->n_ip6s; i++) {
		const struct netdef_ip6 *x = &a->ip6s[i], *y = &b->ip6s[i];

		if (x->has_dhcp != y->has_dhcp)
			ch |= NETDEF_CH_DHCP_ON;
		if (!same_ranges6(x, y))
			ch |= NETDEF_CH_DHCP6_RANGES;
		if (!same_hosts6(x, y))
			ch |= NETDEF_CH_DHCP_HOSTS;
		if (x->local_ptr != y->local_ptr)
			ch |= NETDEF_CH_DHCP_OTHER;
	}
	return ch;
}
