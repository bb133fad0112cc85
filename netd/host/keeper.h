/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keeper: the small second process of a network (privilege separation as
 * OpenSSH does it). It keeps only CAP_NET_ADMIN, never reads a byte a guest
 * sent, listens to nftables change notifications and puts the network's
 * table back when someone deletes it; it ends with the serving daemon.
 * SIGHUP (sent by `reload` after it replaced the table) makes it re-read
 * the running definition, so it keeps the new table, not the old one.
 */
#ifndef VNETD_KEEPER_H
#define VNETD_KEEPER_H

#include "netd/def/netdef.h"
#include "netd/base/base.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct keeper_target {
	struct netdef *def;             /* the keeper's to free */
	pid_t daemon_pid;
	uint64_t daemon_start;
	bool foreground;        /* log to stderr too */
	const struct vnetd_paths *paths;        /* SIGHUP: the table to keep from RUNDIR/NAME.xml */
};

/* A spawn_fn: arg is a struct keeper_target. Returns the exit status. */
int keeper_run(void *arg, int ready_fd);

#endif
