/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd start [--foreground] [--no-probe] [--new-client-rate N|unlimited] NAME
 * | --autostart, vnetd stop NAME
 */
#include "dhcp/v4/dhcp.h"
#include "netd/host/host.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define START_USAGE "usage: vnetd start [--foreground] [--no-probe] " \
		    "[--new-client-rate N|unlimited] NAME | --autostart"

/* New clients per second: a number from 1 up, or "unlimited". */
bool start_parse_rate(const char *text, uint32_t *rate)
{
	char *end;
	unsigned long v;

	if (!strcmp(text, "unlimited")) {
		*rate = DHCP_RATE_UNLIMITED;
		return true;
	}
	v = strtoul(text, &end, 10);
	if (*text < '1' || *text > '9' || *end || v >= DHCP_RATE_UNLIMITED)
		return false;
	*rate = (uint32_t)v;
	return true;
}

static int start_one(const struct vnetd_paths *paths, const char *name,
		     const struct lifecycle_opts *opts)
{
	struct run_state st;
	char msg[700];
	int r;

	if (!vnetd_valid_name(name))
		return vnetd_error("'%s' is not a valid network name", name);
	r = lifecycle_start(paths, name, opts, &st, msg, sizeof(msg));
	if (r < 0)
		return vnetd_error("cannot start network '%s': %s", name, msg);
	if (r == 1) {
		printf("Network %s is already active\n", name);
		/* under systemd a second instance must not pretend to run it */
		return opts->foreground ? 1 : 0;
	}
	if (r == 2)
		printf("Network %s is running on; its bridge was kept\n", name);
	else
		printf("Network %s started\n", name);
	fflush(stdout);
	host_print_coexistence(stderr, false, run_state_bridge(&st), st.mode);
	return opts->foreground ? supervise(paths, &st, opts) : 0;
}

/* At boot: start every autostart network; one failure does not stop the rest. */
static int start_autostart(const struct vnetd_paths *paths, const struct lifecycle_opts *opts)
{
	char **names;
	size_t n, i;
	int r, rc = 0;

	if ((r = store_list(paths, true, &names, &n)) < 0)
		return vnetd_error("cannot list autostart networks: %s", strerror(-r));
	for (i = 0; i < n; i++)
		if (start_one(paths, names[i], opts))
			rc = 1;
	vnetd_free_names(names, n);
	return rc;
}

int cmd_start(const struct vnetd_paths *paths, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "autostart", no_argument, NULL, 'a' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "no-probe", no_argument, NULL, 'n' },
		{ "new-client-rate", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 },
	};
	struct lifecycle_opts lo = { 0 };
	bool autostart = false;
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (opt) {
		case 'a':
			autostart = true;
			break;
		case 'f':
			lo.foreground = true;
			break;
		case 'n':
			lo.no_probe = true;
			break;
		case 'r':
			if (!start_parse_rate(optarg, &lo.new_client_rate))
				return vnetd_error("--new-client-rate: '%s' is not a positive number "
						   "or 'unlimited'", optarg);
			break;
		default:
			return vnetd_error(START_USAGE);
		}
	}
	if (autostart && optind == argc && !lo.foreground)
		return start_autostart(paths, &lo);
	if (autostart || optind != argc - 1)
		return vnetd_error(START_USAGE);
	return start_one(paths, argv[optind], &lo);
}

int cmd_stop(const struct vnetd_paths *paths, int argc, char **argv)
{
	char msg[700];
	int r;

	if (argc != 2)
		return vnetd_error("usage: vnetd stop NAME");
	if (!vnetd_valid_name(argv[1]))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	r = lifecycle_stop(paths, argv[1], msg, sizeof(msg));
	if (r < 0)
		return vnetd_error("cannot stop network '%s': %s", argv[1], msg);
	if (r == 1)
		printf("Network %s is not active\n", argv[1]);
	else
		printf("Network %s stopped\n", argv[1]);
	return 0;
}
