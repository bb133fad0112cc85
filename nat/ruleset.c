/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A network's table, chain by chain, modelled on the rules libvirt installs
 * for the same forward modes (its nftables backend), and the batch that
 * replaces the table in one transaction.
 *
 * Replacing: the batch adds the table without NLM_F_EXCL (a no-op when it
 * exists), deletes it, and adds it again with every chain and rule. Since
 * one batch is one transaction, other processes see either the old table or
 * the new one. A flush would keep stale chains when the mode changes (nat ->
 * route drops postrouting); delete + add needs no knowledge of what the old
 * table held.
 */
#include <errno.h>
#include <netinet/in.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>

#include "nat/nat-internal.h"

/* Standard priorities: NF_IP_PRI_FILTER ("filter"), NF_IP_PRI_NAT_SRC ("srcnat"). */
static const struct nat_chain_def chain_forward = { "forward", "filter", NF_INET_FORWARD, 0 };
static const struct nat_chain_def chain_postrouting = {
	"postrouting", "nat", NF_INET_POST_ROUTING, 100
};
static const struct nat_chain_def chain_input = { "input", "filter", NF_INET_LOCAL_IN, 0 };
static const struct nat_chain_def chain_output = { "output", "filter", NF_INET_LOCAL_OUT, 0 };

struct build {
	const struct nat_config *cfg;
	const char *table;
	struct nat_batch *b;
};

/* Forwarding between the subnet and the outside (nat and route). */
static void forward_subnet(const struct build *c, const struct nat_subnet *s)
{
	const struct nat_config *cfg = c->cfg;
	struct nat_rule nr;

	/* iifname BR ip saddr SUBNET [oifname DEV] accept */
	nat_rule_start(&nr, c->table, chain_forward.name);
	nat_match_ifname(&nr, NFT_META_IIFNAME, cfg->bridge);
	nat_match_ip(&nr, NAT_IP_SADDR, s->net, s->prefix, NFT_CMP_EQ);
	if (cfg->outdev != NULL)
		nat_match_ifname(&nr, NFT_META_OIFNAME, cfg->outdev);
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);

	/*
	 * oifname BR ip daddr SUBNET [iifname DEV] [ct state established,related]
	 * accept: with nat only replies come in; a routed subnet is reachable
	 * from outside, as in libvirt.
	 */
	nat_rule_start(&nr, c->table, chain_forward.name);
	nat_match_ifname(&nr, NFT_META_OIFNAME, cfg->bridge);
	nat_match_ip(&nr, NAT_IP_DADDR, s->net, s->prefix, NFT_CMP_EQ);
	if (cfg->outdev != NULL)
		nat_match_ifname(&nr, NFT_META_IIFNAME, cfg->outdev);
	if (cfg->mode == NAT_MODE_NAT)
		nat_match_ct_state(&nr, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
				   NF_CT_STATE_BIT(IP_CT_RELATED));
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);
}

static void forward_rules(const struct build *c)
{
	const char *br = c->cfg->bridge;
	struct nat_rule nr;

	if (c->cfg->mode != NAT_MODE_ISOLATED)
		for (size_t i = 0; i < c->cfg->n_subnets; i++)
			forward_subnet(c, &c->cfg->subnets[i]);

	/* guest <-> guest through the host (e.g. bridge netfilter) */
	nat_rule_start(&nr, c->table, chain_forward.name);
	nat_match_ifname(&nr, NFT_META_IIFNAME, br);
	nat_match_ifname(&nr, NFT_META_OIFNAME, br);
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);

	/* everything else into or out of the bridge */
	nat_rule_start(&nr, c->table, chain_forward.name);
	nat_match_ifname(&nr, NFT_META_IIFNAME, br);
	nat_do_reject(&nr);
	nat_rule_emit(&nr, c->b);

	nat_rule_start(&nr, c->table, chain_forward.name);
	nat_match_ifname(&nr, NFT_META_OIFNAME, br);
	nat_do_reject(&nr);
	nat_rule_emit(&nr, c->b);
}

/* ip saddr SUBNET ip daddr != SUBNET [oifname DEV] [meta l4proto P] */
static void nat_rule_head(const struct build *c, struct nat_rule *nr,
			  const struct nat_subnet *s, uint8_t l4proto)
{
	nat_rule_start(nr, c->table, chain_postrouting.name);
	nat_match_ip(nr, NAT_IP_SADDR, s->net, s->prefix, NFT_CMP_EQ);
	nat_match_ip(nr, NAT_IP_DADDR, s->net, s->prefix, NFT_CMP_NEQ);
	if (c->cfg->outdev != NULL)
		nat_match_ifname(nr, NFT_META_OIFNAME, c->cfg->outdev);
	if (l4proto != 0)
		nat_match_l4proto(nr, l4proto);
}

