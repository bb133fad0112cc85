/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Links: look one up, create a bridge, delete, bring up or down.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>

#include "bridge/bridge-internal.h"

/*
 * The bridge's timers are in clock_t units (USER_HZ, 100 on every Linux
 * ABI): br_set_forward_delay() runs the value through clock_t_to_jiffies().
 */
#define BRIDGE_USER_HZ 100u

/*
 * The kernel's dev_valid_name() rules, checked here so the message can say
 * what is wrong; control characters are refused too, as they would garble
 * every message and log line that carries the name.
 */
int bridge_check_ifname(const char *name, struct bridge_error *err)
{
	size_t len;

	if (name == NULL || name[0] == '\0')
		return bridge_fail(err, -EINVAL, "empty interface name");
	len = strnlen(name, IFNAMSIZ);
	if (len >= IFNAMSIZ)
		return bridge_fail(err, -EINVAL,
				   "interface name \"%.*s...\" is longer than %d characters",
				   IFNAMSIZ - 1, name, IFNAMSIZ - 1);
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return bridge_fail(err, -EINVAL, "invalid interface name \"%s\"",
				   name);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c == '/' || c == ':' || c <= ' ' || c == 0x7f)
			return bridge_fail(err, -EINVAL,
					   "invalid interface name \"%s\": "
					   "no '/', ':', blanks or control characters",
					   name);
	}
	return 0;
}

int bridge_link_query(struct bridge_ctx *ctx, const char *name,
		      struct bridge_link_info *out, struct bridge_error *err)
{
	struct rtnl_link *link = NULL;
	struct nl_addr *mac;
	const char *kind;
	int rc;

	if (ctx == NULL || out == NULL)
		return bridge_fail(err, -EINVAL, "bridge_link_query: bad arguments");
	memset(out, 0, sizeof(*out));
	rc = bridge_check_ifname(name, err);
	if (rc < 0)
		return rc;

	bridge_ack_reset(ctx);
	rc = rtnl_link_get_kernel(ctx->sk, 0, name, &link);
	if (rc < 0) {
		/*
		 * A name nobody uses is an answer, not a failure. This libnl
		 * call installs its own error hook, so the kernel's ENODEV
		 * arrives as libnl's NLE_NODEV rather than through ours.
		 */
		if (rc == -NLE_NODEV || ctx->ack.error == -ENODEV) {
			bridge_ack_reset(ctx);
			return 0;
		}
		return bridge_nl_fail(ctx, rc, err, "cannot look up link %s",
				      name);
	}

	out->exists = true;
	out->ifindex = rtnl_link_get_ifindex(link);
	out->mtu = rtnl_link_get_mtu(link);
	out->up = (rtnl_link_get_flags(link) & IFF_UP) != 0;
	/* IFLA_INFO_KIND: "bridge" for a software bridge of any origin. */
	kind = rtnl_link_get_type(link);
	out->is_bridge = kind != NULL && strcmp(kind, "bridge") == 0;
	mac = rtnl_link_get_addr(link);
	if (mac != NULL && nl_addr_get_len(mac) == sizeof(out->mac))
		memcpy(out->mac, nl_addr_get_binary_addr(mac), sizeof(out->mac));
	rtnl_link_put(link);
	return 0;
}

/*
 * eth_validate_addr() refuses to bring up a bridge whose address is zero or
 * multicast, but only at "up" time; catching it here keeps the failure at
 * the step that caused it.
 */
static int check_mac(const uint8_t mac[6], struct bridge_error *err)
{
	static const uint8_t zero[6];

	if (memcmp(mac, zero, sizeof(zero)) == 0 || (mac[0] & 1))
		return bridge_fail(err, -EINVAL,
				   "invalid bridge MAC %02x:%02x:%02x:%02x:%02x:%02x: "
				   "it must be unicast and not all zero",
				   mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return 0;
}

/*
 * libnl 3.7 has no setters for the bridge's own IFLA_BR_* attributes, so
 * the creation request is assembled here. One RTM_NEWLINK carries name, MAC
 * and bridge options; the kernel's br_dev_newlink() applies IFLA_BR_* after
 * registering the device and removes it again if any of them fails, so a
 * failed create leaves nothing behind.
 *
 * br_changelink() applies IFLA_BR_FORWARD_DELAY before IFLA_BR_STP_STATE.
 * At that point STP is still off and any delay is accepted; turning STP on
 * then pulls it into [2 s, 30 s] (br_stp_start()). Sending the delay after
 * STP instead would fail with ERANGE for libvirt's default delay="0".
 */
static int build_create(const struct bridge_config *cfg, struct nl_msg **ret)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nlattr *info, *data;
	struct nl_msg *msg;

	msg = nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL);
	if (msg == NULL)
		return -NLE_NOMEM;
	if (nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0)
		goto nomem;
	if (nla_put_string(msg, IFLA_IFNAME, cfg->name) < 0)
		goto nomem;
	/*
	 * An address given at creation marks it NET_ADDR_SET, which stops the
	 * bridge from taking the lowest port MAC as ports come and go
	 * (br_stp_recalculate_bridge_id()) — why libvirt pins one.
	 */
	if (cfg->has_mac && nla_put(msg, IFLA_ADDRESS, 6, cfg->mac) < 0)
		goto nomem;

	info = nla_nest_start(msg, IFLA_LINKINFO);
	if (info == NULL || nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0)
		goto nomem;
	data = nla_nest_start(msg, IFLA_INFO_DATA);
	if (data == NULL)
		goto nomem;
	if (nla_put_u32(msg, IFLA_BR_FORWARD_DELAY,
			cfg->forward_delay_s * BRIDGE_USER_HZ) < 0)
		goto nomem;
	if (nla_put_u32(msg, IFLA_BR_STP_STATE, cfg->stp ? 1 : 0) < 0)
		goto nomem;
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);

	*ret = msg;
	return 0;
