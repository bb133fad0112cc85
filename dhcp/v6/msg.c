/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Client and relay messages (RFC 8415 §8, §9) read through the one
 * bounds-checked reader: every option's length is checked against what is
 * left of its container before its body is read, and an IA's own options
 * against the IA. Anything inconsistent refuses the whole datagram.
 */
#include <errno.h>
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

/* An option header and a reader over its body. */
static int next_option(struct wire_reader *r, uint16_t *code, struct wire_reader *body)
{
	uint16_t len;

	if (!wire_rd_u16(r, code) || !wire_rd_u16(r, &len) || !wire_rd_sub(r, len, body))
		return -EBADMSG;
	return 0;
}

/* RFC 8415 §21.6: an IAADDR of an IA_NA (24 bytes, then its own options). */
static int parse_iaaddr(struct wire_reader *body, struct d6_ia *ia)
{
	uint32_t pref, valid;
	struct in6_addr a;

	if (!wire_rd_bytes(body, &a, 16) || !wire_rd_u32(body, &pref) || !wire_rd_u32(body, &valid))
		return -EBADMSG;
	while (wire_rd_left(body)) {
		struct wire_reader sub;
		uint16_t code;

		if (next_option(body, &code, &sub) < 0)
			return -EBADMSG;
	}
	if (ia->n_addr < D6_IA_ADDRS)
		ia->addr[ia->n_addr++] = a;
	return 0;
}

/* RFC 8415 §21.4: IAID, T1, T2, then options (IAADDR, status). */
static int parse_ia_na(struct wire_reader *body, struct d6_msg *m)
{
	struct d6_ia ia = { 0 };

	if (!wire_rd_u32(body, &ia.iaid) || !wire_rd_u32(body, &ia.t1) || !wire_rd_u32(body, &ia.t2))
		return -EBADMSG;
	while (wire_rd_left(body)) {
		struct wire_reader sub;
		uint16_t code;

		if (next_option(body, &code, &sub) < 0)
			return -EBADMSG;
		if (code == O6_IAADDR && parse_iaaddr(&sub, &ia) < 0)
			return -EBADMSG;
	}
	for (size_t i = 0; i < m->n_ia; i++)
		if (m->ia[i].iaid == ia.iaid)
			return 0;       /* §21.4: one IA per IAID; the first one counts */
	if (m->n_ia < D6_IA_MAX)
		m->ia[m->n_ia++] = ia;
	return 0;
}

static int parse_other_ia(struct wire_reader *body, uint32_t *list, size_t *n)
{
	uint32_t iaid;

	if (!wire_rd_u32(body, &iaid))
		return -EBADMSG;
	if (*n < D6_OTHER_IA_MAX)
		list[(*n)++] = iaid;
	return 0;
}

static int take_duid(struct wire_reader *body, const uint8_t **p, size_t *len)
{
	size_t n = wire_rd_left(body);

	if (*p)
		return 0;               /* a repeated option: the first one counts */
	if (n < 2 || n > DHCP6_DUID_MAX || !wire_rd_ptr(body, n, p))
		return -EBADMSG;        /* RFC 8415 §11.1: 2-byte type, at most 128 more */
	*len = n;
	return 0;
}

static int parse_one(uint16_t code, struct wire_reader *body, struct d6_msg *m)
{
	size_t n = wire_rd_left(body);

	switch (code) {
	case O6_CLIENTID:
		return take_duid(body, &m->client_id, &m->client_id_len);
	case O6_SERVERID:
		m->has_server_id = true;
		return take_duid(body, &m->server_id, &m->server_id_len);
	case O6_IA_NA:
		return parse_ia_na(body, m);
	case O6_IA_TA:
		return parse_other_ia(body, m->ta_iaid, &m->n_ta);
	case O6_IA_PD:
		return parse_other_ia(body, m->pd_iaid, &m->n_pd);
	case O6_ORO:
		if (n % 2)
			return -EBADMSG;
		m->oro_len = n;
		return wire_rd_ptr(body, n, &m->oro) ? 0 : -EBADMSG;
	case O6_RAPID_COMMIT:
		m->rapid_commit = true;
		return n ? -EBADMSG : 0;
	case O6_ELAPSED_TIME:
		m->has_elapsed = true;
		return n == 2 ? 0 : -EBADMSG;
	case O6_CLIENT_FQDN:
		m->fqdn_len = n;
		return n && wire_rd_ptr(body, n, &m->fqdn) ? 0 : -EBADMSG;
	default:
		return 0;               /* unknown options are ignored (§16) */
	}
}

