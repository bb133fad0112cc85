/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One journal file: appended and synced once a batch, cut back to its last
 * durable byte after a failed write, with room allocated ahead so that a
 * full disk does not stop renewals at once.
 */
#include "netd/serve/leasedb-internal.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void ldb_journal_reserve(struct ldb_journal *j, size_t len)
{
	if (j->size + len < j->reserved_end)
		return;
	if (fallocate(j->fd, FALLOC_FL_KEEP_SIZE, (off_t)j->size,
		      (off_t)(len + LEASEDB_JOURNAL_RESERVE)) == 0)
		j->reserved_end = j->size + len + LEASEDB_JOURNAL_RESERVE;
}

/*
 * A truncation also frees what was allocated ahead, so allocate again (it
 * may fail: the disk is full).
 */
int ldb_journal_cut_back(struct ldb_journal *j)
{
	if (ftruncate(j->fd, (off_t)j->size) < 0) {
		j->torn = true;
		return -errno;
	}
	j->torn = false;
	j->reserved_end = j->size;
	ldb_journal_reserve(j, 0);
	return 0;
}

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int ldb_journal_append(struct ldb_journal *j, const uint8_t *data, size_t len,
		       struct leasedb_stats *st)
{
	uint64_t t0;
	int r;

	if (j->torn && (r = ldb_journal_cut_back(j)) < 0)
		return r;
	ldb_journal_reserve(j, len);
	t0 = now_us();
	r = write_full(j->fd, data, len);
	if (r == 0 && fdatasync(j->fd) < 0)
		r = -errno;
	t0 = now_us() - t0;
	st->syncs++;
	st->sync_us_total += t0;
	if (t0 > st->sync_us_max)
		st->sync_us_max = t0;
	if (r < 0) {
		st->sync_failures++;
		/* whatever reached the file of this batch must go before the next one */
		j->torn = true;
		ldb_journal_cut_back(j);
		return r;
	}
	j->size += len;
	return 0;
}

void ldb_outage(bool *failing, int r, const char *doing, const char *path,
		const char *meanwhile, const char *back)
{
	if (r < 0 && !*failing)
		log_msg(LOG_ERR, "cannot %s %s: %s; %s", doing, path, strerror(-r), meanwhile);
	else if (r >= 0 && *failing)
		log_msg(LOG_NOTICE, "%s %s", path, back);
	*failing = r < 0;
}

int ldb_journal_open(struct ldb_journal *j, int dir_fd, char *msg, size_t msg_size)
{
	struct stat st;
	int r;

	j->fd = openat(dir_fd, j->name,
		       O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK, 0644);
	if (j->fd < 0 || fstat(j->fd, &st) < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot open %s: %s", j->path, strerror(-r));
		return r;
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
		snprintf(msg, msg_size, "%s is not a plain file", j->path);
		return -EPERM;
	}
	return 0;
}

/* [from, to) of the journal into fd, through the page cache. 0 or negative errno. */
static int copy_range(int from_fd, int to_fd, uint64_t from, uint64_t to)
{
	char buf[16 << 10];     /* on the sync thread's stack too */
	ssize_t n;
	int r;

	while (from < to) {
		size_t want = to - from < sizeof(buf) ? (size_t)(to - from) : sizeof(buf);

		n = pread(from_fd, buf, want, (off_t)from);
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		if ((r = write_full(to_fd, buf, (size_t)n)) < 0)
			return r;
		from += (uint64_t)n;
	}
	return 0;
}

/* The journal's records after `upto` as a new file under its name, durable. */
static int replace_with_tail(struct ldb_journal *j, int dir_fd, uint64_t upto)
{
	char tmp[NAME_MAX + 1];
	int fd, r;

	if (snprintf(tmp, sizeof(tmp), ".%s.tail", j->name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = openat(dir_fd, tmp, O_RDWR | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC | O_NOFOLLOW |
		    O_NONBLOCK, 0644);
	if (fd < 0)
		return -errno;
	r = copy_range(j->fd, fd, upto, j->size);
	if (r == 0 && fdatasync(fd) < 0)
		r = -errno;
	if (r == 0 && renameat(dir_fd, tmp, dir_fd, j->name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(dir_fd, tmp, 0);
		close(fd);
		return r;
	}
	fsync(dir_fd);          /* the new name durable; until then the old replays the same */
	close(j->fd);
	j->fd = fd;
	j->size -= upto;
	j->reserved_end = j->size;
	ldb_journal_reserve(j, 0);
	return 0;
}

void ldb_journal_drop_head(struct ldb_journal *j, int dir_fd, uint64_t upto)
{
	if (j->torn || upto > j->size)
		return;         /* cut back first (the next append does); fold another time */
	if (upto == j->size) {
		j->size = 0;
		ldb_journal_cut_back(j);
		return;
	}
	replace_with_tail(j, dir_fd, upto);
}
