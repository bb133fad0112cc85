/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the DHCPv6 server core handling arbitrary datagrams.
 * One server lives across inputs (leases, offers and quarantines pile up
 * as in a long-running daemon; the pool is small, so it runs out); time
 * moves by the first byte, a datagram counts as unicast by the second,
 * expiry runs now and then. Every reply must fit the buffer and be an
 * ADVERTISE, a REPLY or a RELAY-REPL. The journal "fails" now and then (the
 * batch is rolled back instead of committed), and the store's indexes and
 * counts must agree after either.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/v6/dhcp6-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct dhcp6_server *fuzz6_srv;
static int64_t fuzz6_now = 1700000000;
static unsigned fuzz6_count;

static struct dhcp6_server *fuzz6_server(void)
{
	static const uint8_t duid[10] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 1 };
	static const uint8_t host_duid[10] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x60 };
	static const char *const reserved[] = { "localhost" };
	static struct dhcp6_range range;
	static struct dhcp6_static_host host[2];
	static struct in6_addr dns;
	struct dhcp6_config cfg = { 0 };

	inet_pton(AF_INET6, "2001:db8::100", &range.start);
	inet_pton(AF_INET6, "2001:db8::11f", &range.end);       /* small: exhaustion happens */
	inet_pton(AF_INET6, "2001:db8::1", &dns);
	host[0].duid = host_duid;
	host[0].duid_len = sizeof(host_duid);
	host[0].has_ip = true;
	inet_pton(AF_INET6, "2001:db8::105", &host[0].ip);
	host[0].name = "db";
	host[1].name = "web";
	host[1].has_ip = true;
	inet_pton(AF_INET6, "2001:db8::50", &host[1].ip);
	cfg.ifname = "virbr0";
	cfg.server_duid = duid;
	cfg.server_duid_len = sizeof(duid);
	inet_pton(AF_INET6, "2001:db8::", &cfg.prefix);
	cfg.prefix_len = 64;
	cfg.ranges = &range;
	cfg.n_ranges = 1;
	cfg.hosts = host;
	cfg.n_hosts = 2;
	cfg.dns_servers = &dns;
	cfg.n_dns_servers = 1;
	cfg.domain = "example.test";
	cfg.reserved_names = reserved;
	cfg.n_reserved = 1;
	if (dhcp6_server_new(&cfg, &fuzz6_srv, NULL) < 0)
		abort();
	return fuzz6_srv;
}

/* Every live record holds a distinct address both indexes find; the bound count is true. */
static void fuzz6_check(const struct dhcp6_server *srv)
{
	const struct d6_store *st = &srv->store;
	uint32_t i, bound = 0;

	for (i = 0; i < st->n_rec; i++) {
		const struct d6_lease *l = &st->rec[i];
		struct d6_ident id = { l->extra, l->duid_len, l->iaid };

		if (l->state == S6_UNUSED)
			continue;
		if (d6_store_by_addr(st, &l->addr) != i)
			abort();
		if (l->duid_len && d6_store_by_ident(st, &id) != i)
			abort();
		if (l->state == S6_BOUND) {
			bound++;
			if (!d6_on_link(srv, &l->addr))
				abort();
		}
	}
	if (bound != st->n_bound || bound > 32 + 2)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp6_server *srv = fuzz6_srv ? fuzz6_srv : fuzz6_server();
	uint8_t out[DHCP6_REPLY_BUF];
	struct dhcp6_rx rx = { .data = data, .len = size, .src_port = 546 };
	struct dhcp6_tx tx;
	int rc;

	if (size)
		fuzz6_now += data[0] % 16;
	rx.unicast = size > 1 && (data[1] & 0x80);
	inet_pton(AF_INET6, "fe80::5054:ff:fe12:3456", &rx.src);
	rc = dhcp6_server_handle(srv, &rx, fuzz6_now, out, sizeof(out), &tx);
	if (rc == DHCP6_REPLY &&
	    (tx.len > sizeof(out) || tx.len < 4 || (out[0] != 2 && out[0] != 7 && out[0] != 13)))
		abort();
	if (size > 2 && (data[size - 1] & 7) == 0)
		dhcp6_server_rollback(srv);
	else
		dhcp6_server_commit(srv);
	fuzz6_check(srv);
	if (++fuzz6_count % 512 == 0)
		dhcp6_server_tick(srv, fuzz6_now);
	return 0;
}
