/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the v6 lease readers. The input is read as a whole
 * lease file (v4 lines, the "duid" line, v6 lines) and as a journal6, and
 * loaded into a server; every lease that comes out is written back as a
 * line, a journal record and a status object, which must read back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/v6/dhcp6-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz6l_same(void *ud, const struct lease6_info *l)
{
	const struct lease6_info *want = ud;

	if (memcmp(&l->addr, &want->addr, 16) || l->iaid != want->iaid ||
	    l->duid_len != want->duid_len || memcmp(l->duid, want->duid, l->duid_len) ||
	    l->expires != want->expires)
		abort();
	return 0;
}

static int fuzz6l_record(void *ud, int op, const struct lease6_info *l)
{
	return fuzz6l_same(ud, l);
}

static int fuzz6l_round_trip(void *ud, const struct lease6_info *l)
{
	static const uint8_t sduid[4] = { 0, 3, 0, 1 };
	struct lease_buf b = { 0 };

	if (lease_file6_duid_line(&b, sduid, sizeof(sduid)) < 0 || lease_file6_append(&b, l) < 0)
		abort();
	if (lease_file6_parse((const char *)b.data, b.len, fuzz6l_same, NULL, (void *)l) != 1)
		abort();
	b.len = 0;
	if (lease_journal6_append(&b, LEASE_JOURNAL_BIND6, l) < 0 ||
	    lease_journal6_replay(b.data, b.len, fuzz6l_record, NULL, (void *)l) != (long)b.len)
		abort();
	b.len = 0;
	if (lease_status6_append(&b, l, sduid, sizeof(sduid), true) < 0)
		abort();
	lease_buf_free(&b);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t duid[4] = { 0, 3, 0, 1 };
	struct dhcp6_range range;
	struct dhcp6_config cfg = { 0 };
	struct dhcp6_server *srv;
	uint8_t sduid[DHCP6_DUID_MAX];
	size_t good = 0;

	lease_file6_parse((const char *)data, size, fuzz6l_round_trip, NULL, NULL);
	lease_file6_server_duid((const char *)data, size, sduid, sizeof(sduid));
	if (lease_journal6_replay(data, size, NULL, NULL, NULL) > (long)size)
		abort();
	inet_pton(AF_INET6, "2001:db8::", &cfg.prefix);
	inet_pton(AF_INET6, "2001:db8::100", &range.start);
	inet_pton(AF_INET6, "2001:db8::1ff", &range.end);
	range.lease_time = 0;
	cfg.prefix_len = 64;
	cfg.server_duid = duid;
	cfg.server_duid_len = sizeof(duid);
	cfg.ranges = &range;
	cfg.n_ranges = 1;
	if (dhcp6_server_new(&cfg, &srv, NULL) < 0)
		abort();
	dhcp6_server_load(srv, (const char *)data, size, data, size, 1700000000, NULL, NULL, &good);
	if (good > size || dhcp6_server_lease_count(srv) > 256)
		abort();
	dhcp6_server_foreach_lease(srv, fuzz6l_round_trip, NULL);
	dhcp6_server_free(srv);
	return 0;
}