nomem:
	nlmsg_free(msg);
	return -NLE_NOMEM;
}

/*
 * A change request by name alone: with no ifindex in `changes`, libnl puts
 * IFLA_IFNAME in the message and the kernel looks the device up by it,
 * which saves a round trip and answers ENODEV for a missing link.
 */
static int change_by_name(struct bridge_ctx *ctx, struct rtnl_link *changes)
{
	bridge_ack_reset(ctx);
	return rtnl_link_change(ctx->sk, changes, changes, 0);
}

static int set_mtu(struct bridge_ctx *ctx, const char *name, unsigned mtu,
		   struct bridge_error *err)
{
	struct rtnl_link *changes = rtnl_link_alloc();
	int rc;

	if (changes == NULL)
		return bridge_fail(err, -ENOMEM,
				   "cannot set MTU of %s: out of memory", name);
	rtnl_link_set_name(changes, name);
	rtnl_link_set_mtu(changes, mtu);
	rc = change_by_name(ctx, changes);
	rtnl_link_put(changes);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot set MTU of %s to %u",
				      name, mtu);
	return 0;
}

int bridge_create(struct bridge_ctx *ctx, const struct bridge_config *cfg,
		  struct bridge_error *err)
{
	struct nl_msg *msg = NULL;
	int rc;

	if (ctx == NULL || cfg == NULL)
		return bridge_fail(err, -EINVAL, "bridge_create: bad arguments");
	rc = bridge_check_ifname(cfg->name, err);
	if (rc < 0)
		return rc;
	if (cfg->has_mac && (rc = check_mac(cfg->mac, err)) < 0)
		return rc;
	if (cfg->forward_delay_s > UINT32_MAX / BRIDGE_USER_HZ)
		return bridge_fail(err, -ERANGE,
				   "cannot create bridge %s: forward delay %u s is out of range",
				   cfg->name, cfg->forward_delay_s);

	rc = build_create(cfg, &msg);
	if (rc < 0)
		return bridge_fail(err, -ENOMEM,
				   "cannot create bridge %s: out of memory", cfg->name);
	bridge_ack_reset(ctx);
	rc = nl_send_sync(ctx->sk, msg);   /* frees msg */
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot create bridge %s",
				      cfg->name);

	/*
	 * The MTU is a second request on purpose. IFLA_MTU in the creation
	 * message is copied straight into dev->mtu, bypassing ndo_change_mtu,
	 * so the bridge never records BROPT_MTU_SET_BY_USER and drops to its
	 * smallest port's MTU as soon as a 1500-byte tap joins
	 * (br_mtu_auto_adjust()). A change after creation pins it, as
	 * libvirt's SIOCSIFMTU does.
	 */
	if (cfg->mtu != 0) {
		rc = set_mtu(ctx, cfg->name, cfg->mtu, err);
		if (rc < 0) {
			/* Leave nothing half made; the MTU error is the news. */
			struct bridge_error ignored;

			(void)bridge_delete(ctx, cfg->name, &ignored);
			return rc;
		}
	}
	return 0;
}

int bridge_delete(struct bridge_ctx *ctx, const char *name,
		  struct bridge_error *err)
{
	struct rtnl_link *link;
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_delete: no context");
	rc = bridge_check_ifname(name, err);
	if (rc < 0)
		return rc;

	link = rtnl_link_alloc();
	if (link == NULL)
		return bridge_fail(err, -ENOMEM,
				   "cannot delete link %s: out of memory", name);
	/* No ifindex: libnl sends RTM_DELLINK with IFLA_IFNAME. */
	rtnl_link_set_name(link, name);
	bridge_ack_reset(ctx);
	rc = rtnl_link_delete(ctx->sk, link);
	rtnl_link_put(link);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot delete link %s", name);
	return 0;
}

int bridge_set_up(struct bridge_ctx *ctx, const char *name, bool up,
		  struct bridge_error *err)
{
	struct rtnl_link *changes;
	int rc;

	if (ctx == NULL)
		return bridge_fail(err, -EINVAL, "bridge_set_up: no context");
	rc = bridge_check_ifname(name, err);
	if (rc < 0)
		return rc;

	changes = rtnl_link_alloc();
	if (changes == NULL)
		return bridge_fail(err, -ENOMEM, "cannot set %s %s: out of memory",
				   name, up ? "up" : "down");
	rtnl_link_set_name(changes, name);
	/* Only IFF_UP goes into ifi_change, so no other flag is touched. */
	if (up)
		rtnl_link_set_flags(changes, IFF_UP);
	else
		rtnl_link_unset_flags(changes, IFF_UP);
	rc = change_by_name(ctx, changes);
	rtnl_link_put(changes);
	if (rc < 0)
		return bridge_nl_fail(ctx, rc, err, "cannot set %s %s", name,
				      up ? "up" : "down");
	return 0;
}
