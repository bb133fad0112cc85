/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/adapt/adapt.h"

#include <arpa/inet.h>
#include <string.h>

/* The address with its host bits cleared. */
static struct in6_addr prefix6_of(const struct in6_addr *addr, unsigned prefix)
{
	struct in6_addr net = IN6ADDR_ANY_INIT;

	for (unsigned b = 0; b < 16; b++) {
		unsigned bits = prefix > b * 8 ? prefix - b * 8 : 0;

		net.s6_addr[b] = addr->s6_addr[b] & (uint8_t)(bits >= 8 ? 0xff : 0xff00u >> bits);
	}
	return net;
}

void firewall_config(const struct netdef *def, struct nat_config *cfg)
{
	const struct netdef_forward *fw = &def->forward;
	size_t i;

	memset(cfg, 0, sizeof(*cfg));
	cfg->network = def->name;
	cfg->bridge = def->bridge_name;
	cfg->outdev = fw->dev;
	if (!fw->given)
		cfg->mode = NAT_MODE_ISOLATED;
	else if (fw->mode == NETDEF_FWD_NAT)
		cfg->mode = NAT_MODE_NAT;
	else if (fw->mode == NETDEF_FWD_ROUTE)
		cfg->mode = NAT_MODE_ROUTE;
	else
		cfg->mode = NAT_MODE_OPEN;
	for (i = 0; i < def->n_ips && i < NAT_MAX_SUBNETS; i++) {
		const struct netdef_ip *ip = &def->ips[i];

		cfg->subnets[i].net.s_addr = htonl(ntohl(ip->address.s_addr) &
						   netdef_mask(ip->prefix));
		cfg->subnets[i].prefix = ip->prefix;
		cfg->n_subnets++;
		if (ip->tftp_root)
			cfg->tftp = true;
	}
	for (i = 0; i < def->n_ip6s && i < NAT_MAX_SUBNETS; i++) {
		struct nat_subnet6 *s = &cfg->subnets6[cfg->n_subnets6++];

		s->net = prefix6_of(&def->ip6s[i].address, def->ip6s[i].prefix);
		s->prefix = def->ip6s[i].prefix;
	}
	cfg->nat_ipv6 = fw->nat_ipv6 == NETDEF_YES;
	if (fw->has_nat_addr) {
		cfg->has_addr_range = true;
		cfg->addr_start = fw->nat_addr_start;
		cfg->addr_end = fw->nat_addr_end;
	}
	if (fw->has_nat_port) {
		cfg->port_start = fw->nat_port_start;
		cfg->port_end = fw->nat_port_end;
	}
}
