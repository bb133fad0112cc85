/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One handler per message type (RFC 2131 §4.3), behind a dispatcher of a
 * few lines. Every lookup is an index: the client's lease by identity, an
 * address's holder by address, a free address from the pool bitmap.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

#define OFFER_HOLD 60           /* seconds an offered address stays reserved */
#define QUARANTINE 600          /* seconds a declined address rests (as dnsmasq) */

struct ctx {
	struct dhcp_server *srv;
	const struct dhcp_msg *m;
	const struct dhcp_rx *rx;
	int64_t now;
	struct wire_builder *b;
	struct dhcp_tx *tx;
	struct dhcp_ident id;
	const struct dhcp_host_int *host;
	uint32_t lease;                 /* the client's record, or HTAB_NONE */
};

static struct dhcp_lease *rec(const struct ctx *c, uint32_t idx)
{
	return idx == HTAB_NONE ? NULL : &c->srv->store.rec[idx];
}

static bool live(const struct dhcp_lease *l, int64_t now)
{
	return l && (l->state == LS_BOUND || l->state == LS_OFFERED) && l->expires > now;
}

/* A client that holds nothing here and is no static host: it pays to get in. */
static bool newcomer(const struct ctx *c)
{
	return !c->host && !live(rec(c, c->lease), c->now);
}

static uint32_t lease_time_for(const struct ctx *c, uint32_t addr)
{
	const struct dhcp_pool *p = &c->srv->pool;
	size_t i;

	if (c->host && c->host->lease_time)
		return c->host->lease_time;
	for (i = 0; i < p->n_ranges; i++)
		if (addr >= p->ranges[i].start && addr <= p->ranges[i].end && p->ranges[i].lease_time)
			return p->ranges[i].lease_time;
	return c->srv->lease_time;
}

/* Does another client hold `addr` right now (an offer, a lease, a quarantine)? */
static bool held_by_other(const struct ctx *c, uint32_t addr)
{
	uint32_t holder = dhcp_store_by_addr(&c->srv->store, addr);
	const struct dhcp_lease *other;

	if (holder == HTAB_NONE || holder == c->lease)
		return false;
	other = rec(c, holder);
	if (other->state == LS_QUARANTINED)
		return other->expires > c->now;
	return live(other, c->now);
}

/*
 * May this client have `addr`? Its static address, or a pool address that
 * is not a static host's, as long as no other client holds it right now.
 */
static bool may_have(const struct ctx *c, uint32_t addr)
{
	struct dhcp_server *srv = c->srv;
	uint32_t idx;

	if (c->host && c->host->has_ip)
		return addr == c->host->ip && !held_by_other(c, addr);
	idx = dhcp_pool_index(&srv->pool, addr);
	if (idx == HTAB_NONE || dhcp_pool_test(srv->pool.reserved, idx))
		return false;
	/* being probed for someone else: theirs, if nobody answers */
	if (srv->pool.n_claims && dhcp_claimed_by_other(&srv->pool, addr, dhcp_client_key(&c->id)))
		return false;
	return !held_by_other(c, addr);
}

/*
 * Give the client's record (new or existing) the address, evicting a ghost.
 * A binding the record had elsewhere ends first, so DNS hears of it.
 */
static uint32_t take(struct ctx *c, uint32_t addr)
{
	struct dhcp_server *srv = c->srv;
	uint32_t holder = dhcp_store_by_addr(&srv->store, addr);
	struct dhcp_lease *l;

	if (holder != HTAB_NONE && holder != c->lease)
		dhcp_store_del(&srv->store, holder);    /* someone's memory, or stale */
	if (srv->pool.n_claims)
		dhcp_claim_drop(&srv->pool, addr);      /* the probe, if any, has done its job */
	if (c->lease == HTAB_NONE) {
		c->lease = dhcp_store_add(&srv->store, &c->id, addr);
		if (c->lease == HTAB_NONE)
			return HTAB_NONE;
		rec(c, c->lease)->state = LS_GHOST;
	}
	l = rec(c, c->lease);
	if (l->addr != addr) {
		dhcp_lease_unbind(srv, c->lease, c->now);
		dhcp_store_move(&srv->store, c->lease, addr);
	}
	dhcp_lease_hold(srv, addr, true);
	return c->lease;
}

