/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `update`'s XML fragment: one element (a DHCP <host> or <range>, a DNS
 * <host>, <srv> or <txt>), parsed by the same parser as a whole definition
 * so that it is checked the same way. The fragment is first read on its own
 * with libxml2 (one element of the expected name, no DTD) and only then set
 * into a minimal network around it, on the first line, so that errors name
 * line 1 of the fragment and the field. A fragment that only names what to
 * delete may leave out what an entry needs (libvirt's partial host).
 */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#define FRAGMENT_MAX 65536

/* One root element named `want`, nothing else: 0 or NETDEF_E_* with err. */
static int check_alone(const char *xml, size_t len, const char *want, struct netdef_error *err)
{
	xmlDoc *doc;
	xmlNode *root;
	int r = 0;

	doc = xmlReadMemory(xml, (int)len, "fragment", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *x = xmlGetLastError();
		char m[200] = "malformed XML";
		size_t n;

		if (x && x->message) {
			snprintf(m, sizeof(m), "malformed XML: %s", x->message);
			n = strlen(m);
			while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
				m[--n] = '\0';
		}
		return netdef_fail(err, NETDEF_E_SYNTAX, x && x->line > 0 ? (unsigned)x->line : 0,
				   "", "%s", m);
	}
	root = xmlDocGetRootElement(doc);
	if (doc->intSubset || doc->extSubset)
		r = netdef_fail(err, NETDEF_E_INVALID, 1, "<!DOCTYPE>",
				"document type declarations are not accepted");
	else if (!root || strcmp((const char *)root->name, want) || root->ns)
		r = netdef_fail(err, NETDEF_E_INVALID, root ? (unsigned)xmlGetLineNo(root) : 1,
				"", "this section takes one <%s> element, not <%s>", want,
				root ? (const char *)root->name : "");
	xmlFreeDoc(doc);
	return r;
}

int netdef_fragment_parse(const struct netdef_ip *ip, const struct netdef_ip6 *ip6, bool in_dhcp,
			  bool partial, const char *want, const char *xml, struct netdef **out,
			  struct netdef_error *err)
{
	char addr[INET6_ADDRSTRLEN] = "0.0.0.0", *doc;
	size_t len = strlen(xml);
	int n, r;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "fragment");
	if (len > FRAGMENT_MAX)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "", "longer than %d bytes",
				   FRAGMENT_MAX);
	/* an XML declaration cannot stand inside the wrapper */
	if (!strncmp(xml, "<?xml", 5))
		return netdef_fail(err, NETDEF_E_INVALID, 1, "", "give the element alone, "
				   "without an <?xml ...?> declaration");
	if ((r = check_alone(xml, len, want, err)) < 0)
		return r;
	if (ip6)
		inet_ntop(AF_INET6, &ip6->address, addr, sizeof(addr));
	else if (ip)
		inet_ntop(AF_INET, &ip->address, addr, sizeof(addr));
	doc = malloc(len + 256);
	if (!doc)
		return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
	if (in_dhcp && ip6)
		n = snprintf(doc, len + 256, "<network><name>fragment</name><ip family='ipv6' "
			     "address='%s' prefix='%u'><dhcp>%s</dhcp></ip></network>", addr,
			     ip6->prefix, xml);
	else if (in_dhcp)
		n = snprintf(doc, len + 256, "<network><name>fragment</name><ip address='%s' "
			     "prefix='%u'><dhcp>%s</dhcp></ip></network>", addr,
			     ip ? ip->prefix : 24, xml);
	else
		n = snprintf(doc, len + 256, "<network><name>fragment</name><dns>%s</dns>"
			     "</network>", xml);
	/* what deletes may name only part of an entry, as libvirt allows */
	r = netdef_parse_checked(doc, (size_t)n, "fragment", !partial, out, err);
	free(doc);
	return r;
}
