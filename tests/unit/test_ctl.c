/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol (netd/ctl): the one request parser refuses whatever
 * it does not know with a message saying what, and what the writers write
 * it reads back; replies and the counters' lines likewise. Then `update`'s
 * editor (netd/def/update.c) with virsh net-update's rules, and the diff
 * that reload decides by.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/ctl/ctl.h"
#include "netd/def/netdef.h"

/* ---- requests ---- */

static void test_request_round_trip(void **state)
{
	struct ctl_arg a = { "origin", "reload" };
	struct ctl_request req;
	char buf[256], msg[200];
	int n;

	n = ctl_request_format(buf, sizeof(buf), CTL_APPLY, &a, 1, "<network/>", 10);
	assert_int_equal(n, (int)strlen("apply\norigin=reload\n\n<network/>"));
	assert_memory_equal(buf, "apply\norigin=reload\n\n<network/>", (size_t)n);
	assert_int_equal(ctl_request_parse(buf, (size_t)n, &req, msg, sizeof(msg)), 0);
	assert_int_equal(req.verb, CTL_APPLY);
	assert_string_equal(ctl_request_arg(&req, "origin"), "reload");
	assert_null(ctl_request_arg(&req, "other"));
	assert_int_equal(req.body_len, 10);
	assert_memory_equal(req.body, "<network/>", 10);

	n = ctl_request_format(buf, sizeof(buf), CTL_STATS, NULL, 0, NULL, 0);
	assert_int_equal(n, 6);
	assert_int_equal(ctl_request_parse(buf, (size_t)n, &req, msg, sizeof(msg)), 0);
	assert_int_equal(req.verb, CTL_STATS);
	assert_null(req.body);

	/* `stats --reset-loop`: the one key stats takes */
	a = (struct ctl_arg){ "reset", "loop" };
	n = ctl_request_format(buf, sizeof(buf), CTL_STATS, &a, 1, NULL, 0);
	assert_int_equal(n, (int)strlen("stats\nreset=loop\n"));
	assert_memory_equal(buf, "stats\nreset=loop\n", (size_t)n);
	assert_int_equal(ctl_request_parse(buf, (size_t)n, &req, msg, sizeof(msg)), 0);
	assert_int_equal(req.verb, CTL_STATS);
	assert_string_equal(ctl_request_arg(&req, "reset"), "loop");
}

struct bad_request {
	const char *text;
	int code;
	const char *message;
};

static const struct bad_request bad_requests[] = {
	{ "", -EINVAL, "a request starts with a verb line" },
	{ "stats", -EINVAL, "a request starts with a verb line" },
	{ "reboot\n", -EINVAL, "unknown verb 'reboot'" },
	{ "Stats\n", -EINVAL, "a request starts with a verb of lowercase letters" },
	{ "stats\nfoo=1\n", -EINVAL, "'stats' takes no argument 'foo'" },
	{ "ping\nreset=loop\n", -EINVAL, "'ping' takes no argument 'reset'" },
	{ "apply\norigin=a\norigin=b\n\nx", -EINVAL, "'apply': 'origin' given twice" },
	{ "apply\norigin\n\nx", -EINVAL, "'apply' takes lines of key=value, printable ASCII" },
	{ "apply\nOrigin=x\n\nx", -EINVAL, "'apply': a key is lowercase letters and '_'" },
	{ "apply\norigin=\x01\n\nx", -EINVAL, "'apply' takes lines of key=value, printable ASCII" },
	{ "apply\n", -EINVAL, "'apply' needs a body" },
	{ "apply\n\n", -EINVAL, "'apply' needs a body" },
	{ "ping\n\nbody", -EINVAL, "'ping' takes no body" },
	{ "ping\nx", -EINVAL, "'ping': the last line has no newline" },
};

