/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * STATEDIR/NAME.ports: the ports `attach` added, kept where a reboot does
 * not take them (RUNDIR is a tmpfs), so that the next `start` attaches
 * every one that still exists. One line per port, read and written by the
 * run state's own field tables:
 *
 *   vnetd-ports 1
 *   port ifname=vnet0 mac=52:54:00:12:34:56
 *
 * Root reads it back, so it is parsed as strictly as the run state.
 */
#include "netd/host/host-internal.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PORTS_MAGIC "vnetd-ports 1"
#define PORTS_FILE_MAX 16384

static const struct record_field saved_fields[] = {
	{ "ifname", FIELD_IFNAME, offsetof(struct saved_port, ifname),
	  sizeof(((struct saved_port *)0)->ifname) },
	{ "mac", FIELD_MAC, offsetof(struct saved_port, mac),
	  sizeof(((struct saved_port *)0)->mac) },
	{ NULL, 0, 0, 0 },
};

static bool parse_port(struct saved_ports *out, char *line, char *why, size_t why_size)
{
	char *rest = line;
	const char *word = strsep(&rest, " ");
	struct saved_port p = { 0 };
	size_t i;

	if (strcmp(word, "port") || !rest) {
		snprintf(why, why_size, "not a port line");
		return false;
	}
	if (!record_parse_fields(rest, saved_fields, &p, why, why_size))
		return false;
	for (i = 0; i < out->n; i++)
		if (!strcmp(out->ports[i].ifname, p.ifname)) {
			snprintf(why, why_size, "port %s twice", p.ifname);
			return false;
		}
	if (out->n >= HOST_MAX_PORTS) {
		snprintf(why, why_size, "more than %d ports", HOST_MAX_PORTS);
		return false;
	}
	out->ports[out->n++] = p;
	return true;
}

static bool port_line(void *ctx, char *line, char *why, size_t why_size)
{
	return parse_port(ctx, line, why, why_size);
}

int ports_parse(const char *text, struct saved_ports *out, char *msg, size_t msg_size)
{
	struct saved_ports sp = { 0 };
	int r = record_parse_lines(text, PORTS_MAGIC, "not '" PORTS_MAGIC "'", port_line, &sp, msg,
				   msg_size);

	if (r == 0)
		*out = sp;
	return r;
}

int ports_format(const struct saved_ports *sp, char **text, size_t *size)
{
	FILE *f = open_memstream(text, size);
	size_t i;

	if (!f)
		return -ENOMEM;
	fputs("# vnetd: the ports attached to this network; 'start' attaches again every\n"
	      "# one that exists. Written by vnetd attach/detach: do not edit.\n"
	      PORTS_MAGIC "\n", f);
	for (i = 0; i < sp->n; i++)
		record_format_line(f, "port", saved_fields, &sp->ports[i]);
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}

static bool ports_path(const struct vnetd_paths *paths, const char *name, char *buf,
		       size_t size)
{
	return vnetd_path(buf, size, paths->statedir, NULL, name, ".ports");
}

int ports_load(const struct vnetd_paths *paths, const char *name, struct saved_ports *out,
	       char *msg, size_t msg_size)
{
	char path[PATH_MAX], *text, why[200];
	int r;

	memset(out, 0, sizeof(*out));
	if (!ports_path(paths, name, path, sizeof(path)))
		return -EINVAL;
	r = read_small_file(path, PORTS_FILE_MAX, &text, NULL);
	if (r == -ENOENT)
		return 0;
	if (r < 0) {
		snprintf(msg, msg_size, "%s: %s", path, strerror(-r));
		return r;
	}
	r = ports_parse(text, out, why, sizeof(why));
	free(text);
	if (r < 0)
		snprintf(msg, msg_size, "%s: %s", path, why);
	return r;
}

int ports_store(const struct vnetd_paths *paths, const char *name, const struct saved_ports *sp)
{
	char path[PATH_MAX], *text;
	size_t size;
	int r;

	if (!ports_path(paths, name, path, sizeof(path)))
		return -EINVAL;
	if (sp->n == 0)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	if ((r = mkdir_parents(paths->statedir, 0755)) < 0)
		return r;
	if ((r = ports_format(sp, &text, &size)) < 0)
		return r;
	r = atomic_file_write(path, text, size, 0644);
	free(text);
	return r;
}
