/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tftp_io: the network's read-only TFTP server (<tftp root>), in the
 * daemon's loop. A listener on UDP 69 of each address that has the root,
 * bound to the bridge, takes requests; each transfer runs from its own
 * ephemeral socket, connected to its client, with retransmission on the
 * loop's timer. No thread and no process per transfer.
 */
#ifndef VNETD_SERVE_TFTP_IO_H
#define VNETD_SERVE_TFTP_IO_H

#include "netd/def/netdef.h"
#include "netd/serve/loop.h"

#include <stddef.h>

struct tftp_service;

/*
 * While privileged, before the sandbox: the listeners. *ret is NULL
 * (and 0 returned) when the definition has no <tftp root>.
 */
int tftp_service_open(const struct netdef *def, struct tftp_service **ret, char *msg,
		      size_t size);
/* Inside the sandbox, still privileged: the root directory. */
int tftp_service_open_root(struct tftp_service *svc, char *msg, size_t size);
int tftp_service_start(struct tftp_service *svc, struct loop *loop);
void tftp_service_close(struct tftp_service *svc);      /* NULL is fine */

#endif
