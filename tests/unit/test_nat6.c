/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the IPv6 side of nat/: the rules an IPv6 subnet adds in
 * each forward mode, modelled on libvirt's nftables backend (its ip6
 * table): in nat mode IPv6 is routed (in and out) unless <nat ipv6='yes'>,
 * which masquerades it with replies only coming back in; route lets both
 * ways; isolated keeps guest<->guest only. Read back as test_nat.c does.
 */
#include "tests/unit/nat_fixture.h"

#define ETH1 "0x31687465 0x00000000 0x00000000 0x00000000"     /* "eth1" + zeros */
#define NFPROTO6 "meta load nfproto => reg 1 ]\n  [ cmp eq reg 1 0x0000000a ]"
#define NFPROTO4 "meta load nfproto => reg 1 ]\n  [ cmp eq reg 1 0x00000002 ]"
/* 2001:db8:ca2:2::/64: the first 8 bytes, as libnftnl prints them */
#define SADDR6 "payload load 8b @ network header + 8 => reg 1 ]\n" \
	"  [ cmp eq reg 1 0xb80d0120 0x0200a20c ]"
#define DADDR6 "payload load 8b @ network header + 24 => reg 1 ]\n" \
	"  [ cmp eq reg 1 0xb80d0120 0x0200a20c ]"
#define NOT_DADDR6 "payload load 8b @ network header + 24 => reg 1 ]\n" \
	"  [ cmp neq reg 1 0xb80d0120 0x0200a20c ]"
#define CT_REPLIES "ct load state => reg 1 ]\n" \
	"  [ bitwise reg 1 = ( reg 1 & 0x00000006 ) ^ 0x00000000 ]\n" \
	"  [ cmp neq reg 1 0x00000000 ]"

static void add_subnet6(struct nat_config *c, const char *addr, unsigned prefix)
{
	assert_true(inet_pton(AF_INET6, addr, &c->subnets6[c->n_subnets6].net) == 1);
	c->subnets6[c->n_subnets6++].prefix = prefix;
}

/* The dual-stack network of libvirt's nat-network-forward-nat-ipv6. */
static struct nat_config dual_config(enum nat_mode mode, bool nat_ipv6)
{
	struct nat_config c = base_config(mode);

	add_subnet6(&c, "2001:db8:ca2:2::", 64);
	c.nat_ipv6 = nat_ipv6;
	return c;
}

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

/* ---- rules per mode ---------------------------------------------------- */

struct mode6_case {
	const char *name;
	enum nat_mode mode;
	bool nat_ipv6;
	size_t v4, v6;                          /* subnets of each family */
	int forward, postrouting, input, output;  /* rules; -1: no such chain */
};

static const struct mode6_case mode6_cases[] = {
	/* v6 routed: out + in per subnet; postrouting only for IPv4 */
	{ "nat", NAT_MODE_NAT, false, 1, 1, 7, 5, 4, 2 },
	/* v6 masqueraded: the ff02::/16 exemption and three masquerades */
	{ "nat ipv6", NAT_MODE_NAT, true, 1, 1, 7, 9, 4, 2 },
	{ "nat ipv6, 2 v6", NAT_MODE_NAT, true, 1, 2, 9, 13, 4, 2 },
	{ "nat ipv6, v6 only", NAT_MODE_NAT, true, 0, 1, 5, 4, 4, 2 },
	{ "route", NAT_MODE_ROUTE, false, 1, 1, 7, -1, 4, 2 },
	/* nat ipv6='yes' means nothing outside nat mode */
	{ "route, nat ipv6", NAT_MODE_ROUTE, true, 1, 1, 7, -1, 4, 2 },
	{ "isolated", NAT_MODE_ISOLATED, false, 1, 1, 3, -1, 4, 2 },
	/* <network ipv6='yes'> without an IPv6 address: nothing IPv6 of its own */
	{ "isolated, no v6 address", NAT_MODE_ISOLATED, false, 1, 0, 3, -1, 3, 1 },
	{ "nat ipv6, no v6 address", NAT_MODE_NAT, true, 1, 0, 5, 5, 3, 1 },
};

