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
	HOST_PROC_SUPERVISOR,
};

struct host_ops {
	/* a session of link operations (the real one holds an rtnetlink socket) */
	int (*open)(struct host_sys *sys, struct bridge_error *err);
	void (*close)(struct host_sys *sys);

	int (*link_query)(struct host_sys *sys, const char *name, struct bridge_link_info *out,
			  struct bridge_error *err);
	/* net: either family, host bits zero */
	int (*subnet_conflict)(struct host_sys *sys, const struct run_addr *net,
			       char *ifname_out, struct bridge_error *err);
	/* create the bridge (down) and tell its ifindex; nothing is left on failure */
	int (*bridge_create)(struct host_sys *sys, const struct bridge_config *cfg,
			     int *ifindex, struct bridge_error *err);
	int (*bridge_delete)(struct host_sys *sys, const char *name, struct bridge_error *err);
	int (*addr_add)(struct host_sys *sys, const char *name, const struct run_addr *addr,
			struct bridge_error *err);
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
	/* the same for IPv6 (<route family='ipv6'>) */
	int (*route6_add)(struct host_sys *sys, const char *ifname,
			  const struct bridge_route6 *rt, struct bridge_error *err);
	int (*route6_delete)(struct host_sys *sys, const char *ifname,
			     const struct bridge_route6 *rt, struct bridge_error *err);

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

	/* ports (bridge_port_*): enslave and set up, take off again, ask */
	int (*port_attach)(struct host_sys *sys, const char *bridge, const char *port,
			   int *ifindex, struct bridge_error *err);
	int (*port_release)(struct host_sys *sys, const char *port, int ifindex,
			    struct bridge_error *err);
	int (*port_master)(struct host_sys *sys, const char *port, int *ifindex, int *master,
			   struct bridge_error *err);
	/* the port-security table (nat_portsec_*); n == 0 removes it */
	int (*portsec_install)(struct host_sys *sys, const char *network,
			       const struct nat_port *ports, size_t n, struct nat_error *err);
	int (*portsec_remove)(struct host_sys *sys, const char *network, struct nat_error *err);
};

struct host_sys {
	const struct host_ops *ops;
	void *data;             /* the implementation's: a netlink session, a fake's log */
	struct nat_held *nat;   /* the firewall's socket, closed with the session (nat.h) */
};

/* A warning line on stderr ("vnetd: warning: ..."): what start and stop say but go on. */
void host_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * netd/host/hostview.c, steps of start once the bridge is up: the host
 * routes of <route> (each an undo record; negative errno with msg), then
 * the bridge's firewalld zone and resolved registration (best effort:
 * recorded when made, a warning line when refused, never a failure).
 */
/* addrs.c: what a network puts on its bridge. */
bool host_net_has_ipv6(const struct netdef *def);
/* Its addresses, IPv4 then IPv6 (subnets: host bits cleared); how many were written. */
size_t host_net_addrs(const struct netdef *def, bool subnets, struct run_addr *out, size_t cap);
/* "192.168.122.1/24", "2001:db8::1/64" */
const char *host_addr_text(const struct run_addr *a, char *buf, size_t size);

struct host_sysctl {
	char path[RUN_STATE_PATH_MAX];  /* under /proc/sys/net */
	char value[16];
};
/* The bridge's own sysctls for the network's families; how many were written. */
size_t host_bridge_sysctls(const struct netdef *def, struct host_sysctl *out, size_t cap);

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

/* The supervisor record's mode: the process systemd runs, or one of our own. */
#define SUPERVISOR_FOREGROUND "foreground"
#define SUPERVISOR_BACKGROUND "background"

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
	FIELD_ADDRESS,  /* "a.b.c.d/p" or "IPv6/p" into a run_addr */
	FIELD_PID,
	FIELD_TICKS,    /* a start time, from 1 */
	FIELD_TABLE,    /* an nftables table name */
	FIELD_IPV4,     /* "a.b.c.d" into a struct in_addr */
	FIELD_IPV6,     /* an IPv6 address into a struct in6_addr */
	FIELD_UINT,     /* 0 .. UINT32_MAX into an unsigned */
	FIELD_COUNT,    /* an unsigned count, from 0 */
	FIELD_MAC,      /* "none" or aa:bb:cc:dd:ee:ff, into a struct run_mac */
};

struct record_field {
	const char *key;
	enum field_type type;
	size_t off, size;       /* in the struct the line fills */
};

/* record_value.c: one field's value by its type; false when it is not one. */
bool record_parse_value(enum field_type type, const char *v, void *dst, size_t size);
void record_format_value(FILE *f, enum field_type type, const void *src);


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
 * The pieces of the state file's reader and writer that the ports file
 * (netd/host/ports.c) shares: the "field=value" words after a line's first
 * (every field exactly once), one line written, the next line of a text
 * (1, 0 at the end, -1 when it does not fit).
 */
bool record_parse_fields(char *rest, const struct record_field *fields, void *base,
			 char *why, size_t why_size);
void record_format_line(FILE *f, const char *word, const struct record_field *fields,
			const void *base);
