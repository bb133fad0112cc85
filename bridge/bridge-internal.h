/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Shared internals of bridge/: the context behind the opaque handle and the
 * error helpers every file uses. Not part of the public contract.
 */
#ifndef VNETD_BRIDGE_INTERNAL_H
#define VNETD_BRIDGE_INTERNAL_H

#include <netlink/netlink.h>

#include "bridge/bridge.h"

/*
 * What the kernel said about the last failed request. libnl folds the errno
 * into its own NLE_* codes (ENODEV and ENOENT both become NLE_OBJ_NOTFOUND)
 * and drops the extended ACK text, so an error callback on the socket keeps
 * both here, and the failing function turns them into its message.
 */
struct bridge_ack {
	int error;              /* negative errno from NLMSG_ERROR, 0: none */
	char text[160];         /* NLMSGERR_ATTR_MSG, "" when absent */
};

struct bridge_ctx {
	struct nl_sock *sk;
	struct bridge_ack ack;
};

/* Forget what an earlier request left behind; call before each request. */
void bridge_ack_reset(struct bridge_ctx *ctx);

/* The errno behind a libnl return code, for failures libnl made up itself. */
int bridge_errno_from_nl(int nlerr);

/* Callback libnl runs for every NLMSG_ERROR with a non-zero code. */
int bridge_nl_error_cb(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg);

/* Fill `err` ("<what>") and return `code`; `err` may be NULL. */
int bridge_fail(struct bridge_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * For a libnl call that returned `nlerr` < 0: work out the errno (the
 * kernel's own when it sent one), fill `err` as "<what>: <strerror>" plus the
 * kernel's extended-ACK text, return the negative errno.
 */
int bridge_nl_fail(struct bridge_ctx *ctx, int nlerr, struct bridge_error *err,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* 0 when `name` can be a Linux interface name, else -EINVAL with a message. */
int bridge_check_ifname(const char *name, struct bridge_error *err);

#endif
