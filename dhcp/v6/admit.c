/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * How fast new clients may take addresses, as for DHCPv4: a token bucket.
 * An advertise or a grant to an IA that holds nothing here costs a token
 * (a REQUEST after our ADVERTISE does not: the offer is live); renewals
 * and static hosts cost none. Left to its default the bucket is sized
 * from the pool (at most 2^32 counted) so that invented DUIDs, each offer
 * held for a minute, cannot hold the whole pool: a quarter of it at once,
 * then the pool's size every two minutes.
 */
#include "dhcp/v6/dhcp6-internal.h"

#define AUTO_BURST_MIN 16
#define AUTO_RATE_MIN 2

void d6_admit_init(struct d6_bucket *b, uint32_t rate, uint32_t burst, uint64_t pool_size)
{
	uint32_t pool = pool_size > UINT32_MAX ? UINT32_MAX : (uint32_t)pool_size;

	b->unlimited = rate == DHCP6_RATE_UNLIMITED;
	if (!rate) {
		rate = pool / 120 > AUTO_RATE_MIN ? pool / 120 : AUTO_RATE_MIN;
		if (!burst)
			burst = pool / 4 > AUTO_BURST_MIN ? pool / 4 : AUTO_BURST_MIN;
	}
	if (!burst) {
		uint64_t r30 = (uint64_t)rate * 30;

		burst = r30 < AUTO_BURST_MIN ? AUTO_BURST_MIN : r30 > UINT32_MAX ? UINT32_MAX
										: (uint32_t)r30;
	}
	b->rate = rate;
	b->burst_milli = (uint64_t)burst * 1000;
	b->milli = b->burst_milli;
	b->last = 0;
}

bool d6_admit_take(struct dhcp6_server *srv, int64_t now)
{
	struct d6_bucket *b = &srv->bucket;
	uint64_t add;

	if (b->unlimited)
		return true;
	if (now > b->last) {
		add = (uint64_t)(now - b->last) * b->rate * 1000;
		b->milli = add >= b->burst_milli - b->milli ? b->burst_milli : b->milli + add;
	}
	b->last = now;          /* a clock that stepped back starts counting again */
	if (b->milli < 1000) {
		srv->st.throttled++;
		return false;
	}
	b->milli -= 1000;
	return true;
}
