/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket in the daemon's loop: accept (root peers only, as
 * SO_PEERCRED says), one request per message, one reply each; subscribers
 * get events pushed without ever blocking the loop.
 */
#include "netd/serve/daemon.h"
#include "netd/ctl/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define REPLY_TEXT_MAX 8192

static void conn_close(struct ctl_conn *c)
{
	if (c->h.fd < 0)
		return;
	loop_remove(c->owner->loop, &c->h);
	close(c->h.fd);
	c->h.fd = -1;
	c->subscribed = false;
	c->refused = false;
}

/* A reply that does not fit the socket now is not waited for: the client is gone or stuck. */
static void reply(struct ctl_conn *c, enum ctl_reply_kind kind, const char *text, size_t len)
{
	char *out = c->owner->buf;
	int n = ctl_reply_format(out, CTL_MSG_MAX + 1, kind, text, len);

	if (n < 0 || send(c->h.fd, out, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) != n)
		conn_close(c);
}

static void reply_error(struct ctl_conn *c, const char *text)
{
	reply(c, CTL_REPLY_ERROR, text, strlen(text));
}

static void do_apply(struct daemon *d, struct ctl_conn *c, const struct ctl_request *req)
{
	const char *origin = ctl_request_arg(req, "origin");
	char text[REPLY_TEXT_MAX];

	if (serve_apply(d, req->body, req->body_len, text, sizeof(text)) < 0) {
		d->counters.apply_failed++;
		log_msg(LOG_ERR, "%s: %s", origin ? origin : "apply", text);
		reply_error(c, text);
		return;
	}
	d->counters.applied++;
	log_msg(LOG_INFO, "%s: applied live", origin ? origin : "apply");
	reply(c, CTL_REPLY_OK, text, strlen(text));
}

/*
 * An event of the network that happened outside the daemon (e.g. a port
 * attached by root's `vnetd attach`), relayed to the subscribers: it must
 * read as an event of this very network.
 */
static void do_publish(struct daemon *d, struct ctl_conn *c, const struct ctl_request *req)
{
	struct ctl_event ev;

	if (req->body_len > 1000 || ctl_event_parse(req->body, req->body_len, &ev) < 0 ||
	    strcmp(ev.network, d->def->name)) {
		reply_error(c, "publish takes one flat JSON object of at most 1000 bytes with "
			    "\"event\" and this network's \"network\"");
		return;
	}
	/* first: the body is in the buffer the reply is written to */
	serve_ctl_publish(d, req->body, req->body_len);
	reply(c, CTL_REPLY_OK, "", 0);
}

/* The counters; with reset=loop, as they were when the loop's turn times start again. */
static void do_stats(struct daemon *d, struct ctl_conn *c, const struct ctl_request *req)
{
	const char *reset = ctl_request_arg(req, "reset");
	char text[REPLY_TEXT_MAX];
	int n;

	if (reset && strcmp(reset, "loop")) {
		reply_error(c, "stats: reset=loop is the only reset");
		return;
	}
	n = serve_stats_format(d, text, sizeof(text));
	if (n < 0) {
		reply_error(c, "the counters do not fit a reply");
		return;
	}
	if (reset)
		loop_turns_reset(d->loop);
	reply(c, CTL_REPLY_OK, text, (size_t)n);
}

static void dispatch(struct daemon *d, struct ctl_conn *c, const struct ctl_request *req)
{
	switch (req->verb) {
	case CTL_PING:
		reply(c, CTL_REPLY_OK, "vnetd-ctl 1\n", 12);
		break;
	case CTL_STATS:
		do_stats(d, c, req);
		break;
	case CTL_SUBSCRIBE:
		/* what a subscriber may leave unread is bounded: past it, it is dropped */
		setsockopt(c->h.fd, SOL_SOCKET, SO_SNDBUF, &(int){ CTL_SERVER_EVENT_BUF },
			   sizeof(int));
		c->subscribed = true;
		c->deadline_ms = -1;
		reply(c, CTL_REPLY_OK, "", 0);
		break;
	case CTL_APPLY:
		do_apply(d, c, req);
		break;
	case CTL_PUBLISH:
		do_publish(d, c, req);
		break;
	default:
		reply_error(c, "unknown verb");
	}
}

static void on_conn(struct loop_handler *h, uint32_t events)
{
	struct ctl_conn *c = loop_owner(h, struct ctl_conn, h);
	struct daemon *d = loop_owner(c->owner, struct daemon, ctl);
	struct ctl_request req;
	char msg[300];
	ssize_t n;

	n = recv(h->fd, c->owner->buf, CTL_MSG_MAX + 1, MSG_DONTWAIT | MSG_TRUNC);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		conn_close(c);
		return;
	}
	if (c->refused)
		return;
	if (!c->subscribed)
		c->deadline_ms = loop_now_ms() + CTL_SERVER_IDLE_MS;
	if (n > CTL_MSG_MAX) {
		snprintf(msg, sizeof(msg), "a request is at most %d bytes", CTL_MSG_MAX);
		reply_error(c, msg);
		return;
	}
	if (ctl_request_parse(c->owner->buf, (size_t)n, &req, msg, sizeof(msg)) < 0) {
		reply_error(c, msg);
		return;
	}
	dispatch(d, c, &req);
}

static struct ctl_conn *free_slot(struct serve_ctl *s)
{
	size_t i;

	for (i = 0; i < CTL_SERVER_CONNS; i++)
		if (s->conns[i].h.fd < 0)
			return &s->conns[i];
	return NULL;
}

/*
 * Tell a refused peer why, without waiting on it. Closing at once would
 * lose that answer if the peer's request is already queued here (the
 * kernel then resets the peer): it keeps a slot, when there is one, for a
 * moment in which whatever it sends is dropped, and goes when it closes.
 */
