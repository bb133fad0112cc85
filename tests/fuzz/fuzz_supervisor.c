/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: what vnetd-supervise parses besides its arguments. The
 * first byte picks the parser: 'A' the respawn verb's answer line, else
 * /proc/PID/stat. The program itself is built with musl, without
 * sanitizers; its parse.c needs nothing but libc and is compiled in here.
 * An accepted answer is exactly "PID START\n" again when printed; an
 * accepted stat line has a state letter and an exit code only with field 52.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/supervisor/parse.c"
#include "netd/small/procstat.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_answer(const char *text, size_t len)
{
	char again[SUP_ANSWER_MAX + 1];
	pid_t pid = 0;
	uint64_t start = 0;
	int n;

	if (sup_parse_answer(text, len, &pid, &start) < 0)
		return;
	n = snprintf(again, sizeof(again), "%d %" PRIu64 "\n", (int)pid, start);
	if (pid <= 0 || n < 0 || (size_t)n != len || memcmp(again, text, len))
		abort();
}

static void check_stat(const char *text, size_t len)
{
	struct small_stat st;
	char reason[32];

	if (small_parse_stat(text, len, &st) < 0)
		return;
	if (st.state < 'A' || st.state > 'Z' || (st.has_exit && st.exit_code < 0) ||
	    (!st.has_exit && st.exit_code))
		abort();
	sup_describe_exit(st.has_exit ? st.exit_code : -1, reason, sizeof(reason));
	if (strnlen(reason, sizeof(reason)) >= sizeof(reason))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text;

	if (size < 1)
		return 0;
	/* a copy of exactly the input: reading past it is ASan's to catch */
	text = malloc(size - 1 ? size - 1 : 1);
	if (!text)
		return 0;
	memcpy(text, data + 1, size - 1);
	if (data[0] == 'A')
		check_answer(text, size - 1);
	else
		check_stat(text, size - 1);
	free(text);
	return 0;
}
