/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which host name a lease may carry, and telling DNS about it. A guest
 * chooses its name (option 12, or the Client FQDN option 81, which wins), so
 * a name is refused when it is reserved (names the host or the definition
 * own: localhost, wpad, the host's own name, static hosts' names) or when
 * another bound lease already carries it (the first holder keeps it). A
 * lease has one name; DNS hears of it only through on_name, keyed by the
 * lease's address, so it follows the lease store exactly.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dhcp/v4/dhcp-internal.h"

static bool eq_reserved(const void *ctx, uint32_t idx, const void *key)
{
	const struct dhcp_reserved *r = ctx;

	return strcasecmp(r->names[idx], key) == 0;
}

static uint32_t rehash_reserved(const void *ctx, uint32_t idx)
{
	const struct dhcp_reserved *r = ctx;

	return dhcp_name_hash(r->seed, r->names[idx]);
}

void dhcp_reserved_free(struct dhcp_reserved *r)
{
	free(r->names);
	htab_free(&r->index);
	memset(r, 0, sizeof(*r));
}

static bool is_reserved(const struct dhcp_reserved *r, const char *name)
{
	return r->n && htab_find(&r->index, dhcp_name_hash(r->seed, name), eq_reserved, r,
				      name) != HTAB_NONE;
}

int dhcp_reserved_build(const char *const *names, size_t n, uint64_t seed,
			struct dhcp_reserved *out)
{
	size_t i;

	memset(out, 0, sizeof(*out));
	out->seed = seed;
	out->names = calloc(n ? n : 1, sizeof(*out->names));
	if (!out->names || htab_init(&out->index, (uint32_t)n) < 0)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		/* compared in the form a lease name takes */
		if (!names[i] || !lease_hostname_sanitize((const uint8_t *)names[i],
							  strlen(names[i]), out->names[out->n]))
			continue;
		if (is_reserved(out, out->names[out->n]))
			continue;
		if (htab_insert(&out->index, dhcp_name_hash(seed, out->names[out->n]),
				     (uint32_t)out->n, rehash_reserved, out) < 0)
			return -ENOMEM;
		out->n++;
	}
	return 0;
}

int dhcp_server_set_reserved_names(struct dhcp_server *srv, const char *const *names,
				   size_t n, struct wire_error *err)
{
	struct dhcp_reserved r;

	if (dhcp_reserved_build(names, n, srv->seed, &r) < 0) {
		dhcp_reserved_free(&r);
		if (err) {
			err->code = -ENOMEM;
			snprintf(err->message, sizeof(err->message), "out of memory");
		}
		return -ENOMEM;
	}
	dhcp_reserved_free(&srv->reserved);
	srv->reserved = r;
	dhcp_names_recheck(srv);
	return 0;
}

const char *dhcp_name_refusal(const struct dhcp_server *srv, uint32_t idx,
			      const struct dhcp_host_int *host, const char *name)
{
	const struct dhcp_host_int *owner;
	uint32_t holder;

	if (host && host->name[0] && strcasecmp(host->name, name) == 0)
		return NULL;    /* a static host's own name */
	if (is_reserved(&srv->reserved, name))
		return "is reserved";
	owner = dhcp_host_by_name(srv, name);
	if (owner && owner != host)
		return "belongs to a static host";
	holder = dhcp_store_by_name(&srv->store, name);
	if (holder != HTAB_NONE && holder != idx)
		return "is taken by another lease";
	return NULL;
}

/*
 * RFC 4702 §2.3: flags, two obsolete rcodes, then the name — in DNS wire
 * form when the E bit is set, else ASCII. Only the first label is ours to
 * use: the domain is the network's, whatever the client says.
 */
size_t dhcp_fqdn_host(const uint8_t *opt, size_t len, char out[LEASE_HOSTNAME_MAX + 1])
{
	struct wire_reader r;
	uint8_t flags, skip[2], llen;
	const uint8_t *p;
	size_t n;

	out[0] = 0;
	wire_rd_init(&r, opt, len);
	if (!wire_rd_u8(&r, &flags) || !wire_rd_bytes(&r, skip, 2))
		return 0;
	if (flags & 0x04) {
		if (!wire_rd_u8(&r, &llen) || llen > 63 || !wire_rd_ptr(&r, llen, &p))
			return 0;
		return lease_hostname_sanitize(p, llen, out);
	}
	n = wire_rd_left(&r);
	if (!wire_rd_ptr(&r, n, &p))
		return 0;
	return lease_hostname_sanitize(p, n, out);
}

void dhcp_name_publish(const struct dhcp_server *srv, const struct dhcp_lease *l)
{
	struct in_addr a = { htonl(l->addr) };

	if (srv->on_name)
		srv->on_name(srv->userdata, a, l->flags & LF_NO_DNS ? NULL : dhcp_lease_name(l),
			     l->expires);
}

void dhcp_name_withdraw(const struct dhcp_server *srv, uint32_t addr)
{
	struct in_addr a = { htonl(addr) };

	if (srv->on_name)
		srv->on_name(srv->userdata, a, NULL, 0);
}

/* After a reload: a name now reserved or owned by a static host is dropped. */
void dhcp_names_recheck(struct dhcp_server *srv)
{
	uint32_t i;

	for (i = 0; i < srv->store.n_rec; i++) {
		struct dhcp_lease *l = &srv->store.rec[i];
		const char *name = dhcp_lease_name(l);
		struct dhcp_ident id = {
			.client_id = dhcp_lease_id(l), .client_id_len = l->id_len,
			.htype = l->htype, .hlen = l->hlen, .chaddr = l->chaddr,
		};

		if (l->state != LS_BOUND || !name ||
		    !dhcp_name_refusal(srv, i, dhcp_find_host(srv, &id), name))
			continue;
		if (dhcp_store_set_name(&srv->store, i, NULL) == 0)
			dhcp_name_withdraw(srv, l->addr);
	}
}
