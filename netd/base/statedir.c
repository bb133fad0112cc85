/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fail(char *msg, size_t size, int code, const char *what, const char *path,
		const char *name)
{
	snprintf(msg, size, "%s %s/%s: %s", what, path, name, strerror(-code));
	return code;
}

/* Files of the flat layout (before per-network directories) move in once. */
static void migrate(int dirfd, int netfd, const char *name)
{
	static const char *const ext[] = { ".leases", ".journal" };
	char file[300];
	size_t i;

	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
		snprintf(file, sizeof(file), "%s%s", name, ext[i]);
		/* a rename follows no link and opens nothing; never over a newer file */
		renameat2(dirfd, file, netfd, file, RENAME_NOREPLACE);
	}
}

int statedir_prepare(const char *statedir, const char *name, uid_t uid, gid_t gid, char *msg,
		     size_t msg_size)
{
	struct stat st;
	int dirfd, netfd = -1, r;
	bool made;

	if ((r = mkdir_parents(statedir, 0755)) < 0) {
		snprintf(msg, msg_size, "cannot create %s: %s", statedir, strerror(-r));
		return r;
	}
	dirfd = open(statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return fail(msg, msg_size, -errno, "cannot open", statedir, "");
	made = mkdirat(dirfd, name, 0750) == 0;
	if (!made && errno != EEXIST) {
		r = fail(msg, msg_size, -errno, "cannot create", statedir, name);
		goto out;
	}
	netfd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (netfd < 0 || fstat(netfd, &st) < 0) {
		r = fail(msg, msg_size, -errno, "cannot open", statedir, name);
		goto out;
	}
	/* only what we just made is given away; anything else must already be right */
	if (made && (fchown(netfd, uid, gid) < 0 || fchmod(netfd, 0750) < 0)) {
		r = fail(msg, msg_size, -errno, "cannot give away", statedir, name);
		goto out;
	}
	if (!made && st.st_uid != uid) {
		snprintf(msg, msg_size, "%s/%s is owned by uid %u, not by the service user (uid "
			 "%u): remove it or give it to that user", statedir, name,
			 (unsigned)st.st_uid, (unsigned)uid);
		r = -EPERM;
		goto out;
	}
	migrate(dirfd, netfd, name);
	close(dirfd);
	return netfd;
out:
	if (netfd >= 0)
		close(netfd);
	close(dirfd);
	return r;
}

int statedir_open(const char *statedir, const char *name)
{
	int dirfd = open(statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (dirfd < 0)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fd = errno == ELOOP || errno == ENOTDIR ? -EPERM : -errno;
	close(dirfd);
	return fd;
}

int statedir_read(int dirfd, const char *file, uid_t owner, size_t max, char **buf,
		  size_t *len)
{
	struct stat st;
	int fd, r;

	/* O_NONBLOCK: a FIFO planted here opens at once (and is refused below) */
	fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return errno == ELOOP ? -EPERM : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    (st.st_uid != owner && st.st_uid != 0))
		r = -EPERM;
	else if ((size_t)st.st_size > max)
		r = -EFBIG;
	else
		r = read_fd_whole(fd, (size_t)st.st_size, buf, len);
	close(fd);
	return r;
}
