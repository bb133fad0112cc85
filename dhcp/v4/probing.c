/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Addresses claimed for the clients whose conflict probes (RFC 5227) are
 * under way. Without them, every new client of a burst picks the same first
 * free address, all but one find it taken when their probes end, and they
 * probe again, one round of ARP_PROBE_WAIT_MS each: the burst serialises.
 * With them, the address search skips what is claimed (a bitmap beside the
 * pool's), so each client probes its own address and all probes run at
 * once; a client that asks again while its probe runs (a retransmission)
 * gets its claim back. A claim ends when its client takes the address, when
 * the probe finds it in use, or after DHCP_CLAIM_HOLD seconds. A handful of
 * slots, scanned linearly: there are never more than the daemon's probes.
 */
#include "dhcp/v4/dhcp-internal.h"

uint64_t dhcp_client_key(const struct dhcp_ident *id)
{
	const void *p = id->client_id_len ? (const void *)id->client_id : (const void *)id->chaddr;
	size_t n = id->client_id_len ? id->client_id_len : id->hlen;

	/* two seeds: one 32-bit hash alone would let two clients share a claim */
	return (uint64_t)hash_bytes(1, p, n) << 32 | hash_bytes(2, p, n);
}

static void release(struct dhcp_pool *p, struct dhcp_probe_claim *c)
{
	uint32_t idx = dhcp_pool_index(p, c->addr);

	if (idx != HTAB_NONE)
		p->claimed[idx / 64] &= ~(1ull << (idx % 64));
	c->addr = 0;
	p->n_claims--;
}

void dhcp_claims_expire(struct dhcp_pool *p, int64_t now)
{
	size_t i;

	for (i = 0; p->n_claims && i < DHCP_PROBE_CLAIMS; i++)
		if (p->claims[i].addr && p->claims[i].until <= now)
			release(p, &p->claims[i]);
}

static struct dhcp_probe_claim *by_addr(const struct dhcp_pool *p, uint32_t addr)
{
	size_t i;

	for (i = 0; p->n_claims && i < DHCP_PROBE_CLAIMS; i++)
		if (p->claims[i].addr == addr)
			return (struct dhcp_probe_claim *)&p->claims[i];
	return NULL;
}

uint32_t dhcp_claim_of(const struct dhcp_pool *p, uint64_t client)
{
	size_t i;

	for (i = 0; p->n_claims && i < DHCP_PROBE_CLAIMS; i++)
		if (p->claims[i].addr && p->claims[i].client == client)
			return p->claims[i].addr;
	return 0;
}

bool dhcp_claimed_by_other(const struct dhcp_pool *p, uint32_t addr, uint64_t client)
{
	const struct dhcp_probe_claim *c = addr ? by_addr(p, addr) : NULL;

	return c && c->client != client;
}

bool dhcp_claim_room(const struct dhcp_pool *p, uint32_t addr, uint64_t client)
{
	const struct dhcp_probe_claim *c = by_addr(p, addr);

	return c ? c->client == client : p->n_claims < DHCP_PROBE_CLAIMS;
}

bool dhcp_claim(struct dhcp_pool *p, uint32_t addr, uint64_t client, int64_t now)
{
	struct dhcp_probe_claim *c = by_addr(p, addr);
	uint32_t old = dhcp_claim_of(p, client), idx = dhcp_pool_index(p, addr);
	size_t i;

	if (c) {
		if (c->client != client)
			return false;
		c->until = now + DHCP_CLAIM_HOLD;
		return true;
	}
	if (old)
		dhcp_claim_drop(p, old);        /* one claim per client */
	if (idx == HTAB_NONE || p->n_claims >= DHCP_PROBE_CLAIMS)
		return false;
	for (i = 0; p->claims[i].addr; i++)
		;
	p->claims[i] = (struct dhcp_probe_claim){ addr, client, now + DHCP_CLAIM_HOLD };
	p->claimed[idx / 64] |= 1ull << (idx % 64);
	p->n_claims++;
	return true;
}

void dhcp_claim_drop(struct dhcp_pool *p, uint32_t addr)
{
	struct dhcp_probe_claim *c = by_addr(p, addr);

	if (c)
		release(p, c);
}
