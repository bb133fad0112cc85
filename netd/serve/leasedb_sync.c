/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The journals' group commits, with their fdatasync off the loop. A
 * sync takes a fraction of a millisecond on an idle disk and tens of them
 * when the lease-file writer (or anyone) fills the same disk; on the loop,
 * every such sync was a turn nobody else was served in. So the loop writes
 * the batch's records (page cache: microseconds) and hands the fdatasync to
 * one thread; it goes on receiving and handling the next batch, whose
 * records wait in the core until the sync ends. The thread says so through
 * an eventfd; the loop then commits exactly what that sync covered (the
 * core's marks taken when it started: dhcp_server_commit_upto()), and only
 * then do those replies leave: every ACK still follows its durable record.
 * The next sync covers everything that arrived meanwhile (group commit).
 * A failed sync cuts the journal back and rolls back everything pending.
 *
 *
 * DHCPv6 (NAME.journal6) has a thread of its own, used more simply: while
 * its sync runs the loop reads no DHCPv6 request and leaves the v6 core
 * alone (serve_dhcp6.c), so the sync covers exactly the core's pending
 * records, and its end commits or rolls back all of them. The loop serves
 * everything else meanwhile; requests that arrive wait in the socket and
 * make the next batch (group commit as before).
 *
 * A thread only ever writes and syncs a descriptor the loop gives it and
 * does not close or replace while a sync runs (a journal fold waits), from
 * a buffer the loop leaves alone meanwhile.
 */
#include "netd/serve/leasedb-internal.h"
#include "netd/base/base.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#define OUTAGE_OVER_MS 1000
#define SYNC_STACK (256u << 10)      /* a fold copies through a 16 KiB buffer on it */

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void *sync_thread(void *arg)
{
	struct ldb_sync *s = arg;
	uint64_t one = 1, t0, fold;
	const uint8_t *data;
	size_t len;
	int fd, r;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (s->fd < 0 && !s->quit)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->quit)
			break;
		fd = s->fd;
		data = s->out.data;
		len = s->out.len;
		fold = s->fold_upto;
		pthread_mutex_unlock(&s->mu);
		t0 = mono_us();
		if (fold) {
			/* best effort: a failure keeps the journal as it is */
			ldb_journal_drop_head(s->j, s->db->dir_fd, fold);
			r = 0;
		} else {
			r = -write_full(fd, data, len);
			if (!r && fdatasync(fd) < 0)
				r = errno;
		}
		t0 = mono_us() - t0;
		pthread_mutex_lock(&s->mu);
		s->fd = -1;
		s->result = r;
		s->took_us = t0;
		while (write(s->event_fd, &one, sizeof(one)) < 0 && errno == EINTR)
			;
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* The thread, with every signal blocked (the loop takes them through its signalfd). */
static int start_thread(struct ldb_sync *s)
{
	pthread_attr_t attr;
	sigset_t all, old;
	int r;

	if (pthread_attr_init(&attr))
		return -ENOMEM;
	pthread_attr_setstacksize(&attr, SYNC_STACK);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&s->thread, &attr, sync_thread, s);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	return -r;
}

int ldb_sync_open(struct leasedb *db, struct ldb_sync *s, struct ldb_journal *j)
{
	int r;

	s->db = db;
	s->j = j;
	s->fd = -1;
	s->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (s->event_fd < 0)
		return -errno;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if ((r = start_thread(s)) < 0) {
		close(s->event_fd);
		s->event_fd = -1;
		return r;
	}
	s->running = true;
	return 0;
}

void ldb_sync_close(struct ldb_sync *s)
{
	if (!s->running)
		return;
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	lease_buf_free(&s->out);
	close(s->event_fd);
	s->event_fd = -1;
	s->running = false;
}

int leasedb_sync_fd(const struct leasedb *db)
{
	return db->sync.running ? db->sync.event_fd : -1;
}

bool leasedb_syncing(const struct leasedb *db)
{
	return db->sync.busy;
}

/*
 * The journal's outage, logged as it starts and as it ends: once a sync
 * worked with room allocated ahead again (or, where that cannot be had,
 * syncs have worked for OUTAGE_OVER_MS). On a full disk the room that
 * cutting a torn record back frees lets a few small syncs through between
 * failures: that is still the same outage.
 */
static void journal_outage(struct ldb_journal *j, int r)
{
	uint64_t now = mono_us() / 1000;

	if (r < 0) {
		if (!j->failing)
			ldb_outage(&j->failing, r, "append to", j->path,
				   "no lease is granted or renewed until it works again",
				   "works again; leases are granted");
		j->ok_since_ms = 0;
		return;
	}
	if (!j->failing)
		return;
	if (!j->ok_since_ms)
		j->ok_since_ms = now;
	if (j->reserved_end > j->size || now - j->ok_since_ms >= OUTAGE_OVER_MS)
		ldb_outage(&j->failing, 0, "append to", j->path, "",
			   "works again; leases are granted");
}

/* The pending records, for s's thread to write: its journal cut back to
 * the last durable byte first if a failed write left it torn. 0, or
 * negative errno (counted, logged; the caller rolls the batch back). */
static int take_pending(struct leasedb *db, struct ldb_sync *s, const uint8_t *data,
			size_t len)
{
	struct ldb_journal *j = s->j;
	int r = 0;

	s->out.len = 0;
	if (j->torn)
		r = ldb_journal_cut_back(j);
	if (r == 0)
		r = lease_buf_append(&s->out, data, len);
	if (r < 0) {
		db->st.sync_failures++;
		journal_outage(j, r);
		return r;
	}
	ldb_journal_reserve(j, len);
	return 0;
}

