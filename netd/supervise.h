/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * supervise: `start --foreground`, for systemd (Type=notify). The started
 * network's daemons run as usual, unprivileged, in their own processes; this
 * process stays as root beside them, never reads guest traffic, tells
 * systemd READY=1, and on SIGTERM (or if the serving daemon dies) undoes
 * everything exactly as `stop` does.
 */
#ifndef VNETD_SUPERVISE_H
#define VNETD_SUPERVISE_H

#include "netd/state.h"
#include "netd/vnetd.h"

/* Returns the exit status: 0 after a requested stop, 1 if the daemon died. */
int supervise(const struct vnetd_paths *paths, const struct run_state *st);

#endif
