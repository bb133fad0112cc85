/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Replies through the bounds-checked builder: the header and identifiers
 * (RFC 8415 §18.3), IA options with their addresses or status, and the
 * configuration the client asked for in its Option Request (ORO): DNS
 * servers (23), the domain search list (24), the information refresh time
 * (32); the Client FQDN answer (RFC 4704 §4.2) whenever the client sent one.
 * An option that does not fit leaves the builder full: no reply is sent.
 */
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

#define IRT_MINIMUM 600         /* RFC 8415 §21.23 */

static void opt_head(struct wire_builder *b, uint16_t code, size_t len)
{
	wire_wr_u16(b, code);
	wire_wr_u16(b, (uint16_t)len);
}

void d6_reply_start(const struct d6_ctx *c, uint8_t type)
{
	struct wire_builder *b = c->b;
	uint32_t xid = c->m->xid;

	wire_wr_u8(b, type);
	wire_wr_u8(b, (uint8_t)(xid >> 16));
	wire_wr_u8(b, (uint8_t)(xid >> 8));
	wire_wr_u8(b, (uint8_t)xid);
	opt_head(b, O6_SERVERID, c->srv->duid_len);
	wire_wr_bytes(b, c->srv->duid, c->srv->duid_len);
	if (c->m->client_id) {
		opt_head(b, O6_CLIENTID, c->m->client_id_len);
		wire_wr_bytes(b, c->m->client_id, c->m->client_id_len);
	}
}

void d6_reply_status(struct wire_builder *b, uint16_t code, const char *text)
{
	size_t n = strlen(text);

	opt_head(b, O6_STATUS_CODE, 2 + n);
	wire_wr_u16(b, code);
	wire_wr_bytes(b, text, n);
}

static void iaaddr(struct wire_builder *b, const struct in6_addr *a, uint32_t pref,
		   uint32_t valid)
{
	opt_head(b, O6_IAADDR, 24);
	wire_wr_bytes(b, a, 16);
	wire_wr_u32(b, pref);
	wire_wr_u32(b, valid);
}

void d6_reply_ia(struct wire_builder *b, const struct d6_ia *ia, const struct in6_addr *a,
		 uint32_t lt, int status, const char *text)
{
	size_t len = 12, others = 0;
	uint32_t t1 = 0, t2 = 0;

	for (size_t i = 0; i < ia->n_addr; i++)
		others += !a || memcmp(&ia->addr[i], a, 16);
	len += (a ? 28 : 0) + 28 * others + (status >= 0 ? 6 + strlen(text) : 0);
	if (a) {
		/* §21.4: T1 and T2 at 0.5 and 0.8 of the preferred lifetime */
		t1 = lt == DHCP6_LEASE_INFINITE ? lt : lt / 2;
		t2 = lt == DHCP6_LEASE_INFINITE ? lt : (uint32_t)((uint64_t)lt * 4 / 5);
	}
	opt_head(b, O6_IA_NA, len);
	wire_wr_u32(b, ia->iaid);
	wire_wr_u32(b, t1);
	wire_wr_u32(b, t2);
	if (a)
		iaaddr(b, a, lt, lt);
	for (size_t i = 0; i < ia->n_addr; i++)
		if (!a || memcmp(&ia->addr[i], a, 16))
			iaaddr(b, &ia->addr[i], 0, 0);  /* §18.3.4: not yours (any more) */
	if (status >= 0)
		d6_reply_status(b, (uint16_t)status, text);
}

void d6_reply_ia_status(struct wire_builder *b, uint16_t opt, uint32_t iaid, uint16_t code,
			const char *text)
{
	size_t fixed = opt == O6_IA_PD ? 12 : 4;

	opt_head(b, opt, fixed + 6 + strlen(text));
	wire_wr_u32(b, iaid);
	if (opt == O6_IA_PD) {
		wire_wr_u32(b, 0);
		wire_wr_u32(b, 0);
	}
	d6_reply_status(b, code, text);
}

/* IA_TA and IA_PD are not served: each is answered with its status (§21.5, RFC 8415 §18.3.1). */
void d6_reply_other_ias(const struct d6_ctx *c)
{
	for (size_t i = 0; i < c->m->n_ta; i++)
		d6_reply_ia_status(c->b, O6_IA_TA, c->m->ta_iaid[i], ST_NO_ADDRS_AVAIL,
				   "temporary addresses not served");
	for (size_t i = 0; i < c->m->n_pd; i++)
		d6_reply_ia_status(c->b, O6_IA_PD, c->m->pd_iaid[i], ST_NO_PREFIX_AVAIL,
				   "prefix delegation not served");
}

/* host.domain in DNS wire form (a whole name ends at the root), or host alone. */
static size_t fqdn_name(const struct dhcp6_server *srv, const char *host, uint8_t *out,
			size_t cap)
{
	size_t n = 0, hl = strlen(host);

	if (hl + 2 + srv->domain_wire_len > cap)
		return 0;
	out[n++] = (uint8_t)hl;
	memcpy(out + n, host, hl);
	n += hl;
	if (srv->domain_wire_len) {
		memcpy(out + n, srv->domain_wire, srv->domain_wire_len);
		n += srv->domain_wire_len;      /* it ends with the root label */
	}
	return n;
}

/*
 * RFC 4704 §4.2 / §5: S set when we update DNS for the client (through
 * on_name), O when that overrides its wish, N echoed when it wants none.
 */
static void reply_fqdn(const struct d6_ctx *c)
{
	uint8_t v[1 + 64 + 256];
	uint8_t cf = c->m->fqdn[0];
	size_t n = 1;

	v[0] = cf & 0x04 ? 0x04 : (uint8_t)(0x01 | (cf & 0x01 ? 0 : 0x02));
	if (c->granted_name)
		n += fqdn_name(c->srv, c->granted_name, v + 1, sizeof(v) - 1);
	opt_head(c->b, O6_CLIENT_FQDN, n);
	wire_wr_bytes(c->b, v, n);
}

void d6_reply_options(const struct d6_ctx *c)
{
	const struct dhcp6_server *srv = c->srv;
	const struct d6_msg *m = c->m;
	struct wire_builder *b = c->b;

	if (m->fqdn && m->type != D6_INFORMATION_REQUEST)
		reply_fqdn(c);
	if (srv->n_dns && d6_oro_has(m, O6_DNS_SERVERS)) {
		opt_head(b, O6_DNS_SERVERS, 16 * srv->n_dns);
		wire_wr_bytes(b, srv->dns, 16 * srv->n_dns);
	}
	if (srv->domain_wire_len && d6_oro_has(m, O6_DOMAIN_LIST)) {
		opt_head(b, O6_DOMAIN_LIST, srv->domain_wire_len);
		wire_wr_bytes(b, srv->domain_wire, srv->domain_wire_len);
	}
	if (m->type == D6_INFORMATION_REQUEST && d6_oro_has(m, O6_INFO_REFRESH_TIME)) {
		opt_head(b, O6_INFO_REFRESH_TIME, 4);
		wire_wr_u32(b, srv->lease_time < IRT_MINIMUM ? IRT_MINIMUM : srv->lease_time);
	}
}
