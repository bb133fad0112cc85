/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `start`: the steps read as one list in start_steps(). Each step that
 * changes the host records itself in the run state's undo list as it is
 * taken; a step that fails replays that list backwards (undo_all), and the
 * list saved at the end is what `stop` replays.
 */
#include "netd/host/host-internal.h"
#include "netd/adapt/adapt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* every address is a subnet of the firewall's, which holds that many of each family */
_Static_assert(HOST_MAX_ADDRS <= NAT_MAX_SUBNETS, "addresses the firewall cannot cover");

struct start_ctx {
	struct host_sys *sys;
	const struct vnetd_paths *paths;
	const struct lifecycle_opts *opts;
	struct netdef *def;
	struct net_setup setup;         /* the bridge's and the firewall's configs */
	bool have_setup;
	struct run_state st;            /* the undo list, as it grows */
	char *msg;
	size_t msg_size;
};

static int failf(struct start_ctx *c, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int failf(struct start_ctx *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->msg, c->msg_size, fmt, ap);
	va_end(ap);
	return code;
}

/* The record of a step about to be taken. */
static struct undo_rec *step(struct start_ctx *c, enum undo_kind kind)
{
	struct undo_rec *u = undo_slot(&c->st, kind);

	/* prepare() bounds the addresses, so the list has room: running out is a bug */
	if (!u)
		abort();
	return u;
}

static int check_conflicts(struct start_ctx *c)
{
	const struct host_ops *ops = c->sys->ops;
	struct bridge_link_info li;
	struct bridge_error be = { 0 };
	char ifname[IF_NAMESIZE + 1] = "", net[INET6_ADDRSTRLEN + 4];
	struct run_addr subnets[2 * HOST_MAX_ADDRS];
	size_t i, n = host_net_addrs(c->def, true, subnets, 2 * HOST_MAX_ADDRS);
	int r;

	if ((r = ops->link_query(c->sys, c->def->bridge_name, &li, &be)) < 0)
		return failf(c, r, "%s", be.message);
	if (li.exists)
		return failf(c, -EEXIST,
			     "interface %s already exists and was not created by vnetd; "
			     "choose another <bridge name>", c->def->bridge_name);
	for (i = 0; i < n; i++) {
		r = ops->subnet_conflict(c->sys, &subnets[i], ifname, &be);
		if (r < 0)
			return failf(c, r, "%s", be.message);
		if (r > 0)
			return failf(c, -EADDRINUSE, "subnet %s is already in use by interface %s",
				     host_addr_text(&subnets[i], net, sizeof(net)), ifname);
	}
	return 0;
}

static int create_bridge(struct start_ctx *c)
{
	struct undo_rec *u = step(c, UNDO_BRIDGE);
	struct bridge_error be = { 0 };
	int r;

	r = c->sys->ops->bridge_create(c->sys, &c->setup.bridge, &u->ifindex, &be);
	if (r < 0)
		return failf(c, r, "%s", be.message);
	snprintf(u->ifname, sizeof(u->ifname), "%s", c->setup.bridge.name);
	undo_commit(&c->st);
	return 0;
}

/*
 * The bridge's IPv6 sysctls (addrs.c says which). A host without IPv6 has
 * none of them: fine for a network without IPv6, a clear refusal for one
 * with it.
 */
static int set_link_sysctls(struct start_ctx *c)
{
	struct host_sysctl want[4];
	size_t n = host_bridge_sysctls(c->def, want, 4), i;
	struct bridge_error be = { 0 };
	int r;

	for (i = 0; i < n; i++) {
		struct undo_rec *u = step(c, UNDO_SYSCTL);

		_Static_assert(sizeof(u->path) == sizeof(want[i].path) &&
			       sizeof(u->value) == sizeof(want[i].value), "one layout");
		memcpy(u->path, want[i].path, sizeof(u->path));
		memcpy(u->value, want[i].value, sizeof(u->value));
		r = c->sys->ops->sysctl_set(c->sys, u->path, u->value, &be);
		if (r == -ENOENT && !host_net_has_ipv6(c->def))
			return 0;
		if (r == -ENOENT)
			return failf(c, r, "network '%s' has IPv6, but this host has no IPv6 "
				     "(no /proc/sys/net/%s)", c->def->name, u->path);
		if (r < 0)
			return failf(c, r, "%s", be.message);
		undo_commit(&c->st);
	}
	return 0;
}