/* ip saddr SUBNET ip daddr DST return: multicast and broadcast stay unmangled. */
static void nat_exempt(const struct build *c, const struct nat_subnet *s,
		       uint32_t dst, unsigned prefix)
{
	struct in_addr d = { .s_addr = htonl(dst) };
	struct nat_rule nr;

	nat_rule_start(&nr, c->table, chain_postrouting.name);
	nat_match_ip(&nr, NAT_IP_SADDR, s->net, s->prefix, NFT_CMP_EQ);
	nat_match_ip(&nr, NAT_IP_DADDR, d, prefix, NFT_CMP_EQ);
	nat_do_verdict(&nr, NFT_RETURN);
	nat_rule_emit(&nr, c->b);
}

static void postrouting_subnet(const struct build *c, const struct nat_subnet *s)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, 0 };
	const struct nat_config *cfg = c->cfg;
	uint16_t lo, hi;
	struct nat_rule nr;

	nat_exempt(c, s, 0xe0000000u, 24);      /* 224.0.0.0/24 */
	nat_exempt(c, s, 0xffffffffu, 32);      /* 255.255.255.255 */

	/* TCP and UDP get the port range; other protocols (ICMP) have none. */
	for (size_t i = 0; i < sizeof(protos); i++) {
		nat_port_range(cfg, &lo, &hi);
		if (protos[i] == 0)
			lo = hi = 0;
		nat_rule_head(c, &nr, s, protos[i]);
		if (cfg->has_addr_range)
			nat_do_snat(&nr, cfg->addr_start, cfg->addr_end, lo, hi);
		else
			nat_do_masq(&nr, lo, hi);
		nat_rule_emit(&nr, c->b);
	}
}

/* DHCP, DNS and TFTP from the guests to the host, DHCP replies back. */
static void host_rules(const struct build *c)
{
	static const struct { uint8_t proto; uint16_t port; } in[] = {
		{ IPPROTO_UDP, 67 }, { IPPROTO_UDP, 53 }, { IPPROTO_TCP, 53 }, { IPPROTO_UDP, 69 },
	};
	size_t n = sizeof(in) / sizeof(in[0]) - (c->cfg->tftp ? 0 : 1);
	struct nat_rule nr;

	nat_batch_chain(c->b, c->table, &chain_input);
	for (size_t i = 0; i < n; i++) {
		nat_rule_start(&nr, c->table, chain_input.name);
		nat_match_ifname(&nr, NFT_META_IIFNAME, c->cfg->bridge);
		nat_match_dport(&nr, in[i].proto, in[i].port);
		nat_do_verdict(&nr, NF_ACCEPT);
		nat_rule_emit(&nr, c->b);
	}

	nat_batch_chain(c->b, c->table, &chain_output);
	nat_rule_start(&nr, c->table, chain_output.name);
	nat_match_ifname(&nr, NFT_META_OIFNAME, c->cfg->bridge);
	nat_match_dport(&nr, IPPROTO_UDP, 68);
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);
}

static void table_rules(const struct build *c)
{
	nat_batch_chain(c->b, c->table, &chain_forward);
	forward_rules(c);
	if (c->cfg->mode == NAT_MODE_NAT) {
		nat_batch_chain(c->b, c->table, &chain_postrouting);
		for (size_t i = 0; i < c->cfg->n_subnets; i++)
			postrouting_subnet(c, &c->cfg->subnets[i]);
	}
	host_rules(c);
}

int nat_build_batch(const struct nat_config *cfg, void *buf, size_t size, uint32_t seq,
		    struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN];
	struct nat_batch b;
	struct build c = { .cfg = cfg, .table = table, .b = &b };
	int r;

	if ((r = nat_check_config(cfg, err)) < 0)
		return r;
	if (cfg->mode == NAT_MODE_OPEN)
		return 0;       /* open: no table, so nothing to send */
	nat_table_name(cfg->network, table, sizeof(table));

	nat_batch_init(&b, buf, size, seq);
	nat_batch_begin(&b);
	nat_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, table);
	nat_batch_table(&b, NFT_MSG_DELTABLE, 0, table);
	nat_batch_table(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, table);
	table_rules(&c);
	nat_batch_end(&b);

	if (b.err == -EMSGSIZE)
		return nat_fail(err, b.err, "firewall batch for %s needs more than %zu bytes",
				table, size);
	if (b.err < 0)
		return nat_fail(err, b.err, "building firewall batch for %s: out of memory",
				table);
	if (b.len > INT32_MAX)
		return nat_fail(err, -EMSGSIZE, "firewall batch for %s is too large", table);
	return (int)b.len;
}