static void test_rule_counts_per_mode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mode6_cases) / sizeof(mode6_cases[0]); i++) {
		const struct mode6_case *mc = &mode6_cases[i];
		struct nat_config cfg = base_config(mc->mode);
		struct parsed p;

		cfg.n_subnets = mc->v4;
		cfg.nat_ipv6 = mc->nat_ipv6;
		if (mc->v6 > 0)
			add_subnet6(&cfg, "2001:db8:ca2:2::", 64);
		if (mc->v6 > 1)
			add_subnet6(&cfg, "fd00:1:2:30::", 60);
		build(&cfg, &p);
		check_count(&p, "forward", mc->forward, mc->name);
		check_count(&p, "postrouting", mc->postrouting, mc->name);
		check_count(&p, "input", mc->input, mc->name);
		check_count(&p, "output", mc->output, mc->name);
	}
}

/* ---- forward ------------------------------------------------------------ */

/* libvirt: "IPv6 has no NAT", so nat mode routes it both ways. */
static void test_nat_mode_routes_ipv6(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_NAT, false);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	/* the IPv4 pair first, with replies only coming in */
	has(rule(&p, "forward", 1), CT_REPLIES);
	/* iifname "virbr0" ip6 saddr 2001:db8:ca2:2::/64 accept */
	r = rule(&p, "forward", 2);
	names_are(r, "meta cmp meta cmp payload cmp immediate");
	has(r, "meta load iifname => reg 1 ]\n  [ cmp eq reg 1 " VIRBR0 " ]\n  [ " NFPROTO6
	    "\n  [ " SADDR6 "\n  [ immediate reg 0 accept ]");
	/* oifname "virbr0" ip6 daddr 2001:db8:ca2:2::/64 accept: anything in */
	r = rule(&p, "forward", 3);
	names_are(r, "meta cmp meta cmp payload cmp immediate");
	has(r, "meta load oifname => reg 1 ]\n  [ cmp eq reg 1 " VIRBR0 " ]\n  [ " NFPROTO6
	    "\n  [ " DADDR6 "\n  [ immediate reg 0 accept ]");
	lacks(r, "ct load");
	for (int i = 0; i < chain(&p, "postrouting")->n_rules; i++)
		lacks(rule(&p, "postrouting", i), "nfproto => reg 1 ]\n  [ cmp eq reg 1 0x0000000a");
}

static void test_nat_ipv6_lets_only_replies_in(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_NAT, true);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	names_are(rule(&p, "forward", 2), "meta cmp meta cmp payload cmp immediate");
	has(rule(&p, "forward", 2), SADDR6);
	/* oifname "virbr0" ip6 daddr ... ct state established,related accept */
	r = rule(&p, "forward", 3);
	names_are(r, "meta cmp meta cmp payload cmp ct bitwise cmp immediate");
	has(r, DADDR6 "\n  [ " CT_REPLIES "\n  [ immediate reg 0 accept ]");
}

static void test_route_lets_outside_in(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_ROUTE, true);
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	assert_null(chain(&p, "postrouting"));
	has(rule(&p, "forward", 2), SADDR6);
	has(rule(&p, "forward", 3), DADDR6);
	lacks(rule(&p, "forward", 3), "ct load");
	for (int i = 0; i < p.n_rules; i++)
		lacks(&p.rules[i], "masq");
}

/* Isolated: no subnet rule of either family; guest<->guest stays open. */
static void test_isolated_forwards_nothing(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_ISOLATED, true);
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	assert_null(chain(&p, "postrouting"));
	assert_int_equal(chain(&p, "forward")->n_rules, 3);
	names_are(rule(&p, "forward", 0), "meta cmp meta cmp immediate");
	has(rule(&p, "forward", 0), "meta load oifname");
	names_are(rule(&p, "forward", 1), "meta cmp reject");
	names_are(rule(&p, "forward", 2), "meta cmp reject");
	for (int i = 0; i < 3; i++)
		lacks(rule(&p, "forward", i), "network header");
}

