/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * loop: the serving daemon's one event loop, private to netd/serve.
 *
 * Whoever owns a descriptor registers it: a struct loop_handler embedded in
 * the owner (epoll's data.ptr points at it), so a wake-up goes straight to
 * the owner's callback and nothing compares descriptors. Whoever has
 * deadlines registers a struct loop_timer: before each wait the loop asks
 * every timer for its next deadline and sleeps until the earliest; after
 * each turn every timer does what is due.
 *
 * Time: every deadline is on one clock, monotonic milliseconds
 * (loop_now_ms()). Wall time enters only as a lease's expiry, which the DHCP
 * core writes in wall seconds; loop_mono_from_wall_ms() converts such a
 * moment once, at the edge.
 *
 * Ownership: handlers and timers belong to their owners and must stay
 * where they are while registered; the loop frees neither them nor their
 * descriptors. A handler is never freed while the loop runs (owners keep
 * theirs in fixed slots), so an event already fetched in the same turn
 * never reaches freed memory.
 */
#ifndef VNETD_SERVE_LOOP_H
#define VNETD_SERVE_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* container_of: from an embedded handler or timer back to its owner. */
#define loop_owner(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct loop;

struct loop_handler {
	int fd;
	/* fd is ready; events as epoll reports them (EPOLLIN, EPOLLOUT, EPOLLERR, ...) */
	void (*on_ready)(struct loop_handler *h, uint32_t events);
};

struct loop_timer {
	/* The earliest moment this part has work, monotonic ms; -1 when none. */
	int64_t (*next_deadline)(struct loop_timer *t);
	/*
	 * Called after every turn, due or not, in the order the timers were
	 * added: a steady stream of packets must not starve expiry, probes or
	 * the lease file, and some work learns of its deadline only by asking
	 * (the log's dropped lines). Do what is due at now_ms, nothing else.
	 */
	void (*run_due)(struct loop_timer *t, int64_t now_ms);
	struct loop_timer *next;        /* the loop's list */
};

/* 0, or negative errno. */
int loop_new(struct loop **ret);
void loop_free(struct loop *l);         /* NULL is fine; closes only the loop's own epoll fd */

/* Watch h->fd for `events` (EPOLLIN, ...). 0 or negative errno. */
int loop_add(struct loop *l, struct loop_handler *h, uint32_t events);
int loop_modify(struct loop *l, struct loop_handler *h, uint32_t events);
/* Before closing a descriptor that another process or a dup may still hold. */
void loop_remove(struct loop *l, struct loop_handler *h);

void loop_add_timer(struct loop *l, struct loop_timer *t);

/* Wait, dispatch, run what is due; until loop_stop() in this run (or epoll fails: logged). */
void loop_run(struct loop *l);
void loop_stop(struct loop *l);         /* from a callback: the loop ends after this turn */

/*
 * How long the loop's turns were busy: from epoll_wait's return to the
 * next wait (dispatch and every timer's due work), in a fixed histogram
 * (nothing allocated per turn). A bucket counts the turns up to its bound
 * and above the previous one; the last bound is UINT64_MAX (the rest).
 * Since the loop was made or since loop_turns_reset().
 */
#define LOOP_TURN_BUCKETS 16
struct loop_turns {
	uint64_t turns;
	uint64_t busy_us;               /* the turns' sum */
	uint64_t max_us;
	uint64_t count[LOOP_TURN_BUCKETS];
};
extern const uint64_t loop_turn_bound_us[LOOP_TURN_BUCKETS];

void loop_turns_get(const struct loop *l, struct loop_turns *out);
void loop_turns_reset(struct loop *l);
/*
 * The turn time below which `permille` of the turns fall, read off the
 * histogram: the bound of the bucket it lands in, never more than max_us.
 */
uint64_t loop_turns_quantile_us(const struct loop_turns *t, unsigned permille);

/* The loop's clock: CLOCK_MONOTONIC in ms. */
int64_t loop_now_ms(void);

/*
 * A wall-clock moment (unix ms) on the loop's clock, rounded so that it is
 * never early: when the loop wakes at the result, the wall clock has
 * reached wall_ms (unless it was stepped back meanwhile).
 */
int64_t loop_mono_from_wall_ms(int64_t wall_ms);

#endif