int d6_msg_parse(const uint8_t *data, size_t len, struct d6_msg *m)
{
	struct wire_reader r;
	uint8_t x[3];

	memset(m, 0, sizeof(*m));
	wire_rd_init(&r, data, len);
	if (!wire_rd_u8(&r, &m->type) || !wire_rd_bytes(&r, x, 3))
		return -EBADMSG;
	m->xid = (uint32_t)x[0] << 16 | (uint32_t)x[1] << 8 | x[2];
	switch (m->type) {
	case D6_SOLICIT: case D6_REQUEST: case D6_CONFIRM: case D6_RENEW: case D6_REBIND:
	case D6_RELEASE: case D6_DECLINE: case D6_INFORMATION_REQUEST:
		break;
	default:
		return -EPROTO;         /* server messages, relay replies, unknown types */
	}
	while (wire_rd_left(&r)) {
		struct wire_reader body;
		uint16_t code;

		if (next_option(&r, &code, &body) < 0 || parse_one(code, &body, m) < 0)
			return -EBADMSG;
	}
	return 0;
}

int d6_relay_parse(const uint8_t *data, size_t len, struct d6_relay *rl)
{
	struct wire_reader r;
	uint8_t type;

	memset(rl, 0, sizeof(*rl));
	wire_rd_init(&r, data, len);
	if (!wire_rd_u8(&r, &type) || type != D6_RELAY_FORW)
		return -EPROTO;
	if (!wire_rd_u8(&r, &rl->hops) || !wire_rd_bytes(&r, &rl->link, 16) ||
	    !wire_rd_bytes(&r, &rl->peer, 16))
		return -EBADMSG;
	while (wire_rd_left(&r)) {
		struct wire_reader body;
		uint16_t code;
		size_t n;

		if (next_option(&r, &code, &body) < 0)
			return -EBADMSG;
		n = wire_rd_left(&body);
		if (code == O6_RELAY_MSG && !rl->inner) {
			rl->inner_len = n;
			wire_rd_ptr(&body, n, &rl->inner);
		} else if (code == O6_INTERFACE_ID && !rl->iface_id) {
			rl->iface_id_len = n;
			wire_rd_ptr(&body, n, &rl->iface_id);
		}
	}
	return rl->inner && rl->inner_len ? 0 : -EBADMSG;
}

bool d6_oro_has(const struct d6_msg *m, uint16_t code)
{
	for (size_t i = 0; i + 1 < m->oro_len; i += 2)
		if (((uint16_t)m->oro[i] << 8 | m->oro[i + 1]) == code)
			return true;
	return false;
}

/* RFC 4704 §4.1: flags, then the name in DNS wire form; only its first label is used. */
size_t d6_fqdn_host(const uint8_t *opt, size_t len, char out[LEASE_HOSTNAME_MAX + 1])
{
	struct wire_reader r;
	uint8_t flags, llen;
	const uint8_t *p;

	out[0] = 0;
	wire_rd_init(&r, opt, len);
	if (!wire_rd_u8(&r, &flags) || !wire_rd_u8(&r, &llen) || llen == 0 || llen > 63 ||
	    !wire_rd_ptr(&r, llen, &p))
		return 0;
	return lease_hostname_sanitize(p, llen, out);
}
