/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: the parser's walk and attribute helpers (see netdef-parser.h). */
#include "netd/def/netdef-parser.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

unsigned np_line(const xmlNode *node)
{
	long l = xmlGetLineNo(node);

	return l > 0 ? (unsigned)l : 0;
}

int np_fail(struct parser *p, const xmlNode *node, int code, const char *field,
		const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return netdef_fail(p->err, code, node ? np_line(node) : 0, field, "%s", msg);
}

int np_oom(struct parser *p, const xmlNode *node)
{
	return np_fail(p, node, -ENOMEM, "", "out of memory");
}

/* Keep a libxml2 string until parsing ends, so callers need not free it. */
static const char *keep(struct parser *p, xmlChar *v)
{
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

const char *np_attr(struct parser *p, xmlNode *node, const char *name)
{
	return keep(p, xmlGetNoNsProp(node, (const xmlChar *)name));
}

const char *np_text(struct parser *p, xmlNode *node)
{
	return keep(p, xmlNodeGetContent(node));
}

char *np_dup(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Refuse any attribute not in `allowed` (a NULL-terminated list). */
/* An element's name as the definition writes it: "vnetd:boot" for ours. */
static const char *np_prefix(const xmlNode *node)
{
	return node->ns && node->ns->href && !strcmp((const char *)node->ns->href, NETDEF_XMLNS)
		       ? "vnetd:" : "";
}

int np_check_attrs(struct parser *p, xmlNode *node, const char *const *allowed)
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
		snprintf(field, sizeof(field), "<%s%s %s>", np_prefix(node), node->name, a->name);
		return np_fail(p, node, NETDEF_E_UNSUPPORTED, field,
			    "attribute not supported by vnetd");
	}
	return 0;
}

static bool np_is_blank(const xmlChar *s)
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
int np_walk(struct parser *p, xmlNode *node, const struct element_handler *table,
			 void *ctx)
{
	xmlNode *c;
	int r;

	for (c = node->children; c; c = c->next) {
		const struct element_handler *h;
		char field[80];
		bool ours;

		if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) {
			if (np_is_blank(c->content))
				continue;
			snprintf(field, sizeof(field), "<%s>", node->name);
			return np_fail(p, c, NETDEF_E_INVALID, field, "unexpected text");
		}
		if (c->type != XML_ELEMENT_NODE)
			continue;       /* comments, processing instructions */
		ours = c->ns && c->ns->href && !strcmp((const char *)c->ns->href, NETDEF_XMLNS);
		if (c->ns && c->ns->prefix && !ours) {
			snprintf(field, sizeof(field), "<%s:%s>", c->ns->prefix, c->name);
			return np_fail(p, c, NETDEF_E_UNSUPPORTED, field,
				    "element not supported by vnetd");
		}
		snprintf(field, sizeof(field), "%s%s", ours ? "vnetd:" : "", c->name);
		for (h = table; h && h->name; h++)
			if (!strcmp(h->name, field))
				break;
		if (!h || !h->name) {
			snprintf(field, sizeof(field), "<%s%s>", ours ? "vnetd:" : "", c->name);
			return np_fail(p, c, NETDEF_E_UNSUPPORTED, field,
				    "element not supported by vnetd");
		}
		r = h->fn(p, c, ctx);
		if (r < 0)
			return r;
	}
	return 0;
}

/* Elements that may appear once under <network>. */
int np_once(struct parser *p, xmlNode *node, unsigned bit)
{
	char field[64];

	if (!(p->seen & bit)) {
		p->seen |= bit;
		return 0;
	}
	snprintf(field, sizeof(field), "<%s>", node->name);
	return np_fail(p, node, NETDEF_E_INVALID, field, "given more than once");
}

/* --- value helpers: parse an attribute or fail naming it --- */

int np_want_ipv4(struct parser *p, xmlNode *node, const char *name, const char *v,
		     struct in_addr *out)
{
	char field[64];

	snprintf(field, sizeof(field), "<%s%s %s>", np_prefix(node), node->name, name);
	if (!v)
		return np_fail(p, node, NETDEF_E_INVALID, field, "missing");
	if (netdef_parse_ipv4(v, out))
		return 0;
	if (strchr(v, ':'))
		return np_fail(p, node, NETDEF_E_UNSUPPORTED, field,
			    "IPv6 is not supported by vnetd yet: '%s'", v);
	return np_fail(p, node, NETDEF_E_INVALID, field, "not an IPv4 address: '%s'", v);
}

int np_want_uint(struct parser *p, xmlNode *node, const char *name, const char *v,
		     unsigned long long min, unsigned long long max, unsigned long long *out)
{
	char field[64];

	snprintf(field, sizeof(field), "<%s%s %s>", np_prefix(node), node->name, name);
	if (!v)
		return np_fail(p, node, NETDEF_E_INVALID, field, "missing");
	if (!netdef_parse_uint(v, max, out) || *out < min)
		return np_fail(p, node, NETDEF_E_INVALID, field,
			    "'%s' is not a number from %llu to %llu", v, min, max);
	return 0;
}

int np_want_bool(struct parser *p, xmlNode *node, const char *name, const char *v,
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
	snprintf(field, sizeof(field), "<%s%s %s>", np_prefix(node), node->name, name);
	return np_fail(p, node, NETDEF_E_INVALID, field, "must be '%s' or '%s', not '%s'", yes,
		    no, v);
}

int np_want_dns_name(struct parser *p, xmlNode *node, const char *name, const char *v,
			 char **out)
{
	char field[64];

	snprintf(field, sizeof(field), "<%s%s %s>", np_prefix(node), node->name, name);
	if (!v)
		return np_fail(p, node, NETDEF_E_INVALID, field, "missing");
	if (!netdef_valid_dns_name(v))
		return np_fail(p, node, NETDEF_E_INVALID, field, "not a valid DNS name: '%s'", v);
	*out = strdup(v);
	return *out ? 0 : np_oom(p, node);
}
