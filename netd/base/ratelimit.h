/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ratelimit: a token bucket with no clock of its own. The caller passes the
 * time (monotonic milliseconds), so the bucket is a pure function of its
 * inputs and tests drive it with any clock they like. `burst` events may
 * pass at once; after that, `per_s` a second. What is refused is counted,
 * so that whoever drains the count can say how much was dropped.
 */
#ifndef VNETD_RATELIMIT_H
#define VNETD_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct ratelimit {
	uint32_t burst;
	uint32_t per_s;
	uint64_t milli;         /* tokens available, in thousandths */
	int64_t last_ms;        /* when `milli` was last brought up to date */
	bool primed;            /* false until the first call: the bucket starts full */
	uint64_t refused;       /* since the last ratelimit_drain() */
};

#define RATELIMIT_INIT(burst_, per_s_) { .burst = (burst_), .per_s = (per_s_) }

/* One event at now_ms: true (a token taken) or false (counted as refused). */
bool ratelimit_take(struct ratelimit *rl, int64_t now_ms);

/* How long from now_ms until a token is there: 0 if there is one already. */
int64_t ratelimit_wait_ms(struct ratelimit *rl, int64_t now_ms);

/* The number of refused events since the last drain; resets it. */
uint64_t ratelimit_drain(struct ratelimit *rl);

#endif
