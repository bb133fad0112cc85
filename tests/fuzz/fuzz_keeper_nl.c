/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the keeper's one reader (netd/keeper/nlparse.c) and its
 * command line (netd/keeper/args.c), compiled in here with the normal
 * compiler and the sanitizers (vnetd-keeper itself is built with musl,
 * which has none). The first byte picks what the rest is:
 *   0 the firewall file (RUNDIR/NAME.fw) for table vnetd-default: checked,
 *     and when accepted renumbered and checked again (it must still pass);
 *   1 a datagram of nftables notifications;
 *   2 a datagram of answers to a GETTABLE (seq 7) and to a batch (seq 8-20);
 *   3 a /proc/PID/stat line;
 *   4 a command line (NUL-separated arguments).
 */
#include "netd/keeper/nlparse.c"
#include "netd/keeper/args.c"
#include "netd/small/small.c"
#include "netd/small/procstat.c"

#include <assert.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TABLE "vnetd-default"
#define MAX_ARGS 16

static void batch(uint8_t *buf, size_t len)
{
	struct kp_batch_info info, again;
	char why[200];
	unsigned acks;

	if (kp_batch_check(buf, len, TABLE, &info, why, sizeof(why)) < 0) {
		assert(strnlen(why, sizeof(why)) < sizeof(why));
		return;
	}
	acks = kp_batch_renumber(buf, len, 1000);
	assert(acks == info.messages);
	assert(kp_batch_check(buf, len, TABLE, &again, why, sizeof(why)) == 0);
	assert(again.messages == info.messages && again.rules == info.rules);
}

static void answers(const uint8_t *buf, size_t len)
{
	struct kp_answers get = { .first = 7, .last = 7, .portid = 4242, .expected = 1 };
	struct kp_answers bat = { .first = 8, .last = 20, .portid = 4242, .expected = 11 };

	kp_answers_take(&get, buf, len);
	kp_answers_take(&bat, buf, len);
	assert(strnlen(get.text, sizeof(get.text)) < sizeof(get.text));
	assert(strnlen(bat.text, sizeof(bat.text)) < sizeof(bat.text));
	assert(get.error <= 0 && get.error >= -4095 && bat.error <= 0);
}

static void command_line(const uint8_t *buf, size_t len)
{
	char *copy = malloc(len + 1), *argv[MAX_ARGS + 1] = { "vnetd-keeper" }, why[300];
	struct kp_args a;
	int argc = 1;
	size_t i;

	if (!copy)
		return;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	argv[argc++] = copy;
	for (i = 0; i < len && argc < MAX_ARGS; i++)
		if (copy[i] == '\0')
			argv[argc++] = copy + i + 1;
	if (kp_parse_args(argc, argv, &a, why, sizeof(why)) == 0)
		assert(a.network && a.daemon_pid > 0 && a.ready_fd >= 0 && a.dir_fd >= 0);
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	struct small_stat st;
	size_t len;

	if (size < 1)
		return 0;
	len = size - 1;
	/* the keeper's buffers are malloc'ed or aligned: so is this copy */
	buf = malloc(len ? len : 1);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, len);
	switch (data[0] % 5) {
	case 0:
		batch(buf, len);
		break;
	case 1:
		kp_notes_say_gone(buf, len, TABLE);
		break;
	case 2:
		answers(buf, len);
		break;
	case 3:
		small_parse_stat((const char *)buf, len, &st);
		break;
	default:
		command_line(buf, len);
	}
	free(buf);
	return 0;
}
