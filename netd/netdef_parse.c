/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef: libvirt network XML → model, with libxml2.
 *
 * Every element and attribute is checked against what vnetd implements: an
 * unknown one is refused as unsupported rather than silently dropped, since
 * a user who wrote <bandwidth> expects it to take effect or to be told.
 * Elements are handled in document order and the first problem is reported.
 * Checks that need the whole model live in netdef_validate.c.
 */
#include "netd/netdef-internal.h"
#include "netd/atomic_file.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NETDEF_FILE_MAX (1 << 20)   /* definitions are a few KB */

struct parser {
	struct netdef *def;
	struct netdef_error *err;
	xmlChar **pool;         /* attribute strings, freed when parsing ends */
	size_t n_pool;
	unsigned seen;          /* single-occurrence elements met so far */
};

typedef int (*element_fn)(struct parser *p, xmlNode *node, void *ctx);

struct element_handler {
	const char *name;
	element_fn fn;
};

static unsigned line_of(const xmlNode *node)
{
	long l = xmlGetLineNo(node);

	return l > 0 ? (unsigned)l : 0;
}

static int fail(struct parser *p, const xmlNode *node, int code, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int fail(struct parser *p, const xmlNode *node, int code, const char *field,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return netdef_fail(p->err, code, node ? line_of(node) : 0, field, "%s", msg);
}

static int oom(struct parser *p, const xmlNode *node)
{
	return fail(p, node, -ENOMEM, "", "out of memory");
}

/* An attribute's value, or NULL when absent. Valid until parsing ends. */
static const char *attr(struct parser *p, xmlNode *node, const char *name)
{
	xmlChar *v = xmlGetNoNsProp(node, (const xmlChar *)name);
	xmlChar **grown;

	if (!v)
		return NULL;
	grown = realloc(p->pool, (p->n_pool + 1) * sizeof(*grown));
	if (!grown) {
		xmlFree(v);
		return NULL;
	}
	p->pool = grown;
	p->pool[p->n_pool++] = v;
	return (const char *)v;
}

/* The element's text content, NULL when it has none. */
static const char *text_of(struct parser *p, xmlNode *node)
{
	xmlChar *v = xmlNodeGetContent(node);
	xmlChar **grown;

	if (!v)
		return NULL;
	grown = realloc(p->pool, (p->n_pool + 1) * sizeof(*grown));
	if (!grown) {
		xmlFree(v);
		return NULL;
	}
	p->pool = grown;
	p->pool[p->n_pool++] = v;
	return (const char *)v;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Refuse any attribute not in `allowed` (a NULL-terminated list). */
static int check_attrs(struct parser *p, xmlNode *node, const char *const *allowed)
{
	const xmlAttr *a;

	for (a = node->properties; a; a = a->next) {
		const char *const *ok;
		char field[64];

		for (ok = allowed; *ok; ok++)
			if (!strcmp(*ok, (const char *)a->name) && !a->ns)
				break;
		if (*ok)
			continue;
		snprintf(field, sizeof(field), "<%s %s>", node->name, a->name);
		return fail(p, node, NETDEF_E_UNSUPPORTED, field,
			    "attribute not supported by vnetd");
	}
	return 0;
}

static bool is_blank(const xmlChar *s)
{
	for (; s && *s; s++)
		if (!strchr(" \t\r\n", *s))
			return false;
	return true;
}

/*
 * Walk the element children of `node`, dispatching by name. Text other than
 * whitespace and elements vnetd does not know are refused.
 */
static int walk_children(struct parser *p, xmlNode *node, const struct element_handler *table,
			 void *ctx)
{
	xmlNode *c;
	int r;

	for (c = node->children; c; c = c->next) {
		const struct element_handler *h;
		char field[64];

		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (is_blank(c->content))
				continue;
			snprintf(field, sizeof(field), "<%s>", node->name);
			return fail(p, c, NETDEF_E_INVALID, field, "unexpected text");
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;       /* comments, processing instructions */
		if (c->ns && c->ns->prefix) {
			snprintf(field, sizeof(field), "<%s:%s>", c->ns->prefix, c->name);
			return fail(p, c, NETDEF_E_UNSUPPORTED, field,
				    "element not supported by vnetd");
		}
		for (h = table; h && h->name; h++)
			if (!strcmp(h->name, (const char *)c->name))
				break;
		if (!h || !h->name) {
			snprintf(field, sizeof(field), "<%s>", c->name);
			return fail(p, c, NETDEF_E_UNSUPPORTED, field,
				    "element not supported by vnetd");
		}
		r = h->fn(p, c, ctx);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Elements that may appear once under <network>. */
enum {
	SEEN_NAME = 1 << 0, SEEN_UUID = 1 << 1, SEEN_FORWARD = 1 << 2, SEEN_BRIDGE = 1 << 3,
	SEEN_MAC = 1 << 4, SEEN_MTU = 1 << 5, SEEN_DOMAIN = 1 << 6, SEEN_DNS = 1 << 7,
};

static int once(struct parser *p, xmlNode *node, unsigned bit)
{
	char field[64];

	if (!(p->seen & bit)) {
		p->seen |= bit;
		return 0;
	}
	snprintf(field, sizeof(field), "<%s>", node->name);
	return fail(p, node, NETDEF_E_INVALID, field, "given more than once");
}

/* --- value helpers: parse an attribute or fail naming it --- */

static int want_ipv4(struct parser *p, xmlNode *node, const char *name, const char *v,
		     struct in_addr *out)
{
	char field[64];

	snprintf(field, sizeof(field), "<%s %s>", node->name, name);
	if (!v)
		return fail(p, node, NETDEF_E_INVALID, field, "missing");
	if (netdef_parse_ipv4(v, out))
		return 0;
	if (strchr(v, ':'))
		return fail(p, node, NETDEF_E_UNSUPPORTED, field,
			    "IPv6 is not supported by vnetd yet: '%s'", v);
	return fail(p, node, NETDEF_E_INVALID, field, "not an IPv4 address: '%s'", v);
}

static int want_uint(struct parser *p, xmlNode *node, const char *name, const char *v,
		     unsigned long long min, unsigned long long max, unsigned long long *out)
{
	char field[64];

	snprintf(field, sizeof(field), "<%s %s>", node->name, name);
	if (!v)
		return fail(p, node, NETDEF_E_INVALID, field, "missing");
	if (!netdef_parse_uint(v, max, out) || *out < min)
		return fail(p, node, NETDEF_E_INVALID, field,
			    "'%s' is not a number from %llu to %llu", v, min, max);
	return 0;
}

static int want_bool(struct parser *p, xmlNode *node, const char *name, const char *v,
		     const char *yes, const char *no, enum netdef_tristate *out)
{
	char field[64];

	if (!v)
		return 0;
	if (!strcmp(v, yes)) {
		*out = NETDEF_YES;
		return 0;
	}
	if (!strcmp(v, no)) {
		*out = NETDEF_NO;
		return 0;
	}
	snprintf(field, sizeof(field), "<%s %s>", node->name, name);
	return fail(p, node, NETDEF_E_INVALID, field, "must be '%s' or '%s', not '%s'", yes,
		    no, v);
}

static int want_dns_name(struct parser *p, xmlNode *node, const char *name, const char *v,
			 char **out)
{
	char field[64];

	snprintf(field, sizeof(field), "<%s %s>", node->name, name);
	if (!v)
		return fail(p, node, NETDEF_E_INVALID, field, "missing");
	if (!netdef_valid_dns_name(v))
		return fail(p, node, NETDEF_E_INVALID, field, "not a valid DNS name: '%s'", v);
	*out = strdup(v);
	return *out ? 0 : oom(p, node);
}

/* --- <lease> (inside <range> and <host>) --- */

static int parse_lease(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "expiry", "unit", NULL };
	struct netdef_lease *lease = ctx;
	const char *unit;
	unsigned long long v;
	int r;

	if (lease->given)
		return fail(p, node, NETDEF_E_INVALID, "<lease>", "given more than once");
	if ((r = check_attrs(p, node, attrs)) < 0 ||
	    (r = want_uint(p, node, "expiry", attr(p, node, "expiry"), 0, 0xffffffffu, &v)) < 0)
		return r;
	lease->given = true;
	lease->expiry = v;
	unit = attr(p, node, "unit");
	if (!unit)
		lease->unit = NETDEF_UNIT_UNSET;
	else if (!strcmp(unit, "seconds"))
		lease->unit = NETDEF_UNIT_SECONDS;
	else if (!strcmp(unit, "minutes"))
		lease->unit = NETDEF_UNIT_MINUTES;
	else if (!strcmp(unit, "hours"))
		lease->unit = NETDEF_UNIT_HOURS;
	else
		return fail(p, node, NETDEF_E_INVALID, "<lease unit>",
			    "must be seconds, minutes or hours, not '%s'", unit);
	return walk_children(p, node, NULL, NULL);
}

static const struct element_handler lease_children[] = {
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

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	r = netdef_array_push(&ip->ranges, &ip->n_ranges, sizeof(*r));
	if (!r)
		return oom(p, node);
	r->line = line_of(node);
	if ((e = want_ipv4(p, node, "start", attr(p, node, "start"), &r->start)) < 0 ||
	    (e = want_ipv4(p, node, "end", attr(p, node, "end"), &r->end)) < 0)
		return e;
	return walk_children(p, node, lease_children, &r->lease);
}

static int parse_dhcp_host(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "mac", "id", "name", "ip", NULL };
	struct netdef_ip *ip = ctx;
	struct netdef_dhcp_host *h;
	const char *mac, *id, *name, *addr;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	h = netdef_array_push(&ip->hosts, &ip->n_hosts, sizeof(*h));
	if (!h)
		return oom(p, node);
	h->line = line_of(node);
	mac = attr(p, node, "mac");
	id = attr(p, node, "id");
	name = attr(p, node, "name");
	addr = attr(p, node, "ip");
	if (mac) {
		if (!netdef_parse_mac(mac, h->mac))
			return fail(p, node, NETDEF_E_INVALID, "<host mac>",
				    "not a MAC address: '%s'", mac);
		h->has_mac = true;
	}
	if (id) {
		if (!*id || strlen(id) > 255)
			return fail(p, node, NETDEF_E_INVALID, "<host id>",
				    "must be 1 to 255 characters");
		if (!(h->id = strdup(id)))
			return oom(p, node);
	}
	if (name && (e = want_dns_name(p, node, "name", name, &h->name)) < 0)
		return e;
	if (addr) {
		if ((e = want_ipv4(p, node, "ip", addr, &h->ip)) < 0)
			return e;
		h->has_ip = true;
	}
	return walk_children(p, node, lease_children, &h->lease);
}

static int parse_bootp(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "file", "server", NULL };
	struct netdef_ip *ip = ctx;
	const char *file, *server;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (ip->has_bootp)
		return fail(p, node, NETDEF_E_INVALID, "<bootp>", "given more than once");
	file = attr(p, node, "file");
	server = attr(p, node, "server");
	/* DHCP's file field is 128 bytes; sname (the server) 64 */
	if (!file || !*file || strlen(file) > 127)
		return fail(p, node, NETDEF_E_INVALID, "<bootp file>",
			    "needs a file name of 1 to 127 characters");
	if (server && (!*server || strlen(server) > 63))
		return fail(p, node, NETDEF_E_INVALID, "<bootp server>",
			    "must be 1 to 63 characters");
	ip->has_bootp = true;
	ip->bootp_file = strdup(file);
	ip->bootp_server = dup_or_null(server);
	if (!ip->bootp_file || (server && !ip->bootp_server))
		return oom(p, node);
	return walk_children(p, node, NULL, NULL);
}

static int parse_dhcp_option(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "number", "value", NULL };
	struct netdef_ip *ip = ctx;
	struct netdef_dhcp_option *o;
	unsigned long long n;
	const char *value;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0 ||
	    (e = want_uint(p, node, "number", attr(p, node, "number"), 1, 254, &n)) < 0)
		return e;
	value = attr(p, node, "value");
	if (!value || strlen(value) > 255)
		return fail(p, node, NETDEF_E_INVALID, "<option value>",
			    "needs a value of at most 255 characters");
	o = netdef_array_push(&ip->options, &ip->n_options, sizeof(*o));
	if (!o)
		return oom(p, node);
	o->line = line_of(node);
	o->number = (unsigned)n;
	if (!(o->value = strdup(value)))
		return oom(p, node);
	return walk_children(p, node, NULL, NULL);
}

