/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the cache of forwarded answers: a hit ages its TTLs and
 * carries the asker's ID and question case; entries end at their smallest
 * TTL; NXDOMAIN/NODATA are kept for the SOA's MINIMUM (RFC 2308) and not
 * at all without an SOA; SERVFAIL, TC and TTL 0 are never kept; the bounds
 * in entries and bytes push out the least recently used; a change of
 * upstreams or of the definition empties it. Through the server core, as
 * the daemon drives it, and on the cache's own calls with literal packets.
 */
#include "tests/unit/dns_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * An upstream's answer to "www.Kernel.org A" asked with EDNS: a CNAME for 300 s pointing at git.kernel.org, its
 * A for 60 s, then OPT. ID 0x8a3f.
 */
static const uint8_t kernel_answer[] = {
	0x8a, 0x3f, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	3, 'w', 'w', 'w', 6, 'K', 'e', 'r', 'n', 'e', 'l', 3, 'o', 'r', 'g', 0,
	0x00, 0x01, 0x00, 0x01,
	/* @32 www.kernel.org CNAME git.kernel.org, TTL 300 */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c, 0x00, 0x06,
	3, 'g', 'i', 't', 0xc0, 0x10,
	/* @50 git.kernel.org A 139.178.88.99, TTL 60 */
	0xc0, 0x2c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c, 0x00, 0x04,
	139, 178, 88, 99,
	/* @66 OPT 1232 */
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
#define KERNEL_CNAME_TTL 38     /* offsets of the two TTL fields */
#define KERNEL_A_TTL 56

/* The SOA an upstream sends with a negative answer: TTL 3600, MINIMUM 300. */
static const uint8_t soa_rr[] = {
	0xc0, 0x0c, 0x00, 0x06, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x27,
	3, 'n', 's', '1', 0xc0, 0x0c,
	10, 'h', 'o', 's', 't', 'm', 'a', 's', 't', 'e', 'r', 0xc0, 0x0c,
	0x78, 0x00, 0x00, 0x01, 0x00, 0x00, 0x1c, 0x20, 0x00, 0x00, 0x0e, 0x10,
	0x00, 0x12, 0x75, 0x00, 0x00, 0x00, 0x01, 0x2c,
};

/* An A record for the question's name (a pointer to offset 12). */
static const uint8_t a_rr[] = {
	0xc0, 0x0c, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x78, 0x00, 0x04, 203, 0, 113, 5,
};

struct cx {
	struct dns_server *srv;
	struct fx_rng rng;
	struct dns_net net;
	struct dns_ip ups[2];
	struct dns_config c;
	struct dns_client client;
	uint8_t out[DNS_MSG_MAX];
	uint8_t fq[DNS_MSG_MAX];        /* the last forwarded query */
	size_t fqlen;
	struct dns_action act;
	uint16_t port;
};

static void start(struct cx *x)
{
	dns_server_free(x->srv);
	x->srv = NULL;
	assert_int_equal(dns_server_new(&x->c, &x->srv, NULL), 0);
}

static int setup(void **state)
{
	struct cx *x = calloc(1, sizeof(*x));

	x->net.addr = fx_ip("192.168.122.1");
	x->net.prefix = 24;
	x->ups[0] = fx_ip("192.0.2.1");
	x->ups[1] = fx_ip("192.0.2.2");
	x->c.nets = &x->net;
	x->c.n_nets = 1;
	x->c.upstreams = x->ups;
	x->c.n_upstreams = 1;
	x->c.hash_seed = 11;
	x->rng.x = 2463534242u;
	x->c.random = fx_random;
	x->c.random_userdata = &x->rng;
	x->client = fx_client("192.168.122.50", DNS_UDP);
	x->port = 30000;
	start(x);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct cx *x = *state;

	dns_server_free(x->srv);
	free(x);
	return 0;
}

static void ask_raw(struct cx *x, const uint8_t *q, size_t n, int64_t now)
{
	assert_int_equal(dns_server_handle_query(x->srv, q, n, &x->client, now, x->out, 4096,
						 &x->act), 0);
	if (x->act.kind == DNS_ACT_FORWARD) {
		memcpy(x->fq, x->out, x->act.len);
		x->fqlen = x->act.len;
		dns_server_forward_sent(x->srv, x->act.token, ++x->port);
	}
}

static void ask(struct cx *x, uint16_t id, const char *name, uint16_t type, int64_t now)
{
	uint8_t q[300];

	ask_raw(x, q, fx_query(q, id, name, type), now);
}

/*
 * The upstream answers the last forwarded query: its header and question,
 * flags byte 3 = `b3` (RA + rcode), then the records given.
 */
static void upstream_ar(struct cx *x, uint8_t b3, uint16_t an, uint16_t ns, uint16_t ar,
			const uint8_t *rrs, size_t rrlen, int64_t now)
{
	uint8_t r[1500];
	struct dns_msg m;

	assert_int_equal(dns_msg_parse(x->fq, x->fqlen, false, &m), 0);
	memcpy(r, x->fq, m.question_end);
	r[2] |= 0x80;
	r[3] = b3;
	r[6] = (uint8_t)(an >> 8);
	r[7] = (uint8_t)an;
	r[8] = (uint8_t)(ns >> 8);
	r[9] = (uint8_t)ns;
	r[10] = (uint8_t)(ar >> 8);
	r[11] = (uint8_t)ar;
	memcpy(r + m.question_end, rrs, rrlen);
	assert_int_equal(dns_server_handle_upstream_reply(x->srv, r, m.question_end + rrlen,
							  &(struct dns_peer){ x->ups[0], 53 },
							  x->port, now, x->out, 4096, &x->act), 0);
}

static void upstream(struct cx *x, uint8_t b3, uint16_t an, uint16_t ns, const uint8_t *rrs,
		     size_t rrlen, int64_t now)
{
	upstream_ar(x, b3, an, ns, 0, rrs, rrlen, now);
}

static uint32_t ttl_at(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 | (uint32_t)p[off + 2] << 8 |
	       p[off + 3];
}

static struct dns_stats stats(struct cx *x)
{
	struct dns_stats st;

	dns_server_stats(x->srv, &st);
	return st;
}

/* ---- through the server ---- */

static void test_hit_ages_ttl_restores_id_and_case(void **state)
{
	struct cx *x = *state;
	uint8_t first[600];
	size_t n;

	ask(x, 0x1111, "www.example.org", DNS_T_A, FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	n = x->act.len;
	memcpy(first, x->out, n);
	assert_int_equal(ttl_at(first, n - 10), 120);
	/* 10.9 s later, another ID and case: from the cache, 10 whole seconds older */
	ask(x, 0x2222, "WWW.Example.ORG", DNS_T_A, FX_NOW + 10900);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(x->act.len, n);
	assert_int_equal(x->out[0] << 8 | x->out[1], 0x2222);
	assert_memory_equal(x->out + 12, "\3WWW\7Example\3ORG", 17);
	assert_memory_equal(x->out + 2, first + 2, 10);
	assert_memory_equal(x->out + 29, first + 29, n - 29 - 10);
	assert_int_equal(ttl_at(x->out, n - 10), 110);
	assert_memory_equal(x->out + n - 4, "\xcb\x00\x71\x05", 4);
	assert_int_equal(stats(x).cache_hits, 1);
	assert_int_equal(stats(x).forwarded, 1);
	assert_int_equal(stats(x).cache_entries, 1);
	/* another type, or the DO bit: other answers, not this one */
	ask(x, 0x3333, "www.example.org", DNS_T_AAAA, FX_NOW + 11000);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
}

static void test_expires_at_smallest_ttl(void **state)
{
	struct cx *x = *state;
	uint8_t rrs[64];

	memcpy(rrs, a_rr, sizeof(a_rr));
	memcpy(rrs + sizeof(a_rr), a_rr, sizeof(a_rr));
	rrs[sizeof(a_rr) + 9] = 30;             /* the second record: TTL 30 */
	rrs[sizeof(a_rr) + 15] = 6;
	ask(x, 1, "two.example.org", DNS_T_A, FX_NOW);
	upstream(x, 0x80, 2, 0, rrs, 2 * sizeof(a_rr), FX_NOW);
	ask(x, 2, "two.example.org", DNS_T_A, FX_NOW + 29999);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(ttl_at(x->out, x->act.len - 10), 1);
	assert_int_equal(ttl_at(x->out, x->act.len - 26), 120 - 29);
	ask(x, 3, "two.example.org", DNS_T_A, FX_NOW + 30000);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	assert_int_equal(stats(x).cache_entries, 0);
	assert_int_equal(stats(x).cache_hits, 1);
	assert_int_equal(stats(x).cache_misses, 2);
}

static void test_nxdomain_for_soa_minimum(void **state)
{
	struct cx *x = *state;
	struct dns_msg m;

	ask(x, 1, "nope.example.org", DNS_T_A, FX_NOW);
	upstream(x, 0x83, 0, 1, soa_rr, sizeof(soa_rr), FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NXDOMAIN);
	ask(x, 2, "nope.example.org", DNS_T_A, FX_NOW + 100000);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NXDOMAIN);
	assert_int_equal(dns_msg_parse(x->out, x->act.len, true, &m), 0);
	assert_int_equal(m.nscount, 1);
	/* RFC 2308 §3: the SOA's TTL is min(3600, MINIMUM 300), less the 100 s kept */
	assert_int_equal(ttl_at(x->out, m.question_end + 6), 200);
	ask(x, 3, "nope.example.org", DNS_T_A, FX_NOW + 300000);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	/* NODATA with its SOA: kept the same way */
	upstream(x, 0x80, 0, 1, soa_rr, sizeof(soa_rr), FX_NOW + 300000);
	ask(x, 4, "nope.example.org", DNS_T_A, FX_NOW + 599999);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_int_equal(x->act.len, m.question_end + sizeof(soa_rr));
}

static void test_not_kept(void **state)
{
	struct cx *x = *state;
	uint8_t rr0[sizeof(a_rr)];
	static const struct {
		uint8_t b3;
		uint16_t an, ns;
		bool ttl0;
	} cases[] = {
		{ 0x83, 0, 0, false },          /* NXDOMAIN without an SOA */
		{ 0x80, 0, 0, false },          /* NODATA without an SOA */
		{ 0x82, 0, 1, false },          /* SERVFAIL (the only upstream) */
		{ 0x85, 0, 1, false },          /* REFUSED */
		{ 0x80, 1, 0, true },           /* a TTL of 0 */
	};
	size_t i;

	memcpy(rr0, a_rr, sizeof(a_rr));
	rr0[9] = 0;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ask(x, 1, "no.example.org", DNS_T_A, FX_NOW);
		assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
		if (cases[i].ttl0)
			upstream(x, cases[i].b3, 1, 0, rr0, sizeof(rr0), FX_NOW);
		else
			upstream(x, cases[i].b3, 0, cases[i].ns, soa_rr,
				 cases[i].ns ? sizeof(soa_rr) : 0, FX_NOW);
		assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	}
	/* TC: the client retries over TCP; a part of an answer is never kept */
	ask(x, 1, "no.example.org", DNS_T_A, FX_NOW);
	x->fq[2] |= DNS_TC >> 8;
	upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(stats(x).cache_entries, 0);
	ask(x, 1, "no.example.org", DNS_T_A, FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
}

static void test_edns_asker_gets_own_opt(void **state)
{
	struct cx *x = *state;
	uint8_t q[300], rrs[64];
	size_t n = fx_query(q, 7, "e.example.org", DNS_T_A);
	struct dns_msg m;

	/* the upstream's answer carries its OPT (and a cookie): not kept with it */
	memcpy(rrs, a_rr, sizeof(a_rr));
	memcpy(rrs + sizeof(a_rr), "\0\0\x29\x10\0\0\0\0\0\0\x14\0\x0a\0\x10"
	       "abcdefgh12345678", 31);
	ask_raw(x, q, n, FX_NOW);
	upstream_ar(x, 0x80, 1, 0, 1, rrs, sizeof(a_rr) + 31, FX_NOW);
	assert_int_equal(stats(x).cache_entries, 1);
	/* no EDNS asked: no OPT in the answer */
	ask(x, 8, "e.example.org", DNS_T_A, FX_NOW + 1000);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(dns_msg_parse(x->out, x->act.len, true, &m), 0);
	assert_false(m.has_opt);
	assert_int_equal(m.arcount, 0);
	/* EDNS asked: our OPT, 1232, no cookie */
	q[11] = 1;
	memcpy(q + n, "\0\0\x29\x02\0\0\0\0\0\0\0", 11);
	ask_raw(x, q, n + 11, FX_NOW + 2000);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(dns_msg_parse(x->out, x->act.len, true, &m), 0);
	assert_true(m.has_opt);
	assert_false(m.has_cookie);
	assert_int_equal(m.udp_size, DNS_EDNS_SIZE);
	assert_int_equal(x->act.len, n + sizeof(a_rr) + 11);
}

static void test_eviction_at_bound(void **state)
{
	struct cx *x = *state;
	char name[32];
	int i;

	x->c.cache_entries = 3;
	start(x);
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "n%d.example.org", i);
		ask(x, 1, name, DNS_T_A, FX_NOW);
		upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW);
	}
	ask(x, 2, "n0.example.org", DNS_T_A, FX_NOW + 1);       /* n0 used again: n1 is oldest */
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	ask(x, 1, "n3.example.org", DNS_T_A, FX_NOW + 2);
	upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW + 2);
	assert_int_equal(stats(x).cache_entries, 3);
	assert_int_equal(stats(x).cache_evictions, 1);
	ask(x, 3, "n1.example.org", DNS_T_A, FX_NOW + 3);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	ask(x, 4, "n0.example.org", DNS_T_A, FX_NOW + 3);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	/* the bound in bytes: room for two of these answers only */
	x->c.cache_entries = 0;
	x->c.cache_bytes = 2 * (29 + sizeof(a_rr) + 2) + 10;
	start(x);
	for (i = 0; i < 4; i++) {
		snprintf(name, sizeof(name), "m%d.example.org", i);
		ask(x, 1, name, DNS_T_A, FX_NOW);
		upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW);
	}
	assert_int_equal(stats(x).cache_entries, 2);
	assert_int_equal(stats(x).cache_evictions, 2);
	assert_true(stats(x).cache_bytes <= x->c.cache_bytes);
}

