/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Micro-benchmark of the DNS core, in process, no I/O: local answers (A for
 * a DHCP name, qualified, with dig's EDNS cookie query) and full forward
 * round trips (query -> FORWARD -> matching upstream reply -> ANSWER), with
 * N names in the table. Prints queries/s and CPU ns per query; the
 * daemon's socket costs come on top.
 *
 *   cc -O2 -std=gnu11 -D_GNU_SOURCE -I. tests/bench/dns_core_bench.c \
 *      dhcp/dns*.c dhcp/reader.c dhcp/builder.c dhcp/hashtable.c \
 *      -o /tmp/dns_core_bench && /tmp/dns_core_bench 60000
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhcp/dns/dns-internal.h"

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint32_t rnd(void *ud)
{
	uint32_t *x = ud;

	*x ^= *x << 13;
	*x ^= *x >> 17;
	*x ^= *x << 5;
	return *x;
}

/* Query for guest<i>.example.com A with dig's OPT + cookie. */
static size_t make_query(uint8_t *b, uint32_t i, const char *suffix)
{
	static const uint8_t opt[] = {
		0, 0, 0x29, 0x04, 0xd0, 0, 0, 0, 0, 0, 0x0c,
		0, 0x0a, 0, 0x08, 0x5b, 0x1e, 0x7c, 0x9a, 0x32, 0x0d, 0xe4, 0x11,
	};
	char label[32];
	size_t n = 12;
	int k = snprintf(label, sizeof(label), "guest%u", i);

	memcpy(b, "\x8a\x3f\x01\x20\0\1\0\0\0\0\0\1", 12);
	b[n++] = (uint8_t)k;
	memcpy(b + n, label, (size_t)k);
	n += (size_t)k;
	k = (int)strlen(suffix);
	memcpy(b + n, suffix, (size_t)k + 1);
	n += (size_t)k + 1;
	memcpy(b + n, "\0\1\0\1", 4);
	n += 4;
	memcpy(b + n, opt, sizeof(opt));
	return n + sizeof(opt);
}

int main(int argc, char **argv)
{
	uint32_t names = argc > 1 ? (uint32_t)atoi(argv[1]) : 60000, i, seed = 12345;
	const uint32_t rounds = 2000000, fwd_rounds = 500000;
	static uint8_t q[512], out[4096], rep[600];
	struct dns_config c = { 0 };
	struct dns_client cl = { .transport = DNS_UDP };
	struct dns_net net = { .prefix = 8 };
	struct dns_ip up;
	struct dns_action act;
	struct dns_server *srv;
	struct mallinfo2 m0, m1;
	double t0, t;
	size_t n;
	char name[32];
	uint64_t sink = 0;

	dns_ip_parse("10.0.0.1", &net.addr);
	dns_ip_parse("192.0.2.1", &up);
	c.domain = "example.com";
	c.nets = &net;
	c.n_nets = 1;
	c.upstreams = &up;
	c.n_upstreams = 1;
	c.expected_names = names;
	c.hash_seed = 7;
	c.random = rnd;
	c.random_userdata = &seed;
	m0 = mallinfo2();
	if (dns_server_new(&c, &srv, NULL) < 0)
		return 1;
	for (i = 0; i < names; i++) {
		struct dns_ip a = { .family = AF_INET,
				    .bytes = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };

		snprintf(name, sizeof(name), "guest%u", i);
		if (dns_lease_name_set(srv, &a, name, DNS_EXPIRES_NEVER) < 0)
			return 1;
	}
	m1 = mallinfo2();
	dns_ip_parse("10.1.2.3", &cl.peer.ip);
	cl.peer.port = 40000;

	t0 = cpu_s();
	for (i = 0; i < rounds; i++) {
		n = make_query(q, (i * 2654435761u) % names, "\7example\3com");
		dns_server_handle_query(srv, q, n, &cl, 1700000000000LL, out, sizeof(out), &act);
		sink += act.len;
	}
	t = cpu_s() - t0;
	printf("local A answers, %u names: %.0f queries/s, %.0f ns CPU per query "
	       "(incl. building the query)\n", names, rounds / t, t / rounds * 1e9);

	t0 = cpu_s();
	for (i = 0; i < fwd_rounds; i++) {
		struct dns_peer from = { .ip = up, .port = 53 };

		n = make_query(q, i, "\6kernel\3org");
		dns_server_handle_query(srv, q, n, &cl, 1700000000000LL, out, sizeof(out), &act);
		if (act.kind != DNS_ACT_FORWARD)
			return 2;
		dns_server_forward_sent(srv, act.token, 33333);
		memcpy(rep, out, act.len);
		rep[2] |= 0x80;
		dns_server_handle_upstream_reply(srv, rep, act.len, &from, 33333, 1700000000000LL,
						 out, sizeof(out), &act);
		if (act.kind != DNS_ACT_ANSWER)
			return 3;
		sink += act.len;
	}
	t = cpu_s() - t0;
	printf("forward round trips (query + matched reply): %.0f /s, %.0f ns CPU each\n",
	       fwd_rounds / t, t / fwd_rounds * 1e9);
	{
		double used = (double)(m1.uordblks + m1.hblkhd) - (double)(m0.uordblks + m0.hblkhd);

		printf("server heap (table + pending): %.1f MB for %u names (%.0f bytes/name)\n",
		       used / 1e6, names, used / names);
	}
	dns_server_free(srv);
	return sink == 0;
}
