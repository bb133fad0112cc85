/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCPv4 batches and their group commit: requests handled into reply banks
 * (dhcp_io), their journal records made durable by the sync thread
 * (leasedb_sync.c) while the loop goes on, their replies sent when that
 * sync ends; what arrives meanwhile fills the next banks for the next sync.
 */
#include "netd/serve/daemon.h"
#include "netd/serve/arp_probe.h"
#include "netd/serve/dhcp_io.h"
#include "netd/serve/leasedb.h"

#include <errno.h>
#include <time.h>

/*
 * Syncs start at most this often: each costs ~0.1 ms of CPU in the kernel
 * however little it carries, and a sync started the moment the last one
 * ended would carry one or two leases; waiting this long gathers the next
 * ones too (group commit) for at most this much more latency per ACK.
 */
#define SYNC_GAP_MS 2

/* A reply bank neither waiting for a sync nor queued for the next, or -1. */
static int free_bank(const struct serve_dhcp *s)
{
	int b;

	for (b = 0; b < DHCP_IO_BANKS; b++)
		if (!((s->inflight | s->queued) & 1u << b))
			return b;
	return -1;
}

static void banks_done(struct serve_dhcp *s, unsigned banks, bool send)
{
	int b;

	for (b = 0; b < DHCP_IO_BANKS; b++) {
		if (!(banks & 1u << b))
			continue;
		if (send)
			dhcp_io_send(s->io, b, s->bank[b].replied, s->bank[b].n);
		s->bank[b].n = 0;
	}
}

/* A bank is free again: take requests again if every bank was waiting. */
static void resume(struct serve_dhcp *s)
{
	if (s->paused && dhcp_io_pause(s->io, false) == 0)
		s->paused = false;
}

/* Make the banks' records (everything pending) durable; their replies wait. */
static void start_sync(struct serve_dhcp *s, unsigned banks)
{
	int r = leasedb_commit_start(s->db, s->srv);

	if (r == 1) {
		s->inflight = banks;
		s->next_sync_ms = loop_now_ms() + SYNC_GAP_MS;
		return;
	}
	banks_done(s, banks, r == 0);   /* < 0: not durable, rolled back: the clients retry */
	resume(s);
	if (leasedb_dirty(s->db))
		serve_dhcp_files_changed(s);
}

/* The queued banks' sync, when none runs and the gap since the last start has passed. */
void serve_dhcp_kick_sync(struct serve_dhcp *s, int64_t now_ms)
{
	unsigned q = s->queued;

	if (!q || leasedb_syncing(s->db) || now_ms < s->next_sync_ms)
		return;
	s->queued = 0;
	s->filling = -1;
	start_sync(s, q);
}

/* A sync ended (r: leasedb_commit_end()'s): its replies go, the queued banks' sync follows. */
static void sync_ended(struct serve_dhcp *s, int r)
{
	unsigned done = s->inflight;

	s->inflight = 0;
	banks_done(s, done, r == 0);
	if (r) {
		banks_done(s, s->queued, false);        /* rolled back with the rest */
		s->queued = 0;
		s->filling = -1;
	}
	serve_dhcp_kick_sync(s, loop_now_ms());
	resume(s);
	if (leasedb_dirty(s->db))
		serve_dhcp_files_changed(s);
}

void serve_dhcp_on_synced(struct loop_handler *h, uint32_t events)
{
	struct serve_dhcp *s = loop_owner(h, struct serve_dhcp, synced);
	int r = leasedb_commit_end(s->db, s->srv);

	if (r != -EAGAIN)
		sync_ended(s, r);
}

/*
 * The bank the next requests go to: while a sync runs, the queued one
 * taking them, else a free one (all that arrives meanwhile waits for the
 * next sync together: group commit); -1 when every bank is full.
 */
int serve_dhcp_filling_bank(const struct serve_dhcp *s)
{
	if (s->filling >= 0 && s->bank[s->filling].n < DHCP_IO_BATCH)
		return s->filling;
	return free_bank(s);
}

