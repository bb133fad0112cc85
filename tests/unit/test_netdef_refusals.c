/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every refusal of netd/def (parse*.c, validate.c) checked whole: a small
 * document and the exact line `vnetd define` prints for it
 * ("FILE:LINE: FIELD: MESSAGE", netdef_error_format). test_netdef.c checks
 * codes, lines and fields; this table checks what a person reads, so a
 * message that names the wrong address or field fails here (issue 15: a
 * <range> outside 10.9.0.1/24 was reported as "not inside 10.9.1.2/24").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/def/netdef.h"

#define O "case.xml"
#define H "<network>\n  <name>t</name>\n"
#define T "</network>\n"
/* a 10.9.0.1/24 on line 3 holding a <dhcp> on line 4; cases add lines from 5 */
#define IPD "  <ip address='10.9.0.1' prefix='24'>\n    <dhcp>\n"
#define IPD_END "    </dhcp>\n  </ip>\n"
#define FWD(x) H "  <forward mode='nat'>\n    <nat>\n" x "    </nat>\n  </forward>\n" T
#define DNS(x) H "  <dns>\n" x "  </dns>\n" T
#define IP24 "  <ip address='10.9.0.1' prefix='24'/>\n"
#define C16 "abcdefghijklmnop"

struct refusal {
	const char *name;
	const char *xml;
	const char *want;       /* the whole formatted error */
};

