/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef: <ip family='ipv6'> with its <dhcp> (ranges, hosts by DUID or
 * name), and <route family='ipv6'>, as libvirt writes them. They go to
 * their own lists (def->ip6s, def->routes6), so nothing written for IPv4
 * ever meets an IPv6 address.
 */
#include "netd/def/netdef-parser.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int np_want_ipv6(struct parser *p, xmlNode *node, const char *name, const char *v,
		 struct in6_addr *out)
{
	char field[64];

	snprintf(field, sizeof(field), "<%s %s>", node->name, name);
	if (!v)
		return np_fail(p, node, NETDEF_E_INVALID, field, "missing");
	if (inet_pton(AF_INET6, v, out) == 1)
		return 0;
	return np_fail(p, node, NETDEF_E_INVALID, field, "not an IPv6 address: '%s'", v);
}

static int want_prefix6(struct parser *p, xmlNode *node, unsigned *prefix, bool *given)
{
	const char *v = np_attr(p, node, "prefix");
	unsigned long long n;
	char field[64];
	int e;

	snprintf(field, sizeof(field), "<%s netmask>", node->name);
	if (np_attr(p, node, "netmask"))
		return np_fail(p, node, NETDEF_E_INVALID, field,
			       "an IPv6 address takes a prefix, not a netmask");
	*prefix = 64;           /* libvirt's default for IPv6 */
	if (!v)
		return 0;
	if ((e = np_want_uint(p, node, "prefix", v, 1, 128, &n)) < 0)
		return e;
	*prefix = (unsigned)n;
	*given = true;
	return 0;
}

/* A DUID as libvirt writes it: bytes in hex (one or two digits each) joined by ':'. */
bool netdef_parse_duid(const char *s, uint8_t *out, size_t cap, size_t *len)
{
	size_t n = 0;

	while (*s) {
		int hi = -1, v = 0, digits = 0;

		while (digits < 2 && ((*s >= '0' && *s <= '9') || ((*s | 0x20) >= 'a' &&
								  (*s | 0x20) <= 'f'))) {
			hi = *s <= '9' ? *s - '0' : (*s | 0x20) - 'a' + 10;
			v = v * 16 + hi;
			digits++;
			s++;
		}
		if (!digits || n == cap || (*s && *s != ':') || (*s == ':' && !s[1]))
			return false;
		out[n++] = (uint8_t)v;
		if (*s == ':')
			s++;
	}
	*len = n;
	return n >= 2;  /* a DUID type, at least */
}

static int parse_range6(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "start", "end", NULL };
	struct netdef_ip6 *ip = ctx;
	struct netdef_range6 *r;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!(r = netdef_array_push(&ip->ranges, &ip->n_ranges, sizeof(*r))))
		return np_oom(p, node);
	r->line = np_line(node);
	if ((e = np_want_ipv6(p, node, "start", np_attr(p, node, "start"), &r->start)) < 0 ||
	    (e = np_want_ipv6(p, node, "end", np_attr(p, node, "end"), &r->end)) < 0)
		return e;
	return np_walk(p, node, netdef_lease_children, &r->lease);
}

static int parse_host6(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "mac", "id", "name", "ip", NULL };
	struct netdef_ip6 *ip = ctx;
	struct netdef_dhcp6_host *h;
	const char *id = np_attr(p, node, "id"), *name = np_attr(p, node, "name");
	const char *addr = np_attr(p, node, "ip");
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (np_attr(p, node, "mac"))
		return np_fail(p, node, NETDEF_E_INVALID, "<host mac>",
			       "IPv6 hosts are found by id (their DUID) or name, not by MAC");
	if (!(h = netdef_array_push(&ip->hosts, &ip->n_hosts, sizeof(*h))))
		return np_oom(p, node);
	h->line = np_line(node);
	if (id) {
		if (!netdef_parse_duid(id, h->duid, sizeof(h->duid), &h->duid_len))
			return np_fail(p, node, NETDEF_E_INVALID, "<host id>",
				       "not a DUID (2 to 130 hex bytes joined by ':'): '%s'", id);
		if (!(h->id = strdup(id)))
			return np_oom(p, node);
	}
	if (name && (e = np_want_dns_name(p, node, "name", name, &h->name)) < 0)
		return e;
	if (addr) {
		if ((e = np_want_ipv6(p, node, "ip", addr, &h->ip)) < 0)
			return e;
		h->has_ip = true;
	}
	/* an ip, and an id or a name: validate6.c (a fragment to delete by may name less) */
	return np_walk(p, node, netdef_lease_children, &h->lease);
}

