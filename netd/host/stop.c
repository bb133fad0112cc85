/* SPDX-License-Identifier: GPL-2.0-or-later */
/* lifecycle: whether a network runs, and `stop` (start is in lifecycle.c). */
#include "netd/host/host.h"
#include "bridge/bridge.h"
#include "nat/nat.h"
#include "netd/base/base.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

enum lifecycle_status lifecycle_status(const struct vnetd_paths *paths, const char *name,
				       struct run_state *out)
{
	struct run_state st;
	struct bridge_link_info li;
	struct bridge_ctx *nl = NULL;
	char msg[256];
	enum lifecycle_status status = NET_STALE;

	if (state_read(paths, name, &st, msg, sizeof(msg)) < 0)
		return NET_INACTIVE;
	if (out)
		*out = st;
	if (bridge_open(&nl, NULL) < 0)
		return NET_ACTIVE;      /* cannot tell; trust the record */
	if (bridge_link_query(nl, st.bridge, &li, NULL) == 0 && li.exists &&
	    (!st.bridge_created || li.ifindex == st.ifindex) &&
	    (!st.daemon_pid || proc_alive(st.daemon_pid, st.daemon_start)))
		status = NET_ACTIVE;
	bridge_close(nl);
	return status;
}

int lifecycle_stop(const struct vnetd_paths *paths, const char *name, char *msg,
		   size_t msg_size)
{
	struct bridge_ctx *nl = NULL;
	struct bridge_link_info li;
	struct bridge_error be;
	struct run_state st;
	int lock, r;

	lock = state_lock(paths, name);
	if (lock < 0) {
		snprintf(msg, msg_size, "cannot lock %s/%s.lock: %s", paths->rundir, name,
			 strerror(-lock));
		return lock;
	}
	r = state_read(paths, name, &st, msg, msg_size);
	if (r == -ENOENT) {
		r = 1;
		goto out;
	}
	if (r < 0)
		goto out;
	/* the keeper first, or it would put the table back; then the daemon,
	 * which writes the lease file one last time as it goes */
	if (st.keeper_pid && (r = proc_terminate(st.keeper_pid, st.keeper_start, 5000)) < 0) {
		snprintf(msg, msg_size, "the keeper (pid %d) does not stop: %s",
			 (int)st.keeper_pid, strerror(-r));
		goto out;
	}
	if (st.daemon_pid && (r = proc_terminate(st.daemon_pid, st.daemon_start, 5000)) < 0) {
		snprintf(msg, msg_size, "the daemon (pid %d) does not stop: %s",
			 (int)st.daemon_pid, strerror(-r));
		goto out;
	}
	if (st.firewall) {
		struct nat_error ne;

		r = nat_remove(name, &ne);
		if (r < 0 && r != -ENOENT) {
			snprintf(msg, msg_size, "%s", ne.message);
			goto out;
		}
	}
	if ((r = bridge_open(&nl, &be)) < 0) {
		snprintf(msg, msg_size, "%s", be.message);
		goto out;
	}
	/* only the very link start made: a namesake created since is not ours */
	if (st.bridge_created && (r = bridge_link_query(nl, st.bridge, &li, &be)) == 0 &&
	    li.exists && li.ifindex == st.ifindex)
		r = bridge_delete(nl, st.bridge, &be);
	if (r < 0 && r != -ENODEV) {
		snprintf(msg, msg_size, "%s", be.message);
		goto out;
	}
	r = state_remove(paths, name);
	if (r < 0)
		snprintf(msg, msg_size, "cannot remove the run state: %s", strerror(-r));
out:
	bridge_close(nl);
	close(lock);
	return r;
}
