/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for netd/netdef: libvirt network XML -> model -> XML.
 *
 * Every case is a small literal document that differs from a valid one in a
 * single fact. Refusal cases live in one table (err_cases[]) and run as one
 * cmocka test each, so a failure names the case and prints what came back.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/def/netdef.h"

#ifndef TESTDATA_DIR
#define TESTDATA_DIR "tests/unit/data"
#endif

#define ORIGIN "case.xml"
#define ANY_LINE (~0u)

/* Sentinel for "*ret is left untouched on failure". */
static struct netdef *const untouched = (struct netdef *)(uintptr_t)0x5a5a5a5a;

static const char *code_name(int rc)
{
	switch (rc) {
	case 0:
		return "OK";
	case NETDEF_E_SYNTAX:
		return "SYNTAX";
	case NETDEF_E_UNSUPPORTED:
		return "UNSUPPORTED";
	case NETDEF_E_INVALID:
		return "INVALID";
	default:
		return rc < 0 ? "errno" : "positive";
	}
}

static int parse(const char *xml, struct netdef **def, struct netdef_error *err)
{
	memset(err, 0, sizeof(*err));
	return netdef_parse(xml, strlen(xml), ORIGIN, def, err);
}

static struct netdef *must_parse(const char *xml)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	char line[512];
	int rc = parse(xml, &def, &err);

	if (rc < 0) {
		netdef_error_format(&err, line, sizeof(line));
		print_error("refused (%s %d): %s\n--- xml ---\n%s", code_name(rc), rc, line, xml);
		fail();
	}
	assert_non_null(def);
	return def;
}

static in_addr_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

#define assert_ip(addr, str) assert_int_equal((addr).s_addr, ip4(str))

/* The two-line head shared by most documents: lines 1 and 2. */
#define H "<network>\n  <name>t</name>\n"
#define T "</network>\n"
/* A /24 on line 3 that holds a <dhcp> on line 4 (cases add lines from 5). */
#define IPD "  <ip address='192.168.122.1' prefix='24'>\n    <dhcp>\n"
#define IPD_END "    </dhcp>\n  </ip>\n"

/* ---------------------------------------------------------------------- */
/* Refusals: code, line of the offending element, field.                  */

struct err_case {
	const char *name;
	const char *xml;
	int code;
	unsigned line;
	const char *field;
};

#define SYN(n, x, l) { n, x, NETDEF_E_SYNTAX, l, "" }
#define UNS(n, x, l, f) { n, x, NETDEF_E_UNSUPPORTED, l, f }
#define INV(n, x, l, f) { n, x, NETDEF_E_INVALID, l, f }

#define C16 "abcdefghijklmnop"
#define UUID_A "81ff0d90-c91e-6742-64da-4a736edb9a9b"