static const struct refusal cases[] = {
	/* ---- validate.c ---- */
	{ "range_outside_subnet",
	  H IPD "      <range start='10.9.1.2' end='10.9.0.9'/>\n" IPD_END T,
	  O ":5: <range>: 10.9.1.2-10.9.0.9 is not inside 10.9.0.1/24" },
	{ "range_end_outside_subnet",
	  H IPD "      <range start='10.9.0.2' end='10.9.1.9'/>\n" IPD_END T,
	  O ":5: <range>: 10.9.0.2-10.9.1.9 is not inside 10.9.0.1/24" },
	{ "range_reversed",
	  H IPD "      <range start='10.9.0.9' end='10.9.0.2'/>\n" IPD_END T,
	  O ":5: <range>: start 10.9.0.9 is after end 10.9.0.2" },
	{ "range_network_address",
	  H IPD "      <range start='10.9.0.0' end='10.9.0.9'/>\n" IPD_END T,
	  O ":5: <range>: includes the subnet's network or broadcast address" },
	{ "range_overlap",
	  H IPD "      <range start='10.9.0.2' end='10.9.0.100'/>\n"
	  "      <range start='10.9.0.50' end='10.9.0.150'/>\n" IPD_END T,
	  O ":6: <range>: overlaps the range on line 5" },
	{ "host_nothing", H IPD "      <host ip='10.9.0.10'/>\n" IPD_END T,
	  O ":5: <host>: needs a mac, id or name" },
	{ "host_name_only", H IPD "      <host name='a'/>\n" IPD_END T,
	  O ":5: <host>: needs an ip, or a name with a mac or id" },
	{ "host_ip_outside",
	  H IPD "      <host mac='00:16:3e:00:00:01' ip='10.9.5.7'/>\n" IPD_END T,
	  O ":5: <host ip>: 10.9.5.7 is not a usable address of 10.9.0.1/24" },
	{ "host_ip_own_address",
	  H IPD "      <host mac='00:16:3e:00:00:01' ip='10.9.0.1'/>\n" IPD_END T,
	  O ":5: <host ip>: 10.9.0.1 is not a usable address of 10.9.0.1/24" },
	{ "host_mac_multicast",
	  H IPD "      <host mac='01:16:3e:00:00:01' ip='10.9.0.10'/>\n" IPD_END T,
	  O ":5: <host mac>: a multicast address cannot be a client" },
	{ "host_dup_mac",
	  H IPD "      <host mac='00:16:3e:00:00:01' ip='10.9.0.10'/>\n"
	  "      <host mac='00:16:3e:00:00:01' ip='10.9.0.11'/>\n" IPD_END T,
	  O ":6: <host mac>: 00:16:3e:00:00:01 is already used on line 5" },
	{ "host_dup_id",
	  H IPD "      <host id='01:aa' ip='10.9.0.10'/>\n"
	  "      <host id='01:aa' ip='10.9.0.11'/>\n" IPD_END T,
	  O ":6: <host id>: '01:aa' is already used on line 5" },
	{ "host_dup_name",
	  H IPD "      <host mac='00:16:3e:00:00:01' name='a' ip='10.9.0.10'/>\n"
	  "      <host mac='00:16:3e:00:00:02' name='A' ip='10.9.0.11'/>\n" IPD_END T,
	  O ":6: <host name>: 'A' is already used on line 5" },
	{ "host_dup_ip",
	  H IPD "      <host mac='00:16:3e:00:00:01' ip='10.9.0.10'/>\n"
	  "      <host mac='00:16:3e:00:00:02' ip='10.9.0.10'/>\n" IPD_END T,
	  O ":6: <host ip>: 10.9.0.10 is already used on line 5" },
	{ "ip_network_address", H "  <ip address='10.9.0.0' prefix='24'/>\n" T,
	  O ":3: <ip address>: 10.9.0.0/24 is not a host address" },
	{ "ip_prefix_zero", H "  <ip address='10.9.0.1' prefix='0'/>\n" T,
	  O ":3: <ip address>: 10.9.0.1/0 is not a host address" },
	{ "ip_twice", H IP24 "  <ip address='10.9.0.1' prefix='16'/>\n" T,
	  O ":4: <ip address>: 10.9.0.1 is already given on line 3" },
	{ "dhcp_twice",
	  H "  <ip address='10.9.0.1' prefix='24'>\n    <dhcp/>\n  </ip>\n"
	  "  <ip address='10.9.1.1' prefix='24'>\n    <dhcp/>\n  </ip>\n" T,
	  O ":7: <dhcp>: DHCP is already configured on line 4" },
	{ "route_host_bits", H IP24 "  <route address='10.0.0.1' prefix='8' gateway='10.9.0.2'/>\n" T,
	  O ":4: <route address>: 10.0.0.1/8 has host bits set" },
	{ "route_gateway_elsewhere",
	  H IP24 "  <route address='10.0.0.0' prefix='8' gateway='10.7.0.2'/>\n" T,
	  O ":4: <route gateway>: 10.7.0.2 is not inside any <ip> subnet of this network" },
	{ "dns_disabled_with_records",
	  H "  <dns enable='no'>\n    <forwarder addr='8.8.8.8'/>\n  </dns>\n" T,
	  O ":3: <dns enable>: DNS is disabled but records or forwarders are given" },

	/* ---- parse.c ---- */
	{ "root", "<net>\n  <name>t</name>\n</net>\n",
	  O ":1: <network>: the root element must be <network>" },
	{ "name_missing", "<network>\n  <bridge name='b0'/>\n" T,
	  O ":1: <name>: a network needs a <name>" },
	{ "name_bad", "<network>\n  <name>a/b</name>\n" T,
	  O ":2: <name>: must be 1 to 64 letters, digits or ._+:- and not start with . or -" },
	{ "uuid_bad", H "  <uuid>xyz</uuid>\n" T, O ":3: <uuid>: not a UUID: 'xyz'" },
	{ "doctype", "<!DOCTYPE network>\n" H T,
	  O ":1: <!DOCTYPE>: document type declarations are not accepted" },
	{ "syntax", H "  <bridge name=b0/>\n" T,
	  O ":3: malformed XML: AttValue: \" or ' expected" },
	{ "forward_mode_direct", H "  <forward mode='vepa'/>\n" T,
	  O ":3: <forward mode>: mode 'vepa' is not supported by vnetd (nat, route, open or "
	  "no <forward> for isolated)" },
	{ "forward_mode_unknown", H "  <forward mode='bogus'/>\n" T,
	  O ":3: <forward mode>: unknown mode 'bogus'" },
	{ "forward_dev_bad", H "  <forward dev='a/b'/>\n" T,
	  O ":3: <forward dev>: not an interface name: 'a/b'" },
	{ "forward_interface_pool",
	  H "  <forward dev='eth0'>\n    <interface dev='eth1'/>\n  </forward>\n" T,
	  O ":4: <interface>: an interface pool is not supported; use a single <interface> "
	  "equal to forward dev" },
	{ "nat_in_route", H "  <forward mode='route'>\n    <nat/>\n  </forward>\n" T,
	  O ":4: <nat>: only allowed with forward mode 'nat'" },
	{ "nat_twice", H "  <forward>\n    <nat/>\n    <nat/>\n  </forward>\n" T,
	  O ":5: <nat>: given more than once" },
	{ "nat_address_twice",
	  FWD("      <address start='1.0.0.1' end='1.0.0.2'/>\n"
	      "      <address start='1.0.0.1' end='1.0.0.2'/>\n"),
	  O ":6: <address>: given more than once" },
	{ "nat_address_reversed", FWD("      <address start='1.0.0.9' end='1.0.0.2'/>\n"),
	  O ":5: <address>: start is after end" },
	{ "nat_port_twice",
	  FWD("      <port start='1024' end='2000'/>\n      <port start='1024' end='2000'/>\n"),
	  O ":6: <port>: given more than once" },
	{ "nat_port_reversed", FWD("      <port start='2000' end='1024'/>\n"),
	  O ":5: <port>: start is after end" },
	{ "nat_port_zero", FWD("      <port start='0' end='1024'/>\n"),
	  O ":5: <port start>: '0' is not a number from 1 to 65535" },
	{ "bridge_name", H "  <bridge name='" C16 "'/>\n" T,
	  O ":3: <bridge name>: not a valid interface name (at most 15 characters): '" C16 "'" },
	{ "bridge_stp", H "  <bridge stp='yes'/>\n" T,
	  O ":3: <bridge stp>: must be 'on' or 'off', not 'yes'" },
	{ "bridge_delay", H "  <bridge delay='3601'/>\n" T,
	  O ":3: <bridge delay>: '3601' is not a number from 0 to 3600" },
	{ "bridge_twice", H "  <bridge/>\n  <bridge/>\n" T, O ":4: <bridge>: given more than once" },
	{ "mac_bad", H "  <mac address='52:54:00'/>\n" T,
	  O ":3: <mac address>: not a MAC address: '52:54:00'" },
	{ "mac_missing", H "  <mac/>\n" T, O ":3: <mac address>: missing" },
	{ "mac_multicast", H "  <mac address='03:00:00:00:00:01'/>\n" T,
	  O ":3: <mac address>: '03:00:00:00:00:01' is a multicast address" },
	{ "mac_zero", H "  <mac address='00:00:00:00:00:00'/>\n" T,
	  O ":3: <mac address>: the all-zero address cannot name a bridge" },
	{ "mtu_small", H "  <mtu size='67'/>\n" T,
	  O ":3: <mtu size>: '67' is not a number from 68 to 65535" },
	{ "mtu_missing", H "  <mtu/>\n" T, O ":3: <mtu size>: missing" },
	{ "domain_bad", H "  <domain name='a b'/>\n" T,
	  O ":3: <domain name>: not a valid DNS name: 'a b'" },
	{ "domain_localonly", H "  <domain name='x' localOnly='maybe'/>\n" T,
	  O ":3: <domain localOnly>: must be 'yes' or 'no', not 'maybe'" },

	/* ---- parse_meta.c, and what virsh net-dumpxml adds ---- */
	{ "connections_text", "<network connections='x'>\n  <name>t</name>\n" T,
	  O ":1: <network connections>: 'x' is not a number from 0 to 4294967295" },
	{ "title_two_lines", H "  <title>a\nb</title>\n" T,
	  O ":3: <title>: must be a single line" },
	{ "title_twice", H "  <title>a</title>\n  <title>b</title>\n" T,
	  O ":4: <title>: given more than once" },
	{ "description_element", H "  <description><b/></description>\n" T,
	  O ":3: <description>: holds text, not elements" },
	{ "title_attribute", H "  <title lang='en'>a</title>\n" T,
	  O ":3: <title lang>: attribute not supported by vnetd" },
	{ "metadata_no_namespace", H "  <metadata>\n    <app/>\n  </metadata>\n" T,
	  O ":4: <metadata>: <app> needs a namespace (xmlns:PREFIX='URI')" },
	{ "metadata_text", H "  <metadata>hello</metadata>\n" T,
	  O ":3: <metadata>: unexpected text" },
	{ "metadata_twice", H "  <metadata/>\n  <metadata/>\n" T,
	  O ":4: <metadata>: given more than once" },

	/* ---- parse_util.c: the walk and attribute helpers ---- */
	{ "unknown_attribute", H "  <bridge colour='red'/>\n" T,
	  O ":3: <bridge colour>: attribute not supported by vnetd" },
	{ "unknown_element", H "  <bandwidth/>\n" T,
	  O ":3: <bandwidth>: element not supported by vnetd" },
	{ "namespaced_element",
	  "<network xmlns:d='http://libvirt.org/schemas/network/dnsmasq/1.0'>\n"
	  "  <name>t</name>\n  <d:options/>\n" T,
	  O ":3: <d:options>: element not supported by vnetd" },
	{ "unexpected_text", H "  <bridge>hello</bridge>\n" T,
	  O ":3: <bridge>: unexpected text" },
	{ "ip_missing_address", H "  <ip prefix='24'/>\n" T, O ":3: <ip address>: missing" },
	{ "ip_not_ipv4", H "  <ip address='10.9.0.256' prefix='24'/>\n" T,
	  O ":3: <ip address>: not an IPv4 address: '10.9.0.256'" },

	/* ---- parse_ip.c ---- */
	/* ---- parse_ip6.c, validate6.c ---- */
	{ "ip6_netmask", H "  <ip family='ipv6' address='fd00::1' netmask='255.255.0.0'/>\n" T,
	  O ":3: <ip netmask>: an IPv6 address takes a prefix, not a netmask" },
	{ "ip6_prefix", H "  <ip family='ipv6' address='fd00::1' prefix='129'/>\n" T,
	  O ":3: <ip prefix>: '129' is not a number from 1 to 128" },
	{ "ip6_address", H "  <ip family='ipv6' address='fd00::g' prefix='64'/>\n" T,
	  O ":3: <ip address>: not an IPv6 address: 'fd00::g'" },
	{ "ip6_tftp", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <tftp root='/srv'/>\n  </ip>\n" T,
	  O ":4: <tftp>: TFTP is served on IPv4 only" },
	{ "ip6_host_mac", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <dhcp>\n      <host mac='52:54:00:00:00:01' ip='fd00::5'/>\n"
	  "    </dhcp>\n  </ip>\n" T,
	  O ":5: <host mac>: IPv6 hosts are found by id (their DUID) or name, not by MAC" },
	{ "ip6_host_duid", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <dhcp>\n      <host id='zz' ip='fd00::5'/>\n"
	  "    </dhcp>\n  </ip>\n" T,
	  O ":5: <host id>: not a DUID (2 to 130 hex bytes joined by ':'): 'zz'" },
	{ "ip6_host_needs", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <dhcp>\n      <host ip='fd00::5'/>\n    </dhcp>\n  </ip>\n" T,
	  O ":5: <host>: an IPv6 host needs an ip, and an id or a name" },
	{ "ip6_range_outside", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <dhcp>\n      <range start='fd01::5' end='fd01::9'/>\n"
	  "    </dhcp>\n  </ip>\n" T,
	  O ":5: <range>: fd01::5-fd01::9 is not inside fd00::1/64" },
	{ "ip6_range_reversed", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <dhcp>\n      <range start='fd00::9' end='fd00::5'/>\n"
	  "    </dhcp>\n  </ip>\n" T,
	  O ":5: <range>: start fd00::9 is after end fd00::5" },
	{ "ip6_host_outside", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <dhcp>\n      <host name='a' ip='fd01::5'/>\n"
	  "    </dhcp>\n  </ip>\n" T,
	  O ":5: <host ip>: fd01::5 is not inside fd00::1/64" },
	{ "ip6_two_dhcp", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n    <dhcp/>\n  </ip>\n"
	  "  <ip family='ipv6' address='fd01::1'>\n    <dhcp/>\n  </ip>\n" T,
	  O ":7: <dhcp>: only one IPv6 <ip> may have <dhcp> (another on line 4)" },
	{ "route6_gateway", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n  </ip>\n"
	  "  <route family='ipv6' address='fd01::' prefix='64' gateway='fd02::1'/>\n" T,
	  O ":5: <route gateway>: fd02::1 is not inside any IPv6 <ip> of the network" },
	{ "route6_host_bits", H "  <ip family='ipv6' address='fd00::1' prefix='64'>\n  </ip>\n"
	  "  <route family='ipv6' address='fd01::1' prefix='64' gateway='fd00::2'/>\n" T,
	  O ":5: <route address>: fd01::1 has bits set beyond /64" },
	{ "ip_family_other", H "  <ip family='ipx' address='10.9.0.1' prefix='24'/>\n" T,
	  O ":3: <ip family>: must be ipv4 or ipv6, not 'ipx'" },
	{ "ip_mask_and_prefix", H "  <ip address='10.9.0.1' netmask='255.0.0.0' prefix='8'/>\n" T,
	  O ":3: <ip>: netmask and prefix cannot both be given" },
	{ "ip_mask_holes", H "  <ip address='10.9.0.1' netmask='255.0.255.0'/>\n" T,
	  O ":3: <ip netmask>: not a contiguous IPv4 netmask: '255.0.255.0'" },
	{ "ip_prefix_33", H "  <ip address='10.9.0.1' prefix='33'/>\n" T,
	  O ":3: <ip prefix>: '33' is not a number from 0 to 32" },
	{ "ip_no_class", H "  <ip address='224.0.0.1'/>\n" T,
	  O ":3: <ip>: no netmask or prefix, and the address has no class default" },
	{ "ip_localptr", H "  <ip address='10.9.0.1' prefix='24' localPtr='1'/>\n" T,
	  O ":3: <ip localPtr>: must be 'yes' or 'no', not '1'" },
	{ "dhcp_twice_in_ip",
	  H "  <ip address='10.9.0.1' prefix='24'>\n    <dhcp/>\n    <dhcp/>\n  </ip>\n" T,
	  O ":5: <dhcp>: given more than once" },
	{ "lease_twice",
	  H IPD "      <range start='10.9.0.2' end='10.9.0.9'>\n"
	  "        <lease expiry='1'/>\n        <lease expiry='2'/>\n      </range>\n" IPD_END T,
	  O ":7: <lease>: given more than once" },
	{ "lease_unit",
	  H IPD "      <range start='10.9.0.2' end='10.9.0.9'>\n"
	  "        <lease expiry='1' unit='days'/>\n      </range>\n" IPD_END T,
	  O ":6: <lease unit>: must be seconds, minutes or hours, not 'days'" },
	{ "lease_expiry",
	  H IPD "      <range start='10.9.0.2' end='10.9.0.9'>\n"
	  "        <lease expiry='4294967296'/>\n      </range>\n" IPD_END T,
	  O ":6: <lease expiry>: '4294967296' is not a number from 0 to 4294967295" },
	{ "range_start_missing", H IPD "      <range end='10.9.0.9'/>\n" IPD_END T,
	  O ":5: <range start>: missing" },
	{ "host_mac_bad", H IPD "      <host mac='00:16:3e' ip='10.9.0.10'/>\n" IPD_END T,
	  O ":5: <host mac>: not a MAC address: '00:16:3e'" },
	{ "host_id_empty", H IPD "      <host id='' ip='10.9.0.10'/>\n" IPD_END T,
	  O ":5: <host id>: must be 1 to 255 characters" },
	{ "host_name_bad",
	  H IPD "      <host mac='00:16:3e:00:00:01' name='a..b' ip='10.9.0.10'/>\n" IPD_END T,
	  O ":5: <host name>: not a valid DNS name: 'a..b'" },
	{ "bootp_twice",
	  H IPD "      <bootp file='a'/>\n      <bootp file='b'/>\n" IPD_END T,
	  O ":6: <bootp>: given more than once" },
	{ "bootp_no_file", H IPD "      <bootp server='10.9.0.1'/>\n" IPD_END T,
	  O ":5: <bootp file>: needs a file name of 1 to 127 characters" },
	{ "bootp_server_empty", H IPD "      <bootp file='a' server=''/>\n" IPD_END T,
	  O ":5: <bootp server>: must be 1 to 63 characters" },
	{ "option_number", H IPD "      <option number='255' value='x'/>\n" IPD_END T,
	  O ":5: <option number>: '255' is not a number from 1 to 254" },
	{ "option_no_value", H IPD "      <option number='42'/>\n" IPD_END T,
	  O ":5: <option value>: needs a value of at most 255 characters" },
	{ "tftp_twice",
	  H "  <ip address='10.9.0.1' prefix='24'>\n    <tftp root='/a'/>\n"
	  "    <tftp root='/b'/>\n  </ip>\n" T,
	  O ":5: <tftp>: given more than once" },
	{ "tftp_relative",
	  H "  <ip address='10.9.0.1' prefix='24'>\n    <tftp root='srv'/>\n  </ip>\n" T,
	  O ":4: <tftp root>: needs an absolute directory" },
	{ "route_metric", H IP24 "  <route address='10.0.0.0' prefix='8' gateway='10.9.0.2' "
	  "metric='0'/>\n" T,
	  O ":4: <route metric>: '0' is not a number from 1 to 4294967295" },

	/* ---- parse_dns.c ---- */
	{ "dns_enable", H "  <dns enable='true'/>\n" T,
	  O ":3: <dns enable>: must be 'yes' or 'no', not 'true'" },
	{ "dns_twice", H "  <dns/>\n  <dns/>\n" T, O ":4: <dns>: given more than once" },
	{ "forwarder_empty", DNS("    <forwarder/>\n"),
	  O ":4: <forwarder>: needs addr or domain" },
	{ "forwarder_domain", DNS("    <forwarder domain='a b'/>\n"),
	  O ":4: <forwarder domain>: not a valid DNS name: 'a b'" },
	{ "dns_host_no_ip", DNS("    <host>\n      <hostname>a</hostname>\n    </host>\n"),
	  O ":4: <host>: needs an ip attribute" },
	{ "dns_host_no_name", DNS("    <host ip='10.9.0.5'/>\n"),
	  O ":4: <host>: needs at least one <hostname>" },
	{ "dns_hostname_bad",
	  DNS("    <host ip='10.9.0.5'>\n      <hostname>a b</hostname>\n    </host>\n"),
	  O ":5: <hostname>: not a valid DNS name: 'a b'" },
	{ "srv_service", DNS("    <srv service='a_b' protocol='tcp'/>\n"),
	  O ":4: <srv service>: needs a service name of 1 to 15 letters, digits or '-'" },
	{ "srv_protocol", DNS("    <srv service='ldap' protocol='sctp'/>\n"),
	  O ":4: <srv protocol>: must be tcp or udp" },
	{ "srv_port", DNS("    <srv service='ldap' protocol='tcp' port='65536'/>\n"),
	  O ":4: <srv port>: '65536' is not a number from 0 to 65535" },
	{ "srv_target", DNS("    <srv service='ldap' protocol='tcp' target='a b'/>\n"),
	  O ":4: <srv target>: not a valid DNS name: 'a b'" },
	{ "txt_half", DNS("    <txt name='a'/>\n"), O ":4: <txt>: needs name and value" },
	{ "txt_name", DNS("    <txt name='a b' value='v'/>\n"),
	  O ":4: <txt name>: not a valid DNS name: 'a b'" },
	{ "txt_long", DNS("    <txt name='a' value='" C16 C16 C16 C16 C16 C16 C16 C16 C16 C16
			  C16 C16 C16 C16 C16 C16 "'/>\n"),
	  O ":4: <txt value>: longer than 255 bytes" },
};

