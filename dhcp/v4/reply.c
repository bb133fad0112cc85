/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Building replies through the builder (RFC 2131 §4.3.1 table 3) and
 * choosing where they go (§4.1). Options come in this order: the ones the
 * protocol needs, then what the client asked for in the order it asked
 * (option 55), then router/DNS for clients that forget to ask; whatever
 * does not fit the client's maximum message size is left out. Relay agent
 * information (82) is echoed last (RFC 3046 §2.2) and the End option always
 * fits, because both are reserved before any optional option is written.
 * 'sname' and 'file' are never overloaded with options (--dhcp-no-override).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

#define BOOTP_MIN_LEN 300       /* RFC 1542 §2.1: some relays drop shorter */

void dhcp_reply_start(const struct dhcp_server *srv, const struct dhcp_msg *m,
		      struct wire_builder *b, uint8_t type, uint32_t yiaddr)
{
	bool bootp = type == DHCP_BOOTREPLY;
	bool lease = bootp || type == DHCPOFFER || (type == DHCPACK && m->type != DHCPINFORM);
	uint16_t flags = m->flags & 0x8000;
	uint8_t file[128] = { 0 };
	const char *boot;

	/* RFC 2131 §4.3.2: a relayed NAK goes with the broadcast bit set. */
	if (type == DHCPNAK && m->giaddr)
		flags |= 0x8000;
	wire_wr_u8(b, 2);                       /* BOOTREPLY */
	wire_wr_u8(b, m->htype);
	wire_wr_u8(b, m->hlen);
	wire_wr_u8(b, 0);                       /* hops */
	wire_wr_u32(b, m->xid);
	wire_wr_u16(b, 0);                      /* secs */
	wire_wr_u16(b, flags);
	/* ciaddr: only an ACK to a client that has its address (renew, inform). */
	wire_wr_u32(b, type == DHCPACK || bootp ? m->ciaddr : 0);
	wire_wr_u32(b, type == DHCPNAK || !lease ? 0 : yiaddr);
	boot = type != DHCPNAK && srv->has_boot ? dhcp_boot_file_for(srv, m) : "";
	wire_wr_u32(b, *boot ? srv->boot_server : 0);
	wire_wr_u32(b, m->giaddr);
	wire_wr_bytes(b, m->chaddr, sizeof(m->chaddr));
	wire_wr_zero(b, 64);                    /* sname */
	memcpy(file, boot, strnlen(boot, sizeof(file) - 1));
	wire_wr_bytes(b, file, sizeof(file));
	if (bootp && !m->has_cookie)
		return;         /* the vendor area stays zeros (dhcp_reply_finish) */
	wire_wr_u32(b, DHCP_COOKIE);
	/* From here on the tail is reserved: 82 echoed and the End option. */
	b->reserve = 1 + (m->has_relay ? 2u + m->relay_len : 0);
	if (bootp)
		return;         /* no message type, server id or client id for BOOTP */
	wire_wr_tlv(b, OPT_MSG_TYPE, &type, 1);
	{
		uint8_t sid[4] = { (uint8_t)(srv->server_addr >> 24), (uint8_t)(srv->server_addr >> 16),
				   (uint8_t)(srv->server_addr >> 8), (uint8_t)srv->server_addr };

		wire_wr_tlv(b, OPT_SERVER_ID, sid, 4);
	}
	/* RFC 6842 §3: echo the client identifier. */
	if (m->client_id)
		wire_wr_tlv(b, OPT_CLIENT_ID, m->client_id, m->client_id_len);
}

static void put_u32_opt(struct wire_builder *b, uint8_t code, uint32_t v)
{
	uint8_t p[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };

	wire_wr_tlv(b, code, p, 4);
}

struct sent {
	uint64_t bits[4];
};

static bool was_sent(const struct sent *s, uint8_t code)
{
	return (s->bits[code / 64] >> (code % 64)) & 1;
}

static void put_configured(const struct dhcp_server *srv, struct wire_builder *b,
			   struct sent *s, uint8_t code, const char *hostname, const char *boot_file)
{
	if (was_sent(s, code))
		return;
	s->bits[code / 64] |= 1ull << (code % 64);
	if (code == OPT_HOSTNAME && hostname && *hostname && !srv->opt_val[code]) {
		wire_wr_tlv(b, code, hostname, strlen(hostname));
		return;
	}
	/* PXE: 66/67 only on request; the file field carries the name anyway. */
	if (code == OPT_BOOTFILE && srv->has_boot) {
		if (*boot_file)
			wire_wr_tlv(b, code, boot_file, strlen(boot_file));
		return;
	}
	if (srv->opt_val[code])
		wire_wr_tlv(b, code, srv->opt_val[code], srv->opt_len[code]);
}

/*
 * lease_time 0: no lease options (INFORM, RFC 2131 §4.3.5). T1 = 0.5 and
 * T2 = 0.875 of the lease (RFC 2131 §4.4.5); none for an infinite lease.
 */
void dhcp_reply_options(const struct dhcp_server *srv, const struct dhcp_msg *m,
			struct wire_builder *b, uint32_t lease_time, const char *hostname)
{
	static const uint8_t unasked[] = { OPT_SUBNET_MASK, OPT_ROUTER, OPT_DNS };
	const char *boot_file = srv->has_boot ? dhcp_boot_file_for(srv, m) : "";
	struct sent s = { { 0 } };
	unsigned i;