static void test_request_refusals(void **state)
{
	struct ctl_request req;
	char msg[200], buf[64];
	size_t i;

	for (i = 0; i < sizeof(bad_requests) / sizeof(bad_requests[0]); i++) {
		const struct bad_request *b = &bad_requests[i];

		msg[0] = '\0';
		assert_int_equal(ctl_request_parse(b->text, strlen(b->text), &req, msg, sizeof(msg)),
				 b->code);
		assert_string_equal(msg, b->message);
	}
	/* a NUL byte in a body, and a value too long for the parser's buffers */
	assert_int_equal(ctl_request_parse("apply\n\na\0b", 10, &req, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "'apply': the body holds a NUL byte");
	memset(buf, 'x', sizeof(buf));
	memcpy(buf, "apply\norigin=", 13);
	buf[sizeof(buf) - 1] = '\n';
	assert_int_equal(ctl_request_parse(buf, sizeof(buf), &req, msg, sizeof(msg)), -EINVAL);
	assert_int_equal(ctl_request_format(buf, sizeof(buf), CTL_VERBS, NULL, 0, NULL, 0), -EINVAL);
	assert_int_equal(ctl_request_format(buf, 4, CTL_STATS, NULL, 0, NULL, 0), -EMSGSIZE);
}

static void test_request_size_bound(void **state)
{
	size_t len = CTL_MSG_MAX + 1;
	char *big = malloc(len), msg[200];
	struct ctl_request req;

	assert_non_null(big);
	memset(big, 'x', len);
	memcpy(big, "apply\n\n", 7);
	assert_int_equal(ctl_request_parse(big, len, &req, msg, sizeof(msg)), -EMSGSIZE);
	assert_string_equal(msg, "a request is at most 2097152 bytes");
	assert_int_equal(ctl_request_parse(big, len - 1, &req, msg, sizeof(msg)), 0);
	free(big);
}

/* ---- replies and counters ---- */

static void test_replies(void **state)
{
	enum ctl_reply_kind kind;
	const char *text;
	char buf[64], msg[100];
	size_t len;
	int n;

	n = ctl_reply_format(buf, sizeof(buf), CTL_REPLY_ERROR, "bad\nthing", 9);
	assert_int_equal(n, 9);
	assert_memory_equal(buf, "error bad", 9);
	n = ctl_reply_format(buf, sizeof(buf), CTL_REPLY_ERROR, "a\tb", 3);
	assert_memory_equal(buf, "error a?b", 9);
	assert_int_equal(ctl_reply_parse(buf, (size_t)n, &kind, &text, &len, msg, sizeof(msg)), 0);
	assert_int_equal(kind, CTL_REPLY_ERROR);
	assert_int_equal(len, 3);
	n = ctl_reply_format(buf, sizeof(buf), CTL_REPLY_EVENT, "{}", 2);
	assert_int_equal(ctl_reply_parse(buf, (size_t)n, &kind, &text, &len, msg, sizeof(msg)), 0);
	assert_int_equal(kind, CTL_REPLY_EVENT);
	assert_memory_equal(text, "{}", 2);
	assert_int_equal(ctl_reply_parse("okay", 4, &kind, &text, &len, msg, sizeof(msg)), -EINVAL);
	assert_string_equal(msg, "the daemon's reply is not 'ok', 'error' or 'event'");
	assert_int_equal(ctl_reply_format(buf, 4, CTL_REPLY_OK, "12345", 5), -EMSGSIZE);
}

struct kv_seen {
	char names[4][64];
	uint64_t values[4];
	size_t n;
};

static void note_kv(void *ctx, const char *name, uint64_t value)
{
	struct kv_seen *s = ctx;

	if (s->n < 4) {
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", name);
		s->values[s->n++] = value;
	}
}

static void test_counters(void **state)
{
	static const char ok[] = "dhcp_ack 3\ndns_queries 18446744073709551615\n";
	static const char *const bad[] = {
		"dhcp_ack\n", "dhcp_ack x\n", "Dhcp 1\n", "a 18446744073709551616\n", " 1\n",
		"a 1 2\n", "a \n",
	};
	struct kv_seen s = { 0 };
	char msg[100];
	size_t i;

	assert_int_equal(ctl_kv_parse(ok, strlen(ok), note_kv, &s, msg, sizeof(msg)), 0);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.names[1], "dns_queries");
	assert_true(s.values[0] == 3 && s.values[1] == UINT64_MAX);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&s, 0, sizeof(s));
		assert_int_equal(ctl_kv_parse(bad[i], strlen(bad[i]), note_kv, &s, msg, sizeof(msg)),
				 -EINVAL);
		assert_string_equal(msg, "line 1 of the counters is not 'name number'");
	}
}

