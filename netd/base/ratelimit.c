/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/base/ratelimit.h"

/* Bring the bucket up to now: per_s tokens a second are per_s thousandths a ms. */
static void refill(struct ratelimit *rl, int64_t now_ms)
{
	uint64_t cap = (uint64_t)rl->burst * 1000, elapsed;

	if (!rl->primed) {
		rl->primed = true;
		rl->milli = cap;
		rl->last_ms = now_ms;
		return;
	}
	if (now_ms <= rl->last_ms || rl->per_s == 0)
		return;         /* a clock that stands still (or steps back) adds nothing */
	elapsed = (uint64_t)(now_ms - rl->last_ms);
	rl->last_ms = now_ms;
	/* after a long quiet spell the bucket is simply full: no overflow */
	if (elapsed >= cap / rl->per_s + 1) {
		rl->milli = cap;
		return;
	}
	rl->milli += elapsed * rl->per_s;
	if (rl->milli > cap)
		rl->milli = cap;
}

bool ratelimit_take(struct ratelimit *rl, int64_t now_ms)
{
	refill(rl, now_ms);
	if (rl->milli >= 1000) {
		rl->milli -= 1000;
		return true;
	}
	rl->refused++;
	return false;
}

int64_t ratelimit_wait_ms(struct ratelimit *rl, int64_t now_ms)
{
	uint64_t missing;

	refill(rl, now_ms);
	if (rl->milli >= 1000)
		return 0;
	if (rl->per_s == 0)
		return INT64_MAX;
	missing = 1000 - rl->milli;
	return (int64_t)((missing + rl->per_s - 1) / rl->per_s);
}

uint64_t ratelimit_drain(struct ratelimit *rl)
{
	uint64_t n = rl->refused;

	rl->refused = 0;
	return n;
}