static const struct err_case err_cases[] = {
	/* Well-formedness: libxml2's line, no field. */
	SYN("syntax_unquoted_attribute", H "  <bridge name=virbr0/>\n" T, 3),
	/* A mismatch names the line that opened the element: usually the one left open. */
	SYN("syntax_mismatched_end_tag", H "  <bridge name='v'>\n  </bridg>\n" T, 3),
	SYN("syntax_unclosed_element", H "  <ip address='192.168.1.1' prefix='24'>\n" T, 3),
	SYN("syntax_bad_entity", H "  <domain name='a&b'/>\n" T, 3),
	SYN("syntax_unclosed_root", H, ANY_LINE),
	SYN("syntax_empty", "", ANY_LINE),
	SYN("syntax_two_roots", "<network>\n  <name>t</name>\n</network>\n<network/>\n", 4),
	INV("root_not_network", "<net>\n  <name>t</name>\n</net>\n", 1, "<network>"),

	/* Things libvirt knows and vnetd does not (yet). */
	UNS("unsup_bandwidth",
	    H "  <bandwidth>\n    <inbound average='1000'/>\n  </bandwidth>\n" T,
	    3, "<bandwidth>"),
	UNS("unsup_portgroup", H "  <portgroup name='a'/>\n" T, 3, "<portgroup>"),
	UNS("unsup_vlan", H "  <vlan>\n    <tag id='5'/>\n  </vlan>\n" T, 3, "<vlan>"),
	UNS("unsup_virtualport", H "  <virtualport type='openvswitch'/>\n" T, 3, "<virtualport>"),
	UNS("unsup_port", H "  <port isolated='yes'/>\n" T, 3, "<port>"),
	INV("metadata_without_namespace", H "  <metadata><b>x</b></metadata>\n" T, 3,
	    "<metadata>"),
	INV("title_two_lines", H "  <title>a\nb</title>\n" T, 3, "<title>"),
	INV("dup_title", H "  <title>a</title>\n  <title>b</title>\n" T, 4, "<title>"),
	INV("network_connections_text", "<network connections='many'>\n  <name>t</name>\n" T,
	    1, "<network connections>"),
	UNS("unsup_dnsmasq_options",
	    "<network xmlns:dnsmasq='http://libvirt.org/schemas/network/dnsmasq/1.0'>\n"
	    "  <name>t</name>\n"
	    "  <dnsmasq:options>\n"
	    "    <dnsmasq:option value='foo=bar'/>\n"
	    "  </dnsmasq:options>\n"
	    T, 3, "<dnsmasq:options>"),
	UNS("unsup_unknown_element", H "  <frobnicate/>\n" T, 3, "<frobnicate>"),
	UNS("unsup_unknown_child_of_dns", H "  <dns>\n    <cname/>\n  </dns>\n" T, 4, "<cname>"),
	UNS("unsup_bridge_mactablemanager",
	    H "  <bridge name='virbr0' macTableManager='kernel'/>\n" T,
	    3, "<bridge macTableManager>"),
	UNS("unsup_ip_unknown_attribute",
	    H "  <ip address='192.168.1.1' prefix='24' bogus='1'/>\n" T,
	    3, "<ip bogus>"),
	UNS("unsup_forward_bridge", H "  <forward mode='bridge'/>\n" T, 3, "<forward mode>"),
	UNS("unsup_forward_private", H "  <forward mode='private'/>\n" T, 3, "<forward mode>"),
	UNS("unsup_forward_vepa", H "  <forward mode='vepa'/>\n" T, 3, "<forward mode>"),
	UNS("unsup_forward_passthrough", H "  <forward mode='passthrough'/>\n" T, 3,
	    "<forward mode>"),
	UNS("unsup_forward_hostdev", H "  <forward mode='hostdev'/>\n" T, 3, "<forward mode>"),
	UNS("unsup_interface_two",
	    H "  <forward mode='nat' dev='eth0'>\n"
	    "    <interface dev='eth0'/>\n"
	    "    <interface dev='eth1'/>\n"
	    "  </forward>\n" T, 5, "<interface>"),
	UNS("unsup_interface_other_dev",
	    H "  <forward mode='nat' dev='eth0'>\n    <interface dev='eth1'/>\n  </forward>\n" T,
	    4, "<interface>"),
	UNS("unsup_interface_without_forward_dev",
	    H "  <forward mode='nat'>\n    <interface dev='eth0'/>\n  </forward>\n" T,
	    4, "<interface>"),

	/* <forward> values. */
	INV("forward_mode_unknown", H "  <forward mode='bogus'/>\n" T, 3, "<forward mode>"),
	INV("nat_with_route", H "  <forward mode='route'>\n    <nat/>\n  </forward>\n" T, 4,
	    "<nat>"),
	INV("nat_with_open", H "  <forward mode='open'>\n    <nat/>\n  </forward>\n" T, 4,
	    "<nat>"),
	INV("nat_address_reversed",
	    H "  <forward mode='nat'>\n    <nat>\n"
	    "      <address start='10.0.0.9' end='10.0.0.1'/>\n"
	    "    </nat>\n  </forward>\n" T, 5, "<address>"),
	INV("nat_address_not_ipv4",
	    H "  <forward mode='nat'>\n    <nat>\n"
	    "      <address start='10.0.0.x' end='10.0.0.9'/>\n"
	    "    </nat>\n  </forward>\n" T, 5, "<address start>"),
	INV("nat_port_zero",
	    H "  <forward mode='nat'>\n    <nat>\n"
	    "      <port start='0' end='100'/>\n"
	    "    </nat>\n  </forward>\n" T, 5, "<port start>"),
	INV("nat_port_too_big",
	    H "  <forward mode='nat'>\n    <nat>\n"
	    "      <port start='1024' end='65536'/>\n"
	    "    </nat>\n  </forward>\n" T, 5, "<port end>"),
	INV("nat_port_reversed",
	    H "  <forward mode='nat'>\n    <nat>\n"
	    "      <port start='2000' end='1024'/>\n"
	    "    </nat>\n  </forward>\n" T, 5, "<port>"),

	/* <name>: it becomes a file name. */
	INV("name_missing", "<network>\n  <bridge name='virbr0'/>\n" T, 1, "<name>"),
	INV("name_empty", "<network>\n  <name></name>\n" T, 2, "<name>"),
	INV("name_too_long", "<network>\n  <name>" C16 C16 C16 C16 "q</name>\n" T, 2, "<name>"),
	INV("name_slash", "<network>\n  <name>a/b</name>\n" T, 2, "<name>"),
	INV("name_space", "<network>\n  <name>a b</name>\n" T, 2, "<name>"),
	INV("name_quote", "<network>\n  <name>a&quot;b</name>\n" T, 2, "<name>"),
	INV("name_leading_dot", "<network>\n  <name>.hidden</name>\n" T, 2, "<name>"),
	INV("name_leading_dash", "<network>\n  <name>-x</name>\n" T, 2, "<name>"),

	/* Elements that may appear once: the second one is reported. */
	INV("dup_name", H "  <name>u</name>\n" T, 3, "<name>"),
	INV("dup_uuid", H "  <uuid>" UUID_A "</uuid>\n  <uuid>" UUID_A "</uuid>\n" T, 4, "<uuid>"),
	INV("dup_bridge", H "  <bridge name='a'/>\n  <bridge name='b'/>\n" T, 4, "<bridge>"),
	INV("dup_forward", H "  <forward/>\n  <forward/>\n" T, 4, "<forward>"),
	INV("dup_mac",
	    H "  <mac address='52:54:00:00:00:01'/>\n  <mac address='52:54:00:00:00:02'/>\n" T,
	    4, "<mac>"),
	INV("dup_mtu", H "  <mtu size='1500'/>\n  <mtu size='1400'/>\n" T, 4, "<mtu>"),
	INV("dup_domain", H "  <domain name='a.example'/>\n  <domain name='b.example'/>\n" T,
	    4, "<domain>"),
	INV("dup_dns", H "  <dns/>\n  <dns/>\n" T, 4, "<dns>"),

	/* <uuid>. */
	INV("uuid_short", H "  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9</uuid>\n" T, 3, "<uuid>"),
	INV("uuid_not_hex", H "  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9g</uuid>\n" T, 3,
	    "<uuid>"),
	INV("uuid_dash_misplaced", H "  <uuid>81ff0d9-0c91e-6742-64da-4a736edb9a9b</uuid>\n" T,
	    3, "<uuid>"),
	INV("uuid_empty", H "  <uuid></uuid>\n" T, 3, "<uuid>"),

	/* <bridge>. */
	INV("bridge_name_16_chars", H "  <bridge name='" C16 "'/>\n" T, 3, "<bridge name>"),
	INV("bridge_name_two_templates", H "  <bridge name='vb%d%d'/>\n" T, 3, "<bridge name>"),
	INV("bridge_stp_yes", H "  <bridge name='virbr0' stp='yes'/>\n" T, 3, "<bridge stp>"),
	INV("bridge_delay_negative", H "  <bridge name='virbr0' delay='-1'/>\n" T, 3,
	    "<bridge delay>"),
	INV("bridge_delay_text", H "  <bridge name='virbr0' delay='abc'/>\n" T, 3,
	    "<bridge delay>"),

	/* <mac>. */
	INV("mac_five_octets", H "  <mac address='52:54:00:12:34'/>\n" T, 3, "<mac address>"),
	INV("mac_not_hex", H "  <mac address='52:54:00:12:34:zz'/>\n" T, 3, "<mac address>"),
	INV("mac_multicast", H "  <mac address='03:00:00:00:00:01'/>\n" T, 3, "<mac address>"),

	/* <mtu>. */
	INV("mtu_67", H "  <mtu size='67'/>\n" T, 3, "<mtu size>"),
	INV("mtu_65536", H "  <mtu size='65536'/>\n" T, 3, "<mtu size>"),
	INV("mtu_text", H "  <mtu size='big'/>\n" T, 3, "<mtu size>"),

	/* <domain>. */
	INV("domain_name_space", H "  <domain name='bad name.example'/>\n" T, 3, "<domain name>"),
	INV("domain_localonly", H "  <domain name='example.com' localOnly='maybe'/>\n" T,
	    3, "<domain localOnly>"),

	/* <dns> and its records. */
	INV("dns_enable", H "  <dns enable='true'/>\n" T, 3, "<dns enable>"),
	INV("dns_forward_plain_names", H "  <dns forwardPlainNames='1'/>\n" T,
	    3, "<dns forwardPlainNames>"),
	INV("dns_forwarder_empty", H "  <dns>\n    <forwarder/>\n  </dns>\n" T, 4, "<forwarder>"),
	INV("dns_forwarder_addr", H "  <dns>\n    <forwarder addr='8.8.8'/>\n  </dns>\n" T,
	    4, "<forwarder addr>"),
	INV("dns_host_no_ip",
	    H "  <dns>\n    <host>\n      <hostname>a</hostname>\n    </host>\n  </dns>\n" T,
	    4, "<host>"),
	INV("dns_host_bad_ip",
	    H "  <dns>\n    <host ip='1.2.3.999'>\n      <hostname>a</hostname>\n    </host>\n"
	    "  </dns>\n" T, 4, "<host ip>"),
	INV("dns_host_no_hostname", H "  <dns>\n    <host ip='192.168.122.5'/>\n  </dns>\n" T,
	    4, "<host>"),
	INV("dns_srv_no_service", H "  <dns>\n    <srv protocol='tcp'/>\n  </dns>\n" T,
	    4, "<srv service>"),
	INV("dns_srv_no_protocol", H "  <dns>\n    <srv service='ldap'/>\n  </dns>\n" T,
	    4, "<srv protocol>"),
	INV("dns_srv_protocol_sctp",
	    H "  <dns>\n    <srv service='ldap' protocol='sctp'/>\n  </dns>\n"
	    T, 4, "<srv protocol>"),
	INV("dns_srv_port",
	    H "  <dns>\n    <srv service='ldap' protocol='tcp' port='65536'/>\n  </dns>\n" T,
	    4, "<srv port>"),
	INV("dns_srv_priority",
	    H "  <dns>\n    <srv service='ldap' protocol='tcp' priority='70000'/>\n  </dns>\n" T,
	    4, "<srv priority>"),
	INV("dns_srv_weight",
	    H "  <dns>\n    <srv service='ldap' protocol='tcp' weight='-1'/>\n  </dns>\n" T,
	    4, "<srv weight>"),
	INV("dns_disabled_with_records",
	    H "  <dns enable='no'>\n    <forwarder addr='8.8.8.8'/>\n  </dns>\n" T,
	    3, "<dns enable>"),
	INV("dns_txt_no_value", H "  <dns>\n    <txt name='a'/>\n  </dns>\n" T, 4, "<txt>"),
	INV("dns_txt_no_name", H "  <dns>\n    <txt value='v'/>\n  </dns>\n" T, 4, "<txt>"),
	INV("dns_txt_name_space", H "  <dns>\n    <txt name='a b' value='v'/>\n  </dns>\n" T,
	    4, "<txt name>"),

	/* <ip>. */
	INV("ip_address_bad", H "  <ip address='192.168.1.300' prefix='24'/>\n" T, 3,
	    "<ip address>"),
	INV("ip_address_missing", H "  <ip prefix='24'/>\n" T, 3, "<ip address>"),
	INV("ip_netmask_and_prefix",
	    H "  <ip address='192.168.1.1' netmask='255.255.255.0' prefix='24'/>\n" T, 3, "<ip>"),
	INV("ip_netmask_noncontiguous",
	    H "  <ip address='192.168.1.1' netmask='255.0.255.0'/>\n" T,
	    3, "<ip netmask>"),
	INV("ip_prefix_33", H "  <ip address='192.168.1.1' prefix='33'/>\n" T, 3, "<ip prefix>"),
	INV("ip_classful_class_d", H "  <ip address='224.0.0.1'/>\n" T, 3, "<ip>"),
	INV("ip_classful_class_e", H "  <ip address='240.0.0.1'/>\n" T, 3, "<ip>"),
	INV("ip_duplicate_address",
	    H "  <ip address='192.168.1.1' prefix='24'/>\n"
	    "  <ip address='192.168.1.1' prefix='16'/>\n"
	    T, 4, "<ip address>"),
	INV("ip_network_address", H "  <ip address='192.168.1.0' prefix='24'/>\n" T,
	    3, "<ip address>"),
	INV("ip_broadcast_address", H "  <ip address='192.168.1.255' prefix='24'/>\n" T,
	    3, "<ip address>"),
	INV("ip_two_dhcp",
	    H "  <ip address='192.168.1.1' prefix='24'>\n    <dhcp/>\n  </ip>\n"
	    "  <ip address='192.168.2.1' prefix='24'>\n    <dhcp/>\n  </ip>\n" T, 7, "<dhcp>"),

	/* <dhcp><range>. */
	INV("range_outside_subnet",
	    H IPD "      <range start='192.168.123.2' end='192.168.123.9'/>\n" IPD_END T, 5,
	    "<range>"),
	INV("range_end_outside_subnet",
	    H IPD "      <range start='192.168.122.2' end='192.168.123.9'/>\n" IPD_END T, 5,
	    "<range>"),
	INV("range_network_address",
	    H IPD "      <range start='192.168.122.0' end='192.168.122.9'/>\n" IPD_END T, 5,
	    "<range>"),
	INV("range_broadcast_address",
	    H IPD "      <range start='192.168.122.2' end='192.168.122.255'/>\n" IPD_END T,
	    5, "<range>"),
	INV("range_reversed",
	    H IPD "      <range start='192.168.122.9' end='192.168.122.2'/>\n" IPD_END T, 5,
	    "<range>"),
	INV("range_overlap",
	    H IPD "      <range start='192.168.122.2' end='192.168.122.100'/>\n"
	    "      <range start='192.168.122.50' end='192.168.122.150'/>\n" IPD_END T, 6,
	    "<range>"),
	INV("range_lease_unit",
	    H IPD "      <range start='192.168.122.2' end='192.168.122.9'>\n"
	    "        <lease expiry='1' unit='days'/>\n      </range>\n" IPD_END T, 6,
	    "<lease unit>"),
	INV("range_lease_expiry_negative",
	    H IPD "      <range start='192.168.122.2' end='192.168.122.9'>\n"
	    "        <lease expiry='-1'/>\n      </range>\n" IPD_END T, 6, "<lease expiry>"),
	INV("range_lease_expiry_text",
	    H IPD "      <range start='192.168.122.2' end='192.168.122.9'>\n"
	    "        <lease expiry='1h'/>\n      </range>\n" IPD_END T, 6, "<lease expiry>"),

	/* <dhcp><host>. */
	INV("host_no_mac_no_id", H IPD "      <host ip='192.168.122.10'/>\n" IPD_END T, 5,
	    "<host>"),
	INV("host_name_only", H IPD "      <host name='a'/>\n" IPD_END T, 5, "<host>"),
	INV("host_ip_is_own_address",
	    H IPD "      <host mac='00:16:3e:77:e2:ed' ip='192.168.122.1'/>\n" IPD_END T,
	    5, "<host ip>"),
	INV("host_ip_outside_subnet",
	    H IPD "      <host mac='00:16:3e:77:e2:ed' ip='10.0.0.1'/>\n" IPD_END T, 5,
	    "<host ip>"),
	INV("host_bad_mac",
	    H IPD "      <host mac='00:16:3e:77:e2' ip='192.168.122.10'/>\n" IPD_END T, 5,
	    "<host mac>"),
	INV("host_duplicate_mac",
	    H IPD "      <host mac='00:16:3e:77:e2:ed' ip='192.168.122.10'/>\n"
	    "      <host mac='00:16:3e:77:e2:ed' ip='192.168.122.11'/>\n" IPD_END T, 6,
	    "<host mac>"),
	INV("host_duplicate_name",
	    H IPD "      <host mac='00:16:3e:77:e2:ed' name='a' ip='192.168.122.10'/>\n"
	    "      <host mac='00:16:3e:77:e2:ee' name='a' ip='192.168.122.11'/>\n" IPD_END T,
	    6, "<host name>"),
	INV("host_duplicate_ip",
	    H IPD "      <host mac='00:16:3e:77:e2:ed' ip='192.168.122.10'/>\n"
	    "      <host mac='00:16:3e:77:e2:ee' ip='192.168.122.10'/>\n" IPD_END T, 6,
	    "<host ip>"),
	INV("host_lease_unit",
	    H IPD "      <host mac='00:16:3e:77:e2:ed' ip='192.168.122.10'>\n"
	    "        <lease expiry='1' unit='weeks'/>\n      </host>\n" IPD_END T, 6,
	    "<lease unit>"),

	/* <dhcp><option>, <bootp>. */
	INV("option_number_0", H IPD "      <option number='0' value='x'/>\n" IPD_END T,
	    5, "<option number>"),
	INV("option_number_255", H IPD "      <option number='255' value='x'/>\n" IPD_END T,
	    5, "<option number>"),
	INV("bootp_no_file", H IPD "      <bootp server='192.168.122.1'/>\n" IPD_END T, 5,
	    "<bootp file>"),

	/* <route>: after a /24 on line 3. */
	INV("route_address_bad",
	    H "  <ip address='192.168.122.1' prefix='24'/>\n"
	    "  <route address='10.0.0' prefix='8' gateway='192.168.122.2'/>\n" T,
	    4, "<route address>"),
	INV("route_address_host_bits",
	    H "  <ip address='192.168.122.1' prefix='24'/>\n"
	    "  <route address='10.0.0.1' prefix='8' gateway='192.168.122.2'/>\n" T,
	    4, "<route address>"),
	INV("route_gateway_missing",
	    H "  <ip address='192.168.122.1' prefix='24'/>\n"
	    "  <route address='10.0.0.0' prefix='8'/>\n" T, 4, "<route gateway>"),
	INV("route_gateway_bad",
	    H "  <ip address='192.168.122.1' prefix='24'/>\n"
	    "  <route address='10.0.0.0' prefix='8' gateway='192.168.122'/>\n" T,
	    4, "<route gateway>"),
	INV("route_gateway_outside_subnets",
	    H "  <ip address='192.168.122.1' prefix='24'/>\n"
	    "  <route address='10.0.0.0' prefix='8' gateway='192.168.5.1'/>\n" T,
	    4, "<route gateway>"),

	/* Document order: the first problem wins, whatever its kind. */
	INV("order_invalid_before_invalid",
	    H "  <mtu size='10'/>\n  <mac address='01:00:00:00:00:00'/>\n" T, 3, "<mtu size>"),
	INV("order_invalid_before_unsupported", H "  <mtu size='10'/>\n  <bandwidth/>\n" T,
	    3, "<mtu size>"),
	UNS("order_unsupported_before_invalid", H "  <bandwidth/>\n  <mtu size='10'/>\n" T,
	    3, "<bandwidth>"),
};

