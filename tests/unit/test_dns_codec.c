/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the DNS codec: literal messages as dig (BIND 9.18) sends
 * them and as resolvers answer, then malformed variants, each changing one
 * field. Also name text, reverse names and resolv.conf parsing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

/* dig @192.168.122.1 web1.example.com: ID 0x8a3f, RD+AD, EDNS 1232, client cookie. */
static const uint8_t dig_web1[] = {
	0x8a, 0x3f, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	4, 'w', 'e', 'b', '1', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
	0x00, 0x0a, 0x00, 0x08, 0x5b, 0x1e, 0x7c, 0x9a, 0x32, 0x0d, 0xe4, 0x11,
};
#define DIG_QNAME 12
#define DIG_OPT 34                      /* offset of the OPT RR */

/*
 * A resolver's answer to "www.example.com A": CNAME www -> example.com
 * written as a pointer into the question (offset 16), then the A record
 * owned by that same pointer. From a capture of unbound 1.17.
 */
static const uint8_t resp_cname[] = {
	0x12, 0x34, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00,
	3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	0x00, 0x01, 0x00, 0x01,
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x02, 0xc0, 0x10,
	0xc0, 0x10, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x04,
	93, 184, 216, 34,
};

struct buf {
	uint8_t b[1024];
	size_t len;
};

static void copy(struct buf *m, const uint8_t *p, size_t n)
{
	memcpy(m->b, p, n);
	m->len = n;
}

static void test_dig_query(void **state)
{
	struct dns_msg m;

	(void)state;
	assert_int_equal(dns_msg_parse(dig_web1, sizeof(dig_web1), true, &m), 0);
	assert_int_equal(m.id, 0x8a3f);
	assert_int_equal(m.flags, 0x0120);
	assert_int_equal(m.qtype, DNS_T_A);
	assert_int_equal(m.qclass, DNS_C_IN);
	assert_int_equal(m.qname.len, 18);
	assert_int_equal(m.qname.labels, 3);
	assert_memory_equal(m.qname.b, dig_web1 + DIG_QNAME, 18);
	assert_int_equal(m.question_end, DIG_OPT);
	assert_true(m.has_opt);
	assert_int_equal(m.udp_size, 1232);
	assert_int_equal(m.edns_version, 0);
	assert_false(m.edns_do);
	assert_true(m.has_cookie);
}

static void test_compressed_answer(void **state)
{
	struct wire_reader r;
	struct dns_name n;
	struct dns_msg m;

	(void)state;
	assert_int_equal(dns_msg_parse(resp_cname, sizeof(resp_cname), true, &m), 0);
	assert_int_equal(m.ancount, 2);
	assert_false(m.has_opt);
	/* The CNAME's owner: pointer to the question. */
	wire_rd_init(&r, resp_cname, sizeof(resp_cname));
	assert_true(wire_rd_skip(&r, m.question_end));
	assert_int_equal(dns_name_read(&r, &n), 0);
	assert_int_equal(r.pos, m.question_end + 2);
	assert_int_equal(n.len, 17);
	assert_memory_equal(n.b, "\3www\7example\3com", 17);
	/* Its rdata: pointer into the middle of the question name. */
	assert_true(wire_rd_skip(&r, 10));
	assert_int_equal(dns_name_read(&r, &n), 0);
	assert_int_equal(n.len, 13);
	assert_int_equal(n.labels, 2);
	assert_memory_equal(n.b, "\7example\3com", 13);
}

/* A pointer chain that goes backwards each hop is fine. */
static void test_pointer_chain(void **state)
{
	static const uint8_t msg[] = {
		0, 1, 0x81, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		/* answer owner at 21: "a" + ptr 12 ; then an rdata name "b" + ptr 21 */
		1, 'a', 0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0, 1, 0, 4, 1, 'b', 0xc0, 0x15,
	};
	struct wire_reader r;
	struct dns_name n;
	struct dns_msg m;

	(void)state;
	assert_int_equal(dns_msg_parse(msg, sizeof(msg), true, &m), 0);
	wire_rd_init(&r, msg, sizeof(msg));
	assert_true(wire_rd_skip(&r, 35));
	assert_int_equal(dns_name_read(&r, &n), 0);
	assert_int_equal(n.len, 9);
	assert_memory_equal(n.b, "\1b\1a\3com", 9);
	assert_int_equal(r.pos, sizeof(msg));
}

