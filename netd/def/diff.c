/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which parts of two definitions differ: what `reload` and a live `update`
 * decide by (change it live, or name it as needing a restart).
 */
#include "netd/def/netdef-internal.h"

#include <string.h>

static bool same_addresses(const struct netdef *a, const struct netdef *b)
{
	size_t i;

	if (a->n_ips != b->n_ips)
		return false;
	for (i = 0; i < a->n_ips; i++)
		if (a->ips[i].address.s_addr != b->ips[i].address.s_addr ||
		    a->ips[i].prefix != b->ips[i].prefix)
			return false;
	return true;
}

/* Per <ip> (same count assumed): its <dhcp> parts. */
static unsigned diff_dhcp(const struct netdef_ip *a, const struct netdef_ip *b)
{
	unsigned ch = 0;
	size_t i;

	if (a->has_dhcp != b->has_dhcp)
		ch |= NETDEF_CH_DHCP_ON;
	if (a->n_ranges != b->n_ranges)
		ch |= NETDEF_CH_DHCP_RANGES;
	for (i = 0; !(ch & NETDEF_CH_DHCP_RANGES) && i < a->n_ranges; i++)
		if (!netdef_range_eq(&a->ranges[i], &b->ranges[i]))
			ch |= NETDEF_CH_DHCP_RANGES;
	if (a->n_hosts != b->n_hosts)
		ch |= NETDEF_CH_DHCP_HOSTS;
	for (i = 0; !(ch & NETDEF_CH_DHCP_HOSTS) && i < a->n_hosts; i++)
		if (!netdef_dhcp_host_eq(&a->hosts[i], &b->hosts[i]))
			ch |= NETDEF_CH_DHCP_HOSTS;
	if (a->local_ptr != b->local_ptr || !netdef_str_eq(a->tftp_root, b->tftp_root) ||
	    a->n_options != b->n_options || a->has_bootp != b->has_bootp ||
	    !netdef_str_eq(a->bootp_file, b->bootp_file) ||
	    !netdef_str_eq(a->bootp_server, b->bootp_server))
		ch |= NETDEF_CH_DHCP_OTHER;
	for (i = 0; !(ch & NETDEF_CH_DHCP_OTHER) && i < a->n_options; i++)
		if (a->options[i].number != b->options[i].number ||
		    !netdef_str_eq(a->options[i].value, b->options[i].value))
			ch |= NETDEF_CH_DHCP_OTHER;
	if (a->n_boots != b->n_boots)
		ch |= NETDEF_CH_DHCP_OTHER;
	for (i = 0; !(ch & NETDEF_CH_DHCP_OTHER) && i < a->n_boots; i++)
		if (a->boots[i].match != b->boots[i].match || a->boots[i].arch != b->boots[i].arch ||
		    !netdef_str_eq(a->boots[i].userclass, b->boots[i].userclass) ||
		    !netdef_str_eq(a->boots[i].file, b->boots[i].file))
			ch |= NETDEF_CH_DHCP_OTHER;
	return ch;
}

static unsigned diff_dns(const struct netdef_dns *a, const struct netdef_dns *b)
{
	unsigned ch = 0;
	size_t i;

	if (a->enable != b->enable || a->forward_plain_names != b->forward_plain_names)
		ch |= NETDEF_CH_DNS_MODE;
	if (a->n_forwarders != b->n_forwarders)
		ch |= NETDEF_CH_DNS_FORWARDERS;
	for (i = 0; !(ch & NETDEF_CH_DNS_FORWARDERS) && i < a->n_forwarders; i++)
		if (!netdef_dns_forwarder_eq(&a->forwarders[i], &b->forwarders[i]))
			ch |= NETDEF_CH_DNS_FORWARDERS;
	if (a->n_hosts != b->n_hosts)
		ch |= NETDEF_CH_DNS_HOSTS;
	for (i = 0; !(ch & NETDEF_CH_DNS_HOSTS) && i < a->n_hosts; i++)
		if (!netdef_dns_host_eq(&a->hosts[i], &b->hosts[i]))
			ch |= NETDEF_CH_DNS_HOSTS;
	if (a->n_srvs != b->n_srvs)
		ch |= NETDEF_CH_DNS_SRV;
	for (i = 0; !(ch & NETDEF_CH_DNS_SRV) && i < a->n_srvs; i++)
		if (!netdef_srv_eq(&a->srvs[i], &b->srvs[i]))
			ch |= NETDEF_CH_DNS_SRV;
	if (a->n_txts != b->n_txts)
		ch |= NETDEF_CH_DNS_TXT;
	for (i = 0; !(ch & NETDEF_CH_DNS_TXT) && i < a->n_txts; i++)
		if (!netdef_str_eq(a->txts[i].name, b->txts[i].name) ||
		    !netdef_str_eq(a->txts[i].value, b->txts[i].value))
			ch |= NETDEF_CH_DNS_TXT;
	return ch;
}

static bool same_routes(const struct netdef *a, const struct netdef *b)
{
	size_t i;

	if (a->n_routes != b->n_routes)
		return false;
	for (i = 0; i < a->n_routes; i++)
		if (a->routes[i].address.s_addr != b->routes[i].address.s_addr ||
		    a->routes[i].prefix != b->routes[i].prefix ||
		    a->routes[i].gateway.s_addr != b->routes[i].gateway.s_addr ||
		    a->routes[i].metric != b->routes[i].metric)
			return false;
	return true;
}

unsigned netdef_diff(const struct netdef *a, const struct netdef *b)
{
	unsigned ch = 0;
	size_t i;

	if (!netdef_str_eq(a->name, b->name) || memcmp(a->uuid, b->uuid, 16))
		ch |= NETDEF_CH_IDENTITY;
	if (!netdef_forward_eq(&a->forward, &b->forward))
		ch |= NETDEF_CH_FORWARD;
	if (strcmp(a->bridge_name, b->bridge_name))
		ch |= NETDEF_CH_BRIDGE;
	if (netdef_stp_enabled(a) != netdef_stp_enabled(b) || a->delay != b->delay)
		ch |= NETDEF_CH_STP;
	if (a->has_mac != b->has_mac || (a->has_mac && memcmp(a->mac, b->mac, 6)))
		ch |= NETDEF_CH_MAC;
	if (a->has_mtu != b->has_mtu || a->mtu != b->mtu)
		ch |= NETDEF_CH_MTU;
	if (!netdef_str_eq(a->domain, b->domain) || a->domain_local_only != b->domain_local_only)
		ch |= NETDEF_CH_DOMAIN;
	ch |= diff_dns(&a->dns, &b->dns);
	ch |= netdef_diff6(a, b);
	if (!same_addresses(a, b))
		return ch | NETDEF_CH_ADDRESSES;
	for (i = 0; i < a->n_ips; i++)
		ch |= diff_dhcp(&a->ips[i], &b->ips[i]);
	if (!same_routes(a, b))
		ch |= NETDEF_CH_ROUTES;
	return ch;
}

const char *netdef_change_name(unsigned bit)
{
	static const char *const names[] = {
		"name or uuid", "forward mode", "bridge name", "bridge STP and delay",
		"bridge MAC address", "MTU", "domain", "DNS on/off and forwardPlainNames",
		"DNS forwarders", "DNS host records", "DNS SRV records", "DNS TXT records",
		"addresses and subnets", "DHCP on/off", "DHCP ranges and lease times",
		"DHCP static hosts", "DHCP options, boot files, tftp and localPtr", "routes",
		"DHCPv6 ranges and lease times",
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (bit == 1u << i)
			return names[i];
	return "?";
}
