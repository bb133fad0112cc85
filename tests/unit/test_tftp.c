/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the TFTP core: requests as iPXE, a PXE ROM and tftp-hpa
 * send them, malformed variants, option negotiation, the replies' bytes,
 * the lexical path check, netascii, and transfers (windows, rollover,
 * timeouts).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "dhcp/tftp/tftp.h"

/* iPXE 1.21 fetching its script: RRQ "boot.ipxe" octet, blksize 1432, tsize 0. */
static const uint8_t ipxe_rrq[] = {
	0x00, 0x01, 'b', 'o', 'o', 't', '.', 'i', 'p', 'x', 'e', 0,
	'o', 'c', 't', 'e', 't', 0,
	'b', 'l', 'k', 's', 'i', 'z', 'e', 0, '1', '4', '3', '2', 0,
	't', 's', 'i', 'z', 'e', 0, '0', 0,
};

/* A PXE ROM's first try: upper-case mode and option, tsize only. */
static const uint8_t pxe_rrq[] = {
	0x00, 0x01, 'p', 'x', 'e', 'l', 'i', 'n', 'u', 'x', '.', '0', 0,
	'O', 'C', 'T', 'E', 'T', 0, 'T', 'S', 'I', 'Z', 'E', 0, '0', 0,
};

/* tftp-hpa's `put x` */
static const uint8_t hpa_wrq[] = {
	0x00, 0x02, 'x', 0, 'n', 'e', 't', 'a', 's', 'c', 'i', 'i', 0,
};

static int parse(const uint8_t *p, size_t n, struct tftp_request *req, uint16_t *code,
		 struct wire_error *err)
{
	return tftp_parse_request(p, n, req, code, err);
}

static void test_ipxe_request(void **state)
{
	struct tftp_request req;
	struct wire_error err;
	uint16_t code;

	(void)state;
	assert_int_equal(parse(ipxe_rrq, sizeof(ipxe_rrq), &req, &code, &err), 0);
	assert_int_equal(req.op, TFTP_RRQ);
	assert_string_equal(req.name, "boot.ipxe");
	assert_int_equal(req.mode, TFTP_MODE_OCTET);
	assert_true(req.has_blksize);
	assert_int_equal(req.blksize, 1432);
	assert_true(req.has_tsize);
	assert_false(req.has_timeout);
	assert_false(req.has_windowsize);
}

static void test_pxe_and_write_requests(void **state)
{
	struct tftp_request req;
	struct wire_error err;
	uint16_t code;

	(void)state;
	assert_int_equal(parse(pxe_rrq, sizeof(pxe_rrq), &req, &code, &err), 0);
	assert_string_equal(req.name, "pxelinux.0");
	assert_true(req.has_tsize);
	assert_false(req.has_blksize);
	assert_int_equal(parse(hpa_wrq, sizeof(hpa_wrq), &req, &code, &err), 0);
	assert_int_equal(req.op, TFTP_WRQ);
	assert_int_equal(req.mode, TFTP_MODE_NETASCII);
}

/* Build "\0\1NAME\0MODE\0" followed by the option pairs given. */
static size_t rrq(uint8_t *buf, const char *name, const char *mode, const char **opts, int n)
{
	size_t len = 2;
	int i;

	buf[0] = 0;
	buf[1] = 1;
	memcpy(buf + len, name, strlen(name) + 1);
	len += strlen(name) + 1;
	memcpy(buf + len, mode, strlen(mode) + 1);
	len += strlen(mode) + 1;
	for (i = 0; i < n; i++) {
		memcpy(buf + len, opts[i], strlen(opts[i]) + 1);
		len += strlen(opts[i]) + 1;
	}
	return len;
}

static void expect_refusal(const uint8_t *p, size_t n, uint16_t want_code, const char *want_msg)
{
	struct tftp_request req;
	struct wire_error err;
	uint16_t code;

	assert_true(parse(p, n, &req, &code, &err) < 0);
	assert_int_equal(code, want_code);
	assert_string_equal(err.message, want_msg);
}

