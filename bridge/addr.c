/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Addresses on a link: IPv4 with its broadcast, IPv6 without DAD.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/if_addr.h>
#include <netlink/addr.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include "bridge/bridge-internal.h"

static struct nl_addr *v4_addr(uint32_t host_order, unsigned prefix)
{
	uint32_t be = htonl(host_order);
	struct nl_addr *a = nl_addr_build(AF_INET, &be, sizeof(be));

	if (a != NULL)
		nl_addr_set_prefixlen(a, (int)prefix);
	return a;
}

/*
 * Every field the kernel should see is set explicitly: local (libnl also
 * sends it as IFA_ADDRESS, the peer of a non-point-to-point address),
 * prefix length, and the directed broadcast. Over netlink the kernel leaves
 * IFA_BROADCAST empty unless told (only the old SIOCSIFADDR ioctl guessed
 * one), while programs that read the interface broadcast with getifaddrs()
 * or SIOCGIFBRDADDR expect it; libvirt sets it too. /31 (RFC 3021) and /32
 * have no broadcast address.
 */
static int build_addr(int ifindex, uint32_t host, unsigned prefix,
		      struct rtnl_addr **ret)
{
	struct rtnl_addr *ra = rtnl_addr_alloc();
	struct nl_addr *local = NULL, *brd = NULL;
	int rc = -NLE_NOMEM;

	if (ra == NULL)
		return rc;
	rtnl_addr_set_ifindex(ra, ifindex);
	rtnl_addr_set_family(ra, AF_INET);

	local = v4_addr(host, prefix);
	if (local == NULL || (rc = rtnl_addr_set_local(ra, local)) < 0)
		goto out;
	rtnl_addr_set_prefixlen(ra, (int)prefix);

	if (prefix < 31) {
		uint32_t hostmask = prefix == 0 ? UINT32_MAX
					       : UINT32_MAX >> prefix;

		rc = -NLE_NOMEM;
		brd = v4_addr(host | hostmask, 32);
		if (brd == NULL || (rc = rtnl_addr_set_broadcast(ra, brd)) < 0)
			goto out;
	}
	rc = 0;
out:
	if (local != NULL)
		nl_addr_put(local);
	if (brd != NULL)
		nl_addr_put(brd);
	if (rc < 0)
		rtnl_addr_put(ra);
	else
		*ret = ra;
	return rc;
}

int bridge_addr_add(struct bridge_ctx *ctx, const char *name,
		    struct in_addr addr, unsigned prefix,
		    struct bridge_error *err)
{
	char text[INET_ADDRSTRLEN];
	struct rtnl_link *link = NULL;
	struct rtnl_addr *ra = NULL;
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_addr_add: no context");
	rc = bridge_check_ifname(name, err);
	if (rc < 0)
		return rc;
	if (inet_ntop(AF_INET, &addr, text, sizeof(text)) == NULL)
		strcpy(text, "?");
	if (prefix > 32)
		return bridge_fail(err, -EINVAL,
				   "cannot add %s/%u to %s: prefix must be 0..32",
				   text, prefix, name);

	/* RTM_NEWADDR wants an ifindex; IFA_LABEL alone does not pick a link. */
	bridge_ack_reset(ctx);
	rc = rtnl_link_get_kernel(ctx->sk, 0, name, &link);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot add %s/%u to %s",
				      text, prefix, name);

	rc = build_addr(rtnl_link_get_ifindex(link), ntohl(addr.s_addr),
			prefix, &ra);
	rtnl_link_put(link);
	if (rc < 0)
		return bridge_fail(err, -ENOMEM,
				   "cannot add %s/%u to %s: out of memory",
				   text, prefix, name);

	/*
	 * NLM_F_EXCL states the intent: an address already there is EEXIST
	 * (IPv4 does so even without it unless NLM_F_REPLACE is given), so the
	 * caller knows it did not add it and must not remove it on rollback.
	 */
	bridge_ack_reset(ctx);
	rc = rtnl_addr_add(ctx->sk, ra, NLM_F_EXCL);
	rtnl_addr_put(ra);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot add %s/%u to %s",
				      text, prefix, name);
	return 0;
}

/*
 * IPv6: no broadcast, and no duplicate address detection (IFA_F_NODAD).
 * The bridge is new and its subnet was checked free, so DAD could only
 * delay the address: with it, the address stays tentative until a port
 * gives the bridge a carrier and DAD has run, and the daemon cannot bind
 * its DNS listener or answer from it until then. libvirt waits for DAD;
 * not having to is the reason for the flag.
 */
int bridge_addr6_add(struct bridge_ctx *ctx, const char *name, const struct in6_addr *addr,
		     unsigned prefix, struct bridge_error *err)
{
	char text[INET6_ADDRSTRLEN];
	struct rtnl_link *link = NULL;
	struct rtnl_addr *ra = NULL;
	struct nl_addr *local = NULL;
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_addr6_add: no context");
	if ((rc = bridge_check_ifname(name, err)) < 0)
		return rc;
	if (inet_ntop(AF_INET6, addr, text, sizeof(text)) == NULL)
		strcpy(text, "?");
	if (prefix > 128)
		return bridge_fail(err, -EINVAL, "cannot add %s/%u to %s: prefix must be 0..128",
				   text, prefix, name);
	bridge_ack_reset(ctx);
	if ((rc = rtnl_link_get_kernel(ctx->sk, 0, name, &link)) < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot add %s/%u to %s", text, prefix, name);
	ra = rtnl_addr_alloc();
	local = nl_addr_build(AF_INET6, addr, sizeof(*addr));
	rc = -NLE_NOMEM;
	if (ra != NULL && local != NULL) {
		nl_addr_set_prefixlen(local, (int)prefix);
		rtnl_addr_set_ifindex(ra, rtnl_link_get_ifindex(link));
		rtnl_addr_set_family(ra, AF_INET6);
		rtnl_addr_set_prefixlen(ra, (int)prefix);
		rtnl_addr_set_flags(ra, IFA_F_NODAD);
		rc = rtnl_addr_set_local(ra, local);
	}
	rtnl_link_put(link);
	if (local != NULL)
		nl_addr_put(local);
	if (rc < 0) {
		rtnl_addr_put(ra);
		return bridge_fail(err, -ENOMEM, "cannot add %s/%u to %s: out of memory", text,
				   prefix, name);
	}
	bridge_ack_reset(ctx);
	rc = rtnl_addr_add(ctx->sk, ra, NLM_F_EXCL);
	rtnl_addr_put(ra);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot add %s/%u to %s", text, prefix, name);
	return 0;
}
