/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the router advertisement setup (netd/adapt/ra.c) against
 * what libvirt writes into dnsmasq's configuration for the corpus files:
 * `enable-ra` with a DHCPv6 range or `static` context (M and O, the prefix
 * not autonomous), `dhcp-range=ADDR,ra-only` without one (SLAAC),
 * `ra-param=*,0,0` for an isolated network (router lifetime 0), `domain=`
 * as the search list; and the bytes ra_build makes of such a setup.
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

#include "netd/adapt/adapt.h"
#include "netd/def/netdef.h"

#ifndef CORPUS_DIR
#define CORPUS_DIR "../shared/corpus/libvirt-network-xml"
#endif

static struct netdef *parse_file(const char *name)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	char path[512];

	snprintf(path, sizeof(path), "%s/confdata/%s", CORPUS_DIR, name);
	if (netdef_parse_file(path, &def, &err) < 0)
		fail_msg("%s:%u: %s: %s", path, err.line, err.field, err.message);
	return def;
}

static struct netdef *parse_text(const char *xml)
{
	struct netdef *def = NULL;
	struct netdef_error err;

	if (netdef_parse(xml, strlen(xml), "t.xml", &def, &err) < 0)
		fail_msg("%u: %s: %s", err.line, err.field, err.message);
	return def;
}

static void assert_addr(const struct in6_addr *a, const char *text)
{
	char buf[INET6_ADDRSTRLEN];

	assert_string_equal(inet_ntop(AF_INET6, a, buf, sizeof(buf)), text);
}

/* dhcp6-network.conf: enable-ra, a DHCPv6 range, domain=mynet; forward mode nat */
static void test_dhcp6_network(void **state)
{
	struct netdef *def = parse_file("dhcp6-network.xml");
	struct ra_config ra;
	char msg[256] = "";

	(void)state;
	assert_int_equal(ra_setup_build(def, &ra, msg, sizeof(msg)), 1);
	assert_int_equal(ra.n_prefixes, 1);
	assert_addr(&ra.prefixes[0].prefix, "2001:db8:ac10:fd01::");
	assert_int_equal(ra.prefixes[0].len, 64);
	assert_false(ra.prefixes[0].autonomous);
	assert_true(ra.managed);
	assert_true(ra.other);
	assert_true(ra.router);
	assert_int_equal(ra.mtu, 0);
	assert_int_equal(ra.n_dns, 1);
	assert_addr(&ra.dns[0], "2001:db8:ac10:fd01::1");
	assert_string_equal(ra.search, "mynet");
	netdef_free(def);
}

/* nat-network.conf: two `dhcp-range=ADDR,ra-only`, no enable-ra, no domain */
static void test_ra_only(void **state)
{
	struct netdef *def = parse_file("nat-network.xml");
	struct ra_config ra;
	char msg[256] = "";

	(void)state;
	assert_int_equal(ra_setup_build(def, &ra, msg, sizeof(msg)), 1);
	assert_int_equal(ra.n_prefixes, 2);
	assert_addr(&ra.prefixes[0].prefix, "2001:db8:ac10:fe01::");
	assert_addr(&ra.prefixes[1].prefix, "2001:db8:ac10:fd01::");
	assert_true(ra.prefixes[0].autonomous && ra.prefixes[1].autonomous);
	assert_false(ra.managed || ra.other);
	assert_true(ra.router);
	assert_int_equal(ra.n_dns, 2);
	assert_addr(&ra.dns[1], "2001:db8:ac10:fd01::1");
	assert_null(ra.search);
	netdef_free(def);
}

/* dhcp6host-routed-network.conf: hosts only is `dhcp-range=ADDR,static`: still M and O */
static void test_static_hosts_routed(void **state)
{
	static const uint8_t mac[6] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
	struct netdef *def = parse_file("dhcp6host-routed-network.xml");
	struct ra_config ra;
	char msg[256] = "";

	(void)state;
	assert_int_equal(ra_setup_build(def, &ra, msg, sizeof(msg)), 1);
	assert_false(ra.prefixes[0].autonomous);
	assert_true(ra.managed && ra.other);
	assert_true(ra.router);
	assert_memory_equal(ra.mac, mac, 6);
	netdef_free(def);
}

/* No <forward>: ra-param=*,0,0; DNS off: no RDNSS; <mtu>; a prefix not on a byte boundary */
static void test_isolated(void **state)
{
	struct netdef *def = parse_text(
		"<network><name>iso</name><bridge name='viso0'/><mtu size='9000'/>"
		"<domain name='lab.example'/><dns enable='no'/>"
		"<ip family='ipv6' address='fd00:1:2:3f::1' prefix='60'/></network>");
	struct ra_config ra;
	struct wire_error err;
	uint8_t b[RA_BUF];
	char msg[256] = "";
	int n;

	(void)state;
	assert_int_equal(ra_setup_build(def, &ra, msg, sizeof(msg)), 1);
	assert_false(ra.router);
	assert_int_equal(ra.n_dns, 0);
	assert_int_equal(ra.mtu, 9000);
	assert_addr(&ra.prefixes[0].prefix, "fd00:1:2:30::");
	assert_int_equal(ra.prefixes[0].len, 60);
	n = ra_build(&ra, false, b, sizeof(b), &err);
	/* header, SLLA, MTU, prefix, DNSSL of "lab.example" (13 bytes of labels: 3 units) */
	assert_int_equal(n, 16 + 8 + 8 + 32 + 24);
	assert_int_equal(b[6] << 8 | b[7], 0);          /* router lifetime 0 */
	assert_int_equal(b[5], 0);                      /* neither M nor O */
	netdef_free(def);
}

/* Without IPv6 there is nothing to advertise; too many prefixes are refused, named. */
static void test_none_and_too_many(void **state)
{
	struct netdef *def = parse_text(
		"<network><name>v4</name><bridge name='vv4'/>"
		"<ip address='192.168.7.1' prefix='24'/></network>");
	struct ra_config ra;
	char xml[2048], msg[256] = "";
	size_t len;
	int i;

	(void)state;
	assert_int_equal(ra_setup_build(def, &ra, msg, sizeof(msg)), 0);
	netdef_free(def);
	len = (size_t)snprintf(xml, sizeof(xml), "<network><name>many</name><bridge name='vm0'/>");
	for (i = 0; i <= RA_MAX_PREFIXES; i++)
		len += (size_t)snprintf(xml + len, sizeof(xml) - len,
					"<ip family='ipv6' address='fd00:%d::1' prefix='64'/>", i + 1);
	snprintf(xml + len, sizeof(xml) - len, "</network>");
	def = parse_text(xml);
	assert_int_equal(ra_setup_build(def, &ra, msg, sizeof(msg)), -E2BIG);
	assert_string_equal(msg, "<ip family='ipv6' address='fd00:9::1'>: at most 8 IPv6 "
			    "addresses can be advertised on one network");
	netdef_free(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dhcp6_network),
		cmocka_unit_test(test_ra_only),
		cmocka_unit_test(test_static_hosts_routed),
		cmocka_unit_test(test_isolated),
		cmocka_unit_test(test_none_and_too_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
