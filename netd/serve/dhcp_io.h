/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dhcp_io: the DHCP server's sockets and batched packet I/O. Every socket is
 * opened while privileged: UDP port 67 bound to the bridge, and a packet
 * socket (send only) to reach clients that have no address yet (RFC 2131
 * §4.1: unicast to yiaddr at chaddr without ARP).
 */
#ifndef VNETD_DHCP_IO_H
#define VNETD_DHCP_IO_H

#include "dhcp/v4/dhcp.h"
#include "netd/serve/loop.h"

#define DHCP_IO_BATCH 64
#define DHCP_IO_BANKS 4         /* reply banks: replies waiting for a sync, and filling */

struct dhcp_io;

/*
 * Open the sockets on `ifname` (privileged). *ret is the caller's, for
 * dhcp_io_close(). 0 or negative errno with msg (nothing left open).
 */
int dhcp_io_open(const char *ifname, struct in_addr server_addr, struct dhcp_io **ret,
		 char *msg, size_t msg_size);
void dhcp_io_close(struct dhcp_io *io);        /* NULL is fine */

/* Register the UDP socket: on_requests(userdata) whenever requests wait. 0 or -errno. */
int dhcp_io_watch(struct dhcp_io *io, struct loop *loop, void (*on_requests)(void *userdata),
		  void *userdata);

/* Stop (true) or start again taking requests: all reply banks wait. 0 or -errno. */
int dhcp_io_pause(struct dhcp_io *io, bool paused);

/* Receive what is waiting (non-blocking), at most max (<= DHCP_IO_BATCH); how many, or -errno. */
int dhcp_io_receive(struct dhcp_io *io, int max);

/* The i-th received packet as the server core wants it. */
void dhcp_io_rx(const struct dhcp_io *io, int i, struct dhcp_rx *rx);

/* Where handle() should write the i-th reply of a bank, its capacity, and its destination. */
uint8_t *dhcp_io_reply_buf(struct dhcp_io *io, int bank, int i, size_t *cap);
struct dhcp_tx *dhcp_io_tx(struct dhcp_io *io, int bank, int i);

/*
 * Send the replies of a bank (one sendmmsg per socket): replied[i] says
 * which slots hold one. Returns how many were sent.
 */
int dhcp_io_send(struct dhcp_io *io, int bank, const bool *replied, int n);

#endif
