/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for DNS over IPv6: DHCPv6 lease names (dns_lease_name_set()
 * with an AF_INET6 address) as AAAA and ip6.arpa PTR, their removal and
 * expiry, one name on an IPv4 and an IPv6 lease (dual stack), the ip6.arpa
 * zone of a localPtr prefix against a prefix without it and a foreign one,
 * query sources over IPv6 (the prefix, link-local, nothing else), and the
 * definition's IPv6 parts turned into the server's configuration
 * (dns_setup_build): nets, <dns><host> and DHCPv6 hosts as AAAA, IPv6
 * forwarders, the server's own addresses.
 */
#include "tests/unit/dns_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "netd/adapt/adapt.h"
#include "netd/def/netdef.h"

#define LEASE_MS (3600 * 1000LL)

struct x6 {
	struct dns_server *srv;
	struct fx_rng rng;
	struct dns_net nets[3];
	struct dns_host host;
	struct dns_ip up;
	struct dns_config c;
	uint8_t out[DNS_MSG_MAX];
	struct dns_action act;
};

/*
 * example.com, localOnly; 192.168.122.1/24, fd00:1::1/64 with localPtr,
 * fd00:2::1/64 without; static v6host = fd00:1::5; upstream 2001:db8::53.
 */
static int setup(void **state)
{
	struct x6 *x = calloc(1, sizeof(*x));

	x->nets[0] = (struct dns_net){ fx_ip("192.168.122.1"), 24, false };
	x->nets[1] = (struct dns_net){ fx_ip("fd00:1::1"), 64, true };
	x->nets[2] = (struct dns_net){ fx_ip("fd00:2::1"), 64, false };
	x->host.name = "v6host";
	x->host.ip = fx_ip("fd00:1::5");
	x->up = fx_ip("2001:db8::53");
	x->c.domain = "example.com";
	x->c.local_only = true;
	x->c.nets = x->nets;
	x->c.n_nets = 3;
	x->c.hosts = &x->host;
	x->c.n_hosts = 1;
	x->c.upstreams = &x->up;
	x->c.n_upstreams = 1;
	x->c.expected_names = 16;
	x->rng.x = 7;
	x->c.random = fx_random;
	x->c.random_userdata = &x->rng;
	assert_int_equal(dns_server_new(&x->c, &x->srv, NULL), 0);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct x6 *x = *state;

	dns_server_free(x->srv);
	free(x);
	return 0;
}

static int lease(struct x6 *x, const char *addr, const char *name, int64_t expires)
{
	struct dns_ip a = fx_ip(addr);

	return dns_lease_name_set(x->srv, &a, name, expires);
}

static void ask_from(struct x6 *x, const char *from, const char *name, uint16_t type,
		     int64_t now)
{
	struct dns_client c = fx_client(from, DNS_UDP);
	uint8_t q[300];
	size_t n = fx_query(q, 0x4242, name, type);

	assert_int_equal(dns_server_handle_query(x->srv, q, n, &c, now, x->out, 4096, &x->act),
			 0);
}

static void ask(struct x6 *x, const char *name, uint16_t type)
{
	ask_from(x, "fd00:1::77", name, type, FX_NOW);
}

/* The answer section of the last reply: exactly one record, its type and rdata. */
static struct wire_reader one_answer(struct x6 *x, uint16_t want_type, uint16_t *rdlen)
{
	struct dns_msg m;
	struct wire_reader rd;
	struct dns_name n;
	uint16_t type, cls;
	uint32_t ttl;

	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_int_equal(dns_msg_parse(x->out, x->act.len, true, &m), 0);
	assert_int_equal(m.ancount, 1);
	wire_rd_init(&rd, x->out, x->act.len);
	assert_true(wire_rd_skip(&rd, m.question_end));
	assert_int_equal(dns_name_read(&rd, &n), 0);
	assert_true(wire_rd_u16(&rd, &type) && wire_rd_u16(&rd, &cls));
	assert_true(wire_rd_u32(&rd, &ttl) && wire_rd_u16(&rd, rdlen));
	assert_int_equal(type, want_type);
	assert_int_equal(cls, DNS_C_IN);
	return rd;
}