static int add_addresses(struct start_ctx *c)
{
	struct run_addr addrs[2 * HOST_MAX_ADDRS];
	size_t n = host_net_addrs(c->def, false, addrs, 2 * HOST_MAX_ADDRS), i;
	struct bridge_error be = { 0 };
	int r;

	for (i = 0; i < n; i++) {
		struct undo_rec *u = step(c, UNDO_ADDRESS);

		r = c->sys->ops->addr_add(c->sys, c->def->bridge_name, &addrs[i], &be);
		if (r < 0)
			return failf(c, r, "%s", be.message);
		snprintf(u->ifname, sizeof(u->ifname), "%s", c->def->bridge_name);
		u->address = addrs[i];
		undo_commit(&c->st);
	}
	return 0;
}

/*
 * Check that the bridge name and subnets are free, and take them. The check
 * and the taking are one step for every network of this run directory (the
 * claims lock): two networks with one subnet started at once would otherwise
 * both find it free. The slow steps (firewall, daemons) come after it.
 */
static int claim(struct start_ctx *c)
{
	int lock, r;

	lock = state_lock_claims(c->paths);
	if (lock < 0)
		return failf(c, lock, "cannot lock %s/.start.lock: %s", c->paths->rundir,
			     strerror(-lock));
	if ((r = check_conflicts(c)) == 0 && (r = create_bridge(c)) == 0 &&
	    (r = set_link_sysctls(c)) == 0)
		r = add_addresses(c);
	close(lock);
	return r;
}

/* The firewall for the forward mode, as one nftables table of the network's own. */
static int install_firewall(struct start_ctx *c)
{
	const struct nat_config *cfg = &c->setup.firewall;
	struct undo_rec *u = step(c, UNDO_FIREWALL);
	struct nat_error ne = { 0 };
	int r;

	if ((r = c->sys->ops->nat_install(c->sys, cfg, &ne)) < 0)
		return failf(c, r, "%s", ne.message);
	/* open: no table at all, so nothing to undo */
	if (cfg->mode != NAT_MODE_OPEN && nat_table_name(c->def->name, u->table,
							 sizeof(u->table)))
		undo_commit(&c->st);
	return 0;
}

/* libvirt adds the routes of <route> once the bridge's addresses are up. */
static int add_routes(struct start_ctx *c)
{
	return host_add_routes(c->sys, c->def, &c->st, c->msg, c->msg_size);
}

/* firewalld's zone and resolved's DNS for the bridge: best effort, never a failure */
static int join_services(struct start_ctx *c)
{
	host_join_services(c->sys, c->def, &c->st);
	return 0;
}

/* Up goes with the bridge: no step of its own to undo. */
static int bring_up(struct start_ctx *c)
{
	struct bridge_error be = { 0 };
	int r;

	if ((r = c->sys->ops->set_up(c->sys, c->def->bridge_name, &be)) < 0)
		return failf(c, r, "%s", be.message);
	return 0;
}

/*
 * nat, route and open forward between the bridge and the outside (open is
 * routing with no rules at all). Like libvirt, forwarding is switched on
 * and left on at stop, so it is not recorded: another network (or the
 * admin) may rely on it, and turning it off under them would cut them off.
 * IPv6 forwarding only for a network with an IPv6 address; as with
 * libvirt, it makes the host's other links ignore router advertisements
 * unless their accept_ra is 2.
 */
static int enable_forwarding(struct start_ctx *c)
{
	struct bridge_error be = { 0 };
	int r;

	if (!c->def->forward.given)
		return 0;
	if ((r = c->sys->ops->sysctl_set(c->sys, "ipv4/ip_forward", "1", &be)) < 0)
		return failf(c, r, "%s", be.message);
	if (c->def->n_ip6s > 0 &&
	    (r = c->sys->ops->sysctl_set(c->sys, "ipv6/conf/all/forwarding", "1", &be)) < 0)
		return failf(c, r, "%s", be.message);
	return 0;
}

/* The serving daemon (DHCP and DNS). start returns once it is ready. */
static int start_daemon(struct start_ctx *c)
{
	struct undo_rec *u = step(c, UNDO_DAEMON);
	int r = host_spawn_daemon(c->sys, c->paths, c->def, c->opts, u, c->msg, c->msg_size);

	if (r == 0)
		undo_commit(&c->st);
	return r;
}

/* The keeper puts the firewall back if someone deletes it (none for open). */
static int start_keeper(struct start_ctx *c)
{
	const struct undo_rec *d = run_state_find(&c->st, UNDO_DAEMON);
	struct undo_rec *u;
	int r;

	if (!run_state_find(&c->st, UNDO_FIREWALL))
		return 0;
	u = step(c, UNDO_KEEPER);
	if ((r = host_spawn_keeper(c->sys, c->paths, c->def, c->opts, d, u, c->msg, c->msg_size)) == 0)
		undo_commit(&c->st);
	return r;
}

