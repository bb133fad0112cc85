/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kinds of step `start` records, each with its line in the run state
 * and its undo, and the one replay that stop, rollback and the cleanup of
 * a stale state share.
 */
#include "netd/host/host-internal.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define STEP_FIELD(key, type, member) \
	{ key, type, offsetof(struct undo_rec, member), sizeof(((struct undo_rec *)0)->member) }
#define NET_FIELD(key, type, member) \
	{ key, type, offsetof(struct run_state, member), sizeof(((struct run_state *)0)->member) }

const struct record_field network_fields[] = {
	NET_FIELD("name", FIELD_NAME, name),
	NET_FIELD("uuid", FIELD_UUID, uuid),
	NET_FIELD("forward", FIELD_MODE, mode),
	NET_FIELD("started", FIELD_TIME, started),
	{ NULL, 0, 0, 0 },
};

static const struct record_field bridge_fields[] = {
	STEP_FIELD("ifname", FIELD_IFNAME, ifname),
	STEP_FIELD("ifindex", FIELD_INDEX, ifindex),
	{ NULL, 0, 0, 0 },
};

static const struct record_field sysctl_fields[] = {
	STEP_FIELD("path", FIELD_PATH, path),
	STEP_FIELD("value", FIELD_WORD, value),
	{ NULL, 0, 0, 0 },
};

static const struct record_field address_fields[] = {
	STEP_FIELD("ifname", FIELD_IFNAME, ifname),
	STEP_FIELD("address", FIELD_ADDRESS, address),
	{ NULL, 0, 0, 0 },
};

static const struct record_field firewall_fields[] = {
	STEP_FIELD("table", FIELD_TABLE, table),
	{ NULL, 0, 0, 0 },
};

static const struct record_field route_fields[] = {
	STEP_FIELD("ifname", FIELD_IFNAME, ifname),
	STEP_FIELD("address", FIELD_ADDRESS, address),
	STEP_FIELD("gateway", FIELD_IPV4, gateway),
	STEP_FIELD("metric", FIELD_UINT, metric),
	{ NULL, 0, 0, 0 },
};

static const struct record_field route6_fields[] = {
	STEP_FIELD("ifname", FIELD_IFNAME, ifname),
	STEP_FIELD("address", FIELD_ADDRESS, address),
	STEP_FIELD("gateway", FIELD_IPV6, gateway6),
	STEP_FIELD("metric", FIELD_UINT, metric),
	{ NULL, 0, 0, 0 },
};

static const struct record_field zone_fields[] = {
	STEP_FIELD("ifname", FIELD_IFNAME, ifname),
	STEP_FIELD("zone", FIELD_WORD, zone),
	{ NULL, 0, 0, 0 },
};

static const struct record_field resolved_fields[] = {
	STEP_FIELD("ifname", FIELD_IFNAME, ifname),
	STEP_FIELD("ifindex", FIELD_INDEX, ifindex),
	{ NULL, 0, 0, 0 },
};

static const struct record_field process_fields[] = {
	STEP_FIELD("pid", FIELD_PID, pid),
	STEP_FIELD("start", FIELD_TICKS, start),
	{ NULL, 0, 0, 0 },
};

static const struct record_field supervisor_fields[] = {
	STEP_FIELD("pid", FIELD_PID, pid),
	STEP_FIELD("start", FIELD_TICKS, start),
	STEP_FIELD("mode", FIELD_WORD, mode),
	STEP_FIELD("restarts", FIELD_COUNT, restarts),
	STEP_FIELD("reason", FIELD_WORD, reason),
	STEP_FIELD("since", FIELD_TIME, since),
	{ NULL, 0, 0, 0 },
};

static const struct record_field port_fields[] = {
	STEP_FIELD("ifname", FIELD_IFNAME, ifname),
	STEP_FIELD("ifindex", FIELD_INDEX, ifindex),
	STEP_FIELD("mac", FIELD_MAC, mac),
	{ NULL, 0, 0, 0 },
};

/* Only the very link start made: a namesake created since is not ours. */
static int undo_bridge(struct host_sys *sys, const struct run_state *st,
		       const struct undo_rec *u, char *msg, size_t msg_size)
{
	struct bridge_link_info li;
	struct bridge_error be = { 0 };
	int r;

	r = sys->ops->link_query(sys, u->ifname, &li, &be);
	if (r == 0 && (!li.exists || li.ifindex != u->ifindex))
		return 0;
	if (r == 0)
		r = sys->ops->bridge_delete(sys, u->ifname, &be);
	if (r < 0 && r != -ENODEV) {
		snprintf(msg, msg_size, "%s", be.message);
		return r;
	}
	return 0;
}

