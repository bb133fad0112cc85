/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The bytes a lease record stores beside its fixed fields: the client id
 * and the host name. 60 000 leases with a small heap block each cost more
 * than their records (a 7-byte id takes a 32-byte malloc chunk), so the
 * bytes live in the record's tail when they fit and the commonest client
 * id, 01:MAC (htype + chaddr), is not stored at all: it is read from the
 * record's own hardware address. Only a long id or name takes a block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

static uint8_t *heap_block(const struct dhcp_lease *l)
{
	uint8_t *p;

	memcpy(&p, l->tail, sizeof(p));
	return p;
}

/* The stored bytes: [client id unless LF_ID_HW][host name]NUL. */
static const uint8_t *stored(const struct dhcp_lease *l)
{
	return l->flags & LF_HEAP ? heap_block(l) : l->tail;
}

static size_t stored_id_len(const struct dhcp_lease *l)
{
	return l->flags & LF_ID_HW ? 0 : l->id_len;
}

const uint8_t *dhcp_lease_id(const struct dhcp_lease *l)
{
	if (!l->id_len)
		return NULL;
	return l->flags & LF_ID_HW ? l->hw : stored(l);
}

const char *dhcp_lease_name(const struct dhcp_lease *l)
{
	const uint8_t *name = stored(l) + stored_id_len(l);

	return *name ? (const char *)name : NULL;
}

void dhcp_lease_drop_bytes(struct dhcp_lease *l)
{
	if (l->flags & LF_HEAP)
		free(heap_block(l));
	memset(l->tail, 0, sizeof(l->tail));
	l->flags &= (uint8_t)~LF_STORAGE;
	l->id_len = 0;
}

/* Is this client id the record's htype + chaddr? */
static bool id_is_hw(const struct dhcp_lease *l, const uint8_t *id, size_t len)
{
	return len == 1u + l->hlen && !memcmp(id, l->hw, len);
}

int dhcp_lease_set_bytes(struct dhcp_lease *l, const uint8_t *id, size_t id_len,
			 const char *name)
{
	uint8_t bytes[LEASE_CLIENT_ID_MAX + LEASE_HOSTNAME_MAX + 1], *heap = NULL;
	size_t name_len = name ? strnlen(name, LEASE_HOSTNAME_MAX) : 0, keep, n;
	bool hw = id_len && id_is_hw(l, id, id_len);

	if (id_len > LEASE_CLIENT_ID_MAX)
		return -EINVAL;
	/* id or name may point into the bytes replaced here: copy them first */
	keep = hw ? 0 : id_len;
	if (keep)
		memcpy(bytes, id, keep);
	if (name_len)
		memcpy(bytes + keep, name, name_len);
	n = keep + name_len;
	bytes[n++] = 0;
	if (n > sizeof(l->tail) && !(heap = malloc(n)))
		return -ENOMEM;
	dhcp_lease_drop_bytes(l);
	l->id_len = (uint8_t)id_len;
	if (hw)
		l->flags |= LF_ID_HW;
	if (heap) {
		memcpy(heap, bytes, n);
		memcpy(l->tail, &heap, sizeof(heap));
		l->flags |= LF_HEAP;
	} else {
		memcpy(l->tail, bytes, n);
	}
	return 0;
}