static void assert_aaaa(struct x6 *x, const char *name, const char *addr)
{
	struct dns_ip want = fx_ip(addr);
	struct wire_reader rd;
	uint16_t rdlen;

	ask(x, name, DNS_T_AAAA);
	rd = one_answer(x, DNS_T_AAAA, &rdlen);
	assert_int_equal(rdlen, 16);
	assert_true(rd.pos + 16 <= x->act.len);
	assert_memory_equal(x->out + rd.pos, want.bytes, 16);
}

/* "fd00:1::100" -> "0.0.1.0.0.0...1.0.0.d.f.ip6.arpa" */
static void rev6(const char *addr, char *buf)
{
	struct dns_ip a = fx_ip(addr);
	int i;

	for (i = 15; i >= 0; i--) {
		sprintf(buf, "%x.%x.", a.bytes[i] & 0xf, a.bytes[i] >> 4);
		buf += 4;
	}
	strcpy(buf, "ip6.arpa");
}

/* The PTR of `addr` is exactly the name `fqdn`. */
static void assert_ptr6(struct x6 *x, const char *addr, const char *fqdn)
{
	char rev[80];
	uint8_t want[DNS_NAME_MAX];
	struct wire_reader rd;
	struct dns_name n;
	uint16_t rdlen;
	size_t wlen = fx_put_name(want, fqdn);

	rev6(addr, rev);
	ask(x, rev, DNS_T_PTR);
	rd = one_answer(x, DNS_T_PTR, &rdlen);
	assert_int_equal(dns_name_read(&rd, &n), 0);
	assert_int_equal(n.len, wlen);
	assert_memory_equal(n.b, want, wlen);
}

static void assert_rcode(struct x6 *x, const char *name, uint16_t type, int rcode)
{
	ask(x, name, type);
	assert_int_equal(fx_rcode(&x->act, x->out), rcode);
}

static void test_lease6_aaaa_and_ptr(void **state)
{
	struct x6 *x = *state;

	assert_int_equal(lease(x, "fd00:1::100", "guest6", FX_NOW + LEASE_MS), 0);
	assert_aaaa(x, "guest6.example.com", "fd00:1::100");
	assert_aaaa(x, "guest6", "fd00:1::100");
	assert_ptr6(x, "fd00:1::100", "guest6.example.com");
	/* No A for it: the name exists, NODATA. */
	ask(x, "guest6.example.com", DNS_T_A);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_int_equal(x->out[6] << 8 | x->out[7], 0);
	/* A lease in the prefix without localPtr is answered too (PTR of a known name). */
	assert_int_equal(lease(x, "fd00:2::9", "other6", FX_NOW + LEASE_MS), 0);
	assert_ptr6(x, "fd00:2::9", "other6.example.com");
}

static void test_lease6_removed(void **state)
{
	struct x6 *x = *state;
	size_t base = dns_table_count(x->srv);
	char rev[80];

	assert_int_equal(lease(x, "fd00:1::100", "guest6", FX_NOW + LEASE_MS), 0);
	assert_int_equal(lease(x, "fd00:1::100", "renamed6", FX_NOW + LEASE_MS), 0);
	assert_int_equal(dns_table_count(x->srv), base + 1);
	assert_rcode(x, "guest6.example.com", DNS_T_AAAA, DNS_R_NXDOMAIN);
	assert_ptr6(x, "fd00:1::100", "renamed6.example.com");
	assert_int_equal(lease(x, "fd00:1::100", NULL, 0), 0);
	assert_int_equal(dns_table_count(x->srv), base);
	assert_rcode(x, "renamed6.example.com", DNS_T_AAAA, DNS_R_NXDOMAIN);
	/* localPtr: an unknown address in the prefix is NXDOMAIN here, never forwarded */
	rev6("fd00:1::100", rev);
	assert_rcode(x, rev, DNS_T_PTR, DNS_R_NXDOMAIN);
	/* the name is free for another address */
	assert_int_equal(lease(x, "fd00:1::101", "guest6", FX_NOW + LEASE_MS), 0);
	assert_aaaa(x, "guest6", "fd00:1::101");
}

static void test_lease6_expiry(void **state)
{
	struct x6 *x = *state;
	char rev[80];

	assert_int_equal(lease(x, "fd00:1::100", "brief6", FX_NOW + 1000), 0);
	ask_from(x, "fd00:1::77", "brief6.example.com", DNS_T_AAAA, FX_NOW + 999);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_int_equal(x->out[7], 1);
	ask_from(x, "fd00:1::77", "brief6.example.com", DNS_T_AAAA, FX_NOW + 1000);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NXDOMAIN);
	rev6("fd00:1::100", rev);
	ask_from(x, "fd00:1::77", rev, DNS_T_PTR, FX_NOW + 2000);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NXDOMAIN);
}

