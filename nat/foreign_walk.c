/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Judging another firewall's chains for one bridge, pragmatically: rules
 * are walked in order as the kernel would for a packet of the bridge whose
 * other properties are unknown. A rule naming another interface never
 * applies; one naming the bridge, or naming nothing and matching nothing
 * else, decides (accept, drop/reject, jump, goto, return); a conditional
 * rule that names no interface (ct state, ports ...) is passed over, as it
 * does not decide for all of the bridge's traffic. On the input hook, an
 * accept whose condition is destination port 53 or 67 (what a firewalld
 * zone with the dns and dhcp services has; 547 for dhcpv6) accepts what
 * vnetd needs there.
 */
#include "nat/foreign-internal.h"

#include <stdio.h>
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#define WALK_DEPTH 8
/* rules looked at for one base chain: jumps fan out, and a dump may be hostile */
#define WALK_BUDGET 20000u

enum walk_result { W_FELL = 0, W_ACCEPT = 1, W_DROP = 2, W_END = 3 };

static bool same_chain(const struct frule *r, uint32_t family, const char *table,
		       const char *chain)
{
	return r->family == family && !strcmp(r->table, table) && !strcmp(r->chain, chain);
}

struct walk {
	const struct fscan *s;
	uint32_t family;
	const char *table;
	bool input;                     /* the input hook: DHCP and DNS are what matter */
	unsigned budget;
	char drop_chain[NAT_NAME_MAX];
};

static enum walk_result walk(struct walk *k, const char *chain, int depth)
{
	const struct fscan *s = k->s;
	enum walk_result w;
	size_t i;

	for (i = 0; i < s->n_rules; i++) {
		const struct frule *r = &s->rules[i];
		bool decides;

		if (!same_chain(r, k->family, k->table, chain) || (r->other_if && !r->bridge))
			continue;
		if (k->budget == 0)
			return W_FELL;
		k->budget--;
		decides = r->bridge || !r->cond;
		switch (r->verdict) {
		case FV_ACCEPT:
			if (decides || (k->input && r->dhcp_dns_port))
				return W_ACCEPT;
			break;
		case FV_DROP:
			if (decides) {
				snprintf(k->drop_chain, sizeof(k->drop_chain), "%s", chain);
				return W_DROP;
			}
			break;
		case FV_JUMP: case FV_GOTO:
			if (depth >= WALK_DEPTH)
				break;
			w = walk(k, r->target, depth + 1);
			if (w != W_FELL)
				return w;
			if (r->verdict == FV_GOTO && decides)
				return W_END;
			break;
		case FV_RETURN:
			if (decides)
				return W_FELL;
			break;
		case FV_NONE:
			break;
		}
	}
	return W_FELL;
}

static bool has_chain(const struct fscan *s, uint32_t family, const char *table,
		      const char *name)
{
	size_t i;

	for (i = 0; i < s->n_chains; i++)
		if (s->chains[i].family == family && !strcmp(s->chains[i].table, table) &&
		    !strcmp(s->chains[i].name, name))
			return true;
	return false;
}

static int hook_kind(uint32_t hook)
{
	switch (hook) {
	case NF_INET_LOCAL_IN: return NAT_HOOK_INPUT;
	case NF_INET_FORWARD: return NAT_HOOK_FORWARD;
	case NF_INET_POST_ROUTING: return NAT_HOOK_POSTROUTING;
	}
	return -1;
}

/* The families judged: ip6 only when the bridge carries IPv6 (NAT_SCAN_IPV6). */
static const char *family_name(uint32_t family, unsigned hooks)
{
	switch (family) {
	case NFPROTO_IPV4: return "ip";
	case NFPROTO_INET: return "inet";
	case NFPROTO_IPV6: return hooks & NAT_SCAN_IPV6 ? "ip6" : NULL;
	}
	return NULL;
}

static void judge_chain(const struct fscan *s, const struct fchain *c, int hook,
			struct nat_finding *out, size_t max, size_t *count)
{
	struct walk k = { s, c->family, c->table, hook == NAT_HOOK_INPUT, WALK_BUDGET, "" };
	enum walk_result w = walk(&k, c->name, 0);
	struct nat_finding *f;

	if (w == W_ACCEPT || (w != W_DROP && c->policy != NF_DROP))
		return;
	if (*count >= max)
		return;
	f = &out[(*count)++];
	memset(f, 0, sizeof(*f));
	f->kind = w == W_DROP ? NAT_FOREIGN_RULE_DROP : NAT_FOREIGN_POLICY_DROP;
	f->hook = (enum nat_hook_kind)hook;
	f->family = family_name(c->family, NAT_SCAN_IPV6);
	snprintf(f->table, sizeof(f->table), "%s", c->table);
	snprintf(f->chain, sizeof(f->chain), "%s", c->name);
	snprintf(f->rule_chain, sizeof(f->rule_chain), "%s", k.drop_chain);
	f->docker = has_chain(s, c->family, c->table, "DOCKER-USER");
}

void foreign_judge(const struct fscan *s, unsigned hooks, struct nat_finding *out, size_t max,
		   size_t *count)
{
	size_t i;

	for (i = 0; i < s->n_chains; i++) {
		const struct fchain *c = &s->chains[i];
		int hook = hook_kind(c->hook);

		if (!c->base || hook < 0 || !(hooks & (1u << hook)) || !family_name(c->family, hooks) ||
		    !strncmp(c->table, "vnetd-", 6))
			continue;
		judge_chain(s, c, hook, out, max, count);
	}
}

