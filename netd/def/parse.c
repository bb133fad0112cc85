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
#include "netd/def/netdef-parser.h"
#include "netd/base/base.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NETDEF_FILE_MAX (1 << 20)   /* definitions are a few KB */

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

	if ((r = np_check_attrs(p, node, attrs)) < 0)
		return r;
	if (!strcmp((const char *)node->name, "address")) {
		if (fw->has_nat_addr)
			return np_fail(p, node, NETDEF_E_INVALID, "<address>", "given more than once");
		if ((r = np_want_ipv4(p, node, "start", np_attr(p, node, "start"),
				   &fw->nat_addr_start)) < 0 ||
		    (r = np_want_ipv4(p, node, "end", np_attr(p, node, "end"), &fw->nat_addr_end)) < 0)
			return r;
		if (ntohl(fw->nat_addr_start.s_addr) > ntohl(fw->nat_addr_end.s_addr))
			return np_fail(p, node, NETDEF_E_INVALID, "<address>",
				    "start is after end");
		fw->has_nat_addr = true;
	} else {
		if (fw->has_nat_port)
			return np_fail(p, node, NETDEF_E_INVALID, "<port>", "given more than once");
		if ((r = np_want_uint(p, node, "start", np_attr(p, node, "start"), 1, 65535, &s)) < 0 ||
		    (r = np_want_uint(p, node, "end", np_attr(p, node, "end"), 1, 65535, &e)) < 0)
			return r;
		if (s > e)
			return np_fail(p, node, NETDEF_E_INVALID, "<port>", "start is after end");
		fw->has_nat_port = true;
		fw->nat_port_start = (unsigned)s;
		fw->nat_port_end = (unsigned)e;
	}
	return np_walk(p, node, NULL, NULL);
}

static const struct element_handler nat_children[] = {
	{ "address", parse_nat_range },
	{ "port", parse_nat_range },
	{ NULL, NULL },
};

static int parse_nat(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "ipv6", NULL };
	struct netdef_forward *fw = &p->def->forward;
	int e;

	if (fw->mode != NETDEF_FWD_NAT)
		return np_fail(p, node, NETDEF_E_INVALID, "<nat>",
			    "only allowed with forward mode 'nat'");
	if (fw->has_nat)
		return np_fail(p, node, NETDEF_E_INVALID, "<nat>", "given more than once");
	if ((e = np_check_attrs(p, node, attrs)) < 0 ||
	    (e = np_want_bool(p, node, "ipv6", np_attr(p, node, "ipv6"), "yes", "no",
			      &fw->nat_ipv6)) < 0)
		return e;
	fw->has_nat = true;
	return np_walk(p, node, nat_children, fw);
}

/*
 * libvirt echoes forward dev= as a single <interface dev>; a pool of several
 * interfaces only has a meaning for the direct modes vnetd does not do.
 */
