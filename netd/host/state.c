/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The run state on disk: reading, writing, removing, locking. */
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

#define STATE_FILE_MAX 16384

const struct undo_rec *run_state_find(const struct run_state *st, enum undo_kind kind)
{
	size_t i;

	for (i = 0; i < st->n_undo; i++)
		if (st->undo[i].kind == kind)
			return &st->undo[i];
	return NULL;
}

struct undo_rec *run_state_step(struct run_state *st, enum undo_kind kind)
{
	return (struct undo_rec *)run_state_find(st, kind);
}

const char *run_state_bridge(const struct run_state *st)
{
	const struct undo_rec *u = run_state_find(st, UNDO_BRIDGE);

	return u ? u->ifname : "";
}

int state_read(const struct vnetd_paths *paths, const char *name, struct run_state *out,
	       char *msg, size_t msg_size)
{
	char path[PATH_MAX], *text, why[200];
	int r;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".state")) {
		snprintf(msg, msg_size, "no run state path for '%s'", name);
		return -EINVAL;
	}
	r = read_small_file(path, STATE_FILE_MAX, &text, NULL);
	if (r == -ENOENT)
		return r;
	if (r < 0) {
		snprintf(msg, msg_size, "%s: %s", path, strerror(-r));
		return r;
	}
	r = state_parse(text, out, why, sizeof(why));
	free(text);
	if (r == 0 && strcmp(out->name, name)) {
		snprintf(why, sizeof(why), "names network '%s'", out->name);
		r = -EINVAL;
	}
	if (r < 0)
		snprintf(msg, msg_size, "%s: %s", path, why);
	return r;
}

/* RUNDIR/NAME.pid: the serving daemon's pid, for admins and scripts; none without one. */
static int write_pidfile(const struct vnetd_paths *paths, const struct run_state *st)
{
	const struct undo_rec *d = run_state_find(st, UNDO_DAEMON);
	char path[PATH_MAX], text[32];
	int n;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, st->name, ".pid"))
		return -EINVAL;
	if (!d)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	n = snprintf(text, sizeof(text), "%d\n", (int)d->pid);
	return atomic_file_write(path, text, (size_t)n, 0644);
}

int state_write(const struct vnetd_paths *paths, const struct run_state *st)
{
	struct run_state back;
	char path[PATH_MAX], *text, why[200];
	size_t size;
	int r;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, st->name, ".state"))
		return -EINVAL;
	if ((r = mkdir_parents(paths->rundir, 0755)) < 0)
		return r;
	if ((r = state_format(st, &text, &size)) < 0)
		return r;
	/* a record `stop` could not read would be worse than none: start fails instead */
	r = state_parse(text, &back, why, sizeof(why));
	if (r == 0)
		r = atomic_file_write(path, text, size, 0644);
	free(text);
	return r < 0 ? r : write_pidfile(paths, st);
}

int state_write_def(const struct vnetd_paths *paths, const struct netdef *def)
{
	char path[PATH_MAX], *text;
	int r;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, def->name, ".xml"))
		return -EINVAL;
	if ((r = mkdir_parents(paths->rundir, 0755)) < 0)
		return r;
	if (!(text = netdef_format(def)))
		return -ENOMEM;
	/* readable: the keeper (unprivileged) reads the firewall it keeps from it */
	r = atomic_file_write(path, text, strlen(text), 0644);
	free(text);
	return r;
}

int state_read_def(const struct vnetd_paths *paths, const char *name, struct netdef **def,
		   char *msg, size_t msg_size)
{
	struct netdef_error err;
	char path[PATH_MAX];
	int r;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".xml")) {
		snprintf(msg, msg_size, "'%s' is not a network name", name);
		return -EINVAL;
	}
	r = netdef_parse_file(path, def, &err);
	if (r == -ENOENT)
		snprintf(msg, msg_size, "network '%s' runs without a record of its definition "
			 "(%s): it was started by an older vnetd; restart it once", name, path);
	else if (r < 0)
		netdef_error_format(&err, msg, msg_size);
	return r;
}

int state_remove(const struct vnetd_paths *paths, const char *name)
{
	char path[PATH_MAX];

	if (vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".pid"))
		unlink(path);
	/* the daemon's socket (it cannot remove it: it is root's) and what it ran */
	if (vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".ctl"))
		unlink(path);
	if (vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".xml"))
		unlink(path);
	/* what the keeper kept (netd/host/keeper.c) */
	if (vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".fw"))
		unlink(path);
	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".state"))
		return -EINVAL;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
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

int state_lock(const struct vnetd_paths *paths, const char *name, char *msg, size_t msg_size)
{
	char path[PATH_MAX];
	int r;

	if (!vnetd_path(path, sizeof(path), paths->rundir, NULL, name, ".lock"))
		r = -EINVAL;
	else
		r = lock_file(paths, path);
	if (r < 0)
		snprintf(msg, msg_size, "cannot lock %s/%s.lock: %s", paths->rundir, name,
			 strerror(-r));
	return r;
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
