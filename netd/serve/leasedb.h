/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leasedb: the serving daemon's lease files, in the network's own state
 * directory, opened only after the daemon dropped its privileges. The
 * journal makes every lease change durable before its ACK leaves (one
 * fdatasync per batch: group commit); the admin's lease file and libvirt's
 * status JSON are rewritten from memory off the hot path, and the journal
 * is folded into them.
 *
 * Faults: a write or sync that fails is cut back to the last durable byte
 * before anything is appended again (a replay stops at the first torn
 * record, so records after one would be lost), and the batch it carried is
 * rolled back. The journal keeps some space allocated ahead, so renewals
 * and new leases go on for a while on a full disk; both kinds of outage are
 * logged once when they start and once when they end.
 *
 * DHCPv6 shares the lease file (its "duid" line and v6 lines after the v4
 * ones) and the status array, but journals to NAME.journal6: the same
 * frames, its own file, its own group commit (leasedb_commit6).
 */
#ifndef VNETD_LEASEDB_H
#define VNETD_LEASEDB_H

#include "dhcp/v4/dhcp.h"
#include "dhcp/v6/dhcp6.h"

#include <stdbool.h>
#include <stdint.h>

struct leasedb;

/*
 * The server DUID on NAME.leases' "duid" line, read before the DHCPv6
 * server is made so that it stays the same across restarts: its length,
 * -ENOENT when there is none (or no file), another negative errno.
 */
int leasedb_server_duid(int dir_fd, const char *name, uint8_t *out, size_t cap);

/*
 * In the state directory `dir_fd` (taken over; `statedir` names it in
 * messages), open NAME.journal (and NAME.journal6 with srv6), load
 * NAME.leases + the journals into the servers (`srv` gets the v4 part,
 * `srv6` the rest; either may be NULL; problems are logged, never fatal),
 * then fold: write the lease file and status, empty the journals. A fold
 * that cannot be written (a full disk) does not stop the start: the
 * journals stay, cut to their last good record. `now`: wall seconds, the
 * lease clock. The servers must outlive the db. *ret is the caller's, for
 * leasedb_close(); dir_fd is closed on failure too. 0 or negative errno
 * with msg.
 */
int leasedb_open(struct leasedb **ret, int dir_fd, const char *statedir, const char *name,
		 const char *bridge, struct dhcp_server *srv, struct dhcp6_server *srv6,
		 int64_t now, char *msg, size_t msg_size);

/*
 * Append the server's pending journal records and fdatasync them, then
 * commit them in the server (events and names go out); if that fails,
 * cut the journal back and roll the batch back instead. 0 when durable.
 */
int leasedb_commit(struct leasedb *db, struct dhcp_server *srv);
/* The same for the DHCPv6 server, through NAME.journal6. */
int leasedb_commit6(struct leasedb *db, struct dhcp6_server *srv6);

/*
 * The same for DHCPv4 without waiting for the disk on the loop: the
 * pending records are written and a thread makes them durable while the
 * loop goes on (and the core goes on adding records: they wait for the
 * next sync). 1: a sync runs; watch leasedb_sync_fd() and then call
 * leasedb_commit_end(), which commits exactly what that sync covered (0)
 * or rolls everything pending back (negative errno). 0: committed already
 * (nothing to sync, or no thread: synced here); -EBUSY: a sync runs, call
 * again after its end; another negative errno: rolled back.
 */
int leasedb_commit_start(struct leasedb *db, struct dhcp_server *srv);
int leasedb_commit_end(struct leasedb *db, struct dhcp_server *srv);   /* -EAGAIN: not yet */
/* Block until the running sync ends, then as leasedb_commit_end() (stop only). */
int leasedb_commit_wait(struct leasedb *db, struct dhcp_server *srv);
int leasedb_sync_fd(const struct leasedb *db);  /* -1 without the thread */
bool leasedb_syncing(const struct leasedb *db);

/*
 * DHCPv6 without waiting for the disk on the loop, more simply: the caller
 * leaves the v6 core alone (no request handled, no tick, no new hosts)
 * from a start that returned 1 until the end, so the sync covers all of
 * the core's pending records. Start: 1, a sync runs (watch
 * leasedb_sync6_fd(), then call leasedb_commit6_end()); 0, committed
 * already (nothing pending, even during a fold; or no thread: synced
 * here); -EBUSY, records wait and the thread is busy (a journal fold):
 * call again after its end; another negative
 * errno: rolled back. End: 0, durable and committed; 1, what ended was a
 * fold (nothing committed: start the sync now); -EAGAIN, not yet; another
 * negative errno: rolled back.
 */
int leasedb_commit6_start(struct leasedb *db, struct dhcp6_server *srv6);
int leasedb_commit6_end(struct leasedb *db, struct dhcp6_server *srv6);
/* Block until the running sync or fold ends, then as leasedb_commit6_end(). */
int leasedb_commit6_wait(struct leasedb *db, struct dhcp6_server *srv6);
int leasedb_sync6_fd(const struct leasedb *db); /* -1 without the thread */
bool leasedb_syncing6(const struct leasedb *db);
/* No thread for journal6 after all: its syncs and folds run on the loop. */
void leasedb_sync6_stop(struct leasedb *db);

/*
 * Rewrite the lease file and status from memory (both servers) here and
 * now, after any writer running ends; fold the journals when large. For
 * the start's fold and the stop: the loop uses the writer below.
 */
int leasedb_flush(struct leasedb *db);

/*
 * The same off the loop: a child forked from this moment's memory (copy on
 * write) writes both files with the same code, atomically, and exits; the
 * loop hears of its end through a pidfd. Never two at once. A change made
 * meanwhile marks the files dirty again. 1: a writer runs (watch
 * leasedb_writer_fd(), then call leasedb_writer_done()); 0: written here
 * already (no fork or pidfd to be had); negative errno: not written
 * (-EBUSY: a writer runs).
 */
int leasedb_writer_start(struct leasedb *db);
/* The running writer's pidfd (readable when it ends), or -1. */
int leasedb_writer_fd(const struct leasedb *db);
/*
 * The writer's pidfd is readable: reap it, fold large journals up to what
 * it wrote. 0 when it wrote the files, negative errno when it did not
 * (logged; the files are dirty again), -EAGAIN while it still runs.
 */
int leasedb_writer_done(struct leasedb *db);
/* Block until a running writer ends (stop, close). */
void leasedb_writer_wait(struct leasedb *db);

/* The lease file lags behind memory: a flush is wanted. */
bool leasedb_dirty(const struct leasedb *db);

/* The journal's group commits: how many, failed, and the time their write + fdatasync took. */
struct leasedb_stats {
	uint64_t syncs, sync_failures;
	uint64_t sync_us_total, sync_us_max;
	/* the lease file's rewrites: how many, failed, wall time, the writers' CPU time */
	uint64_t writes, write_failures;
	uint64_t write_us_last, write_us_max, write_cpu_us_total;
	uint64_t fork_us_max;           /* the longest the loop waited for a writer to start */
};
void leasedb_stats(const struct leasedb *db, struct leasedb_stats *out);       /* NULL: zeros */

void leasedb_close(struct leasedb *db);         /* NULL is fine */

#endif