#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* ---- validate.c on models changed in memory (what `update` can do) ---- */

#define BASE H IPD "      <host mac='00:16:3e:00:00:01' name='a' ip='10.9.0.10'/>\n" IPD_END \
	"  <dns>\n    <host ip='10.9.0.5'>\n      <hostname>h</hostname>\n    </host>\n" \
	"  </dns>\n" T

static void set_name(struct netdef *d)
{
	d->name[0] = '-';
}

static void set_mtu(struct netdef *d)
{
	d->has_mtu = true;
	d->mtu = 67;
}

static void set_mac(struct netdef *d)
{
	d->has_mac = true;
	memcpy(d->mac, "\x01\0\0\0\0\1", 6);
}

static void set_dns_hostname(struct netdef *d)
{
	d->dns.hosts[0].hostnames[0][0] = ' ';
}

static void set_host_name(struct netdef *d)
{
	d->ips[0].hosts[0].name[0] = '.';
}

struct changed {
	const char *name;
	void (*change)(struct netdef *d);
	const char *want;
};

static const struct changed changes[] = {
	{ "mem_name", set_name,
	  O ": <name>: must be 1 to 64 letters, digits or ._+:- and not start with . or -" },
	{ "mem_mtu", set_mtu, O ": <mtu size>: 67 is not from 68 to 65535" },
	{ "mem_mac", set_mac, O ": <mac address>: not a unicast, non-zero address" },
	/* a <hostname> has no line of its own: its <host>'s */
	{ "mem_dns_hostname", set_dns_hostname, O ":9: <hostname>: not a valid DNS name: ' '" },
	{ "mem_host_name", set_host_name, O ":5: <host name>: not a valid DNS name: '.'" },
};

