/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Micro-benchmark of the DNS core, in process, no I/O: what
 * dns_server_handle_query() costs per query, the daemon's sockets left
 * out. The queries are built before the clock starts, so only the core is
 * timed:
 *   local      guest<i>.example.com A, as dnsperf sends it (no EDNS), with
 *              N names in the table
 *   local+opt  the same with dig's OPT and cookie
 *   cache hit  one forwarded name asked again and again (answered from the
 *              cache of forwarded answers)
 *   forward    query -> FORWARD -> matching upstream reply -> ANSWER
 *
 * From the tree, after make (NAMES default 60000, ROUNDS 3000000; under
 * valgrind --tool=callgrind a few thousand rounds give exact instruction
 * counts, which a busy machine's timings do not):
 *   cc -O2 -std=gnu11 -D_GNU_SOURCE -I. tests/bench/dns_core_bench.c \
 *      build/lib/libdns.a build/lib/libwire.a -o /tmp/dns_core_bench
 *   /tmp/dns_core_bench [NAMES [ROUNDS]]
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dhcp/dns/dns-internal.h"

#define NOW 1700000000000LL
#define BATCH 64                /* distinct prepared queries cycled through */

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

/* A query for <label>.<suffix> A, with dig's OPT + cookie when opt. */
static size_t make_query(uint8_t *b, const char *label, const char *suffix, bool opt)
{
	static const uint8_t optrr[] = {
		0, 0, 0x29, 0x04, 0xd0, 0, 0, 0, 0, 0, 0x0c,
		0, 0x0a, 0, 0x08, 0x5b, 0x1e, 0x7c, 0x9a, 0x32, 0x0d, 0xe4, 0x11,
	};
	size_t n = 12, k = strlen(label);

	memcpy(b, "\x8a\x3f\x01\x20\0\1\0\0\0\0\0\0", 12);
	b[11] = opt ? 1 : 0;
	b[n++] = (uint8_t)k;
	memcpy(b + n, label, k);
	n += k;
	k = strlen(suffix);
	memcpy(b + n, suffix, k + 1);
	n += k + 1;
	memcpy(b + n, "\0\1\0\1", 4);
	n += 4;
	if (opt) {
		memcpy(b + n, optrr, sizeof(optrr));
		n += sizeof(optrr);
	}
	return n;
}

struct qset {
	uint8_t q[BATCH][512];
	size_t len[BATCH];
};

/* Time `rounds` queries from the set; every answer must be of kind `want`. */
static int run(struct dns_server *srv, const struct dns_client *cl, const struct qset *qs,
	       uint32_t rounds, enum dns_action_kind want, const char *what)
{
	static uint8_t out[4096];
	struct dns_action act;
	double t0, t;
	uint32_t i;

	t0 = cpu_s();
	for (i = 0; i < rounds; i++) {
		dns_server_handle_query(srv, qs->q[i % BATCH], qs->len[i % BATCH], cl, NOW, out,
					sizeof(out), &act);
		if (act.kind != want || act.len < 12)
			return fprintf(stderr, "%s: unexpected answer\n", what), 1;
	}
	t = cpu_s() - t0;
	printf("%-34s %9.0f queries/s  %6.0f ns CPU per query\n", what, rounds / t,
	       t / rounds * 1e9);
	return 0;
}

/* One forward round trip, the upstream's answer with a TTL so that it is kept. */
static int forward_once(struct dns_server *srv, const struct dns_client *cl, const uint8_t *q,
			size_t n, const struct dns_ip *up)
{
	static const uint8_t rr[] = { 0xc0, 12, 0, 1, 0, 1, 0, 0, 1, 0x2c, 0, 4, 203, 0, 113, 5 };
	static uint8_t out[4096], rep[600];
	struct dns_peer from = { .ip = *up, .port = 53 };
	struct dns_action act;

	dns_server_handle_query(srv, q, n, cl, NOW, out, sizeof(out), &act);
	if (act.kind != DNS_ACT_FORWARD || act.len + sizeof(rr) > sizeof(rep))
		return 2;
	dns_server_forward_sent(srv, act.token, 33333);
	memcpy(rep, out, act.len);
	rep[2] |= 0x80;
	rep[3] |= 0x80;
	rep[7] = 1;
	memcpy(rep + act.len, rr, sizeof(rr));
	dns_server_handle_upstream_reply(srv, rep, act.len + sizeof(rr), &from, 33333, NOW, out,
					 sizeof(out), &act);
	return act.kind == DNS_ACT_ANSWER ? 0 : 3;
}

static int forwards(struct dns_server *srv, const struct dns_client *cl, const struct dns_ip *up,
		    uint32_t rounds)
{
	static uint8_t q[512];
	char label[32];
	double t0, t;
	uint32_t i;

	t0 = cpu_s();
	for (i = 0; i < rounds; i++) {
		snprintf(label, sizeof(label), "a%u", i);
		if (forward_once(srv, cl, q, make_query(q, label, "\6kernel\3org", false), up))
			return fprintf(stderr, "forward: unexpected answer\n"), 1;
	}
	t = cpu_s() - t0;
	printf("%-34s %9.0f /s       %6.0f ns CPU each (incl. building the query)\n",
	       "forward round trip (query+reply)", rounds / t, t / rounds * 1e9);
	return 0;
}

static struct dns_server *server(uint32_t names, const struct dns_ip *up, uint32_t *seed)
{
	static struct dns_net net = { .prefix = 8 };
	struct dns_config c = { 0 };
	struct dns_server *srv;
	char name[32];
	uint32_t i;

	dns_ip_parse("10.0.0.1", &net.addr);
	c.domain = "example.com";
	c.nets = &net;
	c.n_nets = 1;
	c.upstreams = up;
	c.n_upstreams = 1;
	c.expected_names = names;
	c.hash_seed = 7;
	c.random = rnd;
	c.random_userdata = seed;
	if (dns_server_new(&c, &srv, NULL) < 0)
		return NULL;
	for (i = 0; i < names; i++) {
		struct dns_ip a = { .family = AF_INET,
				    .bytes = { 10, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i } };

		snprintf(name, sizeof(name), "guest%u", i);
		if (dns_lease_name_set(srv, &a, name, DNS_EXPIRES_NEVER) < 0)
			return NULL;
	}
	return srv;
}

int main(int argc, char **argv)
{
	uint32_t names = argc > 1 ? (uint32_t)atoi(argv[1]) : 60000, i, seed = 12345;
	const uint32_t rounds = argc > 2 ? (uint32_t)atoi(argv[2]) : 3000000;
	static struct qset local, local_opt, hit;
	struct dns_client cl = { .transport = DNS_UDP };
	struct dns_server *srv;
	struct mallinfo2 m0, m1;
	struct dns_ip up;
	char label[32];
	int rc = 0;

	dns_ip_parse("192.0.2.1", &up);
	m0 = mallinfo2();
	if (!names || !(srv = server(names, &up, &seed)))
		return 1;
	m1 = mallinfo2();
	dns_ip_parse("10.1.2.3", &cl.peer.ip);
	cl.peer.port = 40000;
	for (i = 0; i < BATCH; i++) {
		snprintf(label, sizeof(label), "guest%u", (i * 2654435761u) % names);
		local.len[i] = make_query(local.q[i], label, "\7example\3com", false);
		local_opt.len[i] = make_query(local_opt.q[i], label, "\7example\3com", true);
		hit.len[i] = make_query(hit.q[i], "www", "\6kernel\3org", false);
	}
	if (forward_once(srv, &cl, hit.q[0], hit.len[0], &up))
		return fprintf(stderr, "cannot prime the cache\n"), 1;
	rc |= run(srv, &cl, &local, rounds, DNS_ACT_ANSWER, "local A (no EDNS)");
	rc |= run(srv, &cl, &local_opt, rounds, DNS_ACT_ANSWER, "local A (EDNS + cookie)");
	rc |= run(srv, &cl, &hit, rounds, DNS_ACT_ANSWER, "forwarded name, cache hit");
	rc |= forwards(srv, &cl, &up, rounds / 10 + 1);
	printf("server heap (table + pending + cache): %.1f MB for %u names\n",
	       ((double)(m1.uordblks + m1.hblkhd) - (double)(m0.uordblks + m0.hblkhd)) / 1e6,
	       names);
	dns_server_free(srv);
	return rc;
}