/* Who restarts the daemon if it dies: a process of its own, or systemd's. */
static int start_supervisor(struct start_ctx *c)
{
	const struct undo_rec *d = run_state_find(&c->st, UNDO_DAEMON);
	struct undo_rec *u = step(c, UNDO_SUPERVISOR);
	int r;

	r = host_spawn_supervisor(c->sys, c->paths, c->st.name, c->def, c->opts, d, u, c->msg,
				  c->msg_size);
	if (r == 0)
		undo_commit(&c->st);
	return r;
}

/* The ports attached before (and still there) join again; see netd/host/ports.c. */
static int reattach_ports(struct start_ctx *c)
{
	return ports_reattach(c->sys, c->paths, &c->st, c->msg, c->msg_size);
}

/* The hook's `start begin`: a non-zero exit refuses the start before anything changed. */
static int run_start_hook(struct start_ctx *c)
{
	char *xml = netdef_format(c->def);
	int r = host_hook(c->paths, c->def->name, "start", "begin", xml, NULL, NULL);

	free(xml);
	if (r > 0)
		return failf(c, -ECANCELED, "the hook %s/hooks/network refused the start (exit "
			     "status %d)", c->paths->confdir, r);
	if (r < 0)
		return failf(c, r, "cannot run the hook %s/hooks/network: %s", c->paths->confdir,
			     strerror(-r));
	return 0;
}

/* The undo list, and the definition that runs (what `reload` compares with). */
static int record_state(struct start_ctx *c)
{
	int r = c->sys->ops->save(c->sys, c->paths, &c->st, c->msg, c->msg_size);

	if (r == 0 && (r = state_write_def(c->paths, c->def)) < 0)
		return failf(c, r, "cannot record the running definition of %s: %s", c->def->name,
			     strerror(-r));
	return r;
}

/* Load the definition and give it what libvirt would have saved into it. */
int host_load_definition(const struct vnetd_paths *paths, const char *name,
			 struct netdef **def, char *msg, size_t msg_size)
{
	struct netdef_error err;
	char buf[600];
	bool changed;
	int r;

	*def = NULL;
	r = store_load(paths, name, def, &err);
	if (r == -ENOENT)
		snprintf(msg, msg_size, "network '%s' is not defined (see vnetd define)", name);
	if (r < 0 && r != -ENOENT) {
		netdef_error_format(&err, buf, sizeof(buf));
		snprintf(msg, msg_size, "%s", buf);
	}
	if (r == 0 && (r = store_complete(paths, *def, &changed, msg, msg_size)) == 0 &&
	    changed && (r = store_save(paths, *def)) < 0)
		snprintf(msg, msg_size, "cannot save the completed definition of '%s': %s", name,
			 strerror(-r));
	if (r < 0) {
		netdef_free(*def);
		*def = NULL;
	}
	return r;
}

/* Everything start needs before it changes anything, and the record's header. */
static int prepare(struct start_ctx *c, const char *name)
{
	int r;

	if ((r = host_load_definition(c->paths, name, &c->def, c->msg, c->msg_size)) < 0)
		return r;
	if (c->def->n_ips > HOST_MAX_ADDRS)
		return failf(c, -E2BIG, "network '%s' has %zu addresses; vnetd puts at most %d "
			     "on a bridge", name, c->def->n_ips, HOST_MAX_ADDRS);
	if (c->def->n_ip6s > HOST_MAX_ADDRS)
		return failf(c, -E2BIG, "network '%s' has %zu IPv6 addresses; vnetd puts at most "
			     "%d on a bridge", name, c->def->n_ip6s, HOST_MAX_ADDRS);
	if (c->def->n_routes > HOST_MAX_ROUTES)
		return failf(c, -E2BIG, "network '%s' has %zu routes; vnetd adds at most %d",
			     name, c->def->n_routes, HOST_MAX_ROUTES);
	if (c->def->n_routes6 > HOST_MAX_ROUTES)
		return failf(c, -E2BIG, "network '%s' has %zu IPv6 routes; vnetd adds at most %d",
			     name, c->def->n_routes6, HOST_MAX_ROUTES);
	if ((r = net_setup_build(c->def, NULL, 0, NULL, &c->setup, c->msg, c->msg_size)) < 0)
		return r;
	c->have_setup = true;
	snprintf(c->st.name, sizeof(c->st.name), "%s", c->def->name);
	netdef_uuid_format(c->def->uuid, c->st.uuid);
	c->st.mode = c->def->forward.given ? c->def->forward.mode : NETDEF_FWD_NONE;
	c->st.started = (long long)time(NULL);
	return 0;
}