/* Addresses and sysctls of the bridge: deleting the bridge takes them along. */
static int undo_with_bridge(struct host_sys *sys, const struct run_state *st,
			    const struct undo_rec *u, char *msg, size_t msg_size)
{
	return 0;
}

/* The table is always the network's own (the reader checked the name). */
static int undo_firewall(struct host_sys *sys, const struct run_state *st,
			 const struct undo_rec *u, char *msg, size_t msg_size)
{
	struct nat_error ne = { 0 };
	int r;

	r = sys->ops->nat_remove(sys, st->name, &ne);
	if (r < 0 && r != -ENOENT) {
		snprintf(msg, msg_size, "%s", ne.message);
		return r;
	}
	return 0;
}

/* That very route; gone already (the bridge went, or the admin) is fine. */
static int undo_route(struct host_sys *sys, const struct run_state *st,
		      const struct undo_rec *u, char *msg, size_t msg_size)
{
	struct bridge_route rt = { u->address.addr, u->address.prefix, u->gateway, u->metric };
	struct bridge_error be = { 0 };
	int r;

	r = sys->ops->route_delete(sys, u->ifname, &rt, &be);
	if (r < 0 && r != -ESRCH && r != -ENODEV && r != -ENOENT) {
		snprintf(msg, msg_size, "%s", be.message);
		return r;
	}
	return 0;
}

static int undo_route6(struct host_sys *sys, const struct run_state *st,
		       const struct undo_rec *u, char *msg, size_t msg_size)
{
	struct bridge_route6 rt = { u->address.addr6, u->address.prefix, u->gateway6, u->metric };
	struct bridge_error be = { 0 };
	int r;

	r = sys->ops->route6_delete(sys, u->ifname, &rt, &be);
	if (r < 0 && r != -ESRCH && r != -ENODEV && r != -ENOENT) {
		snprintf(msg, msg_size, "%s", be.message);
		return r;
	}
	return 0;
}

/*
 * Best effort as the registration was: a service gone since, or refusing,
 * is one warning and never keeps the network from stopping (the bridge's
 * removal ends both anyway).
 */
static int undo_zone(struct host_sys *sys, const struct run_state *st,
		     const struct undo_rec *u, char *msg, size_t msg_size)
{
	char why[300] = "";

	if (sys->ops->zone_remove(sys, u->zone, u->ifname, why, sizeof(why)) < 0)
		host_warn("%s", why);
	return 0;
}

static int undo_resolved(struct host_sys *sys, const struct run_state *st,
			 const struct undo_rec *u, char *msg, size_t msg_size)
{
	char why[300] = "";

	if (sys->ops->dns_revert(sys, u->ifindex, why, sizeof(why)) < 0)
		host_warn("%s", why);
	return 0;
}

/*
 * Through a pidfd opened while pid and start time matched, so a pid reused
 * since is never signalled. The keeper goes before the daemon (the replay's
 * order), or it would put the firewall back; the daemon writes the lease
 * file one last time as it goes.
 */
static int undo_process(struct host_sys *sys, const struct run_state *st,
			const struct undo_rec *u, char *msg, size_t msg_size)
{
	int r;

	r = sys->ops->terminate(sys, u->pid, u->start);
	if (r < 0)
		snprintf(msg, msg_size, "the %s (pid %d) does not stop: %s",
			 undo_kinds[u->kind].key, (int)u->pid, strerror(-r));
	return r;
}

/*
 * A supervisor in the background is stopped first, so that it does not
 * restart the daemon the replay stops next. The foreground one (the process
 * systemd runs, maybe this very one) is left alone: it sees the daemon go,
 * finds no record any more and ends by itself.
 */
static int undo_supervisor(struct host_sys *sys, const struct run_state *st,
			   const struct undo_rec *u, char *msg, size_t msg_size)
{
	if (u->pid == getpid() || !strcmp(u->mode, SUPERVISOR_FOREGROUND))
		return 0;
	return undo_process(sys, st, u, msg, msg_size);
}

static int undo_portsec(struct host_sys *sys, const struct run_state *st,
			const struct undo_rec *u, char *msg, size_t msg_size)
{
	struct nat_error ne = { 0 };
	int r = sys->ops->portsec_remove(sys, st->name, &ne);

	if (r < 0 && r != -ENOENT) {
		snprintf(msg, msg_size, "%s", ne.message);
		return r;
	}
	return 0;
}

