/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/leasedb-internal.h"
#include "netd/base/base.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define JOURNAL_FOLD_AT (1u << 20)      /* fold a journal once it passes 1 MiB */

void ldb_report_problem(void *userdata, const struct lease_error *e)
{
	const char *what = userdata;

	if (e->line)
		log_msg(LOG_WARNING, "%s: line/record %u skipped: %s", what, e->line, e->message);
	else
		log_msg(LOG_WARNING, "%s: %s", what, e->message);
}

void leasedb_stats(const struct leasedb *db, struct leasedb_stats *out)
{
	static const struct leasedb_stats none;

	*out = db ? db->st : none;
}

/* Make the batch's records durable, then commit it (commit), or undo it (rollback). */
static int commit_journal(struct leasedb *db, struct ldb_journal *j, const uint8_t *data,
			  size_t len)
{
	int r = ldb_journal_append(j, data, len, &db->st);

	ldb_outage(&j->failing, r, "append to", j->path,
		   "no lease is granted or renewed until it works again",
		   "works again; leases are granted");
	if (r == 0)
		db->dirty = true;
	return r;
}

int leasedb_commit(struct leasedb *db, struct dhcp_server *srv)
{
	const uint8_t *data;
	size_t len;

	dhcp_server_journal_pending(srv, &data, &len);
	if (len && commit_journal(db, &db->j4, data, len) < 0) {
		dhcp_server_rollback(srv);
		return -EIO;
	}
	dhcp_server_commit(srv);
	return 0;
}

int leasedb_commit6(struct leasedb *db, struct dhcp6_server *srv6)
{
	const uint8_t *data;
	size_t len;

	dhcp6_server_journal_pending(srv6, &data, &len);
	if (len && commit_journal(db, &db->j6, data, len) < 0) {
		dhcp6_server_rollback(srv6);
		return -EIO;
	}
	dhcp6_server_commit(srv6);
	return 0;
}

static void to_writer(void *ctx, const void *data, size_t len)
{
	atomic_writer_write(ctx, data, len);
}

/* The status array: v4 objects, then v6 ones; the lease file: v4 lines, "duid", v6 lines. */
static int write_both(const struct leasedb *db, struct lease_sink *leases,
		      struct lease_sink *status)
{
	struct lease_buf edge = { 0 };
	size_t v4 = 0, v6 = 0;
	int r;

	if ((r = lease_status_begin(&edge)) < 0)
		goto out;
	status->write(status->ctx, edge.data, edge.len);
	edge.len = 0;
	if (db->srv && (r = dhcp_server_write_parts(db->srv, leases, status, &v4)) < 0)
		goto out;
	if (db->srv6 && ((r = dhcp6_server_write_leases(db->srv6, leases)) < 0 ||
			 (r = dhcp6_server_write_status(db->srv6, status, !v4, &v6)) < 0))
		goto out;
	if ((r = lease_status_end(&edge, !v4 && !v6)) < 0)
		goto out;
	status->write(status->ctx, edge.data, edge.len);
out:
	lease_buf_free(&edge);
	return r;
}

/* Both files replaced from memory, the status first: whoever sees the new
 * lease file finds the status as new. The forked writer runs this too. */
int ldb_write_files(struct leasedb *db)
{
	struct atomic_writer leases = { .fd = -1 }, status = { .fd = -1 };
	struct lease_sink to_leases = { to_writer, &leases }, to_status = { to_writer, &status };
	int r;

	if ((r = atomic_writer_begin(&status, db->dir_fd, db->status_name, 0644)) < 0 ||
	    (r = atomic_writer_begin(&leases, db->dir_fd, db->leases_name, 0644)) < 0 ||
	    (r = write_both(db, &to_leases, &to_status)) < 0 ||
	    (r = atomic_writer_commit(&status)) < 0) {
		atomic_writer_abort(&status);
		atomic_writer_abort(&leases);
		return r;
	}
	return atomic_writer_commit(&leases);
}

/*
 * The lease file now holds what the journals said up to `upto4`/`upto6`
 * (their sizes when the files were taken from memory): a large journal
 * loses that part.
 */
