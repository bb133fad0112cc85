/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the DHCPv6 unit tests share: client messages laid out as dhclient -6
 * (ISC 4.4), dhcpcd 9 and busybox udhcpc6 send them (RFC 8415 §8 header,
 * §21 options), a server fixture recording events and names, and a reader
 * of replies. Include after cmocka.h.
 */
#ifndef VNETD_TEST_DHCP6_FIXTURE_H
#define VNETD_TEST_DHCP6_FIXTURE_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v6/dhcp6-internal.h"

#define NOW0 1700000000

/* The server's DUID-LLT (Ethernet 52:54:00:00:00:01). */
static const uint8_t __attribute__((unused)) server_duid[14] = {
	0, 1, 0, 1, 0x2c, 0x9a, 0x5c, 0x00, 0x52, 0x54, 0x00, 0x00, 0x00, 0x01,
};
/* dhclient -6: DUID-LLT of 52:54:00:12:34:56. */
static const uint8_t __attribute__((unused)) duid_llt[14] = {
	0, 1, 0, 1, 0x2c, 0x9b, 0x10, 0x20, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
};
/* dhcpcd / udhcpc6: DUID-LL of 52:54:00:ab:cd:ef. */
static const uint8_t __attribute__((unused)) duid_ll[10] = {
	0, 3, 0, 1, 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef,
};
/* systemd-networkd style DUID-UUID (RFC 6355). */
static const uint8_t __attribute__((unused)) duid_uuid[18] = {
	0, 4, 0x6f, 0x2a, 0x11, 0x52, 0x3c, 0x4d, 0x4e, 0x0b, 0x9a, 0x1f, 0x07, 0xe4, 0x11, 0x22,
	0x33, 0x44,
};

struct pkt6 {
	uint8_t b[2048];
	size_t len;
};

static inline void p6_begin(struct pkt6 *p, uint8_t type, uint32_t xid)
{
	p->b[0] = type;
	p->b[1] = (uint8_t)(xid >> 16);
	p->b[2] = (uint8_t)(xid >> 8);
	p->b[3] = (uint8_t)xid;
	p->len = 4;
}

static inline void p6_u16(struct pkt6 *p, uint16_t v)
{
	p->b[p->len++] = (uint8_t)(v >> 8);
	p->b[p->len++] = (uint8_t)v;
}

static inline void p6_u32(struct pkt6 *p, uint32_t v)
{
	p6_u16(p, (uint16_t)(v >> 16));
	p6_u16(p, (uint16_t)v);
}

static inline void p6_opt(struct pkt6 *p, uint16_t code, const void *v, size_t n)
{
	p6_u16(p, code);
	p6_u16(p, (uint16_t)n);
	if (n)
		memcpy(p->b + p->len, v, n);
	p->len += n;
}

static inline struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	inet_pton(AF_INET6, s, &a);
	return a;
}

/* IA_NA (RFC 8415 §21.4) with an optional IAADDR (§21.6). */
static inline void p6_ia_na(struct pkt6 *p, uint32_t iaid, uint32_t t1, uint32_t t2,
			    const char *addr)
{
	struct in6_addr a;

	p6_u16(p, 3);
	p6_u16(p, (uint16_t)(addr ? 12 + 28 : 12));
	p6_u32(p, iaid);
	p6_u32(p, t1);
	p6_u32(p, t2);
	if (addr) {
		a = a6(addr);
		p6_u16(p, 5);
		p6_u16(p, 24);
		memcpy(p->b + p->len, &a, 16);
		p->len += 16;
		p6_u32(p, 7200);
		p6_u32(p, 7500);
	}
}

static inline void p6_elapsed(struct pkt6 *p)
{
	static const uint8_t zero[2];

	p6_opt(p, 8, zero, 2);
}

/* dhclient -6 ORO: name servers, domain search, FQDN, SOL_MAX_RT. */
static inline void p6_oro_dhclient(struct pkt6 *p)
{
	static const uint8_t oro[] = { 0, 23, 0, 24, 0, 39, 0, 82 };

	p6_opt(p, 6, oro, sizeof(oro));
}

