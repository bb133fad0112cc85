/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for nat/: the batch each forward mode builds, read back with
 * libmnl and libnftnl's own parsers, without a kernel. A rule is checked
 * through libnftnl's rendering of its expressions (the same text as
 * `nft --debug=netlink`), so a failure prints bytecode a person can read.
 *
 * What the kernel makes of the batch is checked by the system tests against
 * tests/system/golden/nat-*.nft.
 */
#include "tests/unit/nat_fixture.h"

/* Byte patterns as libnftnl prints registers (little-endian host words). */
#define ETH1 "0x31687465 0x00000000 0x00000000 0x00000000"     /* "eth1" + zeros */
#define SADDR "payload load 3b @ network header + 12 => reg 1"
#define DADDR "payload load 3b @ network header + 16 => reg 1"
#define SUBNET_122 "0x007aa8c0"                                 /* 192.168.122 */

/* ---- the batch around the rules -------------------------------------- */

static void test_framing_and_replace_sequence(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	assert_int_equal(p.type[0], NFNL_MSG_BATCH_BEGIN);
	assert_int_equal(p.type[p.n_msgs - 1], NFNL_MSG_BATCH_END);
	/* add (no-op if present), delete, add afresh: one transaction replaces */
	assert_int_equal(p.type[1], NFT_TYPE(NFT_MSG_NEWTABLE));
	assert_int_equal(p.flags[1] & (NLM_F_CREATE | NLM_F_EXCL), NLM_F_CREATE);
	assert_int_equal(p.type[2], NFT_TYPE(NFT_MSG_DELTABLE));
	assert_int_equal(p.type[3], NFT_TYPE(NFT_MSG_NEWTABLE));
	assert_int_equal(p.type[4], NFT_TYPE(NFT_MSG_NEWCHAIN));
	for (int i = 1; i < p.n_msgs - 1; i++) {
		/* every object message is acked, and names our table only */
		assert_true(p.flags[i] & NLM_F_ACK);
		assert_string_equal(p.table[i], "vnetd-test");
	}
	assert_false(p.flags[0] & NLM_F_ACK);
	assert_false(p.flags[p.n_msgs - 1] & NLM_F_ACK);
	/* 4 framing/table messages + 4 chains + 14 rules */
	assert_int_equal(p.n_msgs, 1 + 3 + 4 + 14 + 1);
}

static void test_rules_follow_their_chain(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	struct parsed p;
	int chains_seen = 0, r = 0;

	(void)state;
	build(&cfg, &p);
	/* a chain is created before any of its rules */
	for (int i = 0; i < p.n_msgs; i++) {
		bool known = false;

		if (p.type[i] == NFT_TYPE(NFT_MSG_NEWCHAIN))
			chains_seen++;
		if (p.type[i] != NFT_TYPE(NFT_MSG_NEWRULE))
			continue;
		for (int c = 0; c < chains_seen; c++)
			known |= strcmp(p.chains[c].name, p.rules[r].chain) == 0;
		if (!known)
			fail_msg("rule %d names chain %s before it exists", r, p.rules[r].chain);
		r++;
	}
	assert_string_equal(p.chains[0].name, "forward");
	assert_string_equal(p.chains[1].name, "postrouting");
	assert_string_equal(p.chains[2].name, "input");
	assert_string_equal(p.chains[3].name, "output");
}

static void test_same_config_same_bytes(void **state)
{
	static char a[64 * 1024], b[64 * 1024];
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	int la, lb, lm;

	(void)state;
	la = nat_build_batch(&cfg, a, sizeof(a), 7, NULL);
	lb = nat_build_batch(&cfg, b, sizeof(b), 7, NULL);
	lm = nat_build_batch(&cfg, NULL, 0, 7, NULL);     /* measure only */
	assert_true(la > 0);
	assert_int_equal(la, lb);
	assert_int_equal(la, lm);
	assert_memory_equal(a, b, (size_t)la);
}

