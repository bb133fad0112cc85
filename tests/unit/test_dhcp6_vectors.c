/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Real client datagrams, captured byte for byte (UDP payloads) from the
 * clients on a veth in a throwaway network namespace, with nothing
 * answering: ISC dhclient 4.4.3 (`dhclient -6` and `dhclient -6 -S`) and
 * dhcpcd 9.4.1 (`-6` with `ia_na 1`, `option rapid_commit`, `fqdn both`,
 * `hostname guest6`), for MAC 52:54:00:12:34:56.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/test_dhcp6_fixture.h"

/* dhclient -6: Client ID (DUID-LLT), ORO 23 24 39 31, Elapsed 0, IA_NA 0x00123456 T1 3600 T2 5400. */
static const char dhclient_solicit[] =
	"01d863e30001000e0001000132a4215c52540012345600060008001700180027001f"
	"0008000200000003000c0012345600000e1000001518";

/* dhclient -6 -S: INFORMATION-REQUEST with a DUID-LL client id, ORO 23 24 39 31. */
static const char dhclient_info[] =
	"0b7b23c60001000a0003000152540012345600060008001700180027001f000800020000";

/* dhcpcd -6: DUID-LLT, IA_NA 1, ORO 39 82 83, Elapsed, Rapid Commit, Vendor Class, FQDN "guest6". */
static const char dhcpcd_solicit[] =
	"014f3c190001000e0001000132a421615254001234560003000c0000000100000000000000000006"
	"0006002700520053000800020000000e00000010003d00009f0800376468637063642d392e342e31"
	"3a4c696e75782d362e31382e34342d66632d76313134373a7838365f36343a47656e75696e65496e"
	"74656c002700080106677565737436";

static void from_hex(struct pkt6 *p, const char *hex)
{
	p->len = 0;
	for (size_t i = 0; hex[i] && hex[i + 1]; i += 2)
		p->b[p->len++] = (uint8_t)(hex_value(hex[i]) << 4 | hex_value(hex[i + 1]));
}

static void test_dhclient_solicit_request(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char adv[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	struct in6_addr aa;
	uint16_t len = 0;
	size_t o;

	from_hex(&p, dhclient_solicit);
	assert_int_equal(p.len, 56);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 2);
	assert_memory_equal(r.b + 1, "\xd8\x63\xe3", 3);
	o = r6_opt(&r, 3, &len);
	assert_int_equal(r6_u32(r.b + o), 0x00123456);
	r6_addr(&r, adv, NULL, NULL);
	aa = a6(adv);
	assert_non_null(d6_pool_range(&f->srv->pool, &aa));     /* from the range */
	assert_true(r6_opt(&r, 23, &len) && len == 16);
	assert_true(r6_opt(&r, 24, &len) && len == 14);
	assert_int_equal(r6_opt(&r, 39, &len), 0);     /* it sent no FQDN option */
	assert_int_equal(r6_opt(&r, 14, &len), 0);
	/* its REQUEST: the same message with our server id */
	p.b[0] = 3;
	p6_opt(&p, 2, server_duid, sizeof(server_duid));
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	assert_string_equal(r6_addr(&r, got, NULL, NULL), adv);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 1);
	assert_int_equal(f->ev.last.iaid, 0x00123456);
	fx6_free(f);
}

static void test_dhcpcd_rapid_commit_fqdn(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char got[INET6_ADDRSTRLEN];
	uint16_t len = 0;
	size_t o;

	from_hex(&p, dhcpcd_solicit);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	assert_true(r6_opt(&r, 14, &len) && len == 0);
	assert_true(r6_addr(&r, got, NULL, NULL)[0]);
	/* ORO honoured: it did not ask for DNS servers or the search list */
	assert_int_equal(r6_opt(&r, 23, &len), 0);
	assert_int_equal(r6_opt(&r, 24, &len), 0);
	o = r6_opt(&r, 39, &len);
	assert_int_equal(len, 22);
	assert_memory_equal(r.b + o, "\x01\x06guest6\x07" "example\x04test\x00", len);
	assert_string_equal(f->ev.name, "guest6");
	assert_string_equal(f->ev.name_addr, got);
	fx6_free(f);
}

static void test_dhclient_information_request(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	uint16_t len = 0;
	size_t o;

	from_hex(&p, dhclient_info);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	o = r6_opt(&r, 1, &len);
	assert_int_equal(len, 10);
	assert_memory_equal(r.b + o, "\x00\x03\x00\x01\x52\x54\x00\x12\x34\x56", 10);
	assert_true(r6_opt(&r, 23, &len) && len == 16);
	assert_true(r6_opt(&r, 24, &len) && len == 14);
	assert_int_equal(r6_opt(&r, 32, &len), 0);     /* not asked for */
	assert_int_equal(r6_opt(&r, 3, &len), 0);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
	fx6_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dhclient_solicit_request),
		cmocka_unit_test(test_dhcpcd_rapid_commit_fqdn),
		cmocka_unit_test(test_dhclient_information_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