/* Text of line `n` (1-based) of `s`, into buf. */
static void line_of(const char *s, unsigned n, char *buf, size_t size)
{
	const char *end;
	size_t len;

	for (; n > 1 && s; n--) {
		s = strchr(s, '\n');
		if (s)
			s++;
	}
	if (!s) {
		buf[0] = '\0';
		return;
	}
	end = strchr(s, '\n');
	len = end ? (size_t)(end - s) : strlen(s);
	if (len >= size)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

/*
 * Guard against miscounted literals: the expected line must hold the element
 * the field names ("<ip address>" -> "<ip"). Line 1 is exempt: it is where
 * document-level problems (missing <name>, wrong root) are reported.
 */
static void check_case_data(const struct err_case *c)
{
	char elem[64], text[256];
	size_t n;

	if (c->line == ANY_LINE || c->line == 1 || c->field[0] != '<')
		return;
	n = strcspn(c->field, " >");
	assert_true(n < sizeof(elem));
	memcpy(elem, c->field, n);
	elem[n] = '\0';
	line_of(c->xml, c->line, text, sizeof(text));
	if (!strstr(text, elem)) {
		print_error("test data: line %u of %s is '%s', which has no %s\n",
			    c->line, c->name, text, elem);
		fail();
	}
}

static void run_err_case(void **state)
{
	const struct err_case *c = *state;
	struct netdef *def = untouched;
	struct netdef_error err;
	bool ok;
	int rc;

	check_case_data(c);
	rc = parse(c->xml, &def, &err);
	ok = rc == c->code && (c->line == ANY_LINE || err.line == c->line) &&
	     strcmp(err.field, c->field) == 0 && err.message[0] != '\0' &&
	     strcmp(err.file, ORIGIN) == 0;
	if (!ok) {
		print_error("%s: want %s line %u field '%s'\n"
			    "%*s  got %s(%d) line %u field '%s' file '%s' message '%s'\n",
			    c->name, code_name(c->code), c->line, c->field,
			    (int)strlen(c->name), "", code_name(rc), rc, err.line, err.field,
			    err.file, err.message);
	}
	if (rc >= 0 && def != untouched)
		netdef_free(def);
	else
		assert_ptr_equal(def, untouched);
	assert_true(ok);
}

/* ---------------------------------------------------------------------- */
/* What a valid document turns into.                                      */

static void test_minimal(void **state)
{
	static const uint8_t zero[16];
	struct netdef *def = must_parse("<network>\n  <name>min</name>\n</network>\n");

	assert_string_equal(def->name, "min");
	assert_false(def->uuid_given);
	assert_memory_not_equal(def->uuid, zero, sizeof(zero));
	assert_false(def->forward.given);
	assert_int_equal(def->forward.mode, NETDEF_FWD_NONE);
	assert_false(def->bridge_given);
	assert_int_equal(def->stp, NETDEF_UNSET);
	assert_true(netdef_stp_enabled(def));
	assert_false(def->delay_given);
	assert_false(def->has_mtu);
	assert_null(def->domain);
	assert_false(def->dns_given);
	assert_int_equal(def->n_ips, 0);
	assert_int_equal(def->n_routes, 0);
	netdef_free(def);
}

static void test_uuid_generated_differs(void **state)
{
	static const char *xml = "<network>\n  <name>min</name>\n</network>\n";
	struct netdef *a = must_parse(xml), *b = must_parse(xml);

	assert_memory_not_equal(a->uuid, b->uuid, 16);
	netdef_free(a);
	netdef_free(b);
}

static void test_uuid_given(void **state)
{
	static const uint8_t want[16] = {
		0x81, 0xff, 0x0d, 0x90, 0xc9, 0x1e, 0x67, 0x42,
		0x64, 0xda, 0x4a, 0x73, 0x6e, 0xdb, 0x9a, 0x9b,
	};
	static const char *forms[] = {
		H "  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>\n" T,
		H "  <uuid>81ff0d90c91e674264da4a736edb9a9b</uuid>\n" T,
		H "  <uuid>81FF0D90-C91E-6742-64DA-4A736EDB9A9B</uuid>\n" T,
	};
	char text[37];

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct netdef *def = must_parse(forms[i]);

		assert_true(def->uuid_given);
		assert_memory_equal(def->uuid, want, 16);
		netdef_uuid_format(def->uuid, text);
		assert_string_equal(text, "81ff0d90-c91e-6742-64da-4a736edb9a9b");
		netdef_free(def);
	}
}

