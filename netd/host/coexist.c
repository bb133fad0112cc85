/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Other firewalls that will drop a network's traffic (nat_foreign_scan),
 * one line each with the fix, for `start` (warnings on stderr; it starts
 * anyway) and `info`. Docker's FORWARD policy drop, a firewalld zone, a
 * hand-made nftables chain: each is named with its table and chain.
 */
#include "netd/host/host-internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define COEXIST_MAX 16

static const char *what_drops(enum nat_hook_kind hook)
{
	switch (hook) {
	case NAT_HOOK_INPUT: return "DHCP and DNS from the guests of";
	case NAT_HOOK_FORWARD: return "forwarded traffic of";
	case NAT_HOOK_POSTROUTING: return "traffic leaving the host from";
	}
	return "traffic of";
}

/* iptables-nft's own chains: tables filter/nat of family ip or ip6, chains in capitals */
static bool iptables_chain(const struct nat_finding *f)
{
	return (!strcmp(f->family, "ip") || !strcmp(f->family, "ip6")) &&
	       (!strcmp(f->table, "filter") || !strcmp(f->table, "nat")) &&
	       isupper((unsigned char)f->chain[0]);
}

/* Does the bridge carry IPv6? vnetd leaves it off (disable_ipv6 1) on a bridge without. */
static bool bridge_has_ipv6(const char *bridge)
{
	char path[96], v[4] = "";
	FILE *f;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", bridge);
	if (!(f = fopen(path, "re")))
		return false;
	if (!fgets(v, sizeof(v), f))
		v[0] = '\0';
	fclose(f);
	return v[0] == '0';
}

static void fix(const struct nat_finding *f, const char *br, char *out, size_t size)
{
	const char *c = f->chain;
	const char *tool = strcmp(f->family, "ip6") ? "iptables" : "ip6tables";

	if (f->docker && f->hook == NAT_HOOK_FORWARD)
		snprintf(out, size, "%s -I DOCKER-USER -i %s -j ACCEPT; "
			 "%s -I DOCKER-USER -o %s -j ACCEPT", tool, br, tool, br);
	else if (!strcmp(f->family, "inet") && !strcmp(f->table, "firewalld"))
		snprintf(out, size, "put %s in firewalld's zone libvirt or vnetd: "
			 "firewall-cmd --zone=vnetd --change-interface=%s", br, br);
	else if (iptables_chain(f) && f->hook == NAT_HOOK_FORWARD)
		snprintf(out, size, "%s -t %s -I %s -i %s -j ACCEPT; "
			 "%s -t %s -I %s -o %s -j ACCEPT", tool, f->table, c, br, tool, f->table, c,
			 br);
	else if (iptables_chain(f))
		snprintf(out, size, "%s -t %s -I %s -i %s -j ACCEPT", tool, f->table, c, br);
	else if (f->hook == NAT_HOOK_FORWARD)
		snprintf(out, size, "nft insert rule %s %s %s iifname \"%s\" accept; "
			 "nft insert rule %s %s %s oifname \"%s\" accept", f->family, f->table, c,
			 br, f->family, f->table, c, br);
	else
		snprintf(out, size, "nft insert rule %s %s %s iifname \"%s\" accept", f->family,
			 f->table, c, br);
}

static void finding_line(const struct nat_finding *f, const char *br, char *out, size_t size)
{
	char why[160], how[400];

	if (f->kind == NAT_FOREIGN_LEGACY) {
		snprintf(out, size, "iptables-legacy tables exist and cannot be read over netlink: "
			 "check iptables-legacy -S for rules that drop the traffic of %s", br);
		return;
	}
	if (f->kind == NAT_FOREIGN_POLICY_DROP)
		snprintf(why, sizeof(why), "policy drop%s", f->docker ? ", Docker" : "");
	else if (strcmp(f->rule_chain, f->chain))
		snprintf(why, sizeof(why), "a rule in chain %s drops", f->rule_chain);
	else
		snprintf(why, sizeof(why), "a rule drops");
	fix(f, br, how, sizeof(how));
	snprintf(out, size, "table %s %s chain %s (%s) drops %s %s: %s", f->family, f->table,
		 f->chain, why, what_drops(f->hook), br, how);
}

void host_print_coexistence(FILE *out, bool aligned, const char *bridge,
			    enum netdef_forward_mode mode)
{
	struct nat_finding found[COEXIST_MAX];
	unsigned hooks = 1u << NAT_HOOK_INPUT;
	struct nat_error ne = { 0 };
	char line[800];
	size_t n = 0, i;
	int r;

	if (!bridge || !bridge[0])
		return;
	if (mode != NETDEF_FWD_NONE)
		hooks |= 1u << NAT_HOOK_FORWARD;
	if (mode == NETDEF_FWD_NAT)
		hooks |= 1u << NAT_HOOK_POSTROUTING;
	if (bridge_has_ipv6(bridge))
		hooks |= NAT_SCAN_IPV6;
	r = nat_foreign_scan(bridge, hooks, found, COEXIST_MAX, &n, &ne);
	/* only root may read the ruleset: `info` by anyone else just cannot tell */
	if (r < 0 && r != -EPERM) {
		snprintf(line, sizeof(line), "cannot check other firewalls: %s", ne.message);
		fprintf(out, aligned ? "%-16s%s\n" : "%s %s\n", aligned ? "Warning:" :
			"vnetd: warning:", line);
	}
	if (r < 0)
		return;
	for (i = 0; i < n; i++) {
		finding_line(&found[i], bridge, line, sizeof(line));
		fprintf(out, aligned ? "%-16s%s\n" : "%s %s\n", aligned ? "Warning:" :
			"vnetd: warning:", line);
	}
}
