/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Starting the keeper: in the child spawn_process() forked, as root, write
 * what it is to keep (RUNDIR/NAME.fw), open the run directory for it, become
 * vnetd-keeper with CAP_NET_ADMIN kept as an ambient capability, and exec
 * the small program (netd/keeper/), which reports ready on the same pipe.
 */
#include "netd/host/keeper.h"
#include "netd/adapt/adapt.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEEPER_PROG "vnetd-keeper"

/*
 * Replaced by rename, so the keeper reads the old file or the new one; not
 * fsync'ed, unlike the run state: it is written again whenever a keeper
 * starts, and no keeper outlives a crash of the host to read it. On a run
 * directory on disk the two fsyncs would cost `start` milliseconds.
 */
static int replace_file(int dir_fd, const char *file, gid_t gid, const void *buf, size_t len)
{
	char tmp[VNETD_NAME_MAX + 16];
	int fd, r = 0;

	snprintf(tmp, sizeof(tmp), ".%s.tmp", file);
	fd = openat(dir_fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	/* the keeper reads it by its group; nobody else does */
	if (fchown(fd, 0, gid) < 0 || fchmod(fd, 0640) < 0)
		r = -errno;
	if (r == 0)
		r = write_full(fd, buf, len);
	if (close(fd) < 0 && r == 0)
		r = -errno;
	if (r == 0 && renameat(dir_fd, tmp, dir_fd, file) < 0)
		r = -errno;
	if (r < 0)
		unlinkat(dir_fd, tmp, 0);
	return r;
}

int keeper_write_firewall(const struct vnetd_paths *paths, const struct netdef *def,
			  char *msg, size_t msg_size)
{
	char file[VNETD_NAME_MAX + 8];
	struct nat_error ne = { 0 };
	struct nat_config cfg;
	void *buf = NULL;
	size_t len = 0;
	uid_t uid;
	gid_t gid;
	int dir_fd, r;

	if ((r = privdrop_user(PRIVDROP_KEEPER, &uid, &gid, msg, msg_size)) < 0)
		return r;
	firewall_config(def, &cfg);
	if ((r = nat_batch_bytes(&cfg, &buf, &len, &ne)) < 0) {
		snprintf(msg, msg_size, "%s", ne.message);
		return r;
	}
	snprintf(file, sizeof(file), "%s.fw", def->name);
	dir_fd = open(paths->rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	r = dir_fd < 0 ? -errno : replace_file(dir_fd, file, gid, buf, len);
	if (r < 0)
		snprintf(msg, msg_size, "cannot write %s/%s: %s", paths->rundir, file,
			 strerror(-r));
	if (dir_fd >= 0)
		close(dir_fd);
	free(buf);
	return r;
}

/* What the keeper is told on its command line (netd/keeper/keeper.h). */
static void exec_keeper(const char *prog, int ready_fd, int dir_fd,
			const struct keeper_target *t)
{
	char ready[16], dir[16], pid[24], start[24];
	char *argv[13] = {
		KEEPER_PROG, "--ready-fd", ready, "--dir-fd", dir, "--daemon-pid", pid,
		"--daemon-start", start, "--network", t->def->name,
		t->foreground ? "--foreground" : NULL, NULL,
	};
	char *envp[] = { NULL };

	snprintf(ready, sizeof(ready), "%d", ready_fd);
	snprintf(dir, sizeof(dir), "%d", dir_fd);
	snprintf(pid, sizeof(pid), "%d", (int)t->daemon_pid);
	snprintf(start, sizeof(start), "%llu", (unsigned long long)t->daemon_start);
	execve(prog, argv, envp);
}

int keeper_run(void *arg, int ready_fd)
{
	const struct keeper_target *t = arg;
	char msg[300], prog[PATH_MAX];
	int dir_fd = -1, r;

	log_open(t->def->name, t->foreground);
	if (!t->paths) {
		snprintf(msg, sizeof(msg), "keeper: no run directory to keep the firewall in");
		goto fail;
	}
	if (keeper_write_firewall(t->paths, t->def, msg, sizeof(msg)) < 0)
		goto fail;
	if ((r = libexec_find(KEEPER_PROG, prog, sizeof(prog))) < 0) {
		snprintf(msg, sizeof(msg), "cannot find %s (beside vnetd or in the libexec "
			 "directory): %s", KEEPER_PROG, strerror(-r));
		goto fail;
	}
	/* opened as root: the keeper reads NAME.fw there again on SIGHUP */
	dir_fd = open(t->paths->rundir, O_PATH | O_DIRECTORY);
	if (dir_fd < 0 || fcntl(ready_fd, F_SETFD, 0) < 0) {
		snprintf(msg, sizeof(msg), "cannot open %s: %s", t->paths->rundir,
			 strerror(errno));
		goto fail;
	}
	if (privdrop_exec(PRIVDROP_KEEPER, msg, sizeof(msg)) < 0)
		goto fail;
	exec_keeper(prog, ready_fd, dir_fd, t);
	snprintf(msg, sizeof(msg), "cannot run %.200s: %s", prog, strerror(errno));
fail:
	log_msg(LOG_ERR, "keeper: %s", msg);
	spawn_report(ready_fd, msg);
	if (dir_fd >= 0)
		close(dir_fd);
	netdef_free(t->def);
	return 1;
}
