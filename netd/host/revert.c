/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `reload` cannot change on a running network stays as it runs: the
 * parts named by `bits` are taken back from the running definition into
 * the new one (swapped, so each model still owns what it holds).
 */
#include "netd/host/host-internal.h"

#include <string.h>

#define SWAP(a, b) do { __typeof__(a) swap_tmp_ = (a); (a) = (b); (b) = swap_tmp_; } while (0)

static void revert_dns(struct netdef *next, struct netdef *run, unsigned bits)
{
	if (bits & NETDEF_CH_DOMAIN) {
		SWAP(next->domain, run->domain);
		next->domain_local_only = run->domain_local_only;
	}
	if (bits & NETDEF_CH_DNS_MODE) {
		next->dns.enable = run->dns.enable;
		next->dns.forward_plain_names = run->dns.forward_plain_names;
		next->dns_given = run->dns_given;
	}
	if (bits & NETDEF_CH_DNS_FORWARDERS) {
		SWAP(next->dns.forwarders, run->dns.forwarders);
		SWAP(next->dns.n_forwarders, run->dns.n_forwarders);
	}
	if (bits & NETDEF_CH_DNS_SRV) {
		SWAP(next->dns.srvs, run->dns.srvs);
		SWAP(next->dns.n_srvs, run->dns.n_srvs);
	}
	if (bits & NETDEF_CH_DNS_TXT) {
		SWAP(next->dns.txts, run->dns.txts);
		SWAP(next->dns.n_txts, run->dns.n_txts);
	}
	if (bits & NETDEF_CH_DNS_HOSTS) {
		SWAP(next->dns.hosts, run->dns.hosts);
		SWAP(next->dns.n_hosts, run->dns.n_hosts);
	}
}

/* <dhcp>'s parts beyond hosts and ranges, <ip> by <ip> (the addresses are the same). */
static void revert_dhcp_other(struct netdef *next, struct netdef *run)
{
	size_t i;

	for (i = 0; i < next->n_ips && i < run->n_ips; i++) {
		struct netdef_ip *a = &next->ips[i], *b = &run->ips[i];

		SWAP(a->options, b->options);
		SWAP(a->n_options, b->n_options);
		SWAP(a->tftp_root, b->tftp_root);
		SWAP(a->bootp_file, b->bootp_file);
		SWAP(a->bootp_server, b->bootp_server);
		SWAP(a->boots, b->boots);
		SWAP(a->n_boots, b->n_boots);
		a->has_bootp = b->has_bootp;
		a->local_ptr = b->local_ptr;
	}
	for (i = 0; i < next->n_ip6s && i < run->n_ip6s; i++)
		next->ip6s[i].local_ptr = run->ip6s[i].local_ptr;
}

/* The IPv6 <ip>s whole (the bridge's addresses), or only their DHCPv6 ranges. */
static void revert_ip6(struct netdef *next, struct netdef *run, unsigned bits)
{
	size_t i;

	if (bits & (NETDEF_CH_ADDRESSES | NETDEF_CH_DHCP_ON)) {
		SWAP(next->ip6s, run->ip6s);
		SWAP(next->n_ip6s, run->n_ip6s);
		next->ipv6 = run->ipv6;
		return;
	}
	for (i = 0; (bits & NETDEF_CH_DHCP6_RANGES) && i < next->n_ip6s && i < run->n_ip6s; i++) {
		SWAP(next->ip6s[i].ranges, run->ip6s[i].ranges);
		SWAP(next->ip6s[i].n_ranges, run->ip6s[i].n_ranges);
	}
}

void host_revert(struct netdef *next, struct netdef *run, unsigned bits)
{
	if (bits & NETDEF_CH_IDENTITY)
		memcpy(next->uuid, run->uuid, sizeof(next->uuid));
	if (bits & NETDEF_CH_FORWARD)
		SWAP(next->forward, run->forward);
	if (bits & NETDEF_CH_BRIDGE) {
		memcpy(next->bridge_name, run->bridge_name, sizeof(next->bridge_name));
		next->bridge_given = run->bridge_given;
	}
	if (bits & NETDEF_CH_STP) {
		next->stp = run->stp;
		next->delay_given = run->delay_given;
		next->delay = run->delay;
	}
	if (bits & NETDEF_CH_MAC) {
		next->has_mac = run->has_mac;
		memcpy(next->mac, run->mac, sizeof(next->mac));
	}
	if (bits & NETDEF_CH_MTU) {
		next->has_mtu = run->has_mtu;
		next->mtu = run->mtu;
	}
	revert_dns(next, run, bits);
	if (bits & (NETDEF_CH_ADDRESSES | NETDEF_CH_DHCP_ON)) {
		SWAP(next->ips, run->ips);
		SWAP(next->n_ips, run->n_ips);
	} else if (bits & NETDEF_CH_DHCP_OTHER) {
		revert_dhcp_other(next, run);
	}
	revert_ip6(next, run, bits);
	if (bits & NETDEF_CH_ROUTES) {
		SWAP(next->routes, run->routes);
		SWAP(next->n_routes, run->n_routes);
		SWAP(next->routes6, run->routes6);
		SWAP(next->n_routes6, run->n_routes6);
	}
}
