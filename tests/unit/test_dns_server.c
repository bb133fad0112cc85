/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the DNS server core: local answers, negative answers,
 * forwarding, reply matching, failover and truncation, all in one process
 * against literal queries (dig's bytes) and variants changing one field.
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

#include "dhcp/dns/dns-internal.h"

/* The core's clock, ms: the daemon's monotonic one, some days after boot. */
#define NOW (3 * 86400 * 1000LL)

/* dig @192.168.122.1 web1.example.com (BIND 9.18): RD+AD, EDNS 1232, client cookie. */
static const uint8_t dig_web1[] = {
	0x8a, 0x3f, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	4, 'w', 'e', 'b', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
	0x00, 0x0a, 0x00, 0x08, 0x5b, 0x1e, 0x7c, 0x9a, 0x32, 0x0d, 0xe4, 0x11,
};

/* glibc's stub resolver (getent hosts web1): no EDNS, RD, ID 0x4c21. */
static const uint8_t glibc_web1[] = {
	0x4c, 0x21, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	4, 'w', 'e', 'b', '1', 0, 0x00, 0x01, 0x00, 0x01,
};

struct rng {
	uint32_t x;
};

static uint32_t test_random(void *ud)
{
	struct rng *r = ud;

	r->x ^= r->x << 13;
	r->x ^= r->x >> 17;
	r->x ^= r->x << 5;
	return r->x;
}

struct fx {
	struct dns_server *srv;
	struct rng rng;
	struct dns_client client;
	uint8_t out[DNS_MSG_MAX];
	struct dns_action act;
};

static struct dns_ip ip(const char *s)
{
	struct dns_ip a;

	assert_int_equal(dns_ip_parse(s, &a), 0);
	return a;
}

static struct dns_net net0;
static struct dns_forwarder fwd0[2];
static struct dns_ip ups0[2];
static struct dns_host hosts0[45];
static char many_names[1][8];
static const struct dns_srv srv0[] = {
	{ "ldap", "tcp", "example.com", "db.example.com", 389, 10, 5 },
};
static const struct dns_txt txt0[] = { { "info", "v=spf1 -all" } };

static void base_config(struct dns_config *c, struct rng *r)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	net0.addr = ip("192.168.122.1");
	net0.prefix = 24;
	net0.local_ptr = true;
	fwd0[0].has_addr = true;
	fwd0[0].addr = ip("10.0.0.53");
	fwd0[0].domain = "corp.test";
	fwd0[1].domain = "public.example.com";         /* default upstreams, despite localOnly */
	ups0[0] = ip("192.0.2.1");
	ups0[1] = ip("192.0.2.2");
	hosts0[0].name = "db";
	hosts0[0].ip = ip("192.168.122.3");
	hosts0[1].name = "printer.example.com";
	hosts0[1].ip = ip("192.168.122.5");
	strcpy(many_names[0], "many");
	for (i = 2; i < 45; i++) {
		char a[32];

		snprintf(a, sizeof(a), "10.1.0.%zu", i);
		hosts0[i].name = many_names[0];
		hosts0[i].ip = ip(a);
	}
	c->domain = "example.com";
	c->local_only = true;
	c->nets = &net0;
	c->n_nets = 1;
	c->forwarders = fwd0;
	c->n_forwarders = 2;
	c->upstreams = ups0;
	c->n_upstreams = 2;
	c->hosts = hosts0;
	c->n_hosts = 45;
	c->srvs = srv0;
	c->n_srvs = 1;
	c->txts = txt0;
	c->n_txts = 1;
	c->local_ttl = 30;
	c->timeout_ms = 1000;
	c->hash_seed = 42;
	r->x = 2463534242u;
	c->random = test_random;
	c->random_userdata = r;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct dns_config c;
	struct wire_error err;

	base_config(&c, &f->rng);
	assert_int_equal(dns_server_new(&c, &f->srv, &err), 0);
	f->client.peer.ip = ip("192.168.122.77");
	f->client.peer.port = 40000;
	f->client.transport = DNS_UDP;
	/* A DHCP client "web1" holds 192.168.122.10 for another 10 s. */
	{
		struct dns_ip a = ip("192.168.122.10");

		assert_int_equal(dns_lease_name_set(f->srv, &a, "web1", NOW + 10 * 1000), 0);
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	dns_server_free(f->srv);
	free(f);
	return 0;
}

/* Text -> wire name, case kept (test input is trusted). */
static size_t put_name(uint8_t *b, const char *name)
{
	size_t n = 0;
	const char *p = name, *dot;

	while (*p) {
		dot = strchr(p, '.');
		if (!dot)
			dot = p + strlen(p);
		b[n++] = (uint8_t)(dot - p);
		memcpy(b + n, p, (size_t)(dot - p));
		n += (size_t)(dot - p);
		p = *dot ? dot + 1 : dot;
	}
	b[n++] = 0;
	return n;
}

/* A query like glibc's for `name`, type, optional EDNS payload size. */
static size_t make_query(uint8_t *b, uint16_t id, const char *name, uint16_t type,
			 uint16_t edns)
{
	size_t n = 0;

	b[n++] = (uint8_t)(id >> 8);
	b[n++] = (uint8_t)id;
	memcpy(b + n, "\1\0\0\1\0\0\0\0\0", 9);
	b[n + 9] = edns ? 1 : 0;
	n += 10;
	n += put_name(b + n, name);
	b[n++] = (uint8_t)(type >> 8);
	b[n++] = (uint8_t)type;
	b[n++] = 0;
	b[n++] = 1;
	if (edns) {
		memcpy(b + n, "\0\0\x29", 3);
		b[n + 3] = (uint8_t)(edns >> 8);
		b[n + 4] = (uint8_t)edns;
		memset(b + n + 5, 0, 6);
		n += 11;
	}
	return n;
}

static void query(struct fx *f, const uint8_t *q, size_t len)
{
	assert_int_equal(dns_server_handle_query(f->srv, q, len, &f->client, NOW, f->out,
						 f->client.transport == DNS_TCP ? DNS_MSG_MAX : 4096,
						 &f->act), 0);
}

static void query_name(struct fx *f, const char *name, uint16_t type)
{
	uint8_t q[512];

	query(f, q, make_query(q, 0x1111, name, type, 0));
}

/* The parsed reply, and where its first answer RR's rdata starts. */
struct reply {
	struct dns_msg m;
	uint16_t rcode;
	uint16_t type1;
	uint32_t ttl1;
	size_t rdata1, rdlen1;
};

static void parse_reply(struct fx *f, struct reply *r)
{
	struct wire_reader rd;
	struct dns_name n;
	uint16_t cls, rdlen;

	assert_int_equal(f->act.kind, DNS_ACT_ANSWER);
	assert_true(f->act.len >= DNS_HDR_LEN);
	assert_int_equal(dns_msg_parse(f->out, f->act.len, true, &r->m), 0);
	assert_true(r->m.flags & DNS_QR);
	r->rcode = r->m.flags & 0xf;
	r->rdata1 = 0;
	if (!r->m.ancount)
		return;
	wire_rd_init(&rd, f->out, f->act.len);
	assert_true(wire_rd_skip(&rd, r->m.question_end));
	assert_int_equal(dns_name_read(&rd, &n), 0);
	assert_true(wire_rd_u16(&rd, &r->type1));
	assert_true(wire_rd_u16(&rd, &cls));
	assert_true(wire_rd_u32(&rd, &r->ttl1));
	assert_true(wire_rd_u16(&rd, &rdlen));
	r->rdata1 = rd.pos;
	r->rdlen1 = rdlen;
}

static void assert_a(struct fx *f, const char *addr)
{
	struct reply r;
	struct dns_ip want = ip(addr);

	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_true(r.m.flags & DNS_AA);
	assert_int_equal(r.m.ancount, 1);
	assert_int_equal(r.type1, DNS_T_A);
	assert_int_equal(r.rdlen1, 4);
	assert_memory_equal(f->out + r.rdata1, want.bytes, 4);
}

/* ---- local answers ---- */

static void test_dig_bytes_local_a(void **state)
{
	struct fx *f = *state;
	struct reply r;

	query(f, dig_web1, sizeof(dig_web1));
	assert_a(f, "192.168.122.10");
	parse_reply(f, &r);
	assert_int_equal(r.m.id, 0x8a3f);
	assert_true(r.m.flags & DNS_RD);
	assert_true(r.m.flags & DNS_RA);
	assert_int_equal(r.ttl1, 10);           /* min(local TTL 30, 10 s left on the lease) */
	assert_true(r.m.has_opt);               /* EDNS echoed */
	assert_int_equal(r.m.udp_size, DNS_EDNS_SIZE);
	/* The answer's owner is a pointer to the question. */
	assert_int_equal(f->out[r.m.question_end], 0xc0);
	assert_int_equal(f->out[r.m.question_end + 1], 12);
	assert_int_equal(f->act.peer.port, 40000);
	assert_int_equal(f->act.transport, DNS_UDP);
}

static void test_bare_and_qualified(void **state)
{
	struct fx *f = *state;
	struct reply r;

	query(f, glibc_web1, sizeof(glibc_web1));
	assert_a(f, "192.168.122.10");
	parse_reply(f, &r);
	assert_false(r.m.has_opt);
	assert_int_equal(r.m.id, 0x4c21);
	query_name(f, "WEB1.Example.COM", DNS_T_A);
	assert_a(f, "192.168.122.10");
	assert_memory_equal(f->out + 12, "\4WEB1\7Example\3COM", 18);     /* case echoed */
	/* Static names: <dhcp><host name>, <dns><host> given qualified. */
	query_name(f, "db.example.com", DNS_T_A);
	assert_a(f, "192.168.122.3");
	query_name(f, "printer", DNS_T_A);
	assert_a(f, "192.168.122.5");
	parse_reply(f, &r);
	assert_int_equal(r.ttl1, 30);
}

static void test_nodata_has_soa(void **state)
{
	struct fx *f = *state;
	struct reply r;

	query_name(f, "web1.example.com", DNS_T_AAAA);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_true(r.m.flags & DNS_AA);
	assert_int_equal(r.m.ancount, 0);
	assert_int_equal(r.m.nscount, 1);       /* RFC 2308 §2.2 */
	/* SOA owner: a pointer to "example.com" inside the question (12 + 5). */
	assert_int_equal(f->out[r.m.question_end], 0xc0);
	assert_int_equal(f->out[r.m.question_end + 1], 17);
}

static void test_ptr(void **state)
{
	struct fx *f = *state;
	struct reply r;

	query_name(f, "10.122.168.192.in-addr.arpa", DNS_T_PTR);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_int_equal(r.type1, DNS_T_PTR);
	assert_int_equal(r.rdlen1, 18);
	assert_memory_equal(f->out + r.rdata1, "\4web1\7example\3com", 18);
	/* A static qualified name comes back qualified once. */
	query_name(f, "5.122.168.192.in-addr.arpa", DNS_T_PTR);
	parse_reply(f, &r);
	assert_memory_equal(f->out + r.rdata1, "\7printer\7example\3com", 21);
	/* localPtr: an unknown address in the subnet is NXDOMAIN here, SOA of the zone. */
	query_name(f, "99.122.168.192.in-addr.arpa", DNS_T_PTR);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	assert_true(r.m.flags & DNS_AA);
	assert_int_equal(r.m.nscount, 1);
	assert_int_equal(f->out[r.m.question_end + 1], 12 + 3);   /* "122.168.192.in-addr.arpa" */
	/* Outside the subnet: forwarded. */
	query_name(f, "8.8.8.8.in-addr.arpa", DNS_T_PTR);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
}

static void test_srv_txt(void **state)
{
	struct fx *f = *state;
	struct reply r;

	query_name(f, "_ldap._tcp.example.com", DNS_T_SRV);
	parse_reply(f, &r);
	assert_int_equal(r.type1, DNS_T_SRV);
	assert_memory_equal(f->out + r.rdata1, "\0\12\0\5\1\205\2db\7example\3com", 22);
	query_name(f, "info.example.com", DNS_T_TXT);
	parse_reply(f, &r);
	assert_int_equal(r.type1, DNS_T_TXT);
	assert_int_equal(r.rdlen1, 12);
	assert_memory_equal(f->out + r.rdata1, "\13v=spf1 -all", 12);
	query_name(f, "info", DNS_T_ANY);
	parse_reply(f, &r);
	assert_int_equal(r.m.ancount, 1);
}

static void test_local_only_nxdomain(void **state)
{
	struct fx *f = *state;
	struct dns_stats st;
	struct reply r;

	query_name(f, "nothere.example.com", DNS_T_A);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	assert_true(r.m.flags & DNS_AA);
	assert_int_equal(r.m.nscount, 1);
	query_name(f, "example.com", DNS_T_SOA);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NOERROR);
	assert_int_equal(r.m.ancount, 1);
	assert_int_equal(r.type1, DNS_T_SOA);
	dns_server_stats(f->srv, &st);
	assert_int_equal(st.forwarded, 0);
	/* <forwarder domain='public.example.com'/>: more specific, forwarded by default. */
	query_name(f, "www.public.example.com", DNS_T_A);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&f->act.peer.ip, &ups0[0]));
}