#define N_CHANGES (sizeof(changes) / sizeof(changes[0]))

static void run_change(void **state)
{
	const struct changed *c = *state;
	struct netdef *def = NULL;
	struct netdef_error err;
	char got[1024];

	assert_int_equal(netdef_parse(BASE, strlen(BASE), O, &def, &err), 0);
	c->change(def);
	memset(&err, 0, sizeof(err));
	snprintf(err.file, sizeof(err.file), "%s", O);
	assert_int_equal(netdef_validate(def, &err), NETDEF_E_INVALID);
	netdef_free(def);
	netdef_error_format(&err, got, sizeof(got));
	if (strcmp(got, c->want)) {
		print_error("%s:\n want '%s'\n  got '%s'\n", c->name, c->want, got);
		fail();
	}
}

static void run_case(void **state)
{
	const struct refusal *c = *state;
	struct netdef *def = NULL;
	struct netdef_error err;
	char got[1024];
	int rc;

	rc = netdef_parse(c->xml, strlen(c->xml), O, &def, &err);
	if (rc >= 0) {
		netdef_free(def);
		print_error("%s: accepted, want '%s'\n", c->name, c->want);
		fail();
	}
	netdef_error_format(&err, got, sizeof(got));
	if (strcmp(got, c->want)) {
		print_error("%s:\n want '%s'\n  got '%s'\n", c->name, c->want, got);
		fail();
	}
}

int main(void)
{
	struct CMUnitTest *tests = calloc(N_CASES + N_CHANGES, sizeof(*tests));
	size_t i;
	int failed;

	if (!tests)
		return 1;
	for (i = 0; i < N_CASES; i++) {
		tests[i].name = cases[i].name;
		tests[i].test_func = run_case;
		tests[i].initial_state = (void *)&cases[i];
	}
	for (i = 0; i < N_CHANGES; i++) {
		tests[N_CASES + i].name = changes[i].name;
		tests[N_CASES + i].test_func = run_change;
		tests[N_CASES + i].initial_state = (void *)&changes[i];
	}
	failed = _cmocka_run_group_tests("netdef_refusal_messages", tests, N_CASES + N_CHANGES,
					 NULL, NULL);
	free(tests);
	return failed ? 1 : 0;
}
