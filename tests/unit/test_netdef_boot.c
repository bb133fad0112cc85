/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for <vnetd:boot> (boot files by architecture or user class):
 * parsing, the dumpxml round trip with its namespace declaration, the
 * refusals with their whole messages, and the DHCP configuration built
 * from it (rules, and where guests fetch from).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "netd/adapt/adapt.h"
#include "netd/def/netdef.h"

#define NS "http://vnetd.org/schemas/network/1.0"

static const char chain_xml[] =
	"<network xmlns:vnetd='" NS "'>\n"
	"  <name>pxe</name>\n"
	"  <bridge name='vpxe0'/>\n"
	"  <ip address='10.9.0.1' prefix='24'>\n"
	"    <tftp root='/srv/tftp'/>\n"
	"    <dhcp>\n"
	"      <range start='10.9.0.10' end='10.9.0.20'/>\n"
	"      <bootp file='undionly.kpxe'/>\n"
	"      <vnetd:boot userclass='iPXE' file='http://10.9.0.1/boot.ipxe'/>\n"
	"      <vnetd:boot arch='efi-bc' file='ipxe.efi'/>\n"
	"      <vnetd:boot arch='9' file='ipxe.efi'/>\n"
	"    </dhcp>\n"
	"  </ip>\n"
	"</network>\n";

static struct netdef *parse_ok(const char *xml)
{
	struct netdef *def = NULL;
	struct netdef_error err;

	if (netdef_parse(xml, strlen(xml), "t.xml", &def, &err) < 0)
		fail_msg("%s: %s", err.field, err.message);
	return def;
}

static void test_parse_and_round_trip(void **state)
{
	struct netdef *def = parse_ok(chain_xml), *again;
	const struct netdef_ip *ip;
	char *text;

	(void)state;
	ip = &def->ips[0];
	assert_int_equal(ip->n_boots, 3);
	assert_int_equal(ip->boots[0].match, NETDEF_BOOT_USERCLASS);
	assert_string_equal(ip->boots[0].userclass, "iPXE");
	assert_int_equal(ip->boots[1].match, NETDEF_BOOT_ARCH);
	assert_int_equal(ip->boots[1].arch, 7);
	assert_int_equal(ip->boots[2].arch, 9);
	text = netdef_format(def);
	assert_non_null(strstr(text, "<network xmlns:vnetd='" NS "'>"));
	assert_non_null(strstr(text, "<vnetd:boot arch='7' file='ipxe.efi'/>"));
	again = parse_ok(text);
	assert_true(netdef_equal(def, again));
	free(text);
	netdef_free(again);
	netdef_free(def);
}

static void expect_refusal(const char *boot, const char *field, const char *message)
{
	char xml[1024];
	struct netdef *def = NULL;
	struct netdef_error err;

	snprintf(xml, sizeof(xml),
		 "<network xmlns:vnetd='" NS "' xmlns:other='urn:x'><name>n</name>"
		 "<ip address='10.9.0.1' prefix='24'><dhcp>%s</dhcp></ip></network>", boot);
	assert_true(netdef_parse(xml, strlen(xml), "t.xml", &def, &err) < 0);
	assert_null(def);
	assert_string_equal(err.field, field);
	assert_string_equal(err.message, message);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refusal("<vnetd:boot file='x'/>", "<vnetd:boot>",
		       "needs exactly one of arch and userclass");
	expect_refusal("<vnetd:boot arch='0' userclass='iPXE' file='x'/>", "<vnetd:boot>",
		       "needs exactly one of arch and userclass");
	expect_refusal("<vnetd:boot arch='7'/>", "<vnetd:boot file>",
		       "needs a file name of 1 to 127 characters");
	expect_refusal("<vnetd:boot userclass='' file='x'/>", "<vnetd:boot userclass>",
		       "must be 1 to 63 characters");
	expect_refusal("<vnetd:boot arch='70000' file='x'/>", "<vnetd:boot arch>",
		       "'70000' is not a number from 0 to 65535");
	expect_refusal("<vnetd:boot arch='7' file='x' tag='y'/>", "<vnetd:boot tag>",
		       "attribute not supported by vnetd");
	expect_refusal("<vnetd:tftp/>", "<vnetd:tftp>", "element not supported by vnetd");
	expect_refusal("<other:boot/>", "<other:boot>", "element not supported by vnetd");
}

static void test_dhcp_setup(void **state)
{
	struct netdef *def = parse_ok(chain_xml);
	struct net_setup ns;
	char msg[256];
	char a[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(net_setup_build(def, NULL, 0, "h", &ns, msg, sizeof(msg)), 0);
	assert_string_equal(ns.dhcp.cfg.boot_file, "undionly.kpxe");
	assert_int_equal(ns.dhcp.cfg.n_boot_rules, 3);
	assert_false(ns.dhcp.cfg.boot_rules[0].by_arch);
	assert_string_equal(ns.dhcp.cfg.boot_rules[0].user_class, "iPXE");
	assert_true(ns.dhcp.cfg.boot_rules[1].by_arch);
	/* no <bootp server>: the network's own TFTP server */
	inet_ntop(AF_INET, &ns.dhcp.cfg.boot_server, a, sizeof(a));
	assert_string_equal(a, "10.9.0.1");
	net_setup_free(&ns);
	netdef_free(def);
}

/* <bootp server> by name: resolved at start (here through /etc/hosts). */
static void test_boot_server_by_name(void **state)
{
	static const char xml[] =
		"<network><name>n</name><bridge name='vn0'/>"
		"<ip address='10.9.0.1' prefix='24'><dhcp><range start='10.9.0.10' end='10.9.0.20'/>"
		"<bootp file='pxelinux.0' server='localhost'/></dhcp></ip></network>";
	static const char no_tftp[] =
		"<network><name>n</name><bridge name='vn0'/>"
		"<ip address='10.9.0.1' prefix='24'><dhcp><range start='10.9.0.10' end='10.9.0.20'/>"
		"<bootp file='pxelinux.0'/></dhcp></ip></network>";
	struct netdef *def = parse_ok(xml);
	struct net_setup ns;
	char msg[256], a[INET_ADDRSTRLEN];

	(void)state;
	assert_int_equal(net_setup_build(def, NULL, 0, "h", &ns, msg, sizeof(msg)), 0);
	inet_ntop(AF_INET, &ns.dhcp.cfg.boot_server, a, sizeof(a));
	assert_string_equal(a, "127.0.0.1");
	net_setup_free(&ns);
	netdef_free(def);
	/* neither a server nor a TFTP root: guests are sent nowhere (siaddr 0) */
	def = parse_ok(no_tftp);
	assert_int_equal(net_setup_build(def, NULL, 0, "h", &ns, msg, sizeof(msg)), 0);
	assert_int_equal(ns.dhcp.cfg.boot_server.s_addr, 0);
	net_setup_free(&ns);
	netdef_free(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_round_trip),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_dhcp_setup),
		cmocka_unit_test(test_boot_server_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
