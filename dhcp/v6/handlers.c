/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Address assignment (RFC 8415 §18.3.1, .2, .4, .5): SOLICIT, REQUEST,
 * RENEW and REBIND, one IA_NA at a time, each IA one lease record keyed by
 * DUID + IAID. The address choice, in order: the client's static address,
 * the address its record holds or last held, an address it suggests, then
 * a free one found from an unseeded hash of DUID + IAID, so a guest lands on
 * the same address after a restart. A grant is journaled and waits in the
 * batch until the caller commits (leases.c).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

#define OFFER_HOLD 60           /* seconds an advertised address stays held */
#define PROBE_MAX 65536u        /* pool steps tried for a free address */

static struct d6_lease *rec(const struct d6_ctx *c, uint32_t idx)
{
	return idx == HTAB_NONE ? NULL : &c->srv->store.rec[idx];
}

static bool live(const struct d6_lease *l, int64_t now)
{
	return l && (l->state == S6_BOUND || l->state == S6_OFFERED) && l->expires > now;
}

/* An IA with nothing live here and no static host pays a token to get in. */
static bool refused_newcomer(struct d6_ctx *c, uint32_t self)
{
	if (c->host || live(rec(c, self), c->now) || d6_admit_take(c->srv, c->now))
		return false;
	c->throttled = true;
	return true;
}

bool d6_held_by_other(const struct d6_ctx *c, uint32_t self, const struct in6_addr *a)
{
	uint32_t holder = d6_store_by_addr(&c->srv->store, a);
	const struct d6_lease *other;

	if (holder == HTAB_NONE || holder == self)
		return false;
	other = rec(c, holder);
	if (other->state == S6_QUARANTINED)
		return other->expires > c->now;
	return live(other, c->now);
}

/* Its static address, or a range address that is no static host's, held by nobody else. */
static bool may_have(const struct d6_ctx *c, uint32_t self, const struct in6_addr *a)
{
	const struct d6_host *owner = d6_host_by_ip(&c->srv->hosts, a);

	if (owner ? owner != c->host : !d6_pool_range(&c->srv->pool, a))
		return false;
	return d6_on_link(c->srv, a) && !d6_held_by_other(c, self, a);
}

static uint32_t lease_time_for(const struct d6_ctx *c, const struct in6_addr *a)
{
	const struct d6_range *r = d6_pool_range(&c->srv->pool, a);

	if (c->host && c->host->lease_time)
		return c->host->lease_time;
	return r && r->lease_time ? r->lease_time : c->srv->lease_time;
}

static struct d6_ident ident(const struct d6_ctx *c, uint32_t iaid)
{
	struct d6_ident id = { c->m->client_id, c->m->client_id_len, iaid };

	return id;
}

static bool choose(const struct d6_ctx *c, const struct d6_ia *ia, uint32_t self,
		   struct in6_addr *out)
{
	const struct d6_lease *l = rec(c, self);
	const struct d6_pool *p = &c->srv->pool;
	uint64_t off, steps;

	if (c->host && c->host->has_ip && may_have(c, self, &c->host->ip))
		return *out = c->host->ip, true;
	if (l && l->state != S6_QUARANTINED && may_have(c, self, &l->addr))
		return *out = l->addr, true;
	for (size_t i = 0; i < ia->n_addr; i++)
		if (may_have(c, self, &ia->addr[i]))
			return *out = ia->addr[i], true;
	if (!p->size)
		return false;
	/* unseeded: the same DUID + IAID starts from the same place after a restart */
	off = (uint64_t)hash_bytes(ia->iaid, c->m->client_id, c->m->client_id_len) << 32 |
	      hash_bytes(~(uint64_t)ia->iaid, c->m->client_id, c->m->client_id_len);
	off %= p->size;
	steps = p->size < PROBE_MAX ? p->size : PROBE_MAX;
	for (uint64_t k = 0; k < steps; k++) {
		d6_pool_addr(p, (off + k) % p->size, out);
		if (may_have(c, self, out))
			return true;
	}
	return false;
}