static void test_refusals(void **state)
{
	uint8_t b[2048];
	const char *bad_blk[] = { "blksize", "7" };
	const char *bad_num[] = { "blksize", "12a" };
	const char *bad_win[] = { "windowsize", "0" };
	const char *odd[] = { "blksize" };
	char longname[300];

	(void)state;
	expect_refusal(b, rrq(b, "f", "mail", NULL, 0), TFTP_EUNDEF,
		       "unsupported transfer mode: mail");
	expect_refusal(b, rrq(b, "f", "octet", bad_blk, 2), TFTP_EOPTNEG, "bad blksize: 7");
	expect_refusal(b, rrq(b, "f", "octet", bad_num, 2), TFTP_EOPTNEG, "bad blksize: 12a");
	expect_refusal(b, rrq(b, "f", "octet", bad_win, 2), TFTP_EOPTNEG, "bad windowsize: 0");
	expect_refusal(b, rrq(b, "f", "octet", odd, 1), TFTP_EOPTNEG, "malformed option");
	expect_refusal(b, rrq(b, "", "octet", NULL, 0), TFTP_EUNDEF,
		       "missing or over-long file name");
	/* the last string without its NUL */
	expect_refusal(ipxe_rrq, sizeof(ipxe_rrq) - 1, TFTP_EOPTNEG, "malformed option");
	expect_refusal(pxe_rrq, 13, TFTP_EUNDEF, "missing transfer mode");
	memset(longname, 'a', 256);
	longname[256] = '\0';
	expect_refusal(b, rrq(b, longname, "octet", NULL, 0), TFTP_EUNDEF,
		       "missing or over-long file name");
	b[0] = 0;
	b[1] = 3;       /* DATA to the server port */
	expect_refusal(b, 4, TFTP_EBADOP, "not a read or write request");
	memset(b, 'x', sizeof(b));
	expect_refusal(b, 1025, TFTP_EUNDEF, "request too long");
}

static void test_option_ranges(void **state)
{
	uint8_t b[512];
	const char *big[] = { "BlkSize", "70000", "timeout", "0", "windowsize", "65535" };
	const char *t256[] = { "timeout", "256", "unknown", "1" };
	struct tftp_request req;
	struct wire_error err;
	uint16_t code;

	(void)state;
	assert_int_equal(parse(b, rrq(b, "f", "octet", big, 6), &req, &code, &err), 0);
	assert_int_equal(req.blksize, TFTP_BLKSIZE_MAX);
	assert_false(req.has_timeout);  /* RFC 2349: 1..255, else not acknowledged */
	assert_int_equal(req.windowsize, 65535);
	assert_int_equal(parse(b, rrq(b, "f", "octet", t256, 4), &req, &code, &err), 0);
	assert_false(req.has_timeout);
}

static const struct tftp_limits limits = {
	.max_blksize = 1468, .max_window = 64, .default_timeout_s = 1, .max_retries = 5,
};

static void test_negotiate(void **state)
{
	struct tftp_request req = { .op = TFTP_RRQ, .mode = TFTP_MODE_OCTET };
	struct tftp_params p;
	uint8_t b[128];
	static const uint8_t want_oack[] = {
		0, 6, 'b', 'l', 'k', 's', 'i', 'z', 'e', 0, '1', '4', '6', '8', 0,
		't', 's', 'i', 'z', 'e', 0, '7', '0', '0', '0', '0', 0,
		'w', 'i', 'n', 'd', 'o', 'w', 's', 'i', 'z', 'e', 0, '6', '4', 0,
	};

	(void)state;
	tftp_negotiate(&req, &limits, 70000, &p);
	assert_false(p.oack);
	assert_int_equal(p.blksize, 512);
	assert_int_equal(p.windowsize, 1);

	req.has_blksize = req.has_tsize = req.has_windowsize = true;
	req.blksize = 65464;
	req.windowsize = 1000;
	tftp_negotiate(&req, &limits, 70000, &p);
	assert_true(p.oack);
	assert_int_equal(p.blksize, 1468);
	assert_int_equal(p.windowsize, 64);
	assert_int_equal(tftp_build_oack(&p, b, sizeof(b)), sizeof(want_oack));
	assert_memory_equal(b, want_oack, sizeof(want_oack));
	assert_int_equal(tftp_build_oack(&p, b, 20), -1);

	/* netascii: no size and no window can be promised */
	req.mode = TFTP_MODE_NETASCII;
	tftp_negotiate(&req, &limits, 70000, &p);
	assert_false(p.ack_tsize);
	assert_false(p.ack_windowsize);
	assert_int_equal(p.windowsize, 1);
	assert_true(p.ack_blksize);
}

