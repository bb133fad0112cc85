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
#include <arpa/inet.h>
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

/* One subnet of either family: exactly one of the two is set. */
struct net_ref {
	const struct nat_subnet *v4;
	const struct nat_subnet6 *v6;
};

/* ip saddr/daddr [!=] SUBNET, or ip6 ... for an IPv6 one */
static void match_net(struct nat_rule *nr, struct net_ref n, bool dst, enum nft_cmp_ops op)
{
	if (n.v4 != NULL)
		nat_match_ip(nr, dst ? NAT_IP_DADDR : NAT_IP_SADDR, n.v4->net, n.v4->prefix, op);
	else
		nat_match_ip6(nr, dst ? NAT_IP6_DADDR : NAT_IP6_SADDR, &n.v6->net, n.v6->prefix,
			      op);
}

/*
 * Forwarding between the subnet and the outside: out always; in only
 * replies when it is masqueraded, anything when it is routed (reachable
 * from outside, as in libvirt).
 */
static void forward_subnet(const struct build *c, struct net_ref n, bool replies_only)
{
	const struct nat_config *cfg = c->cfg;
	struct nat_rule nr;

	/* iifname BR ip saddr SUBNET [oifname DEV] accept */
	nat_rule_start(&nr, c->table, chain_forward.name);
	nat_match_ifname(&nr, NFT_META_IIFNAME, cfg->bridge);
	match_net(&nr, n, false, NFT_CMP_EQ);
	if (cfg->outdev != NULL)
		nat_match_ifname(&nr, NFT_META_OIFNAME, cfg->outdev);
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);

	/* oifname BR ip daddr SUBNET [iifname DEV] [ct state established,related] accept */
	nat_rule_start(&nr, c->table, chain_forward.name);
	nat_match_ifname(&nr, NFT_META_OIFNAME, cfg->bridge);
	match_net(&nr, n, true, NFT_CMP_EQ);
	if (cfg->outdev != NULL)
		nat_match_ifname(&nr, NFT_META_IIFNAME, cfg->outdev);
	if (replies_only)
		nat_match_ct_state(&nr, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
				   NF_CT_STATE_BIT(IP_CT_RELATED));
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);
}

