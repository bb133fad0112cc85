/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd info NAME [--json], vnetd dumpxml NAME */
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
	if (def && def->title)
		info_add(t, "title", "Title:", def->title, -1);
	if (def && def->description)
		info_add(t, "description", NULL, def->description, -1);     /* JSON only */
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
	/* other firewalls that will drop this network's traffic, after the facts */
	if (!json && s != NET_INACTIVE)
		host_print_coexistence(stdout, true, run_state_bridge(&st), st.mode);
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