static void test_error_and_data(void **state)
{
	uint8_t b[64];
	static const uint8_t want[] = { 0, 5, 0, 2, 'w', 'r', 'i', 't', 'e', 's', ' ', 'a', 'r',
					'e', ' ', 'r', 'e', 'f', 'u', 's', 'e', 'd', 0 };
	struct tftp_client_msg m;
	static const uint8_t ack[] = { 0, 4, 0xff, 0xfe };
	static const uint8_t cerr[] = { 0, 5, 0, 8, 'n', 'o', 0 };
	static const uint8_t data[] = { 0, 3, 0, 1 };

	(void)state;
	assert_int_equal(tftp_build_error(TFTP_EACCESS, "writes are refused", b, sizeof(b)),
			 sizeof(want));
	assert_memory_equal(b, want, sizeof(want));
	assert_int_equal(tftp_build_error(TFTP_EACCESS, "writes are refused", b, 10), -1);
	tftp_build_data_header(65536 + 7, b);
	assert_int_equal(b[1], TFTP_DATA);
	assert_int_equal(b[2], 0);
	assert_int_equal(b[3], 7);
	assert_int_equal(tftp_parse_client(ack, sizeof(ack), &m), 0);
	assert_int_equal(m.op, TFTP_ACK);
	assert_int_equal(m.block, 0xfffe);
	assert_int_equal(tftp_parse_client(cerr, sizeof(cerr), &m), 0);
	assert_int_equal(m.op, TFTP_ERROR);
	assert_int_equal(m.errcode, 8);
	assert_int_equal(tftp_parse_client(data, sizeof(data), &m), -EBADMSG);
	assert_int_equal(tftp_parse_client(ack, 3, &m), -EBADMSG);
}

static void expect_path(const char *in, const char *want)
{
	char out[TFTP_NAME_MAX + 1];
	struct wire_error err;

	assert_int_equal(tftp_clean_path(in, out, sizeof(out), &err), 0);
	assert_string_equal(out, want);
}

static void expect_bad_path(const char *in, int code, const char *msg)
{
	char out[TFTP_NAME_MAX + 1];
	struct wire_error err;

	assert_int_equal(tftp_clean_path(in, out, sizeof(out), &err), code);
	assert_string_equal(err.message, msg);
}

static void test_clean_path(void **state)
{
	(void)state;
	expect_path("/pxelinux.0", "pxelinux.0");
	expect_path("\\boot\\bcd", "boot/bcd");
	expect_path("efi//grub/./", "efi/grub");
	expect_path("..a/b..", "..a/b..");
	expect_path("./x", "x");
	expect_bad_path("../etc/passwd", -EACCES, "'..' is not allowed in file names");
	expect_bad_path("a/../../b", -EACCES, "'..' is not allowed in file names");
	expect_bad_path("..\\x", -EACCES, "'..' is not allowed in file names");
	expect_bad_path("/", -ENOENT, "no file name");
	expect_bad_path("a\tb", -EACCES, "control characters in file name");
}

static void test_netascii(void **state)
{
	struct tftp_ascii_pos pos = { 0, -1 };
	const uint8_t src[] = "ab\ncd\re";
	uint8_t out[16];
	size_t n;

	(void)state;
	/* the pair CR LF split over two blocks of 3 */
	n = tftp_netascii_encode(src, 7, out, 3, &pos);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "ab\r", 3);
	assert_int_equal(pos.src_off, 3);
	assert_int_equal(pos.pending, '\n');
	n = tftp_netascii_encode(src + pos.src_off, 7 - pos.src_off, out, 3, &pos);
	assert_memory_equal(out, "\ncd", 3);
	n = tftp_netascii_encode(src + pos.src_off, 7 - pos.src_off, out, 3, &pos);
	assert_int_equal(n, 3);
	assert_memory_equal(out, "\r\0e", 3);
	n = tftp_netascii_encode(src + pos.src_off, 7 - pos.src_off, out, 3, &pos);
	assert_int_equal(n, 0);     /* the short (empty) last block */
}

static void send_all(struct tftp_xfer *x, uint64_t *first, int *count, int64_t now, size_t len)
{
	uint64_t b;

	*count = 0;
	while (tftp_xfer_next(x, &b)) {
		if (!(*count)++)
			*first = b;
		tftp_xfer_sent(x, b, b == 0 ? 0 : len, now);
	}
}

static void test_xfer_plain(void **state)
{
	struct tftp_params p = { .blksize = 512, .windowsize = 1, .timeout_s = 1 };
	struct tftp_xfer x;
	uint64_t first = 0;
	int n;

	(void)state;
	tftp_xfer_start(&x, &p, 1024, 3, 0);
	send_all(&x, &first, &n, 0, 512);
	assert_int_equal(n, 1);
	assert_int_equal(first, 1);
	assert_int_equal(tftp_xfer_on_ack(&x, 0, 10), TFTP_ACK_IGNORED);     /* stale */
	assert_int_equal(tftp_xfer_on_ack(&x, 2, 10), TFTP_ACK_IGNORED);     /* not sent */
	assert_int_equal(tftp_xfer_on_ack(&x, 1, 10), TFTP_ACK_MORE);
	send_all(&x, &first, &n, 10, 512);
	assert_int_equal(first, 2);
	assert_int_equal(tftp_xfer_offset(&x, 2), 512);
	assert_int_equal(tftp_xfer_on_ack(&x, 2, 20), TFTP_ACK_MORE);
	/* 1024 bytes: a third, empty block says the file ends */
	send_all(&x, &first, &n, 20, 0);
	assert_int_equal(first, 3);
	assert_int_equal(tftp_xfer_on_ack(&x, 3, 30), TFTP_ACK_DONE);
	assert_true(x.done);
	send_all(&x, &first, &n, 30, 0);
	assert_int_equal(n, 0);
}

