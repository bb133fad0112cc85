/* SPDX-License-Identifier: GPL-2.0-or-later */
/* TFTP datagrams: requests and acknowledgements in, OACK/ERROR/DATA out. */
#include "dhcp/tftp/tftp.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* One NUL-terminated string of at most max bytes; false when there is none. */
static bool read_string(struct wire_reader *r, char *out, size_t max)
{
	const uint8_t *p = r->data + r->pos;
	size_t left = wire_rd_left(r);
	const uint8_t *nul = memchr(p, 0, left);
	size_t n;

	if (!nul)
		return false;
	n = (size_t)(nul - p);
	if (n > max)
		return false;
	memcpy(out, p, n);
	out[n] = '\0';
	return wire_rd_skip(r, n + 1);
}

/* A decimal option value: digits only, no sign, within lo..hi. */
static bool parse_decimal(const char *s, uint64_t lo, uint64_t hi, uint64_t *v)
{
	uint64_t n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(*s - '0');
	}
	if (n < lo)
		return false;
	*v = n > hi ? hi : n;
	return true;
}

static int refuse(uint16_t *errcode, uint16_t code, struct wire_error *err, const char *what,
		  const char *value)
{
	*errcode = code;
	return wire_fail(err, -EINVAL, "%s%s%s", what, value ? ": " : "", value ? value : "");
}

/* One option and its value (RFC 2347): taken, ignored, or refused. */
static int take_option(struct tftp_request *req, const char *name, const char *value,
		       uint16_t *errcode, struct wire_error *err)
{
	uint64_t v;

	if (!strcasecmp(name, "blksize")) {
		if (!parse_decimal(value, TFTP_BLKSIZE_MIN, TFTP_BLKSIZE_MAX, &v))
			return refuse(errcode, TFTP_EOPTNEG, err, "bad blksize", value);
		req->has_blksize = true;
		req->blksize = (uint32_t)v;
	} else if (!strcasecmp(name, "tsize")) {
		if (!parse_decimal(value, 0, UINT64_MAX, &v))
			return refuse(errcode, TFTP_EOPTNEG, err, "bad tsize", value);
		req->has_tsize = true;
	} else if (!strcasecmp(name, "timeout")) {
		/* RFC 2349: 1..255; anything else is simply not acknowledged */
		if (parse_decimal(value, 1, UINT64_MAX, &v) && v <= 255) {
			req->has_timeout = true;
			req->timeout_s = (uint32_t)v;
		}
	} else if (!strcasecmp(name, "windowsize")) {
		if (!parse_decimal(value, 1, 65535, &v))
			return refuse(errcode, TFTP_EOPTNEG, err, "bad windowsize", value);
		req->has_windowsize = true;
		req->windowsize = (uint32_t)v;
	}
	return 0;
}

static int parse_mode(const char *mode, struct tftp_request *req, uint16_t *errcode,
		      struct wire_error *err)
{
	if (!strcasecmp(mode, "octet"))
		req->mode = TFTP_MODE_OCTET;
	else if (!strcasecmp(mode, "netascii"))
		req->mode = TFTP_MODE_NETASCII;
	else
		return refuse(errcode, TFTP_EUNDEF, err, "unsupported transfer mode", mode);
	return 0;
}

int tftp_parse_request(const uint8_t *pkt, size_t len, struct tftp_request *req,
		       uint16_t *errcode, struct wire_error *err)
{
	struct wire_reader r;
	char name[TFTP_NAME_MAX + 1], value[TFTP_NAME_MAX + 1], mode[16];
	uint16_t op;
	int rc;

	memset(req, 0, sizeof(*req));
	*errcode = TFTP_EUNDEF;
	if (len > TFTP_REQUEST_MAX)
		return refuse(errcode, TFTP_EUNDEF, err, "request too long", NULL);
	wire_rd_init(&r, pkt, len);
	if (!wire_rd_u16(&r, &op) || (op != TFTP_RRQ && op != TFTP_WRQ))
		return refuse(errcode, TFTP_EBADOP, err, "not a read or write request", NULL);
	req->op = (enum tftp_opcode)op;
	if (!read_string(&r, req->name, TFTP_NAME_MAX) || !req->name[0])
		return refuse(errcode, TFTP_EUNDEF, err, "missing or over-long file name", NULL);
	if (!read_string(&r, mode, sizeof(mode) - 1))
		return refuse(errcode, TFTP_EUNDEF, err, "missing transfer mode", NULL);
	if ((rc = parse_mode(mode, req, errcode, err)) < 0)
		return rc;
	while (wire_rd_left(&r) > 0) {
		if (!read_string(&r, name, TFTP_NAME_MAX) || !read_string(&r, value, TFTP_NAME_MAX))
			return refuse(errcode, TFTP_EOPTNEG, err, "malformed option", NULL);
		if ((rc = take_option(req, name, value, errcode, err)) < 0)
			return rc;
	}
	return 0;
}

int tftp_parse_client(const uint8_t *pkt, size_t len, struct tftp_client_msg *m)
{
	struct wire_reader r;
	uint16_t op, v;

	memset(m, 0, sizeof(*m));
	wire_rd_init(&r, pkt, len);
	if (!wire_rd_u16(&r, &op) || !wire_rd_u16(&r, &v))
		return -EBADMSG;
	if (op == TFTP_ACK) {
		m->op = TFTP_ACK;
		m->block = v;
		return 0;
	}
	if (op == TFTP_ERROR) {
		m->op = TFTP_ERROR;
		m->errcode = v;
		return 0;
	}
	return -EBADMSG;
}

static bool put_string(struct wire_builder *b, const char *s)
{
	return wire_wr_bytes(b, s, strlen(s) + 1);
}

static bool put_option(struct wire_builder *b, const char *name, uint64_t value)
{
	char text[24];

	snprintf(text, sizeof(text), "%llu", (unsigned long long)value);
	return put_string(b, name) && put_string(b, text);
}

int tftp_build_oack(const struct tftp_params *p, uint8_t *buf, size_t cap)
{
	struct wire_builder b;

	wire_wr_init(&b, buf, cap);
	wire_wr_u16(&b, TFTP_OACK);
	if (p->ack_blksize)
		put_option(&b, "blksize", p->blksize);
	if (p->ack_tsize)
		put_option(&b, "tsize", p->tsize);
	if (p->ack_timeout)
		put_option(&b, "timeout", p->timeout_s);
	if (p->ack_windowsize)
		put_option(&b, "windowsize", p->windowsize);
	return b.full ? -1 : (int)b.len;
}

int tftp_build_error(uint16_t code, const char *msg, uint8_t *buf, size_t cap)
{
	struct wire_builder b;
	size_t n = strnlen(msg, 200);   /* a message, not a payload */

	wire_wr_init(&b, buf, cap);
	wire_wr_u16(&b, TFTP_ERROR);
	wire_wr_u16(&b, code);
	wire_wr_bytes(&b, msg, n);
	wire_wr_u8(&b, 0);
	return b.full ? -1 : (int)b.len;
}

void tftp_build_data_header(uint64_t block, uint8_t *buf)
{
	uint16_t wire_block = (uint16_t)(block & 0xffff);

	buf[0] = 0;
	buf[1] = TFTP_DATA;
	buf[2] = (uint8_t)(wire_block >> 8);
	buf[3] = (uint8_t)wire_block;
}