static void test_buffer_too_small(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	struct nat_error err = { 0 };
	char buf[512];
	int need = nat_build_batch(&cfg, NULL, 0, 1, NULL);
	char *exact = malloc((size_t)need);

	(void)state;
	assert_int_equal(nat_build_batch(&cfg, buf, sizeof(buf), 1, &err), -EMSGSIZE);
	assert_int_equal(err.code, -EMSGSIZE);
	assert_non_null(strstr(err.message, "vnetd-test"));
	assert_non_null(exact);
	assert_int_equal(nat_build_batch(&cfg, exact, (size_t)need, 1, NULL), need);
	assert_int_equal(nat_build_batch(&cfg, exact, (size_t)need - 1, 1, NULL), -EMSGSIZE);
	free(exact);
}

/* ---- chains per mode -------------------------------------------------- */

struct mode_case {
	const char *name;
	enum nat_mode mode;
	size_t subnets;
	int forward, postrouting, input, output;  /* rules; -1: no such chain */
};

static const struct mode_case mode_cases[] = {
	{ "nat", NAT_MODE_NAT, 1, 5, 5, 3, 1 },
	{ "nat, 2 subnets", NAT_MODE_NAT, 2, 7, 10, 3, 1 },
	{ "nat, no subnet", NAT_MODE_NAT, 0, 3, 0, 3, 1 },
	{ "route", NAT_MODE_ROUTE, 1, 5, -1, 3, 1 },
	{ "route, 2 subnets", NAT_MODE_ROUTE, 2, 7, -1, 3, 1 },
	{ "isolated", NAT_MODE_ISOLATED, 1, 3, -1, 3, 1 },
	{ "isolated, 2 subnets", NAT_MODE_ISOLATED, 2, 3, -1, 3, 1 },
};

static void check_count(const struct parsed *p, const char *name, int want, const char *mode)
{
	const struct chain_info *c = chain(p, name);

	if (want < 0 && c != NULL)
		fail_msg("%s: unexpected chain %s", mode, name);
	if (want >= 0 && c == NULL)
		fail_msg("%s: no chain %s", mode, name);
	if (c != NULL && c->n_rules != want)
		fail_msg("%s: chain %s has %d rules, want %d", mode, name, c->n_rules, want);
}

static void test_rule_counts_per_mode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mode_cases) / sizeof(mode_cases[0]); i++) {
		const struct mode_case *mc = &mode_cases[i];
		struct nat_config cfg = base_config(mc->mode);
		struct parsed p;

		cfg.n_subnets = 0;
		if (mc->subnets > 0)
			add_subnet(&cfg, "192.168.122.0", 24);
		if (mc->subnets > 1)
			add_subnet(&cfg, "10.1.16.0", 20);
		build(&cfg, &p);
		check_count(&p, "forward", mc->forward, mc->name);
		check_count(&p, "postrouting", mc->postrouting, mc->name);
		check_count(&p, "input", mc->input, mc->name);
		check_count(&p, "output", mc->output, mc->name);
	}
}

static void test_chain_hooks(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	const struct chain_info *c;
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	c = chain(&p, "forward");
	assert_string_equal(c->type, "filter");
	assert_int_equal(c->hook, NF_INET_FORWARD);
	assert_int_equal(c->prio, 0);
	assert_int_equal(c->policy, NF_ACCEPT);
	c = chain(&p, "postrouting");
	assert_string_equal(c->type, "nat");
	assert_int_equal(c->hook, NF_INET_POST_ROUTING);
	assert_int_equal(c->prio, 100);
	assert_int_equal(c->policy, NF_ACCEPT);
	c = chain(&p, "input");
	assert_string_equal(c->type, "filter");
	assert_int_equal(c->hook, NF_INET_LOCAL_IN);
	assert_int_equal(c->prio, 0);
	c = chain(&p, "output");
	assert_string_equal(c->type, "filter");
	assert_int_equal(c->hook, NF_INET_LOCAL_OUT);
	assert_int_equal(c->prio, 0);
}