/* Give the client's record (new or not) the address; a ghost holding it is evicted. */
static uint32_t take(struct d6_ctx *c, uint32_t self, uint32_t iaid, const struct in6_addr *a)
{
	struct dhcp6_server *srv = c->srv;
	uint32_t holder = d6_store_by_addr(&srv->store, a);
	struct d6_ident id = ident(c, iaid);

	if (holder != HTAB_NONE && holder != self) {
		d6_unbind(srv, holder, c->now);
		d6_store_del(&srv->store, holder);
	}
	if (self == HTAB_NONE)
		return d6_store_add(&srv->store, &id, a);
	if (memcmp(&rec(c, self)->addr, a, 16)) {
		d6_unbind(srv, self, c->now);
		d6_store_move(&srv->store, self, a);
	}
	return self;
}

/* The MAC: from a DUID-LL(T) over Ethernet, else from an EUI-64 link-local source. */
static void learn_mac(const struct d6_ctx *c, struct d6_lease *l)
{
	struct lease6_info v = { .duid = c->m->client_id, .duid_len = c->m->client_id_len };
	const uint8_t *s = c->rx->src.s6_addr;
	const uint8_t *d = v.duid;

	if (v.duid_len == 14 && !d[0] && d[1] == 1 && !d[2] && d[3] == 1)
		memcpy(l->mac, d + 8, 6), l->has_mac = 1;
	else if (v.duid_len == 10 && !d[0] && d[1] == 3 && !d[2] && d[3] == 1)
		memcpy(l->mac, d + 4, 6), l->has_mac = 1;
	else if (s[0] == 0xfe && (s[1] & 0xc0) == 0x80 && s[11] == 0xff && s[12] == 0xfe) {
		l->mac[0] = s[8] ^ 0x02;
		memcpy(l->mac + 1, s + 9, 2);
		memcpy(l->mac + 3, s + 13, 3);
		l->has_mac = 1;
	}
}

static int advertise_ia(struct d6_ctx *c, const struct d6_ia *ia)
{
	struct d6_ident id = ident(c, ia->iaid);
	uint32_t self = d6_store_by_ident(&c->srv->store, &id);
	struct in6_addr a;
	struct d6_lease *l;

	if (refused_newcomer(c, self))
		return 0;
	if (!choose(c, ia, self, &a) || (self = take(c, self, ia->iaid, &a)) == HTAB_NONE) {
		d6_emit(c->srv, DHCP6_EV_NO_ADDRS, c->m, NULL, ia->iaid, c->asked_name,
			"no address available");
		d6_reply_ia(c->b, ia, NULL, 0, ST_NO_ADDRS_AVAIL, "no addresses available");
		return 0;
	}
	l = rec(c, self);
	if (l->state != S6_BOUND || l->expires <= c->now) {
		d6_unbind(c->srv, self, c->now);
		l->state = S6_OFFERED;
		l->expires = c->now + OFFER_HOLD;
	}
	d6_emit(c->srv, DHCP6_EV_ADVERTISE, c->m, &a, ia->iaid, c->asked_name, NULL);
	d6_reply_ia(c->b, ia, &a, lease_time_for(c, &a), -1, NULL);
	return 1;
}

/* The name the record carries: the static host's, the asked one unless refused, the old one. */
static const char *lease_name(struct d6_ctx *c, uint32_t self, uint32_t iaid)
{
	struct d6_lease *l = rec(c, self);
	struct d6_ident id = ident(c, iaid);
	const char *why;

	if (c->host && c->host->name[0])
		return c->host->name;
	if (!c->asked_name)
		return l ? d6_lease_name(l) : NULL;
	why = d6_name_refusal(c->srv, self, &id, c->host, c->asked_name);
	if (!why) {
		l->flags &= (uint8_t)~F6_NAME_LOGGED;
		return c->asked_name;
	}
	c->srv->st.names_refused++;
	if (!(l->flags & F6_NAME_LOGGED))
		d6_emit(c->srv, DHCP6_EV_NAME_REFUSED, c->m, &l->addr, iaid, c->asked_name, why);
	l->flags |= F6_NAME_LOGGED;
	return NULL;
}