static void test_name_limits(void **state)
{
	struct netdef *def;

	def = must_parse("<network>\n  <name>" C16 C16 C16 C16 "</name>\n</network>\n");
	assert_int_equal(strlen(def->name), NETDEF_NAME_MAX);
	netdef_free(def);

	def = must_parse("<network>\n  <name>a._+:-Z9</name>\n</network>\n");
	assert_string_equal(def->name, "a._+:-Z9");
	netdef_free(def);
}

static void test_forward_empty_is_nat(void **state)
{
	struct netdef *def = must_parse(H "  <forward/>\n" T);

	assert_true(def->forward.given);
	assert_false(def->forward.mode_given);
	assert_int_equal(def->forward.mode, NETDEF_FWD_NAT);
	assert_null(def->forward.dev);
	assert_false(def->forward.has_nat);
	netdef_free(def);
}

static void test_forward_modes(void **state)
{
	static const struct {
		const char *xml;
		enum netdef_forward_mode mode;
		const char *name;
	} cases[] = {
		{ H "  <forward mode='nat'/>\n" T, NETDEF_FWD_NAT, "nat" },
		{ H "  <forward mode='route'/>\n" T, NETDEF_FWD_ROUTE, "route" },
		{ H "  <forward mode='open'/>\n" T, NETDEF_FWD_OPEN, "open" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct netdef *def = must_parse(cases[i].xml);

		assert_true(def->forward.given);
		assert_true(def->forward.mode_given);
		assert_int_equal(def->forward.mode, cases[i].mode);
		assert_string_equal(netdef_forward_mode_name(def->forward.mode), cases[i].name);
		netdef_free(def);
	}
}

static void test_forward_dev_and_interface(void **state)
{
	struct netdef *def;

	def = must_parse(H "  <forward mode='route' dev='eth1'/>\n" T);
	assert_string_equal(def->forward.dev, "eth1");
	netdef_free(def);

	/* libvirt's own output echoes dev as the one <interface>. */
	def = must_parse(H "  <forward mode='nat' dev='eth1'>\n    <interface dev='eth1'/>\n"
			 "  </forward>\n" T);
	assert_string_equal(def->forward.dev, "eth1");
	netdef_free(def);
}

static void test_nat_address_port(void **state)
{
	struct netdef *def = must_parse(H "  <forward mode='nat'>\n    <nat>\n"
					"      <address start='10.20.30.40' end='10.20.30.44'/>\n"
					"      <port start='1024' end='65535'/>\n"
					"    </nat>\n  </forward>\n" T);

	assert_true(def->forward.has_nat);
	assert_true(def->forward.has_nat_addr);
	assert_ip(def->forward.nat_addr_start, "10.20.30.40");
	assert_ip(def->forward.nat_addr_end, "10.20.30.44");
	assert_true(def->forward.has_nat_port);
	assert_int_equal(def->forward.nat_port_start, 1024);
	assert_int_equal(def->forward.nat_port_end, 65535);
	netdef_free(def);
}

static void test_bridge(void **state)
{
	struct netdef *def;

	def = must_parse(H "  <bridge name='virbr0'/>\n" T);
	assert_true(def->bridge_given);
	assert_string_equal(def->bridge_name, "virbr0");
	assert_int_equal(def->stp, NETDEF_UNSET);
	assert_true(netdef_stp_enabled(def));
	assert_false(def->delay_given);
	netdef_free(def);

	def = must_parse(H "  <bridge name='virbr1' stp='off' delay='3'/>\n" T);
	assert_int_equal(def->stp, NETDEF_NO);
	assert_false(netdef_stp_enabled(def));
	assert_true(def->delay_given);
	assert_int_equal(def->delay, 3);
	netdef_free(def);

	def = must_parse(H "  <bridge name='virbr1' stp='on' delay='0'/>\n" T);
	assert_int_equal(def->stp, NETDEF_YES);
	assert_true(netdef_stp_enabled(def));
	assert_true(def->delay_given);
	assert_int_equal(def->delay, 0);
	netdef_free(def);

	/* A template stays a template: the lifecycle picks the number. */
	def = must_parse(H "  <bridge name='virbr%d'/>\n" T);
	assert_string_equal(def->bridge_name, "virbr%d");
	netdef_free(def);

	def = must_parse(H "  <bridge name='abcdefghijklmno'/>\n" T);
	assert_int_equal(strlen(def->bridge_name), NETDEF_IFNAME_MAX);
	netdef_free(def);
}

static void test_mac_mtu_domain(void **state)
{
	static const uint8_t mac[6] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc };
	struct netdef *def;
	char text[18];

	def = must_parse(H "  <mac address='12:34:56:78:9A:BC'/>\n  <mtu size='9000'/>\n"
			 "  <domain name='example.com' localOnly='yes'/>\n" T);
	assert_true(def->has_mac);
	assert_memory_equal(def->mac, mac, 6);
	netdef_mac_format(def->mac, text);
	assert_string_equal(text, "12:34:56:78:9a:bc");
	assert_true(def->has_mtu);
	assert_int_equal(def->mtu, 9000);
	assert_string_equal(def->domain, "example.com");
	assert_int_equal(def->domain_local_only, NETDEF_YES);
	netdef_free(def);

	def = must_parse(H "  <mtu size='68'/>\n  <domain name='example.com'/>\n" T);
	assert_int_equal(def->mtu, 68);
	assert_int_equal(def->domain_local_only, NETDEF_UNSET);
	netdef_free(def);

	def = must_parse(H "  <mtu size='65535'/>\n" T);
	assert_int_equal(def->mtu, 65535);
	netdef_free(def);
}