static void test_events(void **state)
{
	static const char granted[] =
		"{\"time\":1700000000,\"network\":\"default\",\"event\":\"lease-granted\","
		"\"ip\":\"192.168.122.5\",\"mac\":\"52:54:00:00:00:01\",\"hostname\":\"a\\\"b\","
		"\"renewed\":false,\"expires\":1700003600,\"port\":\"vnet0\"}";
	static const char *const bad[] = {
		"", "{}", "[]", "{\"event\":\"x\"}", "{\"network\":\"n\",\"event\":\"x\"",
		"{\"network\":\"n\",\"event\":\"x\"} x", "{\"network\":\"n\" \"event\":\"x\"}",
		"{\"network\":\"n\",\"event\":\"x\",\"k\":{}}",
		"{\"network\":\"n\",\"event\":\"x\x01\"}",
	};
	struct ctl_event ev;
	size_t i;

	assert_int_equal(ctl_event_parse(granted, strlen(granted), &ev), 0);
	assert_string_equal(ev.time, "1700000000");
	assert_string_equal(ev.network, "default");
	assert_string_equal(ev.event, "lease-granted");
	assert_string_equal(ev.ip, "192.168.122.5");
	assert_string_equal(ev.mac, "52:54:00:00:00:01");
	assert_string_equal(ev.hostname, "a\\\"b");      /* escapes kept as written */
	assert_string_equal(ev.renewed, "false");
	assert_string_equal(ev.expires, "1700003600");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(ctl_event_parse(bad[i], strlen(bad[i]), &ev), -EINVAL);
}

/* ---- update and diff ---- */

static const char base_xml[] =
	"<network><name>n</name><uuid>0a1b2c3d-0000-4000-8000-000000000001</uuid>\n"
	"<bridge name='br9'/>\n"
	"<ip address='10.1.0.1' prefix='24'><dhcp>\n"
	"<range start='10.1.0.10' end='10.1.0.20'/>\n"
	"<host mac='52:54:00:00:00:01' name='a' ip='10.1.0.5'/>\n"
	"</dhcp></ip></network>\n";

static struct netdef *base(void)
{
	struct netdef *def = NULL;

	assert_int_equal(netdef_parse(base_xml, strlen(base_xml), "t", &def, NULL), 0);
	return def;
}

static void expect_update(enum netdef_update_cmd cmd, const char *section, const char *xml,
			  int code, const char *message)
{
	struct netdef *def = base();
	struct netdef_error err;
	char buf[512];

	assert_int_equal(netdef_update(def, cmd, section, xml, &err), code);
	netdef_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, message);
	netdef_free(def);
}

