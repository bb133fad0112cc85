/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Judging other firewalls for a bridge (nat/foreign*.c) on a real dump:
 * the chains and rules the kernel sent for a ruleset with a Docker-like
 * `table ip filter` (FORWARD policy drop, DOCKER-USER) and an
 * iptables-nft style INPUT rule dropping DHCP from "virbr*", and an
 * `inet fw` table shaped like firewalld's (an input chain that goes to a
 * per-interface zone chain that accepts, or else to one that rejects, and
 * a nat postrouting chain with policy drop). The bytes
 * (tests/unit/data/nft-docker-and-zones.bin) were captured with a
 * netlink dump (NFT_MSG_GETCHAIN, then NFT_MSG_GETRULE) in a namespace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>

#include "nat/foreign-internal.h"

#define SEED TESTDATA_DIR "/nft-docker-and-zones.bin"
/*
 * A firewalld-shaped input path: a zone chain for virbr0 that allows udp
 * 67 and udp/tcp 53 (and then rejects), and the default zone "public" for
 * every other interface, which allows only ssh before its reject.
 */
#define FIREWALLD TESTDATA_DIR "/nft-firewalld-zones.bin"
/*
 * ip6tables-nft shaped: `table ip6 filter` with FORWARD policy drop and an
 * INPUT rule dropping DHCPv6 from virbr0; `table ip filter` accepting; an
 * `inet fw6` input chain with policy drop that accepts udp 547 (DHCPv6).
 */
#define IP6FILTER TESTDATA_DIR "/nft-ip6-filter.bin"

/* The findings for `bridge`, one "kind hook family table chain rule_chain docker" line each. */
static void judge_hooks(const char *path, const char *bridge, unsigned which, char *out,
			size_t size)
{
	static const char *const kinds[] = { "policy-drop", "rule-drop", "legacy" };
	static const char *const hooks[] = { "input", "forward", "postrouting" };
	struct fscan s = { .bridge = bridge };
	struct nat_finding found[8];
	const struct nlmsghdr *nlh;
	char buf[8192];
	size_t n = 0, i, len = 0;
	FILE *f = fopen(path, "rb");
	int left;

	assert_non_null(f);
	left = (int)fread(buf, 1, sizeof(buf), f);
	fclose(f);
	assert_true(left > 0 && left < (int)sizeof(buf));
	for (nlh = (const struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, left);
	     nlh = mnl_nlmsg_next(nlh, &left))
		assert_int_equal(foreign_take(&s, nlh), 0);
	assert_int_equal(left, 0);
	foreign_judge(&s, which, found, 8, &n);
	out[0] = '\0';
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(out + len, size - len, "%s %s %s %s %s %s%s\n",
					kinds[found[i].kind], hooks[found[i].hook],
					found[i].family, found[i].table, found[i].chain,
					found[i].rule_chain[0] ? found[i].rule_chain : "-",
					found[i].docker ? " docker" : "");
	free(s.chains);
	free(s.rules);
}

static void judge_file(const char *path, const char *bridge, char *out, size_t size)
{
	judge_hooks(path, bridge, NAT_HOOKS_ALL, out, size);
}

static void judge(const char *bridge, char *out, size_t size)
{
	judge_file(SEED, bridge, out, size);
}

/* In its zone, which allows DHCP and DNS (as ports), the bridge's input is accepted. */
static void test_zone_allowing_dhcp_and_dns(void **state)
{
	char out[512];

	judge_file(FIREWALLD, "virbr0", out, sizeof(out));
	assert_string_equal(out, "");
}

/* In the default zone, which allows only ssh, DHCP and DNS meet the zone's reject. */
static void test_default_zone_rejects(void **state)
{
	char out[512];

	judge_file(FIREWALLD, "virbr5", out, sizeof(out));
	assert_string_equal(out, "rule-drop input inet firewalld filter_INPUT filter_IN_public\n");
}

