/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME.journal: append-only, framed records. The frame is
 *     u32 magic "VJL1" | u32 payload length | u32 CRC-32C(payload) | payload
 * and the payload (all big-endian)
 *     u8 op | u32 addr | i64 expires (0 = never) | u8 htype | u8 hlen |
 *     chaddr[hlen] | u8 id_len | id[id_len] | u8 name_len | name[name_len]
 * A crash mid-append leaves a short or mismatching last frame: replay stops
 * there, says so, and returns how many bytes were good. Records are read
 * through the same bounds-checked reader as packets.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/lease/lease-internal.h"
#include "dhcp/wire/wire.h"

#define JOURNAL_MAGIC 0x564a4c31u      /* "VJL1" */
#define PAYLOAD_MAX (1 + 4 + 8 + 2 + LEASE_CHADDR_MAX + 1 + 255 + 1 + LEASE_HOSTNAME_MAX)

/* CRC-32C (Castagnoli), reflected, bit by bit: records are tens of bytes. */
uint32_t lease_crc32c(const uint8_t *data, size_t len)
{
	uint32_t crc = ~0u;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= data[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78u & (0u - (crc & 1)));
	}
	return ~crc;
}

int lease_journal_frame(struct lease_buf *out, const uint8_t *payload, size_t len)
{
	uint8_t head[12];
	struct wire_builder f;
	int r;

	wire_wr_init(&f, head, sizeof(head));
	wire_wr_u32(&f, JOURNAL_MAGIC);
	wire_wr_u32(&f, (uint32_t)len);
	wire_wr_u32(&f, lease_crc32c(payload, len));
	if ((r = lease_buf_append(out, head, f.len)) < 0)
		return r;
	/* whole or not at all: a header without its payload would read as torn */
	if ((r = lease_buf_append(out, payload, len)) < 0)
		out->len -= f.len;
	return r;
}

int lease_journal_append(struct lease_buf *out, enum lease_journal_op op,
			 const struct lease_info *l)
{
	uint8_t pay[PAYLOAD_MAX];
	struct wire_builder b;
	size_t name_len = l->hostname ? strlen(l->hostname) : 0;
	int64_t exp = l->expires == LEASE_EXPIRES_NEVER ? 0 : l->expires;

	if (name_len > LEASE_HOSTNAME_MAX || l->hlen > LEASE_CHADDR_MAX ||
	    l->client_id_len > 255)
		return -EINVAL;
	wire_wr_init(&b, pay, sizeof(pay));
	wire_wr_u8(&b, (uint8_t)op);
	wire_wr_bytes(&b, &l->addr.s_addr, 4);
	wire_wr_u32(&b, (uint32_t)((uint64_t)exp >> 32));
	wire_wr_u32(&b, (uint32_t)exp);
	wire_wr_u8(&b, l->htype);
	wire_wr_u8(&b, l->hlen);
	wire_wr_bytes(&b, l->chaddr, l->hlen);
	wire_wr_u8(&b, (uint8_t)l->client_id_len);
	wire_wr_bytes(&b, l->client_id, l->client_id_len);
	wire_wr_u8(&b, (uint8_t)name_len);
	wire_wr_bytes(&b, l->hostname, name_len);
	if (b.full)
		return -EOVERFLOW;
	return lease_journal_frame(out, pay, b.len);
}