static void test_ip_classful_prefix(void **state)
{
	static const struct {
		const char *xml;
		unsigned prefix;
	} cases[] = {
		{ H "  <ip address='10.1.2.3'/>\n" T, 8 },
		{ H "  <ip address='1.0.0.1'/>\n" T, 8 },
		{ H "  <ip address='172.16.0.1'/>\n" T, 16 },
		{ H "  <ip address='128.0.0.1'/>\n" T, 16 },
		{ H "  <ip address='191.255.0.1'/>\n" T, 16 },
		{ H "  <ip address='192.168.1.1'/>\n" T, 24 },
		{ H "  <ip address='223.1.1.1'/>\n" T, 24 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct netdef *def = must_parse(cases[i].xml);

		assert_int_equal(def->n_ips, 1);
		assert_false(def->ips[0].netmask_given);
		assert_false(def->ips[0].prefix_given);
		if (def->ips[0].prefix != cases[i].prefix)
			print_error("%s", cases[i].xml);
		assert_int_equal(def->ips[0].prefix, cases[i].prefix);
		netdef_free(def);
	}
}

static void test_ip_netmask_and_prefix(void **state)
{
	struct netdef *def;

	def = must_parse(H "  <ip address='192.168.122.1' netmask='255.255.255.0'/>\n" T);
	assert_ip(def->ips[0].address, "192.168.122.1");
	assert_true(def->ips[0].netmask_given);
	assert_false(def->ips[0].prefix_given);
	assert_int_equal(def->ips[0].prefix, 24);
	assert_false(def->ips[0].family_given);
	assert_int_equal(def->ips[0].line, 3);
	netdef_free(def);

	def = must_parse(H "  <ip address='10.0.0.1' netmask='255.255.240.0'/>\n" T);
	assert_int_equal(def->ips[0].prefix, 20);
	netdef_free(def);

	def = must_parse(H
		"  <ip family='ipv4' address='10.0.0.1' prefix='16' localPtr='no'/>\n" T);
	assert_true(def->ips[0].prefix_given);
	assert_false(def->ips[0].netmask_given);
	assert_int_equal(def->ips[0].prefix, 16);
	assert_true(def->ips[0].family_given);
	assert_int_equal(def->ips[0].local_ptr, NETDEF_NO);
	netdef_free(def);
}

static void test_dhcp_ranges_and_leases(void **state)
{
	struct netdef *def = must_parse(
		H IPD
		"      <range start='192.168.122.2' end='192.168.122.9'>\n"
		"        <lease expiry='1' unit='hours'/>\n"
		"      </range>\n"
		"      <range start='192.168.122.10' end='192.168.122.19'>\n"
		"        <lease expiry='5'/>\n"
		"      </range>\n"
		"      <range start='192.168.122.20' end='192.168.122.29'>\n"
		"        <lease expiry='200' unit='seconds'/>\n"
		"      </range>\n"
		"      <range start='192.168.122.30' end='192.168.122.39'>\n"
		"        <lease expiry='0'/>\n"
		"      </range>\n"
		"      <range start='192.168.122.40' end='192.168.122.254'/>\n"
		IPD_END T);
	struct netdef_ip *ip = &def->ips[0];

	assert_true(ip->has_dhcp);
	assert_int_equal(ip->n_ranges, 5);
	assert_ip(ip->ranges[0].start, "192.168.122.2");
	assert_ip(ip->ranges[0].end, "192.168.122.9");
	assert_int_equal(ip->ranges[0].line, 5);
	assert_true(ip->ranges[0].lease.given);
	assert_int_equal(ip->ranges[0].lease.expiry, 1);
	assert_int_equal(ip->ranges[0].lease.unit, NETDEF_UNIT_HOURS);
	assert_int_equal(netdef_lease_seconds(&ip->ranges[0].lease, 42), 3600);

	/* libvirt's default unit is minutes. */
	assert_int_equal(ip->ranges[1].lease.unit, NETDEF_UNIT_UNSET);
	assert_int_equal(netdef_lease_seconds(&ip->ranges[1].lease, 42), 300);

	assert_int_equal(ip->ranges[2].lease.unit, NETDEF_UNIT_SECONDS);
	assert_int_equal(netdef_lease_seconds(&ip->ranges[2].lease, 42), 200);

	/* expiry 0: an infinite lease, not "not given". */
	assert_true(ip->ranges[3].lease.given);
	assert_int_equal(netdef_lease_seconds(&ip->ranges[3].lease, 42), 0);

	assert_false(ip->ranges[4].lease.given);
	assert_int_equal(netdef_lease_seconds(&ip->ranges[4].lease, 42), 42);
	netdef_free(def);
}

static void test_lease_minutes_unit(void **state)
{
	struct netdef *def = must_parse(
		H IPD "      <range start='192.168.122.2' end='192.168.122.9'>\n"
		"        <lease expiry='3' unit='minutes'/>\n      </range>\n" IPD_END T);

	assert_int_equal(def->ips[0].ranges[0].lease.unit, NETDEF_UNIT_MINUTES);
	assert_int_equal(netdef_lease_seconds(&def->ips[0].ranges[0].lease, 0), 180);
	netdef_free(def);
}

static void test_dhcp_hosts(void **state)
{
	static const uint8_t mac0[6] = { 0x00, 0x16, 0x3e, 0x77, 0xe2, 0xed };
	struct netdef *def = must_parse(
		H IPD
		"      <range start='192.168.122.100' end='192.168.122.254'/>\n"
		"      <host mac='00:16:3e:77:e2:ed' name='a.example.com' ip='192.168.122.10'/>\n"
		"      <host mac='00:16:3E:3E:A9:1A' name='b' ip='192.168.122.11'>\n"
		"        <lease expiry='2' unit='hours'/>\n"
		"      </host>\n"
		IPD_END T);
	struct netdef_ip *ip = &def->ips[0];

	assert_int_equal(ip->n_hosts, 2);
	assert_true(ip->hosts[0].has_mac);
	assert_memory_equal(ip->hosts[0].mac, mac0, 6);
	assert_string_equal(ip->hosts[0].name, "a.example.com");
	assert_true(ip->hosts[0].has_ip);
	assert_ip(ip->hosts[0].ip, "192.168.122.10");
	assert_null(ip->hosts[0].id);
	assert_false(ip->hosts[0].lease.given);
	assert_int_equal(ip->hosts[0].line, 6);

	assert_int_equal(ip->hosts[1].mac[3], 0x3e);
	assert_true(ip->hosts[1].lease.given);
	assert_int_equal(netdef_lease_seconds(&ip->hosts[1].lease, 0), 7200);
	netdef_free(def);
}

/* A host needs an address, or a name and something to recognise it by. */
static void test_dhcp_host_partial(void **state)
{
	struct netdef *def = must_parse(
		H IPD "      <host mac='00:16:3e:77:e2:ed' name='named'/>\n"
		"      <host name='byname' ip='192.168.122.13'/>\n" IPD_END T);

	assert_false(def->ips[0].hosts[0].has_ip);
	assert_string_equal(def->ips[0].hosts[0].name, "named");
	assert_false(def->ips[0].hosts[1].has_mac);
	assert_ip(def->ips[0].hosts[1].ip, "192.168.122.13");
	netdef_free(def);
}

static void test_dhcp_host_by_id(void **state)
{
	struct netdef *def = must_parse(
		H IPD "      <host id='01:02:03:04:05' name='c' ip='192.168.122.12'/>\n"
		IPD_END T);

	assert_false(def->ips[0].hosts[0].has_mac);
	assert_string_equal(def->ips[0].hosts[0].id, "01:02:03:04:05");
	netdef_free(def);
}

static void test_dhcp_options_bootp_tftp(void **state)
{
	struct netdef *def = must_parse(
		H "  <ip address='192.168.122.1' prefix='24'>\n"
		"    <tftp root='/srv/tftp'/>\n"
		"    <dhcp>\n"
		"      <range start='192.168.122.2' end='192.168.122.254'/>\n"
		"      <bootp file='pxelinux.0' server='10.20.30.40'/>\n"
		"      <option number='1' value='255.255.255.0'/>\n"
		"      <option number='254' value=' leading and trailing spaces '/>\n"
		"    </dhcp>\n"
		"  </ip>\n" T);
	struct netdef_ip *ip = &def->ips[0];

	assert_string_equal(ip->tftp_root, "/srv/tftp");
	assert_true(ip->has_bootp);
	assert_string_equal(ip->bootp_file, "pxelinux.0");
	assert_string_equal(ip->bootp_server, "10.20.30.40");
	assert_int_equal(ip->n_options, 2);
	assert_int_equal(ip->options[0].number, 1);
	assert_int_equal(ip->options[1].number, 254);
	/* Values pass through untouched, spaces included. */
	assert_string_equal(ip->options[1].value, " leading and trailing spaces ");
	netdef_free(def);
}

static void test_bootp_without_server(void **state)
{
	struct netdef *def = must_parse(H IPD "      <bootp file='pxelinux.0'/>\n" IPD_END T);

	assert_true(def->ips[0].has_bootp);
	assert_null(def->ips[0].bootp_server);
	netdef_free(def);
}

static void test_dns(void **state)
{
	struct netdef *def = must_parse(
		H "  <dns enable='yes' forwardPlainNames='no'>\n"
		"    <forwarder addr='8.8.8.8'/>\n"
		"    <forwarder domain='example.com' addr='192.168.1.1'/>\n"
		"    <forwarder domain='www.example.com'/>\n"
		"    <host ip='192.168.122.2'>\n"
		"      <hostname>alpha</hostname>\n"
		"      <hostname>alpha.example.com</hostname>\n"
		"    </host>\n"
		"    <srv service='ldap' protocol='tcp' domain='example.com' "
		"target='ldap.example.com' port='389' priority='10' weight='20'/>\n"
		"    <srv service='name' protocol='udp'/>\n"
		"    <txt name='example' value='example value'/>\n"
		"  </dns>\n" T);
	struct netdef_dns *dns = &def->dns;

	assert_true(def->dns_given);
	assert_int_equal(dns->enable, NETDEF_YES);
	assert_int_equal(dns->forward_plain_names, NETDEF_NO);

	assert_int_equal(dns->n_forwarders, 3);
	assert_true(dns->forwarders[0].has_addr);
	assert_ip(dns->forwarders[0].addr, "8.8.8.8");
	assert_null(dns->forwarders[0].domain);
	assert_string_equal(dns->forwarders[1].domain, "example.com");
	assert_ip(dns->forwarders[1].addr, "192.168.1.1");
	assert_false(dns->forwarders[2].has_addr);
	assert_string_equal(dns->forwarders[2].domain, "www.example.com");
	assert_int_equal(dns->forwarders[2].line, 6);

	assert_int_equal(dns->n_hosts, 1);
	assert_ip(dns->hosts[0].ip, "192.168.122.2");
	assert_int_equal(dns->hosts[0].n_hostnames, 2);
	assert_string_equal(dns->hosts[0].hostnames[0], "alpha");
	assert_string_equal(dns->hosts[0].hostnames[1], "alpha.example.com");

	assert_int_equal(dns->n_srvs, 2);
	assert_string_equal(dns->srvs[0].service, "ldap");
	assert_string_equal(dns->srvs[0].protocol, "tcp");
	assert_string_equal(dns->srvs[0].domain, "example.com");
	assert_string_equal(dns->srvs[0].target, "ldap.example.com");
	assert_true(dns->srvs[0].port_given);
	assert_int_equal(dns->srvs[0].port, 389);
	assert_int_equal(dns->srvs[0].priority, 10);
	assert_int_equal(dns->srvs[0].weight, 20);
	assert_string_equal(dns->srvs[1].protocol, "udp");
	assert_null(dns->srvs[1].domain);
	assert_null(dns->srvs[1].target);
	assert_false(dns->srvs[1].port_given);
	assert_false(dns->srvs[1].priority_given);
	assert_false(dns->srvs[1].weight_given);

	assert_int_equal(dns->n_txts, 1);
	assert_string_equal(dns->txts[0].name, "example");
	assert_string_equal(dns->txts[0].value, "example value");
	netdef_free(def);
}

static void test_dns_flags(void **state)
{
	struct netdef *def;

	def = must_parse(H "  <dns enable='no'/>\n" T);
	assert_true(def->dns_given);
	assert_int_equal(def->dns.enable, NETDEF_NO);
	assert_int_equal(def->dns.forward_plain_names, NETDEF_UNSET);
	netdef_free(def);

	def = must_parse(H "  <dns forwardPlainNames='yes'/>\n" T);
	assert_int_equal(def->dns.enable, NETDEF_UNSET);
	assert_int_equal(def->dns.forward_plain_names, NETDEF_YES);
	netdef_free(def);
}

static void test_routes(void **state)
{
	struct netdef *def = must_parse(
		H "  <ip address='192.168.122.1' prefix='24'/>\n"
		"  <route address='192.168.222.0' prefix='24' gateway='192.168.122.2'/>\n"
		"  <route family='ipv4' address='10.99.0.0' netmask='255.255.0.0' "
		"gateway='192.168.122.3' metric='5'/>\n" T);

	assert_int_equal(def->n_routes, 2);
	assert_ip(def->routes[0].address, "192.168.222.0");
	assert_int_equal(def->routes[0].prefix, 24);
	assert_true(def->routes[0].prefix_given);
	assert_ip(def->routes[0].gateway, "192.168.122.2");
	assert_false(def->routes[0].metric_given);
	assert_false(def->routes[0].family_given);
	assert_int_equal(def->routes[0].line, 4);

	assert_true(def->routes[1].family_given);
	assert_true(def->routes[1].netmask_given);
	assert_int_equal(def->routes[1].prefix, 16);
	assert_true(def->routes[1].metric_given);
	assert_int_equal(def->routes[1].metric, 5);
	netdef_free(def);
}

/* Real files carry declarations and comments; neither is an element. */
static void test_declaration_and_comments(void **state)
{
	struct netdef *def = must_parse(
		"<?xml version='1.0' encoding='UTF-8'?>\n"
		"<!-- written by hand -->\n"
		"<network>\n"
		"  <name>c</name> <!-- trailing -->\n"
		"  <!-- a comment between elements -->\n"
		"  <bridge name='virbr0'/>\n"
		"</network>\n");

	assert_string_equal(def->name, "c");
	assert_string_equal(def->bridge_name, "virbr0");
	netdef_free(def);
}

/* `len` bounds the input: what follows is not read. */
static void test_parse_honours_len(void **state)
{
	static const char doc[] = "<network><name>n</name></network>GARBAGE<<<";
	struct netdef *def = NULL;
	struct netdef_error err;
	int rc = netdef_parse(doc, strlen("<network><name>n</name></network>"), ORIGIN, &def,
		&err);

	assert_true(rc >= 0);
	assert_string_equal(def->name, "n");
	netdef_free(def);
}

/* No file is read and no entity is expanded on behalf of a definition. */
static void test_external_entity_refused(void **state)
{
	static const char *xml =
		"<?xml version='1.0'?>\n"
		"<!DOCTYPE network [<!ENTITY x SYSTEM 'file:///etc/hostname'>]>\n"
		"<network>\n  <name>&x;</name>\n</network>\n";
	struct netdef *def = untouched;
	struct netdef_error err;
	int rc = parse(xml, &def, &err);

	if (rc >= 0)
		print_error("external entity accepted, name '%s'\n", def->name);
	assert_true(rc < 0);
	assert_ptr_equal(def, untouched);
	assert_true(err.message[0] != '\0');
}

/* ---------------------------------------------------------------------- */
/* Errors as a person reads them.                                         */

static void test_error_format(void **state)
{
	struct netdef *def = untouched;
	struct netdef_error err;
	char want[1024], got[1024];
	int rc = parse(H "  <mtu size='10'/>\n" T, &def, &err);

	assert_int_equal(rc, NETDEF_E_INVALID);
	assert_ptr_equal(def, untouched);
	assert_string_equal(err.file, ORIGIN);
	snprintf(want, sizeof(want), "%s:3: <mtu size>: %s", ORIGIN, err.message);
	netdef_error_format(&err, got, sizeof(got));
	assert_string_equal(got, want);

	/* A short buffer truncates, never overflows, and stays terminated. */
	memset(got, 'x', sizeof(got));
	netdef_error_format(&err, got, 8);
	assert_int_equal(strlen(got), 7);
	assert_int_equal(got[8], 'x');
}

static void test_error_format_syntax(void **state)
{
	struct netdef *def = untouched;
	struct netdef_error err;
	char got[1024];
	int rc = parse(H "  <bridge name=virbr0/>\n" T, &def, &err);

	assert_int_equal(rc, NETDEF_E_SYNTAX);
	netdef_error_format(&err, got, sizeof(got));
	assert_memory_equal(got, ORIGIN ":3: ", strlen(ORIGIN ":3: "));
	assert_non_null(strstr(got, err.message));
}

static void test_parse_file(void **state)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = netdef_parse_file(TESTDATA_DIR "/nat-default.xml", &def, &err);
	assert_true(rc >= 0);
	assert_string_equal(def->name, "default");
	assert_int_equal(def->forward.mode, NETDEF_FWD_NAT);
	assert_int_equal(def->ips[0].n_ranges, 1);
	netdef_free(def);

	def = untouched;
	memset(&err, 0, sizeof(err));
	rc = netdef_parse_file(TESTDATA_DIR "/bad-mtu.xml", &def, &err);
	assert_int_equal(rc, NETDEF_E_INVALID);
	assert_string_equal(err.file, TESTDATA_DIR "/bad-mtu.xml");
	assert_int_equal(err.line, 5);
	assert_string_equal(err.field, "<mtu size>");
	assert_ptr_equal(def, untouched);

	memset(&err, 0, sizeof(err));
	rc = netdef_parse_file(TESTDATA_DIR "/no-such-file.xml", &def, &err);
	assert_true(rc < 0);
	assert_ptr_equal(def, untouched);
	assert_true(err.message[0] != '\0');
}

