/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * host: a network on the host — start and stop (bridge, addresses, the
 * firewall, the two processes, all undone on failure), the run state that
 * records what start did, and the foreground supervisor systemd runs.
 */
#ifndef VNETD_HOST_H
#define VNETD_HOST_H

#include "netd/base/base.h"
#include "netd/def/netdef.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/* ---- the run state ---- */

/*
 * state: RUNDIR/NAME.state, the record of what `start` did, so that `stop`
 * undoes exactly that and nothing else. It is the undo list itself: one
 * line per step, in the order start took them (see netd/host/record.c for
 * the lines). `stop`, the rollback of a failed start and the cleanup of a
 * stale state all replay it from the last step back. A file of an older
 * vnetd's format does not load (stop that network with that vnetd first).
 */

#define HOST_MAX_ADDRS 16               /* addresses of each family on one bridge */
#define HOST_MAX_ROUTES 16              /* <route>s: host routes via guests */
#define HOST_MAX_PORTS 32               /* ports `attach` added (taps of guests) */
/*
 * bridge, sysctls, addresses, table, routes, zone, resolved, processes,
 * the port filter and the ports
 */
#define RUN_STATE_MAX_STEPS (24 + HOST_MAX_ADDRS + HOST_MAX_ROUTES + 2 + 2 + HOST_MAX_PORTS + \
			     HOST_MAX_ROUTES /* IPv6 routes */)
#define RUN_STATE_ZONE_MAX 32            /* a firewalld zone's name */
#define RUN_STATE_PATH_MAX 64           /* a sysctl path under /proc/sys/net */
#define RUN_STATE_TABLE_MAX (NETDEF_NAME_MAX + 6)      /* "vnetd-" + name */

/* The kinds of step, in the order start takes them; a record keeps that order. */
enum undo_kind {
	UNDO_BRIDGE,    /* created a bridge: deleted if it is still that very link */
	UNDO_SYSCTL,    /* set a sysctl of the bridge: goes with the bridge */
	UNDO_ADDRESS,   /* put an address on the bridge: goes with the bridge */
	UNDO_FIREWALL,  /* installed the network's nftables table: deleted */
	UNDO_ROUTE,     /* a host route via a guest (<route>): deleted, that very route */
	UNDO_ROUTE6,    /* the same for <route family='ipv6'> */
	UNDO_ZONE,      /* put the bridge in a firewalld zone: taken out again */
	UNDO_RESOLVED,  /* told systemd-resolved the bridge's DNS: RevertLink */
	UNDO_DAEMON,    /* started the serving daemon: stopped through a verified pidfd */
	UNDO_KEEPER,    /* started the firewall keeper: the same */
	UNDO_SUPERVISOR,        /* the process that restarts the daemon: stopped first */
	UNDO_PORTSEC,   /* the bridge-family table of port security: deleted */
	UNDO_PORT,      /* a tap `attach` enslaved: released (if still that link) */
	UNDO_KINDS
};

/* An address (or a route's destination) with its prefix: IPv4 or IPv6. */
struct run_addr {
	int family;                     /* AF_INET or AF_INET6 */
	union {
		struct in_addr addr;
		struct in6_addr addr6;
	};
	unsigned prefix;
};

/* A port's MAC for port security; !set: the port is not filtered. */
struct run_mac {
	bool set;
	uint8_t b[6];
};

/* One step. Only the fields of its kind are used. */
struct undo_rec {
	enum undo_kind kind;
	char ifname[NETDEF_IFNAME_MAX + 1];     /* bridge, address: the bridge */
	int ifindex;                    /* bridge: to never delete a namesake made since */
	char path[RUN_STATE_PATH_MAX];  /* sysctl: under /proc/sys/net */
	char value[16];                 /* sysctl: what start wrote */
	struct run_addr address;        /* address */
	char table[RUN_STATE_TABLE_MAX + 1];    /* firewall: "vnetd-NAME" */
	struct in_addr gateway;         /* route: the guest it goes through */
	unsigned metric;                /* route, route6 */
	struct in6_addr gateway6;       /* route6: the guest it goes through */
	char zone[RUN_STATE_ZONE_MAX];  /* zone: the firewalld zone the bridge joined */
	pid_t pid;                      /* daemon, keeper, supervisor */
	uint64_t start;                 /* its start time (see proc_start_time) */
	/* supervisor: "foreground" (the process systemd runs) or "background" */
	char mode[12];
	unsigned restarts;              /* supervisor: daemon restarts so far */
	char reason[32];                /* supervisor: why the daemon last ended */
	long long since;                /* supervisor: unix time the daemon (re)started */
	struct run_mac mac;             /* port: the only source MAC it may use */
};

struct run_state {
	char name[NETDEF_NAME_MAX + 1];
	char uuid[37];
	enum netdef_forward_mode mode;  /* NETDEF_FWD_NONE: isolated */
	long long started;              /* unix time */
	size_t n_undo;
	struct undo_rec undo[RUN_STATE_MAX_STEPS];      /* in the order done */
};

