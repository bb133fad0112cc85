/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCP serving path. One wake-up of the DHCP socket takes the requests
 * waiting, in batches of up to DHCP_IO_BATCH (recvmmsg); the core handles
 * them, every lease change they make is appended to the journal and made
 * durable with one fdatasync in the sync thread, and only then do their
 * replies leave, with one sendmmsg (group commit: serve_dhcp_batch.c). A request that needs an ARP probe first waits in
 * the prober and comes back here, as a batch of one, when the probe is done.
 *
 * Time: the core keeps leases in wall seconds (that is what the lease file
 * says), so its expiry deadline is converted to the loop's monotonic clock
 * here, at the edge; everything else here is monotonic.
 */
#include "netd/serve/daemon.h"
#include "netd/serve/arp_probe.h"
#include "netd/serve/dhcp_io.h"
#include "netd/serve/leasedb.h"
#include "netd/base/base.h"

#include <errno.h>
#include <sys/epoll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLUSH_DELAY_MS 250              /* the lease file lags memory by at most this */
#define FLUSH_PACE 4                   /* the writer's length times this between two */
#define FLUSH_RETRY_MAX_MS 30000        /* a failing rewrite is retried at least this often */
#define FLUSH_BUSY_MS 10                /* a fold of the journal runs: try again after */
#define THROTTLE_REPORT_MS 10000        /* the rate limit's summary line, at most this often */

int64_t serve_lease_end_ms(int64_t expires)
{
	/* far beyond any lease time: as good as never, and no overflow */
	if (expires == LEASE_EXPIRES_NEVER || expires > INT64_MAX / 2000)
		return -1;
	return loop_mono_from_wall_ms(expires * 1000);
}

/*
 * The expiry tick walks every lease, so it runs only when something is due:
 * bring that moment forward for what this event started (a lease, an
 * offer's hold, a quarantine). The tick then works out the exact next one.
 */
static void note_deadline(struct serve_dhcp *s, const struct dhcp_event *ev)
{
	int64_t now = (int64_t)time(NULL), due = LEASE_EXPIRES_NEVER;

	if (ev->type == DHCP_EV_ACK)
		due = ev->expires;
	else if (ev->type == DHCP_EV_OFFER)
		due = now + 61;         /* an offer holds its address for 60 s */
	else if (ev->type == DHCP_EV_DECLINE || ev->type == DHCP_EV_CONFLICT)
		due = now + 601;        /* quarantine: 600 s */
	if (due < s->next_expiry) {
		s->next_expiry = due;
		s->expiry_due_ms = serve_lease_end_ms(due);
	}
}

static void on_dhcp_event(void *userdata, const struct dhcp_event *ev)
{
	struct daemon *d = userdata;
	char line[600];
	size_t n;

	dhcp_event_format(ev, d->def->bridge_name, line, sizeof(line));
	log_msg(ev->type == DHCP_EV_POOL_EXHAUSTED || ev->type == DHCP_EV_CONFLICT ||
		ev->type == DHCP_EV_NAME_REFUSED ? LOG_WARNING : LOG_INFO, "%s", line);
	note_deadline(&d->dhcp, ev);
	if ((unsigned)ev->type < SERVE_DHCP_EVENT_TYPES)
		d->counters.dhcp[ev->type]++;
	n = serve_event_json(d, ev, line, sizeof(line));
	if (n)
		serve_ctl_publish(d, line, n);
}

/*
 * The lease file is rewritten whole by a forked writer (leasedb_writer.c),
 * so the loop only pays for the fork; the writer's CPU is still paid for on
 * the same core, so it runs at most a fifth of the time: the next rewrite
 * starts FLUSH_DELAY_MS after the change, and no sooner than four times the
 * last one's length after its end (~1 s of lag at 60 000 leases).
 */
void serve_dhcp_files_changed(struct serve_dhcp *s)
{
	int64_t due;

	if (s->flush_due_ms)
		return;
	due = loop_now_ms() + (s->flush_retry_ms ? s->flush_retry_ms : FLUSH_DELAY_MS);
	if (due < s->last_flush_end_ms + FLUSH_PACE * s->flush_cost_ms)
		due = s->last_flush_end_ms + FLUSH_PACE * s->flush_cost_ms;
	s->flush_due_ms = due;
}