static void test_open_builds_nothing(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_OPEN);
	char buf[64];

	(void)state;
	assert_int_equal(nat_build_batch(&cfg, buf, sizeof(buf), 1, NULL), 0);
	/* open reads nothing but the network name */
	cfg.bridge = NULL;
	cfg.n_subnets = 99;
	assert_int_equal(nat_build_batch(&cfg, buf, sizeof(buf), 1, NULL), 0);
}

/* ---- forward ---------------------------------------------------------- */

static void test_nat_forward(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	/* iifname "virbr0" ip saddr 192.168.122.0/24 accept */
	r = rule(&p, "forward", 0);
	names_are(r, "meta cmp meta cmp payload cmp immediate");
	has(r, "meta load iifname => reg 1");
	has(r, "cmp eq reg 1 " VIRBR0);
	has(r, "meta load nfproto => reg 1 ]\n  [ cmp eq reg 1 0x00000002");
	has(r, SADDR " ]\n  [ cmp eq reg 1 " SUBNET_122);
	has(r, "immediate reg 0 accept");
	/* oifname "virbr0" ip daddr 192.168.122.0/24 ct state established,related accept */
	r = rule(&p, "forward", 1);
	names_are(r, "meta cmp meta cmp payload cmp ct bitwise cmp immediate");
	has(r, "meta load oifname");
	has(r, DADDR);
	has(r, "ct load state => reg 1");
	has(r, "bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000");
	has(r, "cmp neq reg 1 0x00000000");
	/* iifname "virbr0" oifname "virbr0" accept */
	r = rule(&p, "forward", 2);
	names_are(r, "meta cmp meta cmp immediate");
	has(r, "immediate reg 0 accept");
	/* iifname "virbr0" reject; oifname "virbr0" reject */
	r = rule(&p, "forward", 3);
	names_are(r, "meta cmp reject");
	has(r, "meta load iifname");
	has(r, "reject type 2 code 1");         /* icmpx port-unreachable */
	r = rule(&p, "forward", 4);
	names_are(r, "meta cmp reject");
	has(r, "meta load oifname");
}

static void test_route_lets_outside_in(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_ROUTE);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	assert_null(chain(&p, "postrouting"));
	r = rule(&p, "forward", 1);
	/* oifname "virbr0" ip daddr 192.168.122.0/24 accept: no ct state */
	names_are(r, "meta cmp meta cmp payload cmp immediate");
	lacks(r, "ct load");
	has(r, DADDR);
	for (int i = 0; i < p.n_rules; i++) {
		lacks(&p.rules[i], "masq");
		lacks(&p.rules[i], "nat snat");
	}
}

static void test_isolated_forwards_nothing(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_ISOLATED);
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	assert_null(chain(&p, "postrouting"));
	/* bridge<->bridge accept and the two rejects, no subnet accept */
	for (int i = 0; i < 3; i++)
		lacks(rule(&p, "forward", i), "network header");
	names_are(rule(&p, "forward", 0), "meta cmp meta cmp immediate");
	names_are(rule(&p, "forward", 1), "meta cmp reject");
	names_are(rule(&p, "forward", 2), "meta cmp reject");
}

static void test_outdev_limits_the_outside(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	for (int i = 0; i < p.n_rules; i++)
		lacks(&p.rules[i], ETH1);

	cfg.outdev = "eth1";
	build(&cfg, &p);
	/* iifname "virbr0" ip saddr ... oifname "eth1" accept */
	has(rule(&p, "forward", 0), "meta load oifname => reg 1 ]\n  [ cmp eq reg 1 " ETH1);
	/* oifname "virbr0" ip daddr ... iifname "eth1" ct state ... accept */
	has(rule(&p, "forward", 1), "meta load iifname => reg 1 ]\n  [ cmp eq reg 1 " ETH1);
	/* the exemptions stay without it, the three NAT rules carry it */
	lacks(rule(&p, "postrouting", 0), ETH1);
	lacks(rule(&p, "postrouting", 1), ETH1);
	for (int i = 2; i < 5; i++)
		has(rule(&p, "postrouting", i), "meta load oifname => reg 1 ]\n  [ cmp eq reg 1 " ETH1);
	/* guest<->guest and the rejects do not depend on it */
	for (int i = 2; i < 5; i++)
		lacks(rule(&p, "forward", i), ETH1);
}

