/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * attach and detach: a guest's tap joins the running network's bridge (or
 * leaves it), under the network's lock, through the host operations table.
 * Each port is a step of the run state (released at stop); the ports given
 * a MAC share one more step, the port-security table, rebuilt whole in one
 * batch whenever that set changes. `start` attaches again what the stored
 * list (netd/host/portfile.c) names and still exists.
 */
#include "netd/host/host-internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static struct undo_rec *find_port(struct run_state *st, const char *port)
{
	size_t i;

	for (i = 0; i < st->n_undo; i++)
		if (st->undo[i].kind == UNDO_PORT && !strcmp(st->undo[i].ifname, port))
			return &st->undo[i];
	return NULL;
}

/*
 * The port-security table as the record's ports say: installed (and a
 * step for it) while any port has a MAC, removed (and its step dropped)
 * when none has.
 */
int ports_filter(struct host_sys *sys, struct run_state *st, char *msg, size_t msg_size)
{
	struct nat_port ports[HOST_MAX_PORTS];
	struct nat_error ne = { 0 };
	struct undo_rec *ps = NULL;
	size_t i, n = 0, with_mac = 0;
	int r;

	for (i = 0; i < st->n_undo; i++) {
		if (st->undo[i].kind == UNDO_PORTSEC)
			ps = &st->undo[i];
		with_mac += st->undo[i].kind == UNDO_PORT && st->undo[i].mac.set;
	}
	if (with_mac == 0 && !ps)
		return 0;
	if (with_mac == 0) {
		r = sys->ops->portsec_remove(sys, st->name, &ne);
		if (r < 0 && r != -ENOENT) {
			snprintf(msg, msg_size, "%s", ne.message);
			return r;
		}
		undo_drop(st, ps);
		return 0;
	}
	/* the step first: inserting it moves the ports' steps */
	if (!ps && !(ps = undo_insert(st, UNDO_PORTSEC)))
		return -E2BIG;
	nat_table_name(st->name, ps->table, sizeof(ps->table));
	for (i = 0; i < st->n_undo && n < HOST_MAX_PORTS; i++) {
		const struct undo_rec *u = &st->undo[i];

		if (u->kind == UNDO_PORT && u->mac.set) {
			ports[n].ifname = u->ifname;
			memcpy(ports[n++].mac, u->mac.b, 6);
		}
	}
	if ((r = sys->ops->portsec_install(sys, st->name, ports, n, &ne)) < 0)
		snprintf(msg, msg_size, "%s", ne.message);
	return r;
}

/* Enslave the port and add its step; nothing is left on failure. */
static int add_port(struct host_sys *sys, struct run_state *st, const char *port,
		    const struct run_mac *mac, char *msg, size_t msg_size)
{
	struct bridge_error be = { 0 };
	struct undo_rec *u;
	int ifindex, r;

	if (!strcmp(port, run_state_bridge(st))) {
		snprintf(msg, msg_size, "%s is the network's own bridge", port);
		return -EINVAL;
	}
	if ((r = sys->ops->port_attach(sys, run_state_bridge(st), port, &ifindex, &be)) < 0) {
		snprintf(msg, msg_size, "%s", be.message);
		return r;
	}
	if (!(u = undo_insert(st, UNDO_PORT))) {
		sys->ops->port_release(sys, port, ifindex, &be);
		snprintf(msg, msg_size, "network '%s' has %d ports already", st->name,
			 HOST_MAX_PORTS);
		return -E2BIG;
	}
	snprintf(u->ifname, sizeof(u->ifname), "%s", port);
	u->ifindex = ifindex;
	u->mac = *mac;
	return 0;
}

static void remember(const struct vnetd_paths *paths, const struct run_state *st)
{
	struct saved_ports sp = { 0 };
	size_t i;

	for (i = 0; i < st->n_undo && sp.n < HOST_MAX_PORTS; i++)
		if (st->undo[i].kind == UNDO_PORT) {
			snprintf(sp.ports[sp.n].ifname, sizeof(sp.ports[0].ifname), "%s",
				 st->undo[i].ifname);
			sp.ports[sp.n++].mac = st->undo[i].mac;
		}
	ports_store(paths, st->name, &sp);
}

/* The record of a running network, its lock held (fd into *lock). */
static int open_running(struct host_sys *sys, const struct vnetd_paths *paths, const char *name,
			struct run_state *st, int *lock, char *msg, size_t msg_size)
{
	struct bridge_error be = { 0 };
	int r;

