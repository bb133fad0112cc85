/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ra_io: router advertisements on the bridge (dhcp/ra does the bytes and
 * the timing). One raw ICMPv6 socket, opened while privileged (CAP_NET_RAW
 * is needed only to open it), bound to the bridge, that hears only router
 * solicitations sent to all-routers (ff02::2) and sends advertisements to
 * all-nodes (ff02::1) from the bridge's link-local address with hop limit
 * 255. A bridge with no port has no carrier and so no link-local address
 * yet: advertisements then wait (a retry every few seconds, logged once).
 */
#ifndef VNETD_SERVE_RA_IO_H
#define VNETD_SERVE_RA_IO_H

#include "dhcp/ra/ra.h"
#include "netd/serve/loop.h"

#include <stddef.h>
#include <stdint.h>

/* A retry while the bridge has no usable link-local address (no port, DAD running). */
#define RA_IO_RETRY_MS 3000

struct ra_io;

/* What `stats` can show. */
struct ra_io_stats {
	uint64_t sent;                  /* advertisements out, the final one included */
	uint64_t solicitations;         /* valid ones heard */
	uint64_t invalid;               /* refused: RFC 4861 section 6.1.1, truncated, other link */
	uint64_t deferred;              /* due while the bridge had no link-local address */
};

/*
 * While privileged: the socket on `ifname`, with a copy of cfg (its search
 * string too). *ret is the caller's, for ra_io_close(). 0 or negative errno
 * with msg.
 */
int ra_io_open(const char *ifname, const struct ra_config *cfg, struct ra_io **ret, char *msg,
	       size_t size);
/* Register the socket and the schedule's timer; the first advertisement within 0.5 s. */
int ra_io_start(struct ra_io *io, struct loop *loop);
/* A new configuration (a live change of the domain): copied, and announced afresh. */
void ra_io_set_config(struct ra_io *io, const struct ra_config *cfg);
/*
 * The network stops: one last advertisement with router lifetime 0 (RFC
 * 4861 section 6.2.5), so guests drop their default route through it now.
 * NULL or a service never started is fine.
 */
void ra_io_final(struct ra_io *io);
void ra_io_get_stats(const struct ra_io *io, struct ra_io_stats *out);
void ra_io_close(struct ra_io *io);     /* NULL is fine */

#endif
