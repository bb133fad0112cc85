/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What tftp_io.c (listeners, requests, files) and tftp_session.c (transfers) share. */
#ifndef VNETD_SERVE_TFTP_IO_INTERNAL_H
#define VNETD_SERVE_TFTP_IO_INTERNAL_H

#include "netd/serve/tftp_io.h"
#include "dhcp/tftp/tftp.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#define TFTP_MAX_LISTENERS 8
#define TFTP_MAX_SESSIONS 64            /* transfers at once, all clients */
#define TFTP_MAX_PER_CLIENT 8           /* transfers at once from one address */

struct tftp_session {
	struct loop_handler h;          /* the transfer's socket; fd -1 when the slot is free */
	struct tftp_service *svc;
	int file_fd;
	uint64_t file_size;
	struct sockaddr_in client;
	struct tftp_xfer x;
	struct tftp_ascii_pos cur;      /* netascii: where the unacknowledged block starts */
	struct tftp_ascii_pos next;     /* ... and where the one after it will */
	uint8_t *buf;                   /* header + blksize, then blksize of scratch */
	char path[TFTP_NAME_MAX + 1];
};

struct tftp_listener {
	struct loop_handler h;
	struct tftp_service *svc;
	struct in_addr addr;
};

struct tftp_service {
	struct loop *loop;
	int root_fd;
	char root[256];
	struct tftp_limits lim;
	struct tftp_listener listeners[TFTP_MAX_LISTENERS];
	size_t n_listeners;
	struct tftp_session sessions[TFTP_MAX_SESSIONS];
	struct loop_timer timer;
};

/* tftp_session.c */
int tftp_session_begin(struct tftp_session *s, const struct tftp_request *req,
		       const struct sockaddr_in *local);
void tftp_session_end(struct tftp_session *s);
int64_t tftp_sessions_deadline(const struct tftp_service *svc);
void tftp_sessions_run_due(struct tftp_service *svc, int64_t now_ms);

#endif