	if ((*lock = state_lock(paths, name, msg, msg_size)) < 0)
		return *lock;
	r = state_read(paths, name, st, msg, msg_size);
	if (r == -ENOENT)
		snprintf(msg, msg_size, "network '%s' is not active", name);
	if (r == 0 && (r = sys->ops->open(sys, &be)) < 0)
		snprintf(msg, msg_size, "%s", be.message);
	if (r == 0 && run_status(sys, st) == NET_STALE) {
		sys->ops->close(sys);
		snprintf(msg, msg_size, "network '%s' is not running ('vnetd stop %s' cleans up)",
			 name, name);
		r = -ENOENT;
	}
	if (r < 0)
		close(*lock);
	return r;
}

/* Ports whose link went (a guest's tap goes with its VM) leave the record. */
static void prune(struct host_sys *sys, struct run_state *st)
{
	struct bridge_error be = { 0 };
	int ifindex = 0, master = 0, r;
	size_t i = st->n_undo;

	while (i-- > 0) {
		struct undo_rec *u = &st->undo[i];

		if (u->kind != UNDO_PORT)
			continue;
		r = sys->ops->port_master(sys, u->ifname, &ifindex, &master, &be);
		if (r == -ENODEV || (r == 0 && ifindex != u->ifindex))
			undo_drop(st, u);
	}
}

static int attach_locked(struct host_sys *sys, const struct vnetd_paths *paths,
			 struct run_state *st, const char *port, const struct run_mac *mac,
			 char *msg, size_t msg_size)
{
	struct undo_rec *u;
	struct run_state before;
	char why[300];
	int r, again;

	prune(sys, st);
	before = *st;
	u = find_port(st, port);
	again = u != NULL;
	if (u)
		u->mac = *mac;
	else if ((r = add_port(sys, st, port, mac, msg, msg_size)) < 0)
		return r;
	if ((r = ports_filter(sys, st, msg, msg_size)) == 0 &&
	    (r = sys->ops->save(sys, paths, st, msg, msg_size)) == 0) {
		remember(paths, st);
		return again;
	}
	/* put back what was: the port off the bridge, the filter as it was */
	if (!again && (u = find_port(st, port)))
		undo_kinds[UNDO_PORT].undo(sys, st, u, why, sizeof(why));
	*st = before;
	ports_filter(sys, st, why, sizeof(why));
	return r;
}

int host_attach(const struct vnetd_paths *paths, const char *name, const char *port,
		const struct run_mac *mac, char *msg, size_t msg_size)
{
	struct host_sys sys;
	struct run_state st;
	int lock, r;

	host_sys_default(&sys);
	if ((r = open_running(&sys, paths, name, &st, &lock, msg, msg_size)) < 0)
		return r;
	r = attach_locked(&sys, paths, &st, port, mac, msg, msg_size);
	sys.ops->close(&sys);
	close(lock);
	if (r >= 0)
		host_port_event(paths, &st, port, true);
	return r;
}

int host_detach(const struct vnetd_paths *paths, const char *name, const char *port,
		char *msg, size_t msg_size)
{
	struct host_sys sys;
	struct run_state st;
	struct undo_rec *u;
	int lock, r;

	host_sys_default(&sys);
	if ((r = open_running(&sys, paths, name, &st, &lock, msg, msg_size)) < 0)
		return r;
	if (!(u = find_port(&st, port))) {
		snprintf(msg, msg_size, "%s is not attached to network '%s'", port, name);
		r = -ENOENT;
	} else if ((r = undo_kinds[UNDO_PORT].undo(&sys, &st, u, msg, msg_size)) == 0) {
		undo_drop(&st, u);
		if ((r = ports_filter(&sys, &st, msg, msg_size)) == 0 &&
		    (r = sys.ops->save(&sys, paths, &st, msg, msg_size)) == 0)
			remember(paths, &st);
	}
	sys.ops->close(&sys);
	close(lock);
	if (r == 0)
		host_port_event(paths, &st, port, false);
	return r;
}

/*
 * At start: every stored port that exists joins again (one that is gone
 * is dropped from the list; one that will not join is said, not fatal:
 * the network runs without it).
 */
int ports_reattach(struct host_sys *sys, const struct vnetd_paths *paths, struct run_state *st,
		   char *msg, size_t msg_size)
{
	struct saved_ports sp;
	char why[300];
	size_t i;
	int r;

	if (ports_load(paths, st->name, &sp, why, sizeof(why)) < 0) {
		snprintf(msg, msg_size, "%s", why);
		return 0;
	}
	for (i = 0; i < sp.n; i++)
		add_port(sys, st, sp.ports[i].ifname, &sp.ports[i].mac, why, sizeof(why));
	if (sp.n && (r = ports_filter(sys, st, msg, msg_size)) < 0)
		return r;
	if (sp.n)
		remember(paths, st);
	return 0;
}
