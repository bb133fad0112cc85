/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lifecycle: start and stop one network. `start` does its steps in order and
 * keeps an undo stack; any failing step unwinds every earlier one in reverse,
 * so a failed start leaves the host as it found it. What a successful start
 * created is recorded in the run state, which is all `stop` acts on.
 */
#ifndef VNETD_LIFECYCLE_H
#define VNETD_LIFECYCLE_H

#include "netd/state.h"
#include "netd/vnetd.h"

#include <stdint.h>
#include "netd/vnetd.h"

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

#endif