static void test_flush_on_upstream_change(void **state)
{
	struct cx *x = *state;

	ask(x, 1, "f.example.org", DNS_T_A, FX_NOW);
	upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW);
	/* the same list again (resolv.conf rewritten unchanged): kept */
	assert_int_equal(dns_server_set_upstreams(x->srv, x->ups, 1, NULL), 0);
	ask(x, 2, "f.example.org", DNS_T_A, FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	/* another upstream: its answers may differ, ask it */
	assert_int_equal(dns_server_set_upstreams(x->srv, x->ups + 1, 1, NULL), 0);
	assert_int_equal(stats(x).cache_entries, 0);
	ask(x, 3, "f.example.org", DNS_T_A, FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
}

static void test_flush_on_reconfigure_and_off(void **state)
{
	struct cx *x = *state;

	ask(x, 1, "r.example.org", DNS_T_A, FX_NOW);
	upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW);
	assert_int_equal(dns_server_reconfigure(x->srv, &x->c, NULL), 0);
	assert_int_equal(stats(x).cache_entries, 0);
	assert_int_equal(stats(x).cache_misses, 1);     /* counters carry on */
	ask(x, 2, "r.example.org", DNS_T_A, FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	x->c.cache_off = true;
	start(x);
	ask(x, 1, "r.example.org", DNS_T_A, FX_NOW);
	upstream(x, 0x80, 1, 0, a_rr, sizeof(a_rr), FX_NOW);
	ask(x, 2, "r.example.org", DNS_T_A, FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	assert_int_equal(stats(x).cache_misses, 0);
	x->c.cache_off = false;
	x->c.cache_entries = DNS_CACHE_LIMIT + 1;
	assert_int_equal(dns_server_new(&x->c, &(struct dns_server *){ NULL }, NULL), -EINVAL);
}

static void test_small_client_gets_tc(void **state)
{
	struct cx *x = *state;
	uint8_t rrs[40 * sizeof(a_rr)];
	int i;

	for (i = 0; i < 40; i++)
		memcpy(rrs + i * sizeof(a_rr), a_rr, sizeof(a_rr));
	/* the upstream's whole 673-byte answer is kept (its plain asker got TC) */
	ask(x, 1, "big.example.org", DNS_T_A, FX_NOW);
	upstream(x, 0x80, 40, 0, rrs, sizeof(rrs), FX_NOW);
	assert_int_equal(stats(x).cache_entries, 1);
	/* a plain UDP asker takes 512: header and question with TC */
	ask(x, 2, "big.example.org", DNS_T_A, FX_NOW);
	assert_int_equal(x->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(x->act.len, 12 + 17 + 4);
	assert_true(x->out[2] & (DNS_TC >> 8));
	assert_memory_equal(x->out + 6, "\0\0\0\0\0\0", 6);
}

/* ---- the cache's own calls, on a literal answer ---- */

static void test_scan_literal_answer(void **state)
{
	struct dns_cache_scan s;
	struct dns_name q;
	uint8_t msg[sizeof(kernel_answer)];

	(void)state;
	memcpy(q.b, "\3www\6kernel\3org", 16);
	q.len = 16;
	q.labels = 3;
	assert_int_equal(dns_cache_scan(kernel_answer, sizeof(kernel_answer), &q, DNS_T_A,
					DNS_C_IN, &s), 0);
	assert_int_equal(s.n_ttl, 2);
	assert_int_equal(s.ttl_off[0], KERNEL_CNAME_TTL);
	assert_int_equal(s.ttl_off[1], KERNEL_A_TTL);
	assert_int_equal(s.lifetime, 60);
	assert_int_equal(s.keep, 66);                   /* the OPT left out */
	assert_int_equal(s.arcount, 0);
	/* another question, a pointer into the question, an OPT before a record, TTL 2^31 */
	assert_int_equal(dns_cache_scan(kernel_answer, sizeof(kernel_answer), &q, DNS_T_AAAA,
					DNS_C_IN, &s), -ENOENT);
	memcpy(msg, kernel_answer, sizeof(msg));
	msg[KERNEL_A_TTL] = 0x80;
	assert_int_equal(dns_cache_scan(msg, sizeof(msg), &q, DNS_T_A, DNS_C_IN, &s), -ENOENT);
	/* a name pointing at a TTL field (which a hit rewrites): not kept */
	memcpy(msg, kernel_answer, sizeof(msg));
	msg[49] = KERNEL_CNAME_TTL;
	assert_int_equal(dns_cache_scan(msg, sizeof(msg), &q, DNS_T_A, DNS_C_IN, &s), -ENOENT);
	/* cut short, and a pointer forward: malformed */
	assert_int_equal(dns_cache_scan(kernel_answer, 60, &q, DNS_T_A, DNS_C_IN, &s), -EBADMSG);
	memcpy(msg, kernel_answer, sizeof(msg));
	msg[51] = 0x40;
	assert_int_equal(dns_cache_scan(msg, sizeof(msg), &q, DNS_T_A, DNS_C_IN, &s), -EBADMSG);
}

static void test_store_and_answer_literal(void **state)
{
	struct dns_cache c;
	struct dns_name q;
	struct dns_msg m;
	uint8_t query[40], out[600];
	size_t n = fx_query(query, 0x4242, "WWW.kernel.ORG", DNS_T_A), len;

	(void)state;
	memcpy(q.b, "\3www\6kernel\3org", 16);
	q.len = 16;
	assert_int_equal(dns_cache_init(&c, 4, 4096, 1), 0);
	assert_int_equal(dns_msg_parse(query, n, true, &m), 0);
	assert_int_equal(dns_cache_store(&c, kernel_answer, sizeof(kernel_answer), &q, DNS_T_A,
					 DNS_C_IN, dns_cache_variant(&m), FX_NOW), 0);
	len = dns_cache_answer(&c, &m, FX_NOW + 59999, out, sizeof(out));
	assert_int_equal(len, 66);
	assert_memory_equal(out, "\x42\x42\x81\x80\0\1\0\2\0\0\0\0", 12);
	assert_memory_equal(out + 12, "\3WWW\6kernel\3ORG", 16);
	assert_int_equal(ttl_at(out, KERNEL_CNAME_TTL), 300 - 59);
	assert_int_equal(ttl_at(out, KERNEL_A_TTL), 1);
	assert_memory_equal(out + 28, kernel_answer + 28, KERNEL_CNAME_TTL - 28);
	assert_int_equal(dns_cache_answer(&c, &m, FX_NOW + 60000, out, sizeof(out)), 0);
	assert_int_equal(c.used, 0);
	dns_cache_free(&c);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_hit_ages_ttl_restores_id_and_case),
		T(test_expires_at_smallest_ttl),
		T(test_nxdomain_for_soa_minimum),
		T(test_not_kept),
		T(test_edns_asker_gets_own_opt),
		T(test_eviction_at_bound),
		T(test_flush_on_upstream_change),
		T(test_flush_on_reconfigure_and_off),
		T(test_small_client_gets_tc),
		cmocka_unit_test(test_scan_literal_answer),
		cmocka_unit_test(test_store_and_answer_literal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