void ldb_written(struct leasedb *db, uint64_t upto4, uint64_t upto6, bool off_loop)
{
	/* a fold copies and syncs: on the loop's behalf, the journal's sync thread does
	 * it; never while that thread uses the descriptor a fold replaces */
	if (db->j4.fd >= 0 && upto4 >= JOURNAL_FOLD_AT && off_loop && db->sync.running)
		ldb_sync_fold(&db->sync, upto4);
	else if (db->j4.fd >= 0 && upto4 >= JOURNAL_FOLD_AT && !db->sync.busy)
		ldb_journal_drop_head(&db->j4, db->dir_fd, upto4);
	if (db->j6.fd >= 0 && upto6 >= JOURNAL_FOLD_AT && off_loop && db->sync6.running)
		ldb_sync_fold(&db->sync6, upto6);
	else if (db->j6.fd >= 0 && upto6 >= JOURNAL_FOLD_AT && !db->sync6.busy)
		ldb_journal_drop_head(&db->j6, db->dir_fd, upto6);
}

int leasedb_flush(struct leasedb *db)
{
	int r;

	leasedb_writer_wait(db);
	r = ldb_write_files(db);
	ldb_outage(&db->flush_failing, r, "write", db->leases_path,
		   "the journal keeps every lease meanwhile, retrying", "written again");
	if (r < 0)
		return r;
	db->dirty = false;
	ldb_written(db, db->j4.size, db->j6.size, false);
	return 0;
}

static int name_journal(struct ldb_journal *j, const char *statedir, const char *name,
			const char *suffix)
{
	int a = snprintf(j->path, sizeof(j->path), "%s/%s.%s", statedir, name, suffix);
	int b = snprintf(j->name, sizeof(j->name), "%s.%s", name, suffix);

	return a < (int)sizeof(j->path) && b < (int)sizeof(j->name) ? 0 : -ENAMETOOLONG;
}

static int set_names(struct leasedb *db, const char *statedir, const char *name,
		     const char *bridge)
{
	int n[3];

	n[0] = snprintf(db->leases_path, sizeof(db->leases_path), "%s/%s.leases", statedir, name);
	n[1] = snprintf(db->leases_name, sizeof(db->leases_name), "%s.leases", name);
	n[2] = snprintf(db->status_name, sizeof(db->status_name), "%s.status", bridge);
	if (name_journal(&db->j4, statedir, name, "journal") < 0 ||
	    name_journal(&db->j6, statedir, name, "journal6") < 0)
		return -ENAMETOOLONG;
	return n[0] < (int)sizeof(db->leases_path) && n[1] < (int)sizeof(db->leases_name) &&
	       n[2] < (int)sizeof(db->status_name) ? 0 : -ENAMETOOLONG;
}

int leasedb_open(struct leasedb **ret, int dir_fd, const char *statedir, const char *name,
		 const char *bridge, struct dhcp_server *srv, struct dhcp6_server *srv6,
		 int64_t now, char *msg, size_t msg_size)
{
	struct leasedb *db = calloc(1, sizeof(*db));
	int r;

	*ret = NULL;
	if (!db) {
		close(dir_fd);
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	db->dir_fd = dir_fd;
	db->j4.fd = db->j6.fd = -1;
	db->writer.pid = 0;
	db->writer.pidfd = -1;
	/* the writer is reaped by its pid: an ignored SIGCHLD (inherited) would reap it first */
	signal(SIGCHLD, SIG_DFL);
	db->srv = srv;
	db->srv6 = srv6;
	if (set_names(db, statedir, name, bridge) < 0) {
		snprintf(msg, msg_size, "state directory path too long");
		r = -ENAMETOOLONG;
	} else {
		r = ldb_load(db, srv, srv6, now, msg, msg_size);
	}
	if (r == 0 && srv && ldb_sync_open(db, &db->sync, &db->j4) < 0)
		log_msg(LOG_WARNING, "no thread for the journal's syncs: they run on the loop");
	if (r == 0 && srv6 && ldb_sync_open(db, &db->sync6, &db->j6) < 0)
		log_msg(LOG_WARNING, "no thread for the DHCPv6 journal's syncs: they run on the loop");
	if (r < 0) {
		leasedb_close(db);
		return r;
	}
	*ret = db;
	return 0;
}

bool leasedb_dirty(const struct leasedb *db)
{
	return db->dirty;
}

void leasedb_close(struct leasedb *db)
{
	if (!db)
		return;
	leasedb_writer_wait(db);
	ldb_sync_close(&db->sync);
	ldb_sync_close(&db->sync6);
	if (db->j4.fd >= 0)
		close(db->j4.fd);
	if (db->j6.fd >= 0)
		close(db->j6.fd);
	if (db->dir_fd >= 0)
		close(db->dir_fd);
	free(db);
}
