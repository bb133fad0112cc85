/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nat_foreign_scan: every chain and rule of every table, dumped over
 * netlink (NFT_MSG_GETCHAIN, NFT_MSG_GETRULE with NLM_F_DUMP), reduced to
 * what decides a bridge's traffic (foreign_walk.c judges it). Read only:
 * nothing is changed, and the dump's bytes are parsed by libnftnl.
 */
#include "nat/foreign-internal.h"
#include "nat/nat-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/rule.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nfnetlink.h>

/* Bounds on what one scan holds (a host with more is judged on the first ones). */
#define FOREIGN_MAX_CHAINS 4096
#define FOREIGN_MAX_RULES 32768

struct dump {
	struct fscan *s;
	uint32_t seq;
	struct nat_ack ack;
};

static void *grow(void *arr, size_t *cap, size_t n, size_t size, size_t limit)
{
	size_t c = *cap ? *cap * 2 : 64;
	void *p;

	if (n < *cap)
		return arr;
	if (n >= limit)
		return NULL;
	if (c > limit)
		c = limit;
	if (!(p = realloc(arr, c * size)))
		return NULL;
	*cap = c;
	return p;
}

static void copy_name(char *dst, const char *src)
{
	snprintf(dst, NAT_NAME_MAX, "%s", src ? src : "");
}

static int add_chain(struct fscan *s, const struct nlmsghdr *nlh)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct fchain *fc;
	void *p;

	if (!c)
		return -ENOMEM;
	if (nftnl_chain_nlmsg_parse(nlh, c) < 0) {
		nftnl_chain_free(c);
		return -EPROTO;
	}
	p = grow(s->chains, &s->cap_chains, s->n_chains, sizeof(*s->chains), FOREIGN_MAX_CHAINS);
	if (p) {
		s->chains = p;
		fc = &s->chains[s->n_chains++];
		memset(fc, 0, sizeof(*fc));
		fc->family = nftnl_chain_get_u32(c, NFTNL_CHAIN_FAMILY);
		copy_name(fc->table, nftnl_chain_get_str(c, NFTNL_CHAIN_TABLE));
		copy_name(fc->name, nftnl_chain_get_str(c, NFTNL_CHAIN_NAME));
		fc->base = nftnl_chain_is_set(c, NFTNL_CHAIN_HOOKNUM);
		fc->hook = fc->base ? nftnl_chain_get_u32(c, NFTNL_CHAIN_HOOKNUM) : 0;
		fc->policy = nftnl_chain_is_set(c, NFTNL_CHAIN_POLICY) ?
			     nftnl_chain_get_u32(c, NFTNL_CHAIN_POLICY) : NF_ACCEPT;
	}
	nftnl_chain_free(c);
	return 0;       /* past the bound: the rest is not judged */
}

static int add_rule(struct fscan *s, const struct nlmsghdr *nlh)
{
	struct nftnl_rule *r = nftnl_rule_alloc();
	struct frule *fr;
	void *p;

	if (!r)
		return -ENOMEM;
	if (nftnl_rule_nlmsg_parse(nlh, r) < 0) {
		nftnl_rule_free(r);
		return -EPROTO;
	}
	p = grow(s->rules, &s->cap_rules, s->n_rules, sizeof(*s->rules), FOREIGN_MAX_RULES);
	if (p) {
		s->rules = p;
		fr = &s->rules[s->n_rules++];
		memset(fr, 0, sizeof(*fr));
		fr->family = nftnl_rule_get_u32(r, NFTNL_RULE_FAMILY);
		copy_name(fr->table, nftnl_rule_get_str(r, NFTNL_RULE_TABLE));
		copy_name(fr->chain, nftnl_rule_get_str(r, NFTNL_RULE_CHAIN));
		foreign_reduce_rule(r, s->bridge, fr);
	}
	nftnl_rule_free(r);
	return 0;
}

int foreign_take(struct fscan *s, const struct nlmsghdr *nlh)
{
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWCHAIN))
		return add_chain(s, nlh);
	if (nlh->nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWRULE))
		return add_rule(s, nlh);
	return 0;
}

static int on_dump(const struct nlmsghdr *nlh, void *data)
{
	struct dump *d = data;
	uint16_t type = nlh->nlmsg_type;

	if (nlh->nlmsg_seq != d->seq)
		return 0;
	if (type == NLMSG_DONE)
		return 1;
	if (type == NLMSG_ERROR) {
		if (nat_ack_parse(nlh, &d->ack) < 0)
			return -EPROTO;
		return d->ack.error < 0 ? d->ack.error : 1;
	}
	return foreign_take(d->s, nlh);
}

static int dump(struct mnl_socket *nl, struct fscan *s, uint16_t msg, uint32_t seq,
		struct nat_error *err)
{
	union { char bytes[256]; struct nlmsghdr hdr; } buf = { { 0 } };
	struct dump d = { .s = s, .seq = seq };
	struct nlmsghdr *nlh;
	int r;

	nlh = nftnl_nlmsg_build_hdr(buf.bytes, msg, NFPROTO_UNSPEC, NLM_F_DUMP, seq);
	if ((r = nat_sock_send(nl, nlh, nlh->nlmsg_len, err)) < 0)
		return r;
	r = nat_sock_recv(nl, on_dump, &d, err);
	if (r == -ENOMEM)
		return nat_fail(err, r, "reading the nftables ruleset: out of memory");
	if (r == -EPROTO)
		return nat_fail(err, r, "reading the nftables ruleset: a malformed answer");
	if (r < 0 && d.ack.error)
		return nat_fail_ack(err, &d.ack, "reading the nftables ruleset");
	return r;
}

/* iptables-legacy keeps its tables outside nftables: netlink cannot read them. */
static bool legacy_tables_present(void)
{
	FILE *f = fopen("/proc/net/ip_tables_names", "r");
	int c;

	if (!f)
		return false;
	c = fgetc(f);
	fclose(f);
	return c != EOF;
}

int nat_foreign_scan(const char *bridge, unsigned hooks, struct nat_finding *out, size_t max,
		     size_t *count, struct nat_error *err)
{
	struct fscan s = { .bridge = bridge };
	struct mnl_socket *nl = NULL;
	int r;

	*count = 0;
	if ((r = nat_sock_open(&nl, err)) < 0)
		return r;
	if ((r = dump(nl, &s, NFT_MSG_GETCHAIN, 1, err)) == 0)
		r = dump(nl, &s, NFT_MSG_GETRULE, 2, err);
	nat_sock_close(nl);
	if (r == 0) {
		foreign_judge(&s, hooks, out, max, count);
		if (legacy_tables_present() && *count < max) {
			memset(&out[*count], 0, sizeof(out[0]));
			out[(*count)++].kind = NAT_FOREIGN_LEGACY;
		}
	}
	free(s.chains);
	free(s.rules);
	return r;
}