/* RFC 2131 §4.3.1 address choice, as DESIGN.md orders it. */
static uint32_t choose(const struct ctx *c)
{
	struct dhcp_server *srv = c->srv;
	const struct dhcp_lease *l = rec(c, c->lease);
	uint32_t idx, key;

	if (c->host && c->host->has_ip)
		return c->host->ip;
	/* the address being (or just) probed for this client: it asks again */
	if (srv->pool.n_claims) {
		uint32_t claim = dhcp_claim_of(&srv->pool, dhcp_client_key(&c->id));

		if (claim && may_have(c, claim))
			return claim;
	}
	if (l && l->state != LS_QUARANTINED && may_have(c, l->addr) &&
	    (l->state != LS_GHOST || dhcp_pool_is_free(&srv->pool, dhcp_pool_index(&srv->pool, l->addr))))
		return l->addr;         /* current or previous lease */
	if (c->m->has_reqip && may_have(c, c->m->reqip) &&
	    dhcp_pool_is_free(&srv->pool, dhcp_pool_index(&srv->pool, c->m->reqip)))
		return c->m->reqip;
	/* Unseeded hash: the same guest lands on the same address after a restart. */
	key = c->id.client_id_len ? hash_bytes(0, c->id.client_id, c->id.client_id_len)
				  : hash_bytes(0, c->id.chaddr, c->id.hlen);
	idx = dhcp_pool_find_free(&srv->pool, srv->pool.size ? key % srv->pool.size : 0);
	return idx == HTAB_NONE ? 0 : dhcp_pool_addr(&srv->pool, idx);
}

/* The name the client asks for: the Client FQDN option wins over Host Name. */
static const char *asked_name(const struct ctx *c, char buf[LEASE_HOSTNAME_MAX + 1])
{
	if (c->m->fqdn && dhcp_fqdn_host(c->m->fqdn, c->m->fqdn_len, buf))
		return buf;
	if (c->m->hostname && lease_hostname_sanitize(c->m->hostname, c->m->hostname_len, buf))
		return buf;
	return NULL;
}

/*
 * The name this client's lease carries: its static host's, else the one it
 * asks for unless that is refused (logged once per client), else the one
 * it had. `grant`: the name is being given now (log and count a refusal).
 */
static const char *lease_name(struct ctx *c, char buf[LEASE_HOSTNAME_MAX + 1], bool grant)
{
	struct dhcp_lease *l = rec(c, c->lease);
	const char *want, *why;

	if (c->host && c->host->name[0])
		return c->host->name;
	want = asked_name(c, buf);
	if (!want)
		return l ? dhcp_lease_name(l) : NULL;
	why = dhcp_name_refusal(c->srv, c->lease, c->host, want);
	if (!why) {
		if (l && grant)
			l->flags &= (uint8_t)~LF_NAME_LOGGED;
		return want;
	}
	if (grant) {
		c->srv->st.names_refused++;
		if (!l || !(l->flags & LF_NAME_LOGGED))
			dhcp_emit(c->srv, DHCP_EV_NAME_REFUSED, c->m, 0, want, why);
		if (l)
			l->flags |= LF_NAME_LOGGED;
	}
	return NULL;
}

static int reply(struct ctx *c, uint8_t type, uint32_t yiaddr, uint32_t lease_time,
		 const char *name)
{
	dhcp_reply_start(c->srv, c->m, c->b, type, yiaddr);
	if (type != DHCPNAK) {
		if (c->m->fqdn && lease_time)
			dhcp_reply_fqdn(c->srv, c->m, c->b, name);
		dhcp_reply_options(c->srv, c->m, c->b, lease_time, name);
	}
	dhcp_reply_finish(c->m, c->b);
	if (c->b->full && c->b->len < DHCP_FIXED_LEN + 4)
		return DHCP_IGNORE;     /* the caller's buffer cannot hold even the header */
	dhcp_reply_dest(c->m, type, yiaddr, c->rx, c->tx);
	return DHCP_REPLY;
}

static int nak(struct ctx *c, uint32_t addr, const char *why)
{
	if (!c->srv->authoritative)
		return DHCP_IGNORE;     /* RFC 2131 §4.3.2: only the authority says no */
	dhcp_emit(c->srv, DHCP_EV_NAK, c->m, addr, NULL, why);
	return reply(c, DHCPNAK, 0, 0, NULL);
}

