/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The run state as text. After a first line naming the format, one line
 * for the network, then one per step start took, in its order:
 *
 *   vnetd-run-state 2
 *   network name=default uuid=... forward=nat started=1718000000
 *   bridge ifname=virbr0 ifindex=7
 *   address ifname=virbr0 address=192.168.122.1/24
 *   daemon pid=4242 start=123456
 *
 * Each line is its kind's word then "field=value" for every field of that
 * kind (undo_kinds[] and network_fields[] say which), and the reader and the
 * writer both go by those tables. `stop` acts on what this reads, so it
 * takes nothing on trust: every value is checked against its type, the
 * steps must come in the order start takes them, and a step naming another
 * bridge or another network's table is refused.
 */
#include "netd/host/host-internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define STATE_MAGIC "vnetd-run-state 2"
#define LINE_MAX_LEN 512

static const char *shown(const char *word, char *buf, size_t size)
{
	size_t i;

	for (i = 0; word[i] && i + 1 < size; i++)
		buf[i] = isgraph((unsigned char)word[i]) ? word[i] : '?';
	buf[i] = '\0';
	return buf;
}

/* The "field=value" words after a line's first: every field exactly once. */
bool record_parse_fields(char *rest, const struct record_field *fields, void *base,
			 char *why, size_t why_size)
{
	unsigned seen = 0, i;
	char *word, show[24];

	while ((word = strsep(&rest, " "))) {
		char *eq = strchr(word, '=');

		for (i = 0; eq && fields[i].key; i++)
			if (strlen(fields[i].key) == (size_t)(eq - word) &&
			    !strncmp(word, fields[i].key, (size_t)(eq - word)))
				break;
		if (!eq || !fields[i].key) {
			snprintf(why, why_size, "'%s' is not one of its fields",
				 shown(word, show, sizeof(show)));
			return false;
		}
		if (seen & (1u << i) ||
		    !record_parse_value(fields[i].type, eq + 1, (char *)base + fields[i].off,
				 fields[i].size)) {
			snprintf(why, why_size, "bad or repeated '%s'", fields[i].key);
			return false;
		}
		seen |= 1u << i;
	}
	for (i = 0; fields[i].key; i++)
		if (!(seen & (1u << i))) {
			snprintf(why, why_size, "no '%s'", fields[i].key);
			return false;
		}
	return true;
}

static int find_kind(const char *word)
{
	int k;

	for (k = 0; k < UNDO_KINDS; k++)
		if (!strcmp(word, undo_kinds[k].key))
			return k;
	return -1;
}

static unsigned count_kind(const struct run_state *st, enum undo_kind kind)
{
	unsigned n = 0;
	size_t i;

	for (i = 0; i < st->n_undo; i++)
		n += st->undo[i].kind == kind;
	return n;
}

/* A step line: in start's order, within its kind's count, then its fields. */
static bool parse_step(struct run_state *st, const char *word, char *rest, char *why,
		       size_t why_size)
{
	int k = find_kind(word);
	struct undo_rec *u;
	char show[24];

	if (k < 0) {
		snprintf(why, why_size, "unknown step '%s' (from a newer vnetd?)",
			 shown(word, show, sizeof(show)));
		return false;
	}
	if (!st->name[0] || st->n_undo >= RUN_STATE_MAX_STEPS) {
		snprintf(why, why_size, "a step before the network line, or too many steps");
		return false;
	}
	if (st->n_undo && st->undo[st->n_undo - 1].kind > (enum undo_kind)k) {
		snprintf(why, why_size, "'%s' after '%s': not the order start takes", word,
			 undo_kinds[st->undo[st->n_undo - 1].kind].key);
		return false;
	}
	if (count_kind(st, k) >= undo_kinds[k].max) {
		snprintf(why, why_size, "more than %u '%s' steps", undo_kinds[k].max, word);
		return false;
	}
	u = undo_slot(st, k);
	if (!record_parse_fields(rest, undo_kinds[k].fields, u, why, why_size))
		return false;
	undo_commit(st);
	return true;
}

static bool parse_line(struct run_state *st, char *line, char *why, size_t why_size)
{
	char *rest = line;
	const char *word = strsep(&rest, " ");

	if (!rest) {
		snprintf(why, why_size, "a line without fields");
		return false;
	}
	if (strcmp(word, "network"))
		return parse_step(st, word, rest, why, why_size);
	if (st->name[0]) {
		snprintf(why, why_size, "a second network line");
		return false;
	}
	return record_parse_fields(rest, network_fields, st, why, why_size);
}

/* A sysctl of the interface `ifname` (ipv4/conf/IFNAME/... or ipv6/conf/IFNAME/...). */
static bool sysctl_of(const char *path, const char *ifname)
{
	size_t n = strlen(ifname);

	return (!strncmp(path, "ipv4/conf/", 10) || !strncmp(path, "ipv6/conf/", 10)) &&
	       !strncmp(path + 10, ifname, n) && path[10 + n] == '/';
}

