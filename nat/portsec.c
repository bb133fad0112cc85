/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Port security, as libvirt's clean-traffic nwfilter gives it: a second
 * table of the network's own, in the bridge family ("bridge vnetd-NAME"),
 * with one chain on the bridge's prerouting hook. For each port given a
 * MAC it drops what enters the bridge from that port with another source
 * MAC, ARP whose sender claims another MAC, and DHCP requests (UDP 68 to
 * 67) whose chaddr is another MAC — so a guest cannot forge MACs to take
 * other guests' leases or drain the pool. The whole table is replaced in
 * one batch ("add table; delete table; add table ..." as nft does), so a
 * port's rules never have a gap while another port comes or goes.
 */
#include <errno.h>
#include <net/if.h>
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
#include <linux/netfilter_bridge.h>

#include "nat/nat-internal.h"

#define PS_CHAIN "ports"
#define PS_MSG_MAX 2048         /* one rule here is under 600 bytes */
#define PS_FIXED 4              /* begin, the three table/chain messages, end */
#define ETH_SADDR 6
#define ETH_TYPE 12
#define ARP_SHA 8               /* in the ARP header: the sender's MAC */
#define DHCP_CHADDR (8 + 28)    /* from the UDP header: chaddr of BOOTP */

struct ps_batch {
	char *buf;
	size_t size, len;
	uint32_t seq;
	int err;
};

static void put(struct ps_batch *b, const struct nlmsghdr *nlh)
{
	size_t len = MNL_ALIGN(nlh->nlmsg_len);

	if (b->err)
		return;
	if (len > b->size - b->len) {
		b->err = -EMSGSIZE;
		return;
	}
	memcpy(b->buf + b->len, nlh, len);
	b->len += len;
	b->seq++;
}

static void table_msg(struct ps_batch *b, uint16_t type, uint16_t flags, const char *name)
{
	char scratch[PS_MSG_MAX] = { 0 };
	struct nftnl_table *t = nftnl_table_alloc();
	struct nlmsghdr *nlh;

	if (!t || nftnl_table_set_str(t, NFTNL_TABLE_NAME, name) < 0) {
		b->err = -ENOMEM;
	} else {
		nftnl_table_set_u32(t, NFTNL_TABLE_FAMILY, NFPROTO_BRIDGE);
		nlh = nftnl_table_nlmsg_build_hdr(scratch, type, NFPROTO_BRIDGE,
						  flags | NLM_F_ACK, b->seq);
		nftnl_table_nlmsg_build_payload(nlh, t);
		put(b, nlh);
	}
	if (t)
		nftnl_table_free(t);
}

static void chain_msg(struct ps_batch *b, const char *table)
{
	char scratch[PS_MSG_MAX] = { 0 };
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c || nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, table) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, PS_CHAIN) < 0 ||
	    nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, "filter") < 0) {
		b->err = -ENOMEM;
	} else {
		nftnl_chain_set_u32(c, NFTNL_CHAIN_FAMILY, NFPROTO_BRIDGE);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, NF_BR_PRE_ROUTING);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, -200);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
		nlh = nftnl_chain_nlmsg_build_hdr(scratch, NFT_MSG_NEWCHAIN, NFPROTO_BRIDGE,
						  NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, b->seq);
		nftnl_chain_nlmsg_build_payload(nlh, c);
		put(b, nlh);
	}
	if (c)
		nftnl_chain_free(c);
}

/* ---- one rule, expression by expression (register 1 throughout) ---- */

static void expr(struct nftnl_rule *r, bool *failed, struct nftnl_expr *e)
{
	if (!e)
		*failed = true;
	else
		nftnl_rule_add_expr(r, e);
}

static void load_meta(struct nftnl_rule *r, bool *failed, enum nft_meta_keys key)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
		nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, NFT_REG_1);
	}
	expr(r, failed, e);
}

static void load(struct nftnl_rule *r, bool *failed, enum nft_payload_bases base,
		 uint32_t offset, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, offset);
		nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	}
	expr(r, failed, e);
}

static void cmp(struct nftnl_rule *r, bool *failed, enum nft_cmp_ops op, const void *data,
		uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
		nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
		if (nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len) < 0)
			*failed = true;
	}
	expr(r, failed, e);
}

static void drop(struct nftnl_rule *r, bool *failed)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	if (e) {
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
		nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, NF_DROP);
	}
	expr(r, failed, e);
}

enum ps_rule {
	PS_SOURCE,      /* iifname P ether saddr != MAC drop */
	PS_ARP,         /* iifname P ether type arp arp saddr ether != MAC drop */
	PS_DHCP,        /* iifname P ether type ip udp sport 68 dport 67 chaddr != MAC drop */
};

