/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the nat/ unit tests share: a batch built without a kernel and taken
 * apart with libmnl and libnftnl's own parsers, a rule read through
 * libnftnl's rendering of its expressions (the text of
 * `nft --debug=netlink`). Header-only (static, marked unused), so each test binary
 * takes what it uses.
 */
#ifndef VNETD_TEST_NAT_FIXTURE_H
#define VNETD_TEST_NAT_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/table.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>

#include "nat/nat-internal.h"
#include "nat/nat.h"

/* Static, and no warning in a test that does not use one. */
#define NAT_FX static __attribute__((unused))

#define SEQ 1000
#define MAX_MSGS 256
#define MAX_CHAINS 8

struct chain_info {
	char name[32], type[16];
	uint32_t hook, policy;
	int32_t prio;
	int n_rules;
};

struct rule_info {
	char chain[32];
	char text[2048];        /* libnftnl's rendering, one "[ expr ]" per line */
	char names[256];        /* expression names: "meta cmp payload cmp immediate" */
};

/* A batch taken apart. */
struct parsed {
	int n_msgs;
	uint16_t type[MAX_MSGS];        /* nlmsg_type as sent */
	uint16_t flags[MAX_MSGS];
	char table[MAX_MSGS][64];       /* table each object message names */
	struct chain_info chains[MAX_CHAINS];
	int n_chains;
	struct rule_info rules[MAX_MSGS];
	int n_rules;
};

#define NFT_TYPE(t) ((uint16_t)((NFNL_SUBSYS_NFTABLES << 8) | (t)))

/* ---- helpers ---------------------------------------------------------- */

NAT_FX struct nat_config base_config(enum nat_mode mode)
{
	struct nat_config c = {
		.network = "test",
		.bridge = "virbr0",
		.mode = mode,
		.n_subnets = 1,
	};

	inet_pton(AF_INET, "192.168.122.0", &c.subnets[0].net);
	c.subnets[0].prefix = 24;
	return c;
}

NAT_FX void add_subnet(struct nat_config *c, const char *addr, unsigned prefix)
{
	assert_true(inet_pton(AF_INET, addr, &c->subnets[c->n_subnets].net) == 1);
	c->subnets[c->n_subnets++].prefix = prefix;
}

NAT_FX int expr_name_cb(struct nftnl_expr *e, void *data)
{
	char *names = data;
	size_t len = strlen(names);

	snprintf(names + len, 256 - len, "%s%s", len ? " " : "",
		 nftnl_expr_get_str(e, NFTNL_EXPR_NAME));
	return 0;
}

NAT_FX void parse_rule(const struct nlmsghdr *nlh, struct parsed *p, int i)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct rule_info *ri = &p->rules[p->n_rules++];

	assert_non_null(r);
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
	snprintf(ri->chain, sizeof(ri->chain), "%s", nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
	snprintf(p->table[i], sizeof(p->table[i]), "%s", nftnl_rule_get_str(r, NFTNL_RULE_TABLE));
	nftnl_rule_snprintf(ri->text, sizeof(ri->text), r, NFTNL_OUTPUT_DEFAULT, 0);
	ri->names[0] = '\0';
	nftnl_expr_foreach(r, expr_name_cb, ri->names);
	for (int c = 0; c < p->n_chains; c++)
		if (strcmp(p->chains[c].name, ri->chain) == 0)
			p->chains[c].n_rules++;
	nftnl_rule_free(r);
}

NAT_FX void parse_chain(const struct nlmsghdr *nlh, struct parsed *p, int i)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct chain_info *ci = &p->chains[p->n_chains++];

	assert_non_null(c);
	assert_true(p->n_chains <= MAX_CHAINS);
	assert_int_equal(nftnl_chain_nlmsg_parse(nlh, c), 0);
	snprintf(ci->name, sizeof(ci->name), "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
	snprintf(ci->type, sizeof(ci->type), "%s", nftnl_chain_get_str(c, NFTNL_CHAIN_TYPE));
	snprintf(p->table[i], sizeof(p->table[i]), "%s",
		 nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
	ci->hook = nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM);
	ci->prio = nftnl_chain_get_s32(c, NFTNL_CHAIN_PRIO);
	ci->policy = nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY);
	ci->n_rules = 0;
	nftnl_chain_free(c);
}

