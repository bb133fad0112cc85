/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/resolv_watch.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/inotify.h>
#include <unistd.h>

/* The file: written in place, re-linked, or replaced under us. */
#define FILE_EVENTS (IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF)
/* A directory: a file created, renamed into place, written or removed. */
#define DIR_EVENTS (IN_CLOSE_WRITE | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE)

struct resolv_watch {
	struct loop_handler ino;        /* the inotify fd */
	struct loop_timer reread;       /* a burst's re-read, as one of the loop's deadlines */
	int64_t reread_ms;              /* monotonic; -1 when no change waits */
	int wd_file, wd_dir, wd_target_dir, wd_resolved;
	struct dns_server *srv;
	struct dns_ip self[DNS_SETUP_MAX_SELF];
	size_t n_self;
	struct dns_ip cur[DNS_SETUP_MAX_UPSTREAMS];     /* what the core has now */
	size_t n_cur;
};

static int add_watch(struct resolv_watch *w, int old, const char *path, uint32_t mask)
{
	int wd = inotify_add_watch(w->ino.fd, path, mask);

	/* a new inode (the file was replaced): the old watch is of no use */
	if (old >= 0 && wd != old)
		inotify_rm_watch(w->ino.fd, old);
	return wd;
}

/*
 * (Re-)place every watch: after a replacement the file is another inode,
 * and its symlink may point into another directory.
 */
static void place_watches(struct resolv_watch *w)
{
	char real[PATH_MAX];

	w->wd_file = add_watch(w, w->wd_file, RESOLV_CONF, FILE_EVENTS);
	if (w->wd_dir < 0) {
		char dir[] = RESOLV_CONF;

		w->wd_dir = inotify_add_watch(w->ino.fd, dirname(dir), DIR_EVENTS);
	}
	/* a symlink (to /run/NetworkManager/, /run/resolvconf/, ...): its directory too */
	if (realpath(RESOLV_CONF, real) && strcmp(real, RESOLV_CONF) != 0) {
		const char *dir = dirname(real);

		/* one inode, one watch: those two directories are watched already */
		if (strcmp(dir, "/etc") != 0 && strcmp(dir, RESOLVED_DIR) != 0)
			w->wd_target_dir = add_watch(w, w->wd_target_dir, dir, DIR_EVENTS);
	}
	if (w->wd_resolved < 0)
		w->wd_resolved = inotify_add_watch(w->ino.fd, RESOLVED_DIR, DIR_EVENTS);
}

static void format_list(const struct dns_ip *ups, size_t n, char *buf, size_t size)
{
	size_t i, used = 0;

	buf[0] = 0;
	for (i = 0; i < n && used + INET6_ADDRSTRLEN + 2 < size; i++) {
		if (i)
			buf[used++] = ' ';
		inet_ntop(ups[i].family, ups[i].bytes, buf + used, (socklen_t)(size - used));
		used += strlen(buf + used);
	}
	if (!n)
		snprintf(buf, size, "none");
}

/* Read the file(s) again; hand a changed list to the core. */
static void reload(struct resolv_watch *w)
{
	struct dns_ip ups[DNS_SETUP_MAX_UPSTREAMS];
	struct wire_error err;
	char *text, list[DNS_SETUP_MAX_UPSTREAMS * (INET6_ADDRSTRLEN + 1) + 8];
	size_t len = 0, i;
	int n = 0;

	place_watches(w);
	text = resolv_read(&len);
	if (text)
		n = dns_resolv_conf_parse(text, len, w->self, w->n_self, ups,
					  DNS_SETUP_MAX_UPSTREAMS);
	free(text);
	if (n < 0)
		n = 0;
	for (i = 0; i < (size_t)n && i < w->n_cur && dns_ip_eq(&ups[i], &w->cur[i]); i++)
		;
	if ((size_t)n == w->n_cur && i == w->n_cur)
		return;
	if (dns_server_set_upstreams(w->srv, ups, (size_t)n, &err) < 0) {
		log_msg(LOG_ERR, "%s changed, but: %s; keeping the old upstreams",
			RESOLV_CONF, err.message);
		return;
	}
	if (n)
		memcpy(w->cur, ups, (size_t)n * sizeof(*ups));
	w->n_cur = (size_t)n;
	format_list(ups, w->n_cur, list, sizeof(list));
	log_msg(LOG_INFO, "DNS: the host's upstreams are now: %s", list);
}

/* Drain the inotify queue; true when something of ours changed. */
static bool take_events(struct resolv_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	while ((n = read(w->ino.fd, buf, sizeof(buf))) > 0) {
		const struct inotify_event *ev;
		char *p;

		for (p = buf; p < buf + n; p += sizeof(*ev) + ev->len) {
			ev = (const struct inotify_event *)p;
			/* in /etc, only resolv.conf matters; the other directories are small */
			if (ev->wd == w->wd_dir && ev->len && strcmp(ev->name, "resolv.conf") != 0)
				continue;
			if (!(ev->mask & IN_IGNORED))
				changed = true;
		}
	}
	return changed;
}

