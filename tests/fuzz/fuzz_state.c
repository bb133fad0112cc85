/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the run-state file (RUNDIR/NAME.state) parser. `stop`
 * replays what it reads, so whatever it accepts must be a well-formed undo
 * list about the network's own bridge and table, and a record it can write
 * back and read again to the very same text: parse, format, parse, format,
 * and the two texts are equal.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netd/host/host.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(s) (strnlen((s), sizeof(s)) < sizeof(s))

/*
 * Every string field is terminated inside its buffer, the steps are of
 * known kinds, in start's order, and what stop acts on is the network's
 * own: the bridge first, every address on it, the table named after it.
 */
static void check_record(const struct run_state *st)
{
	size_t i;

	if (!TERMINATED(st->name) || !TERMINATED(st->uuid) || st->n_undo == 0 ||
	    st->n_undo > RUN_STATE_MAX_STEPS || st->undo[0].kind != UNDO_BRIDGE)
		abort();
	for (i = 0; i < st->n_undo; i++) {
		const struct undo_rec *u = &st->undo[i];

		if (u->kind >= UNDO_KINDS || (i && u->kind < st->undo[i - 1].kind) ||
		    !TERMINATED(u->ifname) || !TERMINATED(u->path) || !TERMINATED(u->value) ||
		    !TERMINATED(u->table) || !TERMINATED(u->zone))
			abort();
		if ((u->kind == UNDO_ROUTE || u->kind == UNDO_ZONE || u->kind == UNDO_RESOLVED) &&
		    strcmp(u->ifname, st->undo[0].ifname))
			abort();
		if (u->kind == UNDO_ADDRESS && strcmp(u->ifname, st->undo[0].ifname))
			abort();
		if (u->kind == UNDO_FIREWALL &&
		    (strncmp(u->table, "vnetd-", 6) || strcmp(u->table + 6, st->name)))
			abort();
		if ((u->kind == UNDO_DAEMON || u->kind == UNDO_KEEPER) && (u->pid <= 0 || !u->start))
			abort();
	}
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
	check_record(&st);
	if (state_format(&st, &first, &n1) < 0)
		abort();
	if (state_parse(first, &again, msg, sizeof(msg)) < 0)
		abort();        /* we could not read back what we wrote */
	check_record(&again);
	if (state_format(&again, &second, &n2) < 0)
		abort();
	if (n1 != n2 || memcmp(first, second, n1))
		abort();
	free(first);
	free(second);
	free(text);
	return 0;
}