static void test_outdev_limits_ipv6_too(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_NAT, true);
	struct parsed p;

	(void)state;
	cfg.outdev = "eth1";
	build(&cfg, &p);
	has(rule(&p, "forward", 2), SADDR6 "\n  [ meta load oifname => reg 1 ]\n"
	    "  [ cmp eq reg 1 " ETH1);
	has(rule(&p, "forward", 3), DADDR6 "\n  [ meta load iifname => reg 1 ]\n"
	    "  [ cmp eq reg 1 " ETH1);
	/* the IPv6 exemption stays without it, the three masquerades carry it */
	lacks(rule(&p, "postrouting", 5), ETH1);
	for (int i = 6; i < 9; i++)
		has(rule(&p, "postrouting", i), NOT_DADDR6 "\n  [ meta load oifname => reg 1 ]\n"
		    "  [ cmp eq reg 1 " ETH1);
}

/* ---- postrouting --------------------------------------------------------- */

static void test_nat_ipv6_masquerade(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_NAT, true);
	const struct rule_info *r;
	struct parsed p;

	(void)state;
	build(&cfg, &p);
	/* after the IPv4 subnet's five: ip6 saddr SUBNET ip6 daddr ff02::/16 return */
	r = rule(&p, "postrouting", 5);
	names_are(r, "meta cmp payload cmp payload cmp immediate");
	has(r, NFPROTO6 "\n  [ " SADDR6 "\n  [ payload load 2b @ network header + 24 => reg 1 ]"
	    "\n  [ cmp eq reg 1 0x000002ff ]\n  [ immediate reg 0 return ]");
	/* ... ip6 daddr != SUBNET meta l4proto tcp masquerade to :1024-65535 */
	r = rule(&p, "postrouting", 6);
	names_are(r, "meta cmp payload cmp payload cmp meta cmp immediate immediate masq");
	has(r, SADDR6 "\n  [ " NOT_DADDR6 "\n  [ meta load l4proto => reg 1 ]\n"
	    "  [ cmp eq reg 1 0x00000006 ]\n  [ immediate reg 1 0x00000004 ]\n"
	    "  [ immediate reg 2 0x0000ffff ]\n  [ masq proto_min reg 1 proto_max reg 2 flags 0x2 ]");
	r = rule(&p, "postrouting", 7);
	has(r, "meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000011");
	has(r, "masq proto_min reg 1 proto_max reg 2 flags 0x2");
	/* everything else, without ports */
	r = rule(&p, "postrouting", 8);
	names_are(r, "meta cmp payload cmp payload cmp masq");
	has(r, NOT_DADDR6 "\n  [ masq ]");
	/* no broadcast in IPv6: one exemption only */
	for (int i = 5; i < 9; i++)
		lacks(rule(&p, "postrouting", i), "0xffffffff ]");
}

/* <nat><address> is IPv4's: IPv6 keeps masquerading, with the port range. */
static void test_snat_range_stays_ipv4(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_NAT, true);
	struct parsed p;

	(void)state;
	cfg.has_addr_range = true;
	inet_pton(AF_INET, "10.0.0.1", &cfg.addr_start);
	inet_pton(AF_INET, "10.0.0.5", &cfg.addr_end);
	cfg.port_start = 2000;
	cfg.port_end = 3000;
	build(&cfg, &p);
	has(rule(&p, "postrouting", 2), "nat snat ip addr_min reg 1 addr_max reg 2");
	has(rule(&p, "postrouting", 6), "immediate reg 1 0x0000d007 ]\n"
	    "  [ immediate reg 2 0x0000b80b ]\n  [ masq proto_min reg 1 proto_max reg 2 flags 0x2");
	for (int i = 5; i < 9; i++)
		lacks(rule(&p, "postrouting", i), "nat snat");
}

/* ---- matches ------------------------------------------------------------ */