/*
 * virbr0: Docker's FORWARD drops it (DOCKER-USER returns, nothing accepts
 * virbr0); the INPUT rule drops it by its wildcard; the zone chain for
 * virbr0 accepts; the nat chain's policy drops what leaves.
 */
static void test_bridge_with_its_zone(void **state)
{
	char out[1024];

	judge("virbr0", out, sizeof(out));
	assert_string_equal(out,
			    "policy-drop forward ip filter FORWARD - docker\n"
			    "rule-drop input ip filter INPUT INPUT docker\n"
			    "policy-drop postrouting inet fw post -\n");
}

/* virbr9: no zone of its own, so the catch-all goto reaches the rejecting chain. */
static void test_bridge_without_a_zone(void **state)
{
	char out[1024];

	judge("virbr9", out, sizeof(out));
	assert_string_equal(out,
			    "policy-drop forward ip filter FORWARD - docker\n"
			    "rule-drop input ip filter INPUT INPUT docker\n"
			    "rule-drop input inet fw input zone_b\n"
			    "policy-drop postrouting inet fw post -\n");
}

/* br-x: the wildcard is not its name, and a conditional accept decides nothing. */
static void test_other_names_and_conditions_pass_over(void **state)
{
	char out[1024];

	judge("br-x", out, sizeof(out));
	assert_string_equal(out,
			    "policy-drop forward ip filter FORWARD - docker\n"
			    "rule-drop input inet fw input zone_b\n"
			    "policy-drop postrouting inet fw post -\n");
}

/* ip6 chains see only a bridge that carries IPv6: judged when the scan asks for them. */
static void test_ip6_chains_only_for_ipv6(void **state)
{
	char out[512];

	judge_hooks(IP6FILTER, "virbr0", NAT_HOOKS_ALL, out, sizeof(out));
	assert_string_equal(out, "");
	judge_hooks(IP6FILTER, "virbr0", NAT_HOOKS_ALL | NAT_SCAN_IPV6, out, sizeof(out));
	assert_string_equal(out,
			    "policy-drop forward ip6 filter FORWARD -\n"
			    "rule-drop input ip6 filter INPUT INPUT\n");
	/* the inet chain's accept of DHCPv6 (udp 547) lets the input through */
	judge_hooks(IP6FILTER, "virbr7", NAT_HOOKS_ALL | NAT_SCAN_IPV6, out, sizeof(out));
	assert_string_equal(out, "policy-drop forward ip6 filter FORWARD -\n");
	/* only the hooks asked for */
	judge_hooks(IP6FILTER, "virbr0", (1u << NAT_HOOK_INPUT) | NAT_SCAN_IPV6, out, sizeof(out));
	assert_string_equal(out, "rule-drop input ip6 filter INPUT INPUT\n");
}

/* A chain that jumps to itself (no kernel allows it, a dump may claim it): bounded. */
static void test_jump_loop_is_bounded(void **state)
{
	struct frule r = { .family = 2, .verdict = FV_JUMP };
	struct fchain c = { .family = 2, .base = true, .hook = 2, .policy = 0 };
	struct fscan s = { .bridge = "virbr0", .rules = &r, .n_rules = 1, .chains = &c,
			   .n_chains = 1 };
	struct nat_finding found[2];
	size_t n = 0;

	strcpy(r.table, "t");
	strcpy(r.chain, "loop");
	strcpy(r.target, "loop");
	strcpy(c.table, "t");
	strcpy(c.name, "loop");
	foreign_judge(&s, NAT_HOOKS_ALL, found, 2, &n);
	assert_int_equal(n, 1);
	assert_int_equal(found[0].kind, NAT_FOREIGN_POLICY_DROP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bridge_with_its_zone),
		cmocka_unit_test(test_bridge_without_a_zone),
		cmocka_unit_test(test_other_names_and_conditions_pass_over),
		cmocka_unit_test(test_jump_loop_is_bounded),
		cmocka_unit_test(test_ip6_chains_only_for_ipv6),
		cmocka_unit_test(test_zone_allowing_dhcp_and_dns),
		cmocka_unit_test(test_default_zone_rejects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
