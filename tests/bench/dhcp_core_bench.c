/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Micro-benchmark of the DHCPv4 core, in process, no I/O: complete DORA
 * exchanges per second and heap bytes per lease for N distinct clients
 * (perfdhcp-like: no client id, MAC derived from the client number). The
 * journal is drained every 64 packets, as the daemon's group commit would.
 *
 *   cc -O2 -std=gnu11 -D_GNU_SOURCE -I. tests/bench/dhcp_core_bench.c $(ls dhcp/[a-z]*.c) \
 *      -o /tmp/dhcp_core_bench && /tmp/dhcp_core_bench 200 60000
 */
#include <arpa/inet.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhcp/v4/dhcp.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t build(uint8_t *p, uint32_t client, uint8_t type, uint32_t reqip)
{
	size_t n = 240;

	memset(p, 0, 240);
	p[0] = 1, p[1] = 1, p[2] = 6;
	memcpy(p + 4, &client, 4);
	p[28] = 0x52, p[29] = 0x54, p[30] = (uint8_t)(client >> 24);
	p[31] = (uint8_t)(client >> 16), p[32] = (uint8_t)(client >> 8), p[33] = (uint8_t)client;
	p[236] = 99, p[237] = 130, p[238] = 83, p[239] = 99;
	p[n++] = 53, p[n++] = 1, p[n++] = type;
	if (type == 3) {
		p[n++] = 50, p[n++] = 4;
		memcpy(p + n, &reqip, 4);
		n += 4;
		p[n++] = 54, p[n++] = 4, p[n++] = 10, p[n++] = 0, p[n++] = 0, p[n++] = 1;
	}
	p[n++] = 55, p[n++] = 4, p[n++] = 1, p[n++] = 3, p[n++] = 6, p[n++] = 15;
	p[n++] = 255;
	return n;
}

static long rss_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	if (f)
		fclose(f);
	return kb;
}

static void run(uint32_t clients)
{
	struct dhcp_range range = { 0 };
	struct dhcp_config cfg = { 0 };
	struct dhcp_server *srv;
	uint8_t pkt[600], out[DHCP_REPLY_BUF];
	struct dhcp_rx rx = { .data = pkt };
	struct dhcp_tx tx;
	struct mallinfo2 m0, m1;
	uint64_t dora = 0, journal_bytes = 0;
	double t0, t;
	int64_t clock = 1700000000;
	unsigned round;
	uint32_t i;

	inet_pton(AF_INET, "10.0.0.2", &range.start);
	inet_pton(AF_INET, "10.0.255.254", &range.end);
	inet_pton(AF_INET, "10.0.0.1", &cfg.server_addr);
	cfg.prefix = 16;
	cfg.ranges = &range;
	cfg.n_ranges = 1;
	cfg.domain = "example.test";
	m0 = mallinfo2();
	if (dhcp_server_new(&cfg, &srv, NULL) < 0)
		exit(1);
	t0 = now_s();
	for (round = 0; round < 1000; round++) {
		for (i = 0; i < clients; i++) {
			uint32_t yi;
			const uint8_t *j;
			size_t jlen;

			rx.len = build(pkt, i + 1, 1, 0);
			if (dhcp_server_handle(srv, &rx, clock, out, sizeof(out), &tx) != DHCP_REPLY)
				exit(2);
			memcpy(&yi, out + 16, 4);
			rx.len = build(pkt, i + 1, 3, yi);
			if (dhcp_server_handle(srv, &rx, clock, out, sizeof(out), &tx) != DHCP_REPLY)
				exit(3);
			dora++;
			if ((i & 63) == 63 || i + 1 == clients) {
				dhcp_server_journal_pending(srv, &j, &jlen);
				journal_bytes += jlen;
				dhcp_server_commit(srv);
			}
		}
		if (round == 0) {
			m1 = mallinfo2();
			printf("%6u clients: first round (all new leases) %.0f DORA/s; heap %.0f bytes/lease "
			       "(server total %.2f MB); journal %.0f bytes/ACK\n",
			       clients, clients / (now_s() - t0),
			       (double)(m1.uordblks + m1.hblkhd - m0.uordblks - m0.hblkhd) / clients,
			       (double)(m1.uordblks + m1.hblkhd - m0.uordblks - m0.hblkhd) / 1e6,
			       (double)journal_bytes / clients);
		}
		t = now_s() - t0;
		if (t > 2.0)
			break;
	}
	t = now_s() - t0;
	printf("%6u clients: %.0f DORA/s over %llu exchanges (%.2f us CPU each), %zu leases, RSS %ld kB\n",
	       clients, dora / t, (unsigned long long)dora, t * 1e6 / dora,
	       dhcp_server_lease_count(srv), rss_kb());
	dhcp_server_free(srv);
}

int main(int argc, char **argv)
{
	int k;

	if (argc < 2) {
		run(200);
		run(60000);
		return 0;
	}
	for (k = 1; k < argc; k++)
		run((uint32_t)atoi(argv[k]));
	return 0;
}
