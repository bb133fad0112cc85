/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one writer of replies, mirroring the reader: capacity is checked
 * before every write, and `reserve` keeps room for what must close the
 * message (relay agent information, the End option) however many optional
 * options come before it.
 */
#include <string.h>

#include "dhcp/wire/wire.h"

void wire_wr_init(struct wire_builder *b, uint8_t *buf, size_t cap)
{
	b->data = buf;
	b->len = 0;
	b->cap = buf ? cap : 0;
	b->reserve = 0;
	b->full = false;
}

size_t wire_wr_room(const struct wire_builder *b)
{
	size_t used = b->len + b->reserve;

	return used < b->cap ? b->cap - used : 0;
}

bool wire_wr_bytes(struct wire_builder *b, const void *p, size_t n)
{
	if (n > wire_wr_room(b)) {
		b->full = true;
		return false;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	return true;
}

bool wire_wr_zero(struct wire_builder *b, size_t n)
{
	if (n > wire_wr_room(b)) {
		b->full = true;
		return false;
	}
	memset(b->data + b->len, 0, n);
	b->len += n;
	return true;
}

bool wire_wr_u8(struct wire_builder *b, uint8_t v)
{
	return wire_wr_bytes(b, &v, 1);
}

bool wire_wr_u16(struct wire_builder *b, uint16_t v)
{
	uint8_t p[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	return wire_wr_bytes(b, p, 2);
}

bool wire_wr_u32(struct wire_builder *b, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	return wire_wr_bytes(b, p, 4);
}

bool wire_wr_tlv(struct wire_builder *b, uint8_t code, const void *p, size_t len)
{
	if (len > 255 || len + 2 > wire_wr_room(b))
		return false;   /* an optional option that does not fit is left out */
	wire_wr_u8(b, code);
	wire_wr_u8(b, (uint8_t)len);
	return wire_wr_bytes(b, p, len);
}
