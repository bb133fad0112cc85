/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for IPv6 in definitions: <ip family='ipv6'> with <dhcp>
 * ranges and hosts by DUID or name, <route family='ipv6'>, <nat ipv6> and
 * <network ipv6>, parsed into their own lists, round-tripped, and refused
 * by a start (nothing serves IPv6 yet) with the line that asked for it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "netd/adapt/adapt.h"
#include "netd/def/netdef.h"

static const char dual_xml[] =
	"<network ipv6='yes'>\n"
	"  <name>dual</name>\n"
	"  <forward mode='nat'><nat ipv6='yes'/></forward>\n"
	"  <bridge name='vdual0'/>\n"
	"  <ip address='192.168.50.1' prefix='24'/>\n"
	"  <ip family='ipv6' address='2001:db8:ac10:fd01::1' prefix='64'>\n"
	"    <dhcp>\n"
	"      <range start='2001:db8:ac10:fd01::1:10' end='2001:db8:ac10:fd01::1:ff'/>\n"
	"      <host id='0:4:7e:7d:f0:7d:a8:bc:c5:d2:13:32:11:ed:16:ea:84:63'"
	" ip='2001:db8:ac10:fd01::1:20'/>\n"
	"      <host name='paul' ip='2001:db8:ac10:fd01::1:21'/>\n"
	"    </dhcp>\n"
	"  </ip>\n"
	"  <ip address='fd00:1::1'/>\n"
	"  <route family='ipv6' address='2001:db8:ca2:3::' prefix='64'"
	" gateway='2001:db8:ac10:fd01::1:20' metric='5'/>\n"
	"</network>\n";

static struct netdef *parse_ok(const char *xml)
{
	struct netdef *def = NULL;
	struct netdef_error err;

	if (netdef_parse(xml, strlen(xml), "t.xml", &def, &err) < 0)
		fail_msg("%u: %s: %s", err.line, err.field, err.message);
	return def;
}

static void test_parse(void **state)
{
	static const uint8_t duid[] = { 0x00, 0x04, 0x7e, 0x7d, 0xf0, 0x7d, 0xa8, 0xbc, 0xc5,
					0xd2, 0x13, 0x32, 0x11, 0xed, 0x16, 0xea, 0x84, 0x63 };
	struct netdef *def = parse_ok(dual_xml);
	char a[INET6_ADDRSTRLEN];

	(void)state;
	assert_int_equal(def->n_ips, 1);                /* IPv4 code sees only IPv4 */
	assert_int_equal(def->n_ip6s, 2);
	assert_int_equal(def->ipv6, NETDEF_YES);
	assert_int_equal(def->forward.nat_ipv6, NETDEF_YES);
	assert_int_equal(def->ip6s[0].prefix, 64);
	assert_int_equal(def->ip6s[0].n_ranges, 1);
	assert_int_equal(def->ip6s[0].n_hosts, 2);
	assert_int_equal(def->ip6s[0].hosts[0].duid_len, sizeof(duid));
	assert_memory_equal(def->ip6s[0].hosts[0].duid, duid, sizeof(duid));
	assert_string_equal(def->ip6s[0].hosts[1].name, "paul");
	/* no family, an address with ':': IPv6, and libvirt's default prefix */
	assert_string_equal(inet_ntop(AF_INET6, &def->ip6s[1].address, a, sizeof(a)), "fd00:1::1");
	assert_int_equal(def->ip6s[1].prefix, 64);
	assert_int_equal(def->n_routes6, 1);
	assert_int_equal(def->routes6[0].metric, 5);
	netdef_free(def);
}

static void test_round_trip(void **state)
{
	struct netdef *def = parse_ok(dual_xml), *again;
	char *text = netdef_format(def);

	(void)state;
	assert_non_null(strstr(text, "<network ipv6='yes'>"));
	assert_non_null(strstr(text, "<nat ipv6='yes'/>"));
	assert_non_null(strstr(text, "<ip family='ipv6' address='2001:db8:ac10:fd01::1' "
				     "prefix='64'>"));
	again = parse_ok(text);
	assert_true(netdef_equal(def, again));
	free(text);
	netdef_free(again);
	netdef_free(def);
}

/* A dual-stack definition (and ipv6='no' on NAT) builds every library's config. */
static void test_setup_builds(void **state)
{
	static const char v4_only_nat_no[] =
		"<network><name>n</name><forward mode='nat'><nat ipv6='no'/></forward>"
		"<ip address='10.9.0.1' prefix='24'/></network>";
	struct netdef *def = parse_ok(dual_xml);
	struct net_setup ns;
	char msg[256] = "";

	(void)state;
	assert_int_equal(net_setup_build(def, NULL, 0, "h", &ns, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	net_setup_free(&ns);
	netdef_free(def);
	def = parse_ok(v4_only_nat_no);
	assert_int_equal(net_setup_build(def, NULL, 0, "h", &ns, msg, sizeof(msg)), 0);
	net_setup_free(&ns);
	netdef_free(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_setup_builds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
