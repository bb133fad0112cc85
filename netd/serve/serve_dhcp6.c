/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCPv6 serving path, as serve_dhcp.c's for DHCPv4: a wake-up of UDP
 * 547 takes every datagram waiting, in batches of DHCP6_IO_BATCH
 * (recvmmsg); the core handles them, their journal records are appended to
 * NAME.journal6 and made durable with one fdatasync, and only then do the
 * replies leave, with one sendmmsg (group commit). The fdatasync runs in
 * the journal's own thread (leasedb_sync.c): meanwhile the batch's replies
 * are held, the socket is not watched and the core is left alone (no
 * request, no expiry tick, no new hosts), while the loop serves DNS,
 * DHCPv4 and the rest; requests that arrive wait in the socket and make
 * the next batch. The lease file and its pacing are the DHCPv4 path's
 * (serve_dhcp_files_changed()).
 *
 * The server DUID stays the same across restarts: it is the lease file's
 * "duid" line (as dnsmasq keeps it); a network that never had one gets a
 * DUID-LLT of the bridge's MAC, written on that line at the first fold.
 * So the server is made only after the privilege drop, once the state
 * directory can be read; the socket is opened before it, as root.
 */
#include "netd/serve/daemon.h"
#include "netd/serve/dhcp6_io.h"
#include "netd/serve/leasedb.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>

#define OFFER_HOLD_S 61         /* an advertised address is held 60 s */
#define QUARANTINE_S 601        /* a declined one rests 600 s */

/* Bring the expiry tick forward for what this event started; the tick finds the exact one. */
static void note_deadline(struct serve_dhcp6 *s, const struct dhcp6_event *ev)
{
	int64_t now = (int64_t)time(NULL), due = LEASE_EXPIRES_NEVER;

	if (ev->type == DHCP6_EV_REPLY)
		due = ev->expires;
	else if (ev->type == DHCP6_EV_ADVERTISE)
		due = now + OFFER_HOLD_S;
	else if (ev->type == DHCP6_EV_DECLINE)
		due = now + QUARANTINE_S;
	if (due < s->next_expiry) {
		s->next_expiry = due;
		s->expiry_due_ms = serve_lease_end_ms(due);
	}
}

static void on_dhcp6_event(void *userdata, const struct dhcp6_event *ev)
{
	struct daemon *d = userdata;
	char line[700];
	size_t n;

	dhcp6_event_format(ev, d->def->bridge_name, line, sizeof(line));
	log_msg(ev->type == DHCP6_EV_NO_ADDRS || ev->type == DHCP6_EV_DECLINE ||
		ev->type == DHCP6_EV_NAME_REFUSED ? LOG_WARNING : LOG_INFO, "%s", line);
	note_deadline(&d->dhcp6, ev);
	if ((unsigned)ev->type < SERVE_DHCP6_EVENT_TYPES)
		d->dhcp6.events[ev->type]++;
	n = serve_event6_json(d, ev, line, sizeof(line));
	if (n)
		serve_ctl_publish(d, line, n);
}

/* The held batch's sync (or the fold before it) ended with r: a fold lets
 * its sync start; then its replies go if durable (r 0) or are dropped,
 * rolled back (the clients retry), and requests are read again. */
static void held_ended(struct serve_dhcp6 *s, int r)
{
	struct leasedb *db = s->files->db;

	if (!s->held)
		return;                 /* a fold with no batch waiting */
	if (!s->held_started) {
		r = leasedb_commit6_start(db, s->srv);
		if (r == 1 || r == -EBUSY) {
			s->held_started = r == 1;
			return;
		}
	}
	if (r == 0)
		dhcp6_io_send(s->io, s->held_replied, s->held_n);
	s->held = false;
	dhcp6_io_pause(s->io, false);
	if (leasedb_dirty(db))
		serve_dhcp_files_changed(s->files);
}

static void on_synced(struct loop_handler *h, uint32_t events)
{
	struct serve_dhcp6 *s = loop_owner(h, struct serve_dhcp6, synced);
	int r = leasedb_commit6_end(s->files->db, s->srv);

	(void)events;
	if (r != -EAGAIN)
		held_ended(s, r);
}

void serve_dhcp6_drain(struct serve_dhcp6 *s)
{
	while (s->srv && s->files && s->files->db && leasedb_syncing6(s->files->db))
		held_ended(s, leasedb_commit6_wait(s->files->db, s->srv));
}

/*
 * Handle a batch; its grants are durable before any reply leaves. false
 * when its replies are held for a sync under way: read no more until then.
 */
static bool serve_batch(struct daemon *d, int n)
{
	struct serve_dhcp6 *s = &d->dhcp6;
	bool replied[DHCP6_IO_BATCH];
	int64_t now = (int64_t)time(NULL);      /* the lease clock */
	int i, r;

	for (i = 0; i < n; i++) {
		struct dhcp6_rx rx;

		dhcp6_io_rx(s->io, i, &rx);
		replied[i] = dhcp6_server_handle(s->srv, &rx, now, dhcp6_io_reply_buf(s->io, i),
						 DHCP6_REPLY_BUF, dhcp6_io_tx(s->io, i)) ==
			     DHCP6_REPLY;
	}
	r = leasedb_commit6_start(d->dhcp.db, s->srv);  /* on the loop without the thread */
	if (r == 1 || r == -EBUSY) {
		memcpy(s->held_replied, replied, sizeof(replied[0]) * (size_t)n);
		s->held_n = n;
		s->held = true;
		s->held_started = r == 1;
		dhcp6_io_pause(s->io, true);
		return false;
	}
	/* r < 0: not durable, so not granted (rolled back): the clients retry */
	if (r == 0)
		dhcp6_io_send(s->io, replied, n);
	if (leasedb_dirty(d->dhcp.db))
		serve_dhcp_files_changed(&d->dhcp);
	return true;
}

