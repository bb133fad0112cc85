/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for dns_msg_parse_quick(), the one-pass reader of the usual
 * query: what it takes, what it leaves to dns_msg_parse(), and, over every
 * cut and every one-byte change of a few real queries, that whatever it
 * takes dns_msg_parse(whole) takes too, to the same struct.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dhcp/dns/dns-internal.h"

/* dnsperf's query for local1.bench.test A: no EDNS. */
static const uint8_t plain[] = {
	0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	6, 'l', 'o', 'c', 'a', 'l', '1', 5, 'b', 'e', 'n', 'c', 'h', 4, 't', 'e', 's', 't', 0,
	0x00, 0x01, 0x00, 0x01,
};

/* The same with a bare OPT: 1232 octets, version 0, DO set (systemd-resolved's shape). */
static const uint8_t bare_opt[] = {
	0x12, 0x35, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	3, 'W', 'e', 'B', 0, 0x00, 0x1c, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00,
};

/* dig's: OPT with a client cookie (an option: read as dns_msg_parse reads records). */
static const uint8_t dig_cookie[] = {
	0x8a, 0x3f, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	4, 'w', 'e', 'b', '1', 0, 0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
	0x00, 0x0a, 0x00, 0x08, 0x5b, 0x1e, 0x7c, 0x9a, 0x32, 0x0d, 0xe4, 0x11,
};

static void assert_same(const struct dns_msg *a, const struct dns_msg *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->qdcount, b->qdcount);
	assert_int_equal(a->ancount, b->ancount);
	assert_int_equal(a->nscount, b->nscount);
	assert_int_equal(a->arcount, b->arcount);
	assert_int_equal(a->qname.len, b->qname.len);
	assert_int_equal(a->qname.labels, b->qname.labels);
	assert_memory_equal(a->qname.b, b->qname.b, a->qname.len);
	assert_int_equal(a->qtype, b->qtype);
	assert_int_equal(a->qclass, b->qclass);
	assert_int_equal(a->question_end, b->question_end);
	assert_int_equal(a->has_opt, b->has_opt);
	assert_int_equal(a->udp_size, b->udp_size);
	assert_int_equal(a->edns_version, b->edns_version);
	assert_int_equal(a->edns_do, b->edns_do);
	assert_int_equal(a->has_cookie, b->has_cookie);
}

/* Whatever the quick reader takes, the full one takes the same way. Returns whether taken. */
static bool check(const uint8_t *p, size_t len)
{
	struct dns_msg q, g;

	memset(&q, 0xa5, sizeof(q));     /* nothing may be left unset */
	if (dns_msg_parse_quick(p, len, &q) != 0)
		return false;
	assert_int_equal(dns_msg_parse(p, len, true, &g), 0);
	assert_same(&q, &g);
	return true;
}

static void test_takes_the_usual_queries(void **state)
{
	struct dns_msg m;

	assert_int_equal(dns_msg_parse_quick(plain, sizeof(plain), &m), 0);
	assert_int_equal(m.id, 0x1234);
	assert_int_equal(m.qname.len, 19);
	assert_int_equal(m.qname.labels, 3);
	assert_int_equal(m.qtype, DNS_T_A);
	assert_false(m.has_opt);
	assert_true(check(plain, sizeof(plain)));

	assert_int_equal(dns_msg_parse_quick(bare_opt, sizeof(bare_opt), &m), 0);
	assert_true(m.has_opt && m.edns_do);
	assert_int_equal(m.udp_size, 1232);
	assert_memory_equal(m.qname.b, "\3WeB", 5);   /* case kept, as asked */
	assert_true(check(bare_opt, sizeof(bare_opt)));
}

static void test_leaves_the_rest(void **state)
{
	uint8_t q[64];
	struct dns_msg m;

	/* an OPT with an option: its records read the full reader's way */
	assert_int_equal(dns_msg_parse_quick(dig_cookie, sizeof(dig_cookie), &m), 0);
	assert_true(m.has_opt && m.has_cookie);
	assert_true(check(dig_cookie, sizeof(dig_cookie)));
	/* a cut message, a compressed name, records that are not there or bad */
	assert_int_equal(dns_msg_parse_quick(plain, sizeof(plain) - 1, &m), -1);
	memcpy(q, plain, sizeof(plain));
	q[12] = 0xc0;
	q[13] = 0x0c;
	assert_int_equal(dns_msg_parse_quick(q, sizeof(plain), &m), -1);
	memcpy(q, bare_opt, sizeof(bare_opt));
	q[11] = 2;
	assert_int_equal(dns_msg_parse_quick(q, sizeof(bare_opt), &m), -1);
	memcpy(q, plain, sizeof(plain));
	q[7] = 1;                       /* an answer record in a query */
	assert_int_equal(dns_msg_parse_quick(q, sizeof(plain), &m), -1);
	q[7] = 0;
	q[5] = 2;                       /* two questions */
	assert_int_equal(dns_msg_parse_quick(q, sizeof(plain), &m), -1);
	memcpy(q, dig_cookie, sizeof(dig_cookie));
	q[sizeof(dig_cookie) - 9] = 7;          /* a cookie of 7 octets: FORMERR's business */
	assert_int_equal(dns_msg_parse_quick(q, sizeof(dig_cookie), &m), -1);
	/* not an OPT: an additional record like any other */
	memcpy(q, bare_opt, sizeof(bare_opt));
	q[sizeof(bare_opt) - 11 + 2] = 0x2a;
	assert_int_equal(dns_msg_parse_quick(q, sizeof(bare_opt), &m), 0);
	assert_false(m.has_opt);
	assert_true(check(q, sizeof(bare_opt)));
}

/* Every cut, and every value of every byte, of each query: the two readers agree. */
static void test_agrees_with_the_full_reader(void **state)
{
	const struct { const uint8_t *p; size_t len; } base[] = {
		{ plain, sizeof(plain) }, { bare_opt, sizeof(bare_opt) },
		{ dig_cookie, sizeof(dig_cookie) },
	};
	uint8_t q[64];
	size_t b, i, taken = 0;
	unsigned v;

	for (b = 0; b < sizeof(base) / sizeof(base[0]); b++) {
		for (i = 0; i <= base[b].len; i++)
			taken += check(base[b].p, i);
		for (i = 0; i < base[b].len; i++) {
			for (v = 0; v < 256; v++) {
				memcpy(q, base[b].p, base[b].len);
				q[i] = (uint8_t)v;
				taken += check(q, base[b].len);
				/* and with a byte more at the end (tolerated by both) */
				q[base[b].len] = (uint8_t)v;
				taken += check(q, base[b].len + 1);
			}
		}
	}
	assert_true(taken > 10000);     /* the quick reader really took most of them */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_takes_the_usual_queries),
		cmocka_unit_test(test_leaves_the_rest),
		cmocka_unit_test(test_agrees_with_the_full_reader),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
