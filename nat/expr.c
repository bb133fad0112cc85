/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A rule, one match or statement at a time, in the bytecode nft itself emits
 * for the same text (compare `nft --debug=netlink`), so that `nft list`
 * reads our rules back as ordinary rules. Everything goes through register 1
 * except the NAT statements' immediates, which use 1 to 4 as nft does.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>     /* libnftnl's headers need FILE */
#include <string.h>

#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_nat.h>

#include "nat/nat-internal.h"

void nat_rule_start(struct nat_rule *nr, const char *table, const char *chain)
{
	nr->nfproto = 0;
	nr->failed = false;
	nr->r = nftnl_rule_alloc();
	if (nr->r == NULL || nftnl_rule_set_str(nr->r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(nr->r, NFTNL_RULE_CHAIN, chain) < 0) {
		nr->failed = true;
		return;
	}
	nftnl_rule_set_u32(nr->r, NFTNL_RULE_FAMILY, NFPROTO_INET);
}

void nat_rule_emit(struct nat_rule *nr, struct nat_batch *b)
{
	if (nr->failed && nr->r != NULL) {
		nftnl_rule_free(nr->r);
		nr->r = NULL;
	}
	nat_batch_rule(b, nr->r);       /* NULL: counted as out of memory */
	nr->r = NULL;
}

/* A new expression at the end of the rule, or NULL once anything failed. */
static struct nftnl_expr *add(struct nat_rule *nr, const char *name)
{
	struct nftnl_expr *e;

	if (nr->failed)
		return NULL;
	e = nftnl_expr_alloc(name);
	if (e == NULL) {
		nr->failed = true;
		return NULL;
	}
	nftnl_rule_add_expr(nr->r, e);
	return e;
}

static void set_data(struct nat_rule *nr, struct nftnl_expr *e, uint16_t attr,
		     const void *data, uint32_t len)
{
	if (nftnl_expr_set(e, attr, data, len) < 0)
		nr->failed = true;
}

static void load_meta(struct nat_rule *nr, enum nft_meta_keys key)
{
	struct nftnl_expr *e = add(nr, "meta");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
}

static void load_payload(struct nat_rule *nr, enum nft_payload_bases base,
			 uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = add(nr, "payload");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
}

/* reg1 = reg1 & mask (len bytes) */
static void and_mask(struct nat_rule *nr, const void *mask, uint32_t len)
{
	static const uint8_t zero[16];
	struct nftnl_expr *e = add(nr, "bitwise");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	set_data(nr, e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	set_data(nr, e, NFTNL_EXPR_BITWISE_XOR, zero, len);
}

static void cmp(struct nat_rule *nr, enum nft_cmp_ops op, const void *data, uint32_t len)
{
	struct nftnl_expr *e = add(nr, "cmp");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	set_data(nr, e, NFTNL_EXPR_CMP_DATA, data, len);
}

static void immediate(struct nat_rule *nr, enum nft_registers reg, const void *data,
		      uint32_t len)
{
	struct nftnl_expr *e = add(nr, "immediate");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, reg);
	set_data(nr, e, NFTNL_EXPR_IMM_DATA, data, len);
}

void nat_match_ifname(struct nat_rule *nr, enum nft_meta_keys key, const char *name)
{
	/* The whole IFNAMSIZ, zero padded: an exact match, not a prefix one. */
	char padded[IFNAMSIZ] = { 0 };

	memcpy(padded, name, strnlen(name, IFNAMSIZ - 1));
	load_meta(nr, key);
	cmp(nr, NFT_CMP_EQ, padded, sizeof(padded));
}

/*
 * In an inet table a header match needs "meta nfproto ipv4" (or ipv6)
 * first, or it would read the other family's packets at the same offsets.
 * nft adds it implicitly. A rule matches one family only.
 */
void nat_match_nfproto(struct nat_rule *nr, uint8_t nfproto)
{
	if (nr->nfproto == nfproto)
		return;
	if (nr->nfproto != 0) {
		nr->failed = true;      /* both families: a rule that never matches */
		return;
	}
	load_meta(nr, NFT_META_NFPROTO);
	cmp(nr, NFT_CMP_EQ, &nfproto, sizeof(nfproto));
	nr->nfproto = nfproto;
}

/*
 * As nft: a prefix on a byte boundary loads just those bytes; any other
 * prefix loads the whole address and masks it.
 */
static void match_prefix(struct nat_rule *nr, uint32_t offset, const uint8_t *addr,
			 uint32_t len, unsigned prefix, enum nft_cmp_ops op)
{
	uint8_t mask[16] = { 0 }, net[16] = { 0 };

	for (uint32_t i = 0; i < len; i++) {
		unsigned bits = prefix > i * 8 ? prefix - i * 8 : 0;

		mask[i] = (uint8_t)(bits >= 8 ? 0xff : (0xff00u >> bits) & 0xff);
		net[i] = addr[i] & mask[i];
	}
	if (prefix % 8 == 0) {
		load_payload(nr, NFT_PAYLOAD_NETWORK_HEADER, offset, prefix / 8);
		cmp(nr, op, net, prefix / 8);
	} else {
		load_payload(nr, NFT_PAYLOAD_NETWORK_HEADER, offset, len);
		and_mask(nr, mask, len);
		cmp(nr, op, net, len);
	}
}

void nat_match_ip(struct nat_rule *nr, enum nat_ip_field field, struct in_addr addr,
		  unsigned prefix, enum nft_cmp_ops op)
{
	nat_match_nfproto(nr, NFPROTO_IPV4);
	match_prefix(nr, field, (const uint8_t *)&addr.s_addr, sizeof(addr.s_addr),
		     prefix > 32 ? 32 : prefix, op);
}

void nat_match_ip6(struct nat_rule *nr, enum nat_ip6_field field, const struct in6_addr *addr,
		   unsigned prefix, enum nft_cmp_ops op)
{
	nat_match_nfproto(nr, NFPROTO_IPV6);
	match_prefix(nr, field, addr->s6_addr, sizeof(addr->s6_addr),
		     prefix > 128 ? 128 : prefix, op);
}

void nat_match_ct_state(struct nat_rule *nr, uint32_t mask)
{
	struct nftnl_expr *e = add(nr, "ct");
	uint32_t zero = 0;

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, NFT_CT_STATE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	/* ct state is a host-order u32 bitmask */
	and_mask(nr, &mask, sizeof(mask));
	cmp(nr, NFT_CMP_NEQ, &zero, sizeof(zero));
}

void nat_match_l4proto(struct nat_rule *nr, uint8_t proto)
{
	load_meta(nr, NFT_META_L4PROTO);
	cmp(nr, NFT_CMP_EQ, &proto, sizeof(proto));
}

void nat_match_dport(struct nat_rule *nr, uint8_t proto, uint16_t port)
{
	uint16_t be = htons(port);

	nat_match_l4proto(nr, proto);
	/* The destination port sits at offset 2 in both TCP and UDP. */
	load_payload(nr, NFT_PAYLOAD_TRANSPORT_HEADER, 2, sizeof(be));
	cmp(nr, NFT_CMP_EQ, &be, sizeof(be));
}

void nat_do_verdict(struct nat_rule *nr, int verdict)
{
	struct nftnl_expr *e = add(nr, "immediate");

	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)verdict);
}