static const struct element_handler dhcp6_children[] = {
	{ "range", parse_range6 },
	{ "host", parse_host6 },
	{ NULL, NULL },
};

static int parse_dhcp6(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	struct netdef_ip6 *ip = ctx;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (ip->has_dhcp)
		return np_fail(p, node, NETDEF_E_INVALID, "<dhcp>", "given more than once");
	ip->has_dhcp = true;
	ip->dhcp_line = np_line(node);
	return np_walk(p, node, dhcp6_children, ip);
}

static int refuse_tftp6(struct parser *p, xmlNode *node, void *ctx)
{
	return np_fail(p, node, NETDEF_E_INVALID, "<tftp>", "TFTP is served on IPv4 only");
}

static const struct element_handler ip6_children[] = {
	{ "dhcp", parse_dhcp6 },
	{ "tftp", refuse_tftp6 },
	{ NULL, NULL },
};

int netdef_parse_ip6(struct parser *p, xmlNode *node)
{
	static const char *const attrs[] = {
		"address", "netmask", "prefix", "family", "localPtr", NULL
	};
	struct netdef_ip6 *ip;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!(ip = netdef_array_push(&p->def->ip6s, &p->def->n_ip6s, sizeof(*ip))))
		return np_oom(p, node);
	ip->line = np_line(node);
	if ((e = np_want_ipv6(p, node, "address", np_attr(p, node, "address"), &ip->address)) < 0 ||
	    (e = want_prefix6(p, node, &ip->prefix, &ip->prefix_given)) < 0 ||
	    (e = np_want_bool(p, node, "localPtr", np_attr(p, node, "localPtr"), "yes", "no",
			      &ip->local_ptr)) < 0)
		return e;
	return np_walk(p, node, ip6_children, ip);
}

int netdef_parse_route6(struct parser *p, xmlNode *node)
{
	static const char *const attrs[] = {
		"family", "address", "netmask", "prefix", "gateway", "metric", NULL
	};
	struct netdef_route6 *rt;
	const char *metric = np_attr(p, node, "metric");
	bool given = false;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!(rt = netdef_array_push(&p->def->routes6, &p->def->n_routes6, sizeof(*rt))))
		return np_oom(p, node);
	rt->line = np_line(node);
	if ((e = np_want_ipv6(p, node, "address", np_attr(p, node, "address"), &rt->address)) < 0 ||
	    (e = want_prefix6(p, node, &rt->prefix, &given)) < 0 ||
	    (e = np_want_ipv6(p, node, "gateway", np_attr(p, node, "gateway"), &rt->gateway)) < 0)
		return e;
	if (metric) {
		unsigned long long v;

		if ((e = np_want_uint(p, node, "metric", metric, 1, 0xffffffffu, &v)) < 0)
			return e;
		rt->metric_given = true;
		rt->metric = (unsigned)v;
	}
	return np_walk(p, node, NULL, NULL);
}

/* family='ipv6', or no family and an address with a ':' (libvirt infers it too). */
bool netdef_is_ip6_element(struct parser *p, xmlNode *node)
{
	const char *family = np_attr(p, node, "family"), *addr = np_attr(p, node, "address");

	if (family)
		return !strcmp(family, "ipv6");
	return addr && strchr(addr, ':');
}
