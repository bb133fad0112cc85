/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The supervisor's back-off between restarts of the serving daemon. */
#include "netd/host/host-internal.h"

void backoff_init(struct backoff *b)
{
	b->delay_ms = BACKOFF_FIRST_MS;
	b->failures = 0;
}

int64_t backoff_next(struct backoff *b, int64_t lived_ms)
{
	int64_t wait;

	/* a daemon that served a while was healthy: this is a first failure again */
	if (lived_ms >= BACKOFF_HEALTHY_MS)
		backoff_init(b);
	if (++b->failures > BACKOFF_GIVE_UP)
		return -1;
	wait = b->delay_ms;
	b->delay_ms = b->delay_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : b->delay_ms * 2;
	return wait;
}
