/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd events [NAME] [--json] [--timeout SECONDS]: network and lease events
 * as they happen, one line each for people, or with --json one JSON object
 * per line (man vnetd(8) lists them), like `virsh net-event --loop`. Networks starting and stopping are seen in the
 * run directory (inotify: NAME.state appears when a start is complete and
 * goes at stop); lease events come from each running daemon, which pushes
 * them to subscribers of its control socket. A daemon drops a subscriber
 * that does not keep up; this command then says so and subscribes again.
 */
#include "netd/cli/cli.h"
#include "netd/ctl/ctl.h"
#include "netd/host/host.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_MAX_NETS 64

struct sub {
	char name[VNETD_NAME_MAX + 1];
	int fd;                         /* the subscription, -1 when none */
	bool running;
	int64_t lost_ms;                /* when the daemon closed it while running; 0: not lost */
};

struct events {
	const struct vnetd_paths *paths;
	bool json;                      /* as the daemon writes them; else a line for people */
	const char *only;               /* NULL: every network */
	int ino;
	struct sub subs[EVENTS_MAX_NETS];
	char buf[CTL_MSG_MAX + 1];
};

/* For people: local time, network, event, then the lease's address, MAC and name. */
static void print_human(const struct ctl_event *ev)
{
	time_t t = (time_t)strtoll(ev->time, NULL, 10);
	char when[32] = "?";
	struct tm tm;

	if (localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	printf("%s  %-12s %-15s", when, ev->network, ev->event);
	if (ev->ip[0])
		printf(" %-15s %-17s %s%s", ev->ip, ev->mac,
		       strcmp(ev->hostname, "null") && ev->hostname[0] ? ev->hostname : "-",
		       !strcmp(ev->renewed, "true") ? " (renewed)" : "");
	else if (ev->port[0])
		printf(" %-15s %s", ev->port, ev->mac[0] ? ev->mac : "-");
	putchar('\n');
}

/* One event (a JSON object), printed as it is or for people; printable text only. */
static void print_event(const struct events *e, const char *json, size_t len)
{
	struct ctl_event ev;
	size_t i;

	if (e->json || ctl_event_parse(json, len, &ev) < 0) {
		for (i = 0; i < len; i++)
			putchar((unsigned char)json[i] >= 0x20 && (unsigned char)json[i] < 0x7f ?
				json[i] : '?');
		putchar('\n');
	} else {
		print_human(&ev);
	}
	fflush(stdout);
}

static void emit_network(const struct events *e, const char *name, const char *what)
{
	char json[200];
	int n = snprintf(json, sizeof(json), "{\"time\":%lld,\"network\":\"%s\",\"event\":\"%s\"}",
			 (long long)time(NULL), name, what);

	if (n > 0 && (size_t)n < sizeof(json))
		print_event(e, json, (size_t)n);
}

static struct sub *find(struct events *e, const char *name, bool add)
{
	size_t i;
	struct sub *free_slot = NULL;

	for (i = 0; i < EVENTS_MAX_NETS; i++) {
		if (e->subs[i].name[0] && !strcmp(e->subs[i].name, name))
			return &e->subs[i];
		if (!e->subs[i].name[0] && !free_slot)
			free_slot = &e->subs[i];
	}
	if (!add || !free_slot)
		return NULL;
	snprintf(free_slot->name, sizeof(free_slot->name), "%s", name);
	free_slot->fd = -1;
	return free_slot;
}

static void subscribe(struct events *e, struct sub *s)
{
	char req[64], reply[256], msg[300];
	int fd, n;

	if (s->fd >= 0)
		return;
	if ((fd = ctl_connect(e->paths, s->name, msg, sizeof(msg))) < 0) {
		fprintf(stderr, "vnetd: no lease events of %s: %s\n", s->name, msg);
		return;
	}
	n = ctl_request_format(req, sizeof(req), CTL_SUBSCRIBE, NULL, 0, NULL, 0);
	if (n < 0 || ctl_call(fd, req, (size_t)n, reply, sizeof(reply), 5000, msg,
			      sizeof(msg)) < 0 || strcmp(reply, "ok\n")) {
		fprintf(stderr, "vnetd: no lease events of %s: %s\n", s->name,
			n < 0 || strncmp(reply, "error ", 6) ? msg : reply + 6);
		close(fd);
		return;
	}
	s->fd = fd;
}

static int64_t now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void unsubscribe(struct sub *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static void network_seen(struct events *e, const char *name, bool up)
{
	struct sub *s;

	if ((e->only && strcmp(e->only, name)) || !vnetd_valid_name(name))
		return;
	if (!(s = find(e, name, up)) || s->running == up)
		return;         /* a rewrite of a running network's state is no start */
	s->running = up;
	s->lost_ms = 0;
	emit_network(e, name, up ? "started" : "stopped");
	if (up)
		subscribe(e, s);
	else
		unsubscribe(s);
}

/* inotify: NAME.state created or renamed into place (started), removed (stopped). */
static void on_rundir(struct events *e)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n;
	size_t off, len;

	while ((n = read(e->ino, buf, sizeof(buf))) > 0) {
		for (off = 0; off + sizeof(struct inotify_event) <= (size_t)n;
		     off += sizeof(struct inotify_event) + ((struct inotify_event *)(buf + off))->len) {
			struct inotify_event *ev = (struct inotify_event *)(buf + off);
			char name[VNETD_NAME_MAX + 8];

			len = ev->len ? strnlen(ev->name, ev->len) : 0;
			if (len <= 6 || len >= sizeof(name) || strcmp(ev->name + len - 6, ".state"))
				continue;
			memcpy(name, ev->name, len - 6);
			name[len - 6] = '\0';
			network_seen(e, name, ev->mask & (IN_CREATE | IN_MOVED_TO));
		}
	}
}

/* A pushed event: printed as the daemon wrote it, one line of printable text. */
static void on_sub(struct events *e, struct sub *s)
{
	enum ctl_reply_kind kind;
	const char *text;
	size_t len;
	char msg[200];
	ssize_t n;

	n = recv(s->fd, e->buf, sizeof(e->buf) - 1, MSG_DONTWAIT);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		/* a stop closes it too: look again once the run directory had its say */
		unsubscribe(s);
		s->lost_ms = s->running ? now_ms() : 0;
		return;
	}
	if (ctl_reply_parse(e->buf, (size_t)n, &kind, &text, &len, msg, sizeof(msg)) < 0 ||
	    kind != CTL_REPLY_EVENT)
		return;
	print_event(e, text, len);
}