/* A rewrite ended (r: 0 or negative errno): a failure (a full disk) is retried less and less often. */
static void flushed(struct serve_dhcp *s, int r)
{
	struct leasedb_stats st;

	if (r < 0) {
		s->flush_retry_ms = s->flush_retry_ms ? s->flush_retry_ms * 2 : 1000;
		if (s->flush_retry_ms > FLUSH_RETRY_MAX_MS)
			s->flush_retry_ms = FLUSH_RETRY_MAX_MS;
	} else {
		s->flush_retry_ms = 0;
	}
	leasedb_stats(s->db, &st);
	s->last_flush_end_ms = loop_now_ms();
	s->flush_cost_ms = (int64_t)(st.write_us_last / 1000);
	/* what changed meanwhile waits its turn, paced from this end */
	if (r < 0 || s->flush_due_ms || leasedb_dirty(s->db)) {
		s->flush_due_ms = 0;
		serve_dhcp_files_changed(s);
	}
}

static void on_writer_end(struct loop_handler *h, uint32_t events)
{
	struct serve_dhcp *s = loop_owner(h, struct serve_dhcp, writer);
	int r;

	loop_remove(s->loop, h);
	r = leasedb_writer_done(s->db);
	if (r == -EAGAIN) {             /* not yet after all: keep waiting */
		loop_add(s->loop, h, EPOLLIN);
		return;
	}
	h->fd = -1;
	flushed(s, r);
}

/* Rewrite the lease file, by a forked writer when there is none at work. */
static void flush_leases(struct serve_dhcp *s)
{
	int r;

	if (s->writer.fd >= 0)
		return;                 /* its end schedules the next */
	s->flush_due_ms = 0;
	r = leasedb_writer_start(s->db);
	if (r == -EBUSY) {              /* the journal is being folded: a moment */
		s->flush_due_ms = loop_now_ms() + FLUSH_BUSY_MS;
		return;
	}
	if (r == 1) {
		s->writer = (struct loop_handler){ .fd = leasedb_writer_fd(s->db),
						   .on_ready = on_writer_end };
		if (s->writer.fd >= 0 && loop_add(s->loop, &s->writer, EPOLLIN) == 0)
			return;
		s->writer.fd = -1;
		r = leasedb_writer_done(s->db);
		if (r == -EAGAIN) {     /* cannot watch it: wait for it here */
			leasedb_writer_wait(s->db);
			r = 0;
		}
	}
	flushed(s, r);
}

/* Probes answered or timed out: tell the server, then serve their requests. */
static void finish_probes(struct serve_dhcp *s)
{
	struct arp_probe_done done;
	int64_t now = (int64_t)time(NULL);
	int b;

	while ((b = serve_dhcp_filling_bank(s)) >= 0 && arp_take_done(s->arp, loop_now_ms(), &done)) {
		s->probes_answered += done.answered;
		dhcp_server_probe_result(s->srv, done.addr, done.answered, now);
		serve_dhcp_batch(s, b, &done.rx, 1);
	}
}

static void on_probe_answers(void *userdata)
{
	finish_probes(userdata);
}

/* One summary line per interval for requests the new-client limit dropped. */
static void report_throttling(struct serve_dhcp *s, int64_t now_ms)
{
	struct dhcp_stats st;

	if (!s->srv)
		return;
	dhcp_server_stats(s->srv, &st);
	if (st.throttled == s->throttled_reported || now_ms < s->throttle_report_ms)
		return;
	log_msg(LOG_WARNING, "%llu requests of new clients dropped: more new clients than "
		"the rate limit allows (see start --new-client-rate)",
		(unsigned long long)(st.throttled - s->throttled_reported));
	s->throttled_reported = st.throttled;
	s->throttle_report_ms = now_ms + THROTTLE_REPORT_MS;
}