static void test_update_refusals(void **state)
{
	expect_update(NETDEF_UPDATE_ADD, "ip-dhcp-host",
		      "<host mac='52:54:00:00:00:02' name='A' ip='10.1.0.6'/>", NETDEF_E_INVALID,
		      "update: <host>: there is an existing dhcp host entry in network 'n' that "
		      "matches \"<host mac='52:54:00:00:00:02' name='A' ip='10.1.0.6'/>\"");
	expect_update(NETDEF_UPDATE_DELETE, "ip-dhcp-host", "<host mac='52:54:00:00:00:09'/>",
		      NETDEF_E_INVALID, "update: <host>: couldn't locate a matching dhcp host "
		      "entry in network 'n'");
	expect_update(NETDEF_UPDATE_MODIFY, "ip-dhcp-host",
		      "<host mac='52:54:00:00:00:09' ip='10.1.0.9'/>", NETDEF_E_INVALID,
		      "update: <host>: couldn't locate an existing dhcp host entry with "
		      "\"mac='52:54:00:00:00:09'\" \"name=''\" \"ip='10.1.0.9'\" in network 'n'");
	expect_update(NETDEF_UPDATE_ADD, "ip-dhcp-range",
		      "<range start='10.1.0.10' end='10.1.0.20'/>", NETDEF_E_INVALID,
		      "update: <range>: there is an existing dhcp range entry in network 'n' "
		      "that matches \"<range start='10.1.0.10' end='10.1.0.20'/>\"");
	expect_update(NETDEF_UPDATE_ADD, "ip-dhcp-range",
		      "<range start='10.1.0.15' end='10.1.0.30'/>", NETDEF_E_INVALID,
		      "the updated definition:1: <range>: overlaps the range on line 4");
	expect_update(NETDEF_UPDATE_DELETE, "dns-txt", "<txt name='t' value='v'/>",
		      NETDEF_E_INVALID, "update: <txt>: couldn't locate a matching DNS TXT record "
		      "in network n");
	expect_update(NETDEF_UPDATE_ADD, "portgroup", "<portgroup name='x'/>",
		      NETDEF_E_UNSUPPORTED, "update: section portgroup cannot be changed by "
		      "update (edit the definition, then reload or restart the network)");
	expect_update(NETDEF_UPDATE_ADD, "ip-dhcp-hosts", "<host/>", NETDEF_E_INVALID,
		      "update: unknown section 'ip-dhcp-hosts' (one of ip-dhcp-host, "
		      "ip-dhcp-range, dns-host, dns-srv, dns-txt)");
	expect_update(NETDEF_UPDATE_ADD, "dns-txt", "<!DOCTYPE x><txt name='a' value='b'/>",
		      NETDEF_E_INVALID, "fragment:1: <!DOCTYPE>: document type declarations are "
		      "not accepted");
	expect_update(NETDEF_UPDATE_ADD, "dns-txt", "<?xml version='1.0'?><txt/>",
		      NETDEF_E_INVALID, "fragment:1: give the element alone, without an "
		      "<?xml ...?> declaration");
}