static void test_plain_names(void **state)
{
	struct fx *f = *state;
	struct dns_config c;
	struct dns_server *srv2;
	struct rng rng;

	/* forwardPlainNames yes (libvirt default): "intranet" goes upstream. */
	query_name(f, "intranet", DNS_T_A);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	base_config(&c, &rng);
	c.no_forward_plain_names = true;
	assert_int_equal(dns_server_new(&c, &srv2, NULL), 0);
	dns_server_free(f->srv);
	f->srv = srv2;
	query_name(f, "intranet", DNS_T_A);
	{
		struct reply r;

		parse_reply(f, &r);
		assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	}
	query_name(f, "www.kernel.org", DNS_T_A);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	f->rng = rng;
}

static void test_truncation(void **state)
{
	struct fx *f = *state;
	uint8_t q[512];
	struct reply r;

	/* 43 A records: 16 each + 12 + 10 = 710 octets. 512 without EDNS. */
	query_name(f, "many", DNS_T_A);
	parse_reply(f, &r);
	assert_true(f->act.len <= 512);
	assert_true(r.m.flags & DNS_TC);
	assert_int_equal(r.m.ancount, (512 - 12 - 10) / 16);
	/* EDNS 1232: fits whole, OPT echoed. */
	query(f, q, make_query(q, 7, "many", DNS_T_A, 1232));
	parse_reply(f, &r);
	assert_false(r.m.flags & DNS_TC);
	assert_int_equal(r.m.ancount, 43);
	assert_true(r.m.has_opt);
	/* EDNS 100 means 512 (RFC 6891 §6.2.5), OPT kept in the cut answer. */
	query(f, q, make_query(q, 7, "many", DNS_T_A, 100));
	parse_reply(f, &r);
	assert_true(f->act.len <= 512);
	assert_true(r.m.flags & DNS_TC);
	assert_true(r.m.has_opt);
	assert_int_equal(r.m.ancount, (512 - 12 - 10 - 11) / 16);
	/* TCP: everything. */
	f->client.transport = DNS_TCP;
	query_name(f, "many", DNS_T_A);
	parse_reply(f, &r);
	assert_int_equal(r.m.ancount, 43);
}

