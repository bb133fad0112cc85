/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host-internal: what the host module's files share, and what its unit
 * test and fuzz target look at — the seam to the kernel (host_ops), the
 * kinds of step a run state records, and the replay of an undo list.
 */
#ifndef VNETD_HOST_INTERNAL_H
#define VNETD_HOST_INTERNAL_H

#include "netd/host/host.h"
#include "bridge/bridge.h"
#include "nat/nat.h"

#include <stdio.h>

/* ---- the seam to the kernel ---- */

/*
 * Every change start and stop make on the host goes through one table, as
 * netifd's system.h does: host_ops_linux does it for real (bridge/, nat/,
 * base's spawn and proc, the run-state file); a unit test passes a fake
 * that records the calls and fails the one it is told to; build/vnetd-test
 * wraps the real one to fail the steps VNETD_FAULT names. Each function
 * returns 0 or a negative errno with its error filled, as the library it
 * stands for does.
 */

struct host_sys;

/* Which of the network's processes a spawn starts. */
enum host_proc {
	HOST_PROC_DAEMON,
	HOST_PROC_KEEPER,
};

struct host_ops {
	/* a session of link operations (the real one holds an rtnetlink socket) */
	int (*open)(struct host_sys *sys, struct bridge_error *err);
	void (*close)(struct host_sys *sys);

	int (*link_query)(struct host_sys *sys, const char *name, struct bridge_link_info *out,
			  struct bridge_error *err);
	int (*subnet_conflict)(struct host_sys *sys, struct in_addr net, unsigned prefix,
			       char *ifname_out, struct bridge_error *err);
	/* create the bridge (down) and tell its ifindex; nothing is left on failure */
	int (*bridge_create)(struct host_sys *sys, const struct bridge_config *cfg,
			     int *ifindex, struct bridge_error *err);
	int (*bridge_delete)(struct host_sys *sys, const char *name, struct bridge_error *err);
	int (*addr_add)(struct host_sys *sys, const char *name, struct in_addr addr,
			unsigned prefix, struct bridge_error *err);
	int (*set_up)(struct host_sys *sys, const char *name, struct bridge_error *err);
	/* -ENOENT when the host has no such sysctl (e.g. no IPv6) */
	int (*sysctl_set)(struct host_sys *sys, const char *path, const char *value,
			  struct bridge_error *err);

	int (*nat_install)(struct host_sys *sys, const struct nat_config *cfg,
			   struct nat_error *err);
	/* -ENOENT when there was no table */
	int (*nat_remove)(struct host_sys *sys, const char *network, struct nat_error *err);

	int (*spawn)(struct host_sys *sys, enum host_proc which, spawn_fn fn, void *arg,
		     bool keep_stderr, pid_t *pid, uint64_t *start, char *msg, size_t msg_size);
	/* 0 when it is gone (or was already); see proc_terminate */
	int (*terminate)(struct host_sys *sys, pid_t pid, uint64_t start);
	bool (*alive)(struct host_sys *sys, pid_t pid, uint64_t start);

	/* a host route out of the bridge (<route>); delete: -ESRCH when gone */
	int (*route_add)(struct host_sys *sys, const char *ifname, const struct bridge_route *rt,
			 struct bridge_error *err);
	int (*route_delete)(struct host_sys *sys, const char *ifname,
			    const struct bridge_route *rt, struct bridge_error *err);

	/*
	 * Best effort, over the system bus (netd/host/resolved.c, firewalld.c):
	 * 1 done, 0 when that service does not run (nothing changed, nothing
	 * to say), negative errno with msg when a call failed.
	 */
	int (*dns_register)(struct host_sys *sys, int ifindex, struct in_addr server,
			    const char *domain, char *msg, size_t msg_size);
	int (*dns_revert)(struct host_sys *sys, int ifindex, char *msg, size_t msg_size);
	/* zone: the zone the bridge went into (RUN_STATE_ZONE_MAX bytes) */
	int (*zone_add)(struct host_sys *sys, const char *ifname, char *zone, char *msg,
			size_t msg_size);
	int (*zone_remove)(struct host_sys *sys, const char *zone, const char *ifname, char *msg,
			   size_t msg_size);

	/* the run state and pid file, as state_write */
	int (*save)(struct host_sys *sys, const struct vnetd_paths *paths,
		    const struct run_state *st, char *msg, size_t msg_size);
};

struct host_sys {
	const struct host_ops *ops;
	void *data;             /* the implementation's: a netlink session, a fake's log */
};

