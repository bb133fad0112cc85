/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd info NAME, vnetd dumpxml NAME (list is in list.c) */
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
