/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef VNETD_SERVE_H
#define VNETD_SERVE_H

#include "netd/base/base.h"
#include "netd/def/netdef.h"

#include <stdbool.h>
#include <stdint.h>

/* ---- the serving daemon ---- */

/*
 * daemon: the serving daemon of one network. It opens every socket it will
 * need while privileged, moves into its sandbox (only its own state
 * directory writable, other networks' not there at all), drops to the
 * service user with no capability at all, and only then opens its lease
 * files; it reports readiness and runs one epoll loop (signals, timers,
 * the DHCP and DNS sockets) until SIGTERM.
 */

/*
 * What a running daemon changes live when given a new definition (the
 * control socket's `apply`); everything else needs a restart. The forward
 * mode is the host's (the firewall), not the daemon's, and passes.
 */
#define SERVE_LIVE_CHANGES (NETDEF_CH_DHCP_HOSTS | NETDEF_CH_DHCP_RANGES | NETDEF_CH_DNS_HOSTS | \
			    NETDEF_CH_DNS_SRV | NETDEF_CH_DNS_TXT | NETDEF_CH_DNS_FORWARDERS | \
			    NETDEF_CH_DOMAIN)

/*
 * What the daemon takes from a new definition without looking: the host's
 * parts (the bridge, its link settings, the firewall). The CLI never sends
 * a change of them (it names them as needing a restart); they can differ
 * only from a definition the daemon took on SIGHUP.
 */
#define SERVE_HOST_PARTS (NETDEF_CH_IDENTITY | NETDEF_CH_FORWARD | NETDEF_CH_BRIDGE | \
			  NETDEF_CH_STP | NETDEF_CH_MAC)

struct daemon_opts {
	bool foreground;                /* log to stderr too */
	bool probe;                     /* ARP-probe addresses no lease has held before */
	uint32_t new_client_rate;       /* see dhcp_config; 0 = from the pool size */
};

/*
 * Run the daemon for `def` (owned by the daemon from here on). Readiness or
 * the reason it failed is written to ready_fd ("OK\n" / "ERR message\n")
 * when ready_fd >= 0. Returns the process exit status.
 */
int daemon_run(const struct vnetd_paths *paths, struct netdef *def, int ready_fd,
	       const struct daemon_opts *opts);

#endif
