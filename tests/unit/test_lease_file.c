/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for dhcp/lease.h: the dnsmasq-format lease file, the journal
 * (torn and corrupt records), host name sanitising and the atomic save.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp/lease/lease.h"

struct seen {
	int leases, problems;
	unsigned last_line;
	char last_msg[256];
	struct lease_buf out;           /* each lease formatted again */
	int ops[8];
};

static int on_lease(void *ud, const struct lease_info *l)
{
	struct seen *s = ud;

	s->leases++;
	return lease_file_append(&s->out, l);
}

static void on_problem(void *ud, const struct lease_error *e)
{
	struct seen *s = ud;

	s->problems++;
	s->last_line = e->line;
	snprintf(s->last_msg, sizeof(s->last_msg), "%s", e->message);
}

static int on_record(void *ud, enum lease_journal_op op, const struct lease_info *l)
{
	struct seen *s = ud;

	s->ops[op]++;
	return on_lease(ud, l);
}

static void seen_free(struct seen *s)
{
	lease_buf_free(&s->out);
}

static struct lease_info sample(const char *ip, uint8_t last, const char *name)
{
	static const uint8_t id[7] = { 1, 0x52, 0x54, 0, 0xaa, 0xbb, 0xcc };
	struct lease_info l = { .htype = 1, .hlen = 6, .expires = 1700003600 };

	inet_pton(AF_INET, ip, &l.addr);
	memcpy(l.chaddr, "\x52\x54\x00\xaa\xbb", 5);
	l.chaddr[5] = last;
	l.hostname = name;
	l.client_id = id;
	l.client_id_len = sizeof(id);
	return l;
}

static void test_line_format(void **state)
{
	struct lease_buf b = { 0 };
	struct lease_info l = sample("192.168.122.45", 0xcc, "guest1");

	assert_int_equal(lease_file_append(&b, &l), 0);
	l.client_id = NULL;
	l.client_id_len = 0;
	l.hostname = NULL;
	l.expires = LEASE_EXPIRES_NEVER;        /* dnsmasq writes 0 */
	assert_int_equal(lease_file_append(&b, &l), 0);
	lease_buf_append(&b, "", 1);
	assert_string_equal((char *)b.data,
			    "1700003600 52:54:00:aa:bb:cc 192.168.122.45 guest1 01:52:54:00:aa:bb:cc\n"
			    "0 52:54:00:aa:bb:cc 192.168.122.45 * *\n");
	lease_buf_free(&b);
}

static void test_hostname_sanitised(void **state)
{
	char out[LEASE_HOSTNAME_MAX + 1];
	struct lease_buf b = { 0 };
	struct lease_info l = sample("192.168.122.45", 0xcc, "evil\n1 2 3 4 5");
	char long_name[200];

	assert_int_equal(lease_hostname_sanitize((const uint8_t *)"my_host.example.com", 19, out), 7);
	assert_string_equal(out, "my-host");
	assert_int_equal(lease_hostname_sanitize((const uint8_t *)"\"; rm -rf", 9, out), 6);
	assert_string_equal(out, "rm--rf");
	assert_int_equal(lease_hostname_sanitize((const uint8_t *)"---", 3, out), 0);
	assert_int_equal(lease_hostname_sanitize((const uint8_t *)"a\0b", 3, out), 1);
	memset(long_name, 'x', sizeof(long_name));
	assert_int_equal(lease_hostname_sanitize((const uint8_t *)long_name, sizeof(long_name), out),
			 LEASE_HOSTNAME_MAX);
	/* A line never gains fields or lines from a name. */
	assert_int_equal(lease_file_append(&b, &l), 0);
	lease_buf_append(&b, "", 1);
	assert_non_null(strstr((char *)b.data, " evil1-2-3-4-5 "));
	assert_ptr_equal(strchr((char *)b.data, '\n'), (char *)b.data + b.len - 2);
	lease_buf_free(&b);
}

static void test_parse_roundtrip_and_bad_lines(void **state)
{
	static const char text[] =
		"1700003600 52:54:00:aa:bb:cc 192.168.122.45 guest1 01:52:54:00:aa:bb:cc\n"
		"duid 00:01:00:01:2c:aa:bb:cc:52:54:00:00:00:01\n"
		"\n"
		"garbage\n"                                             /* line 4 */
		"1700003600 52:54:00:aa:bb:zz 192.168.122.46 * *\n"     /* 5: bad MAC */
		"-5 52:54:00:aa:bb:cd 192.168.122.47 * *\n"             /* 6: bad expiry */
		"1700003600 52:54:00:aa:bb:ce 192.168.122.300 * *\n"    /* 7: bad IP */
		"1700003600 52:54:00:aa:bb:cf 192.168.122.48 a b c\n"   /* 8: 6 fields */
		"0 06-00:11:22:33:44:55 192.168.122.49 * *\n"           /* htype 6, infinite */
		"1700003600 52:54:00:aa:bb:d0 192.168.122.50 n 01:xx\n" /* 10: bad id */
		"1700003600 52:54:00:aa:bb:d1 192.168.122.51 last *";   /* no final newline */
	struct seen s = { 0 };

	assert_int_equal(lease_file_parse(text, sizeof(text) - 1, on_lease, on_problem, &s), 3);
	assert_int_equal(s.problems, 6);
	assert_int_equal(s.last_line, 10);
	assert_string_equal(s.last_msg, "line 10: bad client id");
	lease_buf_append(&s.out, "", 1);
	assert_string_equal((char *)s.out.data,
			    "1700003600 52:54:00:aa:bb:cc 192.168.122.45 guest1 01:52:54:00:aa:bb:cc\n"
			    "0 06-00:11:22:33:44:55 192.168.122.49 * *\n"
			    "1700003600 52:54:00:aa:bb:d1 192.168.122.51 last *\n");
	seen_free(&s);
}

