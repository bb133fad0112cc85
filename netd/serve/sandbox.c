/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static int set_attr(const char *path, unsigned flags, uint64_t set, uint64_t clr)
{
	struct mount_attr a = { .attr_set = set, .attr_clr = clr };

	return (int)syscall(SYS_mount_setattr, AT_FDCWD, path, flags, &a, sizeof(a));
}

/*
 * The prepared directory, looked up again inside the new namespace (a bind
 * mount takes its source from there) and checked to be the very same one.
 */
static int reopen_here(const char *statedir, const char *name, int netdir_fd)
{
	struct stat a, b;
	int dirfd = open(statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), fd;

	if (dirfd < 0)
		return -errno;
	fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	close(dirfd);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &a) < 0 || fstat(netdir_fd, &b) < 0 || a.st_dev != b.st_dev ||
	    a.st_ino != b.st_ino) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

int sandbox_enter(const char *statedir, const char *name, int netdir_fd, char *msg,
		  size_t msg_size)
{
	char src[64];
	int fd, r;

	if (unshare(CLONE_NEWNS) < 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot make a mount namespace: %s", strerror(-r));
		return r;
	}
	/* the network's own directory over the whole state directory */
	fd = reopen_here(statedir, name, netdir_fd);
	if (fd >= 0) {
		snprintf(src, sizeof(src), "/proc/self/fd/%d", fd);
		r = mount(src, statedir, NULL, MS_BIND, NULL) < 0 ? -errno : 0;
		close(fd);
	} else {
		r = fd;
	}
	if (r < 0) {
		snprintf(msg, msg_size, "cannot mount %s/%s over %s: %s", statedir, name, statedir,
			 strerror(-r));
		return r;
	}
	/*
	 * everything read-only and without device nodes (the daemon opens none;
	 * a node slipped under a TFTP root stays closed), then the state
	 * directory writable again
	 */
	if (set_attr("/", AT_RECURSIVE, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
		     0) < 0) {
		if (errno == ENOSYS)
			return 0;
		r = -errno;
		snprintf(msg, msg_size, "cannot make the file system read-only: %s", strerror(-r));
		return r;
	}
	if (set_attr(statedir, 0, MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NODEV, MOUNT_ATTR_RDONLY) < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot make %s writable: %s", statedir, strerror(-r));
		return r;
	}
	return 0;
}
