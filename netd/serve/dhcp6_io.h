/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp6_io: the DHCPv6 server's socket and batched packet I/O. Opened while
 * privileged: UDP port 547 on [::] bound to the bridge, joined to
 * All_DHCP_Relay_Agents_and_Servers (ff02::1:2) there, with IPV6_PKTINFO to
 * tell a multicast datagram from a unicast one.
 */
#ifndef VNETD_DHCP6_IO_H
#define VNETD_DHCP6_IO_H

#include "dhcp/v6/dhcp6.h"
#include "netd/serve/loop.h"

#include <stdbool.h>

#define DHCP6_IO_BATCH 64

struct dhcp6_io;

/*
 * Open the socket on `ifname` (privileged); mac[6] gets the bridge's
 * address (for the server DUID). 0 or negative errno with msg.
 */
int dhcp6_io_open(const char *ifname, struct dhcp6_io **ret, uint8_t mac[6], char *msg,
		  size_t msg_size);
void dhcp6_io_close(struct dhcp6_io *io);      /* NULL is fine */

/* Register the socket: on_requests(userdata) whenever requests wait. 0 or -errno. */
int dhcp6_io_watch(struct dhcp6_io *io, struct loop *loop, void (*on_requests)(void *userdata),
		   void *userdata);

/* Stop watching the socket (requests wait in it) or watch it again. */
void dhcp6_io_pause(struct dhcp6_io *io, bool paused);

/* Receive what is waiting (non-blocking), at most DHCP6_IO_BATCH; how many, or -errno. */
int dhcp6_io_receive(struct dhcp6_io *io);
/* The i-th received datagram as the server core wants it. */
void dhcp6_io_rx(const struct dhcp6_io *io, int i, struct dhcp6_rx *rx);
/* Where handle() writes the i-th reply (DHCP6_REPLY_BUF bytes) and its destination. */
uint8_t *dhcp6_io_reply_buf(struct dhcp6_io *io, int i);
struct dhcp6_tx *dhcp6_io_tx(struct dhcp6_io *io, int i);
/* Send the replies of the batch with one sendmmsg: replied[i] says which. How many went. */
int dhcp6_io_send(struct dhcp6_io *io, const bool *replied, int n);

#endif
