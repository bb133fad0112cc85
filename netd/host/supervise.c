/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor: one small root process per network that never reads a
 * guest's byte. It waits on the serving daemon's pidfd; when the daemon
 * dies (crash, kill -9, OOM) it starts it again — and its keeper, which
 * follows one daemon — after a back-off, under the network's lock, and
 * records the new pids (netd/host/respawn.c). The bridge, addresses,
 * ports and firewall are never touched, so guests keep their addresses;
 * leases come back from the journal as at any daemon start.
 *
 * Under systemd it is `start --foreground` itself (SIGTERM stops the
 * network); otherwise `start` leaves one in the background (SIGTERM, sent
 * by `stop` before it stops the daemon, just ends it). SIGHUP (`systemctl
 * reload`) is `vnetd reload`: the stored definition applied to what runs.
 */
#include "netd/host/host-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

#define GAVE_UP_RECHECK_MS 2000
#define LOCK_RETRY_MS 50

struct sup {
	const struct vnetd_paths *paths;
	const char *name;
	struct lifecycle_opts opts;
	int sigfd;
	pid_t pid;              /* the daemon watched */
	uint64_t start;
	long long since;        /* when it started (unix seconds) */
	char reason[32];        /* why it ended */
	struct backoff bo;
	bool gave_up;
	struct netdef *def;     /* as defined when it began to watch (for an undefine since) */
};

enum { SUP_DIED, SUP_STOP };

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void describe(struct sup *s, int status)
{
	const char *sig;

	if (WIFSIGNALED(status)) {
		sig = sigabbrev_np(WTERMSIG(status));
		snprintf(s->reason, sizeof(s->reason), "killed-by-%s", sig ? sig : "signal");
	} else if (WIFEXITED(status)) {
		snprintf(s->reason, sizeof(s->reason), "exit-status-%d", WEXITSTATUS(status));
	}
}

/*
 * Why the daemon ended: from its zombie while it is one (a daemon `start`
 * made is not our child), then from waitpid for those we made; reap every
 * child that ended (keepers, daemons).
 */
static void reap(struct sup *s)
{
	int status;
	pid_t p;

	if (proc_exit_status(s->pid, s->start, &status) == 0)
		describe(s, status);
	while ((p = waitpid(-1, &status, WNOHANG)) > 0)
		if (p == s->pid)
			describe(s, status);
}

/* SIGHUP: `vnetd reload`, its report on standard output (the journal). */
static void reload(const struct sup *s)
{
	char out[4096] = "", msg[1024];

	sd_notify(0, "RELOADING=1");
	if (lifecycle_reload(s->paths, s->name, out, sizeof(out), msg, sizeof(msg)) < 0)
		fprintf(stderr, "vnetd: cannot reload network '%s': %s\n", s->name, msg);
	fputs(out, stdout);
	fflush(stdout);
	sd_notify(0, "READY=1");
}

/* SIGTERM/SIGINT: SUP_STOP; SIGHUP reloads, and the watch goes on. */
static int read_signal(struct sup *s)
{
	struct signalfd_siginfo si;

	if (read(s->sigfd, &si, sizeof(si)) != (ssize_t)sizeof(si))
		return -1;
	if (si.ssi_signo != SIGHUP)
		return SUP_STOP;
	reload(s);
	return -1;
}

/* Wait for the daemon to end (SUP_DIED) or for a stop (SUP_STOP). */
static int watch(struct sup *s)
{
	int pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0), r = -1;
	struct pollfd fds[2] = { { .fd = s->sigfd, .events = POLLIN },
				 { .fd = pidfd, .events = POLLIN } };

	snprintf(s->reason, sizeof(s->reason), "ended");
	if (pidfd < 0 || !proc_alive(s->pid, s->start)) {
		if (pidfd >= 0)
			close(pidfd);
		reap(s);
		return SUP_DIED;
	}
	while (r < 0) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[0].revents)
			r = read_signal(s);
		else if (fds[1].revents)
			r = SUP_DIED;
	}
	close(pidfd);
	reap(s);
	return r < 0 ? SUP_DIED : r;
}