static const struct element_handler dhcp_children[] = {
	{ "range", parse_range },
	{ "host", parse_dhcp_host },
	{ "bootp", parse_bootp },
	{ "option", parse_dhcp_option },
	{ NULL, NULL },
};

static int parse_dhcp(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	struct netdef_ip *ip = ctx;
	int e;

	if (ip->has_dhcp)
		return fail(p, node, NETDEF_E_INVALID, "<dhcp>", "given more than once");
	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	ip->has_dhcp = true;
	ip->dhcp_line = line_of(node);
	return walk_children(p, node, dhcp_children, ip);
}

static int parse_tftp(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "root", NULL };
	struct netdef_ip *ip = ctx;
	const char *root;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (ip->tftp_root)
		return fail(p, node, NETDEF_E_INVALID, "<tftp>", "given more than once");
	root = attr(p, node, "root");
	if (!root || root[0] != '/')
		return fail(p, node, NETDEF_E_INVALID, "<tftp root>",
			    "needs an absolute directory");
	if (!(ip->tftp_root = strdup(root)))
		return oom(p, node);
	return walk_children(p, node, NULL, NULL);
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
	const char *mask = attr(p, node, "netmask"), *pfx = attr(p, node, "prefix");
	char field[64];
	int e;

	snprintf(field, sizeof(field), "<%s>", node->name);
	if (mask && pfx)
		return fail(p, node, NETDEF_E_INVALID, field,
			    "netmask and prefix cannot both be given");
	if (mask) {
		struct in_addr m;

		snprintf(field, sizeof(field), "<%s netmask>", node->name);
		if (!netdef_parse_ipv4(mask, &m) || !netdef_netmask_to_prefix(m, prefix))
			return fail(p, node, NETDEF_E_INVALID, field,
				    "not a contiguous IPv4 netmask: '%s'", mask);
		*netmask_given = true;
	} else if (pfx) {
		unsigned long long v;

		if ((e = want_uint(p, node, "prefix", pfx, 0, 32, &v)) < 0)
			return e;
		*prefix = (unsigned)v;
		*prefix_given = true;
	} else {
		*prefix = netdef_classful_prefix(addr);
		if (!*prefix)
			return fail(p, node, NETDEF_E_INVALID, field,
				    "no netmask or prefix, and the address has no class default");
	}
	return 0;
}

