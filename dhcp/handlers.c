/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One handler per message type (RFC 2131 §4.3), behind a dispatcher of a
 * few lines. Every lookup is an index: the client's lease by identity, an
 * address's holder by address, a free address from the pool bitmap.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp/dhcp-internal.h"

#define OFFER_HOLD 60           /* seconds an offered address stays reserved */
#define QUARANTINE 600          /* seconds a declined address rests (as dnsmasq) */

struct ctx {
	struct dhcp_server *srv;
	const struct dhcp_msg *m;
	const struct dhcp_rx *rx;
	int64_t now;
	struct dhcp_builder *b;
	struct dhcp_tx *tx;
	struct dhcp_ident id;
	const struct dhcp_host_int *host;
	uint32_t lease;                 /* the client's record, or DHCP_NONE */
};

static struct dhcp_lease *rec(const struct ctx *c, uint32_t idx)
{
	return idx == DHCP_NONE ? NULL : &c->srv->store.rec[idx];
}

static bool live(const struct dhcp_lease *l, int64_t now)
{
	return l && (l->state == LS_BOUND || l->state == LS_OFFERED) && l->expires > now;
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

/* Mark an address held or not in the pool bitmap (no-op outside the pool). */
static void hold(struct dhcp_server *srv, uint32_t addr, bool on)
{
	dhcp_pool_set(&srv->pool, srv->pool.used, dhcp_pool_index(&srv->pool, addr), on);
}

/* Does another client hold `addr` right now (an offer, a lease, a quarantine)? */
static bool held_by_other(const struct ctx *c, uint32_t addr)
{
	uint32_t holder = dhcp_store_by_addr(&c->srv->store, addr);
	const struct dhcp_lease *other;

	if (holder == DHCP_NONE || holder == c->lease)
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
	if (idx == DHCP_NONE || dhcp_pool_test(srv->pool.reserved, idx))
		return false;
	return !held_by_other(c, addr);
}

/* Give the client's record (new or existing) the address, evicting a ghost. */
static uint32_t take(struct ctx *c, uint32_t addr)
{
	struct dhcp_server *srv = c->srv;
	uint32_t holder = dhcp_store_by_addr(&srv->store, addr);
	struct dhcp_lease *l;

	if (holder != DHCP_NONE && holder != c->lease)
		dhcp_store_del(&srv->store, holder);    /* someone's memory, or stale */
	if (c->lease == DHCP_NONE) {
		c->lease = dhcp_store_add(&srv->store, &c->id, addr);
		if (c->lease == DHCP_NONE)
			return DHCP_NONE;
		rec(c, c->lease)->state = LS_GHOST;
	}
	l = rec(c, c->lease);
	if (l->addr != addr) {
		if (l->state != LS_GHOST)
			hold(srv, l->addr, false);
		dhcp_store_move(&srv->store, c->lease, addr);
	}
	hold(srv, addr, true);
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
	if (l && l->state != LS_QUARANTINED && may_have(c, l->addr) &&
	    (l->state != LS_GHOST || dhcp_pool_is_free(&srv->pool, dhcp_pool_index(&srv->pool, l->addr))))
		return l->addr;         /* current or previous lease */
	if (c->m->has_reqip && may_have(c, c->m->reqip) &&
	    dhcp_pool_is_free(&srv->pool, dhcp_pool_index(&srv->pool, c->m->reqip)))
		return c->m->reqip;
	/* Unseeded hash: the same guest lands on the same address after a restart. */
	key = c->id.client_id_len ? dhcp_hash_bytes(0, c->id.client_id, c->id.client_id_len)
				  : dhcp_hash_bytes(0, c->id.chaddr, c->id.hlen);
	idx = dhcp_pool_find_free(&srv->pool, srv->pool.size ? key % srv->pool.size : 0);
	return idx == DHCP_NONE ? 0 : dhcp_pool_addr(&srv->pool, idx);
}

static const char *host_name(const struct ctx *c, char buf[LEASE_HOSTNAME_MAX + 1])
{
	if (c->host && c->host->name[0])
		return c->host->name;
	if (c->m->hostname &&
	    lease_hostname_sanitize(c->m->hostname, c->m->hostname_len, buf))
		return buf;
	return NULL;
}

static int reply(struct ctx *c, uint8_t type, uint32_t yiaddr, uint32_t lease_time,
		 const char *name)
{
	dhcp_reply_start(c->srv, c->m, c->b, type, yiaddr);
	if (type != DHCPNAK)
		dhcp_reply_options(c->srv, c->m, c->b, lease_time, name);
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

static int on_discover(struct ctx *c)
{
	struct dhcp_server *srv = c->srv;
	struct dhcp_lease *l;
	char buf[LEASE_HOSTNAME_MAX + 1];
	const char *name = host_name(c, buf);
	uint32_t addr = choose(c), lt;
	bool fresh;

	dhcp_emit(srv, DHCP_EV_DISCOVER, c->m, addr, name, NULL);
	if (!addr || !may_have(c, addr)) {
		dhcp_emit(srv, DHCP_EV_POOL_EXHAUSTED, c->m, 0, name,
			  addr ? "static address in use" : "no address available");
		return DHCP_IGNORE;
	}
	l = rec(c, c->lease);
	fresh = !l || l->addr != addr;
	/* Conflict probing: only addresses no lease of ours has held (issue 5). */
	if (srv->probe && fresh && !(c->host && c->host->has_ip) &&
	    !dhcp_pool_test(srv->pool.probed, dhcp_pool_index(&srv->pool, addr)) &&
	    dhcp_store_by_addr(&srv->store, addr) == DHCP_NONE) {
		c->tx->kind = DHCP_DEST_PROBE;
		c->tx->addr.s_addr = htonl(addr);
		return DHCP_PROBE;
	}
	if (take(c, addr) == DHCP_NONE)
		return DHCP_IGNORE;
	l = rec(c, c->lease);
	/* A live binding of this very address stays; anything else is an offer
	 * (a binding that moved is superseded: replay follows the identity). */
	if (l->state != LS_BOUND || l->expires <= c->now || fresh) {
		if (l->state == LS_BOUND)
			srv->store.n_bound--;
		l->state = LS_OFFERED;
		l->expires = c->now + OFFER_HOLD;
	}
	lt = lease_time_for(c, addr);
	dhcp_emit(srv, DHCP_EV_OFFER, c->m, addr, name, NULL);
	return reply(c, DHCPOFFER, addr, lt, name);
}

/* Bind `addr` to the client, journal it, ACK. */
static int grant(struct ctx *c, uint32_t addr)
{
	struct dhcp_server *srv = c->srv;
	struct dhcp_lease *l = rec(c, c->lease);
	char buf[LEASE_HOSTNAME_MAX + 1];
	const char *name = host_name(c, buf);
	uint32_t lt = lease_time_for(c, addr);
	bool renewed = l && l->state == LS_BOUND && l->addr == addr && l->expires > c->now;

	if (take(c, addr) == DHCP_NONE)
		return DHCP_IGNORE;
	l = rec(c, c->lease);
	if (l->state != LS_BOUND)
		srv->store.n_bound++;
	l->state = LS_BOUND;
	l->expires = lt == DHCP_LEASE_INFINITE ? LEASE_EXPIRES_NEVER : c->now + lt;
	if (name)
		dhcp_store_set_name(&srv->store, c->lease, name);  /* -ENOMEM: keep old name */
	name = dhcp_lease_name(l);
	dhcp_journal_lease(srv, l, LEASE_JOURNAL_BIND);
	dhcp_emit_ack(srv, c->m, addr, name, renewed, l->expires);
	return reply(c, DHCPACK, addr, lt, name);
}

static bool on_subnet(const struct ctx *c, uint32_t addr)
{
	return (addr & c->srv->netmask) == c->srv->network;
}

static int on_request(struct ctx *c)
{
	const struct dhcp_msg *m = c->m;
	struct dhcp_lease *l = rec(c, c->lease);
	uint32_t addr;

	if (m->has_server_id) {
		/* SELECTING (§4.3.2): the client chose a server. */
		if (m->server_id != c->srv->server_addr) {
			if (l && l->state == LS_OFFERED) {
				hold(c->srv, l->addr, false);
				l->state = LS_GHOST;    /* it went elsewhere: free our offer */
			}
			return DHCP_IGNORE;
		}
		if (!m->has_reqip || m->ciaddr)
			return DHCP_IGNORE;     /* not a valid SELECTING request */
		addr = m->reqip;
	} else if (m->has_reqip && !m->ciaddr) {
		addr = m->reqip;        /* INIT-REBOOT */
	} else if (m->ciaddr) {
		addr = m->ciaddr;       /* RENEWING (unicast) or REBINDING (broadcast) */
	} else {
		return DHCP_IGNORE;
	}
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
	if (!live(l, c->now) && !m->has_server_id && !c->srv->authoritative)
		return DHCP_IGNORE;     /* §4.3.2: no record of this client: stay silent */
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
	dhcp_store_del(&srv->store, c->lease);
	c->lease = DHCP_NONE;
	dhcp_emit(srv, DHCP_EV_DECLINE, c->m, addr, NULL, "address in use");
	q = dhcp_store_add(&srv->store, &none, addr);
	if (q != DHCP_NONE) {
		srv->store.rec[q].state = LS_QUARANTINED;
		srv->store.rec[q].expires = c->now + QUARANTINE;
		hold(srv, addr, true);
	} else {
		hold(srv, addr, false);
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
	srv->store.n_bound--;
	l->state = LS_GHOST;    /* remembered: the guest gets it back next time */
	l->expires = c->now;
	hold(srv, l->addr, false);
	dhcp_emit(srv, DHCP_EV_RELEASE, c->m, l->addr, dhcp_lease_name(l), NULL);
	return DHCP_IGNORE;
}

static int on_inform(struct ctx *c)
{
	/* §4.3.5: configuration only; no lease time, no yiaddr. */
	dhcp_emit(c->srv, DHCP_EV_INFORM, c->m, c->m->ciaddr, NULL, NULL);
	return reply(c, DHCPACK, 0, 0, NULL);
}

int dhcp_handle_msg(struct dhcp_server *srv, const struct dhcp_msg *m,
		    const struct dhcp_rx *rx, int64_t now, struct dhcp_builder *b,
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
	c.host = dhcp_find_host(srv, &c.id);
	c.lease = dhcp_store_by_ident(&srv->store, &c.id);
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
