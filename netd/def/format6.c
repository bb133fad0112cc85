/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: <ip family='ipv6'> and <route family='ipv6'> written out, as libvirt writes them. */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <stdio.h>

static void put_ip6_attr(FILE *f, const char *name, const struct in6_addr *a)
{
	char text[INET6_ADDRSTRLEN];

	netdef_put_attr(f, name, inet_ntop(AF_INET6, a, text, sizeof(text)));
}

static void put_dhcp6(FILE *f, const struct netdef_ip6 *ip)
{
	size_t i;

	fputs("    <dhcp>\n", f);
	for (i = 0; i < ip->n_ranges; i++) {
		const struct netdef_range6 *r = &ip->ranges[i];

		fputs("      <range", f);
		put_ip6_attr(f, "start", &r->start);
		put_ip6_attr(f, "end", &r->end);
		if (!r->lease.given) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		netdef_put_lease(f, &r->lease, "        ");
		fputs("      </range>\n", f);
	}
	for (i = 0; i < ip->n_hosts; i++) {
		const struct netdef_dhcp6_host *h = &ip->hosts[i];

		fputs("      <host", f);
		netdef_put_attr(f, "id", h->id);
		netdef_put_attr(f, "name", h->name);
		if (h->has_ip)
			put_ip6_attr(f, "ip", &h->ip);
		if (!h->lease.given) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		netdef_put_lease(f, &h->lease, "        ");
		fputs("      </host>\n", f);
	}
	fputs("    </dhcp>\n", f);
}

void netdef_put_ip6s(FILE *f, const struct netdef *def)
{
	size_t i;

	for (i = 0; i < def->n_ip6s; i++) {
		const struct netdef_ip6 *ip = &def->ip6s[i];

		fputs("  <ip family='ipv6'", f);
		put_ip6_attr(f, "address", &ip->address);
		if (ip->prefix_given)
			fprintf(f, " prefix='%u'", ip->prefix);
		if (ip->local_ptr != NETDEF_UNSET)
			netdef_put_attr(f, "localPtr", ip->local_ptr == NETDEF_YES ? "yes" : "no");
		if (!ip->has_dhcp) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		put_dhcp6(f, ip);
		fputs("  </ip>\n", f);
	}
}

void netdef_put_routes6(FILE *f, const struct netdef *def)
{
	size_t i;

	for (i = 0; i < def->n_routes6; i++) {
		const struct netdef_route6 *rt = &def->routes6[i];

		fputs("  <route family='ipv6'", f);
		put_ip6_attr(f, "address", &rt->address);
		fprintf(f, " prefix='%u'", rt->prefix);
		put_ip6_attr(f, "gateway", &rt->gateway);
		if (rt->metric_given)
			fprintf(f, " metric='%u'", rt->metric);
		fputs("/>\n", f);
	}
}
