/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The rtnetlink connection behind a bridge_ctx.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/handlers.h>
#include <netlink/socket.h>

#include "bridge/bridge-internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/*
 * Ask for the kernel's error text (NETLINK_EXT_ACK, Linux >= 4.12) and for
 * error replies without a copy of our request (NETLINK_CAP_ACK, >= 4.3).
 * libnl 3.7 has no setter for either. Both are best effort: an older kernel
 * refuses the option and we lose only the text / a few bytes per error.
 */
static void enable_ext_ack(struct nl_sock *sk)
{
	int fd = nl_socket_get_fd(sk);
	int one = 1;

	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

int bridge_open(struct bridge_ctx **ret, struct bridge_error *err)
{
	struct bridge_ctx *ctx;
	int rc;

	if (ret == NULL)
		return bridge_fail(err, -EINVAL, "bridge_open: no result pointer");
	*ret = NULL;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return bridge_fail(err, -ENOMEM,
				   "cannot open rtnetlink: out of memory");
	ctx->sk = nl_socket_alloc();
	if (ctx->sk == NULL) {
		free(ctx);
		return bridge_fail(err, -ENOMEM,
				   "cannot open rtnetlink: out of memory");
	}

	/*
	 * libnl opens the socket with SOCK_CLOEXEC, which matters: the caller
	 * forks and execs, and programs it starts have no business holding
	 * an rtnetlink socket opened by a privileged process.
	 */
	rc = nl_connect(ctx->sk, NETLINK_ROUTE);
	if (rc < 0) {
		int code = -bridge_errno_from_nl(rc);

		nl_socket_free(ctx->sk);
		free(ctx);
		return bridge_fail(err, code, "cannot open rtnetlink: %s",
				   nl_geterror(rc));
	}
	enable_ext_ack(ctx->sk);

	/*
	 * Every request of this library, libnl's rtnl_* helpers included,
	 * goes through the socket's own callback set, so one error hook here
	 * sees every NLMSG_ERROR.
	 */
	rc = nl_socket_modify_err_cb(ctx->sk, NL_CB_CUSTOM, bridge_nl_error_cb,
				     &ctx->ack);
	if (rc < 0) {
		int code = -bridge_errno_from_nl(rc);

		nl_socket_free(ctx->sk);
		free(ctx);
		return bridge_fail(err, code, "cannot set up rtnetlink: %s",
				   nl_geterror(rc));
	}

	bridge_ack_reset(ctx);
	*ret = ctx;
	return 0;
}

void bridge_close(struct bridge_ctx *ctx)
{
	if (ctx == NULL)
		return;
	nl_socket_free(ctx->sk);   /* closes the socket too */
	free(ctx);
}
