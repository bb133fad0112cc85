/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * daemon: the serving daemon of one network. It opens every socket and file
 * it will need while privileged, drops to the service user with no
 * capability at all, reports readiness, then runs one epoll loop (signals,
 * timers, the DHCP socket) until SIGTERM.
 */
#ifndef VNETD_DAEMON_H
#define VNETD_DAEMON_H

#include "netd/netdef.h"
#include "netd/vnetd.h"

#include <stdbool.h>

/*
 * Run the daemon for `def` (owned by the daemon from here on). Readiness or
 * the reason it failed is written to ready_fd ("OK\n" / "ERR message\n")
 * when ready_fd >= 0. `probe`: ARP-probe addresses no lease has held before
 * offering them.
 * Returns the process exit status.
 */
int daemon_run(const struct vnetd_paths *paths, struct netdef *def, int ready_fd,
	       bool foreground, bool probe);

#endif