static void test_update_edits(void **state)
{
	struct netdef *def = base(), *before = base();
	struct netdef_error err;

	assert_int_equal(netdef_update(def, NETDEF_UPDATE_ADD, "ip-dhcp-host",
				       "<host mac='52:54:00:00:00:02' name='b' ip='10.1.0.6'/>",
				       &err), 0);
	assert_int_equal(def->ips[0].n_hosts, 2);
	assert_int_equal(netdef_diff(before, def), NETDEF_CH_DHCP_HOSTS);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_MODIFY, "ip-dhcp-host",
				       "<host mac='52:54:00:00:00:02' name='c' ip='10.1.0.7'/>",
				       &err), 0);
	assert_string_equal(def->ips[0].hosts[1].name, "c");
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_DELETE, "ip-dhcp-host",
				       "<host mac='52:54:00:00:00:02'/>", &err), 0);
	assert_true(netdef_equal(before, def));
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_ADD, "ip-dhcp-range",
				       "<range start='10.1.0.100' end='10.1.0.110'/>", &err), 0);
	assert_int_equal(netdef_diff(before, def), NETDEF_CH_DHCP_RANGES);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_DELETE, "ip-dhcp-range",
				       "<range start='10.1.0.100' end='10.1.0.110'/>", &err), 0);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_ADD, "dns-txt",
				       "<txt name='t' value='v'/>", &err), 0);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_ADD, "dns-srv",
				       "<srv service='s' protocol='tcp' target='x' port='1'/>",
				       &err), 0);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_ADD, "dns-host",
				       "<host ip='10.1.0.3'><hostname>h</hostname></host>", &err), 0);
	assert_int_equal(netdef_diff(before, def),
			 NETDEF_CH_DNS_TXT | NETDEF_CH_DNS_SRV | NETDEF_CH_DNS_HOSTS);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_DELETE, "dns-txt", "<txt name='t' value='v'/>",
				       &err), 0);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_DELETE, "dns-srv",
				       "<srv service='s' protocol='tcp' target='x' port='1'/>",
				       &err), 0);
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_DELETE, "dns-host",
				       "<host ip='10.1.0.3'><hostname>h</hostname></host>", &err), 0);
	assert_int_equal(netdef_diff(before, def), 0);
	/* modify finds the host by its name too (libvirt: MAC, address or name) */
	assert_int_equal(netdef_update(def, NETDEF_UPDATE_MODIFY, "ip-dhcp-host",
				       "<host mac='52:54:00:00:00:09' name='a' ip='10.1.0.9'/>",
				       &err), 0);
	assert_int_equal(def->ips[0].n_hosts, 1);
	assert_int_equal(def->ips[0].hosts[0].mac[5], 9);
	/* virsh's --parent-index picks the <ip> */
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_ADD, "ip-dhcp-range", 0,
					  "<range start='10.1.0.50' end='10.1.0.60'/>", &err), 0);
	assert_int_equal(def->ips[0].n_ranges, 2);
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_ADD, "ip-dhcp-range", 1,
					  "<range start='10.1.0.70' end='10.1.0.80'/>", &err),
			 NETDEF_E_INVALID);
	assert_string_equal(err.message, "network 'n' has no <ip> number 1 (--parent-index counts "
			    "its <ip> elements from 0, IPv4 ones first)");
	netdef_free(def);
	netdef_free(before);
}

/*
 * IPv6 <ip>s in update (virsh net-update's ip-dhcp-host/range with
 * --parent-index counting the IPv4 <ip>s first) and in the diff: DHCPv6
 * hosts change live like IPv4 ones, DHCPv6 ranges need a restart, a changed
 * IPv6 address is the bridge's.
 */
