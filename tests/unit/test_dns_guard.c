/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for what keeps DNS forwarding fair and finite: the per-client
 * cap on pending forwards, the loop guard (our own query coming back),
 * replacing the host's upstreams while queries are under way, and IPv6
 * upstreams handed to the daemon as IPv6.
 */
#include "tests/unit/dns_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct gx {
	struct dns_server *srv;
	struct fx_rng rng;
	struct dns_net net;
	struct dns_ip ups[2];
	struct dns_forwarder fwd[1];
	struct dns_config c;
	uint8_t out[DNS_MSG_MAX];
	struct dns_action act;
};

/* 192.168.122.1/24, upstreams 192.0.2.1 and 2001:db8::53, 1 s timeout. */
static void config(struct gx *g)
{
	memset(&g->c, 0, sizeof(g->c));
	g->net.addr = fx_ip("192.168.122.1");
	g->net.prefix = 24;
	g->ups[0] = fx_ip("192.0.2.1");
	g->ups[1] = fx_ip("2001:db8::53");
	g->c.nets = &g->net;
	g->c.n_nets = 1;
	g->c.upstreams = g->ups;
	g->c.n_upstreams = 2;
	g->c.timeout_ms = 1000;
	g->c.hash_seed = 7;
	g->rng.x = 2463534242u;
	g->c.random = fx_random;
	g->c.random_userdata = &g->rng;
}

static void start(struct gx *g)
{
	struct wire_error err;

	dns_server_free(g->srv);
	g->srv = NULL;
	assert_int_equal(dns_server_new(&g->c, &g->srv, &err), 0);
}

static int setup(void **state)
{
	struct gx *g = calloc(1, sizeof(*g));

	config(g);
	start(g);
	*state = g;
	return 0;
}

static int teardown(void **state)
{
	struct gx *g = *state;

	dns_server_free(g->srv);
	free(g);
	return 0;
}

static void ask(struct gx *g, const char *client, const char *name, int64_t now)
{
	struct dns_client c = fx_client(client, DNS_UDP);
	uint8_t q[300];
	size_t n = fx_query(q, 0x4242, name, DNS_T_A);

	assert_int_equal(dns_server_handle_query(g->srv, q, n, &c, now, g->out, 4096, &g->act),
			 0);
}

/* ---- the per-client cap ---- */