/*
 * What no single line shows: the bridge comes first, every other step of
 * the bridge names that very bridge, and the table is the network's own.
 */
static bool check_steps(const struct run_state *st, char *why, size_t why_size)
{
	const char *br = st->n_undo ? st->undo[0].ifname : NULL;
	char table[256];
	size_t i;

	if (!st->name[0] || !br || st->undo[0].kind != UNDO_BRIDGE) {
		snprintf(why, why_size, "no network line, or no bridge step first");
		return false;
	}
	for (i = 1; i < st->n_undo; i++) {
		const struct undo_rec *u = &st->undo[i];
		bool ok = true;

		if (u->kind == UNDO_ADDRESS || u->kind == UNDO_ROUTE || u->kind == UNDO_ZONE ||
		    u->kind == UNDO_RESOLVED || u->kind == UNDO_ROUTE6)
			ok = !strcmp(u->ifname, br);
		/* a route's destination is of its own family */
		if (u->kind == UNDO_ROUTE || u->kind == UNDO_ROUTE6)
			ok = ok && u->address.family == (u->kind == UNDO_ROUTE ? AF_INET : AF_INET6);
		else if (u->kind == UNDO_SYSCTL)
			ok = sysctl_of(u->path, br);
		else if (u->kind == UNDO_PORT)
			ok = strcmp(u->ifname, br) != 0;
		else if (u->kind == UNDO_FIREWALL || u->kind == UNDO_PORTSEC)
			ok = nat_table_name(st->name, table, sizeof(table)) &&
			     !strcmp(u->table, table);
		if (!ok) {
			snprintf(why, why_size, "step %zu ('%s') is not about network %s's bridge "
				 "or table", i + 1, undo_kinds[u->kind].key, st->name);
			return false;
		}
	}
	return true;
}

/* The next line into buf: 1, 0 at the end, -1 when it does not fit. */
int record_next_line(const char **p, char *buf, size_t size)
{
	size_t len = strcspn(*p, "\n");

	if (!**p)
		return 0;
	if (len >= size)
		return -1;
	memcpy(buf, *p, len);
	buf[len] = '\0';
	*p += len + ((*p)[len] ? 1 : 0);
	return 1;
}

int record_parse_lines(const char *text, const char *magic, const char *not_magic,
		       record_line_fn fn, void *ctx, char *msg, size_t msg_size)
{
	char line[LINE_MAX_LEN], why[160];
	unsigned lineno = 0;
	bool seen = false;
	int r;

	while ((r = record_next_line(&text, line, sizeof(line))) != 0) {
		lineno++;
		if (r < 0) {
			snprintf(msg, msg_size, "line %u is too long", lineno);
			return -EINVAL;
		}
		if (!line[0] || line[0] == '#')
			continue;
		if (!seen && strcmp(line, magic)) {
			snprintf(msg, msg_size, "line %u: %s", lineno, not_magic);
			return -EINVAL;
		}
		if (seen && !fn(ctx, line, why, sizeof(why))) {
			snprintf(msg, msg_size, "line %u: %s", lineno, why);
			return -EINVAL;
		}
		seen = true;
	}
	if (!seen) {
		snprintf(msg, msg_size, "empty");
		return -EINVAL;
	}
	return 0;
}

static bool state_line(void *ctx, char *line, char *why, size_t why_size)
{
	return parse_line(ctx, line, why, why_size);
}

int state_parse(const char *text, struct run_state *out, char *msg, size_t msg_size)
{
	struct run_state st = { 0 };
	char why[160];
	int r;

	r = record_parse_lines(text, STATE_MAGIC, "not a run state this vnetd writes ('"
			       STATE_MAGIC "' first); an older vnetd's network must be stopped "
			       "by that vnetd", state_line, &st, msg, msg_size);
	if (r < 0)
		return r;
	if (!check_steps(&st, why, sizeof(why))) {
		snprintf(msg, msg_size, "%s", why);
		return -EINVAL;
	}
	*out = st;
	return 0;
}

void record_format_line(FILE *f, const char *word, const struct record_field *fields,
			const void *base)
{
	const struct record_field *fl;

	fputs(word, f);
	for (fl = fields; fl->key; fl++) {
		fprintf(f, " %s=", fl->key);
		record_format_value(f, fl->type, (const char *)base + fl->off);
	}
	fputc('\n', f);
}

int state_format(const struct run_state *st, char **text, size_t *size)
{
	size_t i;
	FILE *f;

	*text = NULL;
	*size = 0;
	f = open_memstream(text, size);
	if (!f)
		return -ENOMEM;
	fputs("# vnetd: what 'start' did, one step a line, in order; 'stop' undoes\n"
	      "# them from the last line up. Written by vnetd: do not edit.\n"
	      STATE_MAGIC "\n", f);
	record_format_line(f, "network", network_fields, st);
	for (i = 0; i < st->n_undo; i++) {
		const struct undo_kind_info *k = &undo_kinds[st->undo[i].kind];

		record_format_line(f, k->key, k->fields, &st->undo[i]);
	}
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}
