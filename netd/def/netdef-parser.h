/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef-parser: what the XML parser's files share — the walk over a
 * libxml2 tree with per-element handlers, and helpers that read an attribute
 * or fail naming it ("<element attr>") with the element's line.
 */
#ifndef VNETD_NETDEF_PARSER_H
#define VNETD_NETDEF_PARSER_H

#include "netd/def/netdef-internal.h"

#include <libxml/tree.h>

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

/* Elements that may appear once under <network>. */
enum {
	SEEN_NAME = 1 << 0, SEEN_UUID = 1 << 1, SEEN_FORWARD = 1 << 2, SEEN_BRIDGE = 1 << 3,
	SEEN_MAC = 1 << 4, SEEN_MTU = 1 << 5, SEEN_DOMAIN = 1 << 6, SEEN_DNS = 1 << 7,
	SEEN_TITLE = 1 << 8, SEEN_DESCRIPTION = 1 << 9, SEEN_METADATA = 1 << 10,
};

unsigned np_line(const xmlNode *node);
int np_fail(struct parser *p, const xmlNode *node, int code, const char *field,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
int np_oom(struct parser *p, const xmlNode *node);
/* An attribute's value, or NULL when absent; valid until parsing ends. */
const char *np_attr(struct parser *p, xmlNode *node, const char *name);
/* An element's text, or NULL; valid until parsing ends. */
const char *np_text(struct parser *p, xmlNode *node);
char *np_dup(const char *s);
/* Refuse any attribute not in `allowed` (NULL-terminated) as unsupported. */
int np_check_attrs(struct parser *p, xmlNode *node, const char *const *allowed);
/*
 * Dispatch element children by name; unknown ones are refused. An element in
 * vnetd's namespace (NETDEF_XMLNS) goes to the entry named "vnetd:NAME".
 */
int np_walk(struct parser *p, xmlNode *node, const struct element_handler *table, void *ctx);
int np_once(struct parser *p, xmlNode *node, unsigned bit);
int np_want_ipv4(struct parser *p, xmlNode *node, const char *name, const char *v,
		 struct in_addr *out);
int np_want_uint(struct parser *p, xmlNode *node, const char *name, const char *v,
		 unsigned long long min, unsigned long long max, unsigned long long *out);
int np_want_bool(struct parser *p, xmlNode *node, const char *name, const char *v,
		 const char *yes, const char *no, enum netdef_tristate *out);
int np_want_dns_name(struct parser *p, xmlNode *node, const char *name, const char *v,
		     char **out);

/* Element handlers that live in their own files. */
int netdef_parse_ip(struct parser *p, xmlNode *node, void *ctx);
int netdef_parse_route(struct parser *p, xmlNode *node, void *ctx);
int netdef_parse_boot(struct parser *p, xmlNode *node, void *ctx);

/* parse_ip6.c: <ip family='ipv6'> and <route family='ipv6'> */
bool netdef_is_ip6_element(struct parser *p, xmlNode *node);
int netdef_parse_ip6(struct parser *p, xmlNode *node);
int netdef_parse_route6(struct parser *p, xmlNode *node);
int np_want_ipv6(struct parser *p, xmlNode *node, const char *name, const char *v,
		 struct in6_addr *out);
extern const struct element_handler netdef_lease_children[];
int netdef_parse_dns(struct parser *p, xmlNode *node, void *ctx);
int netdef_parse_title(struct parser *p, xmlNode *node, void *ctx);
int netdef_parse_description(struct parser *p, xmlNode *node, void *ctx);
int netdef_parse_metadata(struct parser *p, xmlNode *node, void *ctx);

#endif
