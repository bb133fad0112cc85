/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Events to the caller's callback, and their dnsmasq-style log line
 * ("DHCPACK(virbr0) 192.168.122.45 52:54:00:12:34:56 guest1").
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

static void emit(const struct dhcp_server *srv, struct dhcp_event *ev)
{
	if (srv->on_event)
		srv->on_event(srv->userdata, ev);
}

static void from_msg(struct dhcp_event *ev, enum dhcp_event_type type,
		     const struct dhcp_msg *m, uint32_t addr, const char *hostname,
		     const char *reason)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->addr.s_addr = htonl(addr);
	ev->htype = m->htype;
	ev->hlen = m->hlen;
	ev->chaddr = m->chaddr;
	ev->client_id = m->client_id;
	ev->client_id_len = m->client_id_len;
	ev->hostname = hostname;
	ev->reason = reason;
}

void dhcp_emit(const struct dhcp_server *srv, enum dhcp_event_type type,
	       const struct dhcp_msg *m, uint32_t addr, const char *hostname,
	       const char *reason)
{
	struct dhcp_event ev;

	if (!srv->on_event)
		return;
	from_msg(&ev, type, m, addr, hostname, reason);
	emit(srv, &ev);
}

static void from_lease(struct dhcp_event *ev, enum dhcp_event_type type,
		       const struct dhcp_lease *l)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	ev->addr.s_addr = htonl(l->addr);
	ev->htype = l->htype;
	ev->hlen = l->hlen;
	ev->chaddr = l->chaddr;
	ev->client_id = dhcp_lease_id(l);
	ev->client_id_len = l->id_len;
	ev->hostname = dhcp_lease_name(l);
	ev->expires = l->expires;
}

void dhcp_emit_granted(const struct dhcp_server *srv, const struct dhcp_change *ch)
{
	struct dhcp_event ev;

	if (!srv->on_event)
		return;
	from_lease(&ev, DHCP_EV_ACK, &srv->store.rec[ch->idx]);
	ev.addr.s_addr = htonl(ch->addr);
	ev.expires = ch->expires;
	ev.renewed = ch->renewed;
	emit(srv, &ev);
}

void dhcp_emit_lease(const struct dhcp_server *srv, enum dhcp_event_type type,
		     const struct dhcp_lease *l)
{
	struct dhcp_event ev;

	if (!srv->on_event)
		return;
	from_lease(&ev, type, l);
	emit(srv, &ev);
}

const char *dhcp_event_name(enum dhcp_event_type type)
{
	static const char *const names[] = {
		[DHCP_EV_DISCOVER] = "DHCPDISCOVER", [DHCP_EV_OFFER] = "DHCPOFFER",
		[DHCP_EV_REQUEST] = "DHCPREQUEST", [DHCP_EV_ACK] = "DHCPACK",
		[DHCP_EV_NAK] = "DHCPNAK", [DHCP_EV_RELEASE] = "DHCPRELEASE",
		[DHCP_EV_DECLINE] = "DHCPDECLINE", [DHCP_EV_INFORM] = "DHCPINFORM",
		[DHCP_EV_EXPIRED] = "DHCPEXPIRED", [DHCP_EV_POOL_EXHAUSTED] = "DHCPEXHAUSTED",
		[DHCP_EV_CONFLICT] = "DHCPCONFLICT", [DHCP_EV_NAME_REFUSED] = "DHCPNAMEREFUSED",
		[DHCP_EV_BOOTP] = "BOOTP",
	};

	if ((unsigned)type < sizeof(names) / sizeof(names[0]) && names[type])
		return names[type];
	return "DHCP?";
}

void dhcp_event_format(const struct dhcp_event *ev, const char *ifname, char *buf,
		       size_t size)
{
	char a[INET_ADDRSTRLEN] = "", mac[3 * LEASE_CHADDR_MAX + 1] = "";
	int n;

	if (!size)
		return;
	if (ev->addr.s_addr)
		inet_ntop(AF_INET, &ev->addr, a, sizeof(a));
	if (ev->chaddr && ev->hlen)
		hex_format(ev->chaddr, ev->hlen, mac, sizeof(mac));
	n = snprintf(buf, size, "%s(%s)%s%s%s%s", dhcp_event_name(ev->type),
		     ifname ? ifname : "", *a ? " " : "", a, *mac ? " " : "", mac);
	if (n < 0 || (size_t)n >= size)
		return;
	if (ev->hostname)
		n += snprintf(buf + n, size - (size_t)n, " %s", ev->hostname);
	if (n >= 0 && (size_t)n < size && ev->reason)
		snprintf(buf + n, size - (size_t)n, " %s", ev->reason);
}