/* One guest, two leases, one name: A from the IPv4 lease, AAAA from the IPv6 one. */
static void test_dual_stack_name(void **state)
{
	struct x6 *x = *state;
	struct wire_reader rd;
	uint16_t rdlen;

	assert_int_equal(lease(x, "192.168.122.50", "dual", FX_NOW + LEASE_MS), 0);
	assert_int_equal(lease(x, "fd00:1::50", "dual", FX_NOW + LEASE_MS), 0);
	assert_aaaa(x, "dual", "fd00:1::50");
	ask(x, "dual", DNS_T_A);
	rd = one_answer(x, DNS_T_A, &rdlen);
	assert_int_equal(rdlen, 4);
	assert_memory_equal(x->out + rd.pos, fx_ip("192.168.122.50").bytes, 4);
	/* the same family still has one holder: the first keeps it */
	assert_int_equal(lease(x, "fd00:1::51", "dual", FX_NOW + LEASE_MS), -EEXIST);
	assert_int_equal(lease(x, "192.168.122.51", "dual", FX_NOW + LEASE_MS), -EEXIST);
	assert_aaaa(x, "dual", "fd00:1::50");
	/* a static AAAA name is not a lease's */
	assert_int_equal(lease(x, "fd00:1::52", "v6host", FX_NOW + LEASE_MS), -EEXIST);
	assert_int_equal(lease(x, "fd00:1::5", "v6host", FX_NOW + LEASE_MS), 0);
	assert_aaaa(x, "v6host", "fd00:1::5");
	assert_ptr6(x, "fd00:1::5", "v6host.example.com");
}

/* Reverse names the server does not own go upstream, as for IPv4; localPtr ones never. */
static void test_ptr6_zones(void **state)
{
	struct x6 *x = *state;
	char rev[80];
	struct dns_ip up = fx_ip("2001:db8::53");

	rev6("fd00:2::77", rev);                 /* ours, without localPtr */
	ask(x, rev, DNS_T_PTR);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&x->act.peer.ip, &up));
	assert_int_equal(x->act.peer.port, 53);
	rev6("2001:db8:ffff::1", rev);           /* nobody's */
	ask(x, rev, DNS_T_PTR);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	rev6("fd00:1::77", rev);                 /* localPtr: the zone is ours */
	assert_rcode(x, rev, DNS_T_PTR, DNS_R_NXDOMAIN);
	/* the zone apex (fd00:1::/64 -> 16 nibbles) exists: NOERROR, no records */
	assert_rcode(x, "0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa", DNS_T_PTR, DNS_R_NOERROR);
	assert_int_equal(x->out[6] << 8 | x->out[7], 0);
}

