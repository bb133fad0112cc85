/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nftables change notifications (the NFNLGRP_NFTABLES multicast group), so
 * that a deleted table can be put back at once rather than by polling.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

#include "nat/nat-internal.h"

struct nat_watch {
	struct mnl_socket *nl;
};

int nat_watch_open(struct nat_watch **ret, struct nat_error *err)
{
	struct nat_watch *w = calloc(1, sizeof(*w));
	int r;

	if (!w)
		return nat_fail(err, -ENOMEM, "out of memory");
	w->nl = mnl_socket_open2(NETLINK_NETFILTER, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!w->nl) {
		r = -errno;
		free(w);
		return nat_fail(err, r, "opening a netfilter netlink socket: %s", strerror(-r));
	}
	if (mnl_socket_bind(w->nl, 1u << (NFNLGRP_NFTABLES - 1), MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		nat_watch_close(w);
		return nat_fail(err, r, "subscribing to nftables notifications: %s",
				strerror(-r));
	}
	*ret = w;
	return 0;
}

int nat_watch_fd(const struct nat_watch *w)
{
	return mnl_socket_get_fd(w->nl);
}

int nat_watch_read(struct nat_watch *w, struct nat_error *err)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	int deleted = 0;

	for (;;) {
		ssize_t n = mnl_socket_recvfrom(w->nl, buf, sizeof(buf));
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return deleted;
			/* the kernel dropped notifications: assume the worst */
			if (errno == ENOBUFS) {
				deleted = 1;
				continue;
			}
			return nat_fail(err, -errno, "reading nftables notifications: %s",
					strerror(errno));
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			if (NFNL_SUBSYS_ID(nlh->nlmsg_type) == NFNL_SUBSYS_NFTABLES &&
			    NFNL_MSG_TYPE(nlh->nlmsg_type) == NFT_MSG_DELTABLE)
				deleted = 1;
	}
}

void nat_watch_close(struct nat_watch *w)
{
	if (!w)
		return;
	if (w->nl)
		mnl_socket_close(w->nl);
	free(w);
}
