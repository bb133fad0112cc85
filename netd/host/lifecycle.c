/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/host/host.h"
#include "bridge/bridge.h"
#include "nat/nat.h"
#include "netd/serve/serve.h"
#include "netd/host/fault.h"
#include "netd/adapt/adapt.h"
#include "netd/host/keeper.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UNDO_MAX 16

struct start_ctx;

struct undo_step {
	void (*fn)(struct start_ctx *c, const struct undo_step *u);
	char arg[NETDEF_NAME_MAX + 1];      /* a bridge or a network name */
	pid_t pid;                          /* a daemon */
	uint64_t pid_start;
};

struct start_ctx {
	const struct vnetd_paths *paths;
	struct netdef *def;
	struct bridge_ctx *nl;
	struct run_state st;
	struct undo_step undo[UNDO_MAX];
	size_t n_undo;
	const struct lifecycle_opts *opts;
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

/* A start step the test build was told to fail (see netd/fault.h). */
static int fault(struct start_ctx *c, const char *step)
{
	return fault_inject(step, c->msg, c->msg_size);
}

static struct undo_step *push_undo(struct start_ctx *c,
				    void (*fn)(struct start_ctx *, const struct undo_step *),
				    const char *arg)
{
	struct undo_step *u;

	/* UNDO_MAX is far above the steps start has; overflowing is a bug */
	if (c->n_undo >= UNDO_MAX)
		abort();
	u = &c->undo[c->n_undo++];
	memset(u, 0, sizeof(*u));
	u->fn = fn;
	snprintf(u->arg, sizeof(u->arg), "%s", arg ? arg : "");
	return u;
}

static void unwind(struct start_ctx *c)
{
	while (c->n_undo) {
		struct undo_step *u = &c->undo[--c->n_undo];

		u->fn(c, u);
	}
}

static void undo_bridge(struct start_ctx *c, const struct undo_step *u)
{
	bridge_delete(c->nl, u->arg, NULL);
}

static void undo_firewall(struct start_ctx *c, const struct undo_step *u)
{
	(void)c;
	nat_remove(u->arg, NULL);
}

static int check_conflicts(struct start_ctx *c)
{
	struct bridge_link_info li;
	struct bridge_error be;
	char ifname[IF_NAMESIZE + 1] = "", net[INET_ADDRSTRLEN];
	size_t i;
	int r;

	if ((r = bridge_link_query(c->nl, c->def->bridge_name, &li, &be)) < 0)
		return failf(c, r, "%s", be.message);
	if (li.exists)
		return failf(c, -EEXIST,
			     "interface %s already exists and was not created by vnetd; "
			     "choose another <bridge name>", c->def->bridge_name);
	for (i = 0; i < c->def->n_ips; i++) {
		const struct netdef_ip *ip = &c->def->ips[i];
		struct in_addr n = { htonl(ntohl(ip->address.s_addr) & netdef_mask(ip->prefix)) };

		r = bridge_subnet_conflict(c->nl, n, ip->prefix, NULL, ifname, &be);
		if (r < 0)
			return failf(c, r, "%s", be.message);
		if (r > 0)
			return failf(c, -EADDRINUSE,
				     "subnet %s/%u is already in use by interface %s",
				     inet_ntop(AF_INET, &n, net, sizeof(net)), ip->prefix, ifname);
	}
	return 0;
}

static int create_bridge(struct start_ctx *c)
{
	struct bridge_config cfg;
	struct bridge_link_info li;
	struct bridge_error be;
	int r;

	bridge_setup(c->def, &cfg);
	if ((r = fault(c, "bridge")) < 0)
		return r;
	if ((r = bridge_create(c->nl, &cfg, &be)) < 0)
		return failf(c, r, "%s", be.message);
	push_undo(c, undo_bridge, c->def->bridge_name);
	if ((r = bridge_link_query(c->nl, c->def->bridge_name, &li, &be)) < 0)
		return failf(c, r, "%s", be.message);
	snprintf(c->st.bridge, sizeof(c->st.bridge), "%s", c->def->bridge_name);
	c->st.bridge_created = true;
	c->st.ifindex = li.ifindex;
	return 0;
}

/*
 * The bridge carries no IPv6 of vnetd's, so it should not autoconfigure any
 * either (libvirt does the same). Hosts without IPv6 have no such sysctl.
 */
static int set_link_sysctls(struct start_ctx *c)
{
	struct bridge_error be;
	char path[64];
	int r;

	if ((r = fault(c, "sysctl")) < 0)
		return r;
	snprintf(path, sizeof(path), "ipv6/conf/%s/disable_ipv6", c->def->bridge_name);
	if (access("/proc/sys/net/ipv6", F_OK) < 0)
		return 0;
	if ((r = bridge_sysctl_set(path, "1", NULL, 0, &be)) < 0)
		return failf(c, r, "%s", be.message);
	return 0;
}

static int add_addresses(struct start_ctx *c)
{
	struct bridge_error be;
	char a[INET_ADDRSTRLEN];
	size_t i;
	int r;

	for (i = 0; i < c->def->n_ips; i++) {
		const struct netdef_ip *ip = &c->def->ips[i];

		if ((r = fault(c, "address")) < 0)
			return r;
		if ((r = bridge_addr_add(c->nl, c->def->bridge_name, ip->address, ip->prefix,
					 &be)) < 0)
			return failf(c, r, "%s", be.message);
		if (c->st.n_addrs < STATE_MAX_ADDRS)
			snprintf(c->st.addrs[c->st.n_addrs++], sizeof(c->st.addrs[0]), "%s/%u",
				 inet_ntop(AF_INET, &ip->address, a, sizeof(a)), ip->prefix);
	}
	return 0;
}

/*
 * nat, route and open forward between the bridge and the outside (open is
 * routing with no rules at all). Like libvirt,
 * forwarding is switched on and left on at stop: another network (or the
 * admin) may rely on it, and turning it off under them would cut them off.
 */
static int enable_forwarding(struct start_ctx *c)
{
	struct bridge_error be;
	int r;

	if (!c->def->forward.given)
		return 0;
	if ((r = bridge_sysctl_set("ipv4/ip_forward", "1", NULL, 0, &be)) < 0)
		return failf(c, r, "%s", be.message);
	return 0;
}

/* The firewall for the forward mode, as one nftables table of the network's own. */
static int install_firewall(struct start_ctx *c)
{
	struct nat_config cfg;
	struct nat_error ne;
	int r;

	firewall_config(c->def, &cfg);
	if ((r = fault(c, "firewall")) < 0)
		return r;
	if ((r = nat_install(&cfg, &ne)) < 0)
		return failf(c, r, "%s", ne.message);
	if (cfg.mode != NAT_MODE_OPEN) {
		push_undo(c, undo_firewall, c->def->name);
		c->st.firewall = true;
	}
	return 0;
}

static int bring_up(struct start_ctx *c)
{
	struct bridge_error be;
	int r;

	if ((r = fault(c, "up")) < 0)
		return r;
	if ((r = bridge_set_up(c->nl, c->def->bridge_name, true, &be)) < 0)
		return failf(c, r, "%s", be.message);
	return 0;
}

static void undo_process(struct start_ctx *c, const struct undo_step *u)
{
	(void)c;
	proc_terminate(u->pid, u->pid_start, 5000);
}

static int daemon_child(void *arg, int ready_fd)
{
	struct start_ctx *c = arg;
	struct daemon_opts d = {
		.foreground = c->opts->foreground, .probe = !c->opts->no_probe,
		.new_client_rate = c->opts->new_client_rate,
	};

	return daemon_run(c->paths, c->def, ready_fd, &d);
}

/* Fork one of the network's processes and remember to end it if start fails later. */
static int spawn_undoable(struct start_ctx *c, const char *step, spawn_fn fn, void *arg,
			  pid_t *pid, uint64_t *start_time)
{
	struct undo_step *u;
	int r;

	if ((r = fault(c, step)) < 0)
		return r;
	r = spawn_process(fn, arg, c->opts->foreground, pid, start_time, c->msg, c->msg_size);
	if (r < 0)
		return r;
	u = push_undo(c, undo_process, NULL);
	u->pid = *pid;
	u->pid_start = *start_time;
	return 0;
}

/* The serving daemon (DHCP and DNS). start returns once it is ready. */
static int start_daemon(struct start_ctx *c)
{
	return spawn_undoable(c, "daemon", daemon_child, c, &c->st.daemon_pid,
			      &c->st.daemon_start);
}

/* The keeper puts the firewall back if someone deletes it (none for open). */
static int start_keeper(struct start_ctx *c)
{
	struct keeper_target t = {
		c->def, c->st.daemon_pid, c->st.daemon_start, c->opts->foreground
	};

	if (!c->st.firewall)
		return 0;
	return spawn_undoable(c, "keeper", keeper_run, &t, &c->st.keeper_pid,
			      &c->st.keeper_start);
}

static int record_state(struct start_ctx *c)
{
	int r;

	if ((r = fault(c, "state")) < 0)
		return r;
	snprintf(c->st.name, sizeof(c->st.name), "%s", c->def->name);
	netdef_uuid_format(c->def->uuid, c->st.uuid);
	c->st.mode = c->def->forward.given ? c->def->forward.mode : NETDEF_FWD_NONE;
	c->st.started = (long long)time(NULL);
	if ((r = state_write(c->paths, &c->st)) < 0)
		return failf(c, r, "cannot write the run state in %s: %s", c->paths->rundir,
			     strerror(-r));
	if (c->st.daemon_pid && (r = state_write_pidfile(c->paths, c->def->name,
							 c->st.daemon_pid)) < 0) {
		state_remove(c->paths, c->def->name);
		return failf(c, r, "cannot write the pid file in %s: %s", c->paths->rundir,
			     strerror(-r));
	}
	return 0;
}

/* Load the definition and give it what libvirt would have saved into it. */
static int load_definition(struct start_ctx *c, const char *name)
{
	struct netdef_error err;
	char buf[600];
	bool changed;
	int r;

	r = store_load(c->paths, name, &c->def, &err);
	if (r == -ENOENT)
		return failf(c, r, "network '%s' is not defined (see vnetd define)", name);
	if (r < 0) {
		netdef_error_format(&err, buf, sizeof(buf));
		return failf(c, r, "%s", buf);
	}
	if ((r = store_complete(c->paths, c->def, &changed, c->msg, c->msg_size)) < 0)
		return r;
	if (changed && (r = store_save(c->paths, c->def)) < 0)
		return failf(c, r, "cannot save the completed definition of '%s': %s", name,
			     strerror(-r));
	return 0;
}

/* A stale state: clean what is left of it so a new start begins afresh. */
static void clear_stale(const struct vnetd_paths *paths, struct bridge_ctx *nl,
			const struct run_state *st)
{
	struct bridge_link_info li;

	if (st->keeper_pid)
		proc_terminate(st->keeper_pid, st->keeper_start, 5000);
	if (st->daemon_pid)
		proc_terminate(st->daemon_pid, st->daemon_start, 5000);
	if (st->firewall)
		nat_remove(st->name, NULL);
	if (st->bridge_created && bridge_link_query(nl, st->bridge, &li, NULL) == 0 &&
	    li.exists && li.ifindex == st->ifindex)
		bridge_delete(nl, st->bridge, NULL);
	state_remove(paths, st->name);
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

static int start_locked(struct start_ctx *c, const char *name)
{
	struct run_state old;
	struct bridge_error be;
	int r;

	if ((r = bridge_open(&c->nl, &be)) < 0)
		return failf(c, r, "%s", be.message);
	switch (lifecycle_status(c->paths, name, &old)) {
	case NET_ACTIVE:
		return 1;
	case NET_STALE:
		clear_stale(c->paths, c->nl, &old);
		break;
	case NET_INACTIVE:
		break;
	}
	if ((r = load_definition(c, name)) < 0)
		return r;
	if ((r = claim(c)) < 0) {
		unwind(c);
		return r;
	}
	if ((r = install_firewall(c)) < 0 ||
	    (r = bring_up(c)) < 0 || (r = enable_forwarding(c)) < 0 ||
	    (r = start_daemon(c)) < 0 || (r = start_keeper(c)) < 0 ||
	    (r = record_state(c)) < 0) {
		unwind(c);
		return r;
	}
	return 0;
}

int lifecycle_start(const struct vnetd_paths *paths, const char *name,
		    const struct lifecycle_opts *opts, struct run_state *st, char *msg,
		    size_t msg_size)
{
	static const struct lifecycle_opts defaults;
	struct start_ctx c = {
		.paths = paths, .opts = opts ? opts : &defaults, .msg = msg, .msg_size = msg_size
	};
	int lock, r;

	lock = state_lock(paths, name);
	if (lock < 0) {
		snprintf(msg, msg_size, "cannot lock %s/%s.lock: %s", paths->rundir, name,
			 strerror(-lock));
		return lock;
	}
	r = start_locked(&c, name);
	if (r == 0 && st)
		*st = c.st;
	netdef_free(c.def);
	bridge_close(c.nl);
	close(lock);
	return r;
}