/* Sleep ms, unless told to stop (SUP_STOP). */
static int pause_ms(struct sup *s, int64_t ms)
{
	struct pollfd pfd = { .fd = s->sigfd, .events = POLLIN };
	int64_t until = now_ms() + ms, left;

	while ((left = until - now_ms()) > 0) {
		if (poll(&pfd, 1, (int)left) > 0 && read_signal(s) == SUP_STOP)
			return SUP_STOP;
	}
	return SUP_DIED;
}

/* The network's lock, waiting for it without missing a stop: fd, or -EINTR. */
static int lock_or_stop(struct sup *s)
{
	char path[PATH_MAX];
	int fd;

	if (!vnetd_path(path, sizeof(path), s->paths->rundir, NULL, s->name, ".lock"))
		return -EINVAL;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK || pause_ms(s, LOCK_RETRY_MS) == SUP_STOP) {
			close(fd);
			return -EINTR;
		}
	}
	return fd;
}

/* Follow the daemon the record names now. */
static void follow(struct sup *s, const struct run_state *st)
{
	const struct undo_rec *d = run_state_find(st, UNDO_DAEMON);
	const struct undo_rec *sv = run_state_find(st, UNDO_SUPERVISOR);

	s->pid = d->pid;
	s->start = d->start;
	s->since = sv ? sv->since : st->started;
}

/*
 * Under the lock: 1 restarted (or someone else did), 0 the network is no
 * longer ours to watch (stopped, or another supervisor took over), -1
 * the restart failed (logged).
 */
static int restart(struct sup *s)
{
	struct host_sys sys;
	struct run_state st;
	struct bridge_error be = { 0 };
	const struct undo_rec *d, *sv;
	char msg[700];
	int lock, r;

	if ((lock = lock_or_stop(s)) < 0)
		return 0;
	host_sys_default(&sys);
	r = state_read(s->paths, s->name, &st, msg, sizeof(msg));
	sv = r == 0 ? run_state_find(&st, UNDO_SUPERVISOR) : NULL;
	if (r < 0 || !sv || sv->pid != getpid()) {
		close(lock);
		return 0;
	}
	d = run_state_find(&st, UNDO_DAEMON);
	if (d && proc_alive(d->pid, d->start)) {
		follow(s, &st);
		close(lock);
		return 1;
	}
	if ((r = sys.ops->open(&sys, &be)) == 0) {
		r = host_respawn(&sys, s->paths, &s->opts, &st, s->reason, s->def, msg,
				 sizeof(msg));
		sys.ops->close(&sys);
	} else {
		snprintf(msg, sizeof(msg), "%s", be.message);
	}
	close(lock);
	if (r < 0 && !run_state_find(&st, UNDO_DAEMON))
		return -1;
	if (r < 0)
		log_msg(LOG_ERR, "supervisor: cannot restart the daemon of %s: %s", s->name, msg);
	follow(s, &st);
	if (!proc_alive(s->pid, s->start))
		return -1;
	log_msg(LOG_WARNING, "supervisor: the daemon of %s ended (%s); restarted as pid %d",
		s->name, s->reason, (int)s->pid);
	sd_notifyf(0, "STATUS=network %s active; daemon restarted (%s)", s->name, s->reason);
	return 1;
}

static void give_up(struct sup *s)
{
	s->gave_up = true;
	log_msg(LOG_ERR, "supervisor: the daemon of %s ended %d times in a row (last: %s); not "
		"restarting it any more. The bridge, its addresses, ports and firewall stay, but "
		"guests get no DHCP or DNS. See the log for why, fix it, then run "
		"'vnetd start %s' to start the daemon again", s->name, BACKOFF_GIVE_UP + 1,
		s->reason, s->name);
	sd_notifyf(0, "STATUS=network %s: daemon down, not restarted (see the log)", s->name);
}

