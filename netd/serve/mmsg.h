/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Batches of datagrams for recvmmsg(), as the DHCP sockets of both families take them. */
#ifndef VNETD_SERVE_MMSG_H
#define VNETD_SERVE_MMSG_H

#include <stddef.h>
#include <sys/socket.h>

/*
 * Point headers m[0..n) at their buffers again before a recvmmsg(): iov[i],
 * the i-th source address of `name_size` bytes in `names` and the i-th
 * control buffer of `ctrl_size` bytes in `ctrl` (the kernel shrinks the
 * lengths on every receive, so they are set afresh each time).
 */
void mmsg_prepare_rx(struct mmsghdr *m, struct iovec *iov, void *names, socklen_t name_size,
		     void *ctrl, size_t ctrl_size, int n);

#endif