static void test_free_null(void **state)
{
	netdef_free(NULL);
}

/* A model changed in memory (as `update` does) is checked again. */
static void test_validate_in_memory(void **state)
{
	struct netdef *def = must_parse(H "  <mtu size='1500'/>\n" T);
	struct netdef_error err;

	memset(&err, 0, sizeof(err));
	assert_int_equal(netdef_validate(def, &err), 0);

	free(def->name);
	def->name = strdup("bad/name");
	assert_non_null(def->name);
	memset(&err, 0, sizeof(err));
	assert_int_equal(netdef_validate(def, &err), NETDEF_E_INVALID);
	assert_string_equal(err.field, "<name>");
	netdef_free(def);
}

/* Cross-element rules hold for a model built in memory, as `update` does. */
static void test_validate_in_memory_hosts(void **state)
{
	struct netdef *def = must_parse(
		H IPD "      <host mac='00:16:3e:77:e2:ed' ip='192.168.122.10'/>\n"
		"      <host mac='00:16:3e:77:e2:ee' ip='192.168.122.11'/>\n" IPD_END T);
	struct netdef_error err;

	def->ips[0].hosts[1].ip = def->ips[0].hosts[0].ip;
	memset(&err, 0, sizeof(err));
	assert_int_equal(netdef_validate(def, &err), NETDEF_E_INVALID);
	assert_string_equal(err.field, "<host ip>");
	assert_int_equal(err.line, 6);

	def->ips[0].hosts[1].ip.s_addr = ip4("10.0.0.1");
	memset(&err, 0, sizeof(err));
	assert_int_equal(netdef_validate(def, &err), NETDEF_E_INVALID);
	assert_string_equal(err.field, "<host ip>");
	netdef_free(def);
}

