/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for router advertisements: the bytes of an advertisement
 * (checked against the layout of RFC 4861 and RFC 8106 field by field),
 * the final one, solicitations as rdisc6 and the kernel send them and
 * malformed ones, and the schedule's rules.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp/ra/ra.h"

static void base(struct ra_config *c)
{
	static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };

	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	inet_pton(AF_INET6, "2001:db8:ca2:2::", &c->prefixes[0].prefix);
	c->prefixes[0].len = 64;
	c->n_prefixes = 1;
	c->managed = true;
	c->router = true;
	inet_pton(AF_INET6, "2001:db8:ca2:2::1", &c->dns[0]);
	c->n_dns = 1;
	c->search = "example.org";
}

static uint32_t u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void test_advertisement_bytes(void **state)
{
	struct ra_config c;
	struct wire_error err;
	uint8_t b[RA_BUF];
	static const uint8_t head[] = { 134, 0, 0, 0, 64, 0x80, 0x07, 0x08, 0, 0, 0, 0, 0, 0, 0, 0,
					1, 1, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	static const uint8_t dnssl[] = { 31, 3, 0, 0, 0, 0, 0x07, 0x08, 7, 'e', 'x', 'a', 'm', 'p',
					 'l', 'e', 3, 'o', 'r', 'g', 0, 0, 0, 0 };
	int n;

	(void)state;
	base(&c);
	n = ra_build(&c, false, b, sizeof(b), &err);
	/* header 16 + SLLA 8 + prefix 32 + RDNSS 24 + DNSSL 24 */
	assert_int_equal(n, 104);
	assert_memory_equal(b, head, sizeof(head));     /* M set, router lifetime 1800 */
	assert_int_equal(b[24], 3);                     /* prefix information */
	assert_int_equal(b[25], 4);
	assert_int_equal(b[26], 64);
	assert_int_equal(b[27], 0x80);                  /* on-link; not autonomous: DHCPv6 */
	assert_int_equal(u32(b + 28), 86400);
	assert_int_equal(u32(b + 32), 14400);
	assert_memory_equal(b + 40, "\x20\x01\x0d\xb8\x0c\xa2\x00\x02", 8);
	assert_int_equal(b[56], 25);                    /* RDNSS */
	assert_int_equal(b[57], 3);
	assert_int_equal(u32(b + 60), 1800);
	assert_memory_equal(b + 64, &c.dns[0], 16);
	assert_memory_equal(b + 80, dnssl, sizeof(dnssl));
}

static void test_final_isolated_mtu(void **state)
{
	struct ra_config c;
	struct wire_error err;
	uint8_t b[RA_BUF];
	int n;

	(void)state;
	base(&c);
	c.prefixes[0].autonomous = true;
	c.managed = false;
	c.mtu = 9000;
	c.search = NULL;
	n = ra_build(&c, true, b, sizeof(b), &err);
	assert_int_equal(n, 16 + 8 + 8 + 32 + 24);
	assert_int_equal(b[5], 0);                      /* no M, no O */
	assert_int_equal(b[6] << 8 | b[7], 0);          /* final: router lifetime 0 */
	assert_int_equal(b[24], 5);                     /* MTU */
	assert_int_equal(u32(b + 28), 9000);
	assert_int_equal(b[32 + 3], 0xc0);              /* on-link + autonomous */
	assert_int_equal(u32(b + 64 + 4), 0);           /* RDNSS lifetime 0 */
	/* a network that does not forward is no default router */
	c.router = false;
	n = ra_build(&c, false, b, sizeof(b), &err);
	assert_int_equal(b[6] << 8 | b[7], 0);
	/* errors: a bad search domain, a small buffer */
	c.search = "a..b";
	assert_int_equal(ra_build(&c, false, b, sizeof(b), &err), -EINVAL);
	assert_string_equal(err.message, "search domain 'a..b' is not a DNS name");
	c.search = NULL;
	assert_int_equal(ra_build(&c, false, b, 40, &err), -ENOSPC);
	assert_string_equal(err.message, "router advertisement does not fit 40 bytes");
}

static void test_solicitations(void **state)
{
	/* rdisc6 / the kernel: type 133, code 0, checksum, reserved, SLLA */
	static const uint8_t rs[] = { 133, 0, 0x12, 0x34, 0, 0, 0, 0,
				      1, 1, 0x52, 0x54, 0x00, 0x11, 0x22, 0x33 };
	static const uint8_t bare[] = { 133, 0, 0x12, 0x34, 0, 0, 0, 0 };
	uint8_t bad[sizeof(rs)];

	(void)state;
	assert_true(ra_solicitation_valid(rs, sizeof(rs), 255, false));
	assert_true(ra_solicitation_valid(bare, sizeof(bare), 255, true));
	assert_false(ra_solicitation_valid(rs, sizeof(rs), 254, false));   /* forwarded */
	assert_false(ra_solicitation_valid(rs, sizeof(rs), 255, true));    /* :: with SLLA */
	assert_false(ra_solicitation_valid(rs, 7, 255, false));
	assert_false(ra_solicitation_valid(rs, 12, 255, false));           /* cut option */
	memcpy(bad, rs, sizeof(rs));
	bad[9] = 0;                                                         /* zero length */
	assert_false(ra_solicitation_valid(bad, sizeof(bad), 255, false));
	memcpy(bad, rs, sizeof(rs));
	bad[1] = 1;
	assert_false(ra_solicitation_valid(bad, sizeof(bad), 255, false));
	bad[0] = 134;
	bad[1] = 0;
	assert_false(ra_solicitation_valid(bad, sizeof(bad), 255, false));
}

static void test_schedule(void **state)
{
	struct ra_sched s;
	int64_t now = 1000000;
	int i;

	(void)state;
	ra_sched_start(&s, 0, now, 123456);
	assert_true(ra_sched_deadline(&s) >= now && ra_sched_deadline(&s) <= now + 500);
	/* three initial ones at most 16 s apart, then 200..600 s */
	for (i = 0; i < 3; i++) {
		now = ra_sched_deadline(&s);
		ra_sched_sent(&s, now, 0xffffffffu);
		assert_true(ra_sched_deadline(&s) - now <= 16000);
	}
	now = ra_sched_deadline(&s);
	ra_sched_sent(&s, now, 0xffffffffu);
	assert_true(ra_sched_deadline(&s) - now >= 200000);
	assert_true(ra_sched_deadline(&s) - now <= 600000);
	/* a solicitation right after: not before 3 s since the last one */
	ra_sched_solicited(&s, now + 100, 0);
	assert_int_equal(ra_sched_deadline(&s), now + 3000);
	assert_true(s.answer_pending);
	/* later: within half a second */
	ra_sched_sent(&s, now + 3000, 7);
	ra_sched_solicited(&s, now + 60000, 250);
	assert_int_equal(ra_sched_deadline(&s), now + 60250);
}

/* Nothing went out (no link-local source yet): a retry, the initial ones kept for later. */
static void test_schedule_deferred(void **state)
{
	struct ra_sched s;
	int64_t now = 5000;
	int i;

	(void)state;
	ra_sched_start(&s, 0, now, 0);
	for (i = 0; i < 5; i++) {
		now = ra_sched_deadline(&s);
		ra_sched_deferred(&s, now, 3000);
		assert_int_equal(ra_sched_deadline(&s), now + 3000);
	}
	assert_int_equal(s.initial_left, 3);
	assert_true(s.last_ms == INT64_MIN);
	/* a solicitation while waiting moves the retry no later than half a second */
	ra_sched_solicited(&s, now + 100, 400);
	assert_int_equal(ra_sched_deadline(&s), now + 500);
	ra_sched_deferred(&s, now + 500, 3000);
	assert_false(s.answer_pending);
	/* once one goes out, the initial ones follow at most 16 s apart */
	now = ra_sched_deadline(&s);
	ra_sched_sent(&s, now, 0xffffffffu);
	assert_true(ra_sched_deadline(&s) - now <= 16000);
	assert_int_equal(s.initial_left, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_advertisement_bytes),
		cmocka_unit_test(test_final_isolated_mtu),
		cmocka_unit_test(test_solicitations),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_schedule_deferred),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
