/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The serving daemon's event loop (netd/serve/loop.c): a ready descriptor
 * reaches the handler its owner registered, deadlines are never run early,
 * every timer's due work runs after every turn in the order they were
 * added, and a wall-clock moment lands where it should on the loop's clock.
 * No upper bound on any duration is asserted: the machine may be loaded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <time.h>
#include <unistd.h>

#include "netd/serve/loop.h"

struct reader {
	int other;                      /* something before the handler: container_of works */
	struct loop_handler h;
	struct loop *loop;
	int calls;
	uint32_t events;
	char got;
};

static void on_readable(struct loop_handler *h, uint32_t events)
{
	struct reader *r = loop_owner(h, struct reader, h);

	r->calls++;
	r->events = events;
	assert_int_equal(read(h->fd, &r->got, 1), 1);
	loop_stop(r->loop);
}

static void test_handler_gets_its_event(void **state)
{
	struct reader r = { .other = 7 };
	int p[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(loop_new(&r.loop), 0);
	r.h = (struct loop_handler){ .fd = p[0], .on_ready = on_readable };
	assert_int_equal(loop_add(r.loop, &r.h, EPOLLIN), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	loop_run(r.loop);
	assert_int_equal(r.calls, 1);
	assert_true(r.events & EPOLLIN);
	assert_int_equal(r.got, 'x');
	assert_int_equal(r.other, 7);
	loop_remove(r.loop, &r.h);
	loop_free(r.loop);
	close(p[0]);
	close(p[1]);
}

struct part {
	struct loop_timer t;
	struct loop *loop;
	int64_t deadline;               /* -1: none */
	int64_t fired_at;               /* -1: not yet */
	int runs;                       /* run_due calls, due or not */
	int *log, *n_log, id;           /* which part ran, call by call (shared) */
};

static int64_t part_deadline(struct loop_timer *t)
{
	return loop_owner(t, struct part, t)->deadline;
}

static void part_run_due(struct loop_timer *t, int64_t now_ms)
{
	struct part *p = loop_owner(t, struct part, t);

	p->runs++;
	if (*p->n_log < 8)
		p->log[(*p->n_log)++] = p->id;
	if (p->deadline < 0 || now_ms < p->deadline)
		return;
	p->fired_at = now_ms;
	p->deadline = -1;
	loop_stop(p->loop);
}

static void test_earliest_deadline_never_early(void **state)
{
	int64_t start = loop_now_ms();
	struct part a = { .deadline = -1, .fired_at = -1, .id = 1 };
	struct part b = { .deadline = start + 40, .fired_at = -1, .id = 2 };
	struct part c = { .deadline = start + 15, .fired_at = -1, .id = 3 };
	struct part *parts[] = { &a, &b, &c };
	struct loop *l;
	int log[8], n_log = 0;
	size_t i;

	(void)state;
	assert_int_equal(loop_new(&l), 0);
	for (i = 0; i < 3; i++) {
		parts[i]->t = (struct loop_timer){ .next_deadline = part_deadline,
						   .run_due = part_run_due };
		parts[i]->loop = l;
		parts[i]->log = log;
		parts[i]->n_log = &n_log;
		loop_add_timer(l, &parts[i]->t);
	}
	loop_run(l);
	/* the earlier deadline woke the loop, at or after its time; b is still to come */
	assert_true(c.fired_at >= start + 15);
	assert_int_equal(b.fired_at, -1);
	/* every part ran after the turn, due or not, in the order added */
	assert_true(a.runs >= 1 && a.runs == b.runs && b.runs == c.runs);
	assert_int_equal(log[0], 1);
	assert_int_equal(log[1], 2);
	assert_int_equal(log[2], 3);
	loop_run(l);
	assert_true(b.fired_at >= start + 40);
	loop_free(l);
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* 50 ms from now on the wall clock is 50 ms from now on the loop's, within rounding. */
static void test_wall_to_mono(void **state)
{
	int64_t m0, m1, w, r;

	(void)state;
	m0 = loop_now_ms();
	w = wall_ms();
	r = loop_mono_from_wall_ms(w + 50);
	m1 = loop_now_ms();
	assert_true(r >= m0 + 50 - 1);
	assert_true(r <= m1 + 50 + 2);
}

struct turner {
	struct loop_timer t;
	struct loop *loop;
	int left;
};

static int64_t turner_deadline(struct loop_timer *t)
{
	return loop_now_ms();   /* always due: every wait is the 1 ms minimum */
}

static void turner_run(struct loop_timer *t, int64_t now_ms)
{
	struct turner *u = loop_owner(t, struct turner, t);

	if (--u->left <= 0)
		loop_stop(u->loop);
}

/* Run the loop for n turns. */
static void run_turns(struct loop *l, int n)
{
	struct turner u = { .t = { .next_deadline = turner_deadline, .run_due = turner_run },
			    .loop = l, .left = n };

	loop_add_timer(l, &u.t);
	loop_run(l);
}

/* Turn times: each turn counted once in its bucket; quantiles read off the buckets. */
static void test_turn_histogram(void **state)
{
	struct loop_turns t = { 0 };
	struct loop *l;
	size_t b;
	uint64_t sum = 0;

	(void)state;
	for (b = 1; b < LOOP_TURN_BUCKETS; b++)
		assert_true(loop_turn_bound_us[b] > loop_turn_bound_us[b - 1]);
	assert_int_equal(loop_turn_bound_us[LOOP_TURN_BUCKETS - 1], UINT64_MAX);
	/* 990 turns of at most 10 us, 10 of 3 ms: p99 is 10 us, p99.9 the 5 ms bucket */
	t.turns = 1000;
	t.count[0] = 990;
	t.count[8] = 10;
	t.max_us = 3000;
	assert_int_equal(loop_turns_quantile_us(&t, 990), 10);
	/* never above the longest turn seen */
	assert_int_equal(loop_turns_quantile_us(&t, 999), 3000);
	t = (struct loop_turns){ 0 };
	assert_int_equal(loop_turns_quantile_us(&t, 990), 0);

	/* a real loop counts its turns; a reset starts again from zero */
	assert_int_equal(loop_new(&l), 0);
	run_turns(l, 3);
	loop_turns_get(l, &t);
	assert_true(t.turns >= 2);
	for (b = 0; b < LOOP_TURN_BUCKETS; b++)
		sum += t.count[b];
	assert_int_equal(sum, t.turns);
	assert_true(t.max_us <= t.busy_us);
	loop_turns_reset(l);
	loop_turns_get(l, &t);
	assert_int_equal(t.turns, 0);
	assert_int_equal(t.max_us, 0);
	loop_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_turn_histogram),
		cmocka_unit_test(test_handler_gets_its_event),
		cmocka_unit_test(test_earliest_deadline_never_early),
		cmocka_unit_test(test_wall_to_mono),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
