/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netascii rendering of a file, one block at a time. */
#include "dhcp/tftp/tftp.h"

/*
 * src holds the file from pos->src_off on: at least cap bytes of it (always
 * enough to fill a block), or all that is left. Returns the bytes written
 * to dst; fewer than cap only at the end of the file, so a short block is
 * the last one.
 */
size_t tftp_netascii_encode(const uint8_t *src, size_t src_len, uint8_t *dst, size_t cap,
			    struct tftp_ascii_pos *pos)
{
	size_t out = 0, in = 0;

	if (pos->pending >= 0 && out < cap) {
		dst[out++] = (uint8_t)pos->pending;
		pos->pending = -1;
	}
	while (out < cap && in < src_len) {
		uint8_t c = src[in++];

		if (c == '\n' || c == '\r') {
			dst[out++] = '\r';
			if (out < cap)
				dst[out++] = c == '\n' ? '\n' : '\0';
			else
				pos->pending = c == '\n' ? '\n' : '\0';
		} else {
			dst[out++] = c;
		}
	}
	pos->src_off += in;
	return out;
}