/* ---- the table ---- */

static void test_table_conflicts_and_removal(void **state)
{
	struct fx *f = *state;
	struct dns_ip a10 = ip("192.168.122.10"), a11 = ip("192.168.122.11");
	struct reply r;

	assert_int_equal(dns_lease_name_set(f->srv, &a11, "web1", NOW + 100 * 1000), -EEXIST);
	assert_int_equal(dns_lease_name_set(f->srv, &a11, "WEB1.example.com", NOW + 100 * 1000), -EEXIST);
	assert_int_equal(dns_lease_name_set(f->srv, &a11, "db", NOW + 100 * 1000), -EEXIST);
	assert_int_equal(dns_lease_name_set(f->srv, &a11, "bad name", NOW + 100 * 1000), -EINVAL);
	/* Renewal refreshes the expiry. */
	assert_int_equal(dns_lease_name_set(f->srv, &a10, "web1", NOW + 100 * 1000), 0);
	query_name(f, "web1", DNS_T_A);
	parse_reply(f, &r);
	assert_int_equal(r.ttl1, 30);
	/* Lease end: the address has no name any more. */
	assert_int_equal(dns_lease_name_set(f->srv, &a10, NULL, 0), 0);
	query_name(f, "web1.example.com", DNS_T_A);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	query_name(f, "10.122.168.192.in-addr.arpa", DNS_T_PTR);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
	/* Now the name is free for another client. */
	assert_int_equal(dns_lease_name_set(f->srv, &a11, "web1", NOW + 100 * 1000), 0);
	query_name(f, "web1", DNS_T_A);
	assert_a(f, "192.168.122.11");
}

