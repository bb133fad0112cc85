/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * RUNDIR/NAME.fw: the batch vnetd installed the table with, written by
 * root (root:vnetd-keeper 0640) before the keeper starts and again before
 * it is told of a reload. Read through the directory descriptor root
 * opened for us, trusted for nothing: a file of root's, bounded, and one
 * batch that touches our table only, or the keeper keeps what it had.
 */
#include "netd/keeper/keeper.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Exactly `len` bytes of fd, and the end of the file after them. */
static int read_exact(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	uint8_t extra;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EBADMSG;        /* shorter than it said */
		got += (size_t)n;
	}
	while ((n = read(fd, &extra, 1)) < 0 && errno == EINTR)
		;
	return n == 0 ? 0 : n < 0 ? -errno : -EBADMSG;
}

/* The file's bytes into a buffer of their size (NULL for an empty file). */
static int read_fw(int fd, uint8_t **buf, size_t *len, char *why, size_t size)
{
	struct stat st;
	int r;

	*buf = NULL;
	if (fstat(fd, &st) < 0) {
		r = -errno;
		snprintf(why, size, "cannot look at it: %s", strerror(errno));
		return r;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 0022)) {
		snprintf(why, size, "not a plain file of root's that only root writes");
		return -EPERM;
	}
	if (st.st_size < 0 || (uint64_t)st.st_size > KP_BATCH_MAX) {
		snprintf(why, size, "larger than %u bytes", KP_BATCH_MAX);
		return -EFBIG;
	}
	*len = (size_t)st.st_size;
	if (*len == 0)
		return 0;
	if (!(*buf = malloc(*len))) {
		snprintf(why, size, "out of memory");
		return -ENOMEM;
	}
	if ((r = read_exact(fd, *buf, *len)) < 0) {
		snprintf(why, size, "cannot read it: %s",
			 r == -EBADMSG ? "it changed while read" : strerror(-r));
		free(*buf);
		*buf = NULL;
	}
	return r;
}

int kp_fw_load(struct keeper *k, char *why, size_t size)
{
	char file[sizeof(k->network) + 8], detail[200];
	struct kp_batch_info info = { 0 };
	uint8_t *buf;
	size_t len = 0;
	int fd, r;

	snprintf(file, sizeof(file), "%s.fw", k->network);
	fd = openat(k->dir_fd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		snprintf(why, size, "cannot open %s: %s", file, strerror(errno));
		return r;
	}
	r = read_fw(fd, &buf, &len, detail, sizeof(detail));
	close(fd);
	if (r == 0 && buf && kp_batch_check(buf, len, k->table, &info, detail,
					    sizeof(detail)) < 0) {
		free(buf);
		r = -EBADMSG;
	}
	if (r < 0) {
		snprintf(why, size, "%s: %s", file, detail);
		return r;
	}
	free(k->batch);
	k->batch = buf;
	k->batch_len = len;
	k->info = info;
	return 0;
}