/*
 * Conflict probing (RFC 5227), for addresses no lease of ours has held:
 * the request waits while the daemon probes, then comes back here.
 */
static bool needs_probe(const struct ctx *c, uint32_t addr)
{
	const struct dhcp_server *srv = c->srv;
	const struct dhcp_lease *l = rec(c, c->lease);

	return srv->probe && (!l || l->addr != addr) && !(c->host && c->host->has_ip) &&
	       !dhcp_pool_test(srv->pool.probed, dhcp_pool_index(&srv->pool, addr)) &&
	       dhcp_store_by_addr(&srv->store, addr) == HTAB_NONE &&
	       /* every claim slot busy: offer without a probe rather than stall */
	       dhcp_claim_room(&srv->pool, addr, dhcp_client_key(&c->id));
}

/* Probe `addr`, claimed for this client meanwhile (needs_probe made room). */
static int probe(struct ctx *c, uint32_t addr)
{
	dhcp_claim(&c->srv->pool, addr, dhcp_client_key(&c->id), c->now);
	c->tx->kind = DHCP_DEST_PROBE;
	c->tx->addr.s_addr = htonl(addr);
	return DHCP_PROBE;
}

static int on_discover(struct ctx *c)
{
	struct dhcp_server *srv = c->srv;
	struct dhcp_lease *l;
	char buf[LEASE_HOSTNAME_MAX + 1];
	const char *name;
	uint32_t addr, lt;

	if (srv->pool.n_claims)
		dhcp_claims_expire(&srv->pool, c->now);
	name = lease_name(c, buf, false);
	addr = choose(c);

	dhcp_emit(srv, DHCP_EV_DISCOVER, c->m, addr, name, NULL);
	if (!addr || !may_have(c, addr)) {
		dhcp_emit(srv, DHCP_EV_POOL_EXHAUSTED, c->m, 0, name,
			  addr ? "static address in use" : "no address available");
		return DHCP_IGNORE;
	}
	/* a newcomer pays before anything is done for it, a probe included */
	if (newcomer(c) && !(needs_probe(c, addr) ? dhcp_bucket_ready(srv, c->now)
						   : dhcp_bucket_take(srv, c->now)))
		return DHCP_IGNORE;
	if (needs_probe(c, addr))
		return probe(c, addr);
	if (take(c, addr) == HTAB_NONE)
		return DHCP_IGNORE;
	l = rec(c, c->lease);
	/* A live binding of this very address stays; anything else is an offer. */
	if (l->state != LS_BOUND || l->expires <= c->now) {
		dhcp_lease_unbind(srv, c->lease, c->now);
		dhcp_lease_hold(srv, addr, true);
		l->state = LS_OFFERED;
		l->expires = c->now + OFFER_HOLD;
	}
	lt = lease_time_for(c, addr);
	dhcp_emit(srv, DHCP_EV_OFFER, c->m, addr, name, NULL);
	return reply(c, DHCPOFFER, addr, lt, name);
}

/*
 * Bind `addr` to the client and journal it. The ACK event and the name wait
 * for the journal to be durable (batch.c); a rollback undoes all of this.
 */
static int grant(struct ctx *c, uint32_t addr)
{
	struct dhcp_server *srv = c->srv;
	struct dhcp_lease *l = rec(c, c->lease);
	char buf[LEASE_HOSTNAME_MAX + 1];
	const char *name;
	uint32_t lt = lease_time_for(c, addr);
	bool renewed = l && l->state == LS_BOUND && l->addr == addr && l->expires > c->now;
	bool created = c->lease == HTAB_NONE;

	if (!created && !dhcp_batch_note(srv, c->lease, false))
		return DHCP_IGNORE;
	if (take(c, addr) == HTAB_NONE || (created && !dhcp_batch_note(srv, c->lease, true)))
		return DHCP_IGNORE;
	l = rec(c, c->lease);
	name = lease_name(c, buf, true);
	if (name)
		dhcp_store_set_name(&srv->store, c->lease, name);  /* -ENOMEM: keep old name */
	else if (c->m->fqdn || c->m->hostname)
		dhcp_store_set_name(&srv->store, c->lease, NULL);  /* asked for a refused one */
	l->flags = (uint8_t)((l->flags & ~LF_NO_DNS) |
			     (c->m->fqdn && c->m->fqdn_len && (c->m->fqdn[0] & 0x08) ? LF_NO_DNS : 0));
	dhcp_lease_bind(srv, c->lease, lt == DHCP_LEASE_INFINITE ? LEASE_EXPIRES_NEVER
								  : c->now + lt);
	dhcp_journal_lease(srv, l, LEASE_JOURNAL_BIND);
	dhcp_batch_granted(srv, renewed);
	return reply(c, DHCPACK, addr, lt, dhcp_lease_name(l));
}

