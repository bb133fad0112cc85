/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lease_status_parse(): libvirt's BRIDGE.status as its
 * leaseshelper writes it (real-looking files: IPv4 and IPv6 leases, host
 * names, client ids), ours read back, and broken documents reported whole
 * with the line they break on. Each accepted lease is formatted as a
 * dnsmasq lease line, the form `vnetd import` seeds.
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

#include "dhcp/lease/lease.h"

struct seen {
	struct lease_buf out;
	char problems[1024];
};

static int on_lease(void *ud, const struct lease_info *l)
{
	struct seen *s = ud;

	return lease_file_append(&s->out, l);
}

static void on_problem(void *ud, const struct lease_error *e)
{
	struct seen *s = ud;
	size_t n = strlen(s->problems);

	snprintf(s->problems + n, sizeof(s->problems) - n, "%s\n", e->message);
}

/* Parse `text`; the lease lines and problems it gave, as one string each. */
static int run(const char *text, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return lease_status_parse(text, strlen(text), on_lease, on_problem, s);
}

static void expect(const char *text, int rc, const char *lines, const char *problems)
{
	struct seen s;
	int got = run(text, &s);

	lease_buf_append(&s.out, "", 1);
	assert_string_equal((const char *)s.out.data, lines);
	assert_string_equal(s.problems, problems);
	assert_int_equal(got, rc);
	lease_buf_free(&s.out);
}

/* What libvirt 9's leaseshelper leaves for a network with guests on both families. */
static const char libvirt_status[] =
	"[\n"
	"  {\n"
	"    \"ip-address\": \"192.168.122.45\",\n"
	"    \"mac-address\": \"52:54:00:8a:3b:11\",\n"
	"    \"hostname\": \"web1\",\n"
	"    \"client-id\": \"01:52:54:00:8a:3b:11\",\n"
	"    \"expiry-time\": 1764758400\n"
	"  },\n"
	"  {\n"
	"    \"iaid\": \"9350481\",\n"
	"    \"ip-address\": \"fd00:122::4c\",\n"
	"    \"mac-address\": \"52:54:00:8a:3b:11\",\n"
	"    \"hostname\": \"web1\",\n"
	"    \"client-id\": \"00:04:d1:f3:2c:88:9e:41:4c:a3:b5:b4:59:aa:8e:03:4f:02\",\n"
	"    \"server-duid\": \"00:01:00:01:2c:a1:b2:c3:52:54:00:ab:cd:ef\",\n"
	"    \"expiry-time\": 1764758400\n"
	"  },\n"
	"  {\n"
	"    \"ip-address\": \"192.168.122.77\",\n"
	"    \"mac-address\": \"52:54:00:c0:ff:ee\",\n"
	"    \"expiry-time\": 1764760000\n"
	"  }\n"
	"]\n";

static void test_libvirt_file(void **state)
{
	expect(libvirt_status, 2,
	       "1764758400 52:54:00:8a:3b:11 192.168.122.45 web1 01:52:54:00:8a:3b:11\n"
	       "1764760000 52:54:00:c0:ff:ee 192.168.122.77 * *\n", "");
}

static int on_lease6(void *ud, const struct lease6_info *l)
{
	struct seen *s = ud;

	return lease_file6_append(&s->out, l);
}