static void on_requests(void *userdata)
{
	struct daemon *d = userdata;
	int n, rounds = 4;      /* then back to the loop: other sockets and timers get a turn */

	if (d->dhcp6.held)
		return;         /* fetched in the turn that paused the socket */
	do {
		n = dhcp6_io_receive(d->dhcp6.io);
		if (n > 0 && d->dhcp6.srv && d->dhcp.db && !serve_batch(d, n))
			return;
	} while (n == DHCP6_IO_BATCH && --rounds);
}

static int64_t next_deadline(struct loop_timer *t)
{
	return loop_owner(t, struct serve_dhcp6, timer)->expiry_due_ms;
}

static void run_due(struct loop_timer *t, int64_t now_ms)
{
	struct serve_dhcp6 *s = loop_owner(t, struct serve_dhcp6, timer);

	if (!s->srv || s->expiry_due_ms < 0 || now_ms < s->expiry_due_ms)
		return;
	if (s->held) {
		s->expiry_due_ms = now_ms + 5;  /* after the held batch's sync */
		return;
	}
	s->next_expiry = dhcp6_server_tick(s->srv, (int64_t)time(NULL));
	s->expiry_due_ms = serve_lease_end_ms(s->next_expiry);
	serve_dhcp_files_changed(s->files);
}

int serve_dhcp6_open(struct daemon *d, char *msg, size_t size)
{
	d->dhcp6.next_expiry = LEASE_EXPIRES_NEVER;
	d->dhcp6.expiry_due_ms = -1;
	d->dhcp6.files = &d->dhcp;
	if (!d->setup.has_dhcp6)
		return 0;
	d->dhcp.with_v6 = true;
	return dhcp6_io_open(d->def->bridge_name, &d->dhcp6.io, d->dhcp6.mac, msg, size);
}

int serve_dhcp6_start(struct daemon *d)
{
	struct serve_dhcp6 *s = &d->dhcp6;

	if (!s->io)
		return 0;
	s->timer = (struct loop_timer){ .next_deadline = next_deadline, .run_due = run_due };
	loop_add_timer(d->loop, &s->timer);
	return dhcp6_io_watch(s->io, d->loop, on_requests, d);
}

/* The DUID the lease file names, or a new DUID-LLT of the bridge's MAC. */
static void server_duid(struct daemon *d, int dir_fd)
{
	struct serve_dhcp6 *s = &d->dhcp6;
	int n = leasedb_server_duid(dir_fd, d->def->name, s->duid, sizeof(s->duid));

	if (n > 0) {
		s->duid_len = (size_t)n;
		return;
	}
	if (n != -ENOENT)
		log_msg(LOG_WARNING, "the lease file's server DUID is unusable (%s): a new one",
			strerror(-n));
	s->duid_len = dhcp6_duid_llt(s->mac, (int64_t)time(NULL), s->duid);
}

int serve_dhcp6_make(struct daemon *d, int dir_fd, char *msg, size_t size)
{
	struct dhcp6_config *cfg = &d->setup.dhcp6.cfg;
	struct wire_error de;
	int r;

	if (!d->dhcp6.io)
		return 0;
	server_duid(d, dir_fd);
	cfg->server_duid = d->dhcp6.duid;
	cfg->server_duid_len = d->dhcp6.duid_len;
	cfg->on_event = on_dhcp6_event;
	cfg->on_name = serve_dns_lease_name6;
	cfg->userdata = d;
	cfg->new_client_rate = d->opts->new_client_rate;
	if ((r = dhcp6_server_new(cfg, &d->dhcp6.srv, &de)) < 0)
		snprintf(msg, size, "DHCPv6: %s", de.message);
	return r;
}

void serve_dhcp6_loaded(struct daemon *d)
{
	struct serve_dhcp6 *s = &d->dhcp6;

	if (!s->srv)
		return;
	s->next_expiry = dhcp6_server_tick(s->srv, (int64_t)time(NULL));
	s->expiry_due_ms = serve_lease_end_ms(s->next_expiry);
	/* the journal's syncs off the loop once their ends can be heard of */
	s->synced = (struct loop_handler){ .fd = leasedb_sync6_fd(d->dhcp.db),
					   .on_ready = on_synced };
	if (s->synced.fd >= 0 && loop_add(d->loop, &s->synced, EPOLLIN) < 0)
		leasedb_sync6_stop(d->dhcp.db);         /* nobody would hear of its ends */
	log_msg(LOG_INFO, "DHCPv6 on %s, %zu leases loaded", d->def->bridge_name,
		dhcp6_server_lease_count(s->srv));
}

void serve_dhcp6_close(struct serve_dhcp6 *s)
{
	dhcp6_io_close(s->io);
	dhcp6_server_free(s->srv);
	s->io = NULL;
	s->srv = NULL;
}