static bool on_subnet(const struct ctx *c, uint32_t addr)
{
	return (addr & c->srv->netmask) == c->srv->network;
}

/* The address a REQUEST asks for (§4.3.2), or 0 when it is not a valid one. */
static uint32_t requested(const struct ctx *c)
{
	const struct dhcp_msg *m = c->m;

	if (m->has_server_id)           /* SELECTING */
		return m->has_reqip && !m->ciaddr ? m->reqip : 0;
	if (m->has_reqip && !m->ciaddr) /* INIT-REBOOT */
		return m->reqip;
	return m->ciaddr;               /* RENEWING (unicast) or REBINDING (broadcast) */
}

/*
 * A request from a client with nothing here (no offer, no lease): RFC 2131
 * §4.3.2 wants silence. Only the recovery case authoritative mode exists
 * for — a free pool address nobody holds, e.g. after the lease files were
 * lost — is granted, after the same probe and rate limit as a first offer.
 */
static int admit_stranger(struct ctx *c, uint32_t addr)
{
	struct dhcp_server *srv = c->srv;
	uint32_t idx = dhcp_pool_index(&srv->pool, addr);

	if (srv->pool.n_claims)
		dhcp_claims_expire(&srv->pool, c->now);
	if (!srv->authoritative || idx == HTAB_NONE || !dhcp_pool_is_free(&srv->pool, idx) ||
	    (srv->pool.n_claims && dhcp_claimed_by_other(&srv->pool, addr, dhcp_client_key(&c->id))))
		return DHCP_IGNORE;
	if (needs_probe(c, addr))
		return dhcp_bucket_ready(srv, c->now) ? probe(c, addr) : DHCP_IGNORE;
	if (!dhcp_bucket_take(srv, c->now))
		return DHCP_IGNORE;
	return grant(c, addr);
}

static int on_request(struct ctx *c)
{
	const struct dhcp_msg *m = c->m;
	struct dhcp_lease *l = rec(c, c->lease);
	uint32_t addr;

	if (m->has_server_id && m->server_id != c->srv->server_addr) {
		if (l && l->state == LS_OFFERED)
			dhcp_lease_unbind(c->srv, c->lease, c->now);  /* it went elsewhere */
		return DHCP_IGNORE;
	}
	addr = requested(c);
	if (!addr)
		return DHCP_IGNORE;
	dhcp_emit(c->srv, DHCP_EV_REQUEST, m, addr, NULL, NULL);
	/* A relayed request is judged by the relay's subnet: ours, or not ours at all. */
	if (!on_subnet(c, addr) || (m->giaddr && !on_subnet(c, m->giaddr)))
		return nak(c, addr, "wrong network");
	/* The client's own record says otherwise: "incorrect" in §4.3.2's words. */
	if (live(l, c->now) && l->addr != addr)
		return nak(c, addr, "wrong address");
	if (!may_have(c, addr) || (l && l->state == LS_QUARANTINED))
		return nak(c, addr, c->host && c->host->has_ip ? "static lease available"
							       : "address not available");
	if (newcomer(c) && (!l || l->addr != addr))
		return admit_stranger(c, addr);
	return grant(c, addr);
}

static int on_decline(struct ctx *c)
{
	struct dhcp_server *srv = c->srv;
	struct dhcp_lease *l = rec(c, c->lease);
	struct dhcp_ident none = { 0 };
	uint32_t addr = c->m->reqip, q;

	if ((c->m->has_server_id && c->m->server_id != srv->server_addr) || !c->m->has_reqip ||
	    !l || l->addr != addr || !live(l, c->now))
		return DHCP_IGNORE;
	/* §4.3.3: the address is in use by someone else; it rests, owned by nobody. */
	if (l->state == LS_BOUND)
		dhcp_journal_lease(srv, l, LEASE_JOURNAL_FREE);
	dhcp_lease_unbind(srv, c->lease, c->now);
	dhcp_store_del(&srv->store, c->lease);
	c->lease = HTAB_NONE;
	dhcp_emit(srv, DHCP_EV_DECLINE, c->m, addr, NULL, "address in use");
	q = dhcp_store_add(&srv->store, &none, addr);
	if (q != HTAB_NONE) {
		srv->store.rec[q].state = LS_QUARANTINED;
		srv->store.rec[q].expires = c->now + QUARANTINE;
		dhcp_lease_hold(srv, addr, true);
	}
	return DHCP_IGNORE;
}