static void test_malformed_names(void **state)
{
	struct buf q;
	struct dns_msg m;
	size_t i;

	(void)state;
	/* Pointer to itself (loop). */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_QNAME] = 0xc0;
	q.b[DIG_QNAME + 1] = DIG_QNAME;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Pointer back into the same name: "web1" then -> "web1" again (loop). */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_QNAME + 5] = 0xc0;
	q.b[DIG_QNAME + 6] = DIG_QNAME;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Forward pointer (to the OPT's area). */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_QNAME + 5] = 0xc0;
	q.b[DIG_QNAME + 6] = DIG_OPT;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Pointer into the header. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_QNAME + 5] = 0xc0;
	q.b[DIG_QNAME + 6] = 2;
	assert_int_equal(dns_msg_parse(q.b, q.len, false, &m), 0);  /* backwards: legal shape */
	/* Label 64 long = type bits 01: rejected (label <= 63). */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_QNAME] = 64;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Extended label type 10. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_QNAME] = 0x80 | 4;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Label running off the end. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_QNAME] = 63;
	q.len = DIG_QNAME + 20;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);

	/* Names of exactly 255 octets pass; 256 fail. 4 x (63+1) = 256 with root: 3x63 + 61. */
	memcpy(q.b, dig_web1, DNS_HDR_LEN);
	q.b[11] = 0;
	q.len = DNS_HDR_LEN;
	for (i = 0; i < 3; i++) {
		q.b[q.len++] = 63;
		memset(q.b + q.len, 'a', 63);
		q.len += 63;
	}
	q.b[q.len++] = 61;
	memset(q.b + q.len, 'b', 61);
	q.len += 61;
	q.b[q.len++] = 0;
	memcpy(q.b + q.len, "\0\1\0\1", 4);
	q.len += 4;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), 0);
	assert_int_equal(m.qname.len, 255);
	/* One more octet in the last label: 256. */
	q.b[DNS_HDR_LEN + 3 * 64] = 62;
	memmove(q.b + DNS_HDR_LEN + 3 * 64 + 2, q.b + DNS_HDR_LEN + 3 * 64 + 1, 61 + 5);
	q.b[DNS_HDR_LEN + 3 * 64 + 1] = 'b';
	q.len++;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
}

/* A long chain of backward pointers stops at the hop limit. */
static void test_pointer_hop_limit(void **state)
{
	struct buf q;
	struct dns_msg m;
	size_t i;

	(void)state;
	memset(&q, 0, sizeof(q));
	q.b[5] = 1;                     /* qdcount 1 */
	q.b[12] = 0;                    /* the root at 12 */
	/* 200 pointers, each to the one before. */
	for (i = 0; i < 200; i++) {
		size_t at = 13 + 2 * i;
		size_t to = i ? at - 2 : 12;

		q.b[at] = (uint8_t)(0xc0 | to >> 8);
		q.b[at + 1] = (uint8_t)to;
	}
	/* The question name is the root at 12 (fine); check the last pointer directly. */
	{
		struct wire_reader r;
		struct dns_name n;

		wire_rd_init(&r, q.b, 13 + 400);
		assert_true(wire_rd_skip(&r, 13 + 2 * 199));
		assert_int_equal(dns_name_read(&r, &n), -EBADMSG);
		wire_rd_init(&r, q.b, 13 + 400);
		assert_true(wire_rd_skip(&r, 13 + 2 * 100));
		assert_int_equal(dns_name_read(&r, &n), 0);
		assert_int_equal(n.len, 1);
	}
	q.len = 13 + 400;
	(void)m;
}

static void test_malformed_header_and_counts(void **state)
{
	struct buf q;
	struct dns_msg m;

	(void)state;
	/* Truncated header: no reply possible. */
	assert_int_equal(dns_msg_parse(dig_web1, 11, true, &m), -EMSGSIZE);
	assert_int_equal(dns_msg_parse(dig_web1, 0, true, &m), -EMSGSIZE);
	/* Header only. */
	assert_int_equal(dns_msg_parse(dig_web1, 12, true, &m), -EBADMSG);
	/* qdcount 0 and 2. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[5] = 0;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	q.b[5] = 2;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Huge counts. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[6] = q.b[7] = 0xff;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[10] = q.b[11] = 0xff;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* ...but question-only parsing (upstream replies) does not look. */
	assert_int_equal(dns_msg_parse(q.b, q.len, false, &m), 0);
	/* arcount 0: the OPT bytes are trailing garbage, tolerated; no EDNS. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[11] = 0;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), 0);
	assert_false(m.has_opt);
	/* Question cut before QCLASS. */
	assert_int_equal(dns_msg_parse(dig_web1, DIG_OPT - 1, true, &m), -EBADMSG);
	/* Additional RR cut in its rdata. */
	assert_int_equal(dns_msg_parse(dig_web1, sizeof(dig_web1) - 1, true, &m), -EBADMSG);
}