/* Only if it is still that link and still on the network's bridge. */
static int undo_port(struct host_sys *sys, const struct run_state *st,
		     const struct undo_rec *u, char *msg, size_t msg_size)
{
	const struct undo_rec *br = run_state_find(st, UNDO_BRIDGE);
	struct bridge_error be = { 0 };
	int ifindex, master, r;

	r = sys->ops->port_master(sys, u->ifname, &ifindex, &master, &be);
	if (r == -ENODEV || (r == 0 && (ifindex != u->ifindex || !br ||
					master != br->ifindex)))
		return 0;
	if (r == 0)
		r = sys->ops->port_release(sys, u->ifname, u->ifindex, &be);
	if (r < 0 && r != -ENODEV) {
		snprintf(msg, msg_size, "%s", be.message);
		return r;
	}
	return 0;
}

const struct undo_kind_info undo_kinds[UNDO_KINDS] = {
	[UNDO_BRIDGE] = { "bridge", bridge_fields, 1, undo_bridge },
	[UNDO_SYSCTL] = { "sysctl", sysctl_fields, 4, undo_with_bridge },
	[UNDO_ADDRESS] = { "address", address_fields, 2 * HOST_MAX_ADDRS, undo_with_bridge },
	[UNDO_FIREWALL] = { "firewall", firewall_fields, 1, undo_firewall },
	[UNDO_ROUTE] = { "route", route_fields, HOST_MAX_ROUTES, undo_route },
	[UNDO_ROUTE6] = { "route6", route6_fields, HOST_MAX_ROUTES, undo_route6 },
	[UNDO_ZONE] = { "zone", zone_fields, 1, undo_zone },
	[UNDO_RESOLVED] = { "resolved", resolved_fields, 1, undo_resolved },
	[UNDO_DAEMON] = { "daemon", process_fields, 1, undo_process },
	[UNDO_KEEPER] = { "keeper", process_fields, 1, undo_process },
	[UNDO_SUPERVISOR] = { "supervisor", supervisor_fields, 1, undo_supervisor },
	[UNDO_PORTSEC] = { "portsec", firewall_fields, 1, undo_portsec },
	[UNDO_PORT] = { "port", port_fields, HOST_MAX_PORTS, undo_port },
};

struct undo_rec *undo_slot(struct run_state *st, enum undo_kind kind)
{
	struct undo_rec *u;

	if (st->n_undo >= RUN_STATE_MAX_STEPS)
		return NULL;
	u = &st->undo[st->n_undo];
	memset(u, 0, sizeof(*u));
	u->kind = kind;
	return u;
}

struct undo_rec *undo_insert(struct run_state *st, enum undo_kind kind)
{
	size_t at = st->n_undo;

	if (st->n_undo >= RUN_STATE_MAX_STEPS)
		return NULL;
	while (at && st->undo[at - 1].kind > kind)
		at--;
	memmove(&st->undo[at + 1], &st->undo[at], (st->n_undo - at) * sizeof(st->undo[0]));
	memset(&st->undo[at], 0, sizeof(st->undo[0]));
	st->undo[at].kind = kind;
	st->n_undo++;
	return &st->undo[at];
}

void undo_drop(struct run_state *st, struct undo_rec *u)
{
	size_t at = (size_t)(u - st->undo);

	memmove(u, u + 1, (st->n_undo - at - 1) * sizeof(*u));
	st->n_undo--;
}

void undo_commit(struct run_state *st)
{
	st->n_undo++;
}

int undo_replay(struct host_sys *sys, struct run_state *st, char *msg, size_t msg_size)
{
	int r;

	while (st->n_undo) {
		const struct undo_rec *u = &st->undo[st->n_undo - 1];

		if ((r = undo_kinds[u->kind].undo(sys, st, u, msg, msg_size)) < 0)
			return r;
		st->n_undo--;
	}
	return 0;
}

int undo_all(struct host_sys *sys, const struct vnetd_paths *paths, struct run_state *st,
	     char *msg, size_t msg_size)
{
	int r = undo_replay(sys, st, msg, msg_size), w;
	char why[300] = "";
	size_t len;

	if (r == 0) {
		if ((r = state_remove(paths, st->name)) < 0)
			snprintf(msg, msg_size, "cannot remove the run state: %s", strerror(-r));
		return r;
	}
	/* keep what is left on record, so that `stop` can try again */
	w = sys->ops->save(sys, paths, st, why, sizeof(why));
	len = strlen(msg);
	if (w < 0)
		snprintf(msg + len, msg_size - len, " (what is left to undo is not recorded: %s)",
			 why);
	else
		snprintf(msg + len, msg_size - len, " (what is left to undo stays recorded)");
	return r;
}