static int parse_family(struct parser *p, xmlNode *node, bool *given)
{
	const char *family = attr(p, node, "family");
	char field[64];

	if (!family)
		return 0;
	snprintf(field, sizeof(field), "<%s family>", node->name);
	if (!strcmp(family, "ipv6"))
		return fail(p, node, NETDEF_E_UNSUPPORTED, field,
			    "IPv6 is not supported by vnetd yet");
	if (strcmp(family, "ipv4"))
		return fail(p, node, NETDEF_E_INVALID, field, "must be ipv4 or ipv6, not '%s'",
			    family);
	*given = true;
	return 0;
}

static int parse_ip(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = {
		"address", "netmask", "prefix", "family", "localPtr", NULL
	};
	struct netdef_ip *ip;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	ip = netdef_array_push(&p->def->ips, &p->def->n_ips, sizeof(*ip));
	if (!ip)
		return oom(p, node);
	ip->line = line_of(node);
	if ((e = parse_family(p, node, &ip->family_given)) < 0 ||
	    (e = want_ipv4(p, node, "address", attr(p, node, "address"), &ip->address)) < 0 ||
	    (e = parse_prefix(p, node, ip->address, &ip->prefix, &ip->netmask_given,
			      &ip->prefix_given)) < 0 ||
	    (e = want_bool(p, node, "localPtr", attr(p, node, "localPtr"), "yes", "no",
			   &ip->local_ptr)) < 0)
		return e;
	return walk_children(p, node, ip_children, ip);
}