static void test_malformed_opt(void **state)
{
	struct buf q;
	struct dns_msg m;

	(void)state;
	/* OPT owned by a non-root name: "\xc0\x0c" can't fit, use a 1-label name. */
	copy(&q, dig_web1, DIG_OPT);
	memcpy(q.b + DIG_OPT, "\1x\0\0\x29\4\xd0\0\0\0\0\0\0", 13);
	q.len = DIG_OPT + 13;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Two OPTs. */
	copy(&q, dig_web1, sizeof(dig_web1));
	memcpy(q.b + q.len, "\0\0\x29\4\xd0\0\0\0\0\0\0", 11);
	q.len += 11;
	q.b[11] = 2;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* OPT in the answer section. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[7] = 1;
	q.b[11] = 0;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Option length past the rdata. */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_OPT + 14] = 9;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* Cookie of 5 octets (RFC 7873: 8, or 16..40). */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_OPT + 10] = 9;
	q.b[DIG_OPT + 14] = 5;
	q.len -= 3;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), -EBADMSG);
	/* DO bit and version 1 are parsed (the server answers BADVERS). */
	copy(&q, dig_web1, sizeof(dig_web1));
	q.b[DIG_OPT + 6] = 1;
	q.b[DIG_OPT + 7] = 0x80;
	assert_int_equal(dns_msg_parse(q.b, q.len, true, &m), 0);
	assert_int_equal(m.edns_version, 1);
	assert_true(m.edns_do);
}

static void test_name_text(void **state)
{
	uint8_t w[DNS_NAME_MAX];
	char t[300];

	(void)state;
	assert_int_equal(dns_name_from_text("Web1", w, sizeof(w)), 5);
	assert_memory_equal(w, "\4web1", 5);
	assert_int_equal(dns_name_from_text("a.Example.com.", w, sizeof(w)), 14);
	assert_memory_equal(w, "\1a\7example\3com", 14);
	assert_int_equal(dns_name_from_text("", w, sizeof(w)), -EINVAL);
	assert_int_equal(dns_name_from_text(".", w, sizeof(w)), -EINVAL);
	assert_int_equal(dns_name_from_text("a..b", w, sizeof(w)), -EINVAL);
	assert_int_equal(dns_name_from_text(".a", w, sizeof(w)), -EINVAL);
	assert_int_equal(dns_name_from_text("has space", w, sizeof(w)), -EINVAL);
	memset(t, 'x', 64);
	t[64] = 0;
	assert_int_equal(dns_name_from_text(t, w, sizeof(w)), -EINVAL);
	t[63] = 0;
	assert_int_equal(dns_name_from_text(t, w, sizeof(w)), 64);
	/* 127 labels "x." = 254 octets + root = 255: fits; one more does not. */
	memset(t, 0, sizeof(t));
	for (int i = 0; i < 127; i++)
		memcpy(t + 2 * i, "x.", 2);
	assert_int_equal(dns_name_from_text(t, w, sizeof(w)), 254);
	memcpy(t + 254, "x", 2);
	assert_int_equal(dns_name_from_text(t, w, sizeof(w)), -EINVAL);
	assert_true(dns_name_eq_nocase((const uint8_t *)"\3WwW", 4, (const uint8_t *)"\3www", 4));
	assert_false(dns_name_eq_nocase((const uint8_t *)"\3wwx", 4, (const uint8_t *)"\3www", 4));
}

