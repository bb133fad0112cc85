/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/host/host.h"
#include "netd/base/base.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

/* Why the supervisor stops the network, on standard error (the journal). */
static void say(const char *what, const char *name, const char *detail)
{
	fprintf(stderr, "vnetd: %s network '%s'%s%s\n", what, name, detail ? ": " : "",
		detail ? detail : "");
}

/* SIGHUP (`systemctl reload`): `vnetd reload`, said on standard output (the journal). */
static void reload(const struct vnetd_paths *paths, const char *name)
{
	char out[4096], msg[1024];

	sd_notify(0, "RELOADING=1");
	if (lifecycle_reload(paths, name, out, sizeof(out), msg, sizeof(msg)) < 0)
		say("cannot reload", name, msg);
	fputs(out, stdout);
	fflush(stdout);
	sd_notify(0, "READY=1");
}

/* Wait for the daemon's end or a signal; SIGHUP reloads and goes on waiting. */
static void wait_end(const struct vnetd_paths *paths, const char *name, struct pollfd *fds)
{
	struct signalfd_siginfo si;

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (fds[1].revents)
			return;
		if (read(fds[0].fd, &si, sizeof(si)) == sizeof(si) && si.ssi_signo != SIGHUP)
			return;
		reload(paths, name);
	}
}

int supervise(const struct vnetd_paths *paths, const struct run_state *st)
{
	const struct undo_rec *d = run_state_find(st, UNDO_DAEMON);
	struct pollfd fds[2];
	struct run_state now;
	sigset_t set;
	char msg[700];
	int rc = 0, r;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	fds[0].fd = signalfd(-1, &set, SFD_CLOEXEC);
	fds[0].events = POLLIN;
	fds[1].fd = d ? (int)syscall(SYS_pidfd_open, d->pid, 0) : -1;
	fds[1].events = POLLIN;
	if (fds[0].fd < 0 || fds[1].fd < 0) {
		say("cannot watch the daemon of", st->name, strerror(errno));
		return 1;
	}
	sd_notifyf(0, "READY=1\nMAINPID=%d\nSTATUS=network %s active on %s", (int)getpid(),
		   st->name, run_state_bridge(st));
	wait_end(paths, st->name, fds);
	if (fds[1].revents) {
		/* `vnetd stop` ended it (no state left), or it died (state left) */
		if (lifecycle_status(paths, st->name, &now) == NET_INACTIVE)
			goto out;
		say("the daemon ended; stopping", st->name, NULL);
		rc = 1;
	}
	sd_notify(0, "STOPPING=1");
	r = lifecycle_stop(paths, st->name, msg, sizeof(msg));
	if (r < 0) {
		say("cannot stop", st->name, msg);
		rc = 1;
	} else if (r == 0) {
		printf("Network %s stopped\n", st->name);
	}
out:
	close(fds[0].fd);
	close(fds[1].fd);
	return rc;
}
