/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd list [--all] [--json]: the networks, as an aligned table for people
 * (name, state, autostart, bridge, subnets) or a JSON array for scripts.
 * Names come from the definitions and from the run states, so a running
 * network whose definition was removed is listed too.
 */
#include "dhcp/wire/wire.h"
#include "netd/host/host.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUBNETS_MAX 200         /* "a.b.c.d/nn" for a few <ip> elements */

struct list_row {
	const char *name;
	const char *state;
	bool autostart;
	bool persistent;
	char bridge[NETDEF_IFNAME_MAX + 1];
	char subnets[SUBNETS_MAX];      /* comma-separated, "" when none */
};

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

static void subnets_of(const struct netdef *def, char *out, size_t size)
{
	size_t i, used = 0;

	out[0] = '\0';
	for (i = 0; def && i < def->n_ips && used < size; i++) {
		struct in_addr net = {
			htonl(ntohl(def->ips[i].address.s_addr) & netdef_mask(def->ips[i].prefix))
		};
		char a[INET_ADDRSTRLEN];
		int n;

		inet_ntop(AF_INET, &net, a, sizeof(a));
		n = snprintf(out + used, size - used, "%s%s/%u", used ? "," : "", a,
			     def->ips[i].prefix);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

static void fill_row(const struct vnetd_paths *paths, const char *name, enum lifecycle_status s,
		     const struct run_state *st, struct list_row *row)
{
	struct netdef *def = NULL;

	row->name = name;
	row->state = status_name(s);
	row->autostart = store_get_autostart(paths, name);
	row->persistent = store_load(paths, name, &def, NULL) == 0;
	snprintf(row->bridge, sizeof(row->bridge), "%s", s != NET_INACTIVE ?
		 run_state_bridge(st) : def && def->bridge_name[0] ? def->bridge_name : "-");
	subnets_of(def, row->subnets, sizeof(row->subnets));
	netdef_free(def);
}

static void put_json(const char *s)
{
	char out[4 * SUBNETS_MAX];

	json_string(s, out, sizeof(out));
	fputs(out, stdout);
}

static void print_json(const struct list_row *rows, size_t n)
{
	size_t i;

	printf("[");
	for (i = 0; i < n; i++) {
		printf("%s\n  {\"name\": ", i ? "," : "");
		put_json(rows[i].name);
		printf(", \"state\": \"%s\", \"autostart\": %s, \"persistent\": %s, \"bridge\": ",
		       rows[i].state, rows[i].autostart ? "true" : "false",
		       rows[i].persistent ? "true" : "false");
		if (strcmp(rows[i].bridge, "-"))
			put_json(rows[i].bridge);
		else
			printf("null");
		printf(", \"subnets\": [");
		if (rows[i].subnets[0]) {
			char copy[SUBNETS_MAX], *save = NULL, *tok;
			bool first = true;

			snprintf(copy, sizeof(copy), "%s", rows[i].subnets);
			for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				printf("%s\"%s\"", first ? "" : ", ", tok);
				first = false;
			}
		}
		printf("]}");
	}
	printf(n ? "\n]\n" : "]\n");
}

static int wider(int w, const char *s)
{
	return (int)strlen(s) > w ? (int)strlen(s) : w;
}

/* Columns as wide as their widest cell, so long names still line up. */
static void print_table(const struct list_row *rows, size_t n)
{
	int wn = 4, ws = 5, wb = 6;
	size_t i;

	for (i = 0; i < n; i++) {
		wn = wider(wn, rows[i].name);
		ws = wider(ws, rows[i].state);
		wb = wider(wb, rows[i].bridge);
	}
	printf("%-*s  %-*s  %-9s  %-*s  %s\n", wn, "Name", ws, "State", "Autostart", wb,
	       "Bridge", "Subnet");
	for (i = 0; i < n; i++)
		printf("%-*s  %-*s  %-9s  %-*s  %s\n", wn, rows[i].name, ws, rows[i].state,
		       rows[i].autostart ? "yes" : "no", wb, rows[i].bridge,
		       rows[i].subnets[0] ? rows[i].subnets : "-");
}

static int parse_opts(int argc, char **argv, bool *all, bool *json)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*all = *json = false;
	optind = 0;  /* 0: glibc starts afresh, options may follow NAME */
	opterr = 0;  /* the usage line says it all */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'a')
			*all = true;
		else if (opt == 'j')
			*json = true;
		else
			return -1;
	}
	return optind == argc ? 0 : -1;
}

int cmd_list(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct list_row *rows;
	bool all, json;
	char **names;
	size_t n, i, shown = 0;
	int r;

	if (parse_opts(argc, argv, &all, &json) < 0)
		return vnetd_error("usage: vnetd list [--all] [--json]");
	if ((r = all_names(paths, &names, &n)) < 0)
		return vnetd_error("cannot list networks: %s", strerror(-r));
	rows = calloc(n + 1, sizeof(*rows));
	if (!rows) {
		vnetd_free_names(names, n);
		return vnetd_error("out of memory");
	}
	for (i = 0; i < n; i++) {
		struct run_state st;
		enum lifecycle_status s = lifecycle_status(paths, names[i], &st);

		if (all || s == NET_ACTIVE || s == NET_RESTARTING)
			fill_row(paths, names[i], s, &st, &rows[shown++]);
	}
	if (json)
		print_json(rows, shown);
	else
		print_table(rows, shown);
	free(rows);
	vnetd_free_names(names, n);
	return 0;
}