static void build_journal(struct lease_buf *j, size_t *ends)
{
	struct lease_info a = sample("192.168.122.10", 1, "one");
	struct lease_info b = sample("192.168.122.11", 2, NULL);
	struct lease_info c = sample("192.168.122.10", 1, NULL);

	b.client_id = NULL;
	b.client_id_len = 0;
	assert_int_equal(lease_journal_append(j, LEASE_JOURNAL_BIND, &a), 0);
	ends[0] = j->len;
	assert_int_equal(lease_journal_append(j, LEASE_JOURNAL_BIND, &b), 0);
	ends[1] = j->len;
	assert_int_equal(lease_journal_append(j, LEASE_JOURNAL_FREE, &c), 0);
	ends[2] = j->len;
}

static void test_journal_replay(void **state)
{
	struct lease_buf j = { 0 };
	struct seen s = { 0 };
	size_t ends[3];

	build_journal(&j, ends);
	assert_int_equal(lease_journal_replay(j.data, j.len, on_record, on_problem, &s), (long)j.len);
	assert_int_equal(s.problems, 0);
	assert_int_equal(s.ops[LEASE_JOURNAL_BIND], 2);
	assert_int_equal(s.ops[LEASE_JOURNAL_FREE], 1);
	lease_buf_append(&s.out, "", 1);
	assert_string_equal((char *)s.out.data,
			    "1700003600 52:54:00:aa:bb:01 192.168.122.10 one 01:52:54:00:aa:bb:cc\n"
			    "1700003600 52:54:00:aa:bb:02 192.168.122.11 * *\n"
			    "1700003600 52:54:00:aa:bb:01 192.168.122.10 * 01:52:54:00:aa:bb:cc\n");
	seen_free(&s);
	lease_buf_free(&j);
}

static void test_journal_torn_record(void **state)
{
	struct lease_buf j = { 0 };
	size_t ends[3], cut;

	build_journal(&j, ends);
	/* A crash at every possible byte inside the last record. */
	for (cut = ends[1]; cut < ends[2]; cut++) {
		struct seen s = { 0 };

		assert_int_equal(lease_journal_replay(j.data, cut, on_record, on_problem, &s),
				 (long)ends[1]);
		assert_int_equal(s.leases, 2);
		assert_int_equal(s.problems, cut == ends[1] ? 0 : 1);
		if (cut > ends[1])
			assert_int_equal(s.last_line, 3);
		seen_free(&s);
	}
	lease_buf_free(&j);
}

static void test_journal_corrupt_record(void **state)
{
	struct lease_buf j = { 0 };
	struct seen s = { 0 };
	size_t ends[3];

	build_journal(&j, ends);
	j.data[ends[0] + 20] ^= 0x40;           /* a bit flip in record 2's payload */
	assert_int_equal(lease_journal_replay(j.data, j.len, on_record, on_problem, &s),
			 (long)ends[0]);
	assert_int_equal(s.leases, 1);
	assert_non_null(strstr(s.last_msg, "checksum mismatch"));
	seen_free(&s);
	/* A length that claims more than any record can hold. */
	memset(&s, 0, sizeof(s));
	j.data[ends[0] + 20] ^= 0x40;
	j.data[ends[0] + 4] = 0x7f;
	assert_int_equal(lease_journal_replay(j.data, j.len, on_record, on_problem, &s),
			 (long)ends[0]);
	assert_non_null(strstr(s.last_msg, "bad record header"));
	seen_free(&s);
	lease_buf_free(&j);
}

/* Replay in pieces of every size, the rest carried into the next piece as
 * the daemon does: the same records, and a tear reported only at the end. */
static void test_journal_replay_in_pieces(void **state)
{
	struct lease_buf j = { 0 };
	size_t ends[3], piece, torn;

	build_journal(&j, ends);
	for (torn = 0; torn < 2; torn++) {
		size_t len = torn ? ends[2] - 3 : ends[2];

		for (piece = 1; piece <= len; piece++) {
			struct lease_replay st = { 0 };
			struct seen s = { 0 };
			size_t at = 0, held = 0;
			long n;

			while (!st.stopped) {
				bool more = at + held + piece < len;
				size_t take = more ? held + piece : len - at;

				n = lease_journal_replay_part(j.data + at, take, more, &st, on_record,
							      on_problem, &s);
				assert_true(n >= 0);
				at += (size_t)n;
				held = take - (size_t)n;
				if (!more)
					break;
			}
			assert_int_equal(at, torn ? ends[1] : ends[2]);
			assert_int_equal(s.leases, torn ? 2 : 3);
			assert_int_equal(s.problems, torn);
			assert_int_equal(st.stopped, torn);
			if (torn)
				assert_int_equal(s.last_line, 3);
			seen_free(&s);
		}
	}
	lease_buf_free(&j);
}

static void test_crc32c(void **state)
{
	/* The standard check value of CRC-32C. */
	assert_int_equal(lease_crc32c((const uint8_t *)"123456789", 9), 0xe3069283);
}

static void test_status_empty(void **state)
{
	struct lease_buf b = { 0 };

	lease_status_begin(&b);
	lease_status_end(&b, true);
	lease_buf_append(&b, "", 1);
	assert_string_equal((char *)b.data, "[]\n");
	lease_buf_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_format),
		cmocka_unit_test(test_hostname_sanitised),
		cmocka_unit_test(test_parse_roundtrip_and_bad_lines),
		cmocka_unit_test(test_journal_replay),
		cmocka_unit_test(test_journal_torn_record),
		cmocka_unit_test(test_journal_corrupt_record),
		cmocka_unit_test(test_journal_replay_in_pieces),
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_status_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
