/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the TFTP core. The input is a request datagram; when it
 * parses, its name goes through the path check and its options through
 * negotiation, the OACK and an ERROR are built, and then the input, read
 * again as a stream of 16-bit ACK numbers and timeouts, drives a transfer.
 * A clean path must never climb or be absolute, and the transfer must never
 * send a block beyond its window or after the end.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/tftp/tftp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_path(const char *name)
{
	char out[TFTP_NAME_MAX + 1];
	struct wire_error err;

	if (tftp_clean_path(name, out, sizeof(out), &err) < 0)
		return;
	if (out[0] == '/' || !strcmp(out, "..") || !strncmp(out, "../", 3) ||
	    strstr(out, "/../") || (strlen(out) >= 3 && !strcmp(out + strlen(out) - 3, "/..")))
		abort();
}

static void drive(const struct tftp_params *p, const uint8_t *data, size_t size)
{
	struct tftp_xfer x;
	uint64_t b, file = (uint64_t)size * 37;
	int64_t now = 0;
	size_t i;

	tftp_xfer_start(&x, p, file, 3, now);
	for (i = 0; i + 1 < size && !x.done && !x.failed; i += 2) {
		while (tftp_xfer_next(&x, &b)) {
			uint64_t off = tftp_xfer_offset(&x, b);
			size_t len = b == 0 ? 0 : off >= file ? 0 :
				file - off < p->blksize ? (size_t)(file - off) : p->blksize;

			if ((int64_t)b > x.acked + (int64_t)p->windowsize || (x.last && (int64_t)b > x.last))
				abort();
			tftp_xfer_sent(&x, b, len, now);
		}
		now += data[i] & 1 ? 1000 * (int64_t)p->timeout_s : 1;
		if (data[i] & 1)
			tftp_xfer_on_timeout(&x, now);
		else
			tftp_xfer_on_ack(&x, (uint16_t)(data[i] << 8 | data[i + 1]), now);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct tftp_limits lim = { 1468, 16, 1, 3 };
	struct tftp_request req;
	struct tftp_params p;
	struct tftp_client_msg m;
	struct wire_error err;
	uint8_t buf[600];
	uint16_t code;

	tftp_parse_client(data, size, &m);
	if (tftp_parse_request(data, size, &req, &code, &err) < 0) {
		if (tftp_build_error(code, err.message, buf, sizeof(buf)) < 0)
			abort();
		return 0;
	}
	check_path(req.name);
	tftp_negotiate(&req, &lim, (uint64_t)size * 37, &p);
	if (p.blksize < TFTP_BLKSIZE_MIN || p.blksize > lim.max_blksize ||
	    p.windowsize < 1 || p.windowsize > lim.max_window)
		abort();
	if (tftp_build_oack(&p, buf, sizeof(buf)) < 0)
		abort();
	drive(&p, data, size);
	return 0;
}
