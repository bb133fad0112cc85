/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is a subnet already in use on this host? Checked against every IPv4
 * address and every IPv4 route of every table, like libvirt's
 * networkCheckRouteCollision() but stricter: libvirt reads only the main
 * table from /proc/net/route and flags only an exact match, whereas any
 * overlap means some destinations would be claimed twice.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/nexthop.h>
#include <netlink/route/route.h>
#include <netlink/route/rtnl.h>

#include "bridge/bridge-internal.h"

/* An IPv4 prefix in host byte order. */
struct v4net {
	uint32_t addr;
	unsigned len;
};

struct search {
	struct v4net want;
	int ignore_ifindex;        /* 0: nothing to skip */
	struct nl_cache *links;    /* ifindex -> name */
	char *ifname_out;
	struct bridge_error *err;
};

static uint32_t mask_of(unsigned len)
{
	return len == 0 ? 0 : UINT32_MAX << (32 - len);
}

/* Two prefixes share an address iff they agree under the shorter mask. */
static bool overlaps(struct v4net a, struct v4net b)
{
	unsigned len = a.len < b.len ? a.len : b.len;

	return ((a.addr ^ b.addr) & mask_of(len)) == 0;
}

/* libnl gives a default route's destination as a zero-length address. */
static bool to_v4net(struct nl_addr *a, unsigned len, struct v4net *out)
{
	uint32_t be = 0;

	if (a == NULL || len > 32)
		return false;
	if (nl_addr_get_len(a) == sizeof(be))
		memcpy(&be, nl_addr_get_binary_addr(a), sizeof(be));
	else if (nl_addr_get_len(a) != 0)
		return false;
	out->addr = ntohl(be);
	out->len = len;
	return true;
}

static const char *net_text(struct v4net n, char *buf, size_t size)
{
	uint32_t be = htonl(n.addr);
	char a[INET_ADDRSTRLEN];

	if (inet_ntop(AF_INET, &be, a, sizeof(a)) == NULL)
		strcpy(a, "?");
	snprintf(buf, size, "%s/%u", a, n.len);
	return buf;
}

static void name_of(const struct search *s, int ifindex, char *buf)
{
	if (rtnl_link_i2name(s->links, ifindex, buf, IFNAMSIZ) == NULL)
		snprintf(buf, IFNAMSIZ, "if%d", ifindex);
}

/*
 * Found one: name it in ifname_out and, although this is an answer and not
 * a failure, describe it in `err` (-EADDRINUSE) so the caller can print
 * exactly what is in the way.
 */
static int found(struct search *s, const char *ifname, const char *what)
{
	char want[32];

	if (s->ifname_out != NULL)
		snprintf(s->ifname_out, IFNAMSIZ, "%s", ifname);
	bridge_fail(s->err, -EADDRINUSE, "%s is already in use: %s",
		    net_text(s->want, want, sizeof(want)), what);
	return 1;
}

/*
 * An address claims its subnet. A point-to-point address (IFA_LOCAL differs
 * from IFA_ADDRESS) claims its own host address plus the peer's prefix.
 */
static int check_addrs(struct search *s, struct nl_cache *addrs)
{
	char ifname[IFNAMSIZ];

	for (struct nl_object *o = nl_cache_get_first(addrs); o != NULL;
	     o = nl_cache_get_next(o)) {
		struct rtnl_addr *a = (struct rtnl_addr *)o;
		unsigned plen = (unsigned)rtnl_addr_get_prefixlen(a);
		struct nl_addr *peer = rtnl_addr_get_peer(a);
		struct v4net local, remote;
		bool ptp;

		if (rtnl_addr_get_family(a) != AF_INET ||
		    rtnl_addr_get_ifindex(a) == s->ignore_ifindex)
			continue;
		if (!to_v4net(rtnl_addr_get_local(a), plen, &local))
			continue;
		ptp = to_v4net(peer, plen, &remote) && remote.addr != local.addr;
		if (ptp)
			local.len = 32;

		if (overlaps(s->want, local) || (ptp && overlaps(s->want, remote))) {
			char what[96], l[32], r[32];

			name_of(s, rtnl_addr_get_ifindex(a), ifname);
			if (ptp)
				snprintf(what, sizeof(what), "address %s peer %s on %s",
					 net_text(local, l, sizeof(l)),
					 net_text(remote, r, sizeof(r)), ifname);
			else
				snprintf(what, sizeof(what), "address %s on %s",
					 net_text(local, l, sizeof(l)), ifname);
			return found(s, ifname, what);
		}
	}
	return 0;
}

/*
 * Local, broadcast, anycast and multicast routes are the kernel's
 * bookkeeping for host addresses (already covered above), and a throw route
 * only sends the lookup on to the next table; none of them claims a subnet.
 * Unicast does, and so do blackhole/unreachable/prohibit: someone has
 * decided where that traffic must not go.
 */