void nat_do_reject(struct nat_rule *nr)
{
	struct nftnl_expr *e = add(nr, "reject");

	if (e == NULL)
		return;
	/* icmpx: ICMP for IPv4, ICMPv6 for IPv6, whichever the packet is */
	nftnl_expr_set_u32(e, NFTNL_EXPR_REJECT_TYPE, NFT_REJECT_ICMPX_UNREACH);
	nftnl_expr_set_u8(e, NFTNL_EXPR_REJECT_CODE, NFT_REJECT_ICMPX_PORT_UNREACH);
}

/*
 * Load a port range into registers lo_reg and lo_reg + 1 (network order,
 * 2 bytes each). As nft, a single port uses one register. Returns the
 * number of registers used.
 */
static int load_ports(struct nat_rule *nr, enum nft_registers lo_reg, uint16_t lo, uint16_t hi)
{
	uint16_t be_lo = htons(lo), be_hi = htons(hi);

	immediate(nr, lo_reg, &be_lo, sizeof(be_lo));
	if (lo == hi)
		return 1;
	immediate(nr, lo_reg + 1, &be_hi, sizeof(be_hi));
	return 2;
}

void nat_do_masq(struct nat_rule *nr, uint16_t lo, uint16_t hi)
{
	struct nftnl_expr *e;
	int n = 0;

	if (lo != 0 || hi != 0)
		n = load_ports(nr, NFT_REG_1, lo, hi);
	e = add(nr, "masq");
	if (e == NULL || n == 0)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
	nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_REG_PROTO_MIN, NFT_REG_1);
	if (n == 2)
		nftnl_expr_set_u32(e, NFTNL_EXPR_MASQ_REG_PROTO_MAX, NFT_REG_2);
}

void nat_do_snat(struct nat_rule *nr, struct in_addr first, struct in_addr last,
		 uint16_t lo, uint16_t hi)
{
	bool range = first.s_addr != last.s_addr;
	enum nft_registers port_reg = range ? NFT_REG_3 : NFT_REG_2;
	struct nftnl_expr *e;
	int n = 0;

	immediate(nr, NFT_REG_1, &first.s_addr, sizeof(first.s_addr));
	if (range)
		immediate(nr, NFT_REG_2, &last.s_addr, sizeof(last.s_addr));
	if (lo != 0 || hi != 0)
		n = load_ports(nr, port_reg, lo, hi);
	e = add(nr, "nat");
	if (e == NULL)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_SNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, NFPROTO_IPV4);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG_1);
	if (range)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MAX, NFT_REG_2);
	if (n == 0)
		return;
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FLAGS, NF_NAT_RANGE_PROTO_SPECIFIED);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, port_reg);
	if (n == 2)
		nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MAX, port_reg + 1);
}
