/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Router advertisements from a definition, as libvirt has dnsmasq send them
 * (networkDnsmasqConfContents): an <ip family='ipv6'> without DHCPv6 is a
 * `dhcp-range=ADDR,ra-only` (SLAAC: the prefix autonomous, no M or O), one
 * with a <dhcp> range or host is a DHCPv6 context under `enable-ra` (M and
 * O, the prefix on-link only); an isolated network gets `ra-param=*,0,0`
 * (router lifetime 0: no default route through a host that forwards
 * nothing). dnsmasq adds its own address as RDNSS and the domain as DNSSL.
 */
#include "netd/adapt/adapt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* The network part of an address: the host bits cleared. */
static struct in6_addr prefix_of(const struct in6_addr *a, unsigned len)
{
	struct in6_addr p = *a;
	unsigned i;

	for (i = 0; i < 16; i++) {
		if (len >= 8 * (i + 1))
			continue;
		p.s6_addr[i] &= len > 8 * i ? (uint8_t)(0xff << (8 - (len - 8 * i))) : 0;
	}
	return p;
}

/* libvirt's test for a DHCPv6 context: a range or a static host (`dhcp-range=ADDR,static`). */
static bool serves_dhcp6(const struct netdef_ip6 *ip)
{
	return ip->has_dhcp && (ip->n_ranges || ip->n_hosts);
}

int ra_setup_build(const struct netdef *def, struct ra_config *out, char *msg, size_t msg_size)
{
	struct wire_error err;
	uint8_t scratch[RA_BUF];
	char a[INET6_ADDRSTRLEN];
	size_t i;

	memset(out, 0, sizeof(*out));
	if (def->n_ip6s == 0)
		return 0;
	if (def->n_ip6s > RA_MAX_PREFIXES) {
		snprintf(msg, msg_size, "<ip family='ipv6' address='%s'>: at most %d IPv6 "
			 "addresses can be advertised on one network",
			 inet_ntop(AF_INET6, &def->ip6s[RA_MAX_PREFIXES].address, a, sizeof(a)),
			 RA_MAX_PREFIXES);
		return -E2BIG;
	}
	if (def->has_mac)
		memcpy(out->mac, def->mac, 6);
	for (i = 0; i < def->n_ip6s; i++) {
		const struct netdef_ip6 *ip = &def->ip6s[i];
		struct ra_prefix *p = &out->prefixes[out->n_prefixes++];

		p->prefix = prefix_of(&ip->address, ip->prefix);
		p->len = (uint8_t)ip->prefix;
		p->autonomous = !serves_dhcp6(ip);
		if (serves_dhcp6(ip))
			out->managed = out->other = true;
		if (def->dns.enable != NETDEF_NO && out->n_dns < RA_MAX_DNS)
			out->dns[out->n_dns++] = ip->address;
	}
	out->router = def->forward.mode != NETDEF_FWD_NONE;
	out->mtu = def->has_mtu ? def->mtu : 0;
	out->search = def->domain;
	out->interval_s = 0;    /* libvirt's XML has no interval: RFC 4861's 600 s */
	/* a domain the advertisement cannot carry is refused here, not at the first send */
	if (ra_build(out, false, scratch, sizeof(scratch), &err) < 0) {
		snprintf(msg, msg_size, "<domain name>: %s", err.message);
		return -EINVAL;
	}
	return 1;
}