/* The record's first step of that kind, or NULL. */
const struct undo_rec *run_state_find(const struct run_state *st, enum undo_kind kind);
/* The same, to change the step in place (a restarted daemon's pid). */
struct undo_rec *run_state_step(struct run_state *st, enum undo_kind kind);

/* The bridge start created ("" when the record has none). */
const char *run_state_bridge(const struct run_state *st);

/*
 * 0, -ENOENT when there is no state (the network is not running), or an
 * error with msg saying which file and line.
 */
int state_read(const struct vnetd_paths *paths, const char *name, struct run_state *out,
	       char *msg, size_t msg_size);

/*
 * Write NAME.state (atomically) and NAME.pid: the daemon's pid when the
 * record has a daemon, no pid file otherwise. -EINVAL when the record would
 * not read back (a value the file cannot hold).
 */
int state_write(const struct vnetd_paths *paths, const struct run_state *st);

/*
 * The file's text, parsed (0, or -EINVAL with msg saying which line and
 * why) and formatted (0, or -ENOMEM; free *text). Exposed for the fuzz
 * target: what state_format writes, state_parse reads back to the same
 * record. A record of an older format, a line out of start's order, a
 * value out of range or a step naming another bridge or table is refused.
 */
int state_parse(const char *text, struct run_state *out, char *msg, size_t msg_size);
int state_format(const struct run_state *st, char **text, size_t *size);

/*
 * RUNDIR/NAME.xml: the definition the network runs (what start started,
 * then what `reload` and `update --live` changed), so that a reload can
 * tell what changed since. Written atomically, mode 0644 (the keeper reads
 * it). read: 0, or negative errno with msg (-ENOENT: no record).
 */
int state_write_def(const struct vnetd_paths *paths, const struct netdef *def);
int state_read_def(const struct vnetd_paths *paths, const char *name, struct netdef **def,
		   char *msg, size_t msg_size);

/* Removes NAME.state, NAME.pid, NAME.xml and the control socket NAME.ctl. */
int state_remove(const struct vnetd_paths *paths, const char *name);

/*
 * Serialise start/stop of one network across processes: an exclusive flock
 * on RUNDIR/NAME.lock. Returns the fd to close, or negative errno with msg.
 */
int state_lock(const struct vnetd_paths *paths, const char *name, char *msg, size_t msg_size);

/*
 * Serialise what different networks claim on the host: an exclusive flock
 * on RUNDIR/.start.lock, held from the conflict check until the bridge and
 * its addresses exist, so that two networks with one subnet (or one bridge
 * name) started at once cannot both pass the check. Taken after the
 * network's own lock, never the other way round. The fd, or negative errno.
 */
int state_lock_claims(const struct vnetd_paths *paths);

/* Names of every network with a state file, sorted; free with vnetd_free_names(). */
int state_list(const struct vnetd_paths *paths, char ***names, size_t *count);

/* ---- start and stop ---- */

/*
 * lifecycle: start and stop one network. `start` takes its steps in order
 * and records each in the run state's undo list as it goes; a failing step
 * replays that list backwards, so a failed start leaves the host as it
 * found it. `stop` replays the list a successful start saved, and so does
 * `start` when it finds a stale one. A replay that fails part way saves
 * what is still to undo, so a later `stop` finishes it.
 */

enum lifecycle_status {
	NET_INACTIVE = 0,
	NET_ACTIVE,
	NET_STALE,      /* a state whose bridge or daemon is gone (e.g. removed by hand) */
	NET_RESTARTING, /* bridge there, daemon not (yet) back: its supervisor restarts it */
};

struct lifecycle_opts {
	bool foreground;        /* the daemons log to stderr too */
	bool no_probe;          /* offer addresses without an ARP probe first */
	uint32_t new_client_rate;       /* new clients per second; 0 = from the pool size */
};

/*
 * 0 started, 1 already active, 2 taken over (a network whose bridge ran on
 * while its daemon or supervisor had gone: they run again, the bridge,
 * addresses, ports and firewall are kept), negative errno with `msg`
 * filled on failure. On 0 and 2, *st (may be NULL) receives what runs.
 */
int lifecycle_start(const struct vnetd_paths *paths, const char *name,
		    const struct lifecycle_opts *opts, struct run_state *st, char *msg,
		    size_t msg_size);

/* 0 stopped, 1 not active, negative errno with `msg` filled on failure. */
int lifecycle_stop(const struct vnetd_paths *paths, const char *name, char *msg,
		   size_t msg_size);

/*
 * Is NAME running? Fills *st when a readable state file exists (st may be
 * NULL). An unreadable one counts as inactive here; start and stop refuse it.
 */
enum lifecycle_status lifecycle_status(const struct vnetd_paths *paths, const char *name,
				       struct run_state *st);

/* ---- changing a running network ---- */

/*
 * An edit of a definition in memory (e.g. `update`'s): 0, or negative
 * errno with err saying which field and why (nothing of it may be kept).
 */
