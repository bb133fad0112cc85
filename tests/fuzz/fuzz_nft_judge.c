/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the judge of other firewalls (nat/foreign_walk.c) on
 * any shape of ruleset: four chains of one table, each byte quadruple a
 * rule (its chain, its jump target, its verdict, whether it names the
 * bridge, another interface, or has a condition). Jumps may loop, goto
 * anywhere, chains be empty: the walk ends, and each finding names a
 * terminated table and chain. (The dump's messages themselves are parsed
 * by libnftnl, which exits on a message the kernel could not have sent,
 * so they are not fuzzed here; tests/unit/test_foreign.c reads a real
 * dump.)
 */
#include "nat/foreign-internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netfilter.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TERMINATED(s) (strnlen((s), sizeof(s)) < sizeof(s))
#define MAX_RULES 64

static const char *const names[] = { "FORWARD", "INPUT", "zone", "DOCKER-USER" };
static const uint32_t hooks[] = {
	NF_INET_FORWARD, NF_INET_LOCAL_IN, NF_INET_POST_ROUTING, NF_INET_PRE_ROUTING
};

static void make_chains(struct fchain *c, uint8_t shape)
{
	size_t i;

	for (i = 0; i < 4; i++) {
		memset(&c[i], 0, sizeof(c[i]));
		c[i].family = shape & 0x10 ? NFPROTO_INET : NFPROTO_IPV4;
		strcpy(c[i].table, shape & 0x20 ? "vnetd-x" : "filter");
		strcpy(c[i].name, names[i]);
		c[i].base = (shape >> i) & 1;
		c[i].hook = hooks[i];
		c[i].policy = shape & 0x40 ? NF_DROP : NF_ACCEPT;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct frule rules[MAX_RULES];
	struct fchain chains[4];
	struct fscan s = { .bridge = "virbr0", .rules = rules, .chains = chains, .n_chains = 4 };
	struct nat_finding found[8];
	size_t n = 0, i;

	if (size < 1)
		return 0;
	make_chains(chains, data[0]);
	for (i = 1; i + 4 <= size && s.n_rules < MAX_RULES; i += 4) {
		struct frule *r = &rules[s.n_rules++];

		memset(r, 0, sizeof(*r));
		r->family = chains[0].family;
		strcpy(r->table, chains[0].table);
		strcpy(r->chain, names[data[i] & 3]);
		strcpy(r->target, names[data[i + 1] & 3]);
		r->verdict = (enum frule_verdict)(data[i + 2] % 6);
		r->bridge = data[i + 3] & 1;
		r->other_if = data[i + 3] & 2;
		r->cond = data[i + 3] & 4;
	}
	foreign_judge(&s, NAT_HOOKS_ALL, found, 8, &n);
	if (n > 4)
		abort();        /* at most one finding per base chain */
	for (i = 0; i < n; i++)
		if (!TERMINATED(found[i].table) || !TERMINATED(found[i].chain) ||
		    !TERMINATED(found[i].rule_chain) || !found[i].family ||
		    !strncmp(found[i].table, "vnetd-", 6))
			abort();
	return 0;
}
