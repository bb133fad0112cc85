/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Routes through a link, IPv4 and IPv6: libvirt's <route [family='ipv6']
 * address prefix gateway metric>, a host route to a subnet that a guest on
 * the bridge routes.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>

#include "bridge/bridge-internal.h"

/* A route of either family, as both add and delete send it. */
struct route_spec {
	int family;                     /* AF_INET or AF_INET6 */
	const void *dest, *gateway;     /* in_addr or in6_addr */
	unsigned prefix, metric;
};

static struct nl_addr *addr_of(const struct route_spec *s, const void *a, unsigned prefix)
{
	size_t len = s->family == AF_INET6 ? sizeof(struct in6_addr) : sizeof(struct in_addr);
	struct nl_addr *n = nl_addr_build(s->family, a, len);

	if (n != NULL)
		nl_addr_set_prefixlen(n, (int)prefix);
	return n;
}

/*
 * The route as both add and delete send it: main table, static protocol,
 * universe scope, one next hop (the gateway) out of the bridge. Delete
 * matches on all of it, so a route the admin added with another gateway or
 * metric is never the one removed.
 */
static int build_route(int ifindex, const struct route_spec *s, struct rtnl_route **ret)
{
	struct rtnl_route *r = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = addr_of(s, s->dest, s->prefix);
	struct nl_addr *gw = addr_of(s, s->gateway, s->family == AF_INET6 ? 128 : 32);
	int rc = -NLE_NOMEM;

	if (!r || !nh || !dst || !gw)
		goto out;
	rtnl_route_set_family(r, (uint8_t)s->family);
	rtnl_route_set_table(r, RT_TABLE_MAIN);
	rtnl_route_set_protocol(r, RTPROT_STATIC);
	rtnl_route_set_scope(r, RT_SCOPE_UNIVERSE);
	rtnl_route_set_type(r, RTN_UNICAST);
	rtnl_route_set_priority(r, s->metric);
	if ((rc = rtnl_route_set_dst(r, dst)) < 0)
		goto out;
	rtnl_route_nh_set_ifindex(nh, ifindex);
	rtnl_route_nh_set_gateway(nh, gw);
	rtnl_route_add_nexthop(r, nh);
	nh = NULL;
	rc = 0;
out:
	if (nh)
		rtnl_route_nh_free(nh);
	if (dst)
		nl_addr_put(dst);
	if (gw)
		nl_addr_put(gw);
	if (rc < 0 && r)
		rtnl_route_put(r);
	else if (rc == 0)
		*ret = r;
	return rc;
}

static void describe(const struct route_spec *s, const char *name, char *buf, size_t size)
{
	char d[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];

	if (!inet_ntop(s->family, s->dest, d, sizeof(d)))
		strcpy(d, "?");
	if (!inet_ntop(s->family, s->gateway, g, sizeof(g)))
		strcpy(g, "?");
	snprintf(buf, size, "route %s/%u via %s dev %s metric %u", d, s->prefix, g, name,
		 s->metric);
}

static int route_op(struct bridge_ctx *ctx, const char *name, const struct route_spec *s,
		    bool add, struct bridge_error *err)
{
	unsigned max = s->family == AF_INET6 ? 128 : 32;
	struct rtnl_link *link = NULL;
	struct rtnl_route *r = NULL;
	char what[160];
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge route: no context");
	if ((rc = bridge_check_ifname(name, err)) < 0)
		return rc;
	describe(s, name, what, sizeof(what));
	if (s->prefix > max)
		return bridge_fail(err, -EINVAL, "cannot add %s: prefix must be 0..%u", what, max);
	bridge_ack_reset(ctx);
	if ((rc = rtnl_link_get_kernel(ctx->sk, 0, name, &link)) < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot %s %s", add ? "add" : "delete", what);
	rc = build_route(rtnl_link_get_ifindex(link), s, &r);
	rtnl_link_put(link);
	if (rc < 0)
		return bridge_fail(err, -ENOMEM, "cannot %s %s: out of memory",
				   add ? "add" : "delete", what);
	bridge_ack_reset(ctx);
	/* EXCL: a route already there is not ours, and must not be removed at stop */
	rc = add ? rtnl_route_add(ctx->sk, r, NLM_F_EXCL) : rtnl_route_delete(ctx->sk, r, 0);
	rtnl_route_put(r);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot %s %s", add ? "add" : "delete", what);
	return 0;
}

static struct route_spec spec4(const struct bridge_route *rt)
{
	return (struct route_spec){ AF_INET, &rt->dest, &rt->gateway, rt->prefix, rt->metric };
}

static struct route_spec spec6(const struct bridge_route6 *rt)
{
	return (struct route_spec){ AF_INET6, &rt->dest, &rt->gateway, rt->prefix, rt->metric };
}

int bridge_route_add(struct bridge_ctx *ctx, const char *name, const struct bridge_route *rt,
		     struct bridge_error *err)
{
	struct route_spec s = spec4(rt);

	return route_op(ctx, name, &s, true, err);
}

int bridge_route_delete(struct bridge_ctx *ctx, const char *name,
			const struct bridge_route *rt, struct bridge_error *err)
{
	struct route_spec s = spec4(rt);

	return route_op(ctx, name, &s, false, err);
}

int bridge_route6_add(struct bridge_ctx *ctx, const char *name, const struct bridge_route6 *rt,
		      struct bridge_error *err)
{
	struct route_spec s = spec6(rt);

	return route_op(ctx, name, &s, true, err);
}

int bridge_route6_delete(struct bridge_ctx *ctx, const char *name,
			 const struct bridge_route6 *rt, struct bridge_error *err)
{
	struct route_spec s = spec6(rt);

	return route_op(ctx, name, &s, false, err);
}