static bool decode(struct wire_reader *r, uint8_t *op, struct lease_info *l,
		   char name[LEASE_HOSTNAME_MAX + 1])
{
	uint32_t hi, lo;
	uint8_t id_len, name_len;
	const uint8_t *p;
	int64_t exp;

	memset(l, 0, sizeof(*l));
	if (!wire_rd_u8(r, op) || (*op != LEASE_JOURNAL_BIND && *op != LEASE_JOURNAL_FREE) ||
	    !wire_rd_bytes(r, &l->addr.s_addr, 4) || !wire_rd_u32(r, &hi) ||
	    !wire_rd_u32(r, &lo) || !wire_rd_u8(r, &l->htype) || !wire_rd_u8(r, &l->hlen) ||
	    l->hlen > LEASE_CHADDR_MAX || !wire_rd_bytes(r, l->chaddr, l->hlen) ||
	    !wire_rd_u8(r, &id_len) || !wire_rd_ptr(r, id_len, &l->client_id) ||
	    !wire_rd_u8(r, &name_len) || !wire_rd_ptr(r, name_len, &p) || wire_rd_left(r))
		return false;
	exp = (int64_t)((uint64_t)hi << 32 | lo);
	if (exp < 0)
		return false;
	l->expires = exp ? exp : LEASE_EXPIRES_NEVER;
	l->client_id_len = id_len;
	if (!id_len)
		l->client_id = NULL;
	if (lease_hostname_sanitize(p, name_len, name))
		l->hostname = name;
	return true;
}

const uint8_t *lease_journal_next(struct wire_reader *r, uint32_t max, uint32_t *len,
				  const char **why)
{
	uint32_t magic, crc;
	const uint8_t *p;

	if (!wire_rd_u32(r, &magic) || !wire_rd_u32(r, len) || !wire_rd_u32(r, &crc))
		return *why = "torn record header", NULL;
	if (magic != JOURNAL_MAGIC || *len > max)
		return *why = "bad record header", NULL;
	if (!wire_rd_ptr(r, *len, &p))
		return *why = "torn record", NULL;
	if (lease_crc32c(p, *len) != crc)
		return *why = "checksum mismatch", NULL;
	return p;
}

void lease_journal_stopped(lease_problem_fn on_problem, void *userdata, unsigned count,
			   const char *why, size_t skipped)
{
	struct lease_error e = { .code = -EBADMSG, .line = count };

	if (!why || !on_problem)
		return;
	snprintf(e.message, sizeof(e.message), "journal record %u: %s; %zu trailing bytes skipped",
		 count, why, skipped);
	on_problem(userdata, &e);
}

/* Does the frame at data[0..left) go on past left (a piece's end, not a tear)? */
static bool cut_short(const uint8_t *data, size_t left, uint32_t max)
{
	uint32_t plen;

	if (left < 12)
		return true;
	plen = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 |
	       data[7];
	return plen <= max && left - 12 < plen;
}

long lease_journal_replay_part(const uint8_t *data, size_t len, bool more,
			       struct lease_replay *st, lease_journal_fn on_record,
			       lease_problem_fn on_problem, void *userdata)
{
	struct wire_reader r, pay;
	char name[LEASE_HOSTNAME_MAX + 1];
	size_t good = 0;
	const char *why = NULL;

	wire_rd_init(&r, data, len);
	while (!st->stopped && wire_rd_left(&r)) {
		const uint8_t *p;
		struct lease_info l;
		uint32_t plen;
		uint8_t op;
		int rc;

		if (more && cut_short(data + r.pos, wire_rd_left(&r), PAYLOAD_MAX))
			break;          /* the rest comes with the next piece */
		st->count++;
		if (!(p = lease_journal_next(&r, PAYLOAD_MAX, &plen, &why)))
			break;
		wire_rd_init(&pay, p, plen);
		if (!decode(&pay, &op, &l, name)) {
			why = "bad record contents";
			break;
		}
		rc = on_record ? on_record(userdata, (enum lease_journal_op)op, &l) : 0;
		if (rc < 0)
			return rc;
		good = r.pos;
	}
	if (why) {
		st->stopped = true;
		lease_journal_stopped(on_problem, userdata, st->count, why, len - good);
	}
	return (long)good;
}

long lease_journal_replay(const uint8_t *data, size_t len, lease_journal_fn on_record,
			  lease_problem_fn on_problem, void *userdata)
{
	struct lease_replay st = { 0 };

	return lease_journal_replay_part(data, len, false, &st, on_record, on_problem, userdata);
}