static void test_expired_lease_not_answered(void **state)
{
	struct fx *f = *state;
	uint8_t q[512];
	struct reply r;
	size_t n = make_query(q, 1, "web1.example.com", DNS_T_A, 0);

	assert_int_equal(dns_server_handle_query(f->srv, q, n, &f->client, NOW + 11000, f->out,
						 512, &f->act), 0);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
}

/* A lease name's TTL is the seconds left on it, rounded up, to its last millisecond. */
static void test_lease_ttl_counts_down(void **state)
{
	static const struct { int64_t at; int ttl; } steps[] = {
		{ 500, 10 }, { 9000, 1 }, { 9999, 1 }, { 10000, -1 },
	};
	struct fx *f = *state;
	uint8_t q[512];
	struct reply r;
	size_t i, n = make_query(q, 1, "web1.example.com", DNS_T_A, 0);

	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		assert_int_equal(dns_server_handle_query(f->srv, q, n, &f->client,
							 NOW + steps[i].at, f->out, 512,
							 &f->act), 0);
		parse_reply(f, &r);
		if (steps[i].ttl < 0) {
			assert_int_equal(r.rcode, DNS_R_NXDOMAIN);
			continue;
		}
		assert_int_equal(r.rcode, DNS_R_NOERROR);
		assert_int_equal(r.ttl1, steps[i].ttl);
	}
}

