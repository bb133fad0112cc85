/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl_server: the daemon's end of the control socket (netd/ctl has the
 * protocol). The listening socket is made while root; connections are
 * served from the loop: at most CTL_SERVER_CONNS at once, each closed after
 * CTL_SERVER_IDLE_MS without a request unless it subscribed to events. A
 * subscriber that does not keep up (its socket buffer full) is dropped:
 * an event is never waited for.
 *
 * Also here: the daemon's own counters (what the libraries do not count)
 * and the `stats` and event texts built from them.
 */
#ifndef VNETD_SERVE_CTL_SERVER_H
#define VNETD_SERVE_CTL_SERVER_H

#include "netd/serve/loop.h"
#include "dhcp/v4/dhcp.h"

#include <stdbool.h>
#include <stdint.h>

#define CTL_SERVER_CONNS 8
#define CTL_SERVER_IDLE_MS 5000
#define CTL_SERVER_RESUME_MS 1000        /* accepting again after running out of descriptors */
#define CTL_SERVER_REFUSED_MS 1000    /* a refused peer's time to read why */
/* a subscriber's unread events, at most (SO_SNDBUF; the kernel doubles it): ~100 events */
#define CTL_SERVER_EVENT_BUF (32 * 1024)
#define SERVE_DHCP_EVENT_TYPES (DHCP_EV_NAME_REFUSED + 1)

struct daemon;
struct serve_ctl;

struct ctl_conn {
	struct loop_handler h;          /* fd -1: the slot is free */
	struct serve_ctl *owner;
	int64_t deadline_ms;            /* closed then; -1 for a subscriber */
	bool subscribed;
	bool refused;                   /* told why; what it sends is dropped until it goes */
};

struct serve_ctl {
	struct loop_handler listen;     /* fd -1 without a control socket */
	struct ctl_conn conns[CTL_SERVER_CONNS];
	struct loop_timer timer;
	struct loop *loop;
	char *buf;                      /* one message, CTL_MSG_MAX + 1 */
	uint64_t refused, dropped;      /* non-root peers; slow subscribers */
	int64_t resume_ms;              /* out of descriptors: accepting again then; 0: none */
};

/* What the daemon counts itself (DHCP messages come to it as events). */
struct serve_counters {
	uint64_t dhcp[SERVE_DHCP_EVENT_TYPES];
	uint64_t applied, apply_failed; /* definitions applied live */
};

/* While root: the socket at RUNDIR/NAME.ctl. 0 or negative errno with msg. */
int serve_ctl_open(struct daemon *d, char *msg, size_t size);
/* Register with the loop (nothing without a socket). */
int serve_ctl_start(struct daemon *d);
void serve_ctl_close(struct serve_ctl *c);

/* A lease event for the subscribers: one JSON object (no newline). */
void serve_ctl_publish(struct daemon *d, const char *json, size_t len);

/* ctl_stats.c: the `stats` body, "name value" lines; its length or negative errno. */
int serve_stats_format(const struct daemon *d, char *buf, size_t size);
/* ctl_stats.c: the event a DHCP event is, as JSON; its length, or 0 when none is wanted. */
size_t serve_event_json(const struct daemon *d, const struct dhcp_event *ev, char *buf,
			size_t size);

/* apply.c: run `xml` from now on (what can change live); 0 or negative errno, msg either way. */
int serve_apply(struct daemon *d, const char *xml, size_t len, char *msg, size_t size);

#endif