static bool claims_subnet(uint8_t type)
{
	switch (type) {
	case RTN_UNICAST:
	case RTN_BLACKHOLE:
	case RTN_UNREACHABLE:
	case RTN_PROHIBIT:
		return true;
	default:
		return false;
	}
}

static int check_routes(struct search *s, struct nl_cache *routes)
{
	char ifname[IFNAMSIZ], what[96], dst_text[32];

	for (struct nl_object *o = nl_cache_get_first(routes); o != NULL;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(r);
		int nh_count = rtnl_route_get_nnexthops(r);
		int dev = 0;
		struct v4net net;

		if (rtnl_route_get_family(r) != AF_INET ||
		    !claims_subnet(rtnl_route_get_type(r)))
			continue;
		if (dst == NULL ||
		    !to_v4net(dst, (unsigned)nl_addr_get_prefixlen(dst), &net))
			continue;
		/*
		 * Only a route at least as specific as the new subnet takes some of
		 * its addresses away: a wider one (the default route, VPNs' two /1
		 * halves, a 10.0.0.0/8 to a site link) is simply overridden by the
		 * bridge's own, more specific route.
		 */
		if (net.len < s->want.len || !overlaps(s->want, net))
			continue;

		/* A route that leaves only through the skipped link is its own. */
		for (int i = 0; i < nh_count && dev == 0; i++) {
			int ifi = rtnl_route_nh_get_ifindex(rtnl_route_nexthop_n(r, i));

			if (ifi > 0 && ifi != s->ignore_ifindex)
				dev = ifi;
		}
		if (nh_count > 0 && dev == 0)
			continue;

		if (dev > 0) {
			name_of(s, dev, ifname);
			snprintf(what, sizeof(what), "route %s dev %s (table %u)",
				 net_text(net, dst_text, sizeof(dst_text)), ifname,
				 (unsigned)rtnl_route_get_table(r));
		} else {
			/* No device: blackhole and friends, named by type. */
			nl_rtntype2str(rtnl_route_get_type(r), ifname, sizeof(ifname));
			snprintf(what, sizeof(what), "%s route %s (table %u)",
				 ifname, net_text(net, dst_text, sizeof(dst_text)),
				 (unsigned)rtnl_route_get_table(r));
		}
		return found(s, ifname, what);
	}
	return 0;
}

enum dump_kind { DUMP_LINKS, DUMP_ADDRS, DUMP_ROUTES };

/*
 * A dump that raced with a change comes back flagged NLM_F_DUMP_INTR
 * (-NLE_DUMP_INTR) and may have missed entries; a fresh dump is cheap.
 */
static int dump(struct bridge_ctx *ctx, enum dump_kind kind,
		struct nl_cache **out, struct bridge_error *err)
{
	static const char *const what[] = {
		[DUMP_LINKS] = "links",
		[DUMP_ADDRS] = "addresses",
		[DUMP_ROUTES] = "IPv4 routes",
	};
	int rc = 0;

	for (int attempt = 0; attempt < 3; attempt++) {
		bridge_ack_reset(ctx);
		*out = NULL;
		switch (kind) {
		case DUMP_LINKS:
			rc = rtnl_link_alloc_cache(ctx->sk, AF_UNSPEC, out);
			break;
		case DUMP_ADDRS:
			rc = rtnl_addr_alloc_cache(ctx->sk, out);
			break;
		case DUMP_ROUTES:
			/* No table filter in the request: every table is dumped. */
			rc = rtnl_route_alloc_cache(ctx->sk, AF_INET, 0, out);
			break;
		}
		if (rc != -NLE_DUMP_INTR)
			break;
	}
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot list %s", what[kind]);
	return 0;
}

int bridge_subnet_conflict(struct bridge_ctx *ctx, struct in_addr net,
			   unsigned prefix, const char *ignore_ifname,
			   char *ifname_out, struct bridge_error *err)
{
	struct search s = {
		.want = { .addr = ntohl(net.s_addr), .len = prefix },
		.ifname_out = ifname_out,
		.err = err,
	};
	struct nl_cache *addrs = NULL, *routes = NULL;
	int rc;

	if (ifname_out != NULL)
		ifname_out[0] = '\0';
	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_subnet_conflict: no context");
	if (prefix > 32)
		return bridge_fail(err, -EINVAL,
				   "invalid prefix length %u (must be 0..32)", prefix);

	rc = dump(ctx, DUMP_LINKS, &s.links, err);
	if (rc < 0)
		return rc;
	if (ignore_ifname != NULL)
		s.ignore_ifindex = rtnl_link_name2i(s.links, ignore_ifname);

	rc = dump(ctx, DUMP_ADDRS, &addrs, err);
	if (rc == 0)
		rc = check_addrs(&s, addrs);
	/* Addresses first: they name the interface more directly than routes. */
	if (rc == 0)
		rc = dump(ctx, DUMP_ROUTES, &routes, err);
	if (rc == 0)
		rc = check_routes(&s, routes);

	nl_cache_free(routes);
	nl_cache_free(addrs);
	nl_cache_free(s.links);
	return rc;
}