static void test_sources6(void **state)
{
	struct x6 *x = *state;

	ask_from(x, "fd00:2::1234", "v6host.example.com", DNS_T_AAAA, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	ask_from(x, "fe80::5054:ff:fe12:3456", "v6host.example.com", DNS_T_AAAA, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	ask_from(x, "febf::1", "v6host.example.com", DNS_T_AAAA, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	ask_from(x, "fec0::1", "v6host.example.com", DNS_T_AAAA, FX_NOW);   /* not link-local */
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_REFUSED);
	ask_from(x, "2001:db8:99::1", "v6host.example.com", DNS_T_AAAA, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_REFUSED);
	ask_from(x, "fd00:3::1", "anything.else.test", DNS_T_A, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_REFUSED);
	ask_from(x, "10.9.9.9", "v6host.example.com", DNS_T_AAAA, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_REFUSED);
}

/* A network with no IPv6 prefix takes no link-local asker either. */
static void test_link_local_needs_ipv6_net(void **state)
{
	struct x6 *x = *state;

	dns_server_free(x->srv);
	x->c.n_nets = 1;
	x->c.n_hosts = 0;
	assert_int_equal(dns_server_new(&x->c, &x->srv, NULL), 0);
	ask_from(x, "fe80::1", "example.com", DNS_T_SOA, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_REFUSED);
}

/* ---- the definition's IPv6 parts as the server's configuration ---- */

static const char dual_xml[] =
	"<network>\n"
	"  <name>d6</name>\n"
	"  <bridge name='vd6' stp='off'/>\n"
	"  <domain name='example.com' localOnly='yes'/>\n"
	"  <dns>\n"
	"    <forwarder addr='2001:db8::53'/>\n"
	"    <forwarder domain='corp.test' addr='2001:db8::54'/>\n"
	"    <host ip='fd00:1::7'><hostname>web6</hostname><hostname>www6</hostname></host>\n"
	"    <host ip='192.168.50.7'><hostname>web4</hostname></host>\n"
	"  </dns>\n"
	"  <ip address='192.168.50.1' prefix='24'/>\n"
	"  <ip family='ipv6' address='fd00:1::1' prefix='64' localPtr='yes'>\n"
	"    <dhcp>\n"
	"      <range start='fd00:1::100' end='fd00:1::1ff'/>\n"
	"      <host name='paul' ip='fd00:1::21'/>\n"
	"      <host id='0:4:7e:7d:f0:7d:a8:bc:c5:d2:13:32:11:ed:16:ea:84:63' ip='fd00:1::22'/>\n"
	"    </dhcp>\n"
	"  </ip>\n"
	"  <ip family='ipv6' address='fd00:2::1' prefix='56'/>\n"
	"</network>\n";

static struct netdef *parse_ok(const char *xml)
{
	struct netdef *def = NULL;
	struct netdef_error err;

	if (netdef_parse(xml, strlen(xml), "t.xml", &def, &err) < 0)
		fail_msg("%u: %s: %s", err.line, err.field, err.message);
	return def;
}

static void test_def_round_trip(void **state)
{
	struct netdef *def = parse_ok(dual_xml), *again;
	char *text = netdef_format(def);

	(void)state;
	assert_true(def->dns.hosts[0].ip_is_ipv6);
	assert_false(def->dns.hosts[1].ip_is_ipv6);
	assert_true(def->dns.forwarders[1].addr_is_ipv6);
	assert_non_null(strstr(text, "<forwarder addr='2001:db8::53'/>"));
	assert_non_null(strstr(text, "<forwarder domain='corp.test' addr='2001:db8::54'/>"));
	assert_non_null(strstr(text, "<host ip='fd00:1::7'>"));
	again = parse_ok(text);
	assert_true(netdef_equal(def, again));
	/* a changed IPv6 host address is a change */
	again->dns.hosts[0].ip6.s6_addr[15] = 8;
	assert_false(netdef_equal(def, again));
	free(text);
	netdef_free(again);
	netdef_free(def);
}

static void test_def_bad_ipv6_host(void **state)
{
	static const char xml[] =
		"<network><name>b6</name><dns><host ip='fd00::1::2'><hostname>x</hostname>"
		"</host></dns><ip address='192.168.50.1' prefix='24'/></network>";
	struct netdef *def = NULL;
	struct netdef_error err;

	(void)state;
	assert_int_equal(netdef_parse(xml, strlen(xml), "t.xml", &def, &err), NETDEF_E_INVALID);
	assert_null(def);
	assert_string_equal(err.field, "<host ip>");
}

static bool ip_is(const struct dns_ip *ip, const char *text)
{
	struct dns_ip want = fx_ip(text);

	return dns_ip_eq(ip, &want);
}

static bool has_host(const struct dns_config *c, const char *name, const char *addr)
{
	struct dns_ip a = fx_ip(addr);
	size_t i;

	for (i = 0; i < c->n_hosts; i++)
		if (!strcmp(c->hosts[i].name, name) && dns_ip_eq(&c->hosts[i].ip, &a))
			return true;
	return false;
}

static void test_setup_from_def(void **state)
{
	struct netdef *def = parse_ok(dual_xml);
	struct dns_setup s;
	struct dns_ip self[DNS_SETUP_MAX_SELF];
	const char resolv[] = "nameserver fd00:1::1\nnameserver 2001:db8::99\n";
	char msg[200];

	(void)state;
	assert_int_equal(dns_setup_build(def, resolv, sizeof(resolv) - 1, &s, msg, sizeof(msg)),
			 1);
	assert_int_equal(s.cfg.n_nets, 3);
	assert_true(ip_is(&s.cfg.nets[1].addr, "fd00:1::1"));
	assert_int_equal(s.cfg.nets[1].prefix, 64);
	assert_true(s.cfg.nets[1].local_ptr);
	assert_true(ip_is(&s.cfg.nets[2].addr, "fd00:2::1"));
	assert_int_equal(s.cfg.nets[2].prefix, 56);
	assert_false(s.cfg.nets[2].local_ptr);
	assert_int_equal(s.cfg.n_hosts, 4);     /* web6, www6, web4, paul (the DUID host has no name) */
	assert_true(has_host(&s.cfg, "web6", "fd00:1::7"));
	assert_true(has_host(&s.cfg, "www6", "fd00:1::7"));
	assert_true(has_host(&s.cfg, "web4", "192.168.50.7"));
	assert_true(has_host(&s.cfg, "paul", "fd00:1::21"));
	assert_true(ip_is(&s.cfg.forwarders[0].addr, "2001:db8::53"));
	/* the server's own IPv6 address is never an upstream */
	assert_int_equal(s.cfg.n_upstreams, 1);
	assert_true(ip_is(&s.cfg.upstreams[0], "2001:db8::99"));
	/* 256 range addresses + 2 hosts on top of the IPv4 /24 */
	assert_int_equal(s.cfg.max_dynamic, 256 + 256 + 2);
	assert_int_equal(dns_setup_self(def, self, DNS_SETUP_MAX_SELF), 3);
	assert_true(ip_is(&self[2], "fd00:2::1"));
	dns_setup_free(&s);
	netdef_free(def);
}

/* A bridge holds 16 addresses of each family: the server is all of them. */
static void test_setup_self_both_families_full(void **state)
{
	char xml[4096], a[64];
	size_t n = 0;
	struct netdef *def;
	struct dns_ip self[DNS_SETUP_MAX_SELF];
	int i;

	(void)state;
	n += (size_t)snprintf(xml + n, sizeof(xml) - n, "<network><name>many</name>");
	for (i = 1; i <= 16; i++)
		n += (size_t)snprintf(xml + n, sizeof(xml) - n,
				      "<ip address='10.%d.0.1' prefix='24'/>"
				      "<ip family='ipv6' address='fd00:%x::1' prefix='64'/>", i, i);
	snprintf(xml + n, sizeof(xml) - n, "</network>");
	def = parse_ok(xml);
	assert_int_equal(dns_setup_self(def, self, DNS_SETUP_MAX_SELF), 32);
	assert_true(ip_is(&self[15], "10.16.0.1"));
	assert_true(ip_is(&self[16], "fd00:1::1"));
	assert_true(ip_is(&self[31], "fd00:10::1"));
	inet_ntop(AF_INET6, self[31].bytes, a, sizeof(a));
	assert_string_equal(a, "fd00:10::1");
	netdef_free(def);
}

/* The built configuration serves: AAAA and PTR of a DHCPv6 host, IPv6 forwarding. */
static void test_setup_serves(void **state)
{
	struct x6 *x = *state;
	struct netdef *def = parse_ok(dual_xml);
	struct dns_setup s;
	struct dns_ip fwd = fx_ip("2001:db8::53");
	char msg[200];

	assert_int_equal(dns_setup_build(def, NULL, 0, &s, msg, sizeof(msg)), 1);
	dns_server_free(x->srv);
	assert_int_equal(dns_server_new(&s.cfg, &x->srv, NULL), 0);
	assert_aaaa(x, "paul.example.com", "fd00:1::21");
	assert_ptr6(x, "fd00:1::21", "paul.example.com");
	assert_aaaa(x, "www6", "fd00:1::7");
	ask(x, "www.elsewhere.test", DNS_T_AAAA);
	assert_int_equal(x->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&x->act.peer.ip, &fwd));
	ask_from(x, "fe80::1", "paul", DNS_T_AAAA, FX_NOW);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	dns_setup_free(&s);
	netdef_free(def);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_lease6_aaaa_and_ptr),
		T(test_lease6_removed),
		T(test_lease6_expiry),
		T(test_dual_stack_name),
		T(test_ptr6_zones),
		T(test_sources6),
		T(test_link_local_needs_ipv6_net),
		cmocka_unit_test(test_def_round_trip),
		cmocka_unit_test(test_def_bad_ipv6_host),
		cmocka_unit_test(test_setup_from_def),
		cmocka_unit_test(test_setup_self_both_families_full),
		T(test_setup_serves),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
