/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is a network's table intact? Its rules are dumped (only that table's:
 * the request names it) and counted against the rules the configuration
 * builds: a rule someone deleted or added shows, without reading anyone
 * else's tables.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>

#include "nat/nat-internal.h"

#define RULE_MSG ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE)

struct count {
	uint32_t seq;
	const char *table;
	unsigned rules;
	int error;
};

static int on_rule(const struct nlmsghdr *nlh, void *data)
{
	struct count *c = data;
	struct nftnl_rule *r;
	const char *t;

	if (nlh->nlmsg_seq != c->seq)
		return 0;
	if (nlh->nlmsg_type == NLMSG_DONE)
		return 1;
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		struct nat_ack ack;

		c->error = nat_ack_parse(nlh, &ack) < 0 ? -EPROTO : ack.error;
		return c->error < 0 ? c->error : 1;
	}
	if (nlh->nlmsg_type != RULE_MSG || !(r = nftnl_rule_alloc()))
		return 0;
	/* only the table asked for counts, whatever the kernel sends */
	if (nftnl_rule_nlmsg_parse(nlh, r) == 0 && (t = nftnl_rule_get_str(r, NFTNL_RULE_TABLE)) &&
	    !strcmp(t, c->table) && nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY) == NFPROTO_INET)
		c->rules++;
	nftnl_rule_free(r);
	return 0;
}

static int count_installed(const char *table, unsigned *have, struct nat_error *err)
{
	union { char bytes[1024]; struct nlmsghdr hdr; } buf = { { 0 } };
	struct count c = { .seq = 1, .table = table };
	struct mnl_socket *nl = NULL;
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	int rc;

	if (!r || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0) {
		if (r)
			nftnl_rule_free(r);
		return nat_fail(err, -ENOMEM, "asking for the rules of %s: out of memory", table);
	}
	nlh = nftnl_rule_nlmsg_build_hdr(buf.bytes, NFT_MSG_GETRULE, NFPROTO_INET, NLM_F_DUMP,
					 c.seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	if ((rc = nat_sock_open(&nl, err)) < 0)
		return rc;
	if ((rc = nat_sock_send(nl, nlh, nlh->nlmsg_len, err)) == 0)
		rc = nat_sock_recv(nl, on_rule, &c, err);
	nat_sock_close(nl);
	if (c.error < 0)
		return nat_fail(err, c.error, "listing the rules of %s: %s", table,
				strerror(-c.error));
	if (rc < 0)
		return rc;
	*have = c.rules;
	return 0;
}

/* The rules the configuration's batch adds. */
static int count_built(const struct nat_config *cfg, unsigned *want, struct nat_error *err)
{
	const struct nlmsghdr *nlh;
	int len = nat_build_batch(cfg, NULL, 0, 1, err), left;
	char *buf;

	*want = 0;
	if (len <= 0)
		return len;
	if (!(buf = malloc((size_t)len)))
		return nat_fail(err, -ENOMEM, "building the firewall: out of memory");
	if ((left = nat_build_batch(cfg, buf, (size_t)len, 1, err)) < 0) {
		free(buf);
		return left;
	}
	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left))
		*want += nlh->nlmsg_type == RULE_MSG;
	free(buf);
	return 0;
}

int nat_rule_counts(const struct nat_config *cfg, unsigned *have, unsigned *want,
		    struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN];
	int r;

	if ((r = nat_check_config(cfg, err)) < 0)
		return r;
	nat_table_name(cfg->network, table, sizeof(table));
	if ((r = count_built(cfg, want, err)) < 0)
		return r;
	return count_installed(table, have, err);
}
