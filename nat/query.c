/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is a network's table there? One NFT_MSG_GETTABLE for that name: the
 * kernel answers with the table or ENOENT, and nobody else's tables are
 * listed.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>

#include <libmnl/libmnl.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>

#include "nat/nat-internal.h"

struct lookup {
	uint32_t seq;
	bool found;
	bool answered;
	bool malformed;
	struct nat_ack ack;
};

static int on_reply(const struct nlmsghdr *nlh, void *data)
{
	struct lookup *l = data;

	if (nlh->nlmsg_seq != l->seq)
		return 0;
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE)) {
		l->found = true;
		return 0;       /* the ack follows */
	}
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return 0;
	if (nat_ack_parse(nlh, &l->ack) < 0) {
		l->malformed = true;
		return -EPROTO;
	}
	l->answered = true;
	return 1;
}

int nat_present(const char *network, struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN], what[300];
	union { char bytes[1024]; struct nlmsghdr hdr; } buf = { { 0 } };
	struct lookup l = { .seq = 1 };
	struct mnl_socket *nl = NULL;
	struct nftnl_table *t;
	struct nlmsghdr *nlh;
	int r;

	if ((r = nat_table_of(network, table, err)) < 0)
		return r;
	t = nftnl_table_alloc();
	if (t == NULL || nftnl_table_set_str(t, NFTNL_TABLE_NAME, table) < 0) {
		if (t != NULL)
			nftnl_table_free(t);
		return nat_fail(err, -ENOMEM, "asking for table %s: out of memory", table);
	}
	/* NLM_F_ACK: an ack ends the answer either way, table or not. */
	nlh = nftnl_table_nlmsg_build_hdr(buf.bytes, NFT_MSG_GETTABLE, NFPROTO_INET,
					  NLM_F_ACK, l.seq);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);

	if ((r = nat_sock_open(&nl, err)) < 0)
		return r;
	r = nat_sock_send(nl, nlh, nlh->nlmsg_len, err);
	if (r == 0)
		r = nat_sock_recv(nl, on_reply, &l, err);
	nat_sock_close(nl);
	if (l.malformed)
		return nat_fail(err, -EPROTO, "malformed answer from nftables about %s", table);
	if (r < 0)
		return r;
	if (l.ack.error == -ENOENT)
		return 0;
	if (l.ack.error < 0) {
		snprintf(what, sizeof(what), "asking nftables for table %s", table);
		return nat_fail_ack(err, &l.ack, what);
	}
	return l.found ? 1 : 0;
}