/*
 * The header promises "every rule libvirt enforces", so a value rule holds
 * for a model changed in memory too, not only for parsed text.
 */
static void test_validate_in_memory_values(void **state)
{
	struct netdef *def = must_parse(H "  <mtu size='1500'/>\n" T);
	struct netdef_error err;

	def->mtu = 10;
	memset(&err, 0, sizeof(err));
	assert_int_equal(netdef_validate(def, &err), NETDEF_E_INVALID);
	assert_string_equal(err.field, "<mtu size>");
	assert_true(err.message[0] != '\0');
	netdef_free(def);
}

static void test_equal(void **state)
{
	static const char *base = H "  <uuid>" UUID_A "</uuid>\n  <mtu size='1500'/>\n" T;
	struct netdef *a = must_parse(base), *b = must_parse(base), *c;

	assert_true(netdef_equal(a, b));
	c = must_parse(H "  <uuid>" UUID_A "</uuid>\n  <mtu size='1400'/>\n" T);
	assert_false(netdef_equal(a, c));
	netdef_free(c);
	/* Given vs defaulted is a difference the model keeps. */
	c = must_parse(H "  <uuid>" UUID_A "</uuid>\n  <mtu size='1500'/>\n"
		       "  <bridge name='virbr0'/>\n" T);
	assert_false(netdef_equal(a, c));
	netdef_free(c);
	netdef_free(a);
	netdef_free(b);
}

/* ---------------------------------------------------------------------- */
/* Round trip: parse -> format -> parse gives the same model and bytes.   */