static void test_update_ipv6(void **state)
{
	static const char dual[] =
		"<network><name>d</name><uuid>0b7c7e3a-5d2b-4c55-9d7e-2f00c0ffee09</uuid>"
		"<bridge name='br9'/>\n"
		"<ip address='10.1.0.1' prefix='24'><dhcp>"
		"<range start='10.1.0.10' end='10.1.0.20'/></dhcp></ip>\n"
		"<ip family='ipv6' address='fd00:9::1' prefix='64'><dhcp>"
		"<range start='fd00:9::100' end='fd00:9::1ff'/></dhcp></ip>\n"
		"</network>\n";
	struct netdef *def = NULL, *before = NULL;
	struct netdef_error err;
	char buf[512];

	assert_int_equal(netdef_parse(dual, strlen(dual), "t", &def, NULL), 0);
	assert_int_equal(netdef_parse(dual, strlen(dual), "t", &before, NULL), 0);
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_ADD, "ip-dhcp-host", 1,
					  "<host id='0:1:0:1:2c:0:0:1:52:54:0:0:0:1' name='v6' "
					  "ip='fd00:9::50'/>", &err), 0);
	assert_int_equal(def->ip6s[0].n_hosts, 1);
	assert_int_equal(def->ips[0].n_hosts, 0);
	assert_int_equal(netdef_diff(before, def), NETDEF_CH_DHCP_HOSTS);
	/* the same name again is refused, naming it */
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_ADD, "ip-dhcp-host", 1,
					  "<host name='v6' ip='fd00:9::51'/>", &err),
			 NETDEF_E_INVALID);
	netdef_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "update: <host>: there is an existing dhcp host entry in "
			    "network 'd' that matches \"<host id='' name='v6' ip='fd00:9::51'/>\"");
	/* modify by name, then delete by the DUID alone */
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_MODIFY, "ip-dhcp-host", 1,
					  "<host id='0:1:0:1:2c:0:0:1:52:54:0:0:0:1' name='v6' "
					  "ip='fd00:9::52'/>", &err), 0);
	assert_int_equal(def->ip6s[0].hosts[0].ip.s6_addr[15], 0x52);
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_DELETE, "ip-dhcp-host", 1,
					  "<host id='0:1:0:1:2c:0:0:1:52:54:0:0:0:1'/>", &err), 0);
	assert_int_equal(netdef_diff(before, def), 0);
	/* a DHCPv6 range: a change of its own, which needs a restart */
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_ADD, "ip-dhcp-range", 1,
					  "<range start='fd00:9::200' end='fd00:9::2ff'/>", &err), 0);
	assert_int_equal(netdef_diff(before, def), NETDEF_CH_DHCP6_RANGES);
	assert_string_equal(netdef_change_name(NETDEF_CH_DHCP6_RANGES),
			    "DHCPv6 ranges and lease times");
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_DELETE, "ip-dhcp-range", 1,
					  "<range start='fd00:9::200' end='fd00:9::2ff'/>", &err), 0);
	assert_int_equal(netdef_update_at(def, NETDEF_UPDATE_ADD, "ip-dhcp-host", 2,
					  "<host name='x'/>", &err), NETDEF_E_INVALID);
	/* another IPv6 address is the bridge's change */
	def->ip6s[0].address.s6_addr[15] = 2;
	assert_int_equal(netdef_diff(before, def), NETDEF_CH_ADDRESSES);
	netdef_free(def);
	netdef_free(before);
}

static void test_diff_parts(void **state)
{
	static const char other[] =
		"<network><name>n</name><forward mode='route'/><bridge name='br8'/>\n"
		"<ip address='10.2.0.1' prefix='24'/></network>\n";
	struct netdef *a = base(), *b = NULL;

	assert_int_equal(netdef_parse(other, strlen(other), "t", &b, NULL), 0);
	/* the uuids differ (one generated), addresses too: the DHCP parts are not compared */
	assert_int_equal(netdef_diff(a, b), NETDEF_CH_IDENTITY | NETDEF_CH_FORWARD |
			 NETDEF_CH_BRIDGE | NETDEF_CH_ADDRESSES);
	assert_string_equal(netdef_change_name(NETDEF_CH_BRIDGE), "bridge name");
	assert_string_equal(netdef_change_name(3), "?");
	netdef_free(a);
	netdef_free(b);
}

/* A host clashing with two earlier ones is reported against the earliest, as pair by pair. */
static void test_duplicate_order(void **state)
{
	static const char xml[] =
		"<network><name>n</name><ip address='10.1.0.1' prefix='24'><dhcp>\n"
		"<host mac='52:54:00:00:00:01' name='a' ip='10.1.0.5'/>\n"
		"<host mac='52:54:00:00:00:02' name='b' ip='10.1.0.6'/>\n"
		"<host mac='52:54:00:00:00:02' name='A' ip='10.1.0.7'/>\n"
		"</dhcp></ip></network>\n";
	struct netdef *def = NULL;
	struct netdef_error err;
	char buf[300];

	assert_int_equal(netdef_parse(xml, strlen(xml), "t", &def, &err), NETDEF_E_INVALID);
	netdef_error_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "t:4: <host name>: 'A' is already used on line 2");
	assert_null(def);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request_round_trip),
		cmocka_unit_test(test_request_refusals),
		cmocka_unit_test(test_request_size_bound),
		cmocka_unit_test(test_replies),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_update_refusals),
		cmocka_unit_test(test_update_edits),
		cmocka_unit_test(test_update_ipv6),
		cmocka_unit_test(test_diff_parts),
		cmocka_unit_test(test_duplicate_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
