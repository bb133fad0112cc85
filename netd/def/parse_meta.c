/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef: <title>, <description> and <metadata>, which virsh net-dumpxml
 * prints and vnetd keeps for dumpxml without acting on them. <metadata> is
 * applications' own XML (one element per namespace, libvirt's rule): it is
 * stored verbatim, with the namespace declarations it needs, so a
 * define/dumpxml round trip hands it back unchanged.
 */
#include "netd/def/netdef-parser.h"

#include <libxml/tree.h>
#include <stdlib.h>
#include <string.h>

#define NETDEF_TEXT_MAX 65536   /* a title or description; libvirt sets no limit */

static int parse_text(struct parser *p, xmlNode *node, unsigned bit, bool one_line,
		      char **out)
{
	static const char *const attrs[] = { NULL };
	char field[64];
	const char *text;
	xmlNode *c;
	int e;

	if ((e = np_once(p, node, bit)) < 0 || (e = np_check_attrs(p, node, attrs)) < 0)
		return e;
	snprintf(field, sizeof(field), "<%s>", node->name);
	for (c = node->children; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return np_fail(p, c, NETDEF_E_INVALID, field, "holds text, not elements");
	text = np_text(p, node);
	if (!text)
		return np_oom(p, node);
	if (strlen(text) > NETDEF_TEXT_MAX)
		return np_fail(p, node, NETDEF_E_INVALID, field, "longer than %d bytes",
			       NETDEF_TEXT_MAX);
	if (one_line && strpbrk(text, "\r\n"))
		return np_fail(p, node, NETDEF_E_INVALID, field, "must be a single line");
	*out = strdup(text);
	return *out ? 0 : np_oom(p, node);
}

int netdef_parse_title(struct parser *p, xmlNode *node, void *ctx)
{
	return parse_text(p, node, SEEN_TITLE, true, &p->def->title);
}

int netdef_parse_description(struct parser *p, xmlNode *node, void *ctx)
{
	return parse_text(p, node, SEEN_DESCRIPTION, false, &p->def->description);
}

/* Every child element in a namespace of its own, as libvirt requires. */
static int check_metadata_children(struct parser *p, xmlNode *node)
{
	xmlNode *c;

	for (c = node->children; c; c = c->next) {
		if (c->type == XML_ELEMENT_NODE && (!c->ns || !c->ns->href))
			return np_fail(p, c, NETDEF_E_INVALID, "<metadata>",
				       "<%s> needs a namespace (xmlns:PREFIX='URI')", c->name);
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content && strspn((const char *)c->content, " \t\r\n") !=
		    strlen((const char *)c->content))
			return np_fail(p, c, NETDEF_E_INVALID, "<metadata>", "unexpected text");
	}
	return 0;
}

/*
 * A copy in a document of its own carries the namespace declarations that
 * were made on <network> (libxml2 declares them again on the copy's root).
 */
static char *dump_element(xmlNode *node)
{
	xmlDoc *doc = xmlNewDoc((const xmlChar *)"1.0");
	xmlBuffer *buf = xmlBufferCreate();
	xmlNode *copy = doc ? xmlDocCopyNode(node, doc, 1) : NULL;
	char *out = NULL;

	if (copy && buf) {
		xmlDocSetRootElement(doc, copy);
		if (xmlNodeDump(buf, doc, copy, 0, 0) >= 0)
			out = strdup((const char *)xmlBufferContent(buf));
	} else if (copy) {
		xmlFreeNode(copy);
	}
	xmlBufferFree(buf);
	xmlFreeDoc(doc);
	return out;
}

int netdef_parse_metadata(struct parser *p, xmlNode *node, void *ctx)
{
	static const char *const attrs[] = { NULL };
	int e;

	if ((e = np_once(p, node, SEEN_METADATA)) < 0 ||
	    (e = np_check_attrs(p, node, attrs)) < 0 ||
	    (e = check_metadata_children(p, node)) < 0)
		return e;
	p->def->metadata = dump_element(node);
	return p->def->metadata ? 0 : np_oom(p, node);
}
