/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Grants between two journal syncs. A grant changes memory at once (so the
 * next packet of the same batch sees it) but counts only once its journal
 * record is durable: until the daemon commits, its ACK event and its name
 * wait here, and if the sync fails every grant of the batch is undone from
 * the copy of the record taken before it, newest first. The array grows to
 * the largest batch once and is reused: no allocation per packet after that.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

bool dhcp_batch_note(struct dhcp_server *srv, uint32_t idx, bool created)
{
	struct dhcp_batch *b = &srv->batch;
	const struct dhcp_lease *l = &srv->store.rec[idx];
	const char *name = dhcp_lease_name(l);
	struct dhcp_change *ch;

	if (!wire_array_room((void **)&b->ch, &b->cap, b->n, sizeof(*b->ch)))
		return false;
	ch = &b->ch[b->n++];
	memset(ch, 0, sizeof(*ch));
	ch->idx = idx;
	ch->created = created;
	ch->before = *l;
	/* not the record's bytes (they may be on the heap): the name is copied below */
	memset(ch->before.tail, 0, sizeof(ch->before.tail));
	ch->before.flags &= (uint8_t)~LF_HEAP;
	if (name)
		snprintf(ch->before_name, sizeof(ch->before_name), "%s", name);
	return true;
}

void dhcp_batch_granted(struct dhcp_server *srv, bool renewed)
{
	struct dhcp_change *ch = &srv->batch.ch[srv->batch.n - 1];
	const struct dhcp_lease *l = &srv->store.rec[ch->idx];

	ch->renewed = renewed;
	ch->addr = l->addr;
	ch->expires = l->expires;
}

void dhcp_batch_free(struct dhcp_batch *b)
{
	free(b->ch);
	memset(b, 0, sizeof(*b));
}

/* The grant's record is still what the grant left (a later message of the
 * same batch may have released, declined or reused it). */
static bool still_granted(const struct dhcp_server *srv, const struct dhcp_change *ch)
{
	const struct dhcp_lease *l = &srv->store.rec[ch->idx];

	return l->state == LS_BOUND && l->addr == ch->addr && l->htype == ch->before.htype &&
	       l->hlen == ch->before.hlen && !memcmp(l->chaddr, ch->before.chaddr, l->hlen);
}

void dhcp_server_pending(const struct dhcp_server *srv, size_t *changes, size_t *bytes)
{
	*changes = srv->batch.n;
	*bytes = srv->journal.len;
}

void dhcp_server_commit_upto(struct dhcp_server *srv, size_t changes, size_t bytes)
{
	struct dhcp_batch *b = &srv->batch;
	size_t i;

	if (changes > b->n)
		changes = b->n;
	if (bytes > srv->journal.len)
		bytes = srv->journal.len;
	for (i = 0; i < changes; i++) {
		const struct dhcp_change *ch = &b->ch[i];

		if (!still_granted(srv, ch))
			continue;
		dhcp_emit_granted(srv, ch);
		dhcp_name_publish(srv, &srv->store.rec[ch->idx]);
	}
	/* what came after waits for its own sync; the buffers stay: no allocation */
	if (changes && changes < b->n)
		memmove(b->ch, b->ch + changes, (b->n - changes) * sizeof(*b->ch));
	b->n -= changes;
	if (bytes && bytes < srv->journal.len)
		memmove(srv->journal.data, srv->journal.data + bytes, srv->journal.len - bytes);
	srv->journal.len -= bytes;
}

void dhcp_server_commit(struct dhcp_server *srv)
{
	dhcp_server_commit_upto(srv, srv->batch.n, srv->journal.len);
}

/* Put record ch->idx back as it was before the grant. */
static void undo(struct dhcp_server *srv, const struct dhcp_change *ch)
{
	struct dhcp_store *s = &srv->store;
	struct dhcp_lease *l = &s->rec[ch->idx];
	uint32_t holder;

	if (l->state == LS_UNUSED)
		return;         /* deleted since (a decline): nothing left to undo */
	if (l->state == LS_BOUND) {
		s->n_bound--;
		dhcp_store_index_name(s, ch->idx, false);
	}
	if (l->state != LS_GHOST)
		dhcp_lease_hold(srv, l->addr, false);
	l->state = LS_GHOST;
	if (ch->created) {
		dhcp_store_del(s, ch->idx);
		return;
	}
	holder = dhcp_store_by_addr(s, ch->before.addr);
	if (holder != HTAB_NONE && holder != ch->idx)
		return;         /* the old address went to someone else: a ghost it stays */
	dhcp_store_move(s, ch->idx, ch->before.addr);
	dhcp_store_set_name(s, ch->idx, ch->before_name[0] ? ch->before_name : NULL);
	l->expires = ch->before.expires;
	l->flags = (uint8_t)((l->flags & LF_STORAGE) | (ch->before.flags & ~LF_STORAGE));
	l->state = ch->before.state;
	if (l->state == LS_BOUND || l->state == LS_OFFERED || l->state == LS_QUARANTINED)
		dhcp_lease_hold(srv, l->addr, true);
	if (l->state == LS_BOUND) {
		s->n_bound++;
		dhcp_store_index_name(s, ch->idx, true);
	}
}

void dhcp_server_rollback(struct dhcp_server *srv)
{
	size_t i;

	for (i = srv->batch.n; i-- > 0;)
		undo(srv, &srv->batch.ch[i]);
	srv->st.rolled_back += srv->batch.n;
	srv->batch.n = 0;
	srv->journal.len = 0;
}
