/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor: one small root process per network that never reads a
 * guest's byte. It is a program of its own, vnetd-supervise (netd/
 * supervisor/), a few tens of kB where a fork of vnetd cost megabytes: it
 * waits on the serving daemon's pidfd, and for the rare heavy work runs
 * vnetd itself — `vnetd __respawn` (here: start the daemon and its keeper
 * again under the network's lock and record the new pids, see
 * netd/host/respawn.c), `vnetd reload` on SIGHUP and, under systemd,
 * `vnetd stop` on SIGTERM. The bridge, addresses, ports and firewall are
 * never touched by a restart, so guests keep their addresses; leases come
 * back from the journal as at any daemon start.
 *
 * Under systemd it is `start --foreground` itself: that process execs
 * vnetd-supervise once the network runs (the same pid systemd watches).
 * Otherwise `start` leaves one in the background (SIGTERM, sent by `stop`
 * before it stops the daemon, just ends it).
 */
#include "netd/host/host-internal.h"
#include "dhcp/v4/dhcp.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#define SUPERVISOR_PROG "vnetd-supervise"
#define SUPERVISOR_MAX_ARGS 28

struct sup_argv {
	const char *v[SUPERVISOR_MAX_ARGS];
	size_t n;
	char self[PATH_MAX], pid[16], start[24], rate[16], fd[16];
};

static void add(struct sup_argv *a, const char *x, const char *y)
{
	a->v[a->n++] = x;
	if (y)
		a->v[a->n++] = y;
}

/* vnetd-supervise's arguments (netd/supervisor/args.c reads them back). */
static int build_argv(struct sup_argv *a, const char *prog, const struct vnetd_paths *paths,
		      const char *name, const struct lifecycle_opts *opts, pid_t pid,
		      uint64_t start, int ready_fd)
{
	static const char deleted[] = " (deleted)";
	ssize_t n = readlink("/proc/self/exe", a->self, sizeof(a->self) - 1);

	if (n <= 0)
		return -errno;
	a->self[n] = '\0';
	/* replaced by an upgrade while it ran: the program now at that path */
	if ((size_t)n > sizeof(deleted) && !strcmp(a->self + n - (sizeof(deleted) - 1), deleted))
		a->self[n - (sizeof(deleted) - 1)] = '\0';
	snprintf(a->pid, sizeof(a->pid), "%d", (int)pid);
	snprintf(a->start, sizeof(a->start), "%" PRIu64, start);
	a->n = 0;
	add(a, prog, NULL);
	add(a, "--network", name);
	add(a, "--pid", a->pid);
	add(a, "--start", a->start);
	add(a, "--vnetd", a->self);
	add(a, "--confdir", paths->confdir);
	add(a, "--rundir", paths->rundir);
	add(a, "--statedir", paths->statedir);
	if (opts->foreground)
		add(a, "--foreground", NULL);
	if (opts->no_probe)
		add(a, "--no-probe", NULL);
	if (opts->new_client_rate) {
		if (opts->new_client_rate == DHCP_RATE_UNLIMITED)
			snprintf(a->rate, sizeof(a->rate), "unlimited");
		else
			snprintf(a->rate, sizeof(a->rate), "%" PRIu32, opts->new_client_rate);
		add(a, "--new-client-rate", a->rate);
	}
	if (ready_fd >= 0) {
		snprintf(a->fd, sizeof(a->fd), "%d", ready_fd);
		add(a, "--ready-fd", a->fd);
	}
	a->v[a->n] = NULL;
	return 0;
}

/* Become vnetd-supervise; returns only on failure (negative errno, msg). */
static int exec_supervisor(const char *prog, const struct vnetd_paths *paths, const char *name,
			   const struct lifecycle_opts *opts, pid_t pid, uint64_t start,
			   int ready_fd, char *msg, size_t msg_size)
{
	struct sup_argv a;
	int r = build_argv(&a, prog, paths, name, opts, pid, start, ready_fd);

	if (r == 0) {
		execv(prog, (char *const *)a.v);
		r = -errno;
	}
	snprintf(msg, msg_size, "cannot run %s: %s", prog, strerror(-r));
	return r;
}

