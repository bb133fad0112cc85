/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsing a BOOTREQUEST (RFC 2131 §2) and its options (RFC 2132) through the
 * reader. Nothing from the wire is trusted: a truncated fixed part or an
 * option whose length runs past its area rejects the packet; an option with
 * a length its definition forbids is skipped; option overload (52) is read
 * once, from the options field only, so it cannot loop.
 */
#include <errno.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

enum area { AREA_OPTIONS, AREA_FILE, AREA_SNAME };

static bool want_len(uint8_t len, uint8_t exact)
{
	return len == exact;
}

/* A variable-length option kept by reference: the first one of its code wins. */
static void keep(const uint8_t **ptr, uint8_t *plen, const uint8_t *v, uint8_t len,
		 uint8_t min)
{
	if (len >= min && !*ptr) {
		*ptr = v;
		*plen = len;
	}
}

/* The fixed-size options; false when `code` is none of them. */
static bool take_fixed(struct dhcp_msg *m, uint8_t code, struct wire_reader *r, uint8_t len,
		       enum area area)
{
	uint16_t sz = 0;

	switch (code) {
	case OPT_MSG_TYPE:
		if (want_len(len, 1) && !m->type)
			wire_rd_u8(r, &m->type);
		return true;
	case OPT_REQUESTED_IP:
		if (want_len(len, 4) && !m->has_reqip)
			m->has_reqip = wire_rd_u32(r, &m->reqip);
		return true;
	case OPT_SERVER_ID:
		if (want_len(len, 4) && !m->has_server_id)
			m->has_server_id = wire_rd_u32(r, &m->server_id);
		return true;
	case OPT_MAX_SIZE:
		/* RFC 2132 §9.10: the minimum legal value is 576. */
		if (want_len(len, 2) && !m->max_size && wire_rd_u16(r, &sz) && sz >= DHCP_MIN_MSG)
			m->max_size = sz;
		return true;
	case OPT_OVERLOAD:
		/* RFC 2132 §9.3: only meaningful in the options field itself. */
		if (area == AREA_OPTIONS && want_len(len, 1))
			wire_rd_u8(r, &m->overload);
		return true;
	default:
		return false;
	}
}

/* One option whose value is in `v`. Unknown options are ignored. */
static void take_option(struct dhcp_msg *m, uint8_t code, const uint8_t *v, uint8_t len,
			enum area area)
{
	struct wire_reader r;

	wire_rd_init(&r, v, len);
	if (take_fixed(m, code, &r, len, area))
		return;
	if (code == OPT_CLIENT_ID)
		keep(&m->client_id, &m->client_id_len, v, len, 2);     /* RFC 2132 §9.14 */
	else if (code == OPT_HOSTNAME)
		keep(&m->hostname, &m->hostname_len, v, len, 1);
	else if (code == OPT_PRL)
		keep(&m->prl, &m->prl_len, v, len, 1);
	else if (code == OPT_FQDN)
		keep(&m->fqdn, &m->fqdn_len, v, len, 3);       /* RFC 4702 §2: flags, 2 rcodes */
	else if (code == OPT_USER_CLASS)
		keep(&m->user_class, &m->user_class_len, v, len, 1);
	else if (code == OPT_CLIENT_ARCH)
		keep(&m->arch, &m->arch_len, v, len, 2);
	else if (code == OPT_RELAY_AGENT && !m->has_relay) {
		m->has_relay = true;
		m->relay = v;
		m->relay_len = len;
	}
}

/*
 * Walk one option area. RFC 2132 §2: Pad and End have no length octet; every
 * other option is code, length, value. -EBADMSG when a length overruns.
 * A repeated option keeps its first value (we need none of the long
 * options RFC 3396 splits).
 */
static int walk_area(struct dhcp_msg *m, struct wire_reader *r, enum area area)
{
	uint8_t code, len;
	const uint8_t *v;

	while (wire_rd_u8(r, &code)) {
		if (code == OPT_PAD)
			continue;
		if (code == OPT_END)
			return 0;
		if (!wire_rd_u8(r, &len) || !wire_rd_ptr(r, len, &v))
			return -EBADMSG;
		take_option(m, code, v, len, area);
	}
	return 0;       /* no End option: tolerated, as most servers do */
}

int dhcp_msg_parse(const uint8_t *data, size_t len, struct dhcp_msg *m)
{
	struct wire_reader r, sname, file;
	uint32_t cookie;
	int rc;

	memset(m, 0, sizeof(*m));
	wire_rd_init(&r, data, len);
	if (!wire_rd_u8(&r, &m->op) || !wire_rd_u8(&r, &m->htype) ||
	    !wire_rd_u8(&r, &m->hlen) || !wire_rd_u8(&r, &m->hops) ||
	    !wire_rd_u32(&r, &m->xid) || !wire_rd_u16(&r, &m->secs) ||
	    !wire_rd_u16(&r, &m->flags) || !wire_rd_u32(&r, &m->ciaddr) ||
	    !wire_rd_u32(&r, &m->yiaddr) || !wire_rd_u32(&r, &m->siaddr) ||
	    !wire_rd_u32(&r, &m->giaddr) ||
	    !wire_rd_bytes(&r, m->chaddr, sizeof(m->chaddr)) ||
	    !wire_rd_sub(&r, 64, &sname) || !wire_rd_sub(&r, 128, &file) ||
	    !wire_rd_u32(&r, &cookie))
		return -EBADMSG;
	if (m->op != 1)                 /* RFC 2131 §2: BOOTREQUEST */
		return -EPROTO;
	if (m->hlen > LEASE_CHADDR_MAX)
		return -EBADMSG;
	if (cookie != DHCP_COOKIE) {
		/* RFC 951: a plain BOOTP request, its vendor area not ours to read */
		m->bootp = true;
		return 0;
	}
	m->has_cookie = true;

	rc = walk_area(m, &r, AREA_OPTIONS);
	if (rc < 0)
		return rc;
	/* RFC 2131 §4.1: with overload, 'file' is read first, then 'sname'. */
	if (m->overload == 1 || m->overload == 3) {
		rc = walk_area(m, &file, AREA_FILE);
		if (rc < 0)
			return rc;
	}
	if (m->overload == 2 || m->overload == 3) {
		rc = walk_area(m, &sname, AREA_SNAME);
		if (rc < 0)
			return rc;
	}
	if (m->type == 0) {
		m->bootp = true;        /* RFC 1497 vendor extensions, but no DHCP */
		return 0;
	}
	if (m->type < DHCPDISCOVER || m->type > DHCPINFORM)
		return -EPROTO;
	return 0;
}