/* Every header match says its family first, once, and reads that family's offsets. */
static void test_header_matches_name_their_family(void **state)
{
	struct nat_config cfg = dual_config(NAT_MODE_NAT, true);
	struct parsed p;

	(void)state;
	add_subnet6(&cfg, "fd00:1:2:30::", 60);
	add_subnet(&cfg, "10.1.16.0", 20);
	build(&cfg, &p);
	for (int i = 0; i < p.n_rules; i++) {
		const char *text = p.rules[i].text, *net = strstr(text, "network header");
		const char *v4 = strstr(text, NFPROTO4), *v6 = strstr(text, NFPROTO6);
		const char *dep = v4 ? v4 : v6;

		if (net == NULL)
			continue;
		if (dep == NULL || dep > net || (v4 && v6))
			fail_msg("no single nfproto before the header match:\n%s", text);
		assert_null(strstr(dep + 1, "meta load nfproto"));
		if (v6 && !strstr(text, "network header + 8 ") && !strstr(text, "network header + 24 "))
			fail_msg("an ipv6 rule reading IPv4 offsets:\n%s", text);
		if (v4 && (strstr(text, "network header + 8 ") || strstr(text, "network header + 24 ")))
			fail_msg("an ipv4 rule reading IPv6 offsets:\n%s", text);
	}
}

static void test_unaligned_ipv6_prefix(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_ROUTE);
	struct parsed p;

	(void)state;
	cfg.n_subnets = 0;
	add_subnet6(&cfg, "fd00:1:2:30::", 60);
	add_subnet6(&cfg, "2001:db8::5", 128);
	build(&cfg, &p);
	/* /60: the whole address, masked (nft reads it back as the prefix) */
	has(rule(&p, "forward", 0), "payload load 16b @ network header + 8 => reg 1 ]\n"
	    "  [ bitwise reg 1 = ( reg 1 & 0xffffffff 0xf0ffffff 0x00000000 0x00000000 ) ^ "
	    "0x00000000 0x00000000 0x00000000 0x00000000 ]\n"
	    "  [ cmp eq reg 1 0x010000fd 0x30000200 0x00000000 0x00000000 ]");
	/* /128: all sixteen bytes, no mask */
	has(rule(&p, "forward", 2), "payload load 16b @ network header + 8 => reg 1 ]\n"
	    "  [ cmp eq reg 1 0xb80d0120 0x00000000 0x00000000 0x05000000 ]");
	lacks(rule(&p, "forward", 2), "bitwise");
}

/* A rule for both families would never match: it is refused, not sent. */
static void test_one_family_per_rule(void **state)
{
	struct in6_addr a6 = IN6ADDR_LOOPBACK_INIT;
	struct in_addr a4 = { htonl(0x0a000000u) };
	struct nat_batch b;
	struct nat_rule nr;
	char buf[4096];

	(void)state;
	nat_batch_init(&b, buf, sizeof(buf), 1);
	nat_rule_start(&nr, "vnetd-test", "forward");
	nat_match_ip(&nr, NAT_IP_SADDR, a4, 8, NFT_CMP_EQ);
	nat_match_ip6(&nr, NAT_IP6_DADDR, &a6, 128, NFT_CMP_EQ);
	assert_true(nr.failed);
	nat_rule_emit(&nr, &b);
	assert_int_equal(b.err, -ENOMEM);
}

/* ---- host rules ----------------------------------------------------------- */