static void test_many_names(void **state)
{
	struct fx *f = *state;
	struct dns_ip a;
	char name[32];
	uint32_t i;

	for (i = 0; i < 60000; i++) {
		snprintf(name, sizeof(name), "guest%u", i);
		a.family = AF_INET;
		a.bytes[0] = 10;
		a.bytes[1] = (uint8_t)(i >> 16);
		a.bytes[2] = (uint8_t)(i >> 8);
		a.bytes[3] = (uint8_t)i;
		assert_int_equal(dns_lease_name_set(f->srv, &a, name, NOW + 3600 * 1000), 0);
	}
	assert_int_equal(dns_table_count(f->srv), 60000 + 45 + 2 + 1);
	query_name(f, "guest59999.example.com", DNS_T_A);
	assert_a(f, "10.0.234.95");
	for (i = 0; i < 60000; i += 2) {
		snprintf(name, sizeof(name), "guest%u", i);
		a.bytes[1] = (uint8_t)(i >> 16);
		a.bytes[2] = (uint8_t)(i >> 8);
		a.bytes[3] = (uint8_t)i;
		assert_int_equal(dns_lease_name_set(f->srv, &a, NULL, 0), 0);
	}
	query_name(f, "guest4001", DNS_T_A);
	assert_a(f, "10.0.15.161");
	query_name(f, "161.15.0.10.in-addr.arpa", DNS_T_PTR);
	assert_int_equal(f->act.kind, DNS_ACT_ANSWER);
}

/* ---- errors ---- */

static void test_refused_source(void **state)
{
	struct fx *f = *state;
	struct reply r;

	f->client.peer.ip = ip("10.9.9.9");
	query(f, dig_web1, sizeof(dig_web1));
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_REFUSED);
	assert_int_equal(r.m.ancount, 0);
	f->client.peer.ip = ip("192.168.123.1");
	query_name(f, "www.kernel.org", DNS_T_A);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_REFUSED);
}

static void test_malformed_queries(void **state)
{
	struct fx *f = *state;
	uint8_t q[sizeof(dig_web1)];
	struct reply r;

	/* Pointer loop in the question: FORMERR, no question echoed. */
	memcpy(q, dig_web1, sizeof(q));
	q[12] = 0xc0;
	q[13] = 12;
	query(f, q, sizeof(q));
	assert_int_equal(f->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(f->act.len, 12);
	assert_int_equal(f->out[3] & 0xf, DNS_R_FORMERR);
	assert_int_equal(f->out[0], 0x8a);
	/* qdcount 2. */
	memcpy(q, dig_web1, sizeof(q));
	q[5] = 2;
	query(f, q, sizeof(q));
	assert_int_equal(f->out[3] & 0xf, DNS_R_FORMERR);
	/* A truncated header: dropped. */
	query(f, dig_web1, 11);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* A response (QR set): never answered. */
	memcpy(q, dig_web1, sizeof(q));
	q[2] |= 0x80;
	query(f, q, sizeof(q));
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* EDNS version 1: BADVERS = extended 1, header 0, with OPT. */
	memcpy(q, dig_web1, sizeof(q));
	q[34 + 6] = 1;
	query(f, q, sizeof(q));
	parse_reply(f, &r);
	assert_int_equal(r.rcode, 0);
	assert_true(r.m.has_opt);
	assert_int_equal(f->out[f->act.len - 6], 1);
	/* Opcode 2 (STATUS): NOTIMP. */
	memcpy(q, dig_web1, sizeof(q));
	q[2] = 0x11;
	query(f, q, sizeof(q));
	assert_int_equal(f->out[3] & 0xf, DNS_R_NOTIMP);
	/* AXFR: REFUSED. */
	memcpy(q, dig_web1, sizeof(q));
	q[31] = 252;
	query(f, q, sizeof(q));
	assert_int_equal(f->out[3] & 0xf, DNS_R_REFUSED);
}

/* ---- forwarding ---- */

struct fwd {
	uint16_t up_id;
	uint32_t token;
	struct dns_peer up;
};

static void forward(struct fx *f, const char *name, struct fwd *w, uint16_t port)
{
	query_name(f, name, DNS_T_A);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	w->up_id = (uint16_t)(f->out[0] << 8 | f->out[1]);
	w->token = f->act.token;
	w->up = f->act.peer;
	dns_server_forward_sent(f->srv, f->act.token, port);
}

/* The upstream's answer to the forwarded query in f->out. */
static size_t upstream_answer(const uint8_t *fq, size_t fqlen, uint8_t *b, uint8_t flags3)
{
	size_t n = fqlen;

	memcpy(b, fq, fqlen);
	b[2] |= 0x80;
	b[3] = flags3;
	b[7] = 1;
	memcpy(b + n, "\xc0\x0c\0\1\0\1\0\0\1\0\0\4\x5d\xb8\xd8\x22", 16);
	return n + 16;
}

static void test_forward_default_and_domain(void **state)
{
	struct fx *f = *state;
	uint8_t q[512];
	size_t n = make_query(q, 0x1111, "www.kernel.org", DNS_T_A, 0);

	query(f, q, n);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&f->act.peer.ip, &ups0[0]));
	assert_int_equal(f->act.peer.port, 53);
	assert_int_equal(f->act.transport, DNS_UDP);
	assert_int_equal(f->act.len, n);
	assert_memory_equal(f->out + 2, q + 2, n - 2);          /* only the ID changes */
	assert_false(f->out[0] == 0x11 && f->out[1] == 0x11);
	/* Per-domain forwarder first. */
	query_name(f, "host.CORP.test", DNS_T_A);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&f->act.peer.ip, &fwd0[0].addr));
	/* TCP queries are forwarded over TCP, EDNS passed through. */
	f->client.transport = DNS_TCP;
	query(f, dig_web1, 0);
	n = make_query(q, 0x2222, "www.kernel.org", DNS_T_A, 4096);
	query(f, q, n);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	assert_int_equal(f->act.transport, DNS_TCP);
	assert_memory_equal(f->out + 2, q + 2, n - 2);
}

