/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The NETLINK_NETFILTER socket every nat/ call opens for itself (one per
 * call: nothing is shared between networks or threads).
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

#include "nat/nat-internal.h"

/*
 * nf_tables handles a request inside our sendmsg(), so its answers are
 * queued before the call returns; the timeout only guards against a
 * kernel that never answers.
 */
#define NAT_REPLY_TIMEOUT_MS 5000

/* Replies here are acks and single objects, far below this. */
#define NAT_RECV_BUF 16384

int nat_sock_open(struct mnl_socket **ret, struct nat_error *err)
{
	struct mnl_socket *nl;
	int one = 1, r;

	nl = mnl_socket_open(NETLINK_NETFILTER);
	if (nl == NULL)
		return nat_fail(err, -errno, "opening a netfilter netlink socket: %s",
				strerror(errno));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		mnl_socket_close(nl);
		return nat_fail(err, r, "binding the netfilter netlink socket: %s",
				strerror(-r));
	}
	/*
	 * Best effort, as both need Linux >= 4.12/4.3: the kernel's error text
	 * (NETLINK_EXT_ACK), and errors without a copy of our request
	 * (NETLINK_CAP_ACK), which can be a whole rule.
	 */
	(void)mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	*ret = nl;
	return 0;
}

void nat_sock_close(struct mnl_socket *nl)
{
	if (nl != NULL)
		mnl_socket_close(nl);
}

int nat_sock_send(struct mnl_socket *nl, const void *buf, size_t len, struct nat_error *err)
{
	ssize_t n = mnl_socket_sendto(nl, buf, len);

	if (n < 0)
		return nat_fail(err, -errno, "sending to nftables: %s", strerror(errno));
	if ((size_t)n != len)
		return nat_fail(err, -EIO, "sending to nftables: short write");
	return 0;
}

/* Walk one datagram; 1 when fn said done, 0 to read on, < 0 on error. */
static int dispatch(struct mnl_socket *nl, const char *buf, size_t len, nat_reply_fn fn,
		    void *data)
{
	uint32_t portid = mnl_socket_get_portid(nl);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len, r;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (nlh->nlmsg_pid != portid && nlh->nlmsg_pid != 0)
			continue;       /* not an answer to us */
		r = fn(nlh, data);
		if (r != 0)
			return r;
	}
	return 0;
}

int nat_sock_recv(struct mnl_socket *nl, nat_reply_fn fn, void *data, struct nat_error *err)
{
	struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
	/* aligned for the nlmsghdr casts */
	union { struct nlmsghdr hdr; char bytes[NAT_RECV_BUF]; } buf;
	ssize_t n;
	int r;

	for (;;) {
		r = poll(&pfd, 1, NAT_REPLY_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return nat_fail(err, -errno, "waiting for nftables: %s", strerror(errno));
		if (r == 0)
			return nat_fail(err, -ETIMEDOUT, "no answer from nftables within %d ms",
					NAT_REPLY_TIMEOUT_MS);
		n = mnl_socket_recvfrom(nl, buf.bytes, sizeof(buf.bytes));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nat_fail(err, -errno, "reading from nftables: %s", strerror(errno));
		r = dispatch(nl, buf.bytes, (size_t)n, fn, data);
		if (r != 0)
			return r < 0 ? r : 0;
	}
}