static void test_dhcp6_in_and_out(void **state)
{
	static const enum nat_mode modes[] = { NAT_MODE_NAT, NAT_MODE_ROUTE, NAT_MODE_ISOLATED };

	(void)state;
	for (size_t m = 0; m < 3; m++) {
		struct nat_config cfg = dual_config(modes[m], false);
		const struct rule_info *r;
		struct parsed p;

		build(&cfg, &p);
		/* iifname "virbr0" meta nfproto ipv6 udp dport 547 accept, last */
		r = rule(&p, "input", 3);
		names_are(r, "meta cmp meta cmp meta cmp payload cmp immediate");
		has(r, "meta load iifname => reg 1 ]\n  [ cmp eq reg 1 " VIRBR0 " ]\n  [ " NFPROTO6
		    "\n  [ meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000011 ]\n"
		    "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		    "  [ cmp eq reg 1 0x00002302 ]\n  [ immediate reg 0 accept ]");
		/* oifname "virbr0" meta nfproto ipv6 udp dport 546 accept */
		r = rule(&p, "output", 1);
		has(r, "meta load oifname => reg 1 ]\n  [ cmp eq reg 1 " VIRBR0 " ]\n  [ " NFPROTO6
		    "\n  [ meta load l4proto => reg 1 ]\n  [ cmp eq reg 1 0x00000011 ]\n"
		    "  [ payload load 2b @ transport header + 2 => reg 1 ]\n"
		    "  [ cmp eq reg 1 0x00002202 ]\n  [ immediate reg 0 accept ]");
		/* DNS (udp/tcp 53) names no family: one rule each serves IPv6 as well */
		lacks(rule(&p, "input", 1), "nfproto");
		lacks(rule(&p, "input", 2), "nfproto");
	}
}

/* ---- configuration ---------------------------------------------------- */

static void test_config_errors(void **state)
{
	static const struct { const char *addr; unsigned prefix; const char *message; } bad[] = {
		{ "2001:db8::", 0, "IPv6 subnet 0 (2001:db8::/0): prefix must be 1 to 128" },
		{ "2001:db8::", 129, "IPv6 subnet 0 (2001:db8::/129): prefix must be 1 to 128" },
		{ "2001:db8::1", 64, "IPv6 subnet 0 (2001:db8::1/64) has host bits set" },
		{ "fd00:1:2:38::", 60, "IPv6 subnet 0 (fd00:1:2:38::/60) has host bits set" },
	};
	char buf[64 * 1024];
	struct nat_error err = { 0 };
	struct nat_config cfg;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cfg = base_config(NAT_MODE_NAT);
		add_subnet6(&cfg, bad[i].addr, 64);
		cfg.subnets6[0].prefix = bad[i].prefix;
		assert_int_equal(nat_build_batch(&cfg, buf, sizeof(buf), 1, &err), -EINVAL);
		assert_string_equal(err.message, bad[i].message);
	}
	cfg = base_config(NAT_MODE_NAT);
	cfg.n_subnets6 = NAT_MAX_SUBNETS + 1;
	assert_int_equal(nat_build_batch(&cfg, buf, sizeof(buf), 1, &err), -EINVAL);
	assert_string_equal(err.message, "17 IPv6 subnets, at most 16");
	/* open reads no subnet */
	cfg.mode = NAT_MODE_OPEN;
	assert_int_equal(nat_build_batch(&cfg, buf, sizeof(buf), 1, &err), 0);
}

static void test_max_config_fits(void **state)
{
	struct nat_config cfg = base_config(NAT_MODE_NAT);
	char addr[64];
	struct parsed p;

	(void)state;
	cfg.n_subnets = 0;
	cfg.outdev = "0123456789abcde";
	cfg.nat_ipv6 = true;
	for (int i = 0; i < NAT_MAX_SUBNETS; i++) {
		snprintf(addr, sizeof(addr), "10.%d.16.0", i + 1);
		add_subnet(&cfg, addr, 20);
		snprintf(addr, sizeof(addr), "fd00:%x:2:30::", i + 1);
		add_subnet6(&cfg, addr, 60);
	}
	build(&cfg, &p);
	assert_int_equal(chain(&p, "forward")->n_rules, 4 * NAT_MAX_SUBNETS + 3);
	assert_int_equal(chain(&p, "postrouting")->n_rules, 9 * NAT_MAX_SUBNETS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_counts_per_mode),
		cmocka_unit_test(test_nat_mode_routes_ipv6),
		cmocka_unit_test(test_nat_ipv6_lets_only_replies_in),
		cmocka_unit_test(test_route_lets_outside_in),
		cmocka_unit_test(test_isolated_forwards_nothing),
		cmocka_unit_test(test_outdev_limits_ipv6_too),
		cmocka_unit_test(test_nat_ipv6_masquerade),
		cmocka_unit_test(test_snat_range_stays_ipv4),
		cmocka_unit_test(test_header_matches_name_their_family),
		cmocka_unit_test(test_unaligned_ipv6_prefix),
		cmocka_unit_test(test_one_family_per_rule),
		cmocka_unit_test(test_dhcp6_in_and_out),
		cmocka_unit_test(test_config_errors),
		cmocka_unit_test(test_max_config_fits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
