/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The network's processes, started by `start` and started again while the
 * bridge stays: the serving daemon, the keeper that follows it, and the
 * supervisor that restarts the daemon when it dies. A restart changes the
 * daemon's and keeper's steps of the record in place (their new pid and
 * start time) and counts it on the supervisor's step, and the record is
 * written again (atomically) before anyone else may look at it.
 */
#include "netd/host/host-internal.h"
#include "netd/host/keeper.h"
#include "netd/serve/serve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct daemon_args {
	const struct vnetd_paths *paths;
	struct netdef *def;
	const struct lifecycle_opts *opts;
};

static int daemon_child(void *arg, int ready_fd)
{
	struct daemon_args *a = arg;
	struct daemon_opts d = {
		.foreground = a->opts->foreground, .probe = !a->opts->no_probe,
		.new_client_rate = a->opts->new_client_rate,
	};

	return daemon_run(a->paths, a->def, ready_fd, &d);
}

int host_spawn_daemon(struct host_sys *sys, const struct vnetd_paths *paths, struct netdef *def,
		      const struct lifecycle_opts *opts, struct undo_rec *u, char *msg,
		      size_t msg_size)
{
	struct daemon_args a = { paths, def, opts };

	return sys->ops->spawn(sys, HOST_PROC_DAEMON, daemon_child, &a, opts->foreground, &u->pid,
			       &u->start, msg, msg_size);
}

int host_spawn_keeper(struct host_sys *sys, const struct vnetd_paths *paths, struct netdef *def,
		      const struct lifecycle_opts *opts, const struct undo_rec *daemon,
		      struct undo_rec *u, char *msg, size_t msg_size)
{
	struct keeper_target t = { def, daemon->pid, daemon->start, opts->foreground, paths };

	return sys->ops->spawn(sys, HOST_PROC_KEEPER, keeper_run, &t, opts->foreground, &u->pid,
			       &u->start, msg, msg_size);
}

int host_spawn_supervisor(struct host_sys *sys, const struct vnetd_paths *paths,
			  const char *name, struct netdef *def, const struct lifecycle_opts *opts,
			  const struct undo_rec *daemon, struct undo_rec *u, char *msg,
			  size_t msg_size)
{
	struct supervisor_args a = { .paths = paths, .opts = *opts, .def = def };

	snprintf(a.name, sizeof(a.name), "%s", name);
	a.daemon_pid = daemon ? daemon->pid : 0;
	a.daemon_start = daemon ? daemon->start : 0;
	u->since = (long long)time(NULL);
	if (!u->reason[0])
		snprintf(u->reason, sizeof(u->reason), "none");
	if (opts->foreground) {
		/* systemd's process supervises: this one, once start returns */
		snprintf(u->mode, sizeof(u->mode), SUPERVISOR_FOREGROUND);
		u->pid = getpid();
		u->start = proc_start_time(u->pid);
		return 0;
	}
	snprintf(u->mode, sizeof(u->mode), SUPERVISOR_BACKGROUND);
	return sys->ops->spawn(sys, HOST_PROC_SUPERVISOR, supervisor_run, &a, false, &u->pid,
			       &u->start, msg, msg_size);
}

/* The supervisor's step: one more restart, and why the daemon had ended. */
static void count_restart(struct run_state *st, const char *reason)
{
	struct undo_rec *s = NULL;
	size_t i;

	for (i = 0; i < st->n_undo; i++)
		if (st->undo[i].kind == UNDO_SUPERVISOR)
			s = &st->undo[i];
	if (!s)
		return;
	s->restarts++;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	s->since = (long long)time(NULL);
}

int host_respawn(struct host_sys *sys, const struct vnetd_paths *paths,
		 const struct lifecycle_opts *opts, struct run_state *st, const char *reason,
		 struct netdef *fallback, char *msg, size_t msg_size)
{
	struct undo_rec *d = run_state_step(st, UNDO_DAEMON), *k = run_state_step(st, UNDO_KEEPER);
	struct undo_rec nd, nk;
	struct netdef *def = NULL;
	char kmsg[300];
	int r, kr = 0;

	if (!d) {
		snprintf(msg, msg_size, "the record of network '%s' has no daemon", st->name);
		return -EINVAL;
	}
	/*
	 * What runs (RUNDIR/NAME.xml, with every live change since), else the
	 * stored definition (a network started before that record existed)
	 */
	if (state_read_def(paths, st->name, &def, msg, msg_size) < 0 || !def)
		r = host_load_definition(paths, st->name, &def, msg, msg_size);
	else
		r = 0;
	/* undefined while it runs: it runs on as it was defined when watched first */
	if (r == -ENOENT && fallback)
		r = 0;
	if (r < 0)
		return r;
	if (strcmp((def ? def : fallback)->bridge_name, run_state_bridge(st))) {
		snprintf(msg, msg_size, "the definition of '%s' now names bridge %s, not %s: "
			 "stop and start the network to change it", st->name,
			 (def ? def : fallback)->bridge_name, run_state_bridge(st));
		netdef_free(def);
		return -EINVAL;
	}
	/* the keeper follows one daemon: the old one goes with it */
	if (k && (r = sys->ops->terminate(sys, k->pid, k->start)) < 0) {
		snprintf(msg, msg_size, "the old keeper (pid %d) does not stop", (int)k->pid);
		goto out;
	}
	nd = *d;
	if ((r = host_spawn_daemon(sys, paths, def ? def : fallback, opts, &nd, msg,
				   msg_size)) < 0)
		goto out;
	*d = nd;
	count_restart(st, reason);
	if (k) {
		nk = *k;
		kr = host_spawn_keeper(sys, paths, def ? def : fallback, opts, d, &nk, kmsg,
				       sizeof(kmsg));
		if (kr == 0)
			*k = nk;
	}
	/* what runs now is recorded, even when the keeper did not start */
	if ((r = sys->ops->save(sys, paths, st, msg, msg_size)) == 0 && kr < 0) {
		snprintf(msg, msg_size, "the daemon runs again, but its keeper does not: %s",
			 kmsg);
		r = kr;
	}
out:
	netdef_free(def);
	return r;
}
