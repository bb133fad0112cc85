/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one reader of untrusted bytes. Nothing else in dhcp/ does pointer
 * arithmetic on packet data: every read checks what is left first, and a
 * read that does not fit moves nothing and returns false.
 */
#include <string.h>

#include "dhcp/dhcp-internal.h"

void dhcp_rd_init(struct dhcp_reader *r, const uint8_t *data, size_t len)
{
	r->data = data;
	r->pos = 0;
	r->end = data ? len : 0;
}

size_t dhcp_rd_left(const struct dhcp_reader *r)
{
	return r->pos <= r->end ? r->end - r->pos : 0;
}

bool dhcp_rd_ptr(struct dhcp_reader *r, size_t n, const uint8_t **out)
{
	if (n > dhcp_rd_left(r))
		return false;
	*out = r->data + r->pos;
	r->pos += n;
	return true;
}

bool dhcp_rd_bytes(struct dhcp_reader *r, void *out, size_t n)
{
	const uint8_t *p;

	if (!dhcp_rd_ptr(r, n, &p))
		return false;
	if (n)
		memcpy(out, p, n);
	return true;
}

bool dhcp_rd_skip(struct dhcp_reader *r, size_t n)
{
	const uint8_t *p;

	return dhcp_rd_ptr(r, n, &p);
}

bool dhcp_rd_u8(struct dhcp_reader *r, uint8_t *v)
{
	return dhcp_rd_bytes(r, v, 1);
}

bool dhcp_rd_u16(struct dhcp_reader *r, uint16_t *v)
{
	const uint8_t *p;

	if (!dhcp_rd_ptr(r, 2, &p))
		return false;
	*v = (uint16_t)(p[0] << 8 | p[1]);
	return true;
}

bool dhcp_rd_u32(struct dhcp_reader *r, uint32_t *v)
{
	const uint8_t *p;

	if (!dhcp_rd_ptr(r, 4, &p))
		return false;
	*v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return true;
}

bool dhcp_rd_sub(struct dhcp_reader *r, size_t n, struct dhcp_reader *sub)
{
	const uint8_t *p;

	if (!dhcp_rd_ptr(r, n, &p))
		return false;
	dhcp_rd_init(sub, p, n);
	return true;
}
