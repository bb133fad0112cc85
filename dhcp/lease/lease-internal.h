/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What the v4 and v6 journal code (journal.c, journal6.c) share: the record frame. */
#ifndef VNETD_LEASE_INTERNAL_H
#define VNETD_LEASE_INTERNAL_H

#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"

/* One journal record, framed (magic, length, CRC-32C, payload), appended to out. */
int lease_journal_frame(struct lease_buf *out, const uint8_t *payload, size_t len);

/*
 * The next frame's payload (at most max bytes), the reader stepped over it;
 * NULL with *why set when the frame is torn or corrupt.
 */
const uint8_t *lease_journal_next(struct wire_reader *r, uint32_t max, uint32_t *len,
				  const char **why);

/* A replay that stopped at record `count`: one problem saying why and what was skipped. */
void lease_journal_stopped(lease_problem_fn on_problem, void *userdata, unsigned count,
			   const char *why, size_t skipped);

#endif
