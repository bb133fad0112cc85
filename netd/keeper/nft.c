/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keeper's nfnetlink: one socket subscribed to nftables' notifications,
 * one for its own requests (is the table there; the batch that puts it
 * back). Everything read goes through nlparse.c.
 */
#include "netd/keeper/keeper.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>

/* nf_tables answers inside our sendmsg(); the timeout guards against a kernel that never does. */
#define ANSWER_TIMEOUT_MS 5000
#define RECV_BUF 8192           /* answers are acks and one table; notes are cut if larger */
#define ACK_COST 1024           /* kernel memory one queued ack costs, roughly */

/* A netlink receive buffer, aligned for the walks. */
union kp_rx {
	struct nlmsghdr hdr;
	uint8_t bytes[RECV_BUF];
};

static int nl_open(unsigned groups, int flags, uint32_t *portid, char *why, size_t size)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = groups };
	socklen_t sl = sizeof(sa);
	int fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | flags, NETLINK_NETFILTER);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
		int r = -errno;

		snprintf(why, size, "%s a netfilter netlink socket: %s",
			 groups ? "subscribing" : "opening", strerror(errno));
		if (fd >= 0)
			close(fd);
		return r;
	}
	/* best effort: the kernel's error text, and errors without a copy of the request */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	if (portid)
		*portid = sa.nl_pid;
	return fd;
}

int kp_nft_open(struct keeper *k, char *why, size_t size)
{
	int r;

	r = nl_open(1u << (NFNLGRP_NFTABLES - 1), SOCK_NONBLOCK, NULL, why, size);
	if (r < 0)
		return r;
	k->watch_fd = r;
	r = nl_open(0, 0, &k->portid, why, size);
	if (r < 0)
		return r;
	k->cmd_fd = r;
	return 0;
}

void kp_nft_close(struct keeper *k)
{
	if (k->watch_fd >= 0)
		close(k->watch_fd);
	if (k->cmd_fd >= 0)
		close(k->cmd_fd);
	k->watch_fd = k->cmd_fd = -1;
}

/* Read answers until a says done; 0, or negative errno with why. */
static int hear(struct keeper *k, struct kp_answers *a, char *why, size_t size)
{
	struct pollfd p = { .fd = k->cmd_fd, .events = POLLIN };
	union kp_rx rx;
	ssize_t n;
	int r;

	while (!a->done) {
		r = poll(&p, 1, ANSWER_TIMEOUT_MS);
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			errno = ETIMEDOUT;
		if (r <= 0)
			goto fail;
		n = recv(k->cmd_fd, rx.bytes, sizeof(rx.bytes), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			goto fail;
		if (kp_answers_take(a, rx.bytes, (size_t)n) < 0) {
			snprintf(why, size, "a malformed answer from nftables");
			return -EBADMSG;
		}
	}
	return 0;
fail:
	r = -errno;
	snprintf(why, size, "no answer from nftables: %s", strerror(errno));
	return r;
}

static int send_all(int fd, const void *buf, size_t len, char *why, size_t size)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	ssize_t n = sendto(fd, buf, len, 0, (struct sockaddr *)&kernel, sizeof(kernel));

	if (n >= 0 && (size_t)n == len)
		return 0;
	snprintf(why, size, "sending to nftables: %s", n < 0 ? strerror(errno) : "short write");
	return n < 0 ? -errno : -EIO;
}

int kp_nft_present(struct keeper *k, char *why, size_t size)
{
	union { struct nlmsghdr hdr; uint8_t bytes[512]; } req;
	struct kp_answers a = { .first = k->seq, .last = k->seq, .portid = k->portid,
				.expected = 1 };
	size_t len = kp_gettable_build(req.bytes, sizeof(req.bytes), k->table, k->seq++);
	int r;

	if (len == 0) {
		snprintf(why, size, "the table name %s is too long", k->table);
		return -EINVAL;
	}
	if ((r = send_all(k->cmd_fd, req.bytes, len, why, size)) < 0 ||
	    (r = hear(k, &a, why, size)) < 0)
		return r;
	if (a.error == -ENOENT)
		return 0;
	if (a.error < 0) {
		snprintf(why, size, "asking nftables for table %s: %s%s%s", k->table,
			 strerror(-a.error), a.text[0] ? "; kernel: " : "", a.text);
		return a.error;
	}
	return a.found ? 1 : 0;
}

/* Room in the socket's buffers for the batch and for every ack (CAP_NET_ADMIN may force it). */
static void make_room(int fd, size_t batch, unsigned acks)
{
	int snd = (int)(batch + 4096), rcv = (int)(acks * ACK_COST);

	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd));
	if (rcv > 65536 && setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
}

int kp_nft_install(struct keeper *k, char *why, size_t size)
{
	struct kp_answers a = { .first = k->seq, .portid = k->portid };
	int r;

	if (!k->batch) {
		snprintf(why, size, "there is no firewall to put back");
		return -ENOENT;
	}
	/* our own numbering: the file's is vnetd's, and a batch goes out many times */
	a.expected = kp_batch_renumber(k->batch, k->batch_len, k->seq);
	a.last = k->seq + a.expected + 1;
	k->seq = a.last + 1;
	make_room(k->cmd_fd, k->batch_len, a.expected);
	if ((r = send_all(k->cmd_fd, k->batch, k->batch_len, why, size)) < 0 ||
	    (r = hear(k, &a, why, size)) < 0)
		return r;
	if (a.error < 0) {
		snprintf(why, size, "nftables refused message %u of the batch: %s%s%s",
			 a.error_seq - a.first, strerror(-a.error), a.text[0] ? "; kernel: " : "",
			 a.text);
		return a.error;
	}
	return 0;
}

int kp_nft_heard(struct keeper *k, char *why, size_t size)
{
	union kp_rx rx;
	int gone = 0;

	for (;;) {
		ssize_t n = recv(k->watch_fd, rx.bytes, sizeof(rx.bytes), MSG_TRUNC);

		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return gone;
		/* the kernel dropped notifications: one may have been ours */
		if (n < 0 && errno == ENOBUFS) {
			gone = 1;
			continue;
		}
		if (n < 0) {
			snprintf(why, size, "reading nftables notifications: %s", strerror(errno));
			return -errno;
		}
		/* cut short (a large rule): read what we have as unreadable */
		if ((size_t)n > sizeof(rx.bytes) || kp_notes_say_gone(rx.bytes, (size_t)n, k->table))
			gone = 1;
	}
}