static int parse_route(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = {
		"family", "address", "netmask", "prefix", "gateway", "metric", NULL
	};
	struct netdef_route *rt;
	const char *metric;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	rt = netdef_array_push(&p->def->routes, &p->def->n_routes, sizeof(*rt));
	if (!rt)
		return oom(p, node);
	rt->line = line_of(node);
	if ((e = parse_family(p, node, &rt->family_given)) < 0 ||
	    (e = want_ipv4(p, node, "address", attr(p, node, "address"), &rt->address)) < 0 ||
	    (e = parse_prefix(p, node, rt->address, &rt->prefix, &rt->netmask_given,
			      &rt->prefix_given)) < 0 ||
	    (e = want_ipv4(p, node, "gateway", attr(p, node, "gateway"), &rt->gateway)) < 0)
		return e;
	metric = attr(p, node, "metric");
	if (metric) {
		unsigned long long v;

		if ((e = want_uint(p, node, "metric", metric, 1, 0xffffffffu, &v)) < 0)
			return e;
		rt->metric_given = true;
		rt->metric = (unsigned)v;
	}
	return walk_children(p, node, NULL, NULL);
}

/* --- <dns> --- */

static int parse_forwarder(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "addr", "domain", NULL };
	struct netdef_dns *dns = ctx;
	struct netdef_dns_forwarder *f;
	const char *addr = attr(p, node, "addr"), *domain = attr(p, node, "domain");
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (!addr && !domain)
		return fail(p, node, NETDEF_E_INVALID, "<forwarder>", "needs addr or domain");
	f = netdef_array_push(&dns->forwarders, &dns->n_forwarders, sizeof(*f));
	if (!f)
		return oom(p, node);
	f->line = line_of(node);
	if (addr) {
		if ((e = want_ipv4(p, node, "addr", addr, &f->addr)) < 0)
			return e;
		f->has_addr = true;
	}
	if (domain && (e = want_dns_name(p, node, "domain", domain, &f->domain)) < 0)
		return e;
	return walk_children(p, node, NULL, NULL);
}

static int parse_hostname(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	struct netdef_dns_host *h = ctx;
	const char *name = text_of(p, node);
	char **slot;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (!name || !netdef_valid_dns_name(name))
		return fail(p, node, NETDEF_E_INVALID, "<hostname>",
			    "not a valid DNS name: '%s'", name ? name : "");
	slot = netdef_array_push(&h->hostnames, &h->n_hostnames, sizeof(*slot));
	if (!slot || !(*slot = strdup(name)))
		return oom(p, node);
	return 0;
}

static const struct element_handler dns_host_children[] = {
	{ "hostname", parse_hostname },
	{ NULL, NULL },
};

