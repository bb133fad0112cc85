/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one reader of untrusted bytes. Nothing else in dhcp/ does pointer
 * arithmetic on packet data: every read checks what is left first, and a
 * read that does not fit moves nothing and returns false.
 */
#include <string.h>

#include "dhcp/wire/wire.h"

void wire_rd_init(struct wire_reader *r, const uint8_t *data, size_t len)
{
	r->data = data;
	r->pos = 0;
	r->end = data ? len : 0;
}

size_t wire_rd_left(const struct wire_reader *r)
{
	return r->pos <= r->end ? r->end - r->pos : 0;
}

bool wire_rd_ptr(struct wire_reader *r, size_t n, const uint8_t **out)
{
	if (n > wire_rd_left(r))
		return false;
	*out = r->data + r->pos;
	r->pos += n;
	return true;
}

bool wire_rd_bytes(struct wire_reader *r, void *out, size_t n)
{
	const uint8_t *p;

	if (!wire_rd_ptr(r, n, &p))
		return false;
	if (n)
		memcpy(out, p, n);
	return true;
}

bool wire_rd_skip(struct wire_reader *r, size_t n)
{
	const uint8_t *p;

	return wire_rd_ptr(r, n, &p);
}

bool wire_rd_u8(struct wire_reader *r, uint8_t *v)
{
	return wire_rd_bytes(r, v, 1);
}

bool wire_rd_u16(struct wire_reader *r, uint16_t *v)
{
	const uint8_t *p;

	if (!wire_rd_ptr(r, 2, &p))
		return false;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return true;
}

bool wire_rd_u32(struct wire_reader *r, uint32_t *v)
{
	const uint8_t *p;

	if (!wire_rd_ptr(r, 4, &p))
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

bool wire_rd_sub(struct wire_reader *r, size_t n, struct wire_reader *sub)
{
	const uint8_t *p;

	if (!wire_rd_ptr(r, n, &p))
		return false;
	wire_rd_init(sub, p, n);
	return true;
}
