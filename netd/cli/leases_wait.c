/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Waking `vnetd leases --wait` when the lease state may have changed: an
 * inotify watch on STATEDIR and its parent (for NAME/ appearing at a
 * network's first start) and on STATEDIR/NAME (the daemon appends to
 * NAME.journal before it ACKs, then renames a new NAME.leases over the old
 * one). The watches are set before the first look, so a lease granted in
 * between is never missed.
 */
#include "netd/cli/cli.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>

#define DIR_EVENTS (IN_CREATE | IN_MOVED_TO | IN_ONLYDIR)
#define NET_EVENTS (IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_ONLYDIR | \
		    IN_DONT_FOLLOW)

/* Watch `path`, or note it is not there yet (0 either way), or -errno. */
static int watch(const struct lease_watch *w, const char *path, uint32_t events)
{
	if (inotify_add_watch(w->fd, path, events) >= 0 || errno == ENOENT)
		return 0;
	return -errno;
}

/*
 * (Re-)watch STATEDIR's parent, STATEDIR and STATEDIR/NAME: on a host where
 * no network ever ran, the first start creates them while we wait. A watch
 * on a directory that exists already is only refreshed.
 */
static int watch_all(const struct lease_watch *w)
{
	char parent[sizeof(w->netdir)], *slash;
	int r;

	snprintf(parent, sizeof(parent), "%s", w->netdir);
	if ((slash = strrchr(parent, '/')))
		*slash = '\0';         /* STATEDIR */
	if ((r = watch(w, parent, DIR_EVENTS)) < 0)
		return r;
	if ((slash = strrchr(parent, '/')) && slash != parent) {
		*slash = '\0';         /* its parent */
		if ((r = watch(w, parent, DIR_EVENTS)) < 0)
			return r;
	}
	return watch(w, w->netdir, NET_EVENTS);
}

int lease_watch_open(struct lease_watch *w, const char *statedir, const char *name)
{
	int r;

	if (snprintf(w->netdir, sizeof(w->netdir), "%s/%s", statedir, name) >=
	    (int)sizeof(w->netdir))
		return -ENAMETOOLONG;
	w->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	if (w->fd < 0)
		return -errno;
	r = watch_all(w);
	if (r < 0)
		lease_watch_close(w);
	return r;
}

void lease_watch_close(struct lease_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

int64_t lease_watch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 1 when something changed, 0 when `deadline_ms` passed first, or -errno. */
int lease_watch_wait(struct lease_watch *w, int64_t deadline_ms)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd pfd = { .fd = w->fd, .events = POLLIN };
	int64_t left = deadline_ms - lease_watch_now_ms();
	int n, r;

	if (left <= 0)
		return 0;
	n = poll(&pfd, 1, left > INT_MAX ? INT_MAX : (int)left);
	if (n < 0)
		return errno == EINTR ? 1 : -errno;
	if (n == 0)
		return lease_watch_now_ms() >= deadline_ms ? 0 : 1;
	/* the events only say "look again": drain them all */
	while (read(w->fd, buf, sizeof(buf)) > 0)
		;
	r = watch_all(w);
	return r < 0 ? r : 1;
}
