/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: model lifetime, comparison and small shared helpers. */
#include "netd/def/netdef-internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void netdef_free(struct netdef *def)
{
	size_t i, j;

	if (!def)
		return;
	free(def->name);
	free(def->forward.dev);
	free(def->domain);
	for (i = 0; i < def->dns.n_forwarders; i++)
		free(def->dns.forwarders[i].domain);
	free(def->dns.forwarders);
	for (i = 0; i < def->dns.n_hosts; i++) {
		for (j = 0; j < def->dns.hosts[i].n_hostnames; j++)
			free(def->dns.hosts[i].hostnames[j]);
		free(def->dns.hosts[i].hostnames);
	}
	free(def->dns.hosts);
	for (i = 0; i < def->dns.n_srvs; i++) {
		free(def->dns.srvs[i].service);
		free(def->dns.srvs[i].protocol);
		free(def->dns.srvs[i].domain);
		free(def->dns.srvs[i].target);
	}
	free(def->dns.srvs);
	for (i = 0; i < def->dns.n_txts; i++) {
		free(def->dns.txts[i].name);
		free(def->dns.txts[i].value);
	}
	free(def->dns.txts);
	for (i = 0; i < def->n_ips; i++) {
		struct netdef_ip *ip = &def->ips[i];

		free(ip->tftp_root);
		free(ip->ranges);
		for (j = 0; j < ip->n_hosts; j++) {
			free(ip->hosts[j].id);
			free(ip->hosts[j].name);
		}
		free(ip->hosts);
		for (j = 0; j < ip->n_options; j++)
			free(ip->options[j].value);
		free(ip->options);
		free(ip->bootp_file);
		free(ip->bootp_server);
		for (j = 0; j < ip->n_boots; j++) {
			free(ip->boots[j].userclass);
			free(ip->boots[j].file);
		}
		free(ip->boots);
	}
	free(def->ips);
	free(def->routes);
	netdef_free_ip6(def);
	free(def->title);
	free(def->description);
	free(def->metadata);
	free(def);
}

