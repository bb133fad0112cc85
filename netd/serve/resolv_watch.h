/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolv_watch: follow the host's resolv.conf while the daemon runs, so a
 * host that changes Wi-Fi or VPN keeps its guests resolving. inotify on the
 * file itself (in-place writes, and a file bind-mounted over
 * /etc/resolv.conf, as `ip netns exec` does), on its directory (it is
 * usually replaced by rename), on the directory of its symlink target, and
 * on /run/systemd/resolve/ when present. A burst of events is coalesced
 * into one re-read a short moment after the first; the new upstream list
 * goes to the DNS core with dns_server_set_upstreams() and is logged when
 * it differs.
 *
 * The inotify fd is registered with the daemon's loop, and the re-read is
 * one of the loop's deadlines. Set up while privileged; afterwards it only
 * reads by path, which an unprivileged user may, and holds no writable fd.
 */
#ifndef VNETD_RESOLV_WATCH_H
#define VNETD_RESOLV_WATCH_H

#include "dhcp/dns/dns.h"
#include "netd/adapt/adapt.h"
#include "netd/serve/loop.h"

#include <stddef.h>

#define RESOLV_WATCH_DELAY_MS 200       /* events within this are one change */

struct resolv_watch;

/*
 * Start watching for `srv`, whose host upstreams are cur[n_cur] now; self:
 * the network's own addresses. *ret is the caller's, for
 * resolv_watch_close(). 0, or negative errno with msg (the daemon can run
 * on without it).
 */
int resolv_watch_open(struct dns_server *srv, const struct dns_ip *self, size_t n_self,
		      const struct dns_ip *cur, size_t n_cur, struct resolv_watch **ret,
		      char *msg, size_t size);

/* Register the inotify fd and the re-read's deadline with the loop. 0 or -errno. */
int resolv_watch_start(struct resolv_watch *w, struct loop *loop);

void resolv_watch_close(struct resolv_watch *w);       /* NULL is fine */

#define RESOLV_CONF "/etc/resolv.conf"
#define RESOLVED_DIR "/run/systemd/resolve"
#define RESOLVED_CONF RESOLVED_DIR "/resolv.conf"

/*
 * The host's resolver list: /etc/resolv.conf, and when that names only
 * systemd-resolved's stub, the real upstreams in RESOLVED_CONF. A malloc'ed
 * text, or NULL.
 */
char *resolv_read(size_t *len);

#endif
