/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A read transfer's state: which block goes next, what an ACK means, when
 * to resend. Retransmission happens only on a timeout, never on a repeated
 * ACK, so a lost packet cannot double every later one (the "Sorcerer's
 * Apprentice" failure of RFC 1350 section 4).
 */
#include "dhcp/tftp/tftp.h"

#include <string.h>

void tftp_xfer_start(struct tftp_xfer *x, const struct tftp_params *p, uint64_t file_size,
		     unsigned max_retries, int64_t now_ms)
{
	memset(x, 0, sizeof(*x));
	x->p = *p;
	x->max_retries = max_retries;
	x->acked = p->oack ? -1 : 0;
	x->sent = x->acked;
	/* octet mode: the final block is the first one short of blksize */
	if (file_size != UINT64_MAX && p->mode == TFTP_MODE_OCTET)
		x->last = (int64_t)(file_size / p->blksize) + 1;
	x->deadline_ms = now_ms + (int64_t)p->timeout_s * 1000;
}

bool tftp_xfer_next(struct tftp_xfer *x, uint64_t *block)
{
	int64_t next = x->sent + 1;

	if (x->done || x->failed)
		return false;
	if (x->acked < 0) {
		/* the OACK goes alone: data waits for its ACK 0 */
		if (x->sent >= 0)
			return false;
		*block = 0;
		return true;
	}
	if (next > x->acked + (int64_t)x->p.windowsize || (x->last && next > x->last))
		return false;
	*block = (uint64_t)next;
	return true;
}

void tftp_xfer_sent(struct tftp_xfer *x, uint64_t block, size_t len, int64_t now_ms)
{
	if ((int64_t)block > x->sent)
		x->sent = (int64_t)block;
	if (block > 0 && len < x->p.blksize)
		x->last = (int64_t)block;
	x->deadline_ms = now_ms + (int64_t)x->p.timeout_s * 1000;
}

/*
 * The 16-bit number names one block among those sent and not yet
 * acknowledged: the window is shorter than 65536 blocks, so at most one of
 * them has that number.
 */
enum tftp_ack_result tftp_xfer_on_ack(struct tftp_xfer *x, uint16_t wire_block, int64_t now_ms)
{
	int64_t n = x->acked + 1 + (int64_t)(uint16_t)(wire_block - (uint16_t)(x->acked + 1));

	if (x->done || x->failed || n > x->sent)
		return TFTP_ACK_IGNORED;
	x->acked = n;
	x->retries = 0;
	/* a window cut short (RFC 7440): go on from the block after the ACK */
	x->sent = n;
	x->deadline_ms = now_ms + (int64_t)x->p.timeout_s * 1000;
	if (x->last && n >= x->last) {
		x->done = true;
		return TFTP_ACK_DONE;
	}
	return TFTP_ACK_MORE;
}

bool tftp_xfer_on_timeout(struct tftp_xfer *x, int64_t now_ms)
{
	if (x->done || x->failed)
		return false;
	if (++x->retries > x->max_retries) {
		x->failed = true;
		return false;
	}
	x->sent = x->acked;
	x->deadline_ms = now_ms + (int64_t)x->p.timeout_s * 1000;
	return true;
}

uint64_t tftp_xfer_offset(const struct tftp_xfer *x, uint64_t block)
{
	return block ? (block - 1) * (uint64_t)x->p.blksize : 0;
}