/* ---- postrouting ------------------------------------------------------ */

static void test_nat_masquerade(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	/* ip saddr 192.168.122.0/24 ip daddr 224.0.0.0/24 return */
	r = rule(&p, "postrouting", 0);
	names_are(r, "meta cmp payload cmp payload cmp immediate");
	has(r, DADDR " ]\n  [ cmp eq reg 1 0x000000e0");
	has(r, "immediate reg 0 return");
	/* ip saddr 192.168.122.0/24 ip daddr 255.255.255.255 return */
	r = rule(&p, "postrouting", 1);
	has(r, "payload load 4b @ network header + 16 => reg 1 ]\n  [ cmp eq reg 1 0xffffffff");
	has(r, "immediate reg 0 return");
	/* ... ip daddr != 192.168.122.0/24 meta l4proto tcp masquerade to :1024-65535 */
	r = rule(&p, "postrouting", 2);
	names_are(r, "meta cmp payload cmp payload cmp meta cmp immediate immediate masq");
	has(r, DADDR " ]\n  [ cmp neq reg 1 " SUBNET_122);
	has(r, "meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000006");
	has(r, "immediate reg 1 0x00000004");   /* htons(1024) */
	has(r, "immediate reg 2 0x0000ffff");   /* htons(65535) */
	has(r, "masq proto_min reg 1 proto_max reg 2 flags 0x2");
	/* the same for udp */
	r = rule(&p, "postrouting", 3);
	has(r, "meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000011");
	has(r, "masq proto_min reg 1 proto_max reg 2 flags 0x2");
	/* everything else: masquerade without ports */
	r = rule(&p, "postrouting", 4);
	names_are(r, "meta cmp payload cmp payload cmp masq");
	has(r, "[ masq ]");
}

static void test_nat_port_range(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	cfg.port_start = 2000;
	cfg.port_end = 3000;
	build(&cfg, &p);
	r = rule(&p, "postrouting", 2);
	has(r, "immediate reg 1 0x0000d007");   /* htons(2000) */
	has(r, "immediate reg 2 0x0000b80b");   /* htons(3000) */
	/* a single port needs one register, as nft writes it */
	cfg.port_start = cfg.port_end = 5000;
	build(&cfg, &p);
	r = rule(&p, "postrouting", 3);
	names_are(r, "meta cmp payload cmp payload cmp meta cmp immediate masq");
	has(r, "masq proto_min reg 1 flags 0x2");
}

static void test_nat_address_range(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	cfg.has_addr_range = true;
	inet_pton(AF_INET, "10.0.0.1", &cfg.addr_start);
	inet_pton(AF_INET, "10.0.0.5", &cfg.addr_end);
	build(&cfg, &p);
	for (int i = 0; i < p.n_rules; i++)
		lacks(&p.rules[i], "masq");
	/* meta l4proto tcp snat ip to 10.0.0.1-10.0.0.5:1024-65535 */
	r = rule(&p, "postrouting", 2);
	has(r, "immediate reg 1 0x0100000a");
	has(r, "immediate reg 2 0x0500000a");
	has(r, "immediate reg 3 0x00000004");
	has(r, "immediate reg 4 0x0000ffff");
	has(r, "nat snat ip addr_min reg 1 addr_max reg 2 proto_min reg 3 proto_max reg 4 "
	    "flags 0x2");
	/* snat ip to 10.0.0.1-10.0.0.5 */
	r = rule(&p, "postrouting", 4);
	names_are(r, "meta cmp payload cmp payload cmp immediate immediate nat");
	has(r, "nat snat ip addr_min reg 1 addr_max reg 2 ]");

	/* one address: snat ip to 10.0.0.1:1024-65535 */
	cfg.addr_end = cfg.addr_start;
	build(&cfg, &p);
	has(rule(&p, "postrouting", 2),
	    "nat snat ip addr_min reg 1 proto_min reg 2 proto_max reg 3 flags 0x2");
}