/* Bind a to the IA, journal it, answer it; the REPLY event and the name wait for commit. */
static int grant_ia(struct d6_ctx *c, const struct d6_ia *ia, uint32_t self,
		    const struct in6_addr *a)
{
	struct dhcp6_server *srv = c->srv;
	struct d6_lease *l = rec(c, self);
	uint32_t lt = lease_time_for(c, a);
	bool renewed = l && l->state == S6_BOUND && !memcmp(&l->addr, a, 16) && l->expires > c->now;
	bool created = self == HTAB_NONE;
	const char *name;

	if (refused_newcomer(c, self))
		return 0;
	if ((!created && !d6_batch_note(srv, self, false)) ||
	    (self = take(c, self, ia->iaid, a)) == HTAB_NONE ||
	    (created && !d6_batch_note(srv, self, true))) {
		d6_reply_ia(c->b, ia, NULL, 0, ST_UNSPEC_FAIL, "out of memory");
		return 0;
	}
	l = rec(c, self);
	name = lease_name(c, self, ia->iaid);
	d6_store_set_name(&srv->store, self, name);     /* -ENOMEM keeps the old name */
	l->flags = (uint8_t)((l->flags & ~F6_NO_DNS) |
			     (c->m->fqdn && (c->m->fqdn[0] & 0x04) ? F6_NO_DNS : 0));
	learn_mac(c, l);
	d6_bind(srv, self, lt == DHCP6_LEASE_INFINITE ? LEASE_EXPIRES_NEVER : c->now + lt);
	d6_journal(srv, l, LEASE_JOURNAL_BIND6);
	d6_batch_granted(srv, renewed);
	if (d6_lease_name(l))
		c->granted_name = d6_lease_name(l);
	d6_reply_ia(c->b, ia, a, lt, -1, NULL);
	return 1;
}

static int request_ia(struct d6_ctx *c, const struct d6_ia *ia)
{
	struct d6_ident id = ident(c, ia->iaid);
	uint32_t self = d6_store_by_ident(&c->srv->store, &id);
	struct in6_addr a;

	/* §18.3.2: a REQUEST for an address of another link is answered NotOnLink */
	for (size_t i = 0; c->m->type == D6_REQUEST && i < ia->n_addr; i++)
		if (!d6_on_link(c->srv, &ia->addr[i])) {
			d6_reply_ia(c->b, ia, NULL, 0, ST_NOT_ON_LINK, "not on link");
			return 0;
		}
	if (!choose(c, ia, self, &a)) {
		d6_emit(c->srv, DHCP6_EV_NO_ADDRS, c->m, NULL, ia->iaid, c->asked_name,
			"no address available");
		d6_reply_ia(c->b, ia, NULL, 0, ST_NO_ADDRS_AVAIL, "no addresses available");
		return 0;
	}
	return grant_ia(c, ia, self, &a);
}

/*
 * RENEW / REBIND of one IA: its binding is extended; a binding that ran out,
 * or one lost with the lease files, is granted again when the client lists
 * an address it may still have. Otherwise NoBinding, and REBIND answers
 * addresses that are not on the link with lifetimes 0 (§18.3.5).
 */
static int extend_ia(struct d6_ctx *c, const struct d6_ia *ia, bool rebind)
{
	struct d6_ident id = ident(c, ia->iaid);
	uint32_t self = d6_store_by_ident(&c->srv->store, &id);
	const struct d6_lease *l = rec(c, self);
	bool off_link = false;

	if (l && l->state == S6_BOUND && l->expires > c->now && may_have(c, self, &l->addr)) {
		struct in6_addr a = l->addr;

		return grant_ia(c, ia, self, &a);
	}
	for (size_t i = 0; i < ia->n_addr; i++) {
		off_link |= !d6_on_link(c->srv, &ia->addr[i]);
		if ((!l || l->state != S6_QUARANTINED) && may_have(c, self, &ia->addr[i]) &&
		    (!c->host || !c->host->has_ip || !memcmp(&c->host->ip, &ia->addr[i], 16)))
			return grant_ia(c, ia, self, &ia->addr[i]);
	}
	/* off the link, or a binding whose address is no longer this client's: lifetimes 0 */
	if ((rebind && off_link) || (l && l->state == S6_BOUND && l->expires > c->now))
		d6_reply_ia(c->b, ia, NULL, 0, -1, NULL);
	else
		d6_reply_ia(c->b, ia, NULL, 0, ST_NO_BINDING, "no binding");
	return 0;
}

