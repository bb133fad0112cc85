/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target for netdef: any bytes either are refused with a message,
 * or parse into a model whose formatted XML parses back into an equal model
 * and formats to the same bytes. The parser reads files an admin may have
 * copied from anywhere, and `update` feeds it XML from the control socket.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/def/netdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void die(const char *what, const struct netdef_error *err, const char *xml)
{
	fprintf(stderr, "fuzz_netdef: %s\n", what);
	if (err)
		fprintf(stderr, "  %s:%u: %s: %s\n", err->file, err->line, err->field,
			err->message);
	if (xml)
		fprintf(stderr, "--- formatted ---\n%s\n", xml);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct netdef *def = NULL, *again = NULL;
	struct netdef_error err;
	char *xml, *xml2;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = netdef_parse((const char *)data, size, "fuzz", &def, &err);
	if (rc < 0) {
		/* A refusal must say why, and must not hand out a model. */
		if (def)
			die("failed parse set *ret", &err, NULL);
		if (rc <= NETDEF_E_SYNTAX && rc >= NETDEF_E_INVALID && !err.message[0])
			die("refusal without a message", &err, NULL);
		return 0;
	}

	xml = netdef_format(def);
	if (!xml)
		die("format failed", NULL, NULL);
	memset(&err, 0, sizeof(err));
	if (netdef_parse(xml, strlen(xml), "fuzz-formatted", &again, &err) < 0)
		die("formatted output refused", &err, xml);
	if (!netdef_equal(def, again))
		die("round trip changed the model", NULL, xml);
	xml2 = netdef_format(again);
	if (!xml2 || strcmp(xml, xml2) != 0)
		die("format not stable", NULL, xml);

	free(xml2);
	free(xml);
	netdef_free(again);
	netdef_free(def);
	return 0;
}