static int64_t earliest(int64_t a, int64_t b)
{
	return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static int64_t next_deadline(struct loop_timer *t)
{
	struct serve_dhcp *s = loop_owner(t, struct serve_dhcp, timer);
	/* while a writer runs, its end (the pidfd) wakes the loop */
	int64_t flush = s->flush_due_ms && s->writer.fd < 0 ? s->flush_due_ms : -1;
	int64_t due = earliest(s->expiry_due_ms, flush);

	if (s->queued && !leasedb_syncing(s->db))
		due = earliest(due, s->next_sync_ms);
	return s->arp ? earliest(due, arp_next_deadline(s->arp)) : due;
}

static void run_due(struct loop_timer *t, int64_t now_ms)
{
	struct serve_dhcp *s = loop_owner(t, struct serve_dhcp, timer);

	if (s->expiry_due_ms >= 0 && now_ms >= s->expiry_due_ms) {
		s->next_expiry = dhcp_server_tick(s->srv, (int64_t)time(NULL));
		s->expiry_due_ms = serve_lease_end_ms(s->next_expiry);
		serve_dhcp_files_changed(s);
	}
	if (s->arp)
		finish_probes(s);
	serve_dhcp_kick_sync(s, now_ms);
	if (s->flush_due_ms && now_ms >= s->flush_due_ms)
		flush_leases(s);
	report_throttling(s, now_ms);
}

int serve_dhcp_open(struct daemon *d, char *msg, size_t size)
{
	struct dhcp_config *cfg = &d->setup.dhcp.cfg;
	struct wire_error de;
	int r;

	d->dhcp.next_expiry = LEASE_EXPIRES_NEVER;
	d->dhcp.expiry_due_ms = -1;
	d->dhcp.filling = -1;
	d->dhcp.synced.fd = -1;
	if (!d->setup.has_dhcp)
		return 0;
	cfg->on_event = on_dhcp_event;
	cfg->on_name = serve_dns_lease_name;
	cfg->userdata = d;
	cfg->probe = d->opts->probe;
	cfg->new_client_rate = d->opts->new_client_rate;
	if (d->opts->probe &&
	    (r = arp_open(d->def->bridge_name, d->def->mac, &d->dhcp.arp, msg, size)) < 0)
		return r;
	if ((r = dhcp_server_new(cfg, &d->dhcp.srv, &de)) < 0) {
		snprintf(msg, size, "%s", de.message);
		return r;
	}
	return dhcp_io_open(d->def->bridge_name, cfg->server_addr, &d->dhcp.io, msg, size);
}

int serve_dhcp_start(struct serve_dhcp *s, struct loop *loop)
{
	int r;

	s->writer.fd = -1;
	if (!s->srv && !s->with_v6)
		return 0;
	s->loop = loop;
	s->timer = (struct loop_timer){ .next_deadline = next_deadline, .run_due = run_due };
	loop_add_timer(loop, &s->timer);
	if (s->io && (r = dhcp_io_watch(s->io, loop, serve_dhcp_on_requests, s)) < 0)
		return r;
	return s->arp ? arp_watch(s->arp, loop, on_probe_answers, s) : 0;
}

/* After the privilege drop: the lease files, as the service user. */
int serve_dhcp_open_leases(struct serve_dhcp *s, int dir_fd, const char *statedir,
			   const struct netdef *def, struct dhcp6_server *srv6, char *msg,
			   size_t size)
{
	int r;

	if (!s->srv && !srv6) {
		close(dir_fd);
		return 0;
	}
	r = leasedb_open(&s->db, dir_fd, statedir, def->name, def->bridge_name, s->srv,
			 srv6, (int64_t)time(NULL), msg, size);
	if (r < 0)
		return r;
	if (leasedb_dirty(s->db))
		serve_dhcp_files_changed(s);
	if (!s->srv)
		return 0;
	s->synced = (struct loop_handler){ .fd = leasedb_sync_fd(s->db), .on_ready = serve_dhcp_on_synced };
	if (s->synced.fd >= 0 && (r = loop_add(s->loop, &s->synced, EPOLLIN)) < 0) {
		snprintf(msg, size, "cannot watch the journal's syncs: %s", strerror(-r));
		return r;
	}
	s->next_expiry = dhcp_server_tick(s->srv, (int64_t)time(NULL));
	s->expiry_due_ms = serve_lease_end_ms(s->next_expiry);
	log_msg(LOG_INFO, "DHCP on %s, %zu leases loaded", def->bridge_name,
		dhcp_server_lease_count(s->srv));
	return 0;
}

void serve_dhcp_close(struct serve_dhcp *s)
{
	/* replies waiting for a sync still go once it ends */
	serve_dhcp_drain(s);
	/* a writer at work finishes first; then whatever it missed is written here */
	if (s->db)
		leasedb_writer_wait(s->db);
	if (s->db && leasedb_dirty(s->db) && leasedb_flush(s->db) < 0)
		log_msg(LOG_ERR, "could not write the lease file at exit");
	leasedb_close(s->db);
	arp_close(s->arp);
	dhcp_io_close(s->io);
	dhcp_server_free(s->srv);
}
