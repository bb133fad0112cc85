/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grants between two journal syncs, as dhcp/v4/batch.c: memory changes at
 * once, the REPLY event and the name wait for commit, and a rollback puts
 * every record of the batch back as it was, newest first. Also the events
 * and their dnsmasq-style log lines.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

bool d6_batch_note(struct dhcp6_server *srv, uint32_t idx, bool created)
{
	struct d6_batch *b = &srv->batch;
	const struct d6_lease *l = &srv->store.rec[idx];
	const char *name = d6_lease_name(l);
	struct d6_change *ch;

	if (!wire_array_room((void **)&b->ch, &b->cap, b->n, sizeof(*b->ch)))
		return false;
	ch = &b->ch[b->n++];
	memset(ch, 0, sizeof(*ch));
	ch->idx = idx;
	ch->created = created;
	ch->before = *l;
	ch->before.extra = NULL;
	if (name)
		snprintf(ch->before_name, sizeof(ch->before_name), "%s", name);
	return true;
}

void d6_batch_granted(struct dhcp6_server *srv, bool renewed)
{
	struct d6_change *ch = &srv->batch.ch[srv->batch.n - 1];
	const struct d6_lease *l = &srv->store.rec[ch->idx];

	ch->renewed = renewed;
	ch->addr = l->addr;
	ch->expires = l->expires;
}

/* The record is still what the grant left (a later message may have released it). */
static bool still_granted(const struct dhcp6_server *srv, const struct d6_change *ch)
{
	const struct d6_lease *l = &srv->store.rec[ch->idx];

	return l->state == S6_BOUND && !memcmp(&l->addr, &ch->addr, 16);
}

void dhcp6_server_commit(struct dhcp6_server *srv)
{
	for (size_t i = 0; i < srv->batch.n; i++) {
		const struct d6_change *ch = &srv->batch.ch[i];

		if (!still_granted(srv, ch))
			continue;
		d6_emit_lease(srv, DHCP6_EV_REPLY, &srv->store.rec[ch->idx], ch->renewed);
		d6_name_publish(srv, &srv->store.rec[ch->idx]);
	}
	srv->batch.n = 0;
	srv->journal.len = 0;
}

static void undo(struct dhcp6_server *srv, const struct d6_change *ch)
{
	struct d6_store *s = &srv->store;
	struct d6_lease *l = &s->rec[ch->idx];
	uint32_t holder;

	if (l->state == S6_UNUSED)
		return;         /* deleted since (a decline) */
	if (l->state == S6_BOUND) {
		s->n_bound--;
		d6_store_index_name(s, ch->idx, false);
	}
	l->state = S6_GHOST;
	if (ch->created) {
		d6_store_del(s, ch->idx);
		return;
	}
	holder = d6_store_by_addr(s, &ch->before.addr);
	if (holder != HTAB_NONE && holder != ch->idx)
		return;         /* the old address went to someone else: a ghost it stays */
	d6_store_move(s, ch->idx, &ch->before.addr);
	d6_store_set_name(s, ch->idx, ch->before_name[0] ? ch->before_name : NULL);
	l->expires = ch->before.expires;
	l->flags = ch->before.flags;
	l->has_mac = ch->before.has_mac;
	memcpy(l->mac, ch->before.mac, 6);
	l->state = ch->before.state;
	if (l->state == S6_BOUND) {
		s->n_bound++;
		d6_store_index_name(s, ch->idx, true);
	}
}

void dhcp6_server_rollback(struct dhcp6_server *srv)
{
	for (size_t i = srv->batch.n; i-- > 0;)
		undo(srv, &srv->batch.ch[i]);
	srv->st.rolled_back += srv->batch.n;
	srv->batch.n = 0;
	srv->journal.len = 0;
}

/* ---- events ---- */

void d6_emit(const struct dhcp6_server *srv, enum dhcp6_event_type type,
	     const struct d6_msg *m, const struct in6_addr *a, uint32_t iaid,
	     const char *name, const char *reason)
{
	struct dhcp6_event ev = {
		.type = type, .iaid = iaid, .duid = m->client_id, .duid_len = m->client_id_len,
		.hostname = name, .reason = reason,
	};

	if (!srv->on_event)
		return;
	if (a)
		ev.addr = *a;
	srv->on_event(srv->userdata, &ev);
}

void d6_emit_lease(const struct dhcp6_server *srv, enum dhcp6_event_type type,
		   const struct d6_lease *l, bool renewed)
{
	struct dhcp6_event ev = {
		.type = type, .renewed = renewed, .addr = l->addr, .iaid = l->iaid,
		.duid = l->extra, .duid_len = l->duid_len, .hostname = d6_lease_name(l),
		.expires = l->expires,
	};

	if (srv->on_event)
		srv->on_event(srv->userdata, &ev);
}

const char *dhcp6_event_name(enum dhcp6_event_type type)
{
	static const char *const names[] = {
		[DHCP6_EV_SOLICIT] = "DHCPSOLICIT", [DHCP6_EV_ADVERTISE] = "DHCPADVERTISE",
		[DHCP6_EV_REQUEST] = "DHCPREQUEST", [DHCP6_EV_RENEW] = "DHCPRENEW",
		[DHCP6_EV_REBIND] = "DHCPREBIND", [DHCP6_EV_REPLY] = "DHCPREPLY",
		[DHCP6_EV_RELEASE] = "DHCPRELEASE", [DHCP6_EV_DECLINE] = "DHCPDECLINE",
		[DHCP6_EV_CONFIRM] = "DHCPCONFIRM", [DHCP6_EV_INFORM] = "DHCPINFORMATION-REQUEST",
		[DHCP6_EV_EXPIRED] = "DHCPEXPIRED", [DHCP6_EV_NO_ADDRS] = "DHCPNOADDRS",
		[DHCP6_EV_NAME_REFUSED] = "DHCPNAMEREFUSED", [DHCP6_EV_IGNORED] = "DHCPIGNORED",
	};

	if ((unsigned)type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "DHCP6?";
}

void dhcp6_event_format(const struct dhcp6_event *ev, const char *ifname, char *buf,
			size_t size)
{
	char a[INET6_ADDRSTRLEN] = "", duid[3 * DHCP6_DUID_MAX + 1] = "";
	int n;

	if (!size)
		return;
	if (!IN6_IS_ADDR_UNSPECIFIED(&ev->addr))
		inet_ntop(AF_INET6, &ev->addr, a, sizeof(a));
	if (ev->duid && ev->duid_len)
		hex_format(ev->duid, ev->duid_len, duid, sizeof(duid));
	n = snprintf(buf, size, "%s(%s)%s%s%s%s", dhcp6_event_name(ev->type),
		     ifname ? ifname : "", *a ? " " : "", a, *duid ? " " : "", duid);
	if (n < 0 || (size_t)n >= size)
		return;
	if (ev->hostname)
		n += snprintf(buf + n, size - (size_t)n, " %s", ev->hostname);
	if (n >= 0 && (size_t)n < size && ev->reason)
		snprintf(buf + n, size - (size_t)n, " %s", ev->reason);
}