NAT_FX void parse_table(const struct nlmsghdr *nlh, struct parsed *p, int i)
{
	struct nftnl_table *t = nftnl_table_alloc();

	assert_non_null(t);
	assert_int_equal(nftnl_table_nlmsg_parse(nlh, t), 0);
	snprintf(p->table[i], sizeof(p->table[i]), "%s", nftnl_table_get_str(t, NFTNL_TABLE_NAME));
	nftnl_table_free(t);
}

/*
 * Walk a batch: every message must be whole, numbered from SEQ without
 * gaps, and be for the inet family.
 */
NAT_FX void parse_batch(const void *buf, int len, struct parsed *p)
{
	const struct nlmsghdr *nlh = buf;
	int left = len;

	memset(p, 0, sizeof(*p));
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		const struct nfgenmsg *nfg = mnl_nlmsg_get_payload(nlh);
		int i = p->n_msgs++;

		assert_true(i < MAX_MSGS);
		assert_int_equal(nlh->nlmsg_seq, SEQ + i);
		assert_true(nlh->nlmsg_flags & NLM_F_REQUEST);
		p->type[i] = nlh->nlmsg_type;
		p->flags[i] = nlh->nlmsg_flags;
		if (nlh->nlmsg_type == NFNL_MSG_BATCH_BEGIN || nlh->nlmsg_type == NFNL_MSG_BATCH_END) {
			assert_int_equal(ntohs(nfg->res_id), NFNL_SUBSYS_NFTABLES);
			continue;
		}
		assert_int_equal(nfg->nfgen_family, NFPROTO_INET);
		switch (nlh->nlmsg_type) {
		case NFT_TYPE(NFT_MSG_NEWTABLE):
		case NFT_TYPE(NFT_MSG_DELTABLE):
			parse_table(nlh, p, i);
			break;
		case NFT_TYPE(NFT_MSG_NEWCHAIN):
			parse_chain(nlh, p, i);
			break;
		case NFT_TYPE(NFT_MSG_NEWRULE):
			parse_rule(nlh, p, i);
			break;
		default:
			fail_msg("unexpected message type 0x%x", nlh->nlmsg_type);
		}
	}
	assert_int_equal(left, 0);
}

NAT_FX int build(const struct nat_config *cfg, struct parsed *p)
{
	static char buf[256 * 1024];
	struct nat_error err = { 0 };
	int len = nat_build_batch(cfg, buf, sizeof(buf), SEQ, &err);

	if (len < 0)
		fail_msg("nat_build_batch: %d %s", len, err.message);
	parse_batch(buf, len, p);
	return len;
}

NAT_FX const struct chain_info *chain(const struct parsed *p, const char *name)
{
	for (int i = 0; i < p->n_chains; i++)
		if (strcmp(p->chains[i].name, name) == 0)
			return &p->chains[i];
	return NULL;
}

/* The n-th rule (from 0) of a chain; fails the test when there is none. */
NAT_FX const struct rule_info *rule(const struct parsed *p, const char *chain_name, int n)
{
	for (int i = 0; i < p->n_rules; i++)
		if (strcmp(p->rules[i].chain, chain_name) == 0 && n-- == 0)
			return &p->rules[i];
	fail_msg("no rule %d in chain %s", n, chain_name);
	return NULL;
}

NAT_FX void has(const struct rule_info *r, const char *needle)
{
	if (strstr(r->text, needle) == NULL)
		fail_msg("rule in %s lacks \"%s\":\n%s", r->chain, needle, r->text);
}

NAT_FX void lacks(const struct rule_info *r, const char *needle)
{
	if (strstr(r->text, needle) != NULL)
		fail_msg("rule in %s has \"%s\":\n%s", r->chain, needle, r->text);
}

NAT_FX void names_are(const struct rule_info *r, const char *names)
{
	if (strcmp(r->names, names) != 0)
		fail_msg("rule in %s:\n  have %s\n  want %s\n%s", r->chain, r->names, names,
			 r->text);
}

/* Byte patterns as libnftnl prints registers (little-endian host words). */
#define VIRBR0 "0x62726976 0x00003072 0x00000000 0x00000000"   /* "virbr0" + zeros */

#endif
