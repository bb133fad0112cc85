/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lifecycle: whether a network runs, and `stop` (start is in lifecycle.c). */
#include "netd/host/host-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * Active: the serving daemon the record names still runs, and the bridge
 * is still the very link start made. Restarting: the bridge is, the daemon
 * is not, and its supervisor runs (it is bringing it back). Anything less
 * is stale: something ended or went, and `stop` (or the next start) cleans
 * up the rest.
 */
enum lifecycle_status run_status(struct host_sys *sys, const struct run_state *st)
{
	const struct undo_rec *br = run_state_find(st, UNDO_BRIDGE);
	const struct undo_rec *d = run_state_find(st, UNDO_DAEMON);
	const struct undo_rec *s = run_state_find(st, UNDO_SUPERVISOR);
	struct bridge_link_info li;
	struct bridge_error be = { 0 };

	if (!br || !d)
		return NET_STALE;
	if (sys->ops->link_query(sys, br->ifname, &li, &be) < 0 || !li.exists ||
	    li.ifindex != br->ifindex)
		return NET_STALE;
	if (sys->ops->alive(sys, d->pid, d->start))
		return NET_ACTIVE;
	return s && sys->ops->alive(sys, s->pid, s->start) ? NET_RESTARTING : NET_STALE;
}

enum lifecycle_status lifecycle_status_on(struct host_sys *sys, const struct vnetd_paths *paths,
					  const char *name, struct run_state *out)
{
	struct run_state st;
	struct bridge_error be = { 0 };
	enum lifecycle_status status;
	char msg[256];

	if (state_read(paths, name, &st, msg, sizeof(msg)) < 0)
		return NET_INACTIVE;
	if (out)
		*out = st;
	if (sys->ops->open(sys, &be) < 0)
		return NET_ACTIVE;      /* cannot tell; trust the record */
	status = run_status(sys, &st);
	sys->ops->close(sys);
	return status;
}

enum lifecycle_status lifecycle_status(const struct vnetd_paths *paths, const char *name,
				       struct run_state *st)
{
	struct host_sys sys;

	host_sys_default(&sys);
	return lifecycle_status_on(&sys, paths, name, st);
}

/* Replay the recorded list, whatever state the network is in. */
static int replay(struct host_sys *sys, const struct vnetd_paths *paths, struct run_state *st,
		  char *msg, size_t msg_size)
{
	struct bridge_error be = { 0 };
	int r;

	if ((r = sys->ops->open(sys, &be)) < 0) {
		snprintf(msg, msg_size, "%s", be.message);
		return r;
	}
	r = undo_all(sys, paths, st, msg, msg_size);
	sys->ops->close(sys);
	return r;
}

int lifecycle_stop_on(struct host_sys *sys, const struct vnetd_paths *paths, const char *name,
		      char *msg, size_t msg_size)
{
	struct run_state st;
	int lock, r;

	lock = state_lock(paths, name, msg, msg_size);
	if (lock < 0)
		return lock;
	r = state_read(paths, name, &st, msg, msg_size);
	if (r == 0)
		r = replay(sys, paths, &st, msg, msg_size);
	else if (r == -ENOENT)
		r = 1;
	close(lock);
	if (r == 0)
		host_network_hook(paths, name, "stopped", "end");
	return r;
}

int lifecycle_stop(const struct vnetd_paths *paths, const char *name, char *msg,
		   size_t msg_size)
{
	struct host_sys sys;

	host_sys_default(&sys);
	return lifecycle_stop_on(&sys, paths, name, msg, msg_size);
}
