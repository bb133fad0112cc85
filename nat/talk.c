/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Send one batch and hear every answer. Each object message in the batch
 * asked for an ack, and the kernel answers all of them whether the batch
 * commits or not (it keeps processing after an error so that userspace sees
 * every one); so the batch is settled once each message is answered, or
 * once the kernel refuses the batch as a whole, which it reports against
 * the batch-begin message (no permission, failed commit).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <linux/netfilter/nfnetlink.h>

#include "nat/nat-internal.h"

/* Kernel memory one queued ack costs, roughly (skb overhead included). */
#define NAT_ACK_COST 1024

struct batch_wait {
	const char *buf;        /* the batch as sent, to name a refused message */
	size_t len;
	uint32_t first, last;   /* sequence numbers of batch begin and end */
	unsigned expected, answered;
	struct nat_ack failed;  /* first refused message; .error 0: none */
	bool malformed;         /* an answer we could not decode */
};

static int on_reply(const struct nlmsghdr *nlh, void *data)
{
	struct batch_wait *w = data;
	struct nat_ack ack;

	if (nlh->nlmsg_type != NLMSG_ERROR)
		return 0;
	if (nat_ack_parse(nlh, &ack) < 0) {
		w->malformed = true;
		return -EPROTO;
	}
	if (ack.seq < w->first || ack.seq > w->last)
		return 0;       /* not about this batch */
	if (ack.seq == w->first) {
		if (ack.error == 0)
			return 0;
		w->failed = ack;
		return 1;
	}
	w->answered++;
	/* The first error is the cause; later ones usually follow from it. */
	if (ack.error < 0 && w->failed.error == 0)
		w->failed = ack;
	return w->answered >= w->expected ? 1 : 0;
}

static const struct nlmsghdr *find_seq(const struct batch_wait *w, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)w->buf;
	int left = (int)w->len;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
		if (nlh->nlmsg_seq == seq)
			return nlh;
	return NULL;
}

/* The chain a NEWCHAIN or NEWRULE message is about, "" if unknown. */
static void msg_chain(const struct nlmsghdr *nlh, char *out, size_t size)
{
	uint16_t type = NFNL_MSG_TYPE(nlh->nlmsg_type);
	struct nftnl_chain *c;
	struct nftnl_rule *r;
	const char *name = NULL;

	out[0] = '\0';
	if (type == NFT_MSG_NEWCHAIN && (c = nftnl_chain_alloc()) != NULL) {
		if (nftnl_chain_nlmsg_parse(nlh, c) == 0)
			name = nftnl_chain_get_str(c, NFTNL_CHAIN_NAME);
		snprintf(out, size, "%s", name != NULL ? name : "");
		nftnl_chain_free(c);
	} else if (type == NFT_MSG_NEWRULE && (r = nftnl_rule_alloc()) != NULL) {
		if (nftnl_rule_nlmsg_parse(nlh, r) == 0)
			name = nftnl_rule_get_str(r, NFTNL_RULE_CHAIN);
		snprintf(out, size, "%s", name != NULL ? name : "");
		nftnl_rule_free(r);
	}
}

/* The position (from 1) of a rule within its chain in this batch. */
static unsigned rule_position(const struct batch_wait *w, const struct nlmsghdr *rule,
			      const char *chain)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)w->buf;
	int left = (int)w->len;
	unsigned n = 0;
	char name[32];

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (NFNL_MSG_TYPE(nlh->nlmsg_type) != NFT_MSG_NEWRULE)
			continue;
		msg_chain(nlh, name, sizeof(name));
		if (strcmp(name, chain) == 0)
			n++;
		if (nlh == rule)
			break;
	}
	return n;
}