/* ---- matches ---------------------------------------------------------- */

static void test_ipv4_matches_need_nfproto(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	struct parsed p;

	(void)state;
	add_subnet(&cfg, "10.1.16.0", 20);
	build(&cfg, &p);
	/* every rule reading the IPv4 header says "meta nfproto ipv4" first, once */
	for (int i = 0; i < p.n_rules; i++) {
		const char *text = p.rules[i].text;
		const char *net = strstr(text, "network header");
		const char *dep = strstr(text, "meta load nfproto => reg 1 ]\n  [ cmp eq reg 1 "
					 "0x00000002 ]");

		if (net == NULL) {
			assert_null(dep);
			continue;
		}
		if (dep == NULL || dep > net)
			fail_msg("no nfproto ipv4 before the IPv4 match:\n%s", text);
		assert_null(strstr(dep + 1, "meta load nfproto"));
	}
}

static void test_unaligned_prefix(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_ROUTE);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	cfg.n_subnets = 0;
	add_subnet(&cfg, "10.1.16.0", 20);
	add_subnet(&cfg, "10.9.9.9", 32);
	build(&cfg, &p);
	/* /20: the whole address, masked (nft writes the same) */
	r = rule(&p, "forward", 0);
	has(r, "payload load 4b @ network header + 12 => reg 1 ]\n"
	    "  [ bitwise reg 1 = ( reg 1 & 0x00f0ffff ) ^ 0x00000000 ]\n"
	    "  [ cmp eq reg 1 0x0010010a");
	/* /32: four bytes, no mask */
	r = rule(&p, "forward", 2);
	has(r, "payload load 4b @ network header + 12 => reg 1 ]\n  [ cmp eq reg 1 0x0909090a");
	lacks(r, "bitwise");
	/* /24 never needs a mask */
	cfg.n_subnets = 0;
	add_subnet(&cfg, "192.168.122.0", 24);
	build(&cfg, &p);
	lacks(rule(&p, "forward", 0), "bitwise");
}

static int ifname_len_cb(struct nftnl_expr *e, void *data)
{
	uint32_t *lens = data, len = 0;

	if (strcmp(nftnl_expr_get_str(e, NFTNL_EXPR_NAME), "cmp") == 0 && lens[0] < 8) {
		nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);
		lens[1 + lens[0]++] = len;
	}
	return 0;
}

/* An exact name match compares all of IFNAMSIZ, zero padded. */
static void test_ifname_padded(void **state)
{
	struct nftnl_rule *r;
	struct nat_batch b;
	struct nat_rule nr;
	uint32_t lens[9] = { 0 };
	char buf[4096];
	struct nlmsghdr *nlh;

	(void)state;
	nat_batch_init(&b, buf, sizeof(buf), 1);
	nat_rule_start(&nr, "vnetd-test", "forward");
	nat_match_ifname(&nr, NFT_META_IIFNAME, "0123456789abcde");   /* 15: the longest */
	nat_match_ifname(&nr, NFT_META_OIFNAME, "x");
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, &b);
	assert_int_equal(b.err, 0);

	nlh = (struct nlmsghdr *)buf;
	r = nftnl_rule_alloc();
	assert_int_equal(nftnl_rule_nlmsg_parse(nlh, r), 0);
	nftnl_expr_foreach(r, ifname_len_cb, lens);
	nftnl_rule_free(r);
	assert_int_equal(lens[0], 2);
	assert_int_equal(lens[1], 16);
	assert_int_equal(lens[2], 16);
}

/* ---- host rules ------------------------------------------------------- */