static int parse_dns_host(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "ip", NULL };
	struct netdef_dns *dns = ctx;
	struct netdef_dns_host *h;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	h = netdef_array_push(&dns->hosts, &dns->n_hosts, sizeof(*h));
	if (!h)
		return oom(p, node);
	h->line = line_of(node);
	if (!attr(p, node, "ip"))
		return fail(p, node, NETDEF_E_INVALID, "<host>", "needs an ip attribute");
	if ((e = want_ipv4(p, node, "ip", attr(p, node, "ip"), &h->ip)) < 0 ||
	    (e = walk_children(p, node, dns_host_children, h)) < 0)
		return e;
	if (!h->n_hostnames)
		return fail(p, node, NETDEF_E_INVALID, "<host>", "needs at least one <hostname>");
	return 0;
}

/* SRV service labels are at most 15 characters (RFC 6335 §5.1). */
static bool valid_service(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 15)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-'))
			return false;
	return true;
}

static int srv_number(struct parser *p, xmlNode *node, const char *name, bool *given,
		      unsigned *out)
{
	const char *v = attr(p, node, name);
	unsigned long long n;
	int e;

	if (!v)
		return 0;
	if ((e = want_uint(p, node, name, v, 0, 65535, &n)) < 0)
		return e;
	*given = true;
	*out = (unsigned)n;
	return 0;
}

static int parse_srv(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = {
		"service", "protocol", "domain", "target", "port", "priority", "weight", NULL
	};
	struct netdef_dns *dns = ctx;
	struct netdef_dns_srv *s;
	const char *service = attr(p, node, "service"), *proto = attr(p, node, "protocol");
	const char *domain = attr(p, node, "domain"), *target = attr(p, node, "target");
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (!service || !valid_service(service))
		return fail(p, node, NETDEF_E_INVALID, "<srv service>",
			    "needs a service name of 1 to 15 letters, digits or '-'");
	if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
		return fail(p, node, NETDEF_E_INVALID, "<srv protocol>", "must be tcp or udp");
	s = netdef_array_push(&dns->srvs, &dns->n_srvs, sizeof(*s));
	if (!s)
		return oom(p, node);
	s->line = line_of(node);
	if (!(s->service = strdup(service)) || !(s->protocol = strdup(proto)))
		return oom(p, node);
	if ((domain && (e = want_dns_name(p, node, "domain", domain, &s->domain)) < 0) ||
	    (target && (e = want_dns_name(p, node, "target", target, &s->target)) < 0) ||
	    (e = srv_number(p, node, "port", &s->port_given, &s->port)) < 0 ||
	    (e = srv_number(p, node, "priority", &s->priority_given, &s->priority)) < 0 ||
	    (e = srv_number(p, node, "weight", &s->weight_given, &s->weight)) < 0)
		return e;
	return walk_children(p, node, NULL, NULL);
}

static int parse_txt(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "name", "value", NULL };
	struct netdef_dns *dns = ctx;
	struct netdef_dns_txt *t;
	const char *name = attr(p, node, "name"), *value = attr(p, node, "value");
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (!name || !value)
		return fail(p, node, NETDEF_E_INVALID, "<txt>", "needs name and value");
	if (!netdef_valid_dns_name(name))
		return fail(p, node, NETDEF_E_INVALID, "<txt name>",
			    "not a valid DNS name: '%s'", name);
	/* one TXT character-string holds at most 255 bytes (RFC 1035 §3.3) */
	if (strlen(value) > 255)
		return fail(p, node, NETDEF_E_INVALID, "<txt value>", "longer than 255 bytes");
	t = netdef_array_push(&dns->txts, &dns->n_txts, sizeof(*t));
	if (!t)
		return oom(p, node);
	t->line = line_of(node);
	if (!(t->name = strdup(name)) || !(t->value = strdup(value)))
		return oom(p, node);
	return walk_children(p, node, NULL, NULL);
}

static const struct element_handler dns_children[] = {
	{ "forwarder", parse_forwarder },
	{ "host", parse_dns_host },
	{ "srv", parse_srv },
	{ "txt", parse_txt },
	{ NULL, NULL },
};

static int parse_dns(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "enable", "forwardPlainNames", NULL };
	struct netdef *def = p->def;
	int e;

	if ((e = once(p, node, SEEN_DNS)) < 0 || (e = check_attrs(p, node, attrs)) < 0 ||
	    (e = want_bool(p, node, "enable", attr(p, node, "enable"), "yes", "no",
			   &def->dns.enable)) < 0 ||
	    (e = want_bool(p, node, "forwardPlainNames", attr(p, node, "forwardPlainNames"),
			   "yes", "no", &def->dns.forward_plain_names)) < 0)
		return e;
	def->dns_given = true;
	def->dns.line = line_of(node);
	return walk_children(p, node, dns_children, &def->dns);
}

/* --- <forward> --- */

struct forward_ctx {
	unsigned n_interfaces;
	xmlNode *bad_interface;     /* first <interface> that differs from dev */
};