/* ---- one rule's expressions ---- */

struct reduce {
	const char *bridge;
	struct frule *r;
	uint32_t ifname_regs;           /* registers holding iifname/oifname */
	uint32_t dport_regs;            /* registers holding the transport destination port */
};

/* nftables keeps an exact name zero-padded, a wildcard ("virbr*") as its prefix. */
static bool names_bridge(const char *d, uint32_t len, const char *bridge)
{
	size_t blen = strlen(bridge), n = strnlen(d, len);

	if (n < len)
		return n == blen && !memcmp(d, bridge, blen);
	return len <= blen && !memcmp(d, bridge, len);
}

static void reduce_cmp(struct reduce *x, struct nftnl_expr *e)
{
	uint32_t sreg = nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_SREG), len = 0;
	const char *d = nftnl_expr_get(e, NFTNL_EXPR_CMP_DATA, &len);

	if (sreg < 32 && (x->dport_regs & (1u << sreg)) && d && len == 2 &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) == NFT_CMP_EQ) {
		uint16_t port = (uint16_t)((uint8_t)d[0] << 8 | (uint8_t)d[1]);

		x->r->dhcp_dns_port |= port == 53 || port == 67 || port == 547;
	}
	if (sreg >= 32 || !(x->ifname_regs & (1u << sreg)) || !d ||
	    nftnl_expr_get_u32(e, NFTNL_EXPR_CMP_OP) != NFT_CMP_EQ) {
		x->r->cond = true;
		return;
	}
	if (names_bridge(d, len, x->bridge))
		x->r->bridge = true;
	else
		x->r->other_if = true;
}

static void reduce_verdict(struct reduce *x, struct nftnl_expr *e)
{
	const char *target;
	int v;

	if (nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_DREG) != NFT_REG_VERDICT)
		return;
	v = (int)nftnl_expr_get_u32(e, NFTNL_EXPR_IMM_VERDICT);
	x->r->verdict = v == NF_ACCEPT ? FV_ACCEPT : v == NF_DROP ? FV_DROP :
			v == NFT_JUMP ? FV_JUMP : v == NFT_GOTO ? FV_GOTO :
			v == NFT_RETURN ? FV_RETURN : FV_NONE;
	target = nftnl_expr_get_str(e, NFTNL_EXPR_IMM_CHAIN);
	if ((v == NFT_JUMP || v == NFT_GOTO) && target)
		snprintf(x->r->target, sizeof(x->r->target), "%s", target);
}

/* th dport: 2 bytes at offset 2 of the transport header */
static void reduce_payload(struct reduce *x, struct nftnl_expr *e)
{
	uint32_t reg = nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG);

	if (reg >= 32)
		return;
	x->ifname_regs &= ~(1u << reg);
	if (nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_BASE) == NFT_PAYLOAD_TRANSPORT_HEADER &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET) == 2 &&
	    nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_LEN) == 2)
		x->dport_regs |= 1u << reg;
	else
		x->dport_regs &= ~(1u << reg);
}

static int reduce_expr(struct nftnl_expr *e, void *data)
{
	struct reduce *x = data;
	const char *name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME), *target;
	uint32_t key, reg;

	if (!name)
		return 0;
	if (!strcmp(name, "payload")) {
		reduce_payload(x, e);
	} else if (!strcmp(name, "meta") && nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG)) {
		key = nftnl_expr_get_u32(e, NFTNL_EXPR_META_KEY);
		reg = nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG);
		if (reg < 32 && (key == NFT_META_IIFNAME || key == NFT_META_OIFNAME))
			x->ifname_regs |= 1u << reg;
		else if (reg < 32)
			x->ifname_regs &= ~(1u << reg);
		if (reg < 32)
			x->dport_regs &= ~(1u << reg);
	} else if (!strcmp(name, "ct") || !strcmp(name, "bitwise")) {
		/* a register loaded (or changed) by these holds neither a name nor a port */
		reg = nftnl_expr_get_u32(e, !strcmp(name, "ct") ? NFTNL_EXPR_CT_DREG :
					 NFTNL_EXPR_BITWISE_DREG);
		if (reg < 32) {
			x->ifname_regs &= ~(1u << reg);
			x->dport_regs &= ~(1u << reg);
		}
	} else if (!strcmp(name, "cmp")) {
		reduce_cmp(x, e);
	} else if (!strcmp(name, "immediate")) {
		reduce_verdict(x, e);
	} else if (!strcmp(name, "reject")) {
		x->r->verdict = FV_DROP;
	} else if (!strcmp(name, "target")) {
		/* iptables-nft's compat targets: only REJECT decides here */
		target = nftnl_expr_get_str(e, NFTNL_EXPR_TG_NAME);
		if (target && !strcmp(target, "REJECT"))
			x->r->verdict = FV_DROP;
	} else if (strcmp(name, "counter") && strcmp(name, "log") && strcmp(name, "meta")) {
		x->r->cond = true;      /* lookup, match, limit, range ...: a condition */
	}
	return 0;
}

void foreign_reduce_rule(struct nftnl_rule *nr, const char *bridge, struct frule *r)
{
	struct reduce x = { bridge, r, 0, 0 };

	nftnl_expr_foreach(nr, reduce_expr, &x);
}