static void test_reply_matching(void **state)
{
	struct fx *f = *state;
	uint8_t fq[512], rep[600], bad[600];
	struct dns_peer from;
	struct fwd w;
	struct dns_stats st;
	size_t fqlen, rlen;
	struct reply r;

	forward(f, "www.kernel.org", &w, 33333);
	fqlen = f->act.len;
	memcpy(fq, f->out, fqlen);
	rlen = upstream_answer(fq, fqlen, rep, 0x80);
	from = w.up;

	/* Wrong ID. */
	memcpy(bad, rep, rlen);
	bad[1] ^= 1;
	assert_int_equal(dns_server_handle_upstream_reply(f->srv, bad, rlen, &from, 33333, NOW,
							  f->out, 4096, &f->act), 0);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* Wrong local port (another forward socket). */
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &from, 33334, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* Wrong source port. */
	from.port = 5353;
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &from, 33333, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* Wrong source address (the other upstream). */
	from = w.up;
	from.ip = ups0[1];
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &from, 33333, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* Wrong question: name, then type. */
	from = w.up;
	memcpy(bad, rep, rlen);
	bad[13] = 'x';
	dns_server_handle_upstream_reply(f->srv, bad, rlen, &from, 33333, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	memcpy(bad, rep, rlen);
	bad[fqlen - 3] = DNS_T_AAAA;
	dns_server_handle_upstream_reply(f->srv, bad, rlen, &from, 33333, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* Not a response. */
	memcpy(bad, rep, rlen);
	bad[2] &= 0x7f;
	dns_server_handle_upstream_reply(f->srv, bad, rlen, &from, 33333, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* Garbage. */
	dns_server_handle_upstream_reply(f->srv, rep, 5, &from, 33333, NOW, f->out, 4096, &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	/* The real one, name in another case (RFC 5452 §9.1 compares case-insensitively). */
	rep[13] = 'W';
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &from, 33333, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_ANSWER);
	assert_int_equal(f->act.done_port, 33333);
	assert_int_equal(f->act.len, rlen);
	assert_int_equal(f->act.peer.port, 40000);
	parse_reply(f, &r);
	assert_int_equal(r.m.id, 0x1111);
	assert_int_equal(r.m.ancount, 1);
	/* A duplicate of it is dropped: nothing pending any more. */
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &from, 33333, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	dns_server_stats(f->srv, &st);
	assert_int_equal(st.replies_accepted, 1);
	assert_int_equal(st.replies_dropped, 9);
	assert_int_equal(st.pending, 0);
}

static void test_timeout_failover_servfail(void **state)
{
	struct fx *f = *state;
	struct fwd w;
	int64_t next;
	uint16_t id2;
	struct reply r;

	forward(f, "www.kernel.org", &w, 40001);
	assert_int_equal(dns_server_tick(f->srv, NOW + 999, f->out, 4096, &f->act, &next), 0);
	assert_int_equal(next, NOW + 1000);
	/* Timeout: the next upstream in order, a new ID, the old socket done. */
	assert_int_equal(dns_server_tick(f->srv, NOW + 1000, f->out, 4096, &f->act, &next), 1);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&f->act.peer.ip, &ups0[1]));
	assert_int_equal(f->act.done_port, 40001);
	id2 = (uint16_t)(f->out[0] << 8 | f->out[1]);
	assert_int_not_equal(id2, w.up_id);
	dns_server_forward_sent(f->srv, f->act.token, 40002);
	/* An old token is ignored. */
	dns_server_forward_sent(f->srv, w.token, 1);
	assert_int_equal(dns_server_tick(f->srv, NOW + 1500, f->out, 4096, &f->act, &next), 0);
	assert_int_equal(next, NOW + 2000);
	/* All failed: SERVFAIL to the client. */
	assert_int_equal(dns_server_tick(f->srv, NOW + 2000, f->out, 4096, &f->act, &next), 1);
	assert_int_equal(f->act.done_port, 40002);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_SERVFAIL);
	assert_int_equal(r.m.id, 0x1111);
	assert_int_equal(next, INT64_MAX);
	assert_int_equal(dns_server_tick(f->srv, NOW + 5000, f->out, 4096, &f->act, &next), 0);
}