/* The same file's DHCPv6 lease, as a dnsmasq v6 line, and the server DUID guests know. */
static void test_libvirt_file6(void **state)
{
	static const uint8_t want_duid[] = { 0, 1, 0, 1, 0x2c, 0xa1, 0xb2, 0xc3, 0x52, 0x54, 0,
					     0xab, 0xcd, 0xef };
	uint8_t duid[130];
	size_t duid_len = 99;
	struct seen s;

	memset(&s, 0, sizeof(s));
	assert_int_equal(lease_status6_parse(libvirt_status, strlen(libvirt_status), on_lease6,
					     on_problem, &s, duid, sizeof(duid), &duid_len), 1);
	lease_buf_append(&s.out, "", 1);
	assert_string_equal((const char *)s.out.data,
			    "1764758400 9350481 fd00:122::4c web1 "
			    "00:04:d1:f3:2c:88:9e:41:4c:a3:b5:b4:59:aa:8e:03:4f:02\n");
	assert_string_equal(s.problems, "");
	assert_int_equal(duid_len, sizeof(want_duid));
	assert_memory_equal(duid, want_duid, sizeof(want_duid));
	lease_buf_free(&s.out);
	/* unusable v6 objects are named; numbers for iaid are taken too */
	static const char odd[] =
		"[{\"ip-address\": \"fd00::5\", \"expiry-time\": 1},\n"
		" {\"ip-address\": \"fd00::6\", \"client-id\": \"00:03:00:01:52:54:00:00:00:06\",\n"
		"  \"iaid\": \"x\", \"expiry-time\": 1},\n"
		" {\"ip-address\": \"fd00::7\", \"client-id\": \"00:03:00:01:52:54:00:00:00:07\",\n"
		"  \"iaid\": 7, \"expiry-time\": 0}]";

	memset(&s, 0, sizeof(s));
	assert_int_equal(lease_status6_parse(odd, strlen(odd), on_lease6, on_problem, &s, NULL, 0,
					     NULL), 1);
	lease_buf_append(&s.out, "", 1);
	assert_string_equal((const char *)s.out.data,
			    "0 7 fd00::7 * 00:03:00:01:52:54:00:00:00:07\n");
	assert_string_equal(s.problems, "line 1: no client-id (the client's DUID), or a bad one\n"
			    "line 2: no iaid, or not a number\n");
	lease_buf_free(&s.out);
}

static void test_ours_read_back(void **state)
{
	struct lease_buf status = { 0 };
	uint8_t cid[] = { 1, 0x52, 0x54, 0, 1, 2, 3 };
	struct lease_info l = { .htype = 1, .hlen = 6,
				.chaddr = { 0x52, 0x54, 0, 1, 2, 3 },
				.client_id = cid, .client_id_len = sizeof(cid),
				.hostname = "db", .expires = LEASE_EXPIRES_NEVER };

	inet_pton(AF_INET, "10.0.0.9", &l.addr);
	assert_int_equal(lease_status_begin(&status), 0);
	assert_int_equal(lease_status_append(&status, &l, true), 0);
	assert_int_equal(lease_status_end(&status, false), 0);
	lease_buf_append(&status, "", 1);
	expect((const char *)status.data, 1,
	       "0 52:54:00:01:02:03 10.0.0.9 db 01:52:54:00:01:02:03\n", "");
	lease_buf_free(&status);
}

static void test_empty_and_odd_but_valid(void **state)
{
	expect("", 0, "", "");
	expect(" \n", 0, "", "");
	expect("[]", 0, "", "");
	/* unknown keys and literals are skipped; escapes decoded; names sanitised */
	expect("[{\"x\": null, \"y\": true, \"z\": -3, \"ip-address\": \"10.1.1.1\",\n"
	       " \"mac-address\": \"52:54:00:00:00:0A\", \"hostname\": \"my\\u0020box.lab\",\n"
	       " \"expiry-time\": 0}]", 1,
	       "0 52:54:00:00:00:0a 10.1.1.1 my-box *\n", "");
}

static void test_unusable_objects_skipped(void **state)
{
	expect("[\n{},\n"
	       "{\"ip-address\": \"10.1.1.300\", \"mac-address\": \"52:54:00:00:00:01\", "
	       "\"expiry-time\": 5},\n"
	       "{\"ip-address\": \"10.1.1.2\", \"expiry-time\": 5},\n"
	       "{\"ip-address\": \"10.1.1.3\", \"mac-address\": \"zz\", \"expiry-time\": 5},\n"
	       "{\"ip-address\": \"10.1.1.4\", \"mac-address\": \"52:54:00:00:00:01\"},\n"
	       "{\"ip-address\": \"10.1.1.5\", \"mac-address\": \"52:54:00:00:00:01\", "
	       "\"client-id\": \"x\", \"expiry-time\": 5},\n"
	       "{\"ip-address\": \"10.1.1.6\", \"mac-address\": \"52:54:00:00:00:06\", "
	       "\"expiry-time\": 6}\n]\n", 1,
	       "6 52:54:00:00:00:06 10.1.1.6 * *\n",
	       "line 2: no ip-address\n"
	       "line 3: bad ip-address\n"
	       "line 4: no mac-address and no client-id\n"
	       "line 5: bad mac-address\n"
	       "line 6: no expiry-time (unix seconds, 0 for never)\n"
	       "line 7: bad client-id\n");
}

