/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd list [--all], vnetd info NAME, vnetd dumpxml NAME */
#include "netd/host/host.h"
#include "nat/nat.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *status_name(enum lifecycle_status s)
{
	return s == NET_ACTIVE ? "active" : s == NET_STALE ? "failed" : "inactive";
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

		if (!all && s != NET_ACTIVE)
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

static void print_definition_facts(const struct netdef *def)
{
	char a[INET_ADDRSTRLEN];
	size_t i;

	if (!def->forward.given)
		printf("%-16s%s\n", "Forward:", "none (isolated)");
	else if (def->forward.dev)
		printf("%-16s%s (dev %s)\n", "Forward:",
		       netdef_forward_mode_name(def->forward.mode), def->forward.dev);
	else
		printf("%-16s%s\n", "Forward:", netdef_forward_mode_name(def->forward.mode));
	for (i = 0; i < def->n_ips; i++)
		printf("%-16s%s/%u\n", i ? "" : "Addresses:",
		       inet_ntop(AF_INET, &def->ips[i].address, a, sizeof(a)),
		       def->ips[i].prefix);
}

/* What the network's nftables table looks like now, for `info`. */
static const char *firewall_state(const char *name, const struct run_state *st)
{
	int r;

	if (!run_state_find(st, UNDO_FIREWALL))
		return "none (open network)";
	r = nat_present(name, NULL);
	if (r < 0)
		return "unknown (cannot ask nftables)";
	return r ? "installed" : "missing";
}

static void print_process(const char *label, const struct undo_rec *p)
{
	if (!p)
		printf("%-16s%s\n", label, "none");
	else if (proc_alive(p->pid, p->start))
		printf("%-16srunning (pid %d)\n", label, (int)p->pid);
	else
		printf("%-16sdead (was pid %d; 'stop' cleans up)\n", label, (int)p->pid);
}

int cmd_info(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	struct run_state st;
	enum lifecycle_status s;
	char uuid[37], buf[600];
	int r;

	if (argc != 2)
		return vnetd_error("usage: vnetd info NAME");
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
	if (def)
		netdef_uuid_format(def->uuid, uuid);
	printf("%-16s%s\n", "Name:", argv[1]);
	printf("%-16s%s\n", "UUID:", def ? uuid : st.uuid);
	printf("%-16s%s\n", "Active:", s == NET_ACTIVE ? "yes" : s == NET_STALE ?
	       "no (bridge gone; 'stop' cleans up)" : "no");
	printf("%-16s%s\n", "Persistent:", def ? "yes" : "no");
	printf("%-16s%s\n", "Autostart:", store_get_autostart(paths, argv[1]) ? "yes" : "no");
	printf("%-16s%s\n", "Bridge:", s != NET_INACTIVE ? run_state_bridge(&st) :
	       def && def->bridge_name[0] ? def->bridge_name : "-");
	if (def)
		print_definition_facts(def);
	if (s != NET_INACTIVE) {
		printf("%-16s%s\n", "Firewall:", firewall_state(argv[1], &st));
		print_process("Daemon:", run_state_find(&st, UNDO_DAEMON));
		print_process("Keeper:", run_state_find(&st, UNDO_KEEPER));
		host_print_coexistence(stdout, true, run_state_bridge(&st), st.mode);
	}
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