static void test_client_cap_default(void **state)
{
	struct gx *g = *state;
	struct dns_stats st;
	char name[64];
	int i;

	/*
	 * 150 slots: alone, a client may fill three quarters of them (113, more
	 * than dnsperf's 100 in flight); once the table is that crowded it holds
	 * no more than max(4, 150 / 8) = 18. A query over the cap is dropped
	 * (the stub retries later), not answered.
	 */
	for (i = 0; i < 113; i++) {
		snprintf(name, sizeof(name), "r%d.flood.test", i);
		ask(g, "192.168.122.66", name, FX_NOW);
		assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	}
	ask(g, "192.168.122.66", "one-more.flood.test", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_DROP);
	/* Other guests still forward, up to their own share each. */
	for (i = 0; i < 18; i++) {
		snprintf(name, sizeof(name), "w%d.example.org", i);
		ask(g, "192.168.122.77", name, FX_NOW);
		assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	}
	ask(g, "192.168.122.77", "w-more.example.org", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_DROP);
	ask(g, "192.168.122.78", "www.example.org", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	dns_server_stats(g->srv, &st);
	assert_int_equal(st.pending_client_full, 2);
	assert_int_equal(st.pending_full, 0);
	assert_int_equal(st.servfail, 0);
	assert_int_equal(st.pending, 113 + 18 + 1);
}

static void test_client_cap_frees_on_answer_and_timeout(void **state)
{
	struct gx *g = *state;
	uint8_t rep[512];
	struct dns_stats st;
	int64_t next;
	size_t n;

	g->c.max_pending_per_client = 2;
	g->c.max_pending = 4;           /* crowded from 3 pending on */
	start(g);
	ask(g, "192.168.122.99", "other.test", FX_NOW);
	ask(g, "192.168.122.66", "a.test", FX_NOW);
	n = g->act.len;
	memcpy(rep, g->out, n);
	dns_server_forward_sent(g->srv, g->act.token, 1000);
	ask(g, "192.168.122.66", "b.test", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	dns_server_forward_sent(g->srv, g->act.token, 1001);
	ask(g, "192.168.122.66", "c.test", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_DROP);
	/* ... and over TCP: SERVFAIL, the connection must not wait for nothing */
	{
		struct dns_client tc = fx_client("192.168.122.66", DNS_TCP);
		uint8_t q[64];
		size_t qn = fx_query(q, 7, "c.test", DNS_T_A);

		assert_int_equal(dns_server_handle_query(g->srv, q, qn, &tc, FX_NOW, g->out,
							 DNS_MSG_MAX, &g->act), 0);
		assert_int_equal(fx_rcode(&g->act, g->out), DNS_R_SERVFAIL);
	}
	/* a.test answered: a place is free again. */
	rep[2] |= 0x80;
	dns_server_handle_upstream_reply(g->srv, rep, n, &(struct dns_peer){ g->ups[0], 53 }, 1000,
					 FX_NOW, g->out, 4096, &g->act);
	assert_int_equal(g->act.kind, DNS_ACT_ANSWER);
	ask(g, "192.168.122.66", "c.test", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	/* Everything times out on both upstreams: the client's count goes back to 0. */
	while (dns_server_tick(g->srv, FX_NOW + 5000, g->out, 4096, &g->act, &next) > 0)
		;
	while (dns_server_tick(g->srv, FX_NOW + 10000, g->out, 4096, &g->act, &next) > 0)
		;
	dns_server_stats(g->srv, &st);
	assert_int_equal(st.pending, 0);
	ask(g, "192.168.122.66", "d.test", FX_NOW + 10000);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	ask(g, "192.168.122.66", "e.test", FX_NOW + 10000);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
}

/* Many clients come and go: the index keeps up, entries are recycled. */
static void test_client_cap_many_clients(void **state)
{
	struct gx *g = *state;
	char addr[32], name[32];
	int64_t next, now = FX_NOW;
	int round, i;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < 150; i++) {
			snprintf(addr, sizeof(addr), "192.168.122.%d", 2 + (round * 7 + i) % 250);
			snprintf(name, sizeof(name), "n%d-%d.test", round, i);
			ask(g, addr, name, now);
			assert_true(g->act.kind == DNS_ACT_FORWARD || g->act.kind == DNS_ACT_DROP);
		}
		for (i = 0; i < 2; i++) {       /* each query times out on both upstreams */
			now += 10000;
			while (dns_server_tick(g->srv, now, g->out, 4096, &g->act, &next) > 0)
				;
		}
	}
	ask(g, "192.168.122.9", "last.test", now);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
}

/* ---- the loop guard ---- */

/* The forwarded query in g->out comes back to our listener from `from`. */
static void comes_back(struct gx *g, const char *from, size_t len, int64_t now)
{
	uint8_t q[600];
	struct dns_client c = fx_client(from, DNS_UDP);

	memcpy(q, g->out, len);
	assert_int_equal(dns_server_handle_query(g->srv, q, len, &c, now, g->out, 4096, &g->act),
			 0);
}

static void test_loop_fails_over_and_marks(void **state)
{
	struct gx *g = *state;
	struct dns_stats st;
	struct dns_peer first;

	/* The first upstream is a relay guest that sends everything back to us. */
	g->ups[0] = fx_ip("192.168.122.11");
	start(g);
	ask(g, "192.168.122.50", "www.example.org", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	first = g->act.peer;
	dns_server_forward_sent(g->srv, g->act.token, 3000);
	comes_back(g, "192.168.122.11", g->act.len, FX_NOW + 5);
	/* Not answered to the relay: the pending query went on to the next upstream. */
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&g->act.peer.ip, &g->ups[1]));
	assert_int_equal(g->act.done_port, 3000);
	dns_server_stats(g->srv, &st);
	assert_int_equal(st.loops, 1);
	assert_true(dns_ip_eq(&st.last_loop.ip, &first.ip));
	assert_int_equal(st.forwarded, 1);
	/* For the next minute, new queries skip the looping upstream. */
	ask(g, "192.168.122.50", "two.example.org", FX_NOW + 1000);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&g->act.peer.ip, &g->ups[1]));
	/* After it, it is tried again. */
	ask(g, "192.168.122.50", "three.example.org", FX_NOW + 5 + DNS_LOOP_SKIP_MS);
	assert_true(dns_ip_eq(&g->act.peer.ip, &g->ups[0]));
}

