/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lease database's journals (NAME.journal, NAME.journal6): one append-only file each. */
#ifndef VNETD_SERVE_LEASEDB_INTERNAL_H
#define VNETD_SERVE_LEASEDB_INTERNAL_H

#include "netd/serve/leasedb.h"

#include <limits.h>
#include <pthread.h>
#include <sys/types.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LEASEDB_JOURNAL_RESERVE (64u << 10)     /* allocated ahead of the journal's end */

struct ldb_journal {
	char path[PATH_MAX];            /* for messages */
	char name[NAME_MAX + 1];        /* inside the state directory */
	int fd;
	uint64_t size;                  /* bytes known durable */
	uint64_t reserved_end;          /* allocated up to here (fallocate) */
	bool torn;                      /* bytes past size to cut before appending */
	bool failing;                   /* an outage is under way (logged once) */
	uint64_t ok_since_ms;           /* monotonic: syncs work again since (0: not yet) */
};

/* A forked writer at work (leasedb_writer.c); pid 0 when none. */
struct ldb_writer {
	pid_t pid;
	int pidfd;                      /* -1 without one: waited for at once */
	uint64_t upto4, upto6;          /* the journals' sizes when it was forked */
	uint64_t started_us;            /* monotonic */
};

/* A journal's sync thread (leasedb_sync.c): one for NAME.journal, one for NAME.journal6. */
struct ldb_sync {
	struct ldb_journal *j;          /* the journal it syncs and folds */
	bool running;                   /* the thread exists (else syncs run on the loop) */
	bool busy;                      /* a sync is in flight (the loop's view) */
	size_t changes, bytes;          /* the core's marks it covers */
	int event_fd;                   /* readable once a sync ended */
	pthread_t thread;
	pthread_mutex_t mu;             /* guards the fields below */
	pthread_cond_t cv;
	int fd;                         /* the journal to sync; -1: nothing asked */
	struct lease_buf out;           /* the records it writes (the loop's again once done) */
	bool quit;
	uint64_t fold_upto;             /* a fold, not a sync, when > 0 */
	struct leasedb *db;
	int result;                     /* the last sync's errno, 0 when durable */
	uint64_t took_us;
};

struct leasedb {
	char leases_path[PATH_MAX];     /* for messages */
	char leases_name[NAME_MAX + 1]; /* inside the state directory */
	char status_name[NAME_MAX + 1];
	int dir_fd;
	struct ldb_journal j4, j6;      /* j6.fd -1 without DHCPv6 */
	const struct dhcp_server *srv;  /* either may be NULL */
	const struct dhcp6_server *srv6;
	bool flush_failing;
	bool dirty;                     /* the lease file lags behind memory */
	struct ldb_writer writer;
	struct ldb_sync sync, sync6;    /* sync6 only with DHCPv6 */
	struct leasedb_stats st;
};

/* Start s's thread for journal j (0, or negative errno: its syncs then run on the
 * loop); stop it. */
int ldb_sync_open(struct leasedb *db, struct ldb_sync *s, struct ldb_journal *j);
void ldb_sync_close(struct ldb_sync *s);
/* Fold s's journal up to `upto` in its thread (skipped while it is busy: the
 * next rewrite folds it); records wait meanwhile as behind a sync. */
void ldb_sync_fold(struct ldb_sync *s, uint64_t upto);

/*
 * Start (leasedb_load.c): open the journals, fold the lease file and the
 * journals into the servers (either may be NULL), then into the lease file.
 * 0 or negative errno with msg.
 */
int ldb_load(struct leasedb *db, struct dhcp_server *srv, struct dhcp6_server *srv6,
	     int64_t now, char *msg, size_t msg_size);
/* A lease_problem_fn logging the problem; userdata: the file's path. */
void ldb_report_problem(void *userdata, const struct lease_error *e);

/* Both files from memory, atomically (the status first). 0 or negative errno. */
int ldb_write_files(struct leasedb *db);
/* The files hold the journals up to these sizes: fold a large journal
 * (off_loop: by its sync thread, when it has one). */
void ldb_written(struct leasedb *db, uint64_t upto4, uint64_t upto6, bool off_loop);

/*
 * Drop the journal's first `upto` bytes, which the lease file now holds:
 * a truncation when nothing came after; else what came after is copied to
 * a new file that replaces the journal atomically (a crash leaves the old
 * one, which replays to the same leases). Best effort: a failure keeps the
 * journal as it is.
 */
void ldb_journal_drop_head(struct ldb_journal *j, int dir_fd, uint64_t upto);

/* Open (creating) j->name in dir_fd: a plain file of its own. 0 or -errno with msg. */
int ldb_journal_open(struct ldb_journal *j, int dir_fd, char *msg, size_t msg_size);
/* Keep room allocated ahead of the end (best effort). */
void ldb_journal_reserve(struct ldb_journal *j, size_t len);
/* Cut back to the last durable byte (j->size). 0 or -errno (then still torn). */
int ldb_journal_cut_back(struct ldb_journal *j);
/* Append and fdatasync; counted in st. On failure the journal is cut back. */
int ldb_journal_append(struct ldb_journal *j, const uint8_t *data, size_t len,
		       struct leasedb_stats *st);
/* An outage is logged once as it starts (r < 0) and once as it ends. */
void ldb_outage(bool *failing, int r, const char *doing, const char *path,
		const char *meanwhile, const char *back);

#endif