/* Everything in scope at once. */
#define RICH_DOC \
	"<network>\n" \
	"  <name>rich</name>\n" \
	"  <uuid>81ff0d90-c91e-6742-64da-4a736edb9a9b</uuid>\n" \
	"  <forward mode='nat' dev='eth0'>\n" \
	"    <nat>\n" \
	"      <address start='10.20.30.40' end='10.20.30.44'/>\n" \
	"      <port start='1024' end='65535'/>\n" \
	"    </nat>\n" \
	"    <interface dev='eth0'/>\n" \
	"  </forward>\n" \
	"  <bridge name='virbr9' stp='off' delay='2'/>\n" \
	"  <mac address='52:54:00:AB:cd:ef'/>\n" \
	"  <mtu size='1400'/>\n" \
	"  <domain name='example.com' localOnly='yes'/>\n" \
	"  <dns enable='yes' forwardPlainNames='no'>\n" \
	"    <forwarder addr='8.8.8.8'/>\n" \
	"    <forwarder domain='corp.example' addr='10.0.0.53'/>\n" \
	"    <forwarder domain='local.example'/>\n" \
	"    <host ip='192.168.122.2'>\n" \
	"      <hostname>alpha</hostname>\n" \
	"      <hostname>alpha.example.com</hostname>\n" \
	"    </host>\n" \
	"    <srv service='ldap' protocol='tcp' domain='example.com' target='ldap.example.com'" \
	" port='389' priority='10' weight='20'/>\n" \
	"    <srv service='name' protocol='udp'/>\n" \
	"    <txt name='info' value='a &lt;quoted&gt; &amp; \"value\" &apos;here&apos;'/>\n" \
	"  </dns>\n" \
	"  <ip address='192.168.122.1' netmask='255.255.255.0' localPtr='yes'>\n" \
	"    <tftp root='/srv/tftp'/>\n" \
	"    <dhcp>\n" \
	"      <range start='192.168.122.100' end='192.168.122.199'>\n" \
	"        <lease expiry='2' unit='hours'/>\n" \
	"      </range>\n" \
	"      <range start='192.168.122.200' end='192.168.122.250'>\n" \
	"        <lease expiry='0'/>\n" \
	"      </range>\n" \
	"      <host mac='00:16:3e:77:e2:ed' name='a.example.com' ip='192.168.122.10'>\n" \
	"        <lease expiry='30'/>\n" \
	"      </host>\n" \
	"      <host mac='00:16:3e:3e:a9:1a' name='b' ip='192.168.122.11'/>\n" \
	"      <option number='42' value='192.168.122.20'/>\n" \
	"      <option number='253' value=' leading and trailing spaces '/>\n" \
	"      <bootp file='pxelinux.0' server='192.168.122.1'/>\n" \
	"    </dhcp>\n" \
	"  </ip>\n" \
	"  <ip family='ipv4' address='10.24.10.1' prefix='24'/>\n" \
	"  <ip address='172.16.0.1'/>\n" \
	"  <route address='192.168.222.0' prefix='24' gateway='192.168.122.2'/>\n" \
	"  <route family='ipv4' address='10.99.0.0' netmask='255.255.0.0' gateway='10.24.10.2'" \
	" metric='5'/>\n" \
	"</network>\n"

static const char *const round_trip_docs[] = {
	"<network>\n  <name>min</name>\n</network>\n",
	H "  <forward/>\n" T,
	H "  <forward mode='route' dev='eth0'/>\n  <bridge name='virbr%d'/>\n" T,
	H "  <ip address='172.16.0.1'/>\n" T,
	H "  <dns enable='no'/>\n  <ip address='10.0.0.1' prefix='8'/>\n" T,
	RICH_DOC,
};

static void round_trip(const char *xml)
{
	struct netdef *a = must_parse(xml), *b, *c;
	char *fa, *fb;

	fa = netdef_format(a);
	assert_non_null(fa);
	b = must_parse(fa);
	if (!netdef_equal(a, b))
		print_error("model changed by the round trip\n--- in ---\n%s--- out ---\n%s", xml,
			fa);
	assert_true(netdef_equal(a, b));

	fb = netdef_format(b);
	assert_non_null(fb);
	if (strcmp(fa, fb) != 0)
		print_error("format not stable\n--- 1 ---\n%s--- 2 ---\n%s", fa, fb);
	assert_string_equal(fa, fb);

	c = must_parse(fb);
	assert_true(netdef_equal(b, c));
	netdef_free(a);
	netdef_free(b);
	netdef_free(c);
	free(fa);
	free(fb);
}

static void test_round_trip(void **state)
{
	for (size_t i = 0; i < sizeof(round_trip_docs) / sizeof(round_trip_docs[0]); i++)
		round_trip(round_trip_docs[i]);
}

/* Escaping: what the user wrote comes back, not its XML spelling. */
static void test_round_trip_escapes(void **state)
{
	struct netdef *a = must_parse(RICH_DOC), *b;
	char *text = netdef_format(a);

	assert_non_null(text);
	b = must_parse(text);
	assert_string_equal(b->dns.txts[0].value, "a <quoted> & \"value\" 'here'");
	assert_string_equal(b->ips[0].options[1].value, " leading and trailing spaces ");
	netdef_free(a);
	netdef_free(b);
	free(text);
}

/* Not given stays not given: no default is written back as a fact. */
/* What virsh net-dumpxml prints for a running network defines, and comes back. */
static void test_dumpxml_extras(void **state)
{
	static const char xml[] =
		"<network connections='3' xmlns:a='http://a.example/ns'>\n"
		"  <name>t</name>\n"
		"  <title>Lab &amp; test</title>\n"
		"  <description>two\nlines</description>\n"
		"  <metadata>\n    <a:app v='1'><a:x>y</a:x></a:app>\n  </metadata>\n"
		T;
	struct netdef *def = must_parse(xml), *again;
	char *out;

	assert_string_equal(def->title, "Lab & test");
	assert_string_equal(def->description, "two\nlines");
	assert_string_equal(def->metadata,
			    "<metadata xmlns:a=\"http://a.example/ns\">\n"
			    "    <a:app v=\"1\"><a:x>y</a:x></a:app>\n  </metadata>");
	out = netdef_format(def);
	assert_non_null(out);
	/* connections is run-time state: not kept */
	assert_null(strstr(out, "connections"));
	assert_non_null(strstr(out, "  <title>Lab &amp; test</title>\n"
				    "  <description>two\nlines</description>\n"
				    "  <metadata xmlns:a="));
	again = must_parse(out);
	assert_true(netdef_equal(def, again));
	netdef_free(again);
	free(out);
	netdef_free(def);
}

static void test_format_keeps_unset(void **state)
{
	struct netdef *def = must_parse(H "  <forward/>\n  <bridge name='virbr0'/>\n"
					"  <ip address='192.168.122.1'/>\n" T);
	char *text = netdef_format(def);

	assert_non_null(text);
	if (strstr(text, "mode=") || strstr(text, "stp=") || strstr(text, "delay=") ||
	    strstr(text, "prefix=") || strstr(text, "netmask="))
		print_error("defaults written back:\n%s", text);
	assert_null(strstr(text, "mode="));
	assert_null(strstr(text, "stp="));
	assert_null(strstr(text, "delay="));
	assert_null(strstr(text, "prefix="));
	assert_null(strstr(text, "netmask="));
	/* The generated uuid is saved, as libvirt does, so it stays stable. */
	assert_non_null(strstr(text, "<uuid>"));
	netdef_free(def);
	free(text);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_uuid_generated_differs),
		cmocka_unit_test(test_uuid_given),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_forward_empty_is_nat),
		cmocka_unit_test(test_forward_modes),
		cmocka_unit_test(test_forward_dev_and_interface),
		cmocka_unit_test(test_nat_address_port),
		cmocka_unit_test(test_bridge),
		cmocka_unit_test(test_mac_mtu_domain),
		cmocka_unit_test(test_ip_classful_prefix),
		cmocka_unit_test(test_ip_netmask_and_prefix),
		cmocka_unit_test(test_dhcp_ranges_and_leases),
		cmocka_unit_test(test_lease_minutes_unit),
		cmocka_unit_test(test_dhcp_hosts),
		cmocka_unit_test(test_dhcp_host_partial),
		cmocka_unit_test(test_dhcp_host_by_id),
		cmocka_unit_test(test_dhcp_options_bootp_tftp),
		cmocka_unit_test(test_bootp_without_server),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_dns_flags),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_declaration_and_comments),
		cmocka_unit_test(test_parse_honours_len),
		cmocka_unit_test(test_external_entity_refused),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_error_format_syntax),
		cmocka_unit_test(test_parse_file),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_validate_in_memory),
		cmocka_unit_test(test_validate_in_memory_hosts),
		cmocka_unit_test(test_validate_in_memory_values),
		cmocka_unit_test(test_equal),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_round_trip_escapes),
		cmocka_unit_test(test_format_keeps_unset),
		cmocka_unit_test(test_dumpxml_extras),
	};
	size_t n = sizeof(err_cases) / sizeof(err_cases[0]);
	struct CMUnitTest *errs = calloc(n, sizeof(*errs));
	int failed;

	if (!errs)
		return 1;
	/* One cmocka test per refusal case, named after it. */
	for (size_t i = 0; i < n; i++) {
		errs[i].name = err_cases[i].name;
		errs[i].test_func = run_err_case;
		errs[i].initial_state = (void *)&err_cases[i];
	}
	failed = cmocka_run_group_tests_name("netdef", tests, NULL, NULL);
	failed += _cmocka_run_group_tests("netdef_refusals", errs, n, NULL, NULL);
	free(errs);
	return failed ? 1 : 0;
}
