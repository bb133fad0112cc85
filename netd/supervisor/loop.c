/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The supervisor's loop: wait for the daemon to end (its pidfd) or for a
 * signal; when it ended, say why (its wait status: ours when it is our
 * child — the subreaper gets the daemons `vnetd __respawn` starts — else
 * read from its zombie), back off, and let `vnetd __respawn` start it
 * again under the network's lock. After ten failures in a row it gives up
 * and waits until someone starts the daemon (`vnetd start` rewrites the
 * record, which it sees by its inode and time, never by reading it).
 */
#include "netd/supervisor/supervisor.h"
#include "netd/small/small.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#define GAVE_UP_RECHECK_MS 2000

enum { SUP_WATCH = SUP_END + 1, SUP_RETRY, SUP_GAVE_UP };

void sup_reap(struct sup *s)
{
	int status;
	pid_t p;

	while ((p = waitpid(-1, &status, WNOHANG)) > 0)
		if (p == s->pid)
			sup_describe_exit(status, s->reason, sizeof(s->reason));
}

/* `vnetd reload NAME`: its report goes where ours goes (the journal). */
static void reload(struct sup *s)
{
	int status, r;

	s->hup_pending = false;
	sup_notify("RELOADING=1");
	r = sup_run_vnetd(s, "reload", NULL, NULL, 0, &status);
	if (r < 0 && r != -EINTR)
		small_log(LOG_ERR, "supervisor: cannot run %s reload", s->a.vnetd);
	/* children that ended meanwhile (SIGCHLD was read while reload ran) */
	sup_reap(s);
	sup_notify("READY=1");
}

int sup_read_signal(struct sup *s, bool may_reload)
{
	struct signalfd_siginfo si;

	while (read(s->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
			return SUP_STOP;
		if (si.ssi_signo == SIGHUP)
			s->hup_pending = true;
		/* SIGCHLD: reaped where no vnetd of ours runs */
		if (si.ssi_signo == SIGCHLD && may_reload)
			sup_reap(s);
	}
	if (s->hup_pending && may_reload)
		reload(s);
	return s->stop_pending ? SUP_STOP : 0;
}

/* The daemon is gone: why, from its zombie while it is one, then by reaping. */
static void ended(struct sup *s)
{
	struct small_stat st;

	if (small_read_stat(s->pid, &st) == 0 && (st.state == 'Z' || st.state == 'X') &&
	    st.start == s->start && st.has_exit)
		sup_describe_exit(st.exit_code, s->reason, sizeof(s->reason));
	sup_reap(s);
}

/* Wait for the daemon to end (0) or for a stop (SUP_STOP). */
static int watch(struct sup *s)
{
	int pidfd = small_pidfd_open(s->pid), r = 0;
	struct pollfd fds[2] = { { .fd = s->sigfd, .events = POLLIN },
				 { .fd = pidfd, .events = POLLIN } };
	struct small_stat st;

	snprintf(s->reason, sizeof(s->reason), "ended");
	/* the pidfd holds the pid: checked once, the process stays the one named */
	if (pidfd >= 0 && (small_read_stat(s->pid, &st) < 0 || st.start != s->start)) {
		close(pidfd);
		pidfd = -1;
	}
	while (pidfd >= 0 && r == 0) {
		if (poll(fds, 2, -1) < 0 && errno != EINTR)
			break;
		if (fds[1].revents)
			break;
		if (fds[0].revents)
			r = sup_read_signal(s, true);
	}
	if (r == 0)
		ended(s);
	if (pidfd >= 0)
		close(pidfd);
	return r;
}

/* Sleep ms, unless told to stop (SUP_STOP); signals are answered meanwhile. */
static int pause_ms(struct sup *s, int64_t ms)
{
	struct pollfd pfd = { .fd = s->sigfd, .events = POLLIN };
	int64_t until = small_now_ms() + ms, left;

	while ((left = until - small_now_ms()) > 0) {
		if (poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left) > 0 &&
		    sup_read_signal(s, true) == SUP_STOP)
			return SUP_STOP;
	}
	return s->stop_pending ? SUP_STOP : 0;
}