/* The first event of a burst sets the re-read's deadline; the rest ride along. */
static void on_inotify(struct loop_handler *h, uint32_t events)
{
	struct resolv_watch *w = loop_owner(h, struct resolv_watch, ino);

	if (take_events(w) && w->reread_ms < 0)
		w->reread_ms = loop_now_ms() + RESOLV_WATCH_DELAY_MS;
}

static int64_t reread_deadline(struct loop_timer *t)
{
	return loop_owner(t, struct resolv_watch, reread)->reread_ms;
}

static void reread_due(struct loop_timer *t, int64_t now_ms)
{
	struct resolv_watch *w = loop_owner(t, struct resolv_watch, reread);

	if (w->reread_ms < 0 || now_ms < w->reread_ms)
		return;
	w->reread_ms = -1;
	reload(w);
}

void resolv_watch_close(struct resolv_watch *w)
{
	if (!w)
		return;
	if (w->ino.fd >= 0)
		close(w->ino.fd);
	free(w);
}

static void keep(struct resolv_watch *w, const struct dns_ip *self, size_t n_self,
		 const struct dns_ip *cur, size_t n_cur)
{
	w->n_self = self && n_self < DNS_SETUP_MAX_SELF ? n_self : self ? DNS_SETUP_MAX_SELF : 0;
	if (w->n_self)
		memcpy(w->self, self, w->n_self * sizeof(*self));
	w->n_cur = cur && n_cur < DNS_SETUP_MAX_UPSTREAMS ? n_cur :
		   cur ? DNS_SETUP_MAX_UPSTREAMS : 0;
	if (w->n_cur)
		memcpy(w->cur, cur, w->n_cur * sizeof(*cur));
}

int resolv_watch_open(struct dns_server *srv, const struct dns_ip *self, size_t n_self,
		      const struct dns_ip *cur, size_t n_cur, struct resolv_watch **ret,
		      char *msg, size_t size)
{
	struct resolv_watch *w = calloc(1, sizeof(*w));
	int e;

	*ret = NULL;
	if (!w) {
		snprintf(msg, size, "cannot watch %s: %s", RESOLV_CONF, strerror(ENOMEM));
		return -ENOMEM;
	}
	w->ino = (struct loop_handler){ .fd = -1, .on_ready = on_inotify };
	w->reread = (struct loop_timer){ .next_deadline = reread_deadline, .run_due = reread_due };
	w->reread_ms = -1;
	w->wd_file = w->wd_dir = w->wd_target_dir = w->wd_resolved = -1;
	w->srv = srv;
	keep(w, self, n_self, cur, n_cur);
	w->ino.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->ino.fd >= 0)
		place_watches(w);
	if (w->ino.fd < 0 || (w->wd_file < 0 && w->wd_dir < 0)) {
		e = errno ? errno : EIO;
		snprintf(msg, size, "cannot watch %s: %s", RESOLV_CONF, strerror(e));
		resolv_watch_close(w);
		return -e;
	}
	*ret = w;
	return 0;
}

int resolv_watch_start(struct resolv_watch *w, struct loop *loop)
{
	loop_add_timer(loop, &w->reread);
	return loop_add(loop, &w->ino, EPOLLIN);
}

/* systemd-resolved's stub and nothing else: its real upstreams are in its own file. */
static bool only_resolved_stub(const char *text, size_t len)
{
	struct dns_ip ups[2], stub;

	dns_ip_parse("127.0.0.53", &stub);
	return dns_resolv_conf_parse(text, len, NULL, 0, ups, 2) == 1 && dns_ip_eq(&ups[0], &stub);
}

static bool has_upstream(const char *text, size_t len)
{
	struct dns_ip ups[1];

	return dns_resolv_conf_parse(text, len, NULL, 0, ups, 1) > 0;
}

/*
 * Read by path every time (never an fd kept open): the daemon runs without
 * privileges in a read-only view of the host, and both files stay readable.
 */
char *resolv_read(size_t *len)
{
	char *text = NULL, *alt = NULL;
	size_t alt_len = 0;

	if (read_small_file(RESOLV_CONF, 65536, &text, len) < 0)
		text = NULL;
	if (text && !only_resolved_stub(text, *len))
		return text;
	if (read_small_file(RESOLVED_CONF, 65536, &alt, &alt_len) == 0 &&
	    has_upstream(alt, alt_len)) {
		free(text);
		*len = alt_len;
		return alt;
	}
	free(alt);
	return text;
}
