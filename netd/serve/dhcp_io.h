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

#include <sys/socket.h>
#include <sys/uio.h>

#define DHCP_IO_BATCH 64
#define DHCP_IO_RXBUF 1536

struct dhcp_io {
	int udp_fd;
	int pkt_fd;
	int ifindex;
	struct in_addr server_addr;

	/* one wake-up's worth of packets, preallocated: no allocation per packet */
	struct mmsghdr rx_msgs[DHCP_IO_BATCH];
	struct iovec rx_iov[DHCP_IO_BATCH];
	struct sockaddr_in rx_from[DHCP_IO_BATCH];
	uint8_t rx_ctrl[DHCP_IO_BATCH][64];
	uint8_t rx_buf[DHCP_IO_BATCH][DHCP_IO_RXBUF];

	/* replies of that wake-up */
	struct dhcp_tx tx[DHCP_IO_BATCH];
	uint8_t tx_buf[DHCP_IO_BATCH][28 + DHCP_REPLY_BUF];    /* IP+UDP headers + reply */
};

/* 0 or negative errno with msg. */
int dhcp_io_open(struct dhcp_io *io, const char *ifname, struct in_addr server_addr,
		 char *msg, size_t msg_size);
void dhcp_io_close(struct dhcp_io *io);

/* Receive what is waiting (non-blocking); returns how many, 0, or negative errno. */
int dhcp_io_receive(struct dhcp_io *io);

/* The i-th received packet as the server core wants it. */
void dhcp_io_rx(const struct dhcp_io *io, int i, struct dhcp_rx *rx);

/* Where handle() should write the i-th reply, and its capacity. */
uint8_t *dhcp_io_reply_buf(struct dhcp_io *io, int i, size_t *cap);

/*
 * Send the replies of the batch: replied[i] says which slots hold one.
 * Returns how many were sent.
 */
int dhcp_io_send(struct dhcp_io *io, const bool *replied, int n);

#endif
