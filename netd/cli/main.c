/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd: global options and the verb table that dispatches and prints usage. */
#include "netd/cli/cli.h"

#include <getopt.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct vnetd_cmd vnetd_commands[] = {
	{ "define", cmd_define, "FILE", "store a network definition (libvirt network XML)" },
	{ "undefine", cmd_undefine, "NAME", "remove a definition (a running network keeps running)" },
	{ "list", cmd_list, "[--all] [--json]", "list active networks (--all: defined ones too)" },
	{ "info", cmd_info, "NAME [--json]",
	  "show a network's state, bridge, addresses, daemon, leases and ports" },
	{ "dumpxml", cmd_dumpxml, "NAME", "print a network's definition" },
	{ "autostart", cmd_autostart, "NAME [--disable]", "start a network at boot (or not)" },
	{ "start", cmd_start,
	  "[--foreground] [--no-probe] [--new-client-rate N|unlimited] NAME | --autostart",
	  "build a network and start its daemons" },
	{ "stop", cmd_stop, "NAME", "remove exactly what start created" },
	{ "leases", cmd_leases, "NAME [--mac MAC] [--wait SECONDS] [--json]",
	  "the network's live DHCP and DHCPv6 leases (--wait: until MAC has one)" },
	{ "attach", cmd_attach, "NAME TAP [--mac MAC]",
	  "put a guest's tap on the bridge (--mac: only that MAC may send)" },
	{ "detach", cmd_detach, "NAME TAP", "take a tap off the bridge" },
	{ "update", cmd_update,
	  "NAME add|delete|modify SECTION XML [--live] [--config] [--parent-index N]",
	  "change a host, range or DNS record (virsh net-update's sections)" },
	{ "reload", cmd_reload, "NAME", "apply the stored definition to the running network" },
	{ "stats", cmd_stats, "NAME [--json|--prometheus] [--reset-loop]", "the running daemon's counters" },
	{ "events", cmd_events, "[NAME] [--json] [--timeout SECONDS]",
	  "follow network and lease events (--json: one object per line)" },
	{ "import", cmd_import, "NAME [--from DIR] [--leases FILE] [--force]",
	  "define a libvirt network and keep its guests' addresses" },
	{ "__complete", cmd_complete, NULL, NULL },     /* for bash completion */
	{ "__respawn", cmd_respawn, NULL, NULL },       /* for vnetd-supervise */
	{ NULL, NULL, NULL, NULL },
};

static void usage(FILE *out)
{
	const struct vnetd_cmd *c;

	fprintf(out,
		"Usage: vnetd [--confdir DIR] [--rundir DIR] [--statedir DIR] VERB [ARGS]\n"
		"       vnetd --help | --version\n\n"
		"Virtual networks for KVM hosts: bridge, addresses, NAT, DHCP and DNS from\n"
		"libvirt network XML definitions; TFTP for network boot.\n\nVerbs:\n");
	for (c = vnetd_commands; c->name; c++)
		if (c->help)
			fprintf(out, "  %-10s %-20s%s%s\n", c->name, c->args,
				strlen(c->args) > 20 ? "\n                                  " : " ",
				c->help);
	fprintf(out,
		"\nOptions (also set by the environment):\n"
		"  --confdir DIR   definitions (VNETD_CONFDIR, default /etc/vnetd)\n"
		"  --rundir DIR    run state (VNETD_RUNDIR, default /run/vnetd)\n"
		"  --statedir DIR  leases (VNETD_STATEDIR, default /var/lib/vnetd)\n"
		"\nSee vnetd(8).\n");
}

/*
 * The daemons work from "/" and mount over the state directory: a relative
 * directory is made absolute against where vnetd was started (in buf).
 */
static const char *absolute(const char *dir, char *buf, size_t size)
{
	char cwd[PATH_MAX];

	if (dir[0] == '/' || !getcwd(cwd, sizeof(cwd)) ||
	    snprintf(buf, size, "%s/%s", cwd, dir) >= (int)size)
		return dir;
	return buf;
}

static const char *env_or(const char *name, const char *fallback)
{
	const char *v = getenv(name);

	return v && *v ? v : fallback;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "confdir", required_argument, NULL, 'c' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "statedir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct vnetd_paths paths = {
		env_or("VNETD_CONFDIR", "/etc/vnetd"),
		env_or("VNETD_RUNDIR", "/run/vnetd"),
		env_or("VNETD_STATEDIR", "/var/lib/vnetd"),
	};
	const struct vnetd_cmd *c;
	char dirs[3][PATH_MAX];
	int opt;

	/* '+': stop at the verb, so verbs parse their own options */
	while ((opt = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			paths.confdir = optarg;
			break;
		case 'r':
			paths.rundir = optarg;
			break;
		case 's':
			paths.statedir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("vnetd %s\n", VNETD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	paths.confdir = absolute(paths.confdir, dirs[0], sizeof(dirs[0]));
	paths.rundir = absolute(paths.rundir, dirs[1], sizeof(dirs[1]));
	paths.statedir = absolute(paths.statedir, dirs[2], sizeof(dirs[2]));
	for (c = vnetd_commands; c->name; c++)
		if (!strcmp(c->name, argv[optind]))
			break;
	if (!c->name) {
		vnetd_error("unknown verb '%s' (see vnetd --help)", argv[optind]);
		return 2;
	}
	/* verbs see argv[0] = verb name, then their own arguments */
	return c->fn(&paths, argc - optind, argv + optind);
}