/* Client FQDN (RFC 4704): S flag, the name in wire form, no domain. */
static inline void p6_fqdn(struct pkt6 *p, const char *host)
{
	uint8_t v[80];
	size_t n = strlen(host);

	v[0] = 0x01;
	v[1] = (uint8_t)n;
	memcpy(v + 2, host, n);
	p6_opt(p, 39, v, n + 2);
}

/*
 * A client message as dhclient -6 sends it: Client ID, Elapsed Time, ORO,
 * IA_NA (IAID from the MAC's last four bytes), Server ID when given,
 * optional address and FQDN.
 */
static inline void p6_client(struct pkt6 *p, uint8_t type, const uint8_t *duid, size_t dl,
			     uint32_t iaid, const char *addr, bool with_sid, const char *name)
{
	p6_begin(p, type, 0x00a1b2);
	p6_opt(p, 1, duid, dl);
	if (with_sid)
		p6_opt(p, 2, server_duid, sizeof(server_duid));
	p6_elapsed(p);
	p6_oro_dhclient(p);
	if (name)
		p6_fqdn(p, name);
	p6_ia_na(p, iaid, 0, 0, addr);
}

/* ---- replies ---- */

struct reply6 {
	int rc;
	uint8_t b[DHCP6_REPLY_BUF];
	struct dhcp6_tx tx;
};

/* Option `code` within [from, to) of r->b; its body offset, or 0 when absent. */
static inline size_t r6_find(const uint8_t *b, size_t from, size_t to, uint16_t code,
			     uint16_t *len)
{
	while (from + 4 <= to) {
		uint16_t c = (uint16_t)(b[from] << 8 | b[from + 1]);
		uint16_t l = (uint16_t)(b[from + 2] << 8 | b[from + 3]);

		if (from + 4 + l > to)
			return 0;
		if (c == code) {
			*len = l;
			return from + 4;
		}
		from += 4 + l;
	}
	return 0;
}

static inline size_t r6_opt(const struct reply6 *r, uint16_t code, uint16_t *len)
{
	return r6_find(r->b, 4, r->tx.len, code, len);
}

static inline uint32_t r6_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The first IA_NA's status code (-1 when it has none). */
static inline int r6_ia_status(const struct reply6 *r)
{
	uint16_t len, sl;
	size_t ia = r6_opt(r, 3, &len), st;

	if (!ia)
		return -2;
	st = r6_find(r->b, ia + 12, ia + len, 13, &sl);
	return st ? (int)(r->b[st] << 8 | r->b[st + 1]) : -1;
}

/* The top-level status code (-1 when none). */
static inline int r6_status(const struct reply6 *r)
{
	uint16_t len;
	size_t st = r6_opt(r, 13, &len);

	return st ? (int)(r->b[st] << 8 | r->b[st + 1]) : -1;
}

/* The first IA_NA's first address as text ("" when none), and its lifetimes. */
static inline const char *r6_addr(const struct reply6 *r, char out[INET6_ADDRSTRLEN],
				  uint32_t *pref, uint32_t *valid)
{
	uint16_t len, al;
	size_t ia = r6_opt(r, 3, &len), ad;

	out[0] = 0;
	if (!ia || !(ad = r6_find(r->b, ia + 12, ia + len, 5, &al)) || al < 24)
		return out;
	inet_ntop(AF_INET6, r->b + ad, out, INET6_ADDRSTRLEN);
	if (pref)
		*pref = r6_u32(r->b + ad + 16);
	if (valid)
		*valid = r6_u32(r->b + ad + 20);
	return out;
}

/* ---- the server ---- */

struct events6 {
	int count[16];
	struct dhcp6_event last;
	char last_reason[64];
	bool last_renewed;
	int names_told;
	char name[64];                  /* the last name told (or "" for none) */
	char name_addr[INET6_ADDRSTRLEN];
};

