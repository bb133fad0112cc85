/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/leasedb-internal.h"
#include "netd/base/base.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEASE_FILE_MAX (64u << 20)      /* far above 60 000 leases */
#define JOURNAL_FOLD_AT (1u << 20)      /* fold a journal once it passes 1 MiB */

static void report_problem(void *userdata, const struct lease_error *e)
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
void ldb_written(struct leasedb *db, uint64_t upto4, uint64_t upto6)
{
	if (db->j4.fd >= 0 && upto4 >= JOURNAL_FOLD_AT)
		ldb_journal_drop_head(&db->j4, db->dir_fd, upto4);
	if (db->j6.fd >= 0 && upto6 >= JOURNAL_FOLD_AT)
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
	ldb_written(db, db->j4.size, db->j6.size);
	return 0;
}

static int read_optional(int dir_fd, const char *file, char **buf, size_t *len)
{
	int r = statedir_read(dir_fd, file, getuid(), LEASE_FILE_MAX, buf, len);

	if (r == -ENOENT) {
		*buf = NULL;
		*len = 0;
		return 0;
	}
	return r;
}

int leasedb_server_duid(int dir_fd, const char *name, uint8_t *out, size_t cap)
{
	char file[NAME_MAX + 1], *text = NULL;
	size_t len = 0;
	int r;

	if (snprintf(file, sizeof(file), "%s.leases", name) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	if ((r = read_optional(dir_fd, file, &text, &len)) < 0)
		return r;
	r = text ? lease_file6_server_duid(text, len, out, cap) : -ENOENT;
	free(text);
	return r;
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

/* What one start reads: the lease file and both journals. */
struct loaded {
	char *text, *journal, *journal6;
	size_t text_len, journal_len, journal6_len, good, good6;
};

static void fold_journal(struct ldb_journal *j, bool flushed, size_t good, size_t len)
{
	if (j->fd < 0)
		return;
	if (flushed) {
		j->size = 0;
		j->torn = true;
	} else {
		/* the disk is full, say: keep the journal, without its torn tail */
		j->size = good;
		j->torn = good < len;
	}
	ldb_journal_cut_back(j);
}

/* Fold: the lease file takes everything, then the journals start empty. */
static void fold(struct leasedb *db, const struct loaded *ld)
{
	bool flushed;

	db->j4.size = ld->good;
	db->j6.size = ld->good6;
	flushed = leasedb_flush(db) == 0;
	if (!flushed)
		db->dirty = true;
	fold_journal(&db->j4, flushed, ld->good, ld->journal_len);
	fold_journal(&db->j6, flushed, ld->good6, ld->journal6_len);
}

static int read_all(struct leasedb *db, struct loaded *ld)
{
	int r;

	if ((r = read_optional(db->dir_fd, db->leases_name, &ld->text, &ld->text_len)) < 0 ||
	    (r = read_optional(db->dir_fd, db->j4.name, &ld->journal, &ld->journal_len)) < 0)
		return r;
	if (db->j6.fd >= 0)
		r = read_optional(db->dir_fd, db->j6.name, &ld->journal6, &ld->journal6_len);
	return r;
}

static int load(struct leasedb *db, struct dhcp_server *srv, struct dhcp6_server *srv6,
		struct loaded *ld, int64_t now)
{
	const char *text = ld->text ? ld->text : "";
	int r = 0;

	if (srv) {
		r = dhcp_server_load(srv, text, lease_file6_v4_len(text, ld->text_len),
				     (const uint8_t *)ld->journal, ld->journal_len, now,
				     report_problem, db->leases_path, &ld->good);
		if (r < 0)
			return r;
		dhcp_server_commit(srv);
	}
	if (srv6) {
		r = dhcp6_server_load(srv6, text, ld->text_len, (const uint8_t *)ld->journal6,
				      ld->journal6_len, now, report_problem, db->leases_path,
				      &ld->good6);
		if (r < 0)
			return r;
		dhcp6_server_commit(srv6);
	}
	if (ld->good < ld->journal_len)
		log_msg(LOG_WARNING, "%s: %zu bytes of a torn last record skipped", db->j4.path,
			ld->journal_len - ld->good);
	if (ld->good6 < ld->journal6_len)
		log_msg(LOG_WARNING, "%s: %zu bytes of a torn last record skipped", db->j6.path,
			ld->journal6_len - ld->good6);
	return 0;
}

static int open_db(struct leasedb *db, const char *statedir, struct dhcp_server *srv,
		   struct dhcp6_server *srv6, int64_t now, char *msg, size_t msg_size)
{
	struct loaded ld = { 0 };
	int r;

	if ((r = ldb_journal_open(&db->j4, db->dir_fd, msg, msg_size)) < 0 ||
	    (srv6 && (r = ldb_journal_open(&db->j6, db->dir_fd, msg, msg_size)) < 0))
		return r;
	if ((r = read_all(db, &ld)) < 0) {
		snprintf(msg, msg_size, "cannot read the lease files in %s: %s", statedir,
			 strerror(-r));
		goto out;
	}
	if ((r = load(db, srv, srv6, &ld, now)) < 0) {
		snprintf(msg, msg_size, "cannot load leases: %s", strerror(-r));
		goto out;
	}
	if (ld.text && ld.journal_len == 0 && ld.journal6_len == 0) {
		/* nothing to fold: a start costs no disk sync; the first flush drops
		 * what expired a moment later */
		db->dirty = true;
		ldb_journal_reserve(&db->j4, 0);
		if (db->j6.fd >= 0)
			ldb_journal_reserve(&db->j6, 0);
	} else {
		fold(db, &ld);
	}
out:
	free(ld.text);
	free(ld.journal);
	free(ld.journal6);
	return r;
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
		r = open_db(db, statedir, srv, srv6, now, msg, msg_size);
	}
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
	if (db->j4.fd >= 0)
		close(db->j4.fd);
	if (db->j6.fd >= 0)
		close(db->j6.fd);
	if (db->dir_fd >= 0)
		close(db->dir_fd);
	free(db);
}
