/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Ports: a guest's tap (or a veth end) joins a bridge and leaves it again,
 * as `ip link set TAP master BRIDGE up` and `ip link set TAP nomaster` do.
 */
#include <errno.h>
#include <string.h>

#include <linux/if.h>
#include <netlink/route/link.h>

#include "bridge/bridge-internal.h"

/* The link by name, or -ENODEV with a message naming it. */
static int get_link(struct bridge_ctx *ctx, const char *name, struct rtnl_link **link,
		    struct bridge_error *err)
{
	int rc = bridge_check_ifname(name, err);

	if (rc < 0)
		return rc;
	bridge_ack_reset(ctx);
	rc = rtnl_link_get_kernel(ctx->sk, 0, name, link);
	if (rc == -NLE_NODEV || rc == -NLE_OBJ_NOTFOUND || ctx->ack.error == -ENODEV) {
		bridge_ack_reset(ctx);
		return bridge_fail(err, -ENODEV, "there is no interface %s", name);
	}
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot look up link %s", name);
	return 0;
}

/*
 * One RTM_NEWLINK sets the master and IFF_UP together, by the port's
 * ifindex: a namesake made in between is never touched.
 */
int bridge_port_attach(struct bridge_ctx *ctx, const char *bridge, const char *port,
		       int *port_ifindex, struct bridge_error *err)
{
	struct rtnl_link *br = NULL, *p = NULL, *changes = NULL;
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_port_attach: no context");
	if ((rc = get_link(ctx, bridge, &br, err)) < 0)
		return rc;
	if ((rc = get_link(ctx, port, &p, err)) < 0)
		goto out;
	if (rtnl_link_get_ifindex(p) == rtnl_link_get_ifindex(br)) {
		rc = bridge_fail(err, -EINVAL, "%s cannot be a port of itself", bridge);
		goto out;
	}
	changes = rtnl_link_alloc();
	if (changes == NULL) {
		rc = bridge_fail(err, -ENOMEM, "cannot attach %s: out of memory", port);
		goto out;
	}
	rtnl_link_set_master(changes, rtnl_link_get_ifindex(br));
	rtnl_link_set_flags(changes, IFF_UP);
	bridge_ack_reset(ctx);
	rc = rtnl_link_change(ctx->sk, p, changes, 0);
	if (rc < 0) {
		rc = bridge_nl_fail(ctx, rc, err, "cannot attach %s to %s", port, bridge);
		goto out;
	}
	if (port_ifindex)
		*port_ifindex = rtnl_link_get_ifindex(p);
out:
	if (changes)
		rtnl_link_put(changes);
	if (p)
		rtnl_link_put(p);
	rtnl_link_put(br);
	return rc;
}

int bridge_port_release(struct bridge_ctx *ctx, const char *port, int ifindex,
			struct bridge_error *err)
{
	struct rtnl_link *p = NULL, *changes;
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_port_release: no context");
	if ((rc = get_link(ctx, port, &p, err)) < 0)
		return rc;
	if (ifindex && rtnl_link_get_ifindex(p) != ifindex) {
		rtnl_link_put(p);
		return bridge_fail(err, -ENODEV, "%s is another link now", port);
	}
	changes = rtnl_link_alloc();
	if (changes == NULL) {
		rtnl_link_put(p);
		return bridge_fail(err, -ENOMEM, "cannot release %s: out of memory", port);
	}
	rtnl_link_set_master(changes, 0);
	bridge_ack_reset(ctx);
	rc = rtnl_link_change(ctx->sk, p, changes, 0);
	rtnl_link_put(changes);
	rtnl_link_put(p);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot release %s", port);
	return 0;
}

int bridge_port_master(struct bridge_ctx *ctx, const char *port, int *ifindex,
		       int *master, struct bridge_error *err)
{
	struct rtnl_link *p = NULL;
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_port_master: no context");
	if ((rc = get_link(ctx, port, &p, err)) < 0)
		return rc;
	*ifindex = rtnl_link_get_ifindex(p);
	*master = rtnl_link_get_master(p);
	rtnl_link_put(p);
	return 0;
}
