/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the run-state file (RUNDIR/NAME.state) parser. `stop`
 * acts on what it reads, so whatever it accepts must be a record it can
 * write back and read again to the very same text: parse, format, parse,
 * format, and the two texts are equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netd/host/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every string field is terminated inside its buffer. */
static void check_terminated(const struct run_state *st)
{
	size_t i;

	if (strnlen(st->name, sizeof(st->name)) == sizeof(st->name) ||
	    strnlen(st->uuid, sizeof(st->uuid)) == sizeof(st->uuid) ||
	    strnlen(st->bridge, sizeof(st->bridge)) == sizeof(st->bridge) ||
	    st->n_addrs > STATE_MAX_ADDRS)
		abort();
	for (i = 0; i < st->n_addrs; i++)
		if (strnlen(st->addrs[i], sizeof(st->addrs[i])) == sizeof(st->addrs[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run_state st, again;
	char msg[128], *text, *first = NULL, *second = NULL;
	size_t n1, n2;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	msg[0] = '\0';
	if (state_parse(text, &st, msg, sizeof(msg)) < 0) {
		if (!msg[0] || !memchr(msg, '\0', sizeof(msg)))
			abort();        /* a refusal always says why */
		free(text);
		return 0;
	}
	check_terminated(&st);
	if (state_format(&st, &first, &n1) < 0)
		abort();
	if (state_parse(first, &again, msg, sizeof(msg)) < 0)
		abort();        /* we could not read back what we wrote */
	check_terminated(&again);
	if (state_format(&again, &second, &n2) < 0)
		abort();
	if (n1 != n2 || memcmp(first, second, n1))
		abort();
	free(first);
	free(second);
	free(text);
	return 0;
}
