/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One nfnetlink batch (NFNL_MSG_BATCH_BEGIN ... END) in memory the caller
 * owns. libnftnl writes messages without knowing the buffer's size, so each
 * one is first built in a scratch buffer far larger than any message built
 * here, then copied in only if it fits. With buf == NULL nothing is copied
 * and only the length is counted, to size a buffer.
 *
 * Every object message carries NLM_F_ACK, so the kernel answers each one
 * and talk.c can tell when it has heard everything (nft does the same).
 */
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>

#include "nat/nat-internal.h"

/*
 * The largest message built here is an SNAT rule of 16 expressions, about
 * 1.5 KiB; a table or chain is under 200 bytes.
 */
#define NAT_MSG_MAX 8192

/*
 * libmnl 1.0.4 leaves attribute padding as it found it, so every scratch
 * buffer starts as zeros (`= { { 0 } }` sets all of bytes[]): no stack
 * garbage goes to the kernel, and equal configurations give equal bytes.
 */
union nat_scratch {
	char bytes[NAT_MSG_MAX];
	struct nlmsghdr hdr;    /* for alignment */
};

void nat_batch_init(struct nat_batch *b, void *buf, size_t size, uint32_t seq)
{
	b->buf = buf;
	b->size = buf == NULL ? 0 : size;
	b->len = 0;
	b->seq = seq;
	b->err = 0;
}

static void put(struct nat_batch *b, const struct nlmsghdr *nlh)
{
	size_t len = MNL_ALIGN(nlh->nlmsg_len);

	if (b->buf != NULL) {
		if (len > b->size - b->len) {
			b->err = -EMSGSIZE;
			return;
		}
		memcpy(b->buf + b->len, nlh, len);
	}
	b->len += len;
	b->seq++;
}

void nat_batch_begin(struct nat_batch *b)
{
	union nat_scratch s = { { 0 } };

	if (b->err == 0)
		put(b, nftnl_batch_begin(s.bytes, b->seq));
}

void nat_batch_end(struct nat_batch *b)
{
	union nat_scratch s = { { 0 } };

	if (b->err == 0)
		put(b, nftnl_batch_end(s.bytes, b->seq));
}

void nat_batch_table(struct nat_batch *b, uint16_t type, uint16_t flags, const char *table)
{
	union nat_scratch s = { { 0 } };
	struct nftnl_table *t;
	struct nlmsghdr *nlh;

	if (b->err != 0)
		return;
	t = nftnl_table_alloc();
	if (t == NULL || nftnl_table_set_str(t, NFTNL_TABLE_NAME, table) < 0) {
		b->err = -ENOMEM;
	} else {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_INET);
		nlh = nftnl_table_nlmsg_build_hdr(s.bytes, type, NFPROTO_INET,
						  flags | NLM_F_ACK, b->seq);
		nftnl_table_nlmsg_build_payload(nlh, t);
		put(b, nlh);
	}
	if (t != NULL)
		nftnl_table_free(t);
}

void nat_batch_chain(struct nat_batch *b, const char *table, const struct nat_chain_def *def)
{
	union nat_scratch s = { { 0 } };
	struct nftnl_chain *c;
	struct nlmsghdr *nlh;

	if (b->err != 0)
		return;
	c = nftnl_chain_alloc();
	if (c == NULL || nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, def->name) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, def->type) < 0) {
		b->err = -ENOMEM;
	} else {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_INET);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, def->hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, def->prio);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nlh = nftnl_chain_nlmsg_build_hdr(s.bytes, NFT_MSG_NEWCHAIN, NFPROTO_INET,
						  NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, b->seq);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		put(b, nlh);
	}
	if (c != NULL)
		nftnl_chain_free(c);
}

void nat_batch_rule(struct nat_batch *b, struct nftnl_rule *r)
{
	union nat_scratch s = { { 0 } };
	struct nlmsghdr *nlh;

	if (r == NULL && b->err == 0)
		b->err = -ENOMEM;
	if (r != NULL && b->err == 0) {
		nlh = nftnl_rule_nlmsg_build_hdr(s.bytes, NFT_MSG_NEWRULE, NFPROTO_INET,
						 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, b->seq);
		nftnl_rule_nlmsg_build_payload(nlh, r);
		put(b, nlh);
	}
	if (r != NULL)
		nftnl_rule_free(r);
}
