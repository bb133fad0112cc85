/* SPDX-License-Identifier: GPL-2.0-or-later */
/* spawn: fork the serving daemon of a network and wait until it is ready. */
#ifndef VNETD_SPAWN_H
#define VNETD_SPAWN_H

#include "netd/netdef.h"
#include "netd/vnetd.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SPAWN_READY_TIMEOUT_MS 10000

/* What runs in the child; returns its exit status. */
typedef int (*spawn_fn)(const struct vnetd_paths *paths, struct netdef *def, int ready_fd,
			void *arg);

/*
 * Fork; the child detaches (new session, stdio on /dev/null, every other
 * inherited descriptor closed — an rtnetlink socket opened by root keeps
 * root's rights in whoever holds it) and runs fn. The parent returns once
 * the child reported ready (0, *pid and *start_time set) or failed
 * (negative errno, msg holds the child's own reason).
 */
int spawn_process(const struct vnetd_paths *paths, struct netdef *def, spawn_fn fn, void *arg,
		  bool keep_stderr, pid_t *pid, uint64_t *start_time, char *msg,
		  size_t msg_size);

/*
 * In a child: block SIGTERM, SIGINT and SIGHUP and return a signalfd that
 * delivers them to the event loop instead (or -1).
 */
int spawn_signalfd(void);

/* In the child: say "ready" (error NULL) or why not, then close the fd. */
void spawn_report(int ready_fd, const char *error);

#endif
