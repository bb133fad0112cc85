/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd list [--all], vnetd info NAME, vnetd dumpxml NAME */
#include "netd/host/host.h"
#include "nat/nat.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"
#include "netd/cli/info.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_name(enum lifecycle_status s)
{
	return s == NET_ACTIVE ? "active" : s == NET_RESTARTING ? "restarting" :
	       s == NET_STALE ? "failed" : "inactive";
}

/* Defined networks plus running ones whose definition was removed since. */
static int all_names(const struct vnetd_paths *paths, char ***names, size_t *count)
{
	char **defined, **running, **merged;
	size_t nd, nr, i, j, n = 0;
	int r;

	if ((r = store_list(paths, false, &defined, &nd)) < 0)
		return r;
	if ((r = state_list(paths, &running, &nr)) < 0) {
		vnetd_free_names(defined, nd);
		return r;
	}
	merged = calloc(nd + nr + 1, sizeof(*merged));
	if (!merged) {
		vnetd_free_names(defined, nd);
		vnetd_free_names(running, nr);
		return -ENOMEM;
	}
	/* both lists are sorted: merge them, dropping duplicates */
	for (i = 0, j = 0; i < nd || j < nr;) {
		int c = i >= nd ? 1 : j >= nr ? -1 : strcmp(defined[i], running[j]);

		if (c <= 0) {
			merged[n++] = defined[i++];
			if (c == 0)
				free(running[j++]);
		} else {
			merged[n++] = running[j++];
		}
	}
	free(defined);
	free(running);
	*names = merged;
	*count = n;
	return 0;
}

int cmd_list(const struct vnetd_paths *paths, int argc, char **argv)
{
	bool all = argc == 2 && !strcmp(argv[1], "--all");
	char **names;
	size_t n, i;
	int r;

	if (argc != 1 && !all)
		return vnetd_error("usage: vnetd list [--all]");
	if ((r = all_names(paths, &names, &n)) < 0)
		return vnetd_error("cannot list networks: %s", strerror(-r));
	printf(" %-20s %-10s %-10s %s\n", "Name", "State", "Autostart", "Bridge");
	printf("-----------------------------------------------------\n");
	for (i = 0; i < n; i++) {
		struct run_state st;
		struct netdef *def = NULL;
		enum lifecycle_status s = lifecycle_status(paths, names[i], &st);
		const char *bridge = "-";

		if (!all && s != NET_ACTIVE && s != NET_RESTARTING)
			continue;
		if (s != NET_INACTIVE)
			bridge = run_state_bridge(&st);
		else if (store_load(paths, names[i], &def, NULL) == 0 && def->bridge_name[0])
			bridge = def->bridge_name;
		printf(" %-20s %-10s %-10s %s\n", names[i], status_name(s),
		       store_get_autostart(paths, names[i]) ? "yes" : "no", bridge);
		netdef_free(def);
	}
	printf("\n");
	vnetd_free_names(names, n);
	return 0;
}

static void definition_rows(struct info_table *t, const struct netdef *def)
{
	char a[INET_ADDRSTRLEN], v[INFO_VALUE_MAX], all[INFO_VALUE_MAX] = "";
	size_t i, len = 0;

	if (!def->forward.given)
		snprintf(v, sizeof(v), "none (isolated)");
	else if (def->forward.dev)
		snprintf(v, sizeof(v), "%s (dev %s)", netdef_forward_mode_name(def->forward.mode),
			 def->forward.dev);
	else
		snprintf(v, sizeof(v), "%s", netdef_forward_mode_name(def->forward.mode));
	info_add(t, "forward", "Forward:", v, -1);
	for (i = 0; i < def->n_ips; i++) {
		snprintf(v, sizeof(v), "%s/%u", inet_ntop(AF_INET, &def->ips[i].address, a,
							  sizeof(a)), def->ips[i].prefix);
		info_add(t, NULL, i ? "" : "Addresses:", v, -1);
		if (len + strlen(v) + 2 < sizeof(all))
			len += (size_t)snprintf(all + len, sizeof(all) - len, "%s%s",
						len ? " " : "", v);
	}
	info_add(t, "addresses", NULL, all, -1);
}

static const char *active_text(enum lifecycle_status s)
{
	return s == NET_ACTIVE ? "yes" : s == NET_RESTARTING ? "yes (daemon restarting)" :
	       s == NET_STALE ? "no (bridge or daemon gone; 'stop' cleans up)" : "no";
}

static void info_rows(struct info_table *t, const struct vnetd_paths *paths, const char *name,
		      const struct netdef *def, const struct run_state *st, enum lifecycle_status s)
{
	char uuid[37];

	if (def)
		netdef_uuid_format(def->uuid, uuid);
	info_add(t, "name", "Name:", name, -1);
	info_add(t, "uuid", "UUID:", def ? uuid : st->uuid, -1);
	info_add(t, "active", "Active:", active_text(s), -1);
	info_add(t, "persistent", "Persistent:", def ? "yes" : "no", -1);
	info_add(t, "autostart", "Autostart:", store_get_autostart(paths, name) ? "yes" : "no",
		 -1);
	info_add(t, "bridge", "Bridge:", s != NET_INACTIVE ? run_state_bridge(st) :
		 def && def->bridge_name[0] ? def->bridge_name : "-", -1);
	if (def)
		definition_rows(t, def);
	if (s != NET_INACTIVE)
		info_running(t, paths, name, st, def);
}

int cmd_info(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	struct run_state st;
	struct info_table *t;
	enum lifecycle_status s;
	bool json = argc == 3 && !strcmp(argv[2], "--json");
	char buf[600];
	int r;

	if (argc != 2 && !json)
		return vnetd_error("usage: vnetd info NAME [--json]");
	if (!vnetd_valid_name(argv[1]))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	r = store_load(paths, argv[1], &def, &err);
	s = lifecycle_status(paths, argv[1], &st);
	if (r < 0 && r != -ENOENT) {
		netdef_error_format(&err, buf, sizeof(buf));
		return vnetd_error("%s", buf);
	}
	if (r == -ENOENT && s == NET_INACTIVE)
		return vnetd_error("network '%s' is not defined", argv[1]);
	if (!(t = calloc(1, sizeof(*t)))) {
		netdef_free(def);
		return vnetd_error("out of memory");
	}
	info_rows(t, paths, argv[1], def, &st, s);
	info_print(t, json);
	free(t);
	netdef_free(def);
	return 0;
}

int cmd_dumpxml(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	char buf[600], *xml;
	int r;

	if (argc != 2)
		return vnetd_error("usage: vnetd dumpxml NAME");
	if (!vnetd_valid_name(argv[1]))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	r = store_load(paths, argv[1], &def, &err);
	if (r == -ENOENT)
		return vnetd_error("network '%s' is not defined", argv[1]);
	if (r < 0) {
		netdef_error_format(&err, buf, sizeof(buf));
		return vnetd_error("%s", buf);
	}
	xml = netdef_format(def);
	netdef_free(def);
	if (!xml)
		return vnetd_error("out of memory");
	fputs(xml, stdout);
	free(xml);
	return 0;
}