static void test_input_and_output(void **state)
{
	static const enum nat_mode modes[] = { NAT_MODE_NAT, NAT_MODE_ROUTE, NAT_MODE_ISOLATED };

	(void)state;
	for (size_t m = 0; m < 3; m++) {
		struct nat_config cfg = base_config(modes[m]);
		const struct rule_info *r;
		struct parsed p;

		build(&cfg, &p);
		/* iifname "virbr0" udp dport 67 accept */
		r = rule(&p, "input", 0);
		names_are(r, "meta cmp meta cmp payload cmp immediate");
		has(r, "cmp eq reg 1 " VIRBR0);
		has(r, "meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000011");
		has(r, "payload load 2b @ transport header + 2 => reg 1 ]\n"
		    "  [ cmp eq reg 1 0x00004300");
		/* udp dport 53, tcp dport 53 */
		has(rule(&p, "input", 1), "cmp eq reg 1 0x00000011");
		has(rule(&p, "input", 1), "cmp eq reg 1 0x00003500");
		has(rule(&p, "input", 2), "cmp eq reg 1 0x00000006");
		has(rule(&p, "input", 2), "cmp eq reg 1 0x00003500");
		/* oifname "virbr0" udp dport 68 accept */
		r = rule(&p, "output", 0);
		has(r, "meta load oifname");
		has(r, "cmp eq reg 1 0x00004400");
		has(r, "immediate reg 0 accept");
	}
}

/* ---- configuration ---------------------------------------------------- */

enum field { F_NONE, F_NETWORK, F_BRIDGE, F_OUTDEV, F_NSUB, F_SUB, F_PORTS, F_ADDR, F_MODE };

struct bad_case {
	const char *name;
	enum field field;
	const char *s1, *s2;            /* strings: names, addresses */
	unsigned u1, u2;                /* numbers: counts, prefixes, ports */
	const char *message;            /* must appear in err.message */
};

static const struct bad_case bad_cases[] = {
	{ "no network name", F_NETWORK, "", NULL, 0, 0, "network name" },
	{ "null network name", F_NETWORK, NULL, NULL, 0, 0, "network name" },
	{ "no bridge", F_BRIDGE, NULL, NULL, 0, 0, "bridge" },
	{ "empty bridge", F_BRIDGE, "", NULL, 0, 0, "bridge name" },
	{ "bridge of 16", F_BRIDGE, "0123456789abcdef", NULL, 0, 0, "1 to 15" },
	{ "outdev of 16", F_OUTDEV, "0123456789abcdef", NULL, 0, 0, "forward dev" },
	{ "empty outdev", F_OUTDEV, "", NULL, 0, 0, "forward dev" },
	{ "17 subnets", F_NSUB, NULL, NULL, 17, 0, "at most 16" },
	{ "prefix 0", F_SUB, "0.0.0.0", NULL, 0, 0, "prefix" },
	{ "prefix 33", F_SUB, "10.0.0.0", NULL, 33, 0, "prefix" },
	{ "host bits", F_SUB, "192.168.122.1", NULL, 24, 0, "host bits" },
	{ "ports reversed", F_PORTS, NULL, NULL, 3000, 2000, "port range" },
	{ "port too big", F_PORTS, NULL, NULL, 1024, 65536, "port range" },
	{ "end port past 65535", F_PORTS, NULL, NULL, 0, 70000, "port range" },
	{ "addresses reversed", F_ADDR, "10.0.0.9", "10.0.0.1", 0, 0, "start is after end" },
	{ "address zero", F_ADDR, "0.0.0.0", "10.0.0.1", 0, 0, "0.0.0.0" },
	{ "unknown mode", F_MODE, NULL, NULL, 9, 0, "mode" },
};

static void apply(struct nat_config *cfg, const struct bad_case *bc)
{
	switch (bc->field) {
	case F_NETWORK:
		cfg->network = bc->s1;
		break;
	case F_BRIDGE:
		cfg->bridge = bc->s1;
		break;
	case F_OUTDEV:
		cfg->outdev = bc->s1;
		break;
	case F_NSUB:
		cfg->n_subnets = bc->u1;
		break;
	case F_SUB:
		inet_pton(AF_INET, bc->s1, &cfg->subnets[0].net);
		cfg->subnets[0].prefix = bc->u1;
		break;
	case F_PORTS:
		cfg->port_start = bc->u1;
		cfg->port_end = bc->u2;
		break;
	case F_ADDR:
		cfg->has_addr_range = true;
		inet_pton(AF_INET, bc->s1, &cfg->addr_start);
		inet_pton(AF_INET, bc->s2, &cfg->addr_end);
		break;
	case F_MODE:
		cfg->mode = (enum nat_mode)bc->u1;
		break;
	case F_NONE:
		break;
	}
}

