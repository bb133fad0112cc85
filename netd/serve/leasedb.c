/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/leasedb.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LEASE_FILE_MAX (64u << 20)      /* far above 60 000 leases */
#define JOURNAL_FOLD_AT (1u << 20)      /* fold the journal once it passes 1 MiB */

static void report_problem(void *userdata, const struct lease_error *e)
{
	const char *what = userdata;

	if (e->line)
		log_msg(LOG_WARNING, "%s: line/record %u skipped: %s", what, e->line, e->message);
	else
		log_msg(LOG_WARNING, "%s: %s", what, e->message);
}

#define LEASEDB_JOURNAL_RESERVE (64u << 10)     /* allocated ahead of the journal's end */

struct leasedb {
	char leases_path[PATH_MAX];     /* for messages */
	char journal_path[PATH_MAX];
	char leases_name[NAME_MAX + 1]; /* inside the state directory */
	char journal_name[NAME_MAX + 1];
	char status_name[NAME_MAX + 1];
	int dir_fd;
	int journal_fd;
	uint64_t journal_size;          /* bytes known durable */
	uint64_t reserved_end;          /* allocated up to here (fallocate) */
	bool torn;                      /* bytes past journal_size to cut before appending */
	bool journal_failing;           /* an outage is under way (logged once) */
	bool flush_failing;
	bool dirty;                     /* the lease file lags behind memory */
	struct leasedb_stats st;
};

/* Keep room allocated ahead, so appends do not need new blocks (a full disk). */
static void reserve(struct leasedb *db, size_t len)
{
	if (db->journal_size + len < db->reserved_end)
		return;
	if (fallocate(db->journal_fd, FALLOC_FL_KEEP_SIZE, (off_t)db->journal_size,
		      (off_t)(len + LEASEDB_JOURNAL_RESERVE)) == 0)
		db->reserved_end = db->journal_size + len + LEASEDB_JOURNAL_RESERVE;
}

/*
 * Cut the journal back to its last durable byte. A truncation also frees
 * what was allocated ahead, so allocate again (it may fail: the disk is full).
 */