/* "adding rule 3 to chain postrouting of vnetd-default", and so on. */
static void describe(const struct batch_wait *w, const char *table, char *out, size_t size)
{
	const struct nlmsghdr *nlh = find_seq(w, w->failed.seq);
	char chain[32];         /* ours are short */

	if (nlh == NULL || w->failed.seq == w->first) {
		snprintf(out, size, "nftables batch for %s", table);
		return;
	}
	msg_chain(nlh, chain, sizeof(chain));
	switch (NFNL_MSG_TYPE(nlh->nlmsg_type)) {
	case NFT_MSG_NEWTABLE:
		snprintf(out, size, "adding table %s", table);
		break;
	case NFT_MSG_DELTABLE:
		snprintf(out, size, "deleting table %s", table);
		break;
	case NFT_MSG_NEWCHAIN:
		snprintf(out, size, "adding chain %s to %s", chain, table);
		break;
	case NFT_MSG_NEWRULE:
		snprintf(out, size, "adding rule %u to chain %s of %s",
			 rule_position(w, nlh, chain), chain, table);
		break;
	default:
		snprintf(out, size, "nftables message %u for %s", nlh->nlmsg_seq - w->first,
			 table);
	}
}

/* Count the acks to expect and note the batch's sequence numbers. */
static int scan_batch(struct batch_wait *w)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)w->buf;
	int left = (int)w->len;
	bool any = false;

	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		if (!any)
			w->first = nlh->nlmsg_seq;
		any = true;
		w->last = nlh->nlmsg_seq;
		if (nlh->nlmsg_flags & NLM_F_ACK)
			w->expected++;
	}
	return any && left == 0 && w->expected > 0 ? 0 : -EINVAL;
}

/*
 * The kernel queues every ack before our sendmsg() returns and refuses a
 * message larger than the send buffer; make room for both. SO_*BUFFORCE
 * works for CAP_NET_ADMIN, which changing nftables needs anyway.
 */
static void grow_buffer(int fd, int opt, int force_opt, size_t want)
{
	int cur = 0, val;
	socklen_t len = sizeof(cur);

	if (want > INT32_MAX / 2)
		return;
	/* The kernel reports (and needs) twice what was asked for. */
	if (getsockopt(fd, SOL_SOCKET, opt, &cur, &len) == 0 && (size_t)cur >= want)
		return;
	val = (int)want;
	if (setsockopt(fd, SOL_SOCKET, force_opt, &val, sizeof(val)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, opt, &val, sizeof(val));
}

int nat_talk_batch(const void *buf, size_t len, const char *table, struct nat_error *err)
{
	return nat_talk_batch_keep(buf, len, table, NULL, err);
}

int nat_talk_batch_keep(const void *buf, size_t len, const char *table,
			struct mnl_socket **keep, struct nat_error *err)
{
	struct batch_wait w = { .buf = buf, .len = len };
	struct mnl_socket *nl = NULL;
	char what[NFT_TABLE_MAXNAMELEN + 96];
	int r, fd;

	if (len > INT32_MAX || scan_batch(&w) < 0)
		return nat_fail(err, -EINVAL, "not a valid nftables batch for %s", table);
	if ((r = nat_sock_open(&nl, err)) < 0)
		return r;
	fd = mnl_socket_get_fd(nl);
	grow_buffer(fd, SO_SNDBUF, SO_SNDBUFFORCE, len + 4096);
	grow_buffer(fd, SO_RCVBUF, SO_RCVBUFFORCE, (size_t)w.expected * NAT_ACK_COST);

	r = nat_sock_send(nl, buf, len, err);
	if (r == 0)
		r = nat_sock_recv(nl, on_reply, &w, err);
	if (keep != NULL && *keep == NULL)
		*keep = nl;
	else
		nat_sock_close(nl);
	if (w.malformed)
		return nat_fail(err, r, "malformed answer from nftables for %s", table);
	if (r < 0)
		return r;
	if (w.failed.error < 0) {
		describe(&w, table, what, sizeof(what));
		return nat_fail_ack(err, &w.failed, what);
	}
	return 0;
}
