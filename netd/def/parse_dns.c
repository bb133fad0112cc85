/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: <dns> with its forwarders and records. */
#include "netd/def/netdef-parser.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- <dns> --- */

/* libvirt takes either family for a <host ip> and a <forwarder addr>. */
static int want_any_ip(struct parser *p, xmlNode *node, const char *name, const char *v,
		       struct in_addr *v4, bool *is6, struct in6_addr *v6)
{
	*is6 = v && strchr(v, ':');
	return *is6 ? np_want_ipv6(p, node, name, v, v6) : np_want_ipv4(p, node, name, v, v4);
}

static int parse_forwarder(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "addr", "domain", NULL };
	struct netdef_dns *dns = ctx;
	struct netdef_dns_forwarder *f;
	const char *addr = np_attr(p, node, "addr"), *domain = np_attr(p, node, "domain");
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!addr && !domain)
		return np_fail(p, node, NETDEF_E_INVALID, "<forwarder>", "needs addr or domain");
	f = netdef_array_push(&dns->forwarders, &dns->n_forwarders, sizeof(*f));
	if (!f)
		return np_oom(p, node);
	f->line = np_line(node);
	if (addr) {
		if ((e = want_any_ip(p, node, "addr", addr, &f->addr, &f->addr_is_ipv6,
				     &f->addr6)) < 0)
			return e;
		f->has_addr = true;
	}
	if (domain && (e = np_want_dns_name(p, node, "domain", domain, &f->domain)) < 0)
		return e;
	return np_walk(p, node, NULL, NULL);
}

static int parse_hostname(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	struct netdef_dns_host *h = ctx;
	const char *name = np_text(p, node);
	char **slot;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!name || !netdef_valid_dns_name(name))
		return np_fail(p, node, NETDEF_E_INVALID, "<hostname>",
			    "not a valid DNS name: '%s'", name ? name : "");
	slot = netdef_array_push(&h->hostnames, &h->n_hostnames, sizeof(*slot));
	if (!slot || !(*slot = strdup(name)))
		return np_oom(p, node);
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

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	h = netdef_array_push(&dns->hosts, &dns->n_hosts, sizeof(*h));
	if (!h)
		return np_oom(p, node);
	h->line = np_line(node);
	if (!np_attr(p, node, "ip"))
		return np_fail(p, node, NETDEF_E_INVALID, "<host>", "needs an ip attribute");
	if ((e = want_any_ip(p, node, "ip", np_attr(p, node, "ip"), &h->ip, &h->ip_is_ipv6,
			     &h->ip6)) < 0 ||
	    (e = np_walk(p, node, dns_host_children, h)) < 0)
		return e;
	if (!h->n_hostnames)
		return np_fail(p, node, NETDEF_E_INVALID, "<host>", "needs at least one <hostname>");
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
	const char *v = np_attr(p, node, name);
	unsigned long long n;
	int e;

	if (!v)
		return 0;
	if ((e = np_want_uint(p, node, name, v, 0, 65535, &n)) < 0)
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
	const char *service = np_attr(p, node, "service"), *proto = np_attr(p, node, "protocol");
	const char *domain = np_attr(p, node, "domain"), *target = np_attr(p, node, "target");
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!service || !valid_service(service))
		return np_fail(p, node, NETDEF_E_INVALID, "<srv service>",
			    "needs a service name of 1 to 15 letters, digits or '-'");
	if (!proto || (strcmp(proto, "tcp") && strcmp(proto, "udp")))
		return np_fail(p, node, NETDEF_E_INVALID, "<srv protocol>", "must be tcp or udp");
	s = netdef_array_push(&dns->srvs, &dns->n_srvs, sizeof(*s));
	if (!s)
		return np_oom(p, node);
	s->line = np_line(node);
	if (!(s->service = strdup(service)) || !(s->protocol = strdup(proto)))
		return np_oom(p, node);
	if ((domain && (e = np_want_dns_name(p, node, "domain", domain, &s->domain)) < 0) ||
	    (target && (e = np_want_dns_name(p, node, "target", target, &s->target)) < 0) ||
	    (e = srv_number(p, node, "port", &s->port_given, &s->port)) < 0 ||
	    (e = srv_number(p, node, "priority", &s->priority_given, &s->priority)) < 0 ||
	    (e = srv_number(p, node, "weight", &s->weight_given, &s->weight)) < 0)
		return e;
	return np_walk(p, node, NULL, NULL);
}

static int parse_txt(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "name", "value", NULL };
	struct netdef_dns *dns = ctx;
	struct netdef_dns_txt *t;
	const char *name = np_attr(p, node, "name"), *value = np_attr(p, node, "value");
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!name || !value)
		return np_fail(p, node, NETDEF_E_INVALID, "<txt>", "needs name and value");
	if (!netdef_valid_dns_name(name))
		return np_fail(p, node, NETDEF_E_INVALID, "<txt name>",
			    "not a valid DNS name: '%s'", name);
	/* one TXT character-string holds at most 255 bytes (RFC 1035 §3.3) */
	if (strlen(value) > 255)
		return np_fail(p, node, NETDEF_E_INVALID, "<txt value>", "longer than 255 bytes");
	t = netdef_array_push(&dns->txts, &dns->n_txts, sizeof(*t));
	if (!t)
		return np_oom(p, node);
	t->line = np_line(node);
	if (!(t->name = strdup(name)) || !(t->value = strdup(value)))
		return np_oom(p, node);
	return np_walk(p, node, NULL, NULL);
}

static const struct element_handler dns_children[] = {
	{ "forwarder", parse_forwarder },
	{ "host", parse_dns_host },
	{ "srv", parse_srv },
	{ "txt", parse_txt },
	{ NULL, NULL },
};

int netdef_parse_dns(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "enable", "forwardPlainNames", NULL };
	struct netdef *def = p->def;
	int e;

	if ((e = np_once(p, node, SEEN_DNS)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0 ||
	    (e = np_want_bool(p, node, "enable", np_attr(p, node, "enable"), "yes", "no",
			   &def->dns.enable)) < 0 ||
	    (e = np_want_bool(p, node, "forwardPlainNames", np_attr(p, node, "forwardPlainNames"),
			   "yes", "no", &def->dns.forward_plain_names)) < 0)
		return e;
	def->dns_given = true;
	def->dns.line = np_line(node);
	return np_walk(p, node, dns_children, &def->dns);
}