static int parse_nat_range(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "start", "end", NULL };
	struct netdef_forward *fw = ctx;
	unsigned long long s, e;
	int r;

	if ((r = check_attrs(p, node, attrs)) < 0)
		return r;
	if (!strcmp((const char *)node->name, "address")) {
		if (fw->has_nat_addr)
			return fail(p, node, NETDEF_E_INVALID, "<address>", "given more than once");
		if ((r = want_ipv4(p, node, "start", attr(p, node, "start"),
				   &fw->nat_addr_start)) < 0 ||
		    (r = want_ipv4(p, node, "end", attr(p, node, "end"), &fw->nat_addr_end)) < 0)
			return r;
		if (ntohl(fw->nat_addr_start.s_addr) > ntohl(fw->nat_addr_end.s_addr))
			return fail(p, node, NETDEF_E_INVALID, "<address>",
				    "start is after end");
		fw->has_nat_addr = true;
	} else {
		if (fw->has_nat_port)
			return fail(p, node, NETDEF_E_INVALID, "<port>", "given more than once");
		if ((r = want_uint(p, node, "start", attr(p, node, "start"), 1, 65535, &s)) < 0 ||
		    (r = want_uint(p, node, "end", attr(p, node, "end"), 1, 65535, &e)) < 0)
			return r;
		if (s > e)
			return fail(p, node, NETDEF_E_INVALID, "<port>", "start is after end");
		fw->has_nat_port = true;
		fw->nat_port_start = (unsigned)s;
		fw->nat_port_end = (unsigned)e;
	}
	return walk_children(p, node, NULL, NULL);
}

static const struct element_handler nat_children[] = {
	{ "address", parse_nat_range },
	{ "port", parse_nat_range },
	{ NULL, NULL },
};

static int parse_nat(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	struct netdef_forward *fw = &p->def->forward;
	int e;

	if (fw->mode != NETDEF_FWD_NAT)
		return fail(p, node, NETDEF_E_INVALID, "<nat>",
			    "only allowed with forward mode 'nat'");
	if (fw->has_nat)
		return fail(p, node, NETDEF_E_INVALID, "<nat>", "given more than once");
	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	fw->has_nat = true;
	return walk_children(p, node, nat_children, fw);
}

/*
 * libvirt echoes forward dev= as a single <interface dev>; a pool of several
 * interfaces only has a meaning for the direct modes vnetd does not do.
 */
static int parse_forward_interface(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "dev", NULL };
	struct forward_ctx *fc = ctx;
	const char *dev = attr(p, node, "dev"), *fwdev = p->def->forward.dev;
	int e;

	if ((e = check_attrs(p, node, attrs)) < 0)
		return e;
	fc->n_interfaces++;
	if (!fc->bad_interface && (!dev || !fwdev || strcmp(dev, fwdev)))
		fc->bad_interface = node;
	return walk_children(p, node, NULL, NULL);
}

static const struct element_handler forward_children[] = {
	{ "nat", parse_nat },
	{ "interface", parse_forward_interface },
	{ NULL, NULL },
};

static int parse_forward_mode(struct parser *p, xmlNode *node, const char *mode)
{
	static const char *const direct[] = {
		"bridge", "private", "vepa", "passthrough", "hostdev", NULL
	};
	struct netdef_forward *fw = &p->def->forward;
	const char *const *d;

	fw->mode = NETDEF_FWD_NAT;  /* libvirt: <forward/> means nat */
	if (!mode)
		return 0;
	fw->mode_given = true;
	if (!strcmp(mode, "nat"))
		return 0;
	if (!strcmp(mode, "route")) {
		fw->mode = NETDEF_FWD_ROUTE;
		return 0;
	}
	if (!strcmp(mode, "open")) {
		fw->mode = NETDEF_FWD_OPEN;
		return 0;
	}
	for (d = direct; *d; d++)
		if (!strcmp(*d, mode))
			return fail(p, node, NETDEF_E_UNSUPPORTED, "<forward mode>",
				    "mode '%s' is not supported by vnetd (nat, route, open "
				    "or no <forward> for isolated)", mode);
	return fail(p, node, NETDEF_E_INVALID, "<forward mode>", "unknown mode '%s'", mode);
}

static int parse_forward(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "mode", "dev", NULL };
	struct netdef_forward *fw = &p->def->forward;
	struct forward_ctx fc = { 0, NULL };
	const char *dev;
	int e;

	/* the mode first: it says most about why a definition cannot be used */
	if ((e = once(p, node, SEEN_FORWARD)) < 0 ||
	    (e = parse_forward_mode(p, node, attr(p, node, "mode"))) < 0 ||
	    (e = check_attrs(p, node, attrs)) < 0)
		return e;
	fw->given = true;
	dev = attr(p, node, "dev");
	if (dev) {
		if (!*dev || strlen(dev) > NETDEF_IFNAME_MAX || strchr(dev, '/'))
			return fail(p, node, NETDEF_E_INVALID, "<forward dev>",
				    "not an interface name: '%s'", dev);
		if (!(fw->dev = strdup(dev)))
			return oom(p, node);
	}
	if ((e = walk_children(p, node, forward_children, &fc)) < 0)
		return e;
	if (fc.bad_interface || fc.n_interfaces > 1)
		return fail(p, fc.bad_interface ? fc.bad_interface : node, NETDEF_E_UNSUPPORTED,
			    "<interface>", "an interface pool is not supported; "
			    "use a single <interface> equal to forward dev");
	return 0;
}

