/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host: a network on the host — start and stop (bridge, addresses, the
 * firewall, the two processes, all undone on failure), the run state that
 * records what start did, and the foreground supervisor systemd runs.
 */
#ifndef VNETD_HOST_H
#define VNETD_HOST_H

#include "netd/base/base.h"
#include "netd/def/netdef.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- the run state ---- */

/*
 * state: RUNDIR/NAME.state, the record of what `start` created, so that
 * `stop` undoes exactly that and nothing else. Plain "key=value" lines.
 */

#define STATE_MAX_ADDRS 16

struct run_state {
	char name[NETDEF_NAME_MAX + 1];
	char uuid[37];
	char bridge[NETDEF_IFNAME_MAX + 1];
	bool bridge_created;            /* false: the bridge was there before */
	int ifindex;                    /* to never delete a namesake */
	enum netdef_forward_mode mode;
	bool firewall;                  /* the nftables table vnetd-NAME is ours */
	pid_t daemon_pid;               /* the serving daemon, 0 if none */
	uint64_t daemon_start;          /* its start time (see proc.h) */
	pid_t keeper_pid;               /* the firewall keeper, 0 if none */
	uint64_t keeper_start;
	long long started;              /* unix time */
	size_t n_addrs;
	char addrs[STATE_MAX_ADDRS][24]; /* "a.b.c.d/p" added by start */
};

/* 0, -ENOENT when there is no state (the network is not running), or an error. */
int state_read(const struct vnetd_paths *paths, const char *name, struct run_state *out,
	       char *msg, size_t msg_size);
int state_write(const struct vnetd_paths *paths, const struct run_state *st);

/*
 * The file's text, parsed (0, or -EINVAL with msg saying which line) and
 * formatted (0, or -ENOMEM; free *text). Exposed for the fuzz target: what
 * state_format writes, state_parse reads back to the same record.
 */
int state_parse(const char *text, struct run_state *out, char *msg, size_t msg_size);
int state_format(const struct run_state *st, char **text, size_t *size);

/* Removes NAME.state and NAME.pid. */
int state_remove(const struct vnetd_paths *paths, const char *name);

/* RUNDIR/NAME.pid: the serving daemon's pid, for admins and scripts. */
int state_write_pidfile(const struct vnetd_paths *paths, const char *name, pid_t pid);

/*
 * Serialise start/stop of one network across processes: an exclusive flock
 * on RUNDIR/NAME.lock. Returns the fd to close, or negative errno.
 */
int state_lock(const struct vnetd_paths *paths, const char *name);

/*
 * Serialise what different networks claim on the host: an exclusive flock
 * on RUNDIR/.start.lock, held from the conflict check until the bridge and
 * its addresses exist, so that two networks with one subnet (or one bridge
 * name) started at once cannot both pass the check. Taken after the
 * network's own lock, never the other way round. The fd, or negative errno.
 */
int state_lock_claims(const struct vnetd_paths *paths);

/* Names of every network with a state file, sorted; free with vnetd_free_names(). */
int state_list(const struct vnetd_paths *paths, char ***names, size_t *count);

/* ---- start and stop ---- */

/*
 * lifecycle: start and stop one network. `start` does its steps in order and
 * keeps an undo stack; any failing step unwinds every earlier one in reverse,
 * so a failed start leaves the host as it found it. What a successful start
 * created is recorded in the run state, which is all `stop` acts on.
 */

enum lifecycle_status {
	NET_INACTIVE = 0,
	NET_ACTIVE,
	NET_STALE,      /* a state file whose bridge is gone (e.g. removed by hand) */
};

struct lifecycle_opts {
	bool foreground;        /* the daemons log to stderr too */
	bool no_probe;          /* offer addresses without an ARP probe first */
	uint32_t new_client_rate;       /* new clients per second; 0 = from the pool size */
};

/*
 * 0 started, 1 already active, negative errno with `msg` filled on failure.
 * On 0, *st (may be NULL) receives what was started.
 */
int lifecycle_start(const struct vnetd_paths *paths, const char *name,
		    const struct lifecycle_opts *opts, struct run_state *st, char *msg,
		    size_t msg_size);

/* 0 stopped, 1 not active, negative errno with `msg` filled on failure. */
int lifecycle_stop(const struct vnetd_paths *paths, const char *name, char *msg,
		   size_t msg_size);

/* Is NAME running? Fills *st when a state file exists (st may be NULL). */
enum lifecycle_status lifecycle_status(const struct vnetd_paths *paths, const char *name,
				       struct run_state *st);

/* ---- under systemd ---- */

/*
 * supervise: `start --foreground`, for systemd (Type=notify). The started
 * network's daemons run as usual, unprivileged, in their own processes; this
 * process stays as root beside them, never reads guest traffic, tells
 * systemd READY=1, and on SIGTERM (or if the serving daemon dies) undoes
 * everything exactly as `stop` does.
 */

/* Returns the exit status: 0 after a requested stop, 1 if the daemon died. */
int supervise(const struct vnetd_paths *paths, const struct run_state *st);

#endif