static void test_broken_documents(void **state)
{
#define good "{\"ip-address\": \"10.1.1.6\", \"mac-address\": \"52:54:00:00:00:06\", " \
	"\"expiry-time\": 6}"

	expect("{}", -EBADMSG, "", "line 1: expected '['\n");
	expect("[\n" good ",\n{\"ip-address\": \"10.1", -EBADMSG,
	       "6 52:54:00:00:00:06 10.1.1.6 * *\n", "line 3: unterminated string\n");
	expect("[\n" good "\n" good "]", -EBADMSG, "6 52:54:00:00:00:06 10.1.1.6 * *\n",
	       "line 3: expected ',' or ']'\n");
	expect("[" good "] x", -EBADMSG, "6 52:54:00:00:00:06 10.1.1.6 * *\n",
	       "line 1: text after the array\n");
	expect("[{\"a\": [1]}]", -EBADMSG, "",
	       "line 1: nested values are not part of a status file\n");
	expect("[{\"expiry-time\": 1.5}]", -EBADMSG, "", "line 1: not a whole number\n");
	expect("[{\"expiry-time\": 99999999999999999999}]", -EBADMSG, "",
	       "line 1: number too large\n");
	expect("[{\"expiry-time\": \"5\"}]", -EBADMSG, "",
	       "line 1: expiry-time is not a number\n");
	expect("[{\"a\": \"\\q\"}]", -EBADMSG, "", "line 1: bad escape in string\n");
	expect("[{\"a\": \"\\u00e9\"}]", -EBADMSG, "",
	       "line 1: \\u escape outside ASCII in string\n");
	expect("[{\"a\": \"x\ny\"}]", -EBADMSG, "", "line 1: control character in string\n");
	expect("[{\"a\" 1}]", -EBADMSG, "", "line 1: expected ':'\n");
	expect("[{\"a\": }]", -EBADMSG, "", "line 1: expected a value\n");
	expect("[{\"a\": 1 \"b\": 2}]", -EBADMSG, "", "line 1: expected ',' or '}'\n");
#undef good
}

static void test_long_string_refused(void **state)
{
	size_t n = 1100;
	char *text = malloc(n + 32);

	assert_non_null(text);
	strcpy(text, "[{\"hostname\": \"");
	memset(text + strlen(text), 'a', n);
	strcpy(text + 15 + n, "\"}]");
	expect(text, -EBADMSG, "", "line 1: string longer than 1024 bytes\n");
	free(text);
}

static int stop_at_first(void *ud, const struct lease_info *l)
{
	(*(int *)ud)++;
	return 7;
}

static void test_callback_stops(void **state)
{
	int calls = 0;

	assert_int_equal(lease_status_parse(libvirt_status, strlen(libvirt_status),
					    stop_at_first, NULL, &calls), 7);
	assert_int_equal(calls, 1);
	/* no callbacks at all: counts, and never dereferences */
	assert_int_equal(lease_status_parse(libvirt_status, strlen(libvirt_status), NULL, NULL,
					    NULL), 2);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_libvirt_file),
		cmocka_unit_test(test_libvirt_file6),
		cmocka_unit_test(test_ours_read_back),
		cmocka_unit_test(test_empty_and_odd_but_valid),
		cmocka_unit_test(test_unusable_objects_skipped),
		cmocka_unit_test(test_broken_documents),
		cmocka_unit_test(test_long_string_refused),
		cmocka_unit_test(test_callback_stops),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