static int find_prog(char *prog, size_t size, char *msg, size_t msg_size)
{
	int r = libexec_find(SUPERVISOR_PROG, prog, size);

	if (r < 0)
		snprintf(msg, msg_size, "cannot find %s beside vnetd or in its libexec "
			 "directory: %s", SUPERVISOR_PROG, strerror(-r));
	return r;
}

int supervisor_run(void *arg, int ready_fd)
{
	const struct supervisor_args *a = arg;
	char prog[PATH_MAX], msg[PATH_MAX + 100];

	if (find_prog(prog, sizeof(prog), msg, sizeof(msg)) == 0)
		exec_supervisor(prog, a->paths, a->name, &a->opts, a->daemon_pid,
				a->daemon_start, ready_fd, msg, sizeof(msg));
	spawn_report(ready_fd, msg);
	return 1;
}

int supervise(const struct vnetd_paths *paths, const struct run_state *st,
	      const struct lifecycle_opts *opts)
{
	const struct undo_rec *d = run_state_find(st, UNDO_DAEMON);
	char prog[PATH_MAX], msg[PATH_MAX + 100];
	sigset_t set;

	log_open(st->name, true);
	if (!d) {
		log_msg(LOG_ERR, "cannot supervise network '%s': its record has no daemon",
			st->name);
		return 1;
	}
	if (find_prog(prog, sizeof(prog), msg, sizeof(msg)) < 0) {
		log_msg(LOG_ERR, "cannot supervise network '%s': %s", st->name, msg);
		return 1;
	}
	/* blocked across the exec: a SIGTERM now is the supervisor's to read */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGCHLD);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sd_notifyf(0, "READY=1\nMAINPID=%d\nSTATUS=network %s active on %s", (int)getpid(),
		   st->name, run_state_bridge(st));
	fflush(NULL);
	exec_supervisor(prog, paths, st->name, opts, d->pid, d->start, -1, msg, sizeof(msg));
	log_msg(LOG_ERR, "cannot supervise network '%s': %s", st->name, msg);
	return 1;
}

/* The record, if it still names the calling supervisor: 0, 1 (not ours), or negative errno. */
static int read_ours(const struct vnetd_paths *paths, const char *name, pid_t sup,
		     uint64_t sup_start, struct run_state *st, char *msg, size_t msg_size)
{
	const struct undo_rec *sv;
	int r = state_read(paths, name, st, msg, msg_size);

	if (r == -ENOENT)
		return 1;
	if (r < 0)
		return r;
	sv = run_state_find(st, UNDO_SUPERVISOR);
	return sv && sv->pid == sup && sv->start == sup_start ? 0 : 1;
}

/* A daemon runs (someone else started it, or we just did): 0 with it in *out. */
static int running(const struct run_state *st, struct undo_rec *out)
{
	const struct undo_rec *d = run_state_find(st, UNDO_DAEMON);

	if (!d || !proc_alive(d->pid, d->start))
		return -ESRCH;
	*out = *d;
	return 0;
}

int supervisor_respawn(const struct vnetd_paths *paths, const char *name,
		       const struct lifecycle_opts *opts, const char *reason, bool check_only,
		       pid_t sup, uint64_t sup_start, struct undo_rec *out, char *msg,
		       size_t msg_size)
{
	struct host_sys sys;
	struct run_state st;
	struct bridge_error be = { 0 };
	int lock, r;

	if ((lock = state_lock(paths, name, msg, msg_size)) < 0)
		return lock;
	if ((r = read_ours(paths, name, sup, sup_start, &st, msg, msg_size)) != 0 ||
	    running(&st, out) == 0 || check_only) {
		close(lock);
		return r != 0 ? r : running(&st, out);
	}
	host_sys_default(&sys);
	if ((r = sys.ops->open(&sys, &be)) == 0) {
		r = host_respawn(&sys, paths, opts, &st, reason, NULL, msg, msg_size);
		sys.ops->close(&sys);
	} else {
		snprintf(msg, msg_size, "%s", be.message);
	}
	close(lock);
	/* a keeper that did not start is logged; the daemon it follows runs */
	if (r < 0 && running(&st, out) == 0)
		log_msg(LOG_ERR, "supervisor: %s", msg);
	return running(&st, out) == 0 ? 0 : (r < 0 ? r : -ESRCH);
}
