/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a network puts on its bridge: its addresses of both families, and
 * the per-link sysctls that go with them, as libvirt sets them.
 */
#include "netd/host/host-internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

bool host_net_has_ipv6(const struct netdef *def)
{
	return def->n_ip6s > 0 || def->ipv6 == NETDEF_YES;
}

size_t host_net_addrs(const struct netdef *def, bool subnets, struct run_addr *out, size_t cap)
{
	size_t n = 0, i;

	for (i = 0; i < def->n_ips && n < cap; i++, n++) {
		const struct netdef_ip *ip = &def->ips[i];
		uint32_t mask = subnets ? netdef_mask(ip->prefix) : UINT32_MAX;

		out[n] = (struct run_addr){ .family = AF_INET, .prefix = ip->prefix };
		out[n].addr.s_addr = htonl(ntohl(ip->address.s_addr) & mask);
	}
	for (i = 0; i < def->n_ip6s && n < cap; i++, n++) {
		const struct netdef_ip6 *ip = &def->ip6s[i];

		out[n] = (struct run_addr){ .family = AF_INET6, .prefix = ip->prefix };
		out[n].addr6 = ip->address;
		for (unsigned b = subnets ? ip->prefix : 128; b < 128; b++)
			out[n].addr6.s6_addr[b / 8] &= (uint8_t)~(0x80u >> (b % 8));
	}
	return n;
}

const char *host_addr_text(const struct run_addr *a, char *buf, size_t size)
{
	char t[INET6_ADDRSTRLEN];
	const void *bytes = a->family == AF_INET6 ? (const void *)&a->addr6 : (const void *)&a->addr;

	if (inet_ntop(a->family, bytes, t, sizeof(t)) == NULL)
		snprintf(t, sizeof(t), "?");
	snprintf(buf, size, "%s/%u", t, a->prefix);
	return buf;
}

/*
 * Without IPv6 (no IPv6 address, no ipv6='yes') the bridge gets none at
 * all, not even a link-local one. With it, the bridge neither takes router
 * advertisements nor autoconfigures from them: a guest could otherwise
 * send one and take over the host's routing (libvirt does the same).
 */
size_t host_bridge_sysctls(const struct netdef *def, struct host_sysctl *out, size_t cap)
{
	static const struct { const char *name, *value; } v6[] = {
		{ "disable_ipv6", "0" }, { "accept_ra", "0" }, { "autoconf", "0" },
	};
	const char *br = def->bridge_name;
	size_t n = 0, i;

	if (!host_net_has_ipv6(def)) {
		if (cap > 0) {
			snprintf(out[0].path, sizeof(out[0].path), "ipv6/conf/%s/disable_ipv6", br);
			snprintf(out[0].value, sizeof(out[0].value), "1");
			n = 1;
		}
		return n;
	}
	for (i = 0; i < sizeof(v6) / sizeof(v6[0]) && n < cap; i++, n++) {
		snprintf(out[n].path, sizeof(out[n].path), "ipv6/conf/%s/%s", br, v6[i].name);
		snprintf(out[n].value, sizeof(out[n].value), "%s", v6[i].value);
	}
	return n;
}
