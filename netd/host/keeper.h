/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * keeper: the small second process of a network (privilege separation as
 * OpenSSH does it). It keeps only CAP_NET_ADMIN, never reads a byte a guest
 * sent, listens to nftables change notifications and puts the network's
 * table back when someone deletes it; it ends with the serving daemon. It
 * is a program of its own (vnetd-keeper, netd/keeper/), exec'd here; what
 * it puts back is the batch vnetd installed, in RUNDIR/NAME.fw. SIGHUP
 * (sent by `reload` after it replaced the table and that file) makes it
 * read the file again, so it keeps the new table, not the old one.
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
	const struct vnetd_paths *paths;        /* the table to keep goes to RUNDIR/NAME.fw */
};

/* A spawn_fn: arg is a struct keeper_target. Execs vnetd-keeper; returns only on failure. */
int keeper_run(void *arg, int ready_fd);

/*
 * RUNDIR/NAME.fw: the nftables batch that installs def's firewall (empty
 * for none), replaced atomically, root:vnetd-keeper 0640 (the keeper reads
 * it by its group). 0 or negative errno with msg.
 */
int keeper_write_firewall(const struct vnetd_paths *paths, const struct netdef *def,
			  char *msg, size_t msg_size);

#endif