/* A warning line on stderr ("vnetd: warning: ..."): what start and stop say but go on. */
void host_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * netd/host/hostview.c, steps of start once the bridge is up: the host
 * routes of <route> (each an undo record; negative errno with msg), then
 * the bridge's firewalld zone and resolved registration (best effort:
 * recorded when made, a warning line when refused, never a failure).
 */
int host_add_routes(struct host_sys *sys, const struct netdef *def, struct run_state *st,
		    char *msg, size_t msg_size);
void host_join_services(struct host_sys *sys, const struct netdef *def, struct run_state *st);

/* How long a process has between SIGTERM and SIGKILL. */
#define HOST_STOP_TIMEOUT_MS 5000

extern const struct host_ops host_ops_linux;

/*
 * The table start and stop use: host_ops_linux in build/vnetd; in
 * build/vnetd-test (netd/host/ops_default.c built with -DVNETD_TEST_HOOKS)
 * the same behind VNETD_FAULT's injected failures.
 */
void host_sys_default(struct host_sys *sys);

/* lifecycle_start/stop/status on the given table (the public ones use the default). */
int lifecycle_start_on(struct host_sys *sys, const struct vnetd_paths *paths, const char *name,
		       const struct lifecycle_opts *opts, struct run_state *st, char *msg,
		       size_t msg_size);
int lifecycle_stop_on(struct host_sys *sys, const struct vnetd_paths *paths, const char *name,
		      char *msg, size_t msg_size);
enum lifecycle_status lifecycle_status_on(struct host_sys *sys, const struct vnetd_paths *paths,
					  const char *name, struct run_state *st);

/* What the record says of the host now (the session open): active or stale. */
enum lifecycle_status run_status(struct host_sys *sys, const struct run_state *st);

/* ---- the kinds of step ---- */

/* How a field's value is written in a state line (netd/host/record.c). */
enum field_type {
	FIELD_NAME,     /* a network name */
	FIELD_UUID,
	FIELD_MODE,     /* a forward mode's name */
	FIELD_TIME,     /* unix seconds */
	FIELD_IFNAME,
	FIELD_INDEX,    /* an ifindex, from 1 */
	FIELD_PATH,     /* a sysctl path, relative to /proc/sys/net */
	FIELD_WORD,     /* a short value: letters, digits, "_.-" */
	FIELD_ADDRESS,  /* "a.b.c.d/p" into addr + prefix */
	FIELD_PID,
	FIELD_TICKS,    /* a start time, from 1 */
	FIELD_TABLE,    /* an nftables table name */
	FIELD_IPV4,     /* "a.b.c.d" into a struct in_addr */
	FIELD_UINT,     /* 0 .. UINT32_MAX into an unsigned */
};

struct record_field {
	const char *key;
	enum field_type type;
	size_t off, size;       /* in the struct the line fills */
};

/*
 * One row per kind of step: its line in the state file (the first word,
 * then field=value for each field) and how it is undone. The file's reader
 * and writer both go by this table, and so does the replay.
 */
struct undo_kind_info {
	const char *key;
	const struct record_field *fields;      /* ends with a NULL key */
	unsigned max;                           /* how many one record may hold */
	/* 0 when undone or already gone; negative errno with msg otherwise */
	int (*undo)(struct host_sys *sys, const struct run_state *st, const struct undo_rec *u,
		    char *msg, size_t msg_size);
};

extern const struct undo_kind_info undo_kinds[UNDO_KINDS];

/* The network line's fields (name, uuid, forward, started). */
extern const struct record_field network_fields[];

/*
 * The next free step of st, cleared and of that kind but not yet counted:
 * fill it once the change is made, then undo_commit(). NULL when the list
 * is full (start checks its size first, so that is a bug).
 */
struct undo_rec *undo_slot(struct run_state *st, enum undo_kind kind);
void undo_commit(struct run_state *st);

/*
 * Undo st's steps from the last to the first, dropping each one done, so
 * that on failure st holds exactly what is still to undo (the failed step
 * and those before it). 0, or the failed step's error with msg.
 */
int undo_replay(struct host_sys *sys, struct run_state *st, char *msg, size_t msg_size);

/*
 * undo_replay, then the record on disk follows: removed when all is undone,
 * else rewritten to what is left, for a later `stop` to finish.
 */
int undo_all(struct host_sys *sys, const struct vnetd_paths *paths, struct run_state *st,
	     char *msg, size_t msg_size);

/* revert.c: the parts of `next` named by netdef_change bits taken back from `run` (swapped). */
void host_revert(struct netdef *next, struct netdef *run, unsigned bits);

#endif
