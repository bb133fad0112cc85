/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Changing a running network: `update --live` (an edit of what runs) and
 * `reload` (the stored definition, compared with what runs). What can
 * change live goes live: DHCP and DNS through the daemon's control socket,
 * which keeps every lease; the firewall as a new table that replaces the
 * old one in the same nftables batch (never a moment without NAT), and the
 * keeper told to keep the new one. What cannot is named, one line each,
 * and left as it runs. The definition that runs is recorded after each
 * change (RUNDIR/NAME.xml), so the next reload compares with it.
 */
#include "netd/host/host-internal.h"
#include "netd/host/keeper.h"
#include "netd/adapt/adapt.h"
#include "netd/ctl/ctl.h"
#include "netd/serve/serve.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct live_ctx {
	struct host_sys *sys;
	const struct vnetd_paths *paths;
	const char *origin;             /* "update" or "reload", for the daemon's log */
	struct run_state st;
	struct netdef *run, *next;
	struct netdef *donor;           /* reload: a second copy of what runs, to take parts from */
	bool open;                      /* a session of the operations table */
	char *out;
	size_t out_size, out_len;
	char *msg;
	size_t msg_size;
};

static void say(struct live_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(struct live_ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->out_len >= c->out_size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->out + c->out_len, c->out_size - c->out_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		c->out_len += (size_t)n < c->out_size - c->out_len ? (size_t)n
								   : c->out_size - c->out_len - 1;
}

static int failf(struct live_ctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int failf(struct live_ctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, c->msg_size, fmt, ap);
	va_end(ap);
	return code;
}

static bool same_firewall(const struct nat_config *a, const struct nat_config *b)
{
	size_t i;

	if (a->mode != b->mode || strcmp(a->bridge, b->bridge) ||
	    (a->outdev ? !b->outdev || strcmp(a->outdev, b->outdev) : b->outdev != NULL) ||
	    a->n_subnets != b->n_subnets || a->has_addr_range != b->has_addr_range ||
	    a->addr_start.s_addr != b->addr_start.s_addr ||
	    a->addr_end.s_addr != b->addr_end.s_addr || a->port_start != b->port_start ||
	    a->port_end != b->port_end)
		return false;
	for (i = 0; i < a->n_subnets; i++)
		if (a->subnets[i].net.s_addr != b->subnets[i].net.s_addr ||
		    a->subnets[i].prefix != b->subnets[i].prefix)
			return false;
	if (a->n_subnets6 != b->n_subnets6 || a->nat_ipv6 != b->nat_ipv6 || a->tftp != b->tftp)
		return false;
	for (i = 0; i < a->n_subnets6; i++)
		if (memcmp(&a->subnets6[i].net, &b->subnets6[i].net, sizeof(struct in6_addr)) ||
		    a->subnets6[i].prefix != b->subnets6[i].prefix)
			return false;
	return true;
}

static const char *mode_of(const struct netdef *def)
{
	return netdef_forward_mode_name(def->forward.given ? def->forward.mode : NETDEF_FWD_NONE);
}

/* The keeper keeps the new firewall from now on (it reads RUNDIR/NAME.fw again on SIGHUP). */
static void tell_keeper(struct live_ctx *c)
{
	const struct undo_rec *k = run_state_find(&c->st, UNDO_KEEPER);
	char why[300];
	int fd;

	if (!k)
		return;
	if (keeper_write_firewall(c->paths, c->next, why, sizeof(why)) < 0) {
		say(c, "warning: the firewall keeper keeps the old firewall: %s\n", why);
		return;
	}
	if ((fd = (int)syscall(SYS_pidfd_open, k->pid, 0)) < 0)
		return;
	/* the pidfd pins the process: checked once, it cannot be a reused pid */
	if (proc_alive(k->pid, k->start) &&
	    syscall(SYS_pidfd_send_signal, fd, SIGHUP, NULL, 0) < 0)
		say(c, "warning: cannot tell the firewall keeper: %s\n", strerror(errno));
	close(fd);
}

/* The daemon's part, through its control socket. */
static int daemon_apply(struct live_ctx *c)
{
	struct ctl_arg origin = { "origin", "" };
	char *xml = netdef_format(c->next), *reply = NULL;
	int r;

	if (!xml)
		return failf(c, -ENOMEM, "out of memory");
	snprintf(origin.value, sizeof(origin.value), "%s", c->origin);
	r = ctl_request(c->paths, c->st.name, CTL_APPLY, &origin, 1, xml, strlen(xml), &reply,
			c->msg, c->msg_size);
	free(xml);
	if (r == 0)
		say(c, "%s", reply);
	free(reply);
	return r;
}

/* The new table replaces the old in one batch; forwarding on as start does. */
static int firewall_apply(struct live_ctx *c, const struct nat_config *cfg)
{
	struct bridge_error be = { 0 };
	struct nat_error ne = { 0 };
	int r;

	if (c->next->forward.given && !c->run->forward.given &&
	    c->sys->ops->sysctl_set(c->sys, "ipv4/ip_forward", "1", &be) < 0)
		return failf(c, -EIO, "%s", be.message);
	if ((r = c->sys->ops->nat_install(c->sys, cfg, &ne)) < 0)
		return failf(c, r, "the firewall was not changed: %s", ne.message);
	say(c, "changed live: firewall (forward mode %s -> %s%s%s)\n", mode_of(c->run),
	    mode_of(c->next), cfg->outdev ? ", dev " : "", cfg->outdev ? cfg->outdev : "");
	c->st.mode = c->next->forward.given ? c->next->forward.mode : NETDEF_FWD_NONE;
	return 0;
}

/* Everything in `ch` (all of it live-able) goes live, then is recorded. */
static int go_live(struct live_ctx *c, unsigned ch)
{
	struct nat_config old_fw, new_fw;
	bool fw;
	int r;

	firewall_config(c->run, &old_fw);
	firewall_config(c->next, &new_fw);
	fw = !same_firewall(&old_fw, &new_fw);
	if ((ch & SERVE_LIVE_CHANGES) && (r = daemon_apply(c)) < 0)
		return r;
	if (fw && (r = firewall_apply(c, &new_fw)) < 0)
		return r;
	if ((r = state_write_def(c->paths, c->next)) < 0)
		return failf(c, r, "changed, but cannot record what runs: %s", strerror(-r));
	if (fw) {
		if ((r = c->sys->ops->save(c->sys, c->paths, &c->st, c->msg, c->msg_size)) < 0)
			return r;
		tell_keeper(c);
	}
	if (!ch && !fw && !c->out_len)
		say(c, "nothing to change\n");
	return 0;
}

/* The network must run, with a record of what it runs. */
static int load_running(struct live_ctx *c, const char *name)
{
	struct bridge_error be = { 0 };
	int r;

	r = state_read(c->paths, name, &c->st, c->msg, c->msg_size);
	if (r == -ENOENT)
		return failf(c, -ESRCH, "network '%s' is not running", name);
	if (r < 0)
		return r;
	if ((r = c->sys->ops->open(c->sys, &be)) < 0)
		return failf(c, r, "%s", be.message);
	c->open = true;
	if (run_status(c->sys, &c->st) != NET_ACTIVE)
		return failf(c, -ESRCH, "network '%s' is not running (its daemon or bridge is "
			     "gone; see vnetd stop)", name);
	return state_read_def(c->paths, name, &c->run, c->msg, c->msg_size);
}

static void live_free(struct live_ctx *c)
{
	if (c->open)
		c->sys->ops->close(c->sys);
	netdef_free(c->run);
	netdef_free(c->next);
	netdef_free(c->donor);
}

static int validate(struct live_ctx *c)
{
	struct netdef_error err;
	int r;

	if ((r = netdef_validate(c->next, &err)) < 0)
		netdef_error_format(&err, c->msg, c->msg_size);
	return r;
}

static int update_locked(struct live_ctx *c, const char *name, live_edit_fn edit, void *arg)
{
	struct netdef_error err;
	unsigned ch;
	int r;

	if ((r = load_running(c, name)) < 0 ||
	    (r = state_read_def(c->paths, name, &c->next, c->msg, c->msg_size)) < 0)
		return r;
	if ((r = edit(c->next, arg, &err)) < 0) {
		netdef_error_format(&err, c->msg, c->msg_size);
		return r;
	}
	if ((r = validate(c)) < 0)
		return r;
	ch = netdef_diff(c->run, c->next);
	if (ch & ~SERVE_LIVE_CHANGES)
		return failf(c, -EINVAL, "this change cannot be made live (%s); use --config and "
			     "restart the network", netdef_change_name(ch & ~SERVE_LIVE_CHANGES &
								       -(ch & ~SERVE_LIVE_CHANGES)));
	return go_live(c, ch);
}

int live_update(const struct vnetd_paths *paths, const char *name, live_edit_fn edit, void *arg,
		char *out, size_t out_size, char *msg, size_t msg_size)
{
	struct host_sys sys;
	struct live_ctx c = { .sys = &sys, .paths = paths, .origin = "update", .out = out,
			      .out_size = out_size, .msg = msg, .msg_size = msg_size };
	int lock, r;

	host_sys_default(&sys);
	out[0] = '\0';
	if ((lock = state_lock(paths, name, msg, msg_size)) < 0)
		return lock;
	r = update_locked(&c, name, edit, arg);
	live_free(&c);
	close(lock);
	return r;
}

/* The stored definition, completed as start completes it. */
static int load_stored(struct live_ctx *c, const char *name)
{
	struct netdef_error err;
	bool changed;
	int r;

	if ((r = store_load(c->paths, name, &c->next, &err)) < 0) {
		if (r == -ENOENT)
			return failf(c, r, "network '%s' is not defined", name);
		netdef_error_format(&err, c->msg, c->msg_size);
		return r;
	}
	/* what start generated for it and saved is what runs, if the file lost it */
	if (!c->next->uuid_given)
		memcpy(c->next->uuid, c->run->uuid, sizeof(c->next->uuid));
	if (!c->next->has_mac && c->run->has_mac) {
		c->next->has_mac = true;
		memcpy(c->next->mac, c->run->mac, sizeof(c->next->mac));
	}
	if (!c->next->bridge_name[0] || strchr(c->next->bridge_name, '%'))
		memcpy(c->next->bridge_name, c->run->bridge_name, sizeof(c->next->bridge_name));
	if ((r = store_complete(c->paths, c->next, &changed, c->msg, c->msg_size)) < 0)
		return r;
	if (changed && (r = store_save(c->paths, c->next)) < 0)
		return failf(c, r, "cannot save the completed definition: %s", strerror(-r));
	return 0;
}

/* One line for each part that cannot change live; those parts stay as they run. */
static unsigned name_restarts(struct live_ctx *c, unsigned ch)
{
	unsigned restart = ch & ~(SERVE_LIVE_CHANGES | NETDEF_CH_FORWARD), bit;
	bool open_now = c->run->forward.given && c->run->forward.mode == NETDEF_FWD_OPEN;
	bool open_next = c->next->forward.given && c->next->forward.mode == NETDEF_FWD_OPEN;

	/* open has no table at all: going to or from it is not a table's replacement */
	if ((ch & NETDEF_CH_FORWARD) && (open_now || open_next))
		restart |= NETDEF_CH_FORWARD;
	for (bit = 1; bit; bit <<= 1) {
		if (!(restart & bit))
			continue;
		if (bit == NETDEF_CH_BRIDGE)
			say(c, "needs a restart: bridge name (%s -> %s)\n", c->run->bridge_name,
			    c->next->bridge_name);
		else if (bit == NETDEF_CH_FORWARD)
			say(c, "needs a restart: forward mode (%s -> %s)\n", mode_of(c->run),
			    mode_of(c->next));
		else
			say(c, "needs a restart: %s\n", netdef_change_name(bit));
	}
	return restart;
}

static int reload_locked(struct live_ctx *c, const char *name)
{
	unsigned ch, restart;
	int r;

	if ((r = load_running(c, name)) < 0 || (r = load_stored(c, name)) < 0 ||
	    (r = state_read_def(c->paths, name, &c->donor, c->msg, c->msg_size)) < 0)
		return r;
	ch = netdef_diff(c->run, c->next);
	restart = name_restarts(c, ch);
	host_revert(c->next, c->donor, restart);
	if ((r = validate(c)) < 0)
		return r;
	return go_live(c, ch & ~restart);
}

int lifecycle_reload(const struct vnetd_paths *paths, const char *name, char *out,
		     size_t out_size, char *msg, size_t msg_size)
{
	struct host_sys sys;
	struct live_ctx c = { .sys = &sys, .paths = paths, .origin = "reload", .out = out,
			      .out_size = out_size, .msg = msg, .msg_size = msg_size };
	int lock, r;

	host_sys_default(&sys);
	out[0] = '\0';
	if ((lock = state_lock(paths, name, msg, msg_size)) < 0)
		return lock;
	r = reload_locked(&c, name);
	live_free(&c);
	close(lock);
	return r;
}