static void test_upstream_servfail_fails_over(void **state)
{
	struct fx *f = *state;
	uint8_t fq[512], rep[600];
	struct fwd w;
	size_t fqlen, rlen;

	forward(f, "www.kernel.org", &w, 41000);
	fqlen = f->act.len;
	memcpy(fq, f->out, fqlen);
	rlen = upstream_answer(fq, fqlen, rep, 0x80 | DNS_R_SERVFAIL);
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &w.up, 41000, NOW, f->out, 4096,
					 &f->act);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&f->act.peer.ip, &ups0[1]));
	assert_int_equal(f->act.done_port, 41000);
}

static void test_forward_failed_send(void **state)
{
	struct fx *f = *state;
	struct fwd w;
	int64_t next;

	forward(f, "www.kernel.org", &w, 0);
	dns_server_forward_failed(f->srv, w.token, NOW + 5);
	assert_int_equal(dns_server_tick(f->srv, NOW + 5, f->out, 4096, &f->act, &next), 1);
	assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
	assert_true(dns_ip_eq(&f->act.peer.ip, &ups0[1]));
}

/*
 * An ICMP error on a UDP socket several tries share: every one of them from
 * that port to that upstream fails over, the others stay.
 */
static void test_forward_failed_port(void **state)
{
	struct fx *f = *state;
	struct fwd a, b, c;
	int64_t next;
	int n = 0;

	forward(f, "a.kernel.org", &a, 43000);
	forward(f, "b.kernel.org", &b, 43000);
	forward(f, "c.kernel.org", &c, 43001);
	dns_server_forward_failed_port(f->srv, 43000, &a.up, NOW + 5);
	while (dns_server_tick(f->srv, NOW + 5, f->out, 4096, &f->act, &next) > 0) {
		assert_int_equal(f->act.kind, DNS_ACT_FORWARD);
		assert_true(dns_ip_eq(&f->act.peer.ip, &ups0[1]));
		assert_int_equal(f->act.done_port, 43000);
		n++;
	}
	assert_int_equal(n, 2);
	/* c.kernel.org (another port) still waits for its own deadline */
	assert_true(next > NOW + 5);
	/* the same port towards another upstream: nothing to fail */
	dns_server_forward_failed_port(f->srv, 43001, &(struct dns_peer){ .ip = ups0[1], .port = 53 },
				       NOW + 6);
	assert_int_equal(dns_server_tick(f->srv, NOW + 6, f->out, 4096, &f->act, &next), 0);
	(void)c;
}