static int ignore(const struct d6_ctx *c, const char *why)
{
	d6_emit(c->srv, DHCP6_EV_IGNORED, c->m, NULL, 0, NULL, why);
	return DHCP6_IGNORE;
}

static int on_assign(struct d6_ctx *c, enum dhcp6_event_type ev, bool commit)
{
	const struct d6_msg *m = c->m;
	uint8_t type = commit ? D6_REPLY : D6_ADVERTISE;

	d6_emit(c->srv, ev, m, NULL, 0, c->asked_name, NULL);
	d6_reply_start(c, type);
	if (m->type == D6_SOLICIT && commit)
		wire_wr_u16(c->b, O6_RAPID_COMMIT), wire_wr_u16(c->b, 0);
	for (size_t i = 0; i < m->n_ia; i++) {
		if (m->type == D6_SOLICIT && !commit)
			advertise_ia(c, &m->ia[i]);
		else if (m->type == D6_SOLICIT || m->type == D6_REQUEST)
			request_ia(c, &m->ia[i]);
		else
			extend_ia(c, &m->ia[i], m->type == D6_REBIND);
	}
	d6_reply_other_ias(c);
	d6_reply_options(c);
	if (c->throttled)
		return ignore(c, "new clients arrive too fast");
	return c->b->full ? DHCP6_IGNORE : DHCP6_REPLY;
}

/* RFC 8415 §16: which messages carry which identifiers, and unicast (§18.4). */
static int check_ids(struct d6_ctx *c)
{
	const struct d6_msg *m = c->m;
	bool need_sid = m->type == D6_REQUEST || m->type == D6_RENEW || m->type == D6_RELEASE ||
			m->type == D6_DECLINE;
	bool ours = m->has_server_id && m->server_id_len == c->srv->duid_len &&
		    !memcmp(m->server_id, c->srv->duid, m->server_id_len);

	if (!m->client_id && m->type != D6_INFORMATION_REQUEST)
		return -EBADMSG;
	if (need_sid && !ours)
		return ignore(c, m->has_server_id ? "for another server" : "no server id");
	if (!need_sid && m->has_server_id && (m->type != D6_INFORMATION_REQUEST || !ours))
		return ignore(c, ours ? "a server id where none belongs" : "for another server");
	if (c->rx->unicast && (m->type == D6_SOLICIT || m->type == D6_CONFIRM ||
			       m->type == D6_REBIND))
		return ignore(c, "sent by unicast");
	if (c->rx->unicast && need_sid) {
		d6_reply_start(c, D6_REPLY);
		d6_reply_status(c->b, ST_USE_MULTICAST, "use multicast");
		return c->b->full ? DHCP6_IGNORE : DHCP6_REPLY;
	}
	if (m->type == D6_INFORMATION_REQUEST && m->n_ia)
		return ignore(c, "an IA in an information-request");   /* §16.12 */
	return -1;
}

int d6_handle_msg(struct d6_ctx *c)
{
	const struct d6_msg *m = c->m;
	int rc = check_ids(c);

	if (rc != -1)
		return rc;
	if (m->fqdn && d6_fqdn_host(m->fqdn, m->fqdn_len, c->name_buf))
		c->asked_name = c->name_buf;
	c->host = d6_host_by_duid(&c->srv->hosts, m->client_id, m->client_id_len);
	if (!c->host && c->asked_name) {
		const struct d6_host *h = d6_host_by_name(&c->srv->hosts, c->asked_name);

		c->host = h && !h->duid_len ? h : NULL;
	}
	switch (m->type) {
	case D6_SOLICIT:
		return on_assign(c, DHCP6_EV_SOLICIT, m->rapid_commit && c->srv->rapid_commit);
	case D6_REQUEST:
		return on_assign(c, DHCP6_EV_REQUEST, true);
	case D6_RENEW:
		return on_assign(c, DHCP6_EV_RENEW, true);
	case D6_REBIND:
		return on_assign(c, DHCP6_EV_REBIND, true);
	case D6_RELEASE:
	case D6_DECLINE:
		return d6_on_release_decline(c);
	case D6_CONFIRM:
		return d6_on_confirm(c);
	default:
		return d6_on_inform(c);
	}
}