static inline void on_event6(void *ud, const struct dhcp6_event *ev)
{
	struct events6 *e = ud;

	e->count[ev->type]++;
	e->last = *ev;
	e->last.duid = NULL;
	e->last.hostname = NULL;
	e->last.reason = NULL;
	snprintf(e->last_reason, sizeof(e->last_reason), "%s", ev->reason ? ev->reason : "");
}

static inline void on_name6(void *ud, const struct in6_addr *a, const char *name, int64_t exp)
{
	struct events6 *e = ud;

	e->names_told++;
	snprintf(e->name, sizeof(e->name), "%s", name ? name : "");
	inet_ntop(AF_INET6, a, e->name_addr, sizeof(e->name_addr));
}

struct fixture6 {
	struct dhcp6_config cfg;
	struct dhcp6_range range;
	struct in6_addr dns;
	struct dhcp6_static_host hosts[4];
	struct events6 ev;
	struct dhcp6_server *srv;
};

static inline void base_config6(struct fixture6 *f)
{
	struct dhcp6_config *cfg = &f->cfg;

	memset(cfg, 0, sizeof(*cfg));
	f->range.start = a6("2001:db8:ca2:2::100");
	f->range.end = a6("2001:db8:ca2:2::1ff");
	f->dns = a6("2001:db8:ca2:2::1");
	cfg->ifname = "virbr0";
	cfg->server_duid = server_duid;
	cfg->server_duid_len = sizeof(server_duid);
	cfg->prefix = a6("2001:db8:ca2:2::");
	cfg->prefix_len = 64;
	cfg->ranges = &f->range;
	cfg->n_ranges = 1;
	cfg->dns_servers = &f->dns;
	cfg->n_dns_servers = 1;
	cfg->domain = "example.test";
	cfg->on_event = on_event6;
	cfg->on_name = on_name6;
	cfg->userdata = &f->ev;
	cfg->hash_seed = 0x1234;
}

static inline struct fixture6 *fx6_new(void (*tweak)(struct fixture6 *))
{
	struct fixture6 *f = calloc(1, sizeof(*f));
	struct wire_error err = { 0 };

	base_config6(f);
	if (tweak)
		tweak(f);
	if (dhcp6_server_new(&f->cfg, &f->srv, &err) < 0)
		fail_msg("dhcp6_server_new: %s", err.message);
	return f;
}

static inline void fx6_free(struct fixture6 *f)
{
	dhcp6_server_free(f->srv);
	free(f);
}

/* One datagram from fe80::5054:ff:fe12:3456 port 546, journal left pending. */
static inline int h6_pending(struct dhcp6_server *srv, const struct pkt6 *p, int64_t now,
			     struct reply6 *r)
{
	struct dhcp6_rx rx = { .data = p->b, .len = p->len, .ifindex = 7, .src_port = 546 };

	rx.src = a6("fe80::5054:ff:fe12:3456");
	memset(r, 0, sizeof(*r));
	r->rc = dhcp6_server_handle(srv, &rx, now, r->b, sizeof(r->b), &r->tx);
	return r->rc;
}

/* One datagram as a batch of its own, committed as the daemon does. */
static inline int h6(struct dhcp6_server *srv, const struct pkt6 *p, int64_t now,
		     struct reply6 *r)
{
	h6_pending(srv, p, now, r);
	dhcp6_server_commit(srv);
	return r->rc;
}

/* SOLICIT then REQUEST for the advertised address; the granted address into out. */
static inline void h6_lease(struct dhcp6_server *srv, const uint8_t *duid, size_t dl,
			    uint32_t iaid, const char *name, char out[INET6_ADDRSTRLEN])
{
	struct pkt6 p;
	struct reply6 r;
	char adv[INET6_ADDRSTRLEN];

	p6_client(&p, 1, duid, dl, iaid, NULL, false, name);
	assert_int_equal(h6(srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 2);
	r6_addr(&r, adv, NULL, NULL);
	assert_true(adv[0]);
	p6_client(&p, 3, duid, dl, iaid, adv, true, name);
	assert_int_equal(h6(srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	r6_addr(&r, out, NULL, NULL);
	assert_string_equal(out, adv);
}

#endif
