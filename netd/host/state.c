/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/host/host.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#define STATE_FILE_MAX 8192

static bool copy_field(char *dst, size_t size, const char *v)
{
	if (strlen(v) >= size)
		return false;
	memcpy(dst, v, strlen(v) + 1);
	return true;
}

static bool parse_mode(const char *v, enum netdef_forward_mode *mode)
{
	static const enum netdef_forward_mode all[] = {
		NETDEF_FWD_NONE, NETDEF_FWD_NAT, NETDEF_FWD_ROUTE, NETDEF_FWD_OPEN
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(v, netdef_forward_mode_name(all[i]))) {
			*mode = all[i];
			return true;
		}
	return false;
}

/* One "key=value" line; unknown keys are skipped so newer files still load. */
static bool parse_line(struct run_state *st, const char *key, const char *v)
{
	unsigned long long n;

	if (!strcmp(key, "name"))
		return copy_field(st->name, sizeof(st->name), v) && vnetd_valid_name(v);
	if (!strcmp(key, "uuid"))
		return copy_field(st->uuid, sizeof(st->uuid), v);
	if (!strcmp(key, "bridge"))
		return copy_field(st->bridge, sizeof(st->bridge), v) && *v;
	if (!strcmp(key, "bridge_created")) {
		if (!netdef_parse_uint(v, 1, &n))
			return false;
		st->bridge_created = n;
		return true;
	}
	if (!strcmp(key, "firewall")) {
		if (!netdef_parse_uint(v, 1, &n))
			return false;
		st->firewall = n;
		return true;
	}
	if (!strcmp(key, "daemon_pid")) {
		if (!netdef_parse_uint(v, INT32_MAX, &n))
			return false;
		st->daemon_pid = (pid_t)n;
		return true;
	}
	if (!strcmp(key, "daemon_start")) {
		if (!netdef_parse_uint(v, UINT64_MAX, &n))
			return false;
		st->daemon_start = n;
		return true;
	}
	if (!strcmp(key, "keeper_pid")) {
		if (!netdef_parse_uint(v, INT32_MAX, &n))
			return false;
		st->keeper_pid = (pid_t)n;
		return true;
	}
	if (!strcmp(key, "keeper_start")) {
		if (!netdef_parse_uint(v, UINT64_MAX, &n))
			return false;
		st->keeper_start = n;
		return true;
	}
	if (!strcmp(key, "ifindex")) {
		if (!netdef_parse_uint(v, INT32_MAX, &n))
			return false;
		st->ifindex = (int)n;
		return true;
	}
	if (!strcmp(key, "forward"))
		return parse_mode(v, &st->mode);
	if (!strcmp(key, "started")) {
		if (!netdef_parse_uint(v, INT64_MAX, &n))
			return false;
		st->started = (long long)n;
		return true;
	}
	if (!strcmp(key, "address")) {
		if (st->n_addrs >= STATE_MAX_ADDRS)
			return false;
		return copy_field(st->addrs[st->n_addrs++], sizeof(st->addrs[0]), v);
	}
	return true;
}

int state_parse(const char *text, struct run_state *out, char *msg, size_t msg_size)
{
	struct run_state st = { 0 };
	unsigned lineno = 0;
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[256], *eq;

		lineno++;
		if (len >= sizeof(line)) {
			snprintf(msg, msg_size, "line %u is too long", lineno);
			return -EINVAL;
		}
		memcpy(line, p, len);
		line[len] = '\0';
		p += len + (nl ? 1 : 0);
		if (!line[0] || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			snprintf(msg, msg_size, "line %u has no '='", lineno);
			return -EINVAL;
		}
		*eq = '\0';
		if (!parse_line(&st, line, eq + 1)) {
			snprintf(msg, msg_size, "line %u: bad value for '%s'", lineno, line);
			return -EINVAL;
		}
	}
	if (!st.name[0] || !st.bridge[0]) {
		snprintf(msg, msg_size, "name or bridge missing");
		return -EINVAL;
	}
	*out = st;
	return 0;
}

