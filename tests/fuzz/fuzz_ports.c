/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: STATEDIR/NAME.ports, the list of attached ports that
 * `start` attaches again as root. Whatever it accepts holds valid,
 * terminated interface names, no name twice, at most HOST_MAX_PORTS, and
 * reads back to the same text after a format.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netd/host/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct saved_ports *sp)
{
	size_t i, j;

	if (sp->n > HOST_MAX_PORTS)
		abort();
	for (i = 0; i < sp->n; i++) {
		const char *name = sp->ports[i].ifname;

		if (!memchr(name, '\0', sizeof(sp->ports[i].ifname)) || !name[0] ||
		    strchr(name, '/') || strchr(name, ' '))
			abort();
		for (j = 0; j < i; j++)
			if (!strcmp(name, sp->ports[j].ifname))
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct saved_ports *sp = malloc(sizeof(*sp)), *again = malloc(sizeof(*again));
	char msg[128], *text = malloc(size + 1), *first = NULL, *second = NULL;
	size_t n1, n2;

	if (!sp || !again || !text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	msg[0] = '\0';
	if (ports_parse(text, sp, msg, sizeof(msg)) < 0) {
		if (!msg[0])
			abort();
		goto out;
	}
	check(sp);
	if (ports_format(sp, &first, &n1) < 0 || ports_parse(first, again, msg, sizeof(msg)) < 0)
		abort();
	check(again);
	if (ports_format(again, &second, &n2) < 0 || n1 != n2 || memcmp(first, second, n1))
		abort();
out:
	free(first);
	free(second);
	free(text);
	free(sp);
	free(again);
	return 0;
}