/* NULL-safe string equality: "not given" equals only "not given". */
bool netdef_str_eq(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool netdef_lease_eq(const struct netdef_lease *a, const struct netdef_lease *b)
{
	return a->given == b->given && a->expiry == b->expiry && a->unit == b->unit;
}

bool netdef_range_eq(const struct netdef_range *a, const struct netdef_range *b)
{
	return a->start.s_addr == b->start.s_addr && a->end.s_addr == b->end.s_addr &&
	       netdef_lease_eq(&a->lease, &b->lease);
}

bool netdef_dhcp_host_eq(const struct netdef_dhcp_host *a, const struct netdef_dhcp_host *b)
{
	return a->has_mac == b->has_mac && (!a->has_mac || !memcmp(a->mac, b->mac, 6)) &&
	       netdef_str_eq(a->id, b->id) && netdef_str_eq(a->name, b->name) && a->has_ip == b->has_ip &&
	       a->ip.s_addr == b->ip.s_addr && netdef_lease_eq(&a->lease, &b->lease);
}

static bool ip_eq(const struct netdef_ip *a, const struct netdef_ip *b)
{
	size_t i;

	if (a->family_given != b->family_given || a->address.s_addr != b->address.s_addr ||
	    a->prefix != b->prefix || a->netmask_given != b->netmask_given ||
	    a->prefix_given != b->prefix_given || a->local_ptr != b->local_ptr ||
	    !netdef_str_eq(a->tftp_root, b->tftp_root) || a->has_dhcp != b->has_dhcp ||
	    a->n_ranges != b->n_ranges || a->n_hosts != b->n_hosts ||
	    a->n_options != b->n_options || a->has_bootp != b->has_bootp ||
	    !netdef_str_eq(a->bootp_file, b->bootp_file) || !netdef_str_eq(a->bootp_server, b->bootp_server) ||
	    a->n_boots != b->n_boots)
		return false;
	for (i = 0; i < a->n_boots; i++)
		if (a->boots[i].match != b->boots[i].match || a->boots[i].arch != b->boots[i].arch ||
		    !netdef_str_eq(a->boots[i].userclass, b->boots[i].userclass) ||
		    !netdef_str_eq(a->boots[i].file, b->boots[i].file))
			return false;
	for (i = 0; i < a->n_ranges; i++)
		if (!netdef_range_eq(&a->ranges[i], &b->ranges[i]))
			return false;
	for (i = 0; i < a->n_hosts; i++)
		if (!netdef_dhcp_host_eq(&a->hosts[i], &b->hosts[i]))
			return false;
	for (i = 0; i < a->n_options; i++)
		if (a->options[i].number != b->options[i].number ||
		    !netdef_str_eq(a->options[i].value, b->options[i].value))
			return false;
	return true;
}

static bool route_eq(const struct netdef_route *a, const struct netdef_route *b)
{
	return a->family_given == b->family_given && a->address.s_addr == b->address.s_addr &&
	       a->prefix == b->prefix && a->netmask_given == b->netmask_given &&
	       a->prefix_given == b->prefix_given && a->gateway.s_addr == b->gateway.s_addr &&
	       a->metric_given == b->metric_given && a->metric == b->metric;
}

/* One address of either family, as a <dns> host or forwarder holds it. */
static bool addr_eq(bool is6_a, struct in_addr a4, const struct in6_addr *a6, bool is6_b,
		    struct in_addr b4, const struct in6_addr *b6)
{
	if (is6_a != is6_b)
		return false;
	return is6_a ? memcmp(a6, b6, sizeof(*a6)) == 0 : a4.s_addr == b4.s_addr;
}

bool netdef_dns_forwarder_eq(const struct netdef_dns_forwarder *a,
			     const struct netdef_dns_forwarder *b)
{
	return a->has_addr == b->has_addr &&
	       addr_eq(a->addr_is_ipv6, a->addr, &a->addr6, b->addr_is_ipv6, b->addr, &b->addr6) &&
	       netdef_str_eq(a->domain, b->domain);
}

bool netdef_dns_host_eq(const struct netdef_dns_host *a, const struct netdef_dns_host *b)
{
	size_t i;

	if (!addr_eq(a->ip_is_ipv6, a->ip, &a->ip6, b->ip_is_ipv6, b->ip, &b->ip6) ||
	    a->n_hostnames != b->n_hostnames)
		return false;
	for (i = 0; i < a->n_hostnames; i++)
		if (!netdef_str_eq(a->hostnames[i], b->hostnames[i]))
			return false;
	return true;
}

bool netdef_srv_eq(const struct netdef_dns_srv *a, const struct netdef_dns_srv *b)
{
	return netdef_str_eq(a->service, b->service) && netdef_str_eq(a->protocol, b->protocol) &&
	       netdef_str_eq(a->domain, b->domain) && netdef_str_eq(a->target, b->target) &&
	       a->port_given == b->port_given && a->priority_given == b->priority_given &&
	       a->weight_given == b->weight_given && a->port == b->port &&
	       a->priority == b->priority && a->weight == b->weight;
}

static bool dns_eq(const struct netdef_dns *a, const struct netdef_dns *b)
{
	size_t i;

	if (a->enable != b->enable || a->forward_plain_names != b->forward_plain_names ||
	    a->n_forwarders != b->n_forwarders || a->n_hosts != b->n_hosts ||
	    a->n_srvs != b->n_srvs || a->n_txts != b->n_txts)
		return false;
	for (i = 0; i < a->n_forwarders; i++)
		if (!netdef_dns_forwarder_eq(&a->forwarders[i], &b->forwarders[i]))
			return false;
	for (i = 0; i < a->n_hosts; i++)
		if (!netdef_dns_host_eq(&a->hosts[i], &b->hosts[i]))
			return false;
	for (i = 0; i < a->n_srvs; i++)
		if (!netdef_srv_eq(&a->srvs[i], &b->srvs[i]))
			return false;
	for (i = 0; i < a->n_txts; i++)
		if (!netdef_str_eq(a->txts[i].name, b->txts[i].name) ||
		    !netdef_str_eq(a->txts[i].value, b->txts[i].value))
			return false;
	return true;
}

bool netdef_forward_eq(const struct netdef_forward *a, const struct netdef_forward *b)
{
	return a->given == b->given && a->mode_given == b->mode_given && a->mode == b->mode &&
	       netdef_str_eq(a->dev, b->dev) && a->has_nat == b->has_nat &&
	       a->has_nat_addr == b->has_nat_addr &&
	       a->nat_addr_start.s_addr == b->nat_addr_start.s_addr &&
	       a->nat_addr_end.s_addr == b->nat_addr_end.s_addr &&
	       a->has_nat_port == b->has_nat_port && a->nat_port_start == b->nat_port_start &&
	       a->nat_port_end == b->nat_port_end;
}

/*
 * uuid_given is left out on purpose: a generated uuid is written into the
 * saved definition (as libvirt does), so after a round trip it is "given".
 */
bool netdef_equal(const struct netdef *a, const struct netdef *b)
{
	size_t i;

	if (!a || !b)
		return a == b;
	if (!netdef_str_eq(a->name, b->name) || memcmp(a->uuid, b->uuid, 16) ||
	    !netdef_forward_eq(&a->forward, &b->forward) ||
	    strcmp(a->bridge_name, b->bridge_name) || a->bridge_given != b->bridge_given ||
	    a->stp != b->stp || a->delay_given != b->delay_given || a->delay != b->delay ||
	    a->has_mac != b->has_mac || (a->has_mac && memcmp(a->mac, b->mac, 6)) ||
	    a->has_mtu != b->has_mtu || a->mtu != b->mtu || !netdef_str_eq(a->domain, b->domain) ||
	    a->domain_local_only != b->domain_local_only || a->dns_given != b->dns_given ||
	    !dns_eq(&a->dns, &b->dns) || a->n_ips != b->n_ips || a->n_routes != b->n_routes ||
	    !netdef_str_eq(a->title, b->title) || !netdef_str_eq(a->description, b->description) ||
	    !netdef_str_eq(a->metadata, b->metadata))
		return false;
	for (i = 0; i < a->n_ips; i++)
		if (!ip_eq(&a->ips[i], &b->ips[i]))
			return false;
	for (i = 0; i < a->n_routes; i++)
		if (!route_eq(&a->routes[i], &b->routes[i]))
			return false;
	return netdef_ip6_equal(a, b);
}

const char *netdef_forward_mode_name(enum netdef_forward_mode mode)
{
	switch (mode) {
	case NETDEF_FWD_NAT:
		return "nat";
	case NETDEF_FWD_ROUTE:
		return "route";
	case NETDEF_FWD_OPEN:
		return "open";
	case NETDEF_FWD_NONE:
		break;
	}
	return "isolated";
}

void netdef_uuid_format(const uint8_t u[16], char out[37])
{
	snprintf(out, 37,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10], u[11],
		 u[12], u[13], u[14], u[15]);
}

void netdef_mac_format(const uint8_t m[6], char out[18])
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

bool netdef_stp_enabled(const struct netdef *def)
{
	return def->stp != NETDEF_NO;
}

uint64_t netdef_lease_seconds(const struct netdef_lease *lease, uint64_t fallback)
{
	if (!lease->given)
		return fallback;
	switch (lease->unit) {
	case NETDEF_UNIT_SECONDS:
		return lease->expiry;
	case NETDEF_UNIT_HOURS:
		return lease->expiry * 3600;
	case NETDEF_UNIT_MINUTES:
	case NETDEF_UNIT_UNSET:
		break;
	}
	/* libvirt's unit defaults to minutes */
	return lease->expiry * 60;
}

void netdef_error_format(const struct netdef_error *err, char *buf, size_t size)
{
	char where[300];

	if (err->line)
		snprintf(where, sizeof(where), "%s:%u", err->file, err->line);
	else
		snprintf(where, sizeof(where), "%s", err->file);
	if (err->field[0])
		snprintf(buf, size, "%s: %s: %s", where, err->field, err->message);
	else
		snprintf(buf, size, "%s: %s", where, err->message);
}