/* --- <bridge>, <mac>, <mtu>, <domain>, <name>, <uuid> --- */

/* Linux refuses '/', ':' and whitespace in interface names (dev_valid_name). */
static bool valid_bridge_name(const char *s)
{
	const char *pct = strchr(s, '%');

	if (!*s || strlen(s) > NETDEF_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	if (strpbrk(s, "/: \t\r\n"))
		return false;
	/* one "%d" template at most, as libvirt's virbr%d */
	return !pct || (pct[1] == 'd' && !strchr(pct + 1, '%'));
}

static int parse_bridge(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "name", "stp", "delay", NULL };
	struct netdef *def = p->def;
	const char *name = attr(p, node, "name"), *delay = attr(p, node, "delay");
	int e;

	if ((e = once(p, node, SEEN_BRIDGE)) < 0 || (e = check_attrs(p, node, attrs)) < 0)
		return e;
	def->bridge_given = true;
	if (name) {
		if (!valid_bridge_name(name))
			return fail(p, node, NETDEF_E_INVALID, "<bridge name>",
				    "not a valid interface name (at most %d characters): '%s'",
				    NETDEF_IFNAME_MAX, name);
		snprintf(def->bridge_name, sizeof(def->bridge_name), "%s", name);
	}
	if ((e = want_bool(p, node, "stp", attr(p, node, "stp"), "on", "off", &def->stp)) < 0)
		return e;
	if (delay) {
		unsigned long long v;

		if ((e = want_uint(p, node, "delay", delay, 0, 3600, &v)) < 0)
			return e;
		def->delay_given = true;
		def->delay = (unsigned)v;
	}
	return walk_children(p, node, NULL, NULL);
}

static int parse_mac(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "address", NULL };
	const char *addr = attr(p, node, "address");
	int e;

	if ((e = once(p, node, SEEN_MAC)) < 0 || (e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (!netdef_parse_mac(addr, p->def->mac))
		return fail(p, node, NETDEF_E_INVALID, "<mac address>",
			    "not a MAC address: '%s'", addr ? addr : "");
	if (p->def->mac[0] & 1)
		return fail(p, node, NETDEF_E_INVALID, "<mac address>",
			    "'%s' is a multicast address", addr);
	if (!memcmp(p->def->mac, "\0\0\0\0\0\0", 6))
		return fail(p, node, NETDEF_E_INVALID, "<mac address>",
			    "the all-zero address cannot name a bridge");
	p->def->has_mac = true;
	return walk_children(p, node, NULL, NULL);
}

static int parse_mtu(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "size", NULL };
	unsigned long long v;
	int e;

	if ((e = once(p, node, SEEN_MTU)) < 0 || (e = check_attrs(p, node, attrs)) < 0 ||
	    (e = want_uint(p, node, "size", attr(p, node, "size"), 68, 65535, &v)) < 0)
		return e;
	p->def->has_mtu = true;
	p->def->mtu = (unsigned)v;
	return walk_children(p, node, NULL, NULL);
}

static int parse_domain(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "name", "localOnly", NULL };
	int e;

	if ((e = once(p, node, SEEN_DOMAIN)) < 0 || (e = check_attrs(p, node, attrs)) < 0 ||
	    (e = want_dns_name(p, node, "name", attr(p, node, "name"), &p->def->domain)) < 0 ||
	    (e = want_bool(p, node, "localOnly", attr(p, node, "localOnly"), "yes", "no",
			   &p->def->domain_local_only)) < 0)
		return e;
	return walk_children(p, node, NULL, NULL);
}