static void test_reverse(void **state)
{
	uint8_t n[DNS_NAME_MAX];
	struct dns_ip ip, net;
	unsigned bits;
	int len;

	(void)state;
	len = dns_name_from_text("10.122.168.192.in-addr.arpa", n, sizeof(n));
	n[len++] = 0;
	assert_true(dns_reverse_parse(n, (size_t)len, &ip, &bits));
	assert_int_equal(ip.family, AF_INET);
	assert_int_equal(bits, 32);
	assert_memory_equal(ip.bytes, "\xc0\xa8\x7a\x0a", 4);
	dns_ip_parse("192.168.122.1", &net);
	assert_true(dns_ip_in_net(&ip, bits, &net, 24));
	assert_false(dns_ip_in_net(&ip, bits, &net, 32));

	len = dns_name_from_text("122.168.192.in-addr.arpa", n, sizeof(n));
	n[len++] = 0;
	assert_true(dns_reverse_parse(n, (size_t)len, &ip, &bits));
	assert_int_equal(bits, 24);
	assert_true(dns_ip_in_net(&ip, bits, &net, 24));
	assert_false(dns_ip_in_net(&ip, bits, &net, 25));

	len = dns_name_from_text("256.122.168.192.in-addr.arpa", n, sizeof(n));
	n[len++] = 0;
	assert_false(dns_reverse_parse(n, (size_t)len, &ip, &bits));
	len = dns_name_from_text("01.122.168.192.in-addr.arpa", n, sizeof(n));
	n[len++] = 0;
	assert_false(dns_reverse_parse(n, (size_t)len, &ip, &bits));
	len = dns_name_from_text("1.2.3.4.5.in-addr.arpa", n, sizeof(n));
	n[len++] = 0;
	assert_false(dns_reverse_parse(n, (size_t)len, &ip, &bits));

	{
		char t[80] = "1.";
		int i;

		for (i = 0; i < 29; i++)
			strcat(t, "0.");
		strcat(t, "d.f.ip6.arpa");              /* fd00::1 */
		len = dns_name_from_text(t, n, sizeof(n));
	}
	n[len++] = 0;
	assert_true(dns_reverse_parse(n, (size_t)len, &ip, &bits));
	assert_int_equal(ip.family, AF_INET6);
	assert_int_equal(bits, 128);
	dns_ip_parse("fd00::1", &net);
	assert_true(dns_ip_eq(&ip, &net));
}

static void test_resolv_conf(void **state)
{
	static const char text[] =
		"# Generated by NetworkManager\n"
		"search lan\n"
		"nameserver 127.0.0.53\n"
		"nameserver 192.168.122.1\n"
		"nameserver\t9.9.9.9 # quad9\n"
		"  nameserver 2620:fe::fe\n"
		"nameserver fe80::1%eth0\n"
		"nameserver ::1\n"
		"nameserver 0.0.0.0\n"
		"; nameserver 8.8.8.8\n"
		"nameserver 9.9.9.9\n"
		"nameservers 1.1.1.1\n"
		"nameserver 149.112.112.112";
	struct dns_ip self, out[8], want;

	(void)state;
	dns_ip_parse("192.168.122.1", &self);
	/* Loopback stubs are upstreams too (the server's loop guard covers them). */
	assert_int_equal(dns_resolv_conf_parse(text, strlen(text), &self, 1, out, 8), 5);
	dns_ip_parse("127.0.0.53", &want);
	assert_true(dns_ip_eq(&out[0], &want));
	dns_ip_parse("9.9.9.9", &want);
	assert_true(dns_ip_eq(&out[1], &want));
	dns_ip_parse("2620:fe::fe", &want);
	assert_true(dns_ip_eq(&out[2], &want));
	dns_ip_parse("::1", &want);
	assert_true(dns_ip_eq(&out[3], &want));
	dns_ip_parse("149.112.112.112", &want);
	assert_true(dns_ip_eq(&out[4], &want));
	assert_int_equal(dns_resolv_conf_parse(text, strlen(text), &self, 1, out, 1), 1);
	assert_int_equal(dns_resolv_conf_parse("", 0, NULL, 0, out, 8), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dig_query),
		cmocka_unit_test(test_compressed_answer),
		cmocka_unit_test(test_pointer_chain),
		cmocka_unit_test(test_malformed_names),
		cmocka_unit_test(test_pointer_hop_limit),
		cmocka_unit_test(test_malformed_header_and_counts),
		cmocka_unit_test(test_malformed_opt),
		cmocka_unit_test(test_name_text),
		cmocka_unit_test(test_reverse),
		cmocka_unit_test(test_resolv_conf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
