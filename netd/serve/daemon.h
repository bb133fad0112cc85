/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the serving daemon's files share; the rest of netd sees serve.h only.
 *
 *   daemon.c      start-up in its fixed order (sockets while privileged, the
 *                 loop, the sandbox, the privilege drop, the lease files),
 *                 the run, teardown
 *   serve_dhcp.c  the DHCP path: a batch of requests, its group commit,
 *                 probes, lease expiry, the lease file's pacing
 *   serve_dhcp6.c the DHCPv6 path: the same, its own journal, the server DUID
 *   serve_dns.c   DNS: the server, its sockets, resolv.conf, lease names
 *   reload.c      signals: SIGHUP re-reads the static hosts, the others stop
 *   ctl_server.c  the control socket: requests, replies, event subscribers
 *   ctl_stats.c   the counters `stats` shows, lease events as JSON
 *   apply.c       a new definition applied live (`update`, `reload`)
 *   loop.c        the event loop every part registers its descriptors and
 *                 deadlines with
 */
#ifndef VNETD_SERVE_DAEMON_H
#define VNETD_SERVE_DAEMON_H

#include "netd/serve/serve.h"
#include "netd/serve/loop.h"
#include "netd/serve/ctl_server.h"
#include "netd/serve/dhcp_io.h"
#include "netd/serve/dhcp6_io.h"
#include "netd/adapt/adapt.h"

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

struct dhcp_io;
struct dhcp6_io;
struct arp_prober;
struct leasedb;
struct dns_io;
struct resolv_watch;
struct tftp_service;
struct ra_io;

/* The DHCP side: the server and everything around it. All NULL without DHCP. */
struct serve_dhcp {
	struct dhcp_server *srv;
	struct dhcp_io *io;
	struct arp_prober *arp;         /* NULL when probing is off */
	struct leasedb *db;             /* once the privileges are gone */
	struct loop_timer timer;        /* expiry, probes, the lease file, throttling */
	int64_t next_expiry;            /* wall seconds, as the core reports it */
	int64_t expiry_due_ms;          /* that moment on the loop's clock; -1: none */
	int64_t flush_due_ms;           /* monotonic ms; 0 = nothing to flush */
	int64_t last_flush_end_ms;
	int64_t flush_cost_ms;          /* how long the last lease file rewrite took */
	int64_t flush_retry_ms;         /* back-off after a failed rewrite, 0 when none */
	struct loop *loop;              /* for the writer's pidfd */
	struct loop_handler writer;     /* the forked lease-file writer's pidfd while it runs */
	uint64_t throttled_reported;    /* dhcp_stats.throttled when last logged */
	int64_t throttle_report_ms;     /* monotonic: no summary line before this */
	uint64_t probes, probes_answered;       /* ARP probes sent; found the address in use */
	bool with_v6;                   /* DHCPv6 shares the lease files (and this timer) */
	/* replies waiting for their journal sync (leasedb_commit_start), by dhcp_io bank */
	struct loop_handler synced;     /* the sync thread's eventfd: a sync ended */
	struct serve_dhcp_bank {
		int n;                  /* requests of the batch; 0: the bank is free */
		bool replied[DHCP_IO_BATCH];
	} bank[DHCP_IO_BANKS];
	unsigned inflight;              /* banks (bit b: bank b) whose sync runs */
	unsigned queued;                /* banks whose records the next sync takes */
	int filling;                    /* the queued bank taking requests, or -1 */
	int64_t next_sync_ms;           /* monotonic: no sync starts before (SYNC_GAP_MS) */
	bool paused;                    /* no bank free: the socket is not watched */
};

#define SERVE_DHCP6_EVENT_TYPES (DHCP6_EV_IGNORED + 1)

/* The DHCPv6 side. All NULL without an IPv6 <dhcp>. */
struct serve_dhcp6 {
	struct dhcp6_server *srv;       /* made after the privilege drop (serve_dhcp6_make) */
	struct dhcp6_io *io;
	struct serve_dhcp *files;       /* the lease files and their pacing: DHCPv4's */
	struct loop_timer timer;        /* lease expiry */
	int64_t next_expiry;            /* wall seconds, as the core reports it */
	int64_t expiry_due_ms;          /* that moment on the loop's clock; -1: none */
	uint8_t mac[6];                 /* the bridge's, for a new server DUID */
	uint8_t duid[DHCP6_DUID_MAX];
	size_t duid_len;
	uint64_t events[SERVE_DHCP6_EVENT_TYPES];
	/* a batch whose replies wait for its journal sync (off the loop): while
	 * one does, no request is read and the core is left alone */
	struct loop_handler synced;     /* the journal6 thread ended a sync or fold */
	bool held;
	bool held_started;              /* its sync runs (else a fold ran first) */
	int held_n;
	bool held_replied[DHCP6_IO_BATCH];
};