static int parse_name(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	const char *name = text_of(p, node);
	int e;

	if ((e = once(p, node, SEEN_NAME)) < 0 || (e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (!netdef_valid_network_name(name))
		return fail(p, node, NETDEF_E_INVALID, "<name>",
			    "must be 1 to %d letters, digits or ._+:- and not start with "
			    ". or -", NETDEF_NAME_MAX);
	if (!(p->def->name = strdup(name)))
		return oom(p, node);
	return 0;
}

static int parse_uuid(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	const char *text = text_of(p, node);
	int e;

	if ((e = once(p, node, SEEN_UUID)) < 0 || (e = check_attrs(p, node, attrs)) < 0)
		return e;
	if (!netdef_parse_uuid(text, p->def->uuid))
		return fail(p, node, NETDEF_E_INVALID, "<uuid>", "not a UUID: '%s'",
			    text ? text : "");
	p->def->uuid_given = true;
	return 0;
}

static const struct element_handler network_children[] = {
	{ "name", parse_name },
	{ "uuid", parse_uuid },
	{ "forward", parse_forward },
	{ "bridge", parse_bridge },
	{ "mac", parse_mac },
	{ "mtu", parse_mtu },
	{ "domain", parse_domain },
	{ "dns", parse_dns },
	{ "ip", parse_ip },
	{ "route", parse_route },
	{ NULL, NULL },
};

static int parse_network(struct parser *p, xmlNode *root)
{
	static const char *const attrs[] = { NULL };
	int e;

	if (!root || root->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)root->name, "network") || root->ns)
		return fail(p, root, NETDEF_E_INVALID, "<network>",
			    "the root element must be <network>");
	if ((e = check_attrs(p, root, attrs)) < 0 ||
	    (e = walk_children(p, root, network_children, NULL)) < 0)
		return e;
	if (!p->def->name)
		return fail(p, root, NETDEF_E_INVALID, "<name>", "a network needs a <name>");
	if (!p->def->uuid_given)
		netdef_uuid_generate(p->def->uuid);
	return 0;
}

/* libxml2 reports errors in order; the first is the one that explains the rest. */
struct first_error {
	bool seen;
	unsigned line;
	char message[200];
};

static void keep_first_error(void *data, xmlError *x)
{
	xmlParserCtxt *ctxt = data;
	struct first_error *fe = ctxt ? ctxt->_private : NULL;
	size_t n;

	if (!fe || fe->seen || !x || x->level < XML_ERR_ERROR)
		return;
	fe->seen = true;
	fe->line = x->line > 0 ? (unsigned)x->line : 0;
	/* an unclosed tag is found far below it; name the line that opened it */
	if (x->code == XML_ERR_TAG_NAME_MISMATCH && x->int1 > 0)
		fe->line = (unsigned)x->int1;
	snprintf(fe->message, sizeof(fe->message), "%s", x->message ? x->message : "");
	n = strlen(fe->message);
	while (n && (fe->message[n - 1] == '\n' || fe->message[n - 1] == ' '))
		fe->message[--n] = '\0';
}

/* Not well-formed: report libxml2's first message and its line. */
static int syntax_error(const struct first_error *fe, struct netdef_error *err)
{
	if (!fe->seen)
		return netdef_fail(err, NETDEF_E_SYNTAX, 0, "", "malformed XML");
	return netdef_fail(err, NETDEF_E_SYNTAX, fe->line, "", "malformed XML: %s",
			   fe->message);
}

int netdef_parse(const char *buf, size_t len, const char *origin, struct netdef **ret,
		 struct netdef_error *err)
{
	struct netdef_error local;
	struct parser p = { 0 };
	struct first_error first = { 0 };
	xmlParserCtxt *ctxt;
	xmlDoc *doc = NULL;
	int r;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", origin ? origin : "<input>");
	if (len > NETDEF_FILE_MAX || len > INT32_MAX)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "", "larger than %d bytes",
				   NETDEF_FILE_MAX);
	ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
	ctxt->_private = &first;
	ctxt->sax->serror = keep_first_error;
	/* no network, no entity expansion, no DTD loading, no error printing */
	doc = xmlCtxtReadMemory(ctxt, buf, (int)len, origin, NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
				XML_PARSE_BIG_LINES | XML_PARSE_NOCDATA);
	if (!doc) {
		r = syntax_error(&first, err);
		goto out;
	}
	if (doc->intSubset || doc->extSubset) {
		r = netdef_fail(err, NETDEF_E_INVALID, 1, "<!DOCTYPE>",
				"document type declarations are not accepted");
		goto out;
	}
	p.err = err;
	p.def = calloc(1, sizeof(*p.def));
	if (!p.def) {
		r = netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		goto out;
	}
	r = parse_network(&p, xmlDocGetRootElement(doc));
	if (r == 0)
		r = netdef_validate(p.def, err);
	if (r == 0) {
		*ret = p.def;
		p.def = NULL;
	}
out:
	netdef_free(p.def);
	while (p.n_pool)
		xmlFree(p.pool[--p.n_pool]);
	free(p.pool);
	xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctxt);
	return r;
}

int netdef_parse_file(const char *path, struct netdef **ret, struct netdef_error *err)
{
	struct netdef_error local;
	size_t len;
	char *buf;
	int r;

	if (!err)
		err = &local;
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", path);
	r = read_small_file(path, NETDEF_FILE_MAX, &buf, &len);
	if (r == -EFBIG)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "",
				   "not a regular file of at most %d bytes", NETDEF_FILE_MAX);
	if (r < 0)
		return netdef_fail(err, r, 0, "", "cannot read: %s", strerror(-r));
	r = netdef_parse(buf, len, path, ret, err);
	free(buf);
	return r;
}
