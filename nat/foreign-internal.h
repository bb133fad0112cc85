/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * foreign: what nat_foreign_scan reads of the ruleset (foreign.c, over
 * netlink) and how it judges it (foreign_walk.c). Not part of nat.h.
 */
#ifndef VNETD_NAT_FOREIGN_INTERNAL_H
#define VNETD_NAT_FOREIGN_INTERNAL_H

#include "nat/nat.h"

#include <stdint.h>

enum frule_verdict { FV_NONE, FV_ACCEPT, FV_DROP, FV_JUMP, FV_GOTO, FV_RETURN };

/* One rule, reduced to what decides the bridge's fate. */
struct frule {
	uint32_t family;
	char table[NAT_NAME_MAX], chain[NAT_NAME_MAX];
	char target[NAT_NAME_MAX];      /* jump/goto */
	enum frule_verdict verdict;
	bool bridge;                    /* iifname/oifname is the bridge */
	bool other_if;                  /* iifname/oifname is another interface */
	bool cond;                      /* some other match (addresses, ports, state ...) */
	bool dhcp_dns_port;             /* a destination port condition: 53, 67 or 547 */
};

struct fchain {
	uint32_t family;
	char table[NAT_NAME_MAX], name[NAT_NAME_MAX];
	bool base;
	uint32_t hook;                  /* NF_INET_* */
	uint32_t policy;                /* NF_ACCEPT / NF_DROP */
};

struct fscan {
	const char *bridge;
	struct frule *rules;
	size_t n_rules, cap_rules;
	struct fchain *chains;
	size_t n_chains, cap_chains;
	int failed;                     /* -ENOMEM, -EPROTO: sticky */
};

/* Judge every foreign base chain on the asked hooks; findings as nat_foreign_scan. */
void foreign_judge(const struct fscan *s, unsigned hooks, struct nat_finding *out, size_t max,
		   size_t *count);

/*
 * One message of a chain or rule dump into s (others are passed over):
 * 0, -ENOMEM, or -EPROTO when libnftnl cannot parse it.
 */
struct nlmsghdr;
int foreign_take(struct fscan *s, const struct nlmsghdr *nlh);

/* Reduce one rule's expressions (libnftnl's) into r; s->bridge names the bridge. */
struct nftnl_rule;
void foreign_reduce_rule(struct nftnl_rule *nr, const char *bridge, struct frule *r);

#endif