static void test_config_errors(void **state)
{
	char buf[64 * 1024];

	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		struct nat_config cfg = base_config(NAT_MODE_NAT);
		struct nat_error err = { 0 };
		int r;

		apply(&cfg, bc);
		r = nat_build_batch(&cfg, buf, sizeof(buf), 1, &err);
		if (r != -EINVAL || err.code != -EINVAL || strstr(err.message, bc->message) == NULL)
			fail_msg("%s: got %d \"%s\", want -EINVAL with \"%s\"", bc->name, r,
				 err.message, bc->message);
	}
}

/* Port and address ranges mean nothing outside nat mode, so are not checked there. */
static void test_ranges_ignored_outside_nat(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_ROUTE);
	struct parsed p;

	(void)state;
	cfg.port_start = 3000;
	cfg.port_end = 2000;
	build(&cfg, &p);
	assert_null(chain(&p, "postrouting"));
}

static void test_max_config_fits(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	char addr[32];
	struct parsed p;

	(void)state;
	cfg.n_subnets = 0;
	cfg.outdev = "0123456789abcde";
	cfg.has_addr_range = true;
	inet_pton(AF_INET, "10.0.0.1", &cfg.addr_start);
	inet_pton(AF_INET, "10.0.0.5", &cfg.addr_end);
	for (int i = 0; i < NAT_MAX_SUBNETS; i++) {
		snprintf(addr, sizeof(addr), "10.%d.16.0", i + 1);
		add_subnet(&cfg, addr, 20);
	}
	build(&cfg, &p);
	assert_int_equal(chain(&p, "forward")->n_rules, 2 * NAT_MAX_SUBNETS + 3);
	assert_int_equal(chain(&p, "postrouting")->n_rules, 5 * NAT_MAX_SUBNETS);
}

static void test_table_name(void **state)
{
	char buf[256], big[300];

	(void)state;
	assert_true(nat_table_name("default", buf, sizeof(buf)));
	assert_string_equal(buf, "vnetd-default");
	assert_false(nat_table_name("", buf, sizeof(buf)));
	assert_false(nat_table_name(NULL, buf, sizeof(buf)));
	assert_false(nat_table_name("default", buf, 8));
	/* the kernel's limit is 255 characters plus the NUL */
	memset(big, 'a', sizeof(big));
	big[249] = '\0';
	assert_true(nat_table_name(big, buf, sizeof(buf)));
	assert_int_equal(strlen(buf), 255);
	big[249] = 'a';
	big[250] = '\0';
	assert_false(nat_table_name(big, buf, sizeof(buf)));
}

/* ---- the kernel's answers --------------------------------------------- */

/*
 * An NLMSG_ERROR as the kernel writes it: the request's header (and, unless
 * capped, its payload), then with NETLINK_EXT_ACK the attributes.
 */
static struct nlmsghdr *make_error(char *buf, int error, bool capped, const char *text)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlmsgerr *e;
	struct nlmsghdr req = {
		.nlmsg_len = capped ? sizeof(struct nlmsghdr) : sizeof(struct nlmsghdr) + 12,
		.nlmsg_type = NFT_TYPE(NFT_MSG_NEWRULE),
		.nlmsg_seq = 42,
	};

	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_seq = 42;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = error;
	e->msg = req;
	if (!capped)
		memset(mnl_nlmsg_put_extra_header(nlh, 12), 0xaa, 12);  /* echoed payload */
	else
		nlh->nlmsg_flags |= NLM_F_CAPPED;
	if (text != NULL) {
		nlh->nlmsg_flags |= NLM_F_ACK_TLVS;
		mnl_attr_put_u32(nlh, NLMSGERR_ATTR_OFFS, 20);
		mnl_attr_put_strz(nlh, NLMSGERR_ATTR_MSG, text);
	}
	return nlh;
}