static int watch_start(struct events *e)
{
	char **names = NULL;
	size_t n = 0, i;
	int r;

	if ((r = mkdir_parents(e->paths->rundir, 0755)) < 0)
		return vnetd_error("cannot make %s: %s", e->paths->rundir, strerror(-r));
	e->ino = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (e->ino < 0 || inotify_add_watch(e->ino, e->paths->rundir, IN_CREATE | IN_MOVED_TO |
					    IN_DELETE | IN_MOVED_FROM) < 0)
		return vnetd_error("cannot watch %s: %s", e->paths->rundir, strerror(errno));
	/* what already runs is not announced, but its leases are followed */
	if (state_list(e->paths, &names, &n) == 0)
		for (i = 0; i < n; i++) {
			struct sub *s;

			if ((e->only && strcmp(e->only, names[i])) ||
			    lifecycle_status(e->paths, names[i], NULL) != NET_ACTIVE ||
			    !(s = find(e, names[i], true)))
				continue;
			s->running = true;
			subscribe(e, s);
		}
	vnetd_free_names(names, n);
	return 0;
}

/* A subscription the daemon ended while its network still runs: it dropped us (too slow). */
static void recheck_lost(struct events *e)
{
	size_t i;

	for (i = 0; i < EVENTS_MAX_NETS; i++) {
		struct sub *s = &e->subs[i];

		if (!s->lost_ms || now_ms() - s->lost_ms < 1000)
			continue;
		s->lost_ms = 0;
		if (s->running && lifecycle_status(e->paths, s->name, NULL) == NET_ACTIVE) {
			fprintf(stderr, "vnetd: %s dropped this subscriber (too slow?); events "
				"may have been lost; subscribing again\n", s->name);
			subscribe(e, s);
		}
	}
}

static int run(struct events *e, int timeout_s)
{
	struct pollfd fds[EVENTS_MAX_NETS + 1];
	struct sub *who[EVENTS_MAX_NETS + 1];
	struct timespec t0, t;
	int n, i, wait_ms = -1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		n = 0;
		fds[n++] = (struct pollfd){ .fd = e->ino, .events = POLLIN };
		for (i = 0; i < EVENTS_MAX_NETS; i++)
			if (e->subs[i].fd >= 0) {
				who[n] = &e->subs[i];
				fds[n++] = (struct pollfd){ .fd = e->subs[i].fd, .events = POLLIN };
			}
		if (timeout_s > 0) {
			clock_gettime(CLOCK_MONOTONIC, &t);
			wait_ms = timeout_s * 1000 - (int)((t.tv_sec - t0.tv_sec) * 1000 +
							   (t.tv_nsec - t0.tv_nsec) / 1000000);
			if (wait_ms <= 0)
				return 0;
		}
		if (wait_ms < 0 || wait_ms > 1000)
			wait_ms = 1000;         /* lost subscriptions are looked at each second */
		if (poll(fds, (nfds_t)n, wait_ms) < 0 && errno != EINTR)
			return vnetd_error("poll: %s", strerror(errno));
		if (fds[0].revents)
			on_rundir(e);
		for (i = 1; i < n; i++)
			if (fds[i].revents && who[i]->fd == fds[i].fd)
				on_sub(e, who[i]);
		recheck_lost(e);
	}
}

int cmd_events(const struct vnetd_paths *paths, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct events *e;
	int opt, timeout_s = 0, r;
	bool json = false;
	char *end;

	optind = 0;        /* a fresh scan: main() stopped at the verb */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 't') {
			long v = strtol(optarg, &end, 10);

			if (*end || v <= 0 || v > INT_MAX / 1000)
				return vnetd_error("--timeout takes seconds, not '%s'", optarg);
			timeout_s = (int)v;
		} else if (opt == 'j') {
			json = true;
		} else {
			return 2;
		}
	}
	if (argc - optind > 1) {
		vnetd_error("usage: vnetd events [NAME] [--json] [--timeout SECONDS]");
		return 2;
	}
	if (!(e = calloc(1, sizeof(*e))))
		return vnetd_error("out of memory");
	e->paths = paths;
	e->json = json;
	e->ino = -1;
	e->only = optind < argc ? argv[optind] : NULL;
	for (r = 0; r < EVENTS_MAX_NETS; r++)
		e->subs[r].fd = -1;
	r = watch_start(e);
	if (r == 0)
		r = run(e, timeout_s);
	for (opt = 0; opt < EVENTS_MAX_NETS; opt++)
		unsubscribe(&e->subs[opt]);
	if (e->ino >= 0)
		close(e->ino);
	free(e);
	return r;
}