/* The DNS side. All NULL with <dns enable='no'>. */
struct serve_dns {
	struct dns_server *srv;
	struct dns_io *io;
	struct resolv_watch *rwatch;    /* NULL when resolv.conf is not followed */
};

struct daemon {
	const struct vnetd_paths *paths;
	const struct daemon_opts *opts;
	struct netdef *def;
	struct net_setup setup;         /* what the definition asks of DHCP and DNS */
	struct loop *loop;
	struct loop_handler signals;    /* the signalfd */
	struct loop_timer log_timer;    /* dropped log lines, reported in time */
	int64_t log_due_ms;             /* monotonic; -1: none unreported */
	struct serve_dhcp dhcp;
	struct serve_dhcp6 dhcp6;
	struct serve_dns dns;
	struct serve_ctl ctl;           /* the control socket and its connections */
	struct serve_counters counters;
	struct tftp_service *tftp;      /* NULL without <tftp root> */
	struct ra_io *ra;               /* router advertisements; NULL without IPv6 */
	int state_fd;                   /* the state directory, until the lease files own it */
};

/*
 * serve_dhcp.c. open: while privileged, the sockets and the server (the
 * server's events and names go to the daemon); start: register with the
 * loop; open_leases: after the privilege drop, taking over dir_fd; close:
 * the lease file written if it lags, then everything freed.
 */
int serve_dhcp_open(struct daemon *d, char *msg, size_t size);
int serve_dhcp_start(struct serve_dhcp *s, struct loop *loop);
int serve_dhcp_open_leases(struct serve_dhcp *s, int dir_fd, const char *statedir,
			   const struct netdef *def, struct dhcp6_server *srv6, char *msg,
			   size_t size);
void serve_dhcp_close(struct serve_dhcp *s);
/* serve_dhcp_batch.c: requests into reply banks, their group commit in the sync thread. */
void serve_dhcp_on_requests(void *userdata);
void serve_dhcp_batch(struct serve_dhcp *s, int bank, const struct dhcp_rx *rx, int n);
int serve_dhcp_filling_bank(const struct serve_dhcp *s);     /* -1: every bank waits */
void serve_dhcp_kick_sync(struct serve_dhcp *s, int64_t now_ms);
void serve_dhcp_on_synced(struct loop_handler *h, uint32_t events);
void serve_dhcp_drain(struct serve_dhcp *s);
/* The lease file lags memory: rewrite it soon (paced). */
void serve_dhcp_files_changed(struct serve_dhcp *s);

/*
 * serve_dhcp6.c. open: while privileged, the socket; start: register with
 * the loop; make: after the privilege drop, the server with the DUID the
 * lease file keeps (dir_fd only read); loaded: once the lease files are
 * in; close: after serve_dhcp_close (the last lease file write needs it).
 */
int serve_dhcp6_open(struct daemon *d, char *msg, size_t size);
int serve_dhcp6_start(struct daemon *d);
int serve_dhcp6_make(struct daemon *d, int dir_fd, char *msg, size_t size);
void serve_dhcp6_loaded(struct daemon *d);
/* A batch waiting for its sync: wait for it, send its replies (stop, reconfiguration). */
void serve_dhcp6_drain(struct serve_dhcp6 *s);
void serve_dhcp6_close(struct serve_dhcp6 *s);
/* ctl_stats.c: a DHCPv6 lease event as JSON; its length, or 0 when none is wanted. */
size_t serve_event6_json(const struct daemon *d, const struct dhcp6_event *ev, char *buf,
			 size_t size);

/* A lease's wall-clock end (unix seconds) on the loop's clock; -1 for never. */
int64_t serve_lease_end_ms(int64_t expires);

/* serve_dns.c: the same steps for DNS; the DHCP core's on_name goes to lease_name. */
int serve_dns_open(struct daemon *d, char *msg, size_t size);
int serve_dns_start(struct serve_dns *s, struct loop *loop);
void serve_dns_close(struct serve_dns *s);
void serve_dns_lease_name(void *userdata, struct in_addr addr, const char *name,
			  int64_t expires);
/* The DHCPv6 core's on_name: AAAA and ip6.arpa for the lease's address. */
void serve_dns_lease_name6(void *userdata, const struct in6_addr *addr, const char *name,
			   int64_t expires);

/* reload.c: the signalfd, registered with the loop. 0 or negative errno. */
int serve_signals_open(struct daemon *d);

/*
 * daemon_pages.c: once ready, give back what only the start-up used: the
 * free heap, and the clean pages of file mappings (programs, libraries),
 * which the loop faults back as it needs them. The bytes of mappings let go.
 */
size_t daemon_shed_start_pages(void);

#endif
