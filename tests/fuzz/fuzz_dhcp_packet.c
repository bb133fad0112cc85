/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the DHCPv4 server core handling arbitrary datagrams.
 * One server lives across inputs (so leases, offers and quarantines pile
 * up as in a long-running daemon); time moves by the first byte, expiry
 * runs now and then, and every reply must fit the buffer and the client's
 * limit and parse back as a BOOTREPLY. The journal "fails" now and then
 * (the batch is rolled back instead of committed), and the store's indexes
 * must agree after either.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/v4/dhcp-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dhcp_server *fuzz_pkt_srv;
static int64_t fuzz_pkt_now = 1700000000;
static unsigned fuzz_pkt_count;

static struct dhcp_server *fuzz_pkt_server(void)
{
	static struct dhcp_range range;
	static struct dhcp_static_host host;
	static struct dhcp_route route;
	static const struct dhcp_raw_option opts[] = { { 42, "192.168.122.9" }, { 252, "x" } };
	static const char *const reserved[] = { "localhost", "wpad" };
	struct dhcp_config cfg = { 0 };

	inet_pton(AF_INET, "192.168.122.2", &range.start);
	inet_pton(AF_INET, "192.168.122.40", &range.end);     /* small: exhaustion happens */
	host.has_mac = true;
	memcpy(host.mac, "\x52\x54\x00\x12\x34\x60", 6);
	host.has_ip = true;
	inet_pton(AF_INET, "192.168.122.3", &host.ip);
	host.name = "db";
	inet_pton(AF_INET, "10.0.0.0", &route.dest);
	route.prefix = 8;
	inet_pton(AF_INET, "192.168.122.5", &route.gateway);
	cfg.ifname = "virbr0";
	inet_pton(AF_INET, "192.168.122.1", &cfg.server_addr);
	cfg.prefix = 24;
	cfg.ranges = &range;
	cfg.n_ranges = 1;
	cfg.hosts = &host;
	cfg.n_hosts = 1;
	cfg.routes = &route;
	cfg.n_routes = 1;
	cfg.options = opts;
	cfg.n_options = 2;
	cfg.domain = "example.test";
	cfg.reserved_names = reserved;
	cfg.n_reserved = 2;
	cfg.boot_file = "pxelinux.0";
	cfg.mtu = 1500;
	if (dhcp_server_new(&cfg, &fuzz_pkt_srv, NULL) < 0)
		abort();
	return fuzz_pkt_srv;
}

/*
 * The store's invariants: the bound count is true, never more leases than
 * the pool and the static host hold, every live record holds a distinct
 * address that its bitmap bit marks, and both indexes find every record.
 */
static void fuzz_pkt_check(const struct dhcp_server *srv)
{
	const struct dhcp_store *st = &srv->store;
	uint32_t i, bound = 0;

	for (i = 0; i < st->n_rec; i++) {
		const struct dhcp_lease *l = &st->rec[i];
		uint32_t idx = dhcp_pool_index(&srv->pool, l->addr);

		if (l->state == LS_UNUSED)
			continue;
		if (dhcp_store_by_addr(st, l->addr) != i)
			abort();        /* two records claim one address */
		if (l->state == LS_BOUND) {
			bound++;
			/* a bound lease's name is its own: indexed, and nobody else's */
			if (dhcp_lease_name(l) && dhcp_store_by_name(st, dhcp_lease_name(l)) != i)
				abort();
		}
		if (l->state != LS_GHOST && idx != HTAB_NONE && !dhcp_pool_test(srv->pool.used, idx))
			abort();
	}
	if (bound != st->n_bound || bound > 40)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_server *srv = fuzz_pkt_srv ? fuzz_pkt_srv : fuzz_pkt_server();
	uint8_t out[DHCP_REPLY_BUF];
	struct dhcp_rx rx = { .data = data, .len = size };
	struct dhcp_tx tx;
	const uint8_t *j;
	size_t jlen;
	int rc;

	if (size)
		fuzz_pkt_now += data[0] % 16;
	rc = dhcp_server_handle(srv, &rx, fuzz_pkt_now, out, sizeof(out), &tx);
	if (rc == DHCP_REPLY) {
		if (tx.len > sizeof(out) || tx.len < 240 || out[0] != 2 ||
		    tx.kind == DHCP_DEST_NONE)
			abort();
	} else if (rc == DHCP_PROBE) {
		dhcp_server_probe_result(srv, tx.addr, size & 1, fuzz_pkt_now);
	}
	dhcp_server_journal_pending(srv, &j, &jlen);
	if (size > 1 && (data[size - 1] & 7) == 0)
		dhcp_server_rollback(srv);
	else
		dhcp_server_commit(srv);
	fuzz_pkt_check(srv);
	if (++fuzz_pkt_count % 512 == 0)
		dhcp_server_tick(srv, fuzz_pkt_now);
	return 0;
}