/* Hand the thread its next job (the fields it reads are set). */
static void ask(struct ldb_sync *s, int fd)
{
	s->busy = true;
	pthread_mutex_lock(&s->mu);
	s->fd = fd;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

void ldb_sync_fold(struct ldb_sync *s, uint64_t upto)
{
	if (s->busy || !upto)
		return;
	s->fold_upto = upto;
	s->changes = s->bytes = 0;
	ask(s, s->j->fd);
}

int leasedb_commit_start(struct leasedb *db, struct dhcp_server *srv)
{
	struct ldb_sync *s = &db->sync;
	const uint8_t *data;
	size_t changes, bytes, len;
	int r;

	if (s->busy)
		return -EBUSY;
	if (!s->running)
		return leasedb_commit(db, srv);         /* no thread: here and now */
	dhcp_server_pending(srv, &changes, &bytes);
	if (!bytes) {
		dhcp_server_commit_upto(srv, changes, 0);
		return 0;
	}
	dhcp_server_journal_pending(srv, &data, &len);
	if ((r = take_pending(db, s, data, bytes)) < 0) {
		dhcp_server_rollback(srv);
		return r;
	}
	s->changes = changes;
	s->bytes = bytes;
	s->fold_upto = 0;
	ask(s, db->j4.fd);
	return 1;
}

/* The sync's outcome: 0 or a positive errno, its time counted. */
static int sync_outcome(struct leasedb *db, struct ldb_sync *s)
{
	int r;

	pthread_mutex_lock(&s->mu);
	r = s->result;
	db->st.syncs++;
	db->st.sync_us_total += s->took_us;
	if (s->took_us > db->st.sync_us_max)
		db->st.sync_us_max = s->took_us;
	pthread_mutex_unlock(&s->mu);
	return r;
}

/* The journal after s's sync: its records durable (0), or cut back (negative errno). */
static int journal_synced(struct leasedb *db, struct ldb_sync *s)
{
	struct ldb_journal *j = s->j;
	int r = sync_outcome(db, s);

	if (r) {
		journal_outage(j, -r);
		db->st.sync_failures++;
		j->torn = true;
		ldb_journal_cut_back(j);
		return -r;
	}
	j->size += s->bytes;
	journal_outage(j, 0);
	db->dirty = true;
	return 0;
}

int leasedb_commit_end(struct leasedb *db, struct dhcp_server *srv)
{
	struct ldb_sync *s = &db->sync;
	uint64_t n;
	int r;

	if (!s->busy)
		return -EAGAIN;
	if (read(s->event_fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return -EAGAIN;         /* not yet after all */
	s->busy = false;
	if (s->fold_upto) {
		s->fold_upto = 0;
		return 0;               /* a fold: nothing to commit */
	}
	if ((r = journal_synced(db, s)) < 0) {
		dhcp_server_rollback(srv);
		return r;
	}
	dhcp_server_commit_upto(srv, s->changes, s->bytes);
	return 0;
}

int leasedb_commit_wait(struct leasedb *db, struct dhcp_server *srv)
{
	struct ldb_sync *s = &db->sync;
	int r;

	while ((r = leasedb_commit_end(db, srv)) == -EAGAIN && s->busy) {
		struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);   /* only at stop: the loop never waits here */
	}
	return r;
}

/* --- DHCPv6: the loop leaves the v6 core alone while its sync runs ------- */

int leasedb_sync6_fd(const struct leasedb *db)
{
	return db->sync6.running ? db->sync6.event_fd : -1;
}

bool leasedb_syncing6(const struct leasedb *db)
{
	return db->sync6.busy;
}

void leasedb_sync6_stop(struct leasedb *db)
{
	if (db->sync6.busy)
		leasedb_commit6_wait(db, NULL);         /* only a fold can run yet */
	ldb_sync_close(&db->sync6);
}

int leasedb_commit6_start(struct leasedb *db, struct dhcp6_server *srv6)
{
	struct ldb_sync *s = &db->sync6;
	const uint8_t *data;
	size_t len;
	int r;

	if (!s->running)
		return leasedb_commit6(db, srv6);       /* no thread: here and now */
	dhcp6_server_journal_pending(srv6, &data, &len);
	if (!len) {             /* nothing to sync (a batch of ADVERTISEs): not behind a fold */
		dhcp6_server_commit(srv6);
		return 0;
	}
	if (s->busy)
		return -EBUSY;
	if ((r = take_pending(db, s, data, len)) < 0) {
		dhcp6_server_rollback(srv6);
		return r;
	}
	s->bytes = len;
	s->fold_upto = 0;
	ask(s, s->j->fd);
	return 1;
}

int leasedb_commit6_end(struct leasedb *db, struct dhcp6_server *srv6)
{
	struct ldb_sync *s = &db->sync6;
	uint64_t n;
	int r;

	if (!s->busy || read(s->event_fd, &n, sizeof(n)) != (ssize_t)sizeof(n))
		return -EAGAIN;
	s->busy = false;
	if (s->fold_upto) {
		s->fold_upto = 0;
		return 1;               /* a fold ended: nothing was committed */
	}
	if ((r = journal_synced(db, s)) < 0) {
		dhcp6_server_rollback(srv6);
		return r;
	}
	dhcp6_server_commit(srv6);
	return 0;
}

int leasedb_commit6_wait(struct leasedb *db, struct dhcp6_server *srv6)
{
	int r;

	while ((r = leasedb_commit6_end(db, srv6)) == -EAGAIN && db->sync6.busy) {
		struct timespec ms = { 0, 1000000 };

		nanosleep(&ms, NULL);   /* only at stop and before a reconfiguration */
	}
	return r;
}
