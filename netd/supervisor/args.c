/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd-supervise's arguments, as netd/host/supervise.c passes them:
 *   --network NAME --pid PID --start TICKS --vnetd PATH --confdir DIR
 *   --rundir DIR --statedir DIR [--foreground] [--no-probe]
 *   [--new-client-rate N|unlimited] [--ready-fd FD]
 * Every value is checked before it is used: the name becomes a file name
 * and an argument of vnetd, the paths must be absolute.
 */
#include "netd/supervisor/supervisor.h"
#include "netd/small/small.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#define NAME_MAX_LEN 64         /* VNETD_NAME_MAX */

/* vnetd_valid_name()'s rule (netd/base/paths.c). */
static bool valid_name(const char *s)
{
	size_t len = strlen(s), i;

	if (len == 0 || len > NAME_MAX_LEN || s[0] == '.' || s[0] == '-')
		return false;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
		      (s[i] >= '0' && s[i] <= '9') || strchr("._+:-", s[i])))
			return false;
	return true;
}

static bool valid_path(const char *s)
{
	return s[0] == '/' && strlen(s) < PATH_MAX;
}

static bool valid_rate(const char *s)
{
	long long v;

	return !strcmp(s, "unlimited") || (s[0] != '0' && small_parse_int(s, 1, UINT32_MAX - 1,
									  &v) == 0);
}

static int set_option(struct sup_args *a, int opt, const char *v)
{
	long long n;

	switch (opt) {
	case 'n': a->name = v; return valid_name(v) ? 0 : -EINVAL;
	case 'v': a->vnetd = v; return valid_path(v) ? 0 : -EINVAL;
	case 'c': a->confdir = v; return valid_path(v) ? 0 : -EINVAL;
	case 'r': a->rundir = v; return valid_path(v) ? 0 : -EINVAL;
	case 's': a->statedir = v; return valid_path(v) ? 0 : -EINVAL;
	case 'R': a->rate = v; return valid_rate(v) ? 0 : -EINVAL;
	case 'f': a->foreground = true; return 0;
	case 'P': a->no_probe = true; return 0;
	case 'p':
		if (small_parse_int(v, 1, INT_MAX, &n) < 0)
			return -EINVAL;
		a->pid = (pid_t)n;
		return 0;
	case 't':
		if (small_parse_int(v, 0, INT64_MAX, &n) < 0)
			return -EINVAL;
		a->start = (uint64_t)n;
		return 0;
	case 'F':
		if (small_parse_int(v, 0, 1023, &n) < 0)
			return -EINVAL;
		a->ready_fd = (int)n;
		return 0;
	}
	return -EINVAL;
}

int sup_parse_args(int argc, char **argv, struct sup_args *a, char *msg, size_t msg_size)
{
	static const struct option opts[] = {
		{ "network", required_argument, NULL, 'n' },
		{ "pid", required_argument, NULL, 'p' },
		{ "start", required_argument, NULL, 't' },
		{ "vnetd", required_argument, NULL, 'v' },
		{ "confdir", required_argument, NULL, 'c' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "statedir", required_argument, NULL, 's' },
		{ "new-client-rate", required_argument, NULL, 'R' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "no-probe", no_argument, NULL, 'P' },
		{ "ready-fd", required_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int opt, at = 0;

	memset(a, 0, sizeof(*a));
	a->ready_fd = -1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, &at)) != -1) {
		if (opt == '?') {
			snprintf(msg, msg_size, "vnetd-supervise: unknown argument '%s'",
				 argv[optind - 1]);
			return -EINVAL;
		}
		if (set_option(a, opt, optarg) < 0) {
			snprintf(msg, msg_size, "vnetd-supervise: bad --%s '%s'", opts[at].name,
				 optarg ? optarg : "");
			return -EINVAL;
		}
	}
	if (optind != argc || !a->name || !a->vnetd || !a->confdir || !a->rundir ||
	    !a->statedir || !a->pid) {
		snprintf(msg, msg_size, "vnetd-supervise: usage: --network NAME --pid PID --start "
			 "TICKS --vnetd PATH --confdir DIR --rundir DIR --statedir DIR "
			 "[--foreground] [--no-probe] [--new-client-rate N] [--ready-fd FD] "
			 "(it is run by vnetd)");
		return -EINVAL;
	}
	return 0;
}