int state_read(const struct vnetd_paths *paths, const char *name, struct run_state *out,
	       char *msg, size_t msg_size)
{
	char path[PATH_MAX], *text;
	int r;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".state"))
		return -EINVAL;
	r = read_small_file(path, STATE_FILE_MAX, &text, NULL);
	if (r == -ENOENT)
		return r;
	if (r < 0) {
		snprintf(msg, msg_size, "%s: %s", path, strerror(-r));
		return r;
	}
	r = state_parse(text, out, msg, msg_size);
	free(text);
	if (r == 0 && strcmp(out->name, name)) {
		snprintf(msg, msg_size, "%s: names network '%s'", path, out->name);
		r = -EINVAL;
	}
	return r;
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
	fprintf(f, "# vnetd: what 'start' created; 'stop' undoes exactly this\n");
	fprintf(f, "name=%s\nuuid=%s\nbridge=%s\nbridge_created=%d\nifindex=%d\n", st->name,
		st->uuid, st->bridge, st->bridge_created, st->ifindex);
	fprintf(f, "forward=%s\nfirewall=%d\nstarted=%lld\n", netdef_forward_mode_name(st->mode),
		st->firewall, st->started);
	if (st->daemon_pid)
		fprintf(f, "daemon_pid=%d\ndaemon_start=%llu\n", (int)st->daemon_pid,
			(unsigned long long)st->daemon_start);
	if (st->keeper_pid)
		fprintf(f, "keeper_pid=%d\nkeeper_start=%llu\n", (int)st->keeper_pid,
			(unsigned long long)st->keeper_start);
	for (i = 0; i < st->n_addrs; i++)
		fprintf(f, "address=%s\n", st->addrs[i]);
	if (fclose(f) != 0) {
		free(*text);
		*text = NULL;
		return -ENOMEM;
	}
	return 0;
}

int state_write(const struct vnetd_paths *paths, const struct run_state *st)
{
	char path[PATH_MAX], *text;
	size_t size;
	int r;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, st->name, ".state"))
		return -EINVAL;
	if ((r = mkdir_parents(paths->rundir, 0755)) < 0)
		return r;
	if ((r = state_format(st, &text, &size)) < 0)
		return r;
	r = atomic_file_write(path, text, size, 0644);
	free(text);
	return r;
}

int state_remove(const struct vnetd_paths *paths, const char *name)
{
	char path[PATH_MAX];

	if (vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".pid"))
		unlink(path);
	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".state"))
		return -EINVAL;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int state_write_pidfile(const struct vnetd_paths *paths, const char *name, pid_t pid)
{
	char path[PATH_MAX], text[32];
	int n;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".pid"))
		return -EINVAL;
	n = snprintf(text, sizeof(text), "%d\n", (int)pid);
	return atomic_file_write(path, text, (size_t)n, 0644);
}

/* An exclusive flock on `path` (created if need be); the fd, or negative errno. */
static int lock_file(const struct vnetd_paths *paths, const char *path)
{
	int fd, r;

	if ((r = mkdir_parents(paths->rundir, 0755)) < 0)
		return r;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	if (flock(fd, LOCK_EX) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return fd;
}

int state_lock(const struct vnetd_paths *paths, const char *name)
{
	char path[PATH_MAX];

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".lock"))
		return -EINVAL;
	return lock_file(paths, path);
}

int state_lock_claims(const struct vnetd_paths *paths)
{
	char path[PATH_MAX];

	/* a name no network can have: network names never start with '.' */
	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, NULL, "/.start.lock"))
		return -EINVAL;
	return lock_file(paths, path);
}

int state_list(const struct vnetd_paths *paths, char ***names, size_t *count)
{
	return vnetd_list_names(paths->rundir, ".state", NULL, NULL, names, count);
}