/* Send now the replies of slots [from, to) of bank b (they changed no lease). */
static void send_now(struct serve_dhcp *s, int b, int from, int to)
{
	bool now[DHCP_IO_BATCH] = { false };
	int i;

	for (i = from; i < to; i++) {
		now[i] = s->bank[b].replied[i];
		s->bank[b].replied[i] = false;
	}
	dhcp_io_send(s->io, b, now, to);
}

/*
 * Handle requests into bank b after what it holds. Their lease changes
 * are written to the journal and made durable by one fdatasync, in the
 * sync thread, and only then do their replies leave; meanwhile the loop
 * goes on, and what it handles during that sync waits for the next one.
 * Requests that changed no lease (offers, NAKs, INFORMs) are answered at once.
 */
void serve_dhcp_batch(struct serve_dhcp *s, int b, const struct dhcp_rx *rx, int n)
{
	int64_t now = (int64_t)time(NULL);      /* the lease clock */
	int first = s->bank[b].n, i, r;
	size_t c0, j0, c1, j1;

	dhcp_server_pending(s->srv, &c0, &j0);
	for (i = 0; i < n; i++) {
		size_t cap;
		uint8_t *buf = dhcp_io_reply_buf(s->io, b, first + i, &cap);
		struct dhcp_tx *tx = dhcp_io_tx(s->io, b, first + i);
		int started = -1;

		r = dhcp_server_handle(s->srv, &rx[i], now, buf, cap, tx);
		/* no slot for a probe: offer without one rather than stall the client */
		while (r == DHCP_PROBE &&
		       (!s->arp ||
			(started = arp_probe_start(s->arp, tx->addr, &rx[i], loop_now_ms())) < 0)) {
			dhcp_server_probe_result(s->srv, tx->addr, false, now);
			r = dhcp_server_handle(s->srv, &rx[i], now, buf, cap, tx);
		}
		s->probes += r == DHCP_PROBE && started == 0;      /* 1: joined a running probe */
		s->bank[b].replied[first + i] = r == DHCP_REPLY;
	}
	s->bank[b].n = first + n;
	dhcp_server_pending(s->srv, &c1, &j1);
	if (c1 == c0 && j1 == j0) {
		send_now(s, b, first, first + n);
		if (!first)
			s->bank[b].n = 0;       /* nothing else waits in it */
	} else {
		/* behind a sync (or a journal fold) at work, or until the gap has passed */
		s->queued |= 1u << b;
		s->filling = b;
		serve_dhcp_kick_sync(s, loop_now_ms());
	}
}

/*
 * The DHCP socket is readable: one batch of what is waiting (as much as
 * the bank has room for), then back to the loop; what is left wakes it
 * again at once (level-triggered). With every bank full of replies waiting
 * for syncs, the socket is left alone until one ends (the kernel queues).
 */
void serve_dhcp_on_requests(void *userdata)
{
	struct serve_dhcp *s = userdata;
	struct dhcp_rx rx[DHCP_IO_BATCH];
	int b = serve_dhcp_filling_bank(s), n, i;

	if (b < 0) {
		if (!s->paused && dhcp_io_pause(s->io, true) == 0)
			s->paused = true;
		return;
	}
	n = dhcp_io_receive(s->io, DHCP_IO_BATCH - s->bank[b].n);
	for (i = 0; i < n; i++)
		dhcp_io_rx(s->io, i, &rx[i]);
	if (n > 0)
		serve_dhcp_batch(s, b, rx, n);
}

/* At stop: the replies waiting for a sync, or for the gap, go once their records are durable. */
void serve_dhcp_drain(struct serve_dhcp *s)
{
	while (s->db && (leasedb_syncing(s->db) || s->queued)) {
		s->next_sync_ms = 0;
		if (leasedb_syncing(s->db))
			sync_ended(s, leasedb_commit_wait(s->db, s->srv));
		else
			serve_dhcp_kick_sync(s, loop_now_ms());
	}
}
