/* SPDX-License-Identifier: GPL-2.0-or-later */
/* When advertisements go out (RFC 4861 sections 6.2.4 and 6.2.6). */
#include "dhcp/ra/ra.h"

#define MAX_INITIAL_ADVERTS 3
#define MAX_INITIAL_INTERVAL_MS 16000
#define MIN_DELAY_BETWEEN_MS 3000
#define MAX_RESPONSE_DELAY_MS 500

void ra_sched_start(struct ra_sched *s, uint32_t interval_s, int64_t now_ms, uint32_t rnd)
{
	uint32_t max = interval_s ? interval_s : 600;

	max = max < 4 ? 4 : max > 1800 ? 1800 : max;
	s->max_ms = max * 1000;
	/* MinRtrAdvInterval: 0.33 x Max, and at least 3 s */
	s->min_ms = s->max_ms / 3 < 3000 ? 3000 : s->max_ms / 3;
	s->initial_left = MAX_INITIAL_ADVERTS;
	s->last_ms = INT64_MIN;
	s->answer_pending = false;
	/* the first goes out at once, give or take the response delay */
	s->next_ms = now_ms + (int64_t)(rnd % (MAX_RESPONSE_DELAY_MS + 1));
}

void ra_sched_solicited(struct ra_sched *s, int64_t now_ms, uint32_t rnd)
{
	int64_t t = now_ms + (int64_t)(rnd % (MAX_RESPONSE_DELAY_MS + 1));

	if (s->next_ms < 0)
		return;
	if (s->last_ms != INT64_MIN && t < s->last_ms + MIN_DELAY_BETWEEN_MS)
		t = s->last_ms + MIN_DELAY_BETWEEN_MS;
	if (t < s->next_ms) {
		s->next_ms = t;
		s->answer_pending = true;
	}
}

void ra_sched_sent(struct ra_sched *s, int64_t now_ms, uint32_t rnd)
{
	uint32_t span = s->max_ms - s->min_ms, interval = s->min_ms + (span ? rnd % (span + 1) : 0);

	s->last_ms = now_ms;
	s->answer_pending = false;
	/* the first few come quicker: a host that just came up learns of us soon */
	if (s->initial_left > 0) {
		s->initial_left--;
		if (interval > MAX_INITIAL_INTERVAL_MS)
			interval = MAX_INITIAL_INTERVAL_MS;
	}
	s->next_ms = now_ms + interval;
}

void ra_sched_deferred(struct ra_sched *s, int64_t now_ms, uint32_t delay_ms)
{
	if (s->next_ms < 0)
		return;
	/* nothing went out: last_ms and the initial count stay as they were */
	s->answer_pending = false;
	s->next_ms = now_ms + (int64_t)delay_ms;
}

int64_t ra_sched_deadline(const struct ra_sched *s)
{
	return s->next_ms;
}
