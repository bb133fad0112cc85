/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What `info` says about a running network beyond its definition: the
 * processes, restarts and uptime (from the run state), leases used of the
 * pool (from the lease file the daemon writes; no socket needed), the
 * firewall and the attached ports. Each fact is one row of a table, printed
 * aligned for people or as one JSON object for scripts, so a new fact is
 * one more row.
 */
#include "netd/host/host.h"
#include "netd/adapt/adapt.h"
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
#include <time.h>
#include <unistd.h>

/* Lines of STATEDIR/NAME/NAME.leases (one per live lease, v4 and v6: not the
 * "duid" line between them), -1 when unreadable. */
static long leases_used(const struct vnetd_paths *paths, const char *name)
{
	char file[300], msg[300], *text = NULL;
	uid_t uid = 0;
	gid_t gid;
	size_t len, i;
	long n = 0;
	int dirfd, r;

	if ((dirfd = statedir_open(paths->statedir, name)) < 0)
		return dirfd == -ENOENT ? 0 : -1;
	privdrop_user(PRIVDROP_DAEMON, &uid, &gid, msg, sizeof(msg));
	snprintf(file, sizeof(file), "%s.leases", name);
	r = statedir_read(dirfd, file, uid, 64u << 20, &text, &len);
	close(dirfd);
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return -1;
	for (i = 0; i < len; i++)
		n += text[i] == '\n';
	if (lease_file6_v4_len(text, len) < len)
		n--;
	free(text);
	return n;
}

static unsigned long pool_size(const struct netdef *def)
{
	unsigned long n = 0;
	size_t i, j;

	for (i = 0; def && i < def->n_ips; i++)
		for (j = 0; j < def->ips[i].n_ranges; j++)
			n += ntohl(def->ips[i].ranges[j].end.s_addr) -
			     ntohl(def->ips[i].ranges[j].start.s_addr) + 1;
	return def ? n + dhcp6_setup_pool_size(def) : n;
}

/* Present, and holding the rules its definition builds (no more, no fewer)? */
static const char *firewall_state(const char *name, const struct run_state *st,
				  const struct netdef *def, char *buf, size_t size)
{
	struct nat_config cfg;
	unsigned have, want;
	int r;

	if (!run_state_find(st, UNDO_FIREWALL))
		return "none (open network)";
	r = nat_present(name, NULL);
	if (r <= 0)
		return r < 0 ? "unknown (cannot ask nftables)" : "missing";
	if (!def)
		return "installed";
	firewall_config(def, &cfg);
	if (nat_rule_counts(&cfg, &have, &want, NULL) < 0 || have == want)
		return "installed";
	snprintf(buf, size, "installed, but changed (%u rules, %u expected)", have, want);
	return buf;
}

static void process_row(struct info_table *t, const char *key, const char *label,
			const struct undo_rec *p)
{
	char v[96];

	if (!p)
		snprintf(v, sizeof(v), "none");
	else if (proc_alive(p->pid, p->start))
		snprintf(v, sizeof(v), "running (pid %d)", (int)p->pid);
	else
		snprintf(v, sizeof(v), "dead (was pid %d)", (int)p->pid);
	info_add(t, key, label, v, p ? (long long)p->pid : -1);
}

static void ports_row(struct info_table *t, const struct run_state *st)
{
	char v[INFO_VALUE_MAX] = "";
	size_t i, len = 0;

	for (i = 0; i < st->n_undo && len + 40 < sizeof(v); i++) {
		const struct undo_rec *u = &st->undo[i];

		if (u->kind != UNDO_PORT)
			continue;
		len += (size_t)snprintf(v + len, sizeof(v) - len, "%s%s", len ? ", " : "",
					u->ifname);
		if (u->mac.set)
			len += (size_t)snprintf(v + len, sizeof(v) - len,
						" (mac %02x:%02x:%02x:%02x:%02x:%02x)", u->mac.b[0],
						u->mac.b[1], u->mac.b[2], u->mac.b[3], u->mac.b[4],
						u->mac.b[5]);
	}
	info_add(t, "ports", "Ports:", len ? v : "none", -1);
}

void info_running(struct info_table *t, const struct vnetd_paths *paths, const char *name,
		  const struct run_state *st, const struct netdef *def)
{
	const struct undo_rec *sv = run_state_find(st, UNDO_SUPERVISOR);
	char v[INFO_VALUE_MAX];
	long used = leases_used(paths, name);

	info_add(t, "firewall", "Firewall:", firewall_state(name, st, def, v, sizeof(v)), -1);
	process_row(t, "daemon_pid", "Daemon:", run_state_find(st, UNDO_DAEMON));
	process_row(t, "keeper_pid", "Keeper:", run_state_find(st, UNDO_KEEPER));
	process_row(t, "supervisor_pid", "Supervisor:", sv);
	if (sv) {
		long long up = (long long)time(NULL) - sv->since;

		snprintf(v, sizeof(v), "%u (last: %s)", sv->restarts, sv->reason);
		info_add(t, "restarts", "Restarts:", v, sv->restarts);
		info_add(t, "last_restart_reason", NULL, sv->reason, -1);
		snprintf(v, sizeof(v), "%llds", up < 0 ? 0 : up);
		info_add(t, "uptime_seconds", "Uptime:", v, up < 0 ? 0 : up);
	}
	if (used >= 0)
		snprintf(v, sizeof(v), "%ld/%lu", used, pool_size(def));
	else
		snprintf(v, sizeof(v), "unknown (cannot read the lease file)");
	info_add(t, "leases", "Leases:", v, -1);
	if (used >= 0) {
		info_add(t, "leases_used", NULL, "", used);
		info_add(t, "pool_size", NULL, "", (long long)pool_size(def));
	}
	ports_row(t, st);
}

void info_add(struct info_table *t, const char *key, const char *label, const char *value,
	      long long number)
{
	struct info_row *r;

	if (t->n >= INFO_MAX_ROWS)
		return;
	r = &t->rows[t->n++];
	r->key = key;
	r->label = label;
	snprintf(r->value, sizeof(r->value), "%s", value);
	r->number = number;
}

/* A JSON string: our values are names, addresses and words; escape what JSON needs. */
static void print_json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

void info_print(const struct info_table *t, bool json)
{
	size_t i;

	if (!json) {
		for (i = 0; i < t->n; i++)
			if (t->rows[i].label)
				printf("%-16s%s\n", t->rows[i].label, t->rows[i].value);
		return;
	}
	putchar('{');
	for (i = 0; i < t->n; i++) {
		if (!t->rows[i].key)
			continue;
		printf("%s\"%s\":", i ? "," : "", t->rows[i].key);
		if (t->rows[i].number >= 0)
			printf("%lld", t->rows[i].number);
		else
			print_json_string(t->rows[i].value);
	}
	printf("}\n");
}
