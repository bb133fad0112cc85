/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What start does for the host's own view of the network once the bridge
 * is up, after libvirt: the host routes of <route>, IPv4 and IPv6 (undo
 * records, a failure fails the start), the bridge's firewalld zone and its systemd-resolved
 * registration (undo records too, but best effort: a service that does not
 * run is no concern, one that refuses is one warning line), and the
 * warnings about other firewalls that would drop the network's traffic.
 */
#include "netd/host/host-internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void host_warn(const char *fmt, ...)
{
	va_list ap;

	fputs("vnetd: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int add_routes4(struct host_sys *sys, const struct netdef *def, struct run_state *st,
		       char *msg, size_t msg_size)
{
	struct bridge_error be = { 0 };
	size_t i;
	int r;

	for (i = 0; i < def->n_routes; i++) {
		const struct netdef_route *d = &def->routes[i];
		/* libvirt's default metric is 1 */
		struct bridge_route rt = { d->address, d->prefix, d->gateway,
					   d->metric_given ? d->metric : 1 };
		struct undo_rec *u = undo_slot(st, UNDO_ROUTE);

		if (!u)
			abort();        /* start bounds the routes: a bug */
		if ((r = sys->ops->route_add(sys, def->bridge_name, &rt, &be)) < 0) {
			snprintf(msg, msg_size, "%s", be.message);
			return r;
		}
		snprintf(u->ifname, sizeof(u->ifname), "%s", def->bridge_name);
		u->address = (struct run_addr){ .family = AF_INET, .addr = rt.dest, .prefix = rt.prefix };
		u->gateway = rt.gateway;
		u->metric = rt.metric;
		undo_commit(st);
	}
	return 0;
}

/* <route family='ipv6'>, after the IPv4 ones (and the bridge's IPv6 addresses) */
static int add_routes6(struct host_sys *sys, const struct netdef *def, struct run_state *st,
		       char *msg, size_t msg_size)
{
	struct bridge_error be = { 0 };
	size_t i;
	int r;

	for (i = 0; i < def->n_routes6; i++) {
		const struct netdef_route6 *d = &def->routes6[i];
		struct bridge_route6 rt = { d->address, d->prefix, d->gateway,
					    d->metric_given ? d->metric : 1 };
		struct undo_rec *u = undo_slot(st, UNDO_ROUTE6);

		if (!u)
			abort();        /* bounded by host_add_routes: a bug */
		if ((r = sys->ops->route6_add(sys, def->bridge_name, &rt, &be)) < 0) {
			snprintf(msg, msg_size, "%s", be.message);
			return r;
		}
		snprintf(u->ifname, sizeof(u->ifname), "%s", def->bridge_name);
		u->address = (struct run_addr){ .family = AF_INET6, .addr6 = rt.dest,
						.prefix = rt.prefix };
		u->gateway6 = rt.gateway;
		u->metric = rt.metric;
		undo_commit(st);
	}
	return 0;
}

int host_add_routes(struct host_sys *sys, const struct netdef *def, struct run_state *st,
		    char *msg, size_t msg_size)
{
	int r;

	/* the run state holds as many of each family (its reader's bound) */
	if (def->n_routes6 > HOST_MAX_ROUTES) {
		snprintf(msg, msg_size, "network '%s' has %zu IPv6 routes; vnetd adds at most %d",
			 def->name, def->n_routes6, HOST_MAX_ROUTES);
		return -E2BIG;
	}
	if ((r = add_routes4(sys, def, st, msg, msg_size)) < 0)
		return r;
	return add_routes6(sys, def, st, msg, msg_size);
}

/*
 * libvirt puts the bridge of every network it firewalls into a firewalld
 * zone; an open network has no firewall of vnetd's, so no zone either.
 */
static void join_zone(struct host_sys *sys, const struct netdef *def, struct run_state *st)
{
	struct undo_rec *u;
	char why[300] = "";
	int r;

	if (def->forward.given && def->forward.mode == NETDEF_FWD_OPEN)
		return;
	if (!(u = undo_slot(st, UNDO_ZONE)))
		abort();
	r = sys->ops->zone_add(sys, def->bridge_name, u->zone, why, sizeof(why));
	if (r < 0)
		host_warn("%s", why);
	if (r <= 0)
		return;
	snprintf(u->ifname, sizeof(u->ifname), "%s", def->bridge_name);
	undo_commit(st);
}

/*
 * The bridge's DNS server for its domain, as a routing-only domain: only
 * names under it go to the network's DNS (`resolvectl dns BR ADDR; resolvectl
 * domain BR ~DOMAIN`, as libvirt users' network hooks do; vnetd does it for
 * every network that serves a domain).
 */
static void register_dns(struct host_sys *sys, const struct netdef *def, struct run_state *st)
{
	const struct undo_rec *br = run_state_find(st, UNDO_BRIDGE);
	struct undo_rec *u;
	char why[300] = "";
	int r;

	if (!def->domain || !def->domain[0] || def->dns.enable == NETDEF_NO || !def->n_ips || !br)
		return;
	if (!(u = undo_slot(st, UNDO_RESOLVED)))
		abort();
	r = sys->ops->dns_register(sys, br->ifindex, def->ips[0].address, def->domain, why,
				   sizeof(why));
	if (r < 0)
		host_warn("%s", why);
	if (r <= 0)
		return;
	snprintf(u->ifname, sizeof(u->ifname), "%s", def->bridge_name);
	u->ifindex = br->ifindex;
	undo_commit(st);
}

void host_join_services(struct host_sys *sys, const struct netdef *def, struct run_state *st)
{
	join_zone(sys, def, st);
	register_dns(sys, def, st);
}