int record_next_line(const char **p, char *buf, size_t size);
/*
 * A record file's lines: blank and '#' lines skipped, `magic` first (else
 * "line N: not_magic"), then fn for each; 0, or -EINVAL with msg naming
 * the line ("empty" without the magic line).
 */
typedef bool (*record_line_fn)(void *ctx, char *line, char *why, size_t why_size);
int record_parse_lines(const char *text, const char *magic, const char *not_magic,
		       record_line_fn fn, void *ctx, char *msg, size_t msg_size);

/*
 * The next free step of st, cleared and of that kind but not yet counted:
 * fill it once the change is made, then undo_commit(). NULL when the list
 * is full (start checks its size first, so that is a bug).
 */
struct undo_rec *undo_slot(struct run_state *st, enum undo_kind kind);
void undo_commit(struct run_state *st);

/*
 * A step made after start (a port, the port filter, a supervisor for an
 * older record): a cleared slot of that kind at its place in start's order,
 * already counted; NULL when the list is full. undo_drop takes one out.
 */
struct undo_rec *undo_insert(struct run_state *st, enum undo_kind kind);
void undo_drop(struct run_state *st, struct undo_rec *u);

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

/* ---- ports, hooks and events (netd/host/ports.c, hooks.c) ---- */

/* The port-security table as st's ports say (a step added or dropped with it). */
int ports_filter(struct host_sys *sys, struct run_state *st, char *msg, size_t msg_size);
/* At start: the stored ports that exist join again; 0, or the filter's error. */
int ports_reattach(struct host_sys *sys, const struct vnetd_paths *paths, struct run_state *st,
		   char *msg, size_t msg_size);

/*
 * Run CONFDIR/hooks/network NAME OP SUBOP - (the XML on stdin; port and
 * mac, when not NULL, in VNETD_PORT and VNETD_PORT_MAC). Its exit status
 * (0 when there is no hook), or negative errno when it could not run.
 */
int host_hook(const struct vnetd_paths *paths, const char *name, const char *op,
	      const char *subop, const char *xml, const char *port, const char *mac);
/* One event (a JSON object) published to the network's `vnetd events` subscribers. */
void host_event(const struct vnetd_paths *paths, const char *name, const char *event,
		const char *port, const char *mac);
/* A port came or went: its event and hook. */
void host_port_event(const struct vnetd_paths *paths, const struct run_state *st,
		     const char *port, bool attached);
/* started/stopped: the hook (its status is not asked); `vnetd events` sees them itself. */
void host_network_hook(const struct vnetd_paths *paths, const char *name, const char *op,
		       const char *subop);

/* ---- the network's processes (netd/host/respawn.c, adopt.c, supervise.c) ---- */

/* The stored definition, completed as start completes it. 0 or negative errno with msg. */
int host_load_definition(const struct vnetd_paths *paths, const char *name,
			 struct netdef **def, char *msg, size_t msg_size);

/* Start one process into the step u (pid, start time); 0 or negative errno with msg. */
int host_spawn_daemon(struct host_sys *sys, const struct vnetd_paths *paths, struct netdef *def,
		      const struct lifecycle_opts *opts, struct undo_rec *u, char *msg,
		      size_t msg_size);
int host_spawn_keeper(struct host_sys *sys, const struct vnetd_paths *paths, struct netdef *def,
		      const struct lifecycle_opts *opts, const struct undo_rec *daemon,
		      struct undo_rec *u, char *msg,
		      size_t msg_size);
/* foreground: this process (systemd's) is the supervisor; else a process of its own */
int host_spawn_supervisor(struct host_sys *sys, const struct vnetd_paths *paths,
			  const char *name, struct netdef *def, const struct lifecycle_opts *opts,
			  const struct undo_rec *daemon, struct undo_rec *u, char *msg,
			  size_t msg_size);

/*
 * With the network's lock held and st read from disk: start the daemon
 * (and its keeper) again from the stored definition, count the restart
 * with its reason on the supervisor's step, and save st. The bridge,
 * addresses, ports and firewall are not touched. fallback (may be NULL):
 * the definition to use if the stored one was undefined since.
 */
int host_respawn(struct host_sys *sys, const struct vnetd_paths *paths,
		 const struct lifecycle_opts *opts, struct run_state *st, const char *reason,
		 struct netdef *fallback, char *msg, size_t msg_size);

/*
 * `start` on a record whose bridge is still the very link it made: take
 * the running network over instead of rebuilding it (what systemd's
 * Restart= and a second `start` need). 1 when everything runs already,
 * 2 when the daemon, keeper or supervisor was started again (st saved).
 */
int host_adopt(struct host_sys *sys, const struct vnetd_paths *paths,
	       const struct lifecycle_opts *opts, struct run_state *st, char *msg,
	       size_t msg_size);

/* What a supervisor of our own is given (a spawn_fn's arg). */
struct supervisor_args {
	const struct vnetd_paths *paths;
	char name[NETDEF_NAME_MAX + 1];
	struct lifecycle_opts opts;
	pid_t daemon_pid;               /* the daemon to watch first */
	uint64_t daemon_start;
	struct netdef *def;             /* start's, already parsed; or NULL (not passed on) */
};

/* The background supervisor's process (spawn_fn): it execs vnetd-supervise. */
int supervisor_run(void *arg, int ready_fd);

#endif