static int parse_forward_interface(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "dev", NULL };
	struct forward_ctx *fc = ctx;
	const char *dev = np_attr(p, node, "dev"), *fwdev = p->def->forward.dev;
	int e;

	if ((e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	fc->n_interfaces++;
	if (!fc->bad_interface && (!dev || !fwdev || strcmp(dev, fwdev)))
		fc->bad_interface = node;
	return np_walk(p, node, NULL, NULL);
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
			return np_fail(p, node, NETDEF_E_UNSUPPORTED, "<forward mode>",
				    "mode '%s' is not supported by vnetd (nat, route, open "
				    "or no <forward> for isolated)", mode);
	return np_fail(p, node, NETDEF_E_INVALID, "<forward mode>", "unknown mode '%s'", mode);
}

static int parse_forward(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "mode", "dev", NULL };
	struct netdef_forward *fw = &p->def->forward;
	struct forward_ctx fc = { 0, NULL };
	const char *dev;
	int e;

	/* the mode first: it says most about why a definition cannot be used */
	if ((e = np_once(p, node, SEEN_FORWARD)) < 0 ||
	    (e = parse_forward_mode(p, node, np_attr(p, node, "mode"))) < 0 ||
	    (e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	fw->given = true;
	dev = np_attr(p, node, "dev");
	if (dev) {
		if (!*dev || strlen(dev) > NETDEF_IFNAME_MAX || strchr(dev, '/'))
			return np_fail(p, node, NETDEF_E_INVALID, "<forward dev>",
				    "not an interface name: '%s'", dev);
		if (!(fw->dev = strdup(dev)))
			return np_oom(p, node);
	}
	if ((e = np_walk(p, node, forward_children, &fc)) < 0)
		return e;
	if (fc.bad_interface || fc.n_interfaces > 1)
		return np_fail(p, fc.bad_interface ? fc.bad_interface : node, NETDEF_E_UNSUPPORTED,
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
	const char *name = np_attr(p, node, "name"), *delay = np_attr(p, node, "delay");
	int e;

	if ((e = np_once(p, node, SEEN_BRIDGE)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	def->bridge_given = true;
	if (name) {
		if (!valid_bridge_name(name))
			return np_fail(p, node, NETDEF_E_INVALID, "<bridge name>",
				    "not a valid interface name (at most %d characters): '%s'",
				    NETDEF_IFNAME_MAX, name);
		snprintf(def->bridge_name, sizeof(def->bridge_name), "%s", name);
	}
	if ((e = np_want_bool(p, node, "stp", np_attr(p, node, "stp"), "on", "off", &def->stp)) < 0)
		return e;
	if (delay) {
		unsigned long long v;

		if ((e = np_want_uint(p, node, "delay", delay, 0, 3600, &v)) < 0)
			return e;
		def->delay_given = true;
		def->delay = (unsigned)v;
	}
	return np_walk(p, node, NULL, NULL);
}

static int parse_mac(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "address", NULL };
	const char *addr = np_attr(p, node, "address");
	int e;

	if ((e = np_once(p, node, SEEN_MAC)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!addr)
		return np_fail(p, node, NETDEF_E_INVALID, "<mac address>", "missing");
	if (!netdef_parse_mac(addr, p->def->mac))
		return np_fail(p, node, NETDEF_E_INVALID, "<mac address>",
			    "not a MAC address: '%s'", addr);
	if (p->def->mac[0] & 1)
		return np_fail(p, node, NETDEF_E_INVALID, "<mac address>",
			    "'%s' is a multicast address", addr);
	if (!memcmp(p->def->mac, "\0\0\0\0\0\0", 6))
		return np_fail(p, node, NETDEF_E_INVALID, "<mac address>",
			    "the all-zero address cannot name a bridge");
	p->def->has_mac = true;
	return np_walk(p, node, NULL, NULL);
}

static int parse_mtu(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "size", NULL };
	unsigned long long v;
	int e;

	if ((e = np_once(p, node, SEEN_MTU)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0 ||
	    (e = np_want_uint(p, node, "size", np_attr(p, node, "size"), 68, 65535, &v)) < 0)
		return e;
	p->def->has_mtu = true;
	p->def->mtu = (unsigned)v;
	return np_walk(p, node, NULL, NULL);
}

static int parse_domain(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { "name", "localOnly", NULL };
	int e;

	if ((e = np_once(p, node, SEEN_DOMAIN)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0 ||
	    (e = np_want_dns_name(p, node, "name", np_attr(p, node, "name"), &p->def->domain)) < 0 ||
	    (e = np_want_bool(p, node, "localOnly", np_attr(p, node, "localOnly"), "yes", "no",
			   &p->def->domain_local_only)) < 0)
		return e;
	return np_walk(p, node, NULL, NULL);
}

static int parse_name(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	const char *name = np_text(p, node);
	int e;

	if ((e = np_once(p, node, SEEN_NAME)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!vnetd_valid_name(name))
		return np_fail(p, node, NETDEF_E_INVALID, "<name>",
			    "must be 1 to %d letters, digits or ._+:- and not start with "
			    ". or -", NETDEF_NAME_MAX);
	if (!(p->def->name = strdup(name)))
		return np_oom(p, node);
	return 0;
}

static int parse_uuid(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	const char *text = np_text(p, node);
	int e;

	if ((e = np_once(p, node, SEEN_UUID)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	if (!netdef_parse_uuid(text, p->def->uuid))
		return np_fail(p, node, NETDEF_E_INVALID, "<uuid>", "not a UUID: '%s'",
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
	{ "dns", netdef_parse_dns },
	{ "ip", netdef_parse_ip },
	{ "route", netdef_parse_route },
	{ "title", netdef_parse_title },
	{ "description", netdef_parse_description },
	{ "metadata", netdef_parse_metadata },
	{ NULL, NULL },
};

static int parse_network(struct parser *p, xmlNode *root)
{
	/* connections='N': how many guests libvirt counts at run time; not a setting */
	static const char *const attrs[] = { "connections", "ipv6", NULL };
	int e;

	if (!root || root->type != XML_ELEMENT_NODE ||
	    strcmp((const char *)root->name, "network") || root->ns)
		return np_fail(p, root, NETDEF_E_INVALID, "<network>",
			    "the root element must be <network>");
	if ((e = np_check_attrs(p, root, attrs)) < 0)
		return e;
	if (np_attr(p, root, "connections") &&
	    (e = np_want_uint(p, root, "connections", np_attr(p, root, "connections"), 0,
			      0xffffffffu, &(unsigned long long){ 0 })) < 0)
		return e;
	if ((e = np_want_bool(p, root, "ipv6", np_attr(p, root, "ipv6"), "yes", "no",
			      &p->def->ipv6)) < 0 ||
	    (e = np_walk(p, root, network_children, NULL)) < 0)
		return e;
	if (!p->def->name)
		return np_fail(p, root, NETDEF_E_INVALID, "<name>", "a network needs a <name>");
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
	return netdef_parse_checked(buf, len, origin, true, ret, err);
}

int netdef_parse_checked(const char *buf, size_t len, const char *origin, bool validate,
			 struct netdef **ret, struct netdef_error *err)
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
	if (r == 0 && validate)
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
