/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: <ip> with its <dhcp> and <tftp>, and <route>. */
#include "netd/def/netdef-parser.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- <lease> (inside <range> and <host>) --- */

static int parse_lease(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "expiry", "unit", NULL };
	struct netdef_lease *lease = ctx;
	const char *unit;
	unsigned long long v;
	int r;

	if (lease->given)
		return np_fail(p, node, NETDEF_E_INVALID, "<lease>", "given more than once");
	if ((r = np_check_attrs(p, node, attrs)) < 0 ||
	    (r = np_want_uint(p, node, "expiry", np_attr(p, node, "expiry"), 0, 0xffffffffu, &v)) < 0)
		return r;
	lease->given = true;
	lease->expiry = v;
	unit = np_attr(p, node, "unit");
	if (!unit)
		lease->unit = NETDEF_UNIT_UNSET;
	else if (!strcmp(unit, "seconds"))
		lease->unit = NETDEF_UNIT_SECONDS;
	else if (!strcmp(unit, "minutes"))
		lease->unit = NETDEF_UNIT_MINUTES;
	else if (!strcmp(unit, "hours"))
		lease->unit = NETDEF_UNIT_HOURS;
	else
		return np_fail(p, node, NETDEF_E_INVALID, "<lease unit>",
			    "must be seconds, minutes or hours, not '%s'", unit);
	return np_walk(p, node, NULL, NULL);
}

const struct element_handler netdef_lease_children[] = {
	{ "lease", parse_lease },
	{ NULL, NULL },
};

/* --- <dhcp> --- */

static int parse_range(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "start", "end", NULL };
	struct netdef_ip *ip = ctx;
	struct netdef_range *r;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	r = netdef_array_push(&ip->ranges, &ip->n_ranges, sizeof(*r));
	if (!r)
		return np_oom(p, node);
	r->line = np_line(node);
	if ((e = np_want_ipv4(p, node, "start", np_attr(p, node, "start"), &r->start)) < 0 ||
	    (e = np_want_ipv4(p, node, "end", np_attr(p, node, "end"), &r->end)) < 0)
		return e;
	return np_walk(p, node, netdef_lease_children, &r->lease);
}

static int parse_dhcp_host(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "mac", "id", "name", "ip", NULL };
	struct netdef_ip *ip = ctx;
	struct netdef_dhcp_host *h;
	const char *mac, *id, *name, *addr;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	h = netdef_array_push(&ip->hosts, &ip->n_hosts, sizeof(*h));
	if (!h)
		return np_oom(p, node);
	h->line = np_line(node);
	mac = np_attr(p, node, "mac");
	id = np_attr(p, node, "id");
	name = np_attr(p, node, "name");
	addr = np_attr(p, node, "ip");
	if (mac) {
		if (!netdef_parse_mac(mac, h->mac))
			return np_fail(p, node, NETDEF_E_INVALID, "<host mac>",
				    "not a MAC address: '%s'", mac);
		h->has_mac = true;
	}
	if (id) {
		if (!*id || strlen(id) > 255)
			return np_fail(p, node, NETDEF_E_INVALID, "<host id>",
				    "must be 1 to 255 characters");
		if (!(h->id = strdup(id)))
			return np_oom(p, node);
	}
	if (name && (e = np_want_dns_name(p, node, "name", name, &h->name)) < 0)
		return e;
	if (addr) {
		if ((e = np_want_ipv4(p, node, "ip", addr, &h->ip)) < 0)
			return e;
		h->has_ip = true;
	}
	return np_walk(p, node, netdef_lease_children, &h->lease);
}

static int parse_bootp(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "file", "server", NULL };
	struct netdef_ip *ip = ctx;
	const char *file, *server;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (ip->has_bootp)
		return np_fail(p, node, NETDEF_E_INVALID, "<bootp>", "given more than once");
	file = np_attr(p, node, "file");
	server = np_attr(p, node, "server");
	/* DHCP's file field is 128 bytes; sname (the server) 64 */
	if (!file || !*file || strlen(file) > 127)
		return np_fail(p, node, NETDEF_E_INVALID, "<bootp file>",
			    "needs a file name of 1 to 127 characters");
	if (server && (!*server || strlen(server) > 63))
		return np_fail(p, node, NETDEF_E_INVALID, "<bootp server>",
			    "must be 1 to 63 characters");
	ip->has_bootp = true;
	ip->bootp_file = strdup(file);
	ip->bootp_server = np_dup(server);
	if (!ip->bootp_file || (server && !ip->bootp_server))
		return np_oom(p, node);
	return np_walk(p, node, NULL, NULL);
}

static int parse_dhcp_option(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "number", "value", NULL };
	struct netdef_ip *ip = ctx;
	struct netdef_dhcp_option *o;
	unsigned long long n;
	const char *value;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0 ||
	    (e = np_want_uint(p, node, "number", np_attr(p, node, "number"), 1, 254, &n)) < 0)
		return e;
	value = np_attr(p, node, "value");
	if (!value || strlen(value) > 255)
		return np_fail(p, node, NETDEF_E_INVALID, "<option value>",
			    "needs a value of at most 255 characters");
	o = netdef_array_push(&ip->options, &ip->n_options, sizeof(*o));
	if (!o)
		return np_oom(p, node);
	o->line = np_line(node);
	o->number = (unsigned)n;
	if (!(o->value = strdup(value)))
		return np_oom(p, node);
	return np_walk(p, node, NULL, NULL);
}