static void rule_matches(struct nftnl_rule *r, bool *failed, enum ps_rule kind,
			 const struct nat_port *p)
{
	char ifname[IFNAMSIZ] = { 0 };
	uint16_t arp = htons(0x0806), ip = htons(0x0800), sport = htons(68), dport = htons(67);
	uint8_t udp = IPPROTO_UDP;

	memcpy(ifname, p->ifname, strnlen(p->ifname, IFNAMSIZ - 1));
	load_meta(r, failed, NFT_META_IIFNAME);
	cmp(r, failed, NFT_CMP_EQ, ifname, sizeof(ifname));
	if (kind == PS_SOURCE) {
		load(r, failed, NFT_PAYLOAD_LL_HEADER, ETH_SADDR, 6);
	} else if (kind == PS_ARP) {
		load(r, failed, NFT_PAYLOAD_LL_HEADER, ETH_TYPE, 2);
		cmp(r, failed, NFT_CMP_EQ, &arp, sizeof(arp));
		load(r, failed, NFT_PAYLOAD_NETWORK_HEADER, ARP_SHA, 6);
	} else {
		load(r, failed, NFT_PAYLOAD_LL_HEADER, ETH_TYPE, 2);
		cmp(r, failed, NFT_CMP_EQ, &ip, sizeof(ip));
		load_meta(r, failed, NFT_META_L4PROTO);
		cmp(r, failed, NFT_CMP_EQ, &udp, sizeof(udp));
		load(r, failed, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 2);
		cmp(r, failed, NFT_CMP_EQ, &sport, sizeof(sport));
		load(r, failed, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2);
		cmp(r, failed, NFT_CMP_EQ, &dport, sizeof(dport));
		load(r, failed, NFT_PAYLOAD_TRANSPORT_HEADER, DHCP_CHADDR, 6);
	}
	cmp(r, failed, NFT_CMP_NEQ, p->mac, 6);
	drop(r, failed);
}

static void rule_msg(struct ps_batch *b, const char *table, enum ps_rule kind,
		     const struct nat_port *p)
{
	char scratch[PS_MSG_MAX] = { 0 };
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct nlmsghdr *nlh;
	bool failed = false;

	if (!r || nftnl_rule_set_str(r, NFTNL_RULE_TABLE, table) < 0 ||
	    nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, PS_CHAIN) < 0) {
		b->err = -ENOMEM;
		goto out;
	}
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_BRIDGE);
	rule_matches(r, &failed, kind, p);
	if (failed) {
		b->err = -ENOMEM;
		goto out;
	}
	nlh = nftnl_rule_nlmsg_build_hdr(scratch, NFT_MSG_NEWRULE, NFPROTO_BRIDGE,
					 NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, b->seq);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	put(b, nlh);
out:
	if (r)
		nftnl_rule_free(r);
}

static void batch_edge(struct ps_batch *b, bool begin)
{
	char scratch[PS_MSG_MAX] = { 0 };

	put(b, begin ? nftnl_batch_begin(scratch, b->seq) : nftnl_batch_end(scratch, b->seq));
}

static int send_batch(struct ps_batch *b, const char *table, struct nat_error *err)
{
	if (b->err)
		return nat_fail(err, b->err, "building the port filter %s failed: %s", table,
				strerror(-b->err));
	return nat_talk_batch(b->buf, b->len, table, err);
}

int nat_portsec_install(const char *network, const struct nat_port *ports, size_t n,
			struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN];
	struct ps_batch b = { .seq = 1 };
	size_t i;
	int r;

	if ((r = nat_table_of(network, table, err)) < 0)
		return r;
	if (n == 0)
		return nat_portsec_remove(network, err);
	for (i = 0; i < n; i++)
		if (!ports[i].ifname || !ports[i].ifname[0] || strlen(ports[i].ifname) >= IFNAMSIZ)
			return nat_fail(err, -EINVAL, "port %zu has no valid interface name", i);
	b.size = (n * 3 + PS_FIXED + 2) * PS_MSG_MAX;
	if (!(b.buf = calloc(1, b.size)))
		return nat_fail(err, -ENOMEM, "building the port filter: out of memory");
	batch_edge(&b, true);
	/* create-if-missing, then delete: replaces whatever is there, in this batch */
	table_msg(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE, table);
	table_msg(&b, NFT_MSG_DELTABLE, 0, table);
	table_msg(&b, NFT_MSG_NEWTABLE, NLM_F_CREATE | NLM_F_EXCL, table);
	chain_msg(&b, table);
	for (i = 0; i < n; i++) {
		rule_msg(&b, table, PS_SOURCE, &ports[i]);
		rule_msg(&b, table, PS_ARP, &ports[i]);
		rule_msg(&b, table, PS_DHCP, &ports[i]);
	}
	batch_edge(&b, false);
	r = send_batch(&b, table, err);
	free(b.buf);
	return r < 0 ? r : 0;
}

int nat_portsec_remove(const char *network, struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN], buf[4 * PS_MSG_MAX] = { 0 };
	struct ps_batch b = { .buf = buf, .size = sizeof(buf), .seq = 1 };
	int r;

	if ((r = nat_table_of(network, table, err)) < 0)
		return r;
	batch_edge(&b, true);
	table_msg(&b, NFT_MSG_DELTABLE, 0, table);
	batch_edge(&b, false);
	return send_batch(&b, table, err);
}
