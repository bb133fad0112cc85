/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keeper's command line: vnetd's only, so anything else is refused
 * (an option unknown, repeated, missing or out of range).
 */
#include "netd/keeper/keeper.h"
#include "netd/small/small.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* One `--name VALUE` (or the flag --foreground); -EINVAL when unknown, repeated or empty. */
static int take_option(const char *opt, const char *val, struct kp_args *a, unsigned *seen)
{
	static const char *const names[] = { "--ready-fd", "--dir-fd", "--daemon-pid",
					     "--daemon-start", "--network" };
	long long v = 0;
	unsigned i;

	for (i = 0; i < 5 && strcmp(opt, names[i]); i++)
		;
	if (i == 5 || (*seen & (1u << i)) || !val)
		return -EINVAL;
	*seen |= 1u << i;
	if (i == 4) {
		a->network = val;
		return 0;
	}
	if (small_parse_int(val, i == 2 ? 1 : 0, i == 3 ? LLONG_MAX : INT_MAX, &v) < 0)
		return -EINVAL;
	if (i == 0)
		a->ready_fd = (int)v;
	else if (i == 1)
		a->dir_fd = (int)v;
	else if (i == 2)
		a->daemon_pid = (pid_t)v;
	else
		a->daemon_start = (uint64_t)v;
	return 0;
}

int kp_parse_args(int argc, char **argv, struct kp_args *a, char *why, size_t size)
{
	unsigned seen = 0;
	int i;

	memset(a, 0, sizeof(*a));
	a->ready_fd = a->dir_fd = -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--foreground") && !a->foreground) {
			a->foreground = true;
			continue;
		}
		if (take_option(argv[i], i + 1 < argc ? argv[i + 1] : NULL, a, &seen) < 0) {
			snprintf(why, size, "bad argument '%.40s'", argv[i]);
			return -EINVAL;
		}
		i++;
	}
	if (seen != 0x1f) {
		snprintf(why, size, "usage: vnetd-keeper --ready-fd N --dir-fd N --daemon-pid PID "
			 "--daemon-start TICKS --network NAME [--foreground]");
		return -EINVAL;
	}
	return 0;
}
