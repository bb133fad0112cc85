/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The loop sleeps in epoll_wait with the time to the earliest deadline as
 * its timeout, not on a timerfd. The deadline is worked out afresh before
 * every wait anyway, and a timeout costs nothing, where a timerfd costs a
 * timerfd_settime on every turn and a read whenever it fires: system calls
 * on the hot path (one wake-up, recvmmsg, one fdatasync, sendmmsg). Its
 * millisecond resolution is the resolution of every deadline here, and the
 * kernel never returns before the timeout, so a part woken for its deadline
 * finds it reached.
 */
#include "netd/serve/loop.h"
#include "netd/base/base.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#define LOOP_EVENTS 16          /* per wake-up; more wait for the next turn */

/* 1-2-5 steps from 10 us to 10 s; the last bucket takes the rest */
const uint64_t loop_turn_bound_us[LOOP_TURN_BUCKETS] = {
	10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 1000000,
	10000000, UINT64_MAX,
};

struct loop {
	int epfd;
	bool stop;
	struct loop_turns turns;
	struct loop_timer *timers;
	struct loop_timer **tail;
};

static uint64_t now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void count_turn(struct loop_turns *t, uint64_t us)
{
	size_t b = 0;

	while (us > loop_turn_bound_us[b])
		b++;
	t->count[b]++;
	t->turns++;
	t->busy_us += us;
	if (us > t->max_us)
		t->max_us = us;
}

void loop_turns_get(const struct loop *l, struct loop_turns *out)
{
	*out = l->turns;
}

void loop_turns_reset(struct loop *l)
{
	memset(&l->turns, 0, sizeof(l->turns));
}

uint64_t loop_turns_quantile_us(const struct loop_turns *t, unsigned permille)
{
	uint64_t want = (t->turns * permille + 999) / 1000, seen = 0;
	size_t b;

	if (!t->turns)
		return 0;
	for (b = 0; b < LOOP_TURN_BUCKETS; b++) {
		seen += t->count[b];
		if (seen >= want)
			break;
	}
	return b < LOOP_TURN_BUCKETS && loop_turn_bound_us[b] < t->max_us ? loop_turn_bound_us[b]
									    : t->max_us;
}

int64_t loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The wall clock is read first, so the time between the two reads only
 * moves the result later, and the sub-millisecond rest rounds up.
 */
int64_t loop_mono_from_wall_ms(int64_t wall_ms)
{
	struct timespec w, m;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &w);
	clock_gettime(CLOCK_MONOTONIC, &m);
	ns = ((int64_t)m.tv_sec - (int64_t)w.tv_sec) * 1000000000LL + (m.tv_nsec - w.tv_nsec);
	return wall_ms + ns / 1000000 + (ns % 1000000 > 0);
}

int loop_new(struct loop **ret)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0) {
		int r = -errno;

		free(l);
		return r;
	}
	l->tail = &l->timers;
	*ret = l;
	return 0;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	close(l->epfd);
	free(l);
}

static int control(struct loop *l, int op, struct loop_handler *h, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = h };

	return epoll_ctl(l->epfd, op, h->fd, &ev) < 0 ? -errno : 0;
}

int loop_add(struct loop *l, struct loop_handler *h, uint32_t events)
{
	return control(l, EPOLL_CTL_ADD, h, events);
}

int loop_modify(struct loop *l, struct loop_handler *h, uint32_t events)
{
	return control(l, EPOLL_CTL_MOD, h, events);
}

void loop_remove(struct loop *l, struct loop_handler *h)
{
	epoll_ctl(l->epfd, EPOLL_CTL_DEL, h->fd, NULL);
}

void loop_add_timer(struct loop *l, struct loop_timer *t)
{
	t->next = NULL;
	*l->tail = t;
	l->tail = &t->next;
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

/*
 * Until the earliest deadline, in ms for epoll_wait; -1 (no deadline) waits
 * for the next event. At least 1 ms, as the old timer was armed: a part
 * whose deadline has passed does its work after this turn anyway, and one
 * that could not move its deadline on must not spin the loop.
 */
static int wait_ms(struct loop *l)
{
	int64_t now = loop_now_ms(), best = -1, d;
	struct loop_timer *t;

	for (t = l->timers; t; t = t->next) {
		d = t->next_deadline(t);
		if (d >= 0 && (best < 0 || d < best))
			best = d;
	}
	if (best < 0)
		return -1;
	d = best - now;
	return d < 1 ? 1 : d > INT_MAX ? INT_MAX : (int)d;
}

void loop_run(struct loop *l)
{
	struct epoll_event evs[LOOP_EVENTS];
	struct loop_timer *t;
	uint64_t woke = 0;
	int64_t now;
	int n, i;

	l->stop = false;
	while (!l->stop) {
		int timeout = wait_ms(l);

		/* the turn ends where the next wait starts: deadlines worked out too */
		if (woke)
			count_turn(&l->turns, now_us() - woke);
		n = epoll_wait(l->epfd, evs, LOOP_EVENTS, timeout);
		woke = now_us();
		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "epoll: %s", strerror(errno));
			return;
		}
		for (i = 0; i < n; i++) {
			struct loop_handler *h = evs[i].data.ptr;

			h->on_ready(h, evs[i].events);
		}
		now = loop_now_ms();
		for (t = l->timers; t; t = t->next)
			t->run_due(t, now);
	}
}