static const struct element_handler dhcp_children[] = {
	{ "range", parse_range },
	{ "host", parse_dhcp_host },
	{ "bootp", parse_bootp },
	{ "option", parse_dhcp_option },
	{ "vnetd:boot", netdef_parse_boot },
	{ NULL, NULL },
};

static int parse_dhcp(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	struct netdef_ip *ip = ctx;
	int e;

	if (ip->has_dhcp)
		return np_fail(p, node, NETDEF_E_INVALID, "<dhcp>", "given more than once");
	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	ip->has_dhcp = true;
	ip->dhcp_line = np_line(node);
	return np_walk(p, node, dhcp_children, ip);
}

static int parse_tftp(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "root", NULL };
	struct netdef_ip *ip = ctx;
	const char *root;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (ip->tftp_root)
		return np_fail(p, node, NETDEF_E_INVALID, "<tftp>", "given more than once");
	root = np_attr(p, node, "root");
	if (!root || root[0] != '/')
		return np_fail(p, node, NETDEF_E_INVALID, "<tftp root>",
			    "needs an absolute directory");
	if (!(ip->tftp_root = strdup(root)))
		return np_oom(p, node);
	return np_walk(p, node, NULL, NULL);
}

static const struct element_handler ip_children[] = {
	{ "dhcp", parse_dhcp },
	{ "tftp", parse_tftp },
	{ NULL, NULL },
};

/* address + netmask|prefix, shared by <ip> and <route>. */
static int parse_prefix(struct parser *p, xmlNode *node, struct in_addr addr,
			unsigned *prefix, bool *netmask_given, bool *prefix_given)
{
	const char *mask = np_attr(p, node, "netmask"), *pfx = np_attr(p, node, "prefix");
	char field[64];
	int e;

	snprintf(field, sizeof(field), "<%s>", node->name);
	if (mask && pfx)
		return np_fail(p, node, NETDEF_E_INVALID, field,
			    "netmask and prefix cannot both be given");
	if (mask) {
		struct in_addr m;

		snprintf(field, sizeof(field), "<%s netmask>", node->name);
		if (!netdef_parse_ipv4(mask, &m) || !netdef_netmask_to_prefix(m, prefix))
			return np_fail(p, node, NETDEF_E_INVALID, field,
				    "not a contiguous IPv4 netmask: '%s'", mask);
		*netmask_given = true;
	} else if (pfx) {
		unsigned long long v;

		if ((e = np_want_uint(p, node, "prefix", pfx, 0, 32, &v)) < 0)
			return e;
		*prefix = (unsigned)v;
		*prefix_given = true;
	} else {
		*prefix = netdef_classful_prefix(addr);
		if (!*prefix)
			return np_fail(p, node, NETDEF_E_INVALID, field,
				    "no netmask or prefix, and the address has no class default");
	}
	return 0;
}

static int parse_family(struct parser *p, xmlNode *node, bool *given)
{
	const char *family = np_attr(p, node, "family");
	char field[64];

	if (!family)
		return 0;
	snprintf(field, sizeof(field), "<%s family>", node->name);
	if (strcmp(family, "ipv4"))
		return np_fail(p, node, NETDEF_E_INVALID, field, "must be ipv4 or ipv6, not '%s'",
			    family);
	*given = true;
	return 0;
}

int netdef_parse_ip(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = {
		"address", "netmask", "prefix", "family", "localPtr", NULL
	};
	struct netdef_ip *ip;
	int e;

	if (netdef_is_ip6_element(p, node))
		return netdef_parse_ip6(p, node);
	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	ip = netdef_array_push(&p->def->ips, &p->def->n_ips, sizeof(*ip));
	if (!ip)
		return np_oom(p, node);
	ip->line = np_line(node);
	if ((e = parse_family(p, node, &ip->family_given)) < 0 ||
	    (e = np_want_ipv4(p, node, "address", np_attr(p, node, "address"), &ip->address)) < 0 ||
	    (e = parse_prefix(p, node, ip->address, &ip->prefix, &ip->netmask_given,
			      &ip->prefix_given)) < 0 ||
	    (e = np_want_bool(p, node, "localPtr", np_attr(p, node, "localPtr"), "yes", "no",
			   &ip->local_ptr)) < 0)
		return e;
	return np_walk(p, node, ip_children, ip);
}

int netdef_parse_route(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = {
		"family", "address", "netmask", "prefix", "gateway", "metric", NULL
	};
	struct netdef_route *rt;
	const char *metric;
	int e;

	if (netdef_is_ip6_element(p, node))
		return netdef_parse_route6(p, node);
	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	rt = netdef_array_push(&p->def->routes, &p->def->n_routes, sizeof(*rt));
	if (!rt)
		return np_oom(p, node);
	rt->line = np_line(node);
	if ((e = parse_family(p, node, &rt->family_given)) < 0 ||
	    (e = np_want_ipv4(p, node, "address", np_attr(p, node, "address"), &rt->address)) < 0 ||
	    (e = parse_prefix(p, node, rt->address, &rt->prefix, &rt->netmask_given,
			      &rt->prefix_given)) < 0 ||
	    (e = np_want_ipv4(p, node, "gateway", np_attr(p, node, "gateway"), &rt->gateway)) < 0)
		return e;
	metric = np_attr(p, node, "metric");
	if (metric) {
		unsigned long long v;

		if ((e = np_want_uint(p, node, "metric", metric, 1, 0xffffffffu, &v)) < 0)
			return e;
		rt->metric_given = true;
		rt->metric = (unsigned)v;
	}
	return np_walk(p, node, NULL, NULL);
}