static void forward_rules(const struct build *c)
{
	const struct nat_config *cfg = c->cfg;
	const char *br = cfg->bridge;
	struct nat_rule nr;

	if (cfg->mode != NAT_MODE_ISOLATED) {
		for (size_t i = 0; i < cfg->n_subnets; i++)
			forward_subnet(c, (struct net_ref){ .v4 = &cfg->subnets[i] },
				       cfg->mode == NAT_MODE_NAT);
		/* libvirt: IPv6 in nat mode is routed unless <nat ipv6='yes'> */
		for (size_t i = 0; i < cfg->n_subnets6; i++)
			forward_subnet(c, (struct net_ref){ .v6 = &cfg->subnets6[i] },
				       cfg->mode == NAT_MODE_NAT && cfg->nat_ipv6);
	}

	/* guest <-> guest through the host (e.g. bridge netfilter), either family */
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
static void nat_rule_head(const struct build *c, struct nat_rule *nr, struct net_ref n,
			  uint8_t l4proto)
{
	nat_rule_start(nr, c->table, chain_postrouting.name);
	match_net(nr, n, false, NFT_CMP_EQ);
	match_net(nr, n, true, NFT_CMP_NEQ);
	if (c->cfg->outdev != NULL)
		nat_match_ifname(nr, NFT_META_OIFNAME, c->cfg->outdev);
	if (l4proto != 0)
		nat_match_l4proto(nr, l4proto);
}

/* ip saddr SUBNET ip daddr DST return: multicast and broadcast stay unmangled. */
static void nat_exempt(const struct build *c, struct net_ref n, struct net_ref dst)
{
	struct nat_rule nr;

	nat_rule_start(&nr, c->table, chain_postrouting.name);
	match_net(&nr, n, false, NFT_CMP_EQ);
	match_net(&nr, dst, true, NFT_CMP_EQ);
	nat_do_verdict(&nr, NFT_RETURN);
	nat_rule_emit(&nr, c->b);
}

/*
 * Masquerade (or SNAT, IPv4 only) what leaves the subnet. TCP and UDP get
 * the port range; other protocols (ICMP) have none.
 */
static void masquerade(const struct build *c, struct net_ref n)
{
	static const uint8_t protos[] = { IPPROTO_TCP, IPPROTO_UDP, 0 };
	const struct nat_config *cfg = c->cfg;
	uint16_t lo, hi;
	struct nat_rule nr;

	for (size_t i = 0; i < sizeof(protos); i++) {
		nat_port_range(cfg, &lo, &hi);
		if (protos[i] == 0)
			lo = hi = 0;
		nat_rule_head(c, &nr, n, protos[i]);
		if (cfg->has_addr_range && n.v4 != NULL)
			nat_do_snat(&nr, cfg->addr_start, cfg->addr_end, lo, hi);
		else
			nat_do_masq(&nr, lo, hi);
		nat_rule_emit(&nr, c->b);
	}
}

static void postrouting_rules(const struct build *c)
{
	/* libvirt's exemptions: local multicast (224.0.0.0/24, ff02::/16), broadcast */
	struct nat_subnet mcast4 = { .prefix = 24 }, bcast4 = { .prefix = 32 };
	struct nat_subnet6 mcast6 = { .net = { { { 0xff, 0x02 } } }, .prefix = 16 };
	const struct nat_config *cfg = c->cfg;

	mcast4.net.s_addr = htonl(0xe0000000u);
	bcast4.net.s_addr = htonl(0xffffffffu);
	for (size_t i = 0; i < cfg->n_subnets; i++) {
		struct net_ref n = { .v4 = &cfg->subnets[i] };

		nat_exempt(c, n, (struct net_ref){ .v4 = &mcast4 });
		nat_exempt(c, n, (struct net_ref){ .v4 = &bcast4 });
		masquerade(c, n);
	}
	for (size_t i = 0; cfg->nat_ipv6 && i < cfg->n_subnets6; i++) {
		struct net_ref n = { .v6 = &cfg->subnets6[i] };

		nat_exempt(c, n, (struct net_ref){ .v6 = &mcast6 });
		masquerade(c, n);
	}
}

/*
 * With IPv6 subnets: DHCPv6 requests in, replies out, as libvirt's ip6
 * rules. The DNS rules above match no family, so they cover DNS over IPv6;
 * ICMPv6 (neighbour discovery, router solicitations) needs no rule: these
 * chains accept by policy and never drop, their rules only say what the
 * network needs from the host.
 */
static void dhcp6_rules(const struct build *c)
{
	struct nat_rule nr;

	if (c->cfg->n_subnets6 == 0)
		return;
	/* iifname BR meta nfproto ipv6 udp dport 547 accept */
	nat_rule_start(&nr, c->table, chain_input.name);
	nat_match_ifname(&nr, NFT_META_IIFNAME, c->cfg->bridge);
	nat_match_nfproto(&nr, NFPROTO_IPV6);
	nat_match_dport(&nr, IPPROTO_UDP, 547);
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);
	/* oifname BR meta nfproto ipv6 udp dport 546 accept */
	nat_rule_start(&nr, c->table, chain_output.name);
	nat_match_ifname(&nr, NFT_META_OIFNAME, c->cfg->bridge);
	nat_match_nfproto(&nr, NFPROTO_IPV6);
	nat_match_dport(&nr, IPPROTO_UDP, 546);
	nat_do_verdict(&nr, NF_ACCEPT);
	nat_rule_emit(&nr, c->b);
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
	dhcp6_rules(c);         /* both chains exist by now */
}

static void table_rules(const struct build *c)
{
	nat_batch_chain(c->b, c->table, &chain_forward);
	forward_rules(c);
	if (c->cfg->mode == NAT_MODE_NAT) {
		nat_batch_chain(c->b, c->table, &chain_postrouting);
		postrouting_rules(c);
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