static void refuse(struct serve_ctl *s, int fd, const char *why)
{
	struct ctl_conn *c = free_slot(s);
	char out[256];
	int n = ctl_reply_format(out, sizeof(out), CTL_REPLY_ERROR, why, strlen(why));

	if (n > 0 && send(fd, out, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) < 0)
		n = 0;
	if (!c) {
		close(fd);
		return;
	}
	c->h.fd = fd;
	c->refused = true;
	c->deadline_ms = loop_now_ms() + CTL_SERVER_REFUSED_MS;
	if (loop_add(s->loop, &c->h, EPOLLIN) < 0) {
		close(fd);
		c->h.fd = -1;
		c->refused = false;
	}
}

static void on_listen(struct loop_handler *h, uint32_t events)
{
	struct serve_ctl *s = loop_owner(h, struct serve_ctl, listen);
	struct ctl_conn *c;
	uid_t uid = (uid_t)-1;
	int fd;

	while ((fd = accept4(h->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (ctl_peer_uid(fd, &uid) < 0 || uid != 0) {
			s->refused++;
			log_msg(LOG_WARNING, "control socket: refused a peer with uid %d",
				(int)uid);
			refuse(s, fd, "permission denied: the control socket serves root only");
			continue;
		}
		if (!(c = free_slot(s))) {
			refuse(s, fd, "busy: too many control connections");
			continue;
		}
		c->h.fd = fd;
		c->deadline_ms = loop_now_ms() + CTL_SERVER_IDLE_MS;
		if (loop_add(s->loop, &c->h, EPOLLIN) < 0) {
			close(fd);
			c->h.fd = -1;
		}
	}
	/*
	 * Out of descriptors (or memory): the connection stays queued and the
	 * listener readable, so stop watching it for a while rather than spin.
	 */
	if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
		log_msg(LOG_WARNING, "control socket: cannot accept: %s", strerror(errno));
		if (loop_modify(s->loop, h, 0) == 0)
			s->resume_ms = loop_now_ms() + CTL_SERVER_RESUME_MS;
	}
}

static int64_t next_deadline(struct loop_timer *t)
{
	struct serve_ctl *s = loop_owner(t, struct serve_ctl, timer);
	int64_t due = s->resume_ms ? s->resume_ms : -1;
	size_t i;

	for (i = 0; i < CTL_SERVER_CONNS; i++) {
		const struct ctl_conn *c = &s->conns[i];

		if (c->h.fd >= 0 && c->deadline_ms >= 0 && (due < 0 || c->deadline_ms < due))
			due = c->deadline_ms;
	}
	return due;
}

static void run_due(struct loop_timer *t, int64_t now_ms)
{
	struct serve_ctl *s = loop_owner(t, struct serve_ctl, timer);
	size_t i;

	if (s->resume_ms && s->resume_ms <= now_ms &&
	    loop_modify(s->loop, &s->listen, EPOLLIN) == 0)
		s->resume_ms = 0;
	for (i = 0; i < CTL_SERVER_CONNS; i++)
		if (s->conns[i].h.fd >= 0 && s->conns[i].deadline_ms >= 0 &&
		    s->conns[i].deadline_ms <= now_ms)
			conn_close(&s->conns[i]);
}

void serve_ctl_publish(struct daemon *d, const char *json, size_t len)
{
	struct serve_ctl *s = &d->ctl;
	/* its own buffer: an event may come while a request is in s->buf */
	char out[1024];
	size_t i;
	int n;

	if (!s->buf)
		return;
	n = ctl_reply_format(out, sizeof(out), CTL_REPLY_EVENT, json, len);
	for (i = 0; n > 0 && i < CTL_SERVER_CONNS; i++) {
		struct ctl_conn *c = &s->conns[i];

		if (c->h.fd < 0 || !c->subscribed)
			continue;
		if (send(c->h.fd, out, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) != n) {
			s->dropped++;
			log_msg(LOG_WARNING, "control socket: dropped an event subscriber that "
				"does not keep up");
			conn_close(c);
		}
	}
}

int serve_ctl_open(struct daemon *d, char *msg, size_t size)
{
	struct serve_ctl *s = &d->ctl;
	char path[512];
	size_t i;

	s->listen.fd = -1;
	s->resume_ms = 0;
	for (i = 0; i < CTL_SERVER_CONNS; i++)
		s->conns[i] = (struct ctl_conn){ .h = { .fd = -1, .on_ready = on_conn }, .owner = s };
	if (!ctl_path(d->paths, d->def->name, path, sizeof(path))) {
		snprintf(msg, size, "no control socket path for %s", d->def->name);
		return -EINVAL;
	}
	if (!(s->buf = malloc(CTL_MSG_MAX + 1))) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	s->listen.fd = ctl_listen(path, msg, size);
	s->listen.on_ready = on_listen;
	return s->listen.fd < 0 ? s->listen.fd : 0;
}

int serve_ctl_start(struct daemon *d)
{
	struct serve_ctl *s = &d->ctl;

	s->loop = d->loop;
	if (s->listen.fd < 0)
		return 0;
	s->timer = (struct loop_timer){ .next_deadline = next_deadline, .run_due = run_due };
	loop_add_timer(d->loop, &s->timer);
	return loop_add(d->loop, &s->listen, EPOLLIN);
}

void serve_ctl_close(struct serve_ctl *s)
{
	size_t i;

	for (i = 0; i < CTL_SERVER_CONNS; i++)
		if (s->conns[i].owner)
			conn_close(&s->conns[i]);
	if (s->listen.fd >= 0)
		close(s->listen.fd);
	s->listen.fd = -1;
	free(s->buf);
	s->buf = NULL;
}
