/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd update NAME add|delete|modify SECTION XML [--live] [--config] [--parent-index N]:
 * virsh net-update's sections and rules (netd/def/update.c). --live changes
 * the running network (its daemon, through the control socket; the default
 * when it runs), --config the stored definition; both when both are given.
 * Every edit is made and checked in memory first, so a bad fragment, or an
 * edit refused by one side, changes nothing anywhere.
 */
#include "netd/cli/cli.h"
#include "netd/def/netdef.h"
#include "netd/host/host.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct update_req {
	enum netdef_update_cmd cmd;
	const char *section;
	int parent;                     /* --parent-index, or -1 */
	const char *xml;
};

static int edit(struct netdef *def, void *arg, struct netdef_error *err)
{
	const struct update_req *u = arg;

	return netdef_update_at(def, u->cmd, u->section, u->parent, u->xml, err);
}

/* The stored definition, edited in memory (saved by the caller once the live part is done). */
static int edit_config(const struct vnetd_paths *paths, const char *name,
		       struct update_req *u, struct netdef **def)
{
	struct netdef_error err;
	char buf[700];
	int r;

	r = store_load(paths, name, def, &err);
	if (r == -ENOENT)
		return vnetd_error("network '%s' is not defined", name);
	if (r >= 0)
		r = edit(*def, u, &err);
	if (r < 0) {
		netdef_error_format(&err, buf, sizeof(buf));
		return vnetd_error("%s", buf);
	}
	return 0;
}

static int do_update(const struct vnetd_paths *paths, const char *name, struct update_req *u,
		     bool live, bool config)
{
	struct netdef *def = NULL;
	char out[2048], msg[1024];
	int r;

	if (config && edit_config(paths, name, u, &def))
		goto fail;
	if (live && live_update(paths, name, edit, u, out, sizeof(out), msg, sizeof(msg)) < 0) {
		vnetd_error("%s", msg);
		goto fail;
	}
	if (config && (r = store_save(paths, def)) < 0) {
		vnetd_error("the live state changed, but the definition could not be saved: %s",
			    strerror(-r));
		goto fail;
	}
	netdef_free(def);
	if (live)
		fputs(out, stdout);
	printf("Updated network %s %s\n", name, live && config ? "persistent config and live "
	       "state" : live ? "live state" : "persistent config");
	return 0;
fail:
	netdef_free(def);
	return 1;
}

/* The XML as text, or from a file when it does not start with '<' (as virsh). */
static int fragment_text(const char *arg, char **out)
{
	size_t len;
	int r;

	if (arg[strspn(arg, " \t\r\n")] == '<') {
		*out = strdup(arg);
		return *out ? 0 : vnetd_error("out of memory");
	}
	if ((r = read_small_file(arg, 65536, out, &len)) < 0)
		return vnetd_error("cannot read %s: %s", arg, strerror(-r));
	return 0;
}

int cmd_update(const struct vnetd_paths *paths, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "live", no_argument, NULL, 'l' },
		{ "config", no_argument, NULL, 'c' },
		{ "parent-index", required_argument, NULL, 'p' },
		{ NULL, 0, NULL, 0 },
	};
	struct update_req u = { .parent = -1 };
	char *end;
	bool live = false, config = false, running;
	char *xml = NULL;
	int opt, r;

	optind = 0;        /* a fresh scan: main() stopped at the verb */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'l') {
			live = true;
		} else if (opt == 'c') {
			config = true;
		} else if (opt == 'p') {
			long v = strtol(optarg, &end, 10);

			if (*end || !*optarg || v < 0 || v > 1000)
				return vnetd_error("--parent-index takes a number from 0, not '%s'",
						   optarg);
			u.parent = (int)v;
		} else {
			return 2;
		}
	}
	if (argc - optind != 4) {
		vnetd_error("usage: vnetd update NAME add|delete|modify SECTION XML "
			    "[--live] [--config] [--parent-index N]");
		return 2;
	}
	if (netdef_update_command(argv[optind + 1], &u.cmd) < 0)
		return vnetd_error("unknown command '%s' (add, delete or modify)", argv[optind + 1]);
	running = lifecycle_status(paths, argv[optind], NULL) == NET_ACTIVE;
	if (!live && !config)
		live = running, config = !running;
	if (live && !running)
		return vnetd_error("network '%s' is not running (use --config to change its "
				   "definition)", argv[optind]);
	u.section = argv[optind + 2];
	if (fragment_text(argv[optind + 3], &xml))
		return 1;
	u.xml = xml;
	r = do_update(paths, argv[optind], &u, live, config);
	free(xml);
	return r;
}