typedef int (*live_edit_fn)(struct netdef *def, void *arg, struct netdef_error *err);

/*
 * `update --live`: edit what NAME runs and run the result, without a
 * restart; only what can change live may change. What changed goes to out
 * (lines); 0, or negative errno with msg (nothing changed: a refused edit,
 * a bad result, the daemon's refusal).
 */
int live_update(const struct vnetd_paths *paths, const char *name, live_edit_fn edit, void *arg,
		char *out, size_t out_size, char *msg, size_t msg_size);

/*
 * `reload`: the stored definition against what runs. Live: DHCP hosts,
 * ranges and lease times, the domain, DNS records and forwarders (through
 * the daemon, keeping every lease; SERVE_LIVE_CHANGES), the firewall (the new table replaces the old one in one atomic batch; the
 * keeper learns it). Every other difference is left as it runs and named
 * in out as "needs a restart: ...", one line each. 0, or negative errno
 * with msg.
 */
int lifecycle_reload(const struct vnetd_paths *paths, const char *name, char *out,
		     size_t out_size, char *msg, size_t msg_size);

/* ---- other firewalls ---- */

/*
 * coexist: other nftables (and iptables-nft) chains on the hooks the
 * network needs that will drop its DHCP, DNS or forwarded traffic, one
 * line each with its fix: "vnetd: warning: ..." lines (start, on stderr)
 * or aligned "Warning:" lines (info). mode NETDEF_FWD_NONE: isolated.
 */
void host_print_coexistence(FILE *out, bool aligned, const char *bridge,
			    enum netdef_forward_mode mode);

/* ---- ports: the guests' taps ---- */

/*
 * ports: `vnetd attach NAME TAP [--mac MAC]` enslaves the tap to the
 * network's bridge and records it in the run state (undone at stop and
 * detach) and in STATEDIR/NAME.ports (kept across stop and reboots, so the
 * next start attaches it again while it exists). With a MAC, the port is
 * filtered (the network's bridge-family table, see nat_portsec_install).
 * 0, 1 when it was attached already (the MAC updated), or negative errno
 * with msg.
 */
int host_attach(const struct vnetd_paths *paths, const char *name, const char *port,
		const struct run_mac *mac, char *msg, size_t msg_size);
/* 0, or negative errno with msg (-ENOENT: not attached). */
int host_detach(const struct vnetd_paths *paths, const char *name, const char *port,
		char *msg, size_t msg_size);

/* The stored list (STATEDIR/NAME.ports). */
struct saved_port {
	char ifname[NETDEF_IFNAME_MAX + 1];
	struct run_mac mac;
};

struct saved_ports {
	size_t n;
	struct saved_port ports[HOST_MAX_PORTS];
};

/* 0 (no file: an empty list), or negative errno with msg. */
int ports_load(const struct vnetd_paths *paths, const char *name, struct saved_ports *out,
	       char *msg, size_t msg_size);
/* Replaced atomically; an empty list removes the file. */
int ports_store(const struct vnetd_paths *paths, const char *name, const struct saved_ports *sp);
/* The text, for the fuzz target: what ports_format writes, ports_parse reads back. */
int ports_parse(const char *text, struct saved_ports *out, char *msg, size_t msg_size);
int ports_format(const struct saved_ports *sp, char **text, size_t *size);

/* ---- under systemd ---- */

/*
 * supervise: `start --foreground`, for systemd (Type=notify). The started
 * network's daemons run as usual, unprivileged, in their own processes; this
 * process tells systemd READY=1 and becomes vnetd-supervise (execve, same
 * pid), which stays as root beside them, never reads guest traffic,
 * restarts the serving daemon (with a back-off) when it dies, keeping the
 * bridge, and on SIGTERM runs `vnetd stop`. Without --foreground the same
 * program runs in the background (netd/host/supervise.c), and `stop` ends
 * it first.
 */

/* Returns only on failure: the exit status (1). */
int supervise(const struct vnetd_paths *paths, const struct run_state *st,
	      const struct lifecycle_opts *opts);

/*
 * `vnetd __respawn`, which vnetd-supervise runs when the daemon ended. Under
 * the network's lock: if the record no longer names the supervisor (pid
 * sup, start time sup_start) 1: stop supervising (stopped, or another took
 * over). Else 0 with the daemon that runs in *out — one someone else
 * started, or one started again now (host_respawn(), the restart counted
 * with reason); check_only starts none. Negative errno with msg: none runs.
 * The verb's exit statuses (netd/supervisor/supervisor.h restates them):
 */
#define SUPERVISE_EXIT_RUNS 0   /* "PID START\n" on stdout */
#define SUPERVISE_EXIT_END 3
#define SUPERVISE_EXIT_RETRY 4
int supervisor_respawn(const struct vnetd_paths *paths, const char *name,
		       const struct lifecycle_opts *opts, const char *reason, bool check_only,
		       pid_t sup, uint64_t sup_start, struct undo_rec *out, char *msg,
		       size_t msg_size);

#endif