static void test_xfer_oack_and_timeouts(void **state)
{
	struct tftp_params p = { .blksize = 512, .windowsize = 1, .timeout_s = 2, .oack = true };
	struct tftp_xfer x;
	uint64_t first = 99;
	int n, i;

	(void)state;
	tftp_xfer_start(&x, &p, 100, 2, 0);
	send_all(&x, &first, &n, 0, 0);
	assert_int_equal(n, 1);
	assert_int_equal(first, 0);     /* the OACK */
	assert_int_equal(x.deadline_ms, 2000);
	assert_true(tftp_xfer_on_timeout(&x, 2000));
	send_all(&x, &first, &n, 2000, 0);
	assert_int_equal(first, 0);     /* the OACK again */
	assert_int_equal(tftp_xfer_on_ack(&x, 0, 2100), TFTP_ACK_MORE);
	send_all(&x, &first, &n, 2100, 100);
	assert_int_equal(first, 1);
	assert_int_equal(x.last, 1);
	for (i = 0; i < 2; i++)
		assert_true(tftp_xfer_on_timeout(&x, 5000 + i));
	assert_false(tftp_xfer_on_timeout(&x, 9000));   /* retries spent */
	assert_true(x.failed);
}

static void test_xfer_window(void **state)
{
	struct tftp_params p = { .blksize = 512, .windowsize = 4, .timeout_s = 1, .oack = true };
	struct tftp_xfer x;
	uint64_t first = 0;
	int n;

	(void)state;
	tftp_xfer_start(&x, &p, 512 * 10, 5, 0);
	send_all(&x, &first, &n, 0, 0);
	assert_int_equal(tftp_xfer_on_ack(&x, 0, 1), TFTP_ACK_MORE);
	send_all(&x, &first, &n, 1, 512);
	assert_int_equal(first, 1);
	assert_int_equal(n, 4);
	/* block 3 was lost: the client acknowledges 2, the sender goes on from 3 */
	assert_int_equal(tftp_xfer_on_ack(&x, 2, 2), TFTP_ACK_MORE);
	send_all(&x, &first, &n, 2, 512);
	assert_int_equal(first, 3);
	assert_int_equal(n, 4);
	assert_int_equal(tftp_xfer_on_ack(&x, 6, 3), TFTP_ACK_MORE);
	send_all(&x, &first, &n, 3, 512);
	assert_int_equal(n, 4);         /* 7..10 */
	assert_int_equal(tftp_xfer_on_ack(&x, 10, 4), TFTP_ACK_MORE);
	send_all(&x, &first, &n, 4, 0);
	assert_int_equal(first, 11);    /* the empty last block */
	assert_int_equal(n, 1);
	assert_int_equal(tftp_xfer_on_ack(&x, 11, 5), TFTP_ACK_DONE);
}

/* 70 000 blocks: numbers on the wire wrap to 0 after 65535, and ACKs map back. */
static void test_xfer_rollover(void **state)
{
	struct tftp_params p = { .blksize = 8, .windowsize = 1, .timeout_s = 1 };
	uint64_t size = 70000ULL * 8 - 3, b = 0;
	struct tftp_xfer x;
	uint8_t hdr[4];

	(void)state;
	tftp_xfer_start(&x, &p, size, 1, 0);
	for (;;) {
		assert_true(tftp_xfer_next(&x, &b));
		tftp_xfer_sent(&x, b, b == 70000 ? 5 : 8, 0);
		tftp_build_data_header(b, hdr);
		if (b == 65536)
			assert_int_equal(hdr[2] << 8 | hdr[3], 0);
		if (tftp_xfer_on_ack(&x, (uint16_t)(hdr[2] << 8 | hdr[3]), 0) == TFTP_ACK_DONE)
			break;
	}
	assert_int_equal(b, 70000);
	assert_int_equal(tftp_xfer_offset(&x, 70000), 69999ULL * 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipxe_request),
		cmocka_unit_test(test_pxe_and_write_requests),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_option_ranges),
		cmocka_unit_test(test_negotiate),
		cmocka_unit_test(test_error_and_data),
		cmocka_unit_test(test_clean_path),
		cmocka_unit_test(test_netascii),
		cmocka_unit_test(test_xfer_plain),
		cmocka_unit_test(test_xfer_oack_and_timeouts),
		cmocka_unit_test(test_xfer_window),
		cmocka_unit_test(test_xfer_rollover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