/*
 * `vnetd __respawn NAME --reason R ...` (check: only whether a daemon runs
 * now, started by someone else): SUP_WATCH with the daemon it answered,
 * SUP_END, SUP_STOP or SUP_RETRY.
 */
static int respawn(struct sup *s, bool check)
{
	const char *extra[8] = { "--reason", s->reason };
	char out[SUP_ANSWER_MAX + 2];
	size_t n = 2;
	int status, r;

	if (s->a.foreground)
		extra[n++] = "--foreground";
	if (s->a.no_probe)
		extra[n++] = "--no-probe";
	if (s->a.rate) {
		extra[n++] = "--new-client-rate";
		extra[n++] = s->a.rate;
	}
	if (check)
		extra[n++] = "--check";
	r = sup_run_vnetd(s, "__respawn", extra, out, sizeof(out), &status);
	sup_reap(s);
	if (r == -EINTR || s->stop_pending)
		return SUP_STOP;
	if (r < 0 || status < 0 || !WIFEXITED(status)) {
		small_log(LOG_ERR, "supervisor: cannot run %s __respawn", s->a.vnetd);
		return SUP_RETRY;
	}
	if (WEXITSTATUS(status) == SUP_VERB_END)
		return SUP_END;
	if (WEXITSTATUS(status) != SUP_VERB_RUNS)
		return SUP_RETRY;
	if (sup_parse_answer(out, strlen(out), &s->pid, &s->start) < 0) {
		small_log(LOG_ERR, "supervisor: %s __respawn answered what it should not",
			  s->a.vnetd);
		return SUP_RETRY;
	}
	s->since_ms = small_now_ms();
	return SUP_WATCH;
}

/* The daemon ended: back off and start it again, until it runs or we give up. */
static int recover(struct sup *s)
{
	int64_t wait;
	int r;

	for (;;) {
		wait = sup_backoff_next(&s->bo, small_now_ms() - s->since_ms);
		if (wait < 0)
			return SUP_GAVE_UP;
		if (pause_ms(s, wait) == SUP_STOP)
			return SUP_STOP;
		if ((r = respawn(s, false)) != SUP_RETRY)
			return r;
		/* a daemon that did not start did not live */
		s->since_ms = small_now_ms();
	}
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* Given up: until someone starts the daemon again (SUP_WATCH), or the network goes. */
static int wait_for_daemon(struct sup *s)
{
	char path[PATH_MAX];
	struct stat was, now;
	int r;

	small_log(LOG_ERR, "supervisor: the daemon of %s ended %d times in a row (last: %s); not "
		  "restarting it any more. The bridge, its addresses, ports and firewall stay, "
		  "but guests get no DHCP or DNS. See the log for why, fix it, then run "
		  "'vnetd start %s' to start the daemon again", s->a.name,
		  SUP_BACKOFF_GIVE_UP + 1, s->reason, s->a.name);
	sup_notify("STATUS=network %s: daemon down, not restarted (see the log)", s->a.name);
	snprintf(path, sizeof(path), "%s/%s.state", s->a.rundir, s->a.name);
	memset(&was, 0, sizeof(was));
	stat(path, &was);
	for (;;) {
		if (pause_ms(s, GAVE_UP_RECHECK_MS) == SUP_STOP)
			return SUP_STOP;
		/* no record: the network was stopped */
		if (stat(path, &now) < 0) {
			if (errno == ENOENT)
				return SUP_END;
			continue;
		}
		if (same_file(&was, &now))
			continue;
		was = now;
		if ((r = respawn(s, true)) != SUP_RETRY) {
			sup_backoff_init(&s->bo);
			return r;
		}
	}
}

int sup_loop(struct sup *s)
{
	int r;

	for (;;) {
		if (watch(s) == SUP_STOP)
			return SUP_STOP;
		r = recover(s);
		if (r == SUP_GAVE_UP)
			r = wait_for_daemon(s);
		if (r == SUP_WATCH)
			sup_notify("STATUS=network %s active; daemon restarted (%s)", s->a.name,
				   s->reason);
		else if (r != SUP_RETRY)
			return r;
	}
}