static void test_tc_passthrough_and_cut(void **state)
{
	struct fx *f = *state;
	uint8_t fq[512], rep[1400];
	struct fwd w;
	size_t fqlen, rlen, i;
	struct reply r;

	/* Upstream says TC: the client gets TC and retries over TCP. */
	forward(f, "big.kernel.org", &w, 42000);
	fqlen = f->act.len;
	memcpy(fq, f->out, fqlen);
	rlen = upstream_answer(fq, fqlen, rep, 0x80);
	rep[2] |= DNS_TC >> 8;
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &w.up, 42000, NOW, f->out, 4096,
					 &f->act);
	parse_reply(f, &r);
	assert_true(r.m.flags & DNS_TC);
	/* An upstream answer bigger than the 512 the client takes: cut, TC. */
	forward(f, "big.kernel.org", &w, 42001);
	fqlen = f->act.len;
	memcpy(fq, f->out, fqlen);
	rlen = upstream_answer(fq, fqlen, rep, 0x80);
	for (i = 0; i < 40; i++, rlen += 16)
		memcpy(rep + rlen, "\xc0\x0c\0\1\0\1\0\0\1\0\0\4\x5d\xb8\xd8\x22", 16);
	rep[7] = 41;
	dns_server_handle_upstream_reply(f->srv, rep, rlen, &w.up, 42001, NOW, f->out, 4096,
					 &f->act);
	parse_reply(f, &r);
	assert_true(r.m.flags & DNS_TC);
	assert_int_equal(r.m.ancount, 0);
	assert_int_equal(f->act.len, fqlen);
}

static void test_pending_full(void **state)
{
	struct fx *f = *state;
	struct dns_config c;
	struct dns_server *srv2;
	struct fwd w;
	struct reply r;
	struct dns_stats st;

	base_config(&c, &f->rng);
	c.max_pending = 2;
	assert_int_equal(dns_server_new(&c, &srv2, NULL), 0);
	dns_server_free(f->srv);
	f->srv = srv2;
	forward(f, "a.kernel.org", &w, 1);
	forward(f, "b.kernel.org", &w, 2);
	/* a full table drops a UDP query (the stub retries), and SERVFAILs a TCP one */
	query_name(f, "c.kernel.org", DNS_T_A);
	assert_int_equal(f->act.kind, DNS_ACT_DROP);
	f->client.transport = DNS_TCP;
	query_name(f, "c.kernel.org", DNS_T_A);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_SERVFAIL);
	dns_server_stats(f->srv, &st);
	assert_int_equal(st.pending_full, 2);
	assert_int_equal(st.pending, 2);
}

static void test_no_upstream_refused(void **state)
{
	struct fx *f = *state;
	struct dns_config c;
	struct dns_server *srv2;
	struct reply r;

	base_config(&c, &f->rng);
	c.n_upstreams = 0;
	assert_int_equal(dns_server_new(&c, &srv2, NULL), 0);
	dns_server_free(f->srv);
	f->srv = srv2;
	query_name(f, "www.kernel.org", DNS_T_A);
	parse_reply(f, &r);
	assert_int_equal(r.rcode, DNS_R_REFUSED);
}

static void test_bad_config(void **state)
{
	struct fx *f = *state;
	struct dns_config c;
	struct dns_server *srv2 = NULL;
	struct wire_error err;
	struct dns_forwarder self = { .has_addr = true };
	struct dns_host bad = { "bad..name", { AF_INET, { 1, 2, 3, 4 } } };

	base_config(&c, &f->rng);
	c.random = NULL;
	assert_int_equal(dns_server_new(&c, &srv2, &err), -EINVAL);
	base_config(&c, &f->rng);
	self.addr = net0.addr;
	c.forwarders = &self;
	c.n_forwarders = 1;
	assert_int_equal(dns_server_new(&c, &srv2, &err), -ELOOP);
	assert_non_null(strstr(err.message, "own address"));
	base_config(&c, &f->rng);
	c.hosts = &bad;
	c.n_hosts = 1;
	assert_int_equal(dns_server_new(&c, &srv2, &err), -EINVAL);
	base_config(&c, &f->rng);
	c.domain = "exa mple";
	assert_int_equal(dns_server_new(&c, &srv2, &err), -EINVAL);
	assert_null(srv2);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_dig_bytes_local_a),
		T(test_bare_and_qualified),
		T(test_nodata_has_soa),
		T(test_ptr),
		T(test_srv_txt),
		T(test_local_only_nxdomain),
		T(test_plain_names),
		T(test_truncation),
		T(test_table_conflicts_and_removal),
		T(test_expired_lease_not_answered),
		T(test_lease_ttl_counts_down),
		T(test_many_names),
		T(test_refused_source),
		T(test_malformed_queries),
		T(test_forward_default_and_domain),
		T(test_reply_matching),
		T(test_timeout_failover_servfail),
		T(test_upstream_servfail_fails_over),
		T(test_forward_failed_send),
		T(test_forward_failed_port),
		T(test_tc_passthrough_and_cut),
		T(test_pending_full),
		T(test_no_upstream_refused),
		T(test_bad_config),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
