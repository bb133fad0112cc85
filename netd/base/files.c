/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int write_full(int fd, const void *data, size_t len)
{
	const char *p = data;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int atomic_writer_begin(struct atomic_writer *w, int dirfd, const char *name, mode_t mode)
{
	memset(w, 0, sizeof(*w));
	w->dirfd = dirfd;
	w->mode = mode;
	w->fd = -1;
	if (snprintf(w->name, sizeof(w->name), "%s", name) >= (int)sizeof(w->name) ||
	    snprintf(w->tmp, sizeof(w->tmp), ".%s.tmp", name) >= (int)sizeof(w->tmp))
		return -ENAMETOOLONG;
	w->fd = openat(dirfd, w->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	return w->fd < 0 ? -errno : 0;
}

/*
 * Write-behind for big files (the lease file at tens of thousands of
 * leases is megabytes): each WRITE_BEHIND written is handed to writeback at
 * once, and the one before it waited for, so no more than two pieces are
 * ever dirty. Why: on ext4 (data=ordered) a journal commit waits for the
 * dirty data of every file in the transaction, so the DHCP journal's
 * fdatasync, a fraction of a millisecond alone, took up to 300 ms behind a
 * fresh 6 MB lease file written in one go and fsync'ed at the end, and every
 * ACK waited with it. Best effort: the fsync at commit reports any failure.
 */
#define WRITE_BEHIND (256 << 10)

static void write_behind(struct atomic_writer *w)
{
	if (w->written - w->sent < WRITE_BEHIND)
		return;
	if (w->sent > w->settled)
		(void)sync_file_range(w->fd, w->settled, w->sent - w->settled,
				      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
				      SYNC_FILE_RANGE_WAIT_AFTER);
	w->settled = w->sent;
	(void)sync_file_range(w->fd, w->sent, w->written - w->sent, SYNC_FILE_RANGE_WRITE);
	w->sent = w->written;
}

void atomic_writer_write(struct atomic_writer *w, const void *data, size_t len)
{
	int r;

	if (w->error || w->fd < 0)
		return;
	if ((r = write_full(w->fd, data, len)) < 0) {
		w->error = r;
		return;
	}
	w->written += (off_t)len;
	write_behind(w);
}

void atomic_writer_abort(struct atomic_writer *w)
{
	if (w->fd < 0)
		return;
	close(w->fd);
	unlinkat(w->dirfd, w->tmp, 0);
	w->fd = -1;
}

int atomic_writer_commit(struct atomic_writer *w)
{
	int r = w->error;

	if (w->fd < 0)
		return -EBADF;
	if (r == 0 && fchmod(w->fd, w->mode) < 0)
		r = -errno;
	if (r == 0 && fsync(w->fd) < 0)
		r = -errno;
	if (close(w->fd) < 0 && r == 0)
		r = -errno;
	w->fd = -1;
	if (r == 0 && renameat(w->dirfd, w->tmp, w->dirfd, w->name) < 0)
		r = -errno;
	if (r < 0) {
		unlinkat(w->dirfd, w->tmp, 0);
		return r;
	}
	/* the rename itself is durable only once the directory is synced */
	return fsync(w->dirfd) < 0 ? -errno : 0;
}

int atomic_file_write_at(int dirfd, const char *name, const void *data, size_t len,
			 mode_t mode)
{
	struct atomic_writer w;
	int r = atomic_writer_begin(&w, dirfd, name, mode);

	if (r < 0) {
		atomic_writer_abort(&w);
		return r;
	}
	atomic_writer_write(&w, data, len);
	return atomic_writer_commit(&w);
}

int atomic_file_write(const char *path, const void *data, size_t len, mode_t mode)
{
	char copy[PATH_MAX];
	const char *slash = strrchr(path, '/');
	int dirfd, r;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return -ENAMETOOLONG;
	if (slash == path)
		copy[1] = '\0';
	else if (slash)
		copy[slash - path] = '\0';
	dirfd = open(slash ? copy : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return -errno;
	r = atomic_file_write_at(dirfd, slash ? slash + 1 : path, data, len, mode);
	close(dirfd);
	return r;
}

int mkdir_parents(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	char *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int read_fd_whole(int fd, size_t size, char **ret, size_t *len)
{
	size_t got = 0;
	ssize_t n;
	char *buf = malloc(size + 1);

	if (!buf)
		return -ENOMEM;
	while (got < size && (n = read(fd, buf + got, size - got)) > 0)
		got += (size_t)n;
	buf[got] = '\0';
	*ret = buf;
	if (len)
		*len = got;
	return 0;
}

int read_small_file(const char *path, size_t max, char **ret, size_t *len)
{
	struct stat st;
	int fd, r;

	/* O_NONBLOCK: a FIFO in its place opens at once and is refused, never waited on */
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max)
		r = -EFBIG;
	else
		r = read_fd_whole(fd, (size_t)st.st_size, ret, len);
	close(fd);
	return r;
}
