/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How fast new clients may take addresses: a token bucket. Each offer or
 * grant to a client that holds nothing here costs a token; renewals,
 * existing leases and static hosts cost none. Left to its default the
 * bucket is sized from the pool so that a flood of invented clients — each
 * offer holds its address for a minute — cannot hold the whole pool: a
 * quarter of it at once, then the pool's size every two minutes.
 */
#include "dhcp/v4/dhcp-internal.h"

#define AUTO_BURST_MIN 16
#define AUTO_RATE_MIN 2

void dhcp_bucket_init(struct dhcp_bucket *b, uint32_t rate, uint32_t burst, uint32_t pool,
		      int64_t now)
{
	b->unlimited = rate == DHCP_RATE_UNLIMITED;
	if (!rate) {
		rate = pool / 120 > AUTO_RATE_MIN ? pool / 120 : AUTO_RATE_MIN;
		if (!burst)
			burst = pool / 4 > AUTO_BURST_MIN ? pool / 4 : AUTO_BURST_MIN;
	}
	if (!burst)
		burst = rate * 30 > AUTO_BURST_MIN ? rate * 30 : AUTO_BURST_MIN;
	b->rate = rate;
	b->burst_milli = (uint64_t)burst * 1000;
	b->milli = b->burst_milli;
	b->last = now;
}

static void refill(struct dhcp_bucket *b, int64_t now)
{
	uint64_t add;

	if (now <= b->last) {
		if (now < b->last)
			b->last = now;  /* the clock stepped back: start counting again */
		return;
	}
	add = (uint64_t)(now - b->last) * b->rate * 1000;
	b->milli = add >= b->burst_milli - b->milli ? b->burst_milli : b->milli + add;
	b->last = now;
}

bool dhcp_bucket_ready(struct dhcp_server *srv, int64_t now)
{
	struct dhcp_bucket *b = &srv->bucket;

	if (b->unlimited)
		return true;
	refill(b, now);
	if (b->milli >= 1000)
		return true;
	srv->st.throttled++;
	return false;
}

bool dhcp_bucket_take(struct dhcp_server *srv, int64_t now)
{
	struct dhcp_bucket *b = &srv->bucket;

	if (b->unlimited)
		return true;
	refill(b, now);
	if (b->milli < 1000) {
		srv->st.throttled++;
		return false;
	}
	b->milli -= 1000;
	return true;
}
