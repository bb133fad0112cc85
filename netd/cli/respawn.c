/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd __respawn NAME --reason R [--check] [--foreground] [--no-probe]
 * [--new-client-rate N|unlimited]: internal, run by the network's
 * supervisor (vnetd-supervise) when the serving daemon ended. It starts the
 * daemon again under the network's lock (netd/host/supervise.c) and
 * answers with one line on stdout, "PID START\n", the daemon that runs;
 * its exit status says what the supervisor does next (host.h's
 * SUPERVISE_EXIT_*). The supervisor is our parent: the record must still
 * name it, by pid and start time.
 */
#include "netd/host/host.h"
#include "netd/cli/cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define RESPAWN_USAGE "usage: vnetd __respawn NAME --reason WORD [--check] [--foreground] " \
		      "[--no-probe] [--new-client-rate N|unlimited] (run by vnetd-supervise)"

/* A reason is a word of the record: letters, digits and "_.-". */
static bool valid_reason(const char *s)
{
	size_t n = strlen(s);

	return n > 0 && n < 32 && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				      "0123456789_.-") == n;
}

static int parse(int argc, char **argv, struct lifecycle_opts *lo, const char **reason,
		 bool *check)
{
	static const struct option opts[] = {
		{ "reason", required_argument, NULL, 'R' },
		{ "check", no_argument, NULL, 'c' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "no-probe", no_argument, NULL, 'n' },
		{ "new-client-rate", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	/* 0: glibc starts afresh, forgetting main's "+" (options after NAME too) */
	optind = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'R' && valid_reason(optarg))
			*reason = optarg;
		else if (opt == 'c')
			*check = true;
		else if (opt == 'f')
			lo->foreground = true;
		else if (opt == 'n')
			lo->no_probe = true;
		else if (opt != 'r' || !start_parse_rate(optarg, &lo->new_client_rate))
			return -1;
	}
	return optind == argc - 1 && *reason && vnetd_valid_name(argv[optind]) ? optind : -1;
}

int cmd_respawn(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct lifecycle_opts lo = { 0 };
	struct undo_rec d;
	const char *reason = NULL, *name;
	bool check = false;
	pid_t sup = getppid();
	char msg[700];
	int at = parse(argc, argv, &lo, &reason, &check), r;

	if (at < 0) {
		vnetd_error(RESPAWN_USAGE);
		return 2;
	}
	name = argv[at];
	log_open(name, lo.foreground);
	r = supervisor_respawn(paths, name, &lo, reason, check, sup, proc_start_time(sup), &d,
			       msg, sizeof(msg));
	if (r == 1)
		return SUPERVISE_EXIT_END;
	if (r < 0) {
		if (!check)
			log_msg(LOG_ERR, "supervisor: cannot restart the daemon of %s: %s", name,
				msg);
		return SUPERVISE_EXIT_RETRY;
	}
	if (!check)
		log_msg(LOG_WARNING, "supervisor: the daemon of %s ended (%s); it runs again as "
			"pid %d", name, reason, (int)d.pid);
	printf("%d %" PRIu64 "\n", (int)d.pid, d.start);
	return fflush(stdout) == 0 ? SUPERVISE_EXIT_RUNS : SUPERVISE_EXIT_RETRY;
}