/*
 * Undo what a failed start did; say so when that fails too (what is left
 * then stays recorded, for `stop` to finish).
 */
static int rollback(struct start_ctx *c, int r)
{
	char why[400];
	size_t len;

	if (undo_all(c->sys, c->paths, &c->st, why, sizeof(why)) < 0) {
		len = strlen(c->msg);
		snprintf(c->msg + len, c->msg_size - len, "; undoing it failed too: %s", why);
	}
	return r;
}

/* started, then each port attached again: their events and hooks. */
static void announce(struct start_ctx *c)
{
	size_t i;

	host_network_hook(c->paths, c->st.name, "started", "begin");
	for (i = 0; i < c->st.n_undo; i++)
		if (c->st.undo[i].kind == UNDO_PORT)
			host_port_event(c->paths, &c->st, c->st.undo[i].ifname, true);
}

/* The steps of start, in order. */
static int start_steps(struct start_ctx *c)
{
	int r;

	if ((r = claim(c)) < 0 || (r = install_firewall(c)) < 0 || (r = bring_up(c)) < 0 ||
	    (r = add_routes(c)) < 0 || (r = join_services(c)) < 0 ||
	    (r = enable_forwarding(c)) < 0 || (r = start_daemon(c)) < 0 ||
	    (r = start_keeper(c)) < 0 || (r = start_supervisor(c)) < 0 ||
	    (r = reattach_ports(c)) < 0 || (r = record_state(c)) < 0)
		return rollback(c, r);
	announce(c);
	return 0;
}

/* Is the record's bridge still the very link start made? */
static bool bridge_intact(struct start_ctx *c, const struct run_state *st)
{
	const struct undo_rec *br = run_state_find(st, UNDO_BRIDGE);
	struct bridge_link_info li;
	struct bridge_error be = { 0 };

	return br && c->sys->ops->link_query(c->sys, br->ifname, &li, &be) == 0 && li.exists &&
	       li.ifindex == br->ifindex;
}

/*
 * What an earlier run left: 1 if it runs, 2 if it was taken over (its
 * bridge stayed: the processes that were missing run again), 0 when
 * nothing (more) is left.
 */
static int check_earlier(struct start_ctx *c, const char *name)
{
	struct run_state old;
	char why[400];
	int r;

	r = state_read(c->paths, name, &old, why, sizeof(why));
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return failf(c, r, "cannot read the run state of the last start: %s", why);
	if (bridge_intact(c, &old)) {
		r = host_adopt(c->sys, c->paths, c->opts, &old, c->msg, c->msg_size);
		if (r > 0)
			c->st = old;
		return r;
	}
	/* stale: clean it away so that this start begins afresh */
	if ((r = undo_all(c->sys, c->paths, &old, why, sizeof(why))) < 0)
		return failf(c, r, "cannot clean up what the last start left: %s", why);
	return 0;
}

static int start_locked(struct start_ctx *c, const char *name)
{
	struct bridge_error be = { 0 };
	int r;

	if ((r = c->sys->ops->open(c->sys, &be)) < 0)
		return failf(c, r, "%s", be.message);
	if ((r = check_earlier(c, name)) == 0 && (r = prepare(c, name)) == 0 &&
	    (r = run_start_hook(c)) == 0)
		r = start_steps(c);
	c->sys->ops->close(c->sys);
	return r;
}

int lifecycle_start_on(struct host_sys *sys, const struct vnetd_paths *paths, const char *name,
		       const struct lifecycle_opts *opts, struct run_state *st, char *msg,
		       size_t msg_size)
{
	static const struct lifecycle_opts defaults;
	struct start_ctx c = {
		.sys = sys, .paths = paths, .opts = opts ? opts : &defaults, .msg = msg,
		.msg_size = msg_size
	};
	int lock, r;

	lock = state_lock(paths, name, msg, msg_size);
	if (lock < 0)
		return lock;
	r = start_locked(&c, name);
	if ((r == 0 || r == 2) && st)
		*st = c.st;
	if (c.have_setup)
		net_setup_free(&c.setup);
	netdef_free(c.def);
	close(lock);
	return r;
}

int lifecycle_start(const struct vnetd_paths *paths, const char *name,
		    const struct lifecycle_opts *opts, struct run_state *st, char *msg,
		    size_t msg_size)
{
	struct host_sys sys;

	host_sys_default(&sys);
	return lifecycle_start_on(&sys, paths, name, opts, st, msg, msg_size);
}