/* After giving up: wait until someone starts the daemon again (`vnetd start`). */
static int wait_for_daemon(struct sup *s)
{
	struct run_state st;
	const struct undo_rec *d, *sv;
	char msg[300];

	for (;;) {
		if (pause_ms(s, GAVE_UP_RECHECK_MS) == SUP_STOP)
			return SUP_STOP;
		reap(s);
		if (state_read(s->paths, s->name, &st, msg, sizeof(msg)) < 0)
			return SUP_STOP;
		d = run_state_find(&st, UNDO_DAEMON);
		sv = run_state_find(&st, UNDO_SUPERVISOR);
		if (!sv || sv->pid != getpid())
			return SUP_STOP;
		if (d && proc_alive(d->pid, d->start)) {
			follow(s, &st);
			s->gave_up = false;
			backoff_init(&s->bo);
			return SUP_DIED;
		}
	}
}

/* Watch, restart, back off; returns SUP_STOP when told to stop, 0 when it is not ours. */
static int loop(struct sup *s)
{
	int64_t wait;
	int r;

	for (;;) {
		if (s->gave_up) {
			if (wait_for_daemon(s) == SUP_STOP)
				return SUP_STOP;
			continue;
		}
		if (watch(s) == SUP_STOP)
			return SUP_STOP;
		do {
			wait = backoff_next(&s->bo, ((long long)time(NULL) - s->since) * 1000);
			if (wait < 0) {
				give_up(s);
				break;
			}
			if (pause_ms(s, wait) == SUP_STOP)
				return SUP_STOP;
			if ((r = restart(s)) == 0)
				return 0;
			s->since = (long long)time(NULL);
		} while (r < 0);
	}
}

static int block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

int supervisor_run(void *arg, int ready_fd)
{
	const struct supervisor_args *a = arg;
	struct sup s = { .paths = a->paths, .name = a->name, .opts = a->opts,
			 .pid = a->daemon_pid, .start = a->daemon_start,
			 .since = (long long)time(NULL) };

	char msg[300];

	log_open(a->name, false);
	backoff_init(&s.bo);
	if ((s.sigfd = block_signals()) < 0) {
		spawn_report(ready_fd, "supervisor: cannot watch signals");
		return 1;
	}
	/* start's own copy when it has one: no second parse on start's path */
	if (a->def)
		s.def = a->def;
	else
		host_load_definition(a->paths, a->name, &s.def, msg, sizeof(msg));
	spawn_report(ready_fd, NULL);
	/* what the forked CLI left in the heap, freed, goes back to the system */
	malloc_trim(0);
	loop(&s);
	close(s.sigfd);
	netdef_free(s.def);
	return 0;
}

int supervise(const struct vnetd_paths *paths, const struct run_state *st,
	      const struct lifecycle_opts *opts)
{
	const struct undo_rec *d = run_state_find(st, UNDO_DAEMON);
	struct sup s = { .paths = paths, .name = st->name, .opts = *opts };
	char msg[700];
	int r;

	log_open(st->name, true);
	backoff_init(&s.bo);
	follow(&s, st);
	if (!d || (s.sigfd = block_signals()) < 0) {
		log_msg(LOG_ERR, "cannot supervise network '%s'", st->name);
		return 1;
	}
	host_load_definition(paths, st->name, &s.def, msg, sizeof(msg));
	sd_notifyf(0, "READY=1\nMAINPID=%d\nSTATUS=network %s active on %s", (int)getpid(),
		   st->name, run_state_bridge(st));
	r = loop(&s);
	close(s.sigfd);
	netdef_free(s.def);
	if (r != SUP_STOP)
		return 0;       /* `vnetd stop` stopped it, or someone took over */
	sd_notify(0, "STOPPING=1");
	r = lifecycle_stop(paths, st->name, msg, sizeof(msg));
	if (r < 0) {
		log_msg(LOG_ERR, "cannot stop network '%s': %s", st->name, msg);
		return 1;
	}
	if (r == 0)
		printf("Network %s stopped\n", st->name);
	return 0;
}
