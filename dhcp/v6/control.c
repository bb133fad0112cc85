/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The messages that assign nothing: RELEASE and DECLINE (RFC 8415
 * §18.3.7, §18.3.8), CONFIRM (§18.3.3: are these addresses on this link?)
 * and INFORMATION-REQUEST (§18.3.6: configuration only).
 */
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

#define QUARANTINE 600          /* seconds a declined address rests (as for DHCPv4) */

static bool lists(const struct d6_ia *ia, const struct in6_addr *a)
{
	for (size_t i = 0; i < ia->n_addr; i++)
		if (!memcmp(&ia->addr[i], a, 16))
			return true;
	return false;
}

static void quarantine(struct dhcp6_server *srv, const struct in6_addr *a, int64_t now)
{
	struct d6_ident none = { NULL, 0, 0 };
	uint32_t q = d6_store_add(&srv->store, &none, a);

	if (q == HTAB_NONE)
		return;
	srv->store.rec[q].state = S6_QUARANTINED;
	srv->store.rec[q].expires = now + QUARANTINE;
}

/* One IA of a RELEASE or DECLINE: true when it had a binding with a listed address. */
static bool give_back(struct d6_ctx *c, const struct d6_ia *ia, bool decline)
{
	struct dhcp6_server *srv = c->srv;
	struct d6_ident id = { c->m->client_id, c->m->client_id_len, ia->iaid };
	uint32_t self = d6_store_by_ident(&srv->store, &id);
	struct d6_lease *l = self == HTAB_NONE ? NULL : &srv->store.rec[self];
	struct in6_addr a;

	if (!l || l->state != S6_BOUND || !lists(ia, &l->addr))
		return false;
	a = l->addr;
	d6_journal(srv, l, LEASE_JOURNAL_FREE6);
	d6_emit(srv, decline ? DHCP6_EV_DECLINE : DHCP6_EV_RELEASE, c->m, &a, ia->iaid,
		d6_lease_name(l), decline ? "address in use" : NULL);
	d6_unbind(srv, self, c->now);   /* a ghost: the guest gets it back next time */
	if (decline) {
		d6_store_del(&srv->store, self);
		quarantine(srv, &a, c->now);
	}
	return true;
}

int d6_on_release_decline(struct d6_ctx *c)
{
	const struct d6_msg *m = c->m;
	bool decline = m->type == D6_DECLINE;

	d6_reply_start(c, D6_REPLY);
	for (size_t i = 0; i < m->n_ia; i++)
		if (!give_back(c, &m->ia[i], decline))
			d6_reply_ia(c->b, &m->ia[i], NULL, 0, ST_NO_BINDING, "no binding");
	d6_reply_status(c->b, ST_SUCCESS, decline ? "decline received" : "release received");
	return c->b->full ? DHCP6_IGNORE : DHCP6_REPLY;
}

int d6_on_confirm(struct d6_ctx *c)
{
	const struct d6_msg *m = c->m;
	size_t n = 0;
	bool on_link = true;

	for (size_t i = 0; i < m->n_ia; i++)
		for (size_t k = 0; k < m->ia[i].n_addr; k++, n++)
			on_link &= d6_on_link(c->srv, &m->ia[i].addr[k]);
	if (!n)
		return DHCP6_IGNORE;    /* §18.3.3: nothing to confirm, no reply */
	d6_emit(c->srv, DHCP6_EV_CONFIRM, m, NULL, 0, NULL, on_link ? "on-link" : "not on-link");
	d6_reply_start(c, D6_REPLY);
	if (on_link)
		d6_reply_status(c->b, ST_SUCCESS, "all addresses still on link");
	else
		d6_reply_status(c->b, ST_NOT_ON_LINK, "not on link");
	return c->b->full ? DHCP6_IGNORE : DHCP6_REPLY;
}

int d6_on_inform(struct d6_ctx *c)
{
	d6_emit(c->srv, DHCP6_EV_INFORM, c->m, NULL, 0, NULL, NULL);
	d6_reply_start(c, D6_REPLY);
	d6_reply_options(c);
	return c->b->full ? DHCP6_IGNORE : DHCP6_REPLY;
}