	if (lease_time) {
		put_u32_opt(b, OPT_LEASE_TIME, lease_time);
		if (lease_time != DHCP_LEASE_INFINITE) {
			put_u32_opt(b, OPT_T1, lease_time / 2);
			put_u32_opt(b, OPT_T2, (uint32_t)((uint64_t)lease_time * 7 / 8));
		}
	}
	put_configured(srv, b, &s, OPT_SUBNET_MASK, hostname, boot_file);
	/* Never echo what only the protocol may set. */
	s.bits[0] |= 1ull << OPT_PAD;
	s.bits[OPT_LEASE_TIME / 64] |= 1ull << (OPT_LEASE_TIME % 64) |
				       1ull << (OPT_MSG_TYPE % 64) | 1ull << (OPT_SERVER_ID % 64) |
				       1ull << (OPT_T1 % 64) | 1ull << (OPT_T2 % 64) |
				       1ull << (OPT_CLIENT_ID % 64) | 1ull << (OPT_OVERLOAD % 64);
	s.bits[OPT_RELAY_AGENT / 64] |= 1ull << (OPT_RELAY_AGENT % 64) | 1ull << (OPT_FQDN % 64);
	s.bits[3] |= 1ull << (OPT_END % 64);
	for (i = 0; m->prl && i < m->prl_len; i++)
		put_configured(srv, b, &s, m->prl[i], hostname, boot_file);
	for (i = 0; i < sizeof(unasked); i++)
		put_configured(srv, b, &s, unasked[i], hostname, boot_file);
	if (m->prl)
		return;
	/* No parameter request list at all: send everything configured. */
	for (i = 1; i < 255; i++)
		if (i != OPT_TFTP_SERVER && i != OPT_BOOTFILE)
			put_configured(srv, b, &s, (uint8_t)i, hostname, boot_file);
}

/* Text labels ("a.b") as DNS wire labels; false when one does not fit. */
static bool put_labels(uint8_t *out, size_t cap, size_t *n, const char *text)
{
	while (*text) {
		size_t len = strcspn(text, ".");

		if (len == 0 || len > 63 || *n + 1 + len > cap)
			return false;
		out[(*n)++] = (uint8_t)len;
		memcpy(out + *n, text, len);
		*n += len;
		text += len + (text[len] == '.');
	}
	return true;
}

/*
 * RFC 4702 §4. The server updates its own DNS (S), overriding a client that
 * said it would do it itself (O), unless the client asked for no update at
 * all (N); the name comes back in the encoding the client used (E), as the
 * whole name under the network's domain. Both RCODEs are 255 (§2.2).
 */
void dhcp_reply_fqdn(const struct dhcp_server *srv, const struct dhcp_msg *m,
		     struct wire_builder *b, const char *name)
{
	uint8_t v[255], cf = m->fqdn_len ? m->fqdn[0] : 0;
	size_t n = 3;
	bool ok = true;

	v[0] = cf & 0x08 ? (uint8_t)(0x08 | (cf & 0x04))
			 : (uint8_t)(0x01 | (cf & 0x01 ? 0 : 0x02) | (cf & 0x04));
	v[1] = v[2] = 255;
	if (name && (cf & 0x04)) {
		ok = put_labels(v, sizeof(v), &n, name) && put_labels(v, sizeof(v), &n, srv->domain);
		if (ok && srv->domain[0] && n < sizeof(v))
			v[n++] = 0;     /* a whole name ends at the root; a partial one does not */
	} else if (name) {
		int len = snprintf((char *)v + 3, sizeof(v) - 3, "%s%s%s", name,
				   srv->domain[0] ? "." : "", srv->domain);

		ok = len > 0 && (size_t)len < sizeof(v) - 3;
		n += ok ? (size_t)len : 0;
	}
	if (!ok)
		n = 3;
	wire_wr_tlv(b, OPT_FQDN, v, n);
}

void dhcp_reply_finish(const struct dhcp_msg *m, struct wire_builder *b)
{
	b->reserve = 0;
	if (m->bootp && !m->has_cookie) {
		wire_wr_zero(b, BOOTP_MIN_LEN - b->len);        /* a 64-byte vendor area */
		return;
	}
	if (m->has_relay)
		wire_wr_tlv(b, OPT_RELAY_AGENT, m->relay, m->relay_len);
	wire_wr_u8(b, OPT_END);
	if (b->len < BOOTP_MIN_LEN)
		wire_wr_zero(b, BOOTP_MIN_LEN - b->len);
}

/* RFC 2131 §4.1, in its order. */
void dhcp_reply_dest(const struct dhcp_msg *m, uint8_t type, uint32_t yiaddr,
		     const struct dhcp_rx *rx, struct dhcp_tx *tx)
{
	tx->port = DHCP_CLIENT_PORT;
	tx->htype = m->htype;
	tx->hlen = m->hlen;
	memcpy(tx->chaddr, m->chaddr, sizeof(tx->chaddr));
	if (m->giaddr) {
		tx->kind = DHCP_DEST_RELAY;
		tx->addr.s_addr = htonl(m->giaddr);
		tx->port = DHCP_SERVER_PORT;
	} else if (type == DHCPNAK) {
		/* "the server broadcasts any DHCPNAK messages to 0xffffffff" */
		tx->kind = DHCP_DEST_BROADCAST;
		tx->addr.s_addr = INADDR_BROADCAST;
	} else if (m->ciaddr) {
		tx->kind = DHCP_DEST_UNICAST;
		tx->addr.s_addr = htonl(m->ciaddr);
	} else if (type == DHCPACK && m->type == DHCPINFORM && rx->src.s_addr) {
		tx->kind = DHCP_DEST_UNICAST;   /* §4.3.5: an INFORM without ciaddr */
		tx->addr = rx->src;
	} else if ((m->flags & 0x8000) || !yiaddr || !m->hlen) {
		tx->kind = DHCP_DEST_BROADCAST;
		tx->addr.s_addr = INADDR_BROADCAST;
	} else {
		tx->kind = DHCP_DEST_HWADDR;
		tx->addr.s_addr = htonl(yiaddr);
	}
}
