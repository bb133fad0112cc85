/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd-supervise: started by `vnetd start` for one network (in the
 * background, reporting ready on --ready-fd as every spawned process of
 * vnetd does), or exec'd by `vnetd start --foreground` in its own place
 * once the network runs (the process systemd watches; start already told
 * systemd READY=1). It stays root — it starts daemons again — but never
 * reads a guest's byte: it parses its arguments and the one-line answer
 * of `vnetd __respawn`, nothing else.
 */
#include "netd/supervisor/supervisor.h"
#include "netd/small/small.h"

#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

static int watch_signals(void)
{
	static const int watched[] = { SIGTERM, SIGINT, SIGHUP, SIGCHLD };

	return small_signalfd(watched, sizeof(watched) / sizeof(watched[0]));
}

/*
 * Foreground, told to stop: `vnetd stop NAME` (its stop leaves a
 * foreground supervisor alone, so it does not wait for us), its report on
 * our output. The exit status: 0 when the network is stopped.
 */
static int stop_network(struct sup *s)
{
	int status = -1, r;

	sup_notify("STOPPING=1");
	s->stop_pending = false;
	r = sup_run_vnetd(s, "stop", NULL, NULL, 0, &status);
	sup_reap(s);
	if (r < 0 || status < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		small_log(LOG_ERR, "cannot stop network '%s'", s->a.name);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct sup s = { .sigfd = -1 };
	char msg[400];

	if (sup_parse_args(argc, argv, &s.a, msg, sizeof(msg)) < 0) {
		dprintf(2, "%s\n", msg);
		small_ready(s.a.ready_fd, msg);
		return 2;
	}
	small_log_open("supervise", s.a.name, s.a.foreground);
	/* the daemons a `vnetd __respawn` child starts become ours when it exits */
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0 || (s.sigfd = watch_signals()) < 0) {
		small_ready(s.a.ready_fd, "supervisor: cannot become a subreaper or watch signals");
		return 1;
	}
	s.pid = s.a.pid;
	s.start = s.a.start;
	s.since_ms = small_now_ms();
	sup_backoff_init(&s.bo);
	small_ready(s.a.ready_fd, NULL);
	if (sup_loop(&s) == SUP_STOP && s.a.foreground)
		return stop_network(&s);
	return 0;
}
