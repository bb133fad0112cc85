/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lease file's writer, forked. With tens of thousands of leases a
 * rewrite takes tens of milliseconds; on the loop that is a stall every
 * client sees. fork() gives the child this moment's memory, copy on write,
 * as an immutable snapshot for free: it runs the very code that writes the
 * files in-process (ldb_write_files: temporary files, fsync, rename) and
 * _exit()s, while the loop goes on serving and only pays for the fork and
 * the pages it writes to meanwhile. The loop learns of the end through a
 * pidfd and reaps the child itself (it is the only child the daemon has).
 *
 * Descriptors: the child gets copies of every socket the loop watches, and
 * a descriptor the loop closes stays in its epoll set for as long as a copy
 * lives (the set holds open files, not numbers). So the parent waits until
 * the child has closed everything but the state directory before it goes
 * on: one pipe byte, a context switch.
 *
 * Safety: the journal has made every lease durable before its reply, so a
 * writer that dies leaves the previous complete file (the rename never
 * happened) and the journal. The child dies with the daemon (PDEATHSIG), so
 * a respawned daemon never meets a writer of the old one on the same
 * temporary file; the daemon never runs two.
 */
#include "netd/serve/leasedb-internal.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define WRITER_NICE 10  /* a saturated core still leaves it ~10 %: the file lags boundedly */

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* Close every descriptor above stderr but a and b. */
static void close_all_but(int a, int b)
{
	int lo = a < b ? a : b, hi = a < b ? b : a;

	if (lo > 3)
		close_range(3, (unsigned)lo - 1, 0);
	if (hi > lo + 1)
		close_range((unsigned)lo + 1, (unsigned)hi - 1, 0);
	close_range((unsigned)hi + 1, ~0u, 0);
}

/* In the child: write, say how it went in the exit status, never return. */
static void __attribute__((noreturn)) child(struct leasedb *db, pid_t parent, int ready_fd)
{
	int r;

	close_all_but(db->dir_fd, ready_fd);
	r = write(ready_fd, "", 1) == 1 ? 0 : -EIO;     /* the parent goes on */
	close(ready_fd);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (r < 0 || getppid() != parent)
		_exit(ESRCH);           /* the daemon died before the line above */
	setpriority(PRIO_PROCESS, 0, WRITER_NICE);     /* failing, the default will do */
	r = ldb_write_files(db);
	_exit(r >= 0 ? 0 : -r < 256 ? -r : EIO);
}

/* The child's end: its status as 0 / negative errno, its time counted. */
static int reap(struct leasedb *db, int options)
{
	struct ldb_writer *w = &db->writer;
	struct rusage ru;
	int status, r;
	pid_t got;

	do
		got = wait4(w->pid, &status, options, &ru);
	while (got < 0 && errno == EINTR);
	if (got == 0)
		return -EAGAIN;
	if (got < 0)
		r = -errno;
	else if (WIFEXITED(status))
		r = -WEXITSTATUS(status);
	else
		r = -EINTR;             /* killed */
	if (got > 0)
		db->st.write_cpu_us_total += (uint64_t)ru.ru_utime.tv_sec * 1000000u +
			(uint64_t)ru.ru_utime.tv_usec + (uint64_t)ru.ru_stime.tv_sec * 1000000u +
			(uint64_t)ru.ru_stime.tv_usec;
	if (w->pidfd >= 0)
		close(w->pidfd);
	w->pid = 0;
	w->pidfd = -1;
	return r;
}

/* After the writer: count it, log an outage, fold the journals. */
static int finish(struct leasedb *db, int r)
{
	uint64_t took = mono_us() - db->writer.started_us;

	db->st.writes++;
	db->st.write_us_last = took;
	if (took > db->st.write_us_max)
		db->st.write_us_max = took;
	ldb_outage(&db->flush_failing, r, "write", db->leases_path,
		   "the journal keeps every lease meanwhile, retrying", "written again");
	if (r < 0) {
		db->st.write_failures++;
		db->dirty = true;
		return r;
	}
	ldb_written(db, db->writer.upto4, db->writer.upto6, true);
	return 0;
}

int leasedb_writer_start(struct leasedb *db)
{
	struct ldb_writer *w = &db->writer;
	pid_t parent = getpid();
	uint64_t took;
	int ready[2];
	char c;

	if (w->pid > 0 || (db->sync.busy && db->sync.fold_upto) ||
	    (db->sync6.busy && db->sync6.fold_upto))
		return -EBUSY;          /* a sync thread owns its journal while it folds it */
	w->upto4 = db->j4.size;
	w->upto6 = db->j6.size;
	w->started_us = mono_us();
	db->dirty = false;      /* from here on, a commit marks the files dirty again */
	if (pipe2(ready, O_CLOEXEC) < 0)
		return finish(db, ldb_write_files(db));
	w->pid = fork();
	if (w->pid <= 0)
		close(ready[0]);
	if (w->pid < 0) {
		w->pid = 0;
		close(ready[1]);
		return finish(db, ldb_write_files(db));
	}
	if (w->pid == 0)
		child(db, parent, ready[1]);
	close(ready[1]);
	/* a byte, or the end of file if the child died first */
	while (read(ready[0], &c, 1) < 0 && errno == EINTR)
		;
	close(ready[0]);
	took = mono_us() - w->started_us;       /* what the loop paid for the fork */
	if (took > db->st.fork_us_max)
		db->st.fork_us_max = took;
	w->pidfd = open_pidfd(w->pid);
	if (w->pidfd < 0)               /* a kernel before 5.3: wait here */
		return finish(db, reap(db, 0));
	return 1;
}

int leasedb_writer_fd(const struct leasedb *db)
{
	return db->writer.pid > 0 ? db->writer.pidfd : -1;
}

int leasedb_writer_done(struct leasedb *db)
{
	int r;

	if (db->writer.pid <= 0)
		return 0;
	r = reap(db, WNOHANG);
	return r == -EAGAIN ? r : finish(db, r);
}

void leasedb_writer_wait(struct leasedb *db)
{
	if (db->writer.pid > 0)
		finish(db, reap(db, 0));
}