static int cut_back(struct leasedb *db)
{
	if (ftruncate(db->journal_fd, (off_t)db->journal_size) < 0) {
		db->torn = true;
		return -errno;
	}
	db->torn = false;
	db->reserved_end = db->journal_size;
	reserve(db, 0);
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

void leasedb_stats(const struct leasedb *db, struct leasedb_stats *out)
{
	static const struct leasedb_stats none;

	*out = db ? db->st : none;
}

static int append(struct leasedb *db, const uint8_t *data, size_t len)
{
	uint64_t t0;
	int r;

	if (db->torn && (r = cut_back(db)) < 0)
		return r;
	reserve(db, len);
	t0 = now_us();
	r = write_full(db->journal_fd, data, len);
	if (r == 0 && fdatasync(db->journal_fd) < 0)
		r = -errno;
	t0 = now_us() - t0;
	db->st.syncs++;
	db->st.sync_us_total += t0;
	if (t0 > db->st.sync_us_max)
		db->st.sync_us_max = t0;
	if (r < 0) {
		db->st.sync_failures++;
		/* whatever reached the file of this batch must go before the next one */
		db->torn = true;
		cut_back(db);
		return r;
	}
	db->journal_size += len;
	return 0;
}

/* An outage is logged once as it starts (r < 0) and once as it ends. */
static void outage(bool *failing, int r, const char *doing, const char *path,
		   const char *meanwhile, const char *back)
{
	if (r < 0 && !*failing)
		log_msg(LOG_ERR, "cannot %s %s: %s; %s", doing, path, strerror(-r), meanwhile);
	else if (r >= 0 && *failing)
		log_msg(LOG_NOTICE, "%s %s", path, back);
	*failing = r < 0;
}

int leasedb_commit(struct leasedb *db, struct dhcp_server *srv)
{
	const uint8_t *data;
	size_t len;
	int r;

	dhcp_server_journal_pending(srv, &data, &len);
	if (!len) {
		dhcp_server_commit(srv);
		return 0;
	}
	r = append(db, data, len);
	outage(&db->journal_failing, r, "append to", db->journal_path,
	       "no lease is granted or renewed until it works again",
	       "works again; leases are granted");
	if (r < 0) {
		dhcp_server_rollback(srv);
		return r;
	}
	dhcp_server_commit(srv);
	db->dirty = true;
	return 0;
}

static void to_writer(void *ctx, const void *data, size_t len)
{
	atomic_writer_write(ctx, data, len);
}

/* Both files replaced from memory, the status first: whoever sees the new
 * lease file finds the status as new. */
static int write_files(struct leasedb *db, const struct dhcp_server *srv)
{
	struct atomic_writer leases = { .fd = -1 }, status = { .fd = -1 };
	struct lease_sink to_leases = { to_writer, &leases }, to_status = { to_writer, &status };
	int r;

	if ((r = atomic_writer_begin(&status, db->dir_fd, db->status_name, 0644)) < 0 ||
	    (r = atomic_writer_begin(&leases, db->dir_fd, db->leases_name, 0644)) < 0 ||
	    (r = dhcp_server_write_files(srv, &to_leases, &to_status)) < 0 ||
	    (r = atomic_writer_commit(&status)) < 0) {
		atomic_writer_abort(&status);
		atomic_writer_abort(&leases);
		return r;
	}
	return atomic_writer_commit(&leases);
}

int leasedb_flush(struct leasedb *db, const struct dhcp_server *srv)
{
	int r = write_files(db, srv);

	outage(&db->flush_failing, r, "write", db->leases_path,
	       "the journal keeps every lease meanwhile, retrying", "written again");
	if (r < 0)
		return r;
	db->dirty = false;
	/* the lease file now holds everything the journal says: it may be emptied */
	if (db->journal_size >= JOURNAL_FOLD_AT && !db->torn) {
		db->journal_size = 0;
		cut_back(db);
	}
	return 0;
}

static int read_optional(struct leasedb *db, const char *file, char **buf, size_t *len)
{
	int r = statedir_read(db->dir_fd, file, getuid(), LEASE_FILE_MAX, buf, len);

	if (r == -ENOENT) {
		*buf = NULL;
		*len = 0;
		return 0;
	}
	return r;
}

static int set_names(struct leasedb *db, const char *statedir, const char *name,
		     const char *bridge)
{
	int n[5];

	n[0] = snprintf(db->leases_path, sizeof(db->leases_path), "%s/%s.leases", statedir, name);
	n[1] = snprintf(db->journal_path, sizeof(db->journal_path), "%s/%s.journal", statedir,
			name);
	n[2] = snprintf(db->leases_name, sizeof(db->leases_name), "%s.leases", name);
	n[3] = snprintf(db->journal_name, sizeof(db->journal_name), "%s.journal", name);
	n[4] = snprintf(db->status_name, sizeof(db->status_name), "%s.status", bridge);
	return n[0] < (int)sizeof(db->leases_path) && n[1] < (int)sizeof(db->journal_path) &&
	       n[2] < (int)sizeof(db->leases_name) && n[3] < (int)sizeof(db->journal_name) &&
	       n[4] < (int)sizeof(db->status_name) ? 0 : -ENAMETOOLONG;
}

static int open_journal(struct leasedb *db, char *msg, size_t msg_size)
{
	struct stat st;
	int r;

	db->journal_fd = openat(db->dir_fd, db->journal_name,
				O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK,
				0644);
	if (db->journal_fd < 0 || fstat(db->journal_fd, &st) < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot open %s: %s", db->journal_path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		snprintf(msg, msg_size, "%s is not a plain file", db->journal_path);
		return -EPERM;
	}
	return 0;
}

/* Fold: the lease file takes everything, then the journal starts empty. */
static void fold(struct leasedb *db, const struct dhcp_server *srv, size_t good,
		 size_t journal_len)
{
	db->journal_size = good;
	if (leasedb_flush(db, srv) == 0) {
		db->journal_size = 0;
		db->torn = true;
	} else {
		/* the disk is full, say: keep the journal, without its torn tail */
		db->torn = good < journal_len;
		db->dirty = true;
	}
	cut_back(db);
}

static int open_db(struct leasedb *db, int dir_fd, const char *statedir, const char *name,
		   const char *bridge, struct dhcp_server *srv, int64_t now, char *msg,
		   size_t msg_size)
{
	char *text = NULL, *journal = NULL;
	size_t text_len, journal_len, good = 0;
	int r;

	memset(db, 0, sizeof(*db));
	db->journal_fd = -1;
	db->dir_fd = dir_fd;
	if (set_names(db, statedir, name, bridge) < 0) {
		snprintf(msg, msg_size, "state directory path too long");
		return -ENAMETOOLONG;
	}
	if ((r = open_journal(db, msg, msg_size)) < 0)
		return r;
	if ((r = read_optional(db, db->leases_name, &text, &text_len)) < 0 ||
	    (r = read_optional(db, db->journal_name, &journal, &journal_len)) < 0) {
		snprintf(msg, msg_size, "cannot read the lease files in %s: %s", statedir,
			 strerror(-r));
		goto out;
	}
	r = dhcp_server_load(srv, text ? text : "", text_len, (const uint8_t *)journal,
			     journal_len, now, report_problem, db->leases_path, &good);
	if (r < 0) {
		snprintf(msg, msg_size, "cannot load leases: %s", strerror(-r));
		goto out;
	}
	if (good < journal_len)
		log_msg(LOG_WARNING, "%s: %zu bytes of a torn last record skipped",
			db->journal_path, journal_len - good);
	dhcp_server_commit(srv);
	if (text && journal_len == 0) {
		/* nothing to fold: a start costs no disk sync; the first flush drops
		 * what expired a moment later */
		db->dirty = true;
		reserve(db, 0);
	} else {
		fold(db, srv, good, journal_len);
	}
	r = 0;
out:
	free(text);
	free(journal);
	return r;
}

int leasedb_open(struct leasedb **ret, int dir_fd, const char *statedir, const char *name,
		 const char *bridge, struct dhcp_server *srv, int64_t now, char *msg,
		 size_t msg_size)
{
	struct leasedb *db = malloc(sizeof(*db));
	int r;

	*ret = NULL;
	if (!db) {
		close(dir_fd);
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	r = open_db(db, dir_fd, statedir, name, bridge, srv, now, msg, msg_size);
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
	if (db->journal_fd >= 0)
		close(db->journal_fd);
	if (db->dir_fd >= 0)
		close(db->dir_fd);
	free(db);
}
