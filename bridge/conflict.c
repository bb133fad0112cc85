/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Is a subnet already in use on this host? Checked against every address
 * and every route of every table of the subnet's family, like libvirt's
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

/* An IPv4 or IPv6 prefix, its address in network byte order. */
struct ipnet {
	int family;
	uint8_t addr[16];
	unsigned len;
};

struct search {
	struct ipnet want;
	int ignore_ifindex;        /* 0: nothing to skip */
	struct nl_cache *links;    /* ifindex -> name */
	char *ifname_out;
	struct bridge_error *err;
};

static size_t family_bytes(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

/* Two prefixes share an address iff they agree under the shorter mask. */
static bool overlaps(const struct ipnet *a, const struct ipnet *b)
{
	unsigned len = a->len < b->len ? a->len : b->len;
	unsigned full = len / 8, rest = len % 8;

	if (a->family != b->family || memcmp(a->addr, b->addr, full) != 0)
		return false;
	return rest == 0 || ((a->addr[full] ^ b->addr[full]) & (0xff00u >> rest) & 0xff) == 0;
}

/* libnl gives a default route's destination as a zero-length address. */
static bool to_ipnet(int family, struct nl_addr *a, unsigned len, struct ipnet *out)
{
	size_t n = family_bytes(family);

	if (a == NULL || len > n * 8)
		return false;
	memset(out, 0, sizeof(*out));
	if (nl_addr_get_len(a) == n)
		memcpy(out->addr, nl_addr_get_binary_addr(a), n);
	else if (nl_addr_get_len(a) != 0)
		return false;
	out->family = family;
	out->len = len;
	return true;
}

static bool same_host(const struct ipnet *a, const struct ipnet *b)
{
	return !memcmp(a->addr, b->addr, family_bytes(a->family));
}

static const char *net_text(const struct ipnet *n, char *buf, size_t size)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(n->family, n->addr, a, sizeof(a)) == NULL)
		strcpy(a, "?");
	snprintf(buf, size, "%s/%u", a, n->len);
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
	char want[INET6_ADDRSTRLEN + 4];

	if (s->ifname_out != NULL)
		snprintf(s->ifname_out, IFNAMSIZ, "%s", ifname);
	bridge_fail(s->err, -EADDRINUSE, "%s is already in use: %s",
		    net_text(&s->want, want, sizeof(want)), what);
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
		int family = s->want.family;
		struct ipnet local, remote;
		bool ptp;

		if (rtnl_addr_get_family(a) != family ||
		    rtnl_addr_get_ifindex(a) == s->ignore_ifindex)
			continue;
		if (!to_ipnet(family, rtnl_addr_get_local(a), plen, &local))
			continue;
		ptp = to_ipnet(family, peer, plen, &remote) && !same_host(&remote, &local);
		if (ptp)
			local.len = (unsigned)family_bytes(family) * 8;

		if (overlaps(&s->want, &local) || (ptp && overlaps(&s->want, &remote))) {
			char what[160], l[INET6_ADDRSTRLEN + 4], r[INET6_ADDRSTRLEN + 4];

			name_of(s, rtnl_addr_get_ifindex(a), ifname);
			if (ptp)
				snprintf(what, sizeof(what), "address %s peer %s on %s",
					 net_text(&local, l, sizeof(l)),
					 net_text(&remote, r, sizeof(r)), ifname);
			else
				snprintf(what, sizeof(what), "address %s on %s",
					 net_text(&local, l, sizeof(l)), ifname);
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
	char ifname[IFNAMSIZ], what[160], dst_text[INET6_ADDRSTRLEN + 4];

	for (struct nl_object *o = nl_cache_get_first(routes); o != NULL;
	     o = nl_cache_get_next(o)) {
		struct rtnl_route *r = (struct rtnl_route *)o;
		struct nl_addr *dst = rtnl_route_get_dst(r);
		int nh_count = rtnl_route_get_nnexthops(r);
		int dev = 0;
		struct ipnet net;

		if (rtnl_route_get_family(r) != s->want.family ||
		    !claims_subnet(rtnl_route_get_type(r)))
			continue;
		if (dst == NULL || !to_ipnet(s->want.family, dst,
					     (unsigned)nl_addr_get_prefixlen(dst), &net))
			continue;
		/*
		 * Only a route at least as specific as the new subnet takes some of
		 * its addresses away: a wider one (the default route, VPNs' two /1
		 * halves, a 10.0.0.0/8 to a site link) is simply overridden by the
		 * bridge's own, more specific route.
		 */
		if (net.len < s->want.len || !overlaps(&s->want, &net))
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
				 net_text(&net, dst_text, sizeof(dst_text)), ifname,
				 (unsigned)rtnl_route_get_table(r));
		} else {
			/* No device: blackhole and friends, named by type. */
			nl_rtntype2str(rtnl_route_get_type(r), ifname, sizeof(ifname));
			snprintf(what, sizeof(what), "%s route %s (table %u)",
				 ifname, net_text(&net, dst_text, sizeof(dst_text)),
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
static int dump(struct bridge_ctx *ctx, enum dump_kind kind, int family,
		struct nl_cache **out, struct bridge_error *err)
{
	static const char *const what[] = {
		[DUMP_LINKS] = "links",
		[DUMP_ADDRS] = "addresses",
		[DUMP_ROUTES] = "routes",
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
			rc = rtnl_route_alloc_cache(ctx->sk, family, 0, out);
			break;
		}
		if (rc != -NLE_DUMP_INTR)
			break;
	}
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot list %s", what[kind]);
	return 0;
}

static int find_conflict(struct bridge_ctx *ctx, const struct ipnet *want,
			 const char *ignore_ifname, char *ifname_out, struct bridge_error *err)
{
	struct search s = { .want = *want, .ifname_out = ifname_out, .err = err };
	struct nl_cache *addrs = NULL, *routes = NULL;
	char text[INET6_ADDRSTRLEN];
	int rc;

	if (ifname_out != NULL)
		ifname_out[0] = '\0';
	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_subnet_conflict: no context");
	if (want->len > family_bytes(want->family) * 8)
		return bridge_fail(err, -EINVAL, "invalid prefix length %u for %s", want->len,
				   inet_ntop(want->family, want->addr, text, sizeof(text)));

	rc = dump(ctx, DUMP_LINKS, AF_UNSPEC, &s.links, err);
	if (rc < 0)
		return rc;
	if (ignore_ifname != NULL)
		s.ignore_ifindex = rtnl_link_name2i(s.links, ignore_ifname);

	rc = dump(ctx, DUMP_ADDRS, AF_UNSPEC, &addrs, err);
	if (rc == 0)
		rc = check_addrs(&s, addrs);
	/* Addresses first: they name the interface more directly than routes. */
	if (rc == 0)
		rc = dump(ctx, DUMP_ROUTES, want->family, &routes, err);
	if (rc == 0)
		rc = check_routes(&s, routes);

	nl_cache_free(routes);
	nl_cache_free(addrs);
	nl_cache_free(s.links);
	return rc;
}

int bridge_subnet_conflict(struct bridge_ctx *ctx, struct in_addr net,
			   unsigned prefix, const char *ignore_ifname,
			   char *ifname_out, struct bridge_error *err)
{
	struct ipnet want = { .family = AF_INET, .len = prefix };

	memcpy(want.addr, &net, sizeof(net));
	return find_conflict(ctx, &want, ignore_ifname, ifname_out, err);
}

int bridge_subnet6_conflict(struct bridge_ctx *ctx, const struct in6_addr *net,
			    unsigned prefix, const char *ignore_ifname,
			    char *ifname_out, struct bridge_error *err)
{
	struct ipnet want = { .family = AF_INET6, .len = prefix };

	memcpy(want.addr, net, sizeof(*net));
	return find_conflict(ctx, &want, ignore_ifname, ifname_out, err);
}