static void test_loop_only_upstream_servfail(void **state)
{
	struct gx *g = *state;
	struct dns_stats st;

	g->ups[0] = fx_ip("127.0.0.1");         /* a local stub that loops */
	g->c.n_upstreams = 1;
	start(g);
	ask(g, "192.168.122.50", "www.example.org", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	dns_server_forward_sent(g->srv, g->act.token, 3001);
	/* The stub asks our bridge address: the query comes from our own address. */
	comes_back(g, "192.168.122.1", g->act.len, FX_NOW + 1);
	assert_int_equal(fx_rcode(&g->act, g->out), DNS_R_SERVFAIL);
	assert_int_equal(g->act.peer.port, 40000);
	assert_true(dns_ip_eq(&g->act.peer.ip, &(struct dns_ip){ AF_INET, { 192, 168, 122, 50 } }));
	assert_int_equal(g->act.done_port, 3001);
	assert_int_equal(g->out[0], 0x42);     /* the client's ID */
	/* While marked: SERVFAIL at once, nothing forwarded, no spinning. */
	ask(g, "192.168.122.50", "again.example.org", FX_NOW + 2);
	assert_int_equal(fx_rcode(&g->act, g->out), DNS_R_SERVFAIL);
	dns_server_stats(g->srv, &st);
	assert_int_equal(st.forwarded, 1);
	assert_int_equal(st.loops, 1);
	assert_int_equal(st.pending, 0);
}

static void test_loop_needs_id_question_and_source(void **state)
{
	struct gx *g = *state;
	uint8_t fq[600];
	size_t len;
	struct dns_stats st;

	ask(g, "192.168.122.50", "www.example.org", FX_NOW);
	len = g->act.len;
	memcpy(fq, g->out, len);
	/* A guest sending the same bytes is a guest asking: forwarded, no loop. */
	comes_back(g, "192.168.122.51", len, FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	/* From the upstream's address but another question: a query like any other. */
	memcpy(g->out, fq, len);
	g->out[13] = 'x';
	comes_back(g, "192.168.122.1", len, FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	/* Another ID: no pending forward has it (or not that question). */
	memcpy(g->out, fq, len);
	g->out[1] ^= 0x55;
	comes_back(g, "192.168.122.1", len, FX_NOW);
	dns_server_stats(g->srv, &st);
	assert_int_equal(st.loops, 0);
	/* The real thing from the host (a stub asking us). */
	memcpy(g->out, fq, len);
	comes_back(g, "192.168.122.1", len, FX_NOW);
	dns_server_stats(g->srv, &st);
	assert_int_equal(st.loops, 1);
}

/* ---- upstreams replaced while queries are under way ---- */

static void test_set_upstreams(void **state)
{
	struct gx *g = *state;
	struct dns_ip fresh[1] = { fx_ip("198.51.100.7") }, self = fx_ip("192.168.122.1");
	struct dns_peer old_up;
	uint8_t rep[512];
	size_t n;
	int64_t next;

	ask(g, "192.168.122.50", "www.example.org", FX_NOW);
	old_up = g->act.peer;
	n = g->act.len;
	memcpy(rep, g->out, n);
	rep[2] |= 0x80;
	dns_server_forward_sent(g->srv, g->act.token, 4000);
	assert_int_equal(dns_server_set_upstreams(g->srv, fresh, 1, NULL), 0);
	/* The query under way still takes its answer from where it went. */
	dns_server_handle_upstream_reply(g->srv, rep, n, &old_up, 4000, FX_NOW, g->out, 4096,
					 &g->act);
	assert_int_equal(g->act.kind, DNS_ACT_ANSWER);
	/* New queries go to the new upstream. */
	ask(g, "192.168.122.50", "two.example.org", FX_NOW);
	assert_true(dns_ip_eq(&g->act.peer.ip, &fresh[0]));
	/* A pending query whose list changed starts over at the new list's top. */
	assert_int_equal(dns_server_set_upstreams(g->srv, g->ups, 2, NULL), 0);
	assert_int_equal(dns_server_tick(g->srv, FX_NOW + 1000, g->out, 4096, &g->act, &next), 1);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&g->act.peer.ip, &g->ups[0]));
	/* Our own address and an empty list: nothing to forward to, REFUSED. */
	assert_int_equal(dns_server_set_upstreams(g->srv, &self, 1, NULL), 0);
	ask(g, "192.168.122.50", "three.example.org", FX_NOW);
	assert_int_equal(fx_rcode(&g->act, g->out), DNS_R_REFUSED);
	assert_int_equal(dns_server_set_upstreams(g->srv, NULL, 0, NULL), 0);
	ask(g, "192.168.122.50", "four.example.org", FX_NOW);
	assert_int_equal(fx_rcode(&g->act, g->out), DNS_R_REFUSED);
	assert_int_equal(dns_server_set_upstreams(g->srv, NULL, 1, NULL), -EINVAL);
	/* The old pending query ran out of upstreams without touching freed lists. */
	while (dns_server_tick(g->srv, FX_NOW + 60000, g->out, 4096, &g->act, &next) > 0)
		;
}

static void test_forwarders_keep_precedence(void **state)
{
	struct gx *g = *state;
	struct dns_ip fresh = fx_ip("198.51.100.7");

	g->fwd[0].has_addr = true;
	g->fwd[0].addr = fx_ip("10.0.0.53");
	g->c.forwarders = g->fwd;
	g->c.n_forwarders = 1;
	start(g);
	assert_int_equal(dns_server_set_upstreams(g->srv, &fresh, 1, NULL), 0);
	ask(g, "192.168.122.50", "www.example.org", FX_NOW);
	assert_true(dns_ip_eq(&g->act.peer.ip, &g->fwd[0].addr));
	/* A domain without an address follows the default list: now the new one. */
	g->fwd[0].has_addr = false;
	g->fwd[0].domain = "corp.test";
	start(g);
	assert_int_equal(dns_server_set_upstreams(g->srv, &fresh, 1, NULL), 0);
	ask(g, "192.168.122.50", "x.corp.test", FX_NOW);
	assert_true(dns_ip_eq(&g->act.peer.ip, &fresh));
}

/* ---- IPv6 ---- */

static void test_ipv6_upstream_whole_address(void **state)
{
	struct gx *g = *state;
	struct dns_ip v6 = fx_ip("2620:fe::fe");
	uint8_t rep[512];
	size_t n;

	g->ups[0] = v6;
	g->c.n_upstreams = 1;
	start(g);
	ask(g, "192.168.122.50", "www.example.org", FX_NOW);
	assert_int_equal(g->act.kind, DNS_ACT_FORWARD);
	assert_int_equal(g->act.peer.ip.family, AF_INET6);
	assert_memory_equal(g->act.peer.ip.bytes, v6.bytes, 16);
	n = g->act.len;
	memcpy(rep, g->out, n);
	rep[2] |= 0x80;
	dns_server_forward_sent(g->srv, g->act.token, 5000);
	/* 38.32.0.254 (the first 4 bytes) is not the upstream. */
	dns_server_handle_upstream_reply(g->srv, rep, n,
					 &(struct dns_peer){ fx_ip("38.32.0.254"), 53 }, 5000,
					 FX_NOW, g->out, 4096, &g->act);
	assert_int_equal(g->act.kind, DNS_ACT_DROP);
	dns_server_handle_upstream_reply(g->srv, rep, n, &(struct dns_peer){ v6, 53 }, 5000,
					 FX_NOW, g->out, 4096, &g->act);
	assert_int_equal(g->act.kind, DNS_ACT_ANSWER);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_client_cap_default),
		T(test_client_cap_frees_on_answer_and_timeout),
		T(test_client_cap_many_clients),
		T(test_loop_fails_over_and_marks),
		T(test_loop_only_upstream_servfail),
		T(test_loop_needs_id_question_and_source),
		T(test_set_upstreams),
		T(test_forwarders_keep_precedence),
		T(test_ipv6_upstream_whole_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