static void test_ack_parse(void **state)
{
	union { struct nlmsghdr h; char b[512]; } buf;
	struct nat_error err = { 0 };
	struct nat_ack ack;
	struct nlmsghdr *nlh;

	(void)state;
	for (int capped = 0; capped < 2; capped++) {
		memset(&buf, 0, sizeof(buf));
		nlh = make_error(buf.b, -EOPNOTSUPP, capped, "unknown expression masq");
		assert_int_equal(nat_ack_parse(nlh, &ack), 0);
		assert_int_equal(ack.error, -EOPNOTSUPP);
		assert_int_equal(ack.seq, 42);
		assert_int_equal(ack.req_type, NFT_TYPE(NFT_MSG_NEWRULE));
		assert_string_equal(ack.text, "unknown expression masq");
		assert_int_equal(nat_fail_ack(&err, &ack, "adding rule 3 to chain postrouting"),
				 -EOPNOTSUPP);
		assert_string_equal(err.message, "adding rule 3 to chain postrouting: Operation "
				    "not supported (kernel: unknown expression masq)");
	}

	/* no text: no "(kernel: ...)" */
	memset(&buf, 0, sizeof(buf));
	nlh = make_error(buf.b, -ENOENT, true, NULL);
	assert_int_equal(nat_ack_parse(nlh, &ack), 0);
	assert_string_equal(ack.text, "");
	nat_fail_ack(&err, &ack, "deleting table vnetd-x");
	assert_string_equal(err.message, "deleting table vnetd-x: No such file or directory");

	/* a success ack */
	memset(&buf, 0, sizeof(buf));
	nlh = make_error(buf.b, 0, true, NULL);
	assert_int_equal(nat_ack_parse(nlh, &ack), 0);
	assert_int_equal(ack.error, 0);

	/* too short to be an error message */
	memset(&buf, 0, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf.b);
	nlh->nlmsg_type = NLMSG_ERROR;
	mnl_nlmsg_put_extra_header(nlh, 8);
	assert_int_equal(nat_ack_parse(nlh, &ack), -EPROTO);

	/* an echoed length running past the message: text ignored, errno kept */
	memset(&buf, 0, sizeof(buf));
	nlh = make_error(buf.b, -EINVAL, false, "x");
	((struct nlmsgerr *)mnl_nlmsg_get_payload(nlh))->msg.nlmsg_len = 4000;
	assert_int_equal(nat_ack_parse(nlh, &ack), 0);
	assert_int_equal(ack.error, -EINVAL);
	assert_string_equal(ack.text, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_framing_and_replace_sequence),
		cmocka_unit_test(test_rules_follow_their_chain),
		cmocka_unit_test(test_same_config_same_bytes),
		cmocka_unit_test(test_buffer_too_small),
		cmocka_unit_test(test_rule_counts_per_mode),
		cmocka_unit_test(test_chain_hooks),
		cmocka_unit_test(test_open_builds_nothing),
		cmocka_unit_test(test_nat_forward),
		cmocka_unit_test(test_route_lets_outside_in),
		cmocka_unit_test(test_isolated_forwards_nothing),
		cmocka_unit_test(test_outdev_limits_the_outside),
		cmocka_unit_test(test_nat_masquerade),
		cmocka_unit_test(test_nat_port_range),
		cmocka_unit_test(test_nat_address_range),
		cmocka_unit_test(test_ipv4_matches_need_nfproto),
		cmocka_unit_test(test_unaligned_prefix),
		cmocka_unit_test(test_ifname_padded),
		cmocka_unit_test(test_input_and_output),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_ranges_ignored_outside_nat),
		cmocka_unit_test(test_max_config_fits),
		cmocka_unit_test(test_table_name),
		cmocka_unit_test(test_ack_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