static int on_release(struct ctx *c)
{
	struct dhcp_server *srv = c->srv;
	struct dhcp_lease *l = rec(c, c->lease);

	/* §4.3.4: the client identified by its lease and ciaddr. */
	if ((c->m->has_server_id && c->m->server_id != srv->server_addr) || !l ||
	    l->state != LS_BOUND || l->addr != c->m->ciaddr)
		return DHCP_IGNORE;
	dhcp_journal_lease(srv, l, LEASE_JOURNAL_FREE);
	dhcp_emit(srv, DHCP_EV_RELEASE, c->m, l->addr, dhcp_lease_name(l), NULL);
	/* remembered as a ghost: the guest gets the address back next time */
	dhcp_lease_unbind(srv, c->lease, c->now);
	return DHCP_IGNORE;
}

static int on_inform(struct ctx *c)
{
	/* §4.3.5: configuration only; no lease time, no yiaddr. */
	dhcp_emit(c->srv, DHCP_EV_INFORM, c->m, c->m->ciaddr, NULL, NULL);
	return reply(c, DHCPACK, 0, 0, NULL);
}

/*
 * RFC 951: a BOOTP client (no option 53) has no lease to renew, so, as
 * dnsmasq does, only a <host> with an address is answered, with that
 * address for good; everyone else is left to a DHCP client.
 */
static int on_bootp(struct ctx *c)
{
	uint32_t addr;

	if (!c->host || !c->host->has_ip || c->m->giaddr)
		return DHCP_IGNORE;
	addr = c->host->ip;
	dhcp_emit(c->srv, DHCP_EV_BOOTP, c->m, addr, c->host->name[0] ? c->host->name : NULL,
		  NULL);
	dhcp_reply_start(c->srv, c->m, c->b, DHCP_BOOTREPLY, addr);
	if (c->m->has_cookie)
		dhcp_reply_options(c->srv, c->m, c->b, 0, c->host->name);
	dhcp_reply_finish(c->m, c->b);
	if (c->b->full)
		return DHCP_IGNORE;
	dhcp_reply_dest(c->m, DHCPACK, addr, c->rx, c->tx);
	return DHCP_REPLY;
}

int dhcp_handle_msg(struct dhcp_server *srv, const struct dhcp_msg *m,
		    const struct dhcp_rx *rx, int64_t now, struct wire_builder *b,
		    struct dhcp_tx *tx)
{
	struct ctx c = { .srv = srv, .m = m, .rx = rx, .now = now, .b = b, .tx = tx };

	/* RFC 2132 §9.14: the client identifier, when present, is the identity. */
	c.id.client_id = m->client_id;
	c.id.client_id_len = m->client_id_len;
	c.id.htype = m->htype;
	c.id.hlen = m->hlen;
	c.id.chaddr = m->chaddr;
	if (!m->client_id && !m->hlen)
		return -EBADMSG;        /* nothing identifies this client */
	/* Relays answer for their own subnet: a foreign one gets nothing (REQUEST: NAK). */
	if (m->giaddr && (m->giaddr & srv->netmask) != srv->network && m->type != DHCPREQUEST)
		return DHCP_IGNORE;
	c.host = dhcp_find_host(srv, &c.id);
	c.lease = dhcp_store_by_ident(&srv->store, &c.id);
	if (m->bootp)
		return on_bootp(&c);
	switch (m->type) {
	case DHCPDISCOVER:
		return on_discover(&c);
	case DHCPREQUEST:
		return on_request(&c);
	case DHCPDECLINE:
		return on_decline(&c);
	case DHCPRELEASE:
		return on_release(&c);
	case DHCPINFORM:
		return on_inform(&c);
	default:
		return DHCP_IGNORE;     /* OFFER/ACK/NAK are not for a server */
	}
}
