/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `start` on a network whose bridge is still there: it is taken over, not
 * rebuilt. That is what keeps guests when systemd restarts
 * `vnetd start --foreground` (Restart=on-failure), when the daemon died and
 * its supervisor gave up, or when a plain start's supervisor was killed:
 * whatever process is missing runs again; the bridge, its addresses, the
 * attached ports and the firewall are left as they are.
 */
#include "netd/host/host-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool alive(struct host_sys *sys, const struct undo_rec *u)
{
	return u && sys->ops->alive(sys, u->pid, u->start);
}

/*
 * The supervisor this start leaves: a foreground start supervises itself
 * (a background supervisor still running gives way to it); a plain start
 * keeps a living one and starts one where none runs.
 */
static int take_supervision(struct host_sys *sys, const struct vnetd_paths *paths,
			    const struct lifecycle_opts *opts, struct run_state *st, char *msg,
			    size_t msg_size)
{
	struct undo_rec *s = run_state_step(st, UNDO_SUPERVISOR), next;
	int r;

	if (!s && !(s = undo_insert(st, UNDO_SUPERVISOR))) {
		snprintf(msg, msg_size, "the run state of '%s' is full", st->name);
		return -E2BIG;
	}
	if (alive(sys, s) && s->pid != getpid()) {
		if (!opts->foreground)
			return 0;
		if (strcmp(s->mode, SUPERVISOR_FOREGROUND) &&
		    (r = sys->ops->terminate(sys, s->pid, s->start)) < 0) {
			snprintf(msg, msg_size, "the supervisor (pid %d) does not stop",
				 (int)s->pid);
			return r;
		}
	}
	next = *s;
	r = host_spawn_supervisor(sys, paths, st->name, NULL, opts, run_state_step(st, UNDO_DAEMON), &next,
				  msg, msg_size);
	if (r < 0)
		return r;
	/* the count of restarts and its reason carry over */
	s->pid = next.pid;
	s->start = next.start;
	memcpy(s->mode, next.mode, sizeof(s->mode));
	if (!s->reason[0])
		snprintf(s->reason, sizeof(s->reason), "none");
	if (!s->since)
		s->since = next.since;
	return 0;
}

int host_adopt(struct host_sys *sys, const struct vnetd_paths *paths,
	       const struct lifecycle_opts *opts, struct run_state *st, char *msg,
	       size_t msg_size)
{
	struct undo_rec *d = run_state_step(st, UNDO_DAEMON), *s = run_state_step(st, UNDO_SUPERVISOR);
	bool daemon_ok = alive(sys, d), sup_ok = alive(sys, s);
	int r;

	/* a second systemd instance must not pretend to run it: "already active" */
	if (daemon_ok && sup_ok && (!opts->foreground || !strcmp(s->mode, SUPERVISOR_FOREGROUND)))
		return 1;
	if (!daemon_ok &&
	    (r = host_respawn(sys, paths, opts, st, "started-again", NULL, msg, msg_size)) < 0)
		return r;
	/* a living supervisor finds the new daemon in the record by itself */
	if (sup_ok && !opts->foreground)
		return 2;
	if ((r = take_supervision(sys, paths, opts, st, msg, msg_size)) < 0)
		return r;
	if ((r = sys->ops->save(sys, paths, st, msg, msg_size)) < 0)
		return r;
	return 2;
}
