/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the DHCP server's unit tests share: literal client packets (busybox
 * udhcpc, ISC dhclient), a server fixture that records its events and the
 * names it publishes, and whole exchanges. Include after cmocka.h.
 */
#ifndef VNETD_TEST_DHCP_FIXTURE_H
#define VNETD_TEST_DHCP_FIXTURE_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

#define NOW0 1700000000

/*
 * BOOTREQUEST fixed part (RFC 2131 §2): op 1, htype 1, hlen 6, xid
 * 0x1a2b3c4d, chaddr 52:54:00:12:34:56, sname/file zero, magic cookie
 * 99.130.83.99 at offset 236.
 */
static const uint8_t __attribute__((unused)) bootrequest_hdr[240] = {
	[0] = 0x01, [1] = 0x01, [2] = 0x06, [3] = 0x00,
	[4] = 0x1a, [5] = 0x2b, [6] = 0x3c, [7] = 0x4d,
	[28] = 0x52, [29] = 0x54, [30] = 0x00, [31] = 0x12, [32] = 0x34, [33] = 0x56,
	[236] = 99, [237] = 130, [238] = 83, [239] = 99,
};

/* busybox udhcpc 1.35 DISCOVER: client id 01+MAC, max size 576, vendor class, PRL. */
static const uint8_t __attribute__((unused)) udhcpc_discover_opts[] = {
	53, 1, 1,
	61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
	57, 2, 0x02, 0x40,
	60, 12, 'u', 'd', 'h', 'c', 'p', ' ', '1', '.', '3', '5', '.', '0',
	12, 6, 'g', 'u', 'e', 's', 't', '1',
	55, 7, 1, 3, 6, 12, 15, 28, 42,
	255,
};

/* ISC dhclient 4.4 DISCOVER: no client id, host name, a long PRL. */
static const uint8_t __attribute__((unused)) dhclient_discover_opts[] = {
	53, 1, 1,
	12, 6, 'g', 'u', 'e', 's', 't', '2',
	55, 13, 1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42,
	255,
};

struct pkt {
	uint8_t b[4096];
	size_t len;
};

static inline void pkt_make(struct pkt *p, const uint8_t *opts, size_t n)
{
	memcpy(p->b, bootrequest_hdr, sizeof(bootrequest_hdr));
	memcpy(p->b + 240, opts, n);
	p->len = 240 + n;
}

static inline void pkt_u32(struct pkt *p, size_t off, const char *ip)
{
	struct in_addr a;

	inet_pton(AF_INET, ip, &a);
	memcpy(p->b + off, &a, 4);
}

#define OFF_FLAGS 10
#define OFF_CIADDR 12
#define OFF_GIADDR 24
#define OFF_CHADDR 28

static inline void pkt_mac_last(struct pkt *p, uint8_t last)
{
	p->b[OFF_CHADDR + 5] = last;
}

/* A REQUEST (or other message) built from a type and extra options. */
static inline void pkt_msg(struct pkt *p, uint8_t type, const uint8_t *extra, size_t n)
{
	uint8_t opts[600];
	size_t k = 0;

	opts[k++] = 53;
	opts[k++] = 1;
	opts[k++] = type;
	memcpy(opts + k, extra, n);
	k += n;
	opts[k++] = 255;
	pkt_make(p, opts, k);
}

static inline uint32_t ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return ntohl(a.s_addr);
}

/* ---- replies ---- */

struct reply {
	int rc;
	uint8_t b[DHCP_REPLY_BUF];
	struct dhcp_tx tx;
};

static inline uint32_t rep_u32(const struct reply *r, size_t off)
{
	return (uint32_t)r->b[off] << 24 | (uint32_t)r->b[off + 1] << 16 |
	       (uint32_t)r->b[off + 2] << 8 | r->b[off + 3];
}

/* Find option `code` in a reply; its length in *len, NULL when absent. */
static inline const uint8_t *rep_opt(const struct reply *r, uint8_t code, uint8_t *len)
{
	size_t i = 240;

	while (i < r->tx.len) {
		uint8_t c = r->b[i];

		if (c == 0) {
			i++;
			continue;
		}
		if (c == 255 || i + 1 >= r->tx.len || i + 2 + r->b[i + 1] > r->tx.len)
			return NULL;
		if (c == code) {
			*len = r->b[i + 1];
			return r->b + i + 2;
		}
		i += 2 + r->b[i + 1];
	}
	return NULL;
}

static inline uint8_t rep_type(const struct reply *r)
{
	uint8_t len;
	const uint8_t *v = rep_opt(r, 53, &len);

	return v && len == 1 ? v[0] : 0;
}

/* ---- the server ---- */

struct events {
	int count[16];
	struct dhcp_event last;
	char last_reason[64];
	char last_name[64];
	char refused[64];               /* the reason of the last DHCP_EV_NAME_REFUSED */
	/* what on_name said of 192.168.122.N, by N; "" = no name */
	int names_told;
	char name_of[256][64];
	int64_t name_expires[256];
};

static inline void on_name(void *ud, struct in_addr addr, const char *name, int64_t expires)
{
	struct events *e = ud;
	uint8_t last = (uint8_t)ntohl(addr.s_addr);

	e->names_told++;
	snprintf(e->name_of[last], sizeof(e->name_of[last]), "%s", name ? name : "");
	e->name_expires[last] = expires;
}

static inline void on_event(void *ud, const struct dhcp_event *ev)
{
	struct events *e = ud;

	e->count[ev->type]++;
	e->last = *ev;
	snprintf(e->last_reason, sizeof(e->last_reason), "%s", ev->reason ? ev->reason : "");
	snprintf(e->last_name, sizeof(e->last_name), "%s", ev->hostname ? ev->hostname : "");
	if (ev->type == DHCP_EV_NAME_REFUSED)
		snprintf(e->refused, sizeof(e->refused), "%s", ev->reason ? ev->reason : "");
	e->last.reason = NULL;
	e->last.hostname = NULL;
	e->last.chaddr = NULL;
	e->last.client_id = NULL;
}

static inline void base_config(struct dhcp_config *cfg, struct dhcp_range *range,
			       struct events *ev)
{
	memset(cfg, 0, sizeof(*cfg));
	memset(range, 0, sizeof(*range));
	inet_pton(AF_INET, "192.168.122.2", &range->start);
	inet_pton(AF_INET, "192.168.122.254", &range->end);
	cfg->ifname = "virbr0";
	inet_pton(AF_INET, "192.168.122.1", &cfg->server_addr);
	cfg->prefix = 24;
	cfg->ranges = range;
	cfg->n_ranges = 1;
	cfg->domain = "example.test";
	cfg->on_event = on_event;
	cfg->on_name = on_name;
	cfg->userdata = ev;
	cfg->hash_seed = 0x1234;
}

/* One packet, its journal records left pending (not yet durable). */
static inline int handle_pending(struct dhcp_server *srv, const struct pkt *p, int64_t now,
			  struct reply *r)
{
	struct dhcp_rx rx = { .data = p->b, .len = p->len };

	memset(r, 0, sizeof(*r));
	r->rc = dhcp_server_handle(srv, &rx, now, r->b, sizeof(r->b), &r->tx);
	return r->rc;
}

/* One packet as a batch of its own: handled, then committed as the daemon does. */
static inline int handle(struct dhcp_server *srv, const struct pkt *p, int64_t now,
		  struct reply *r)
{
	handle_pending(srv, p, now, r);
	dhcp_server_commit(srv);
	return r->rc;
}


struct fixture {
	struct dhcp_config cfg;
	struct dhcp_range range;
	struct events ev;
	struct dhcp_server *srv;
};

static inline struct fixture *fx_new(void (*tweak)(struct fixture *))
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct wire_error err = { 0 };

	base_config(&f->cfg, &f->range, &f->ev);
	if (tweak)
		tweak(f);
	if (dhcp_server_new(&f->cfg, &f->srv, &err) < 0)
		fail_msg("dhcp_server_new: %s", err.message);
	return f;
}

static inline void fx_free(struct fixture *f)
{
	dhcp_server_free(f->srv);
	free(f);
}

/* udhcpc DISCOVER for MAC ...:last (client id follows the MAC). */
static inline void udhcpc_discover(struct pkt *p, uint8_t last)
{
	pkt_make(p, udhcpc_discover_opts, sizeof(udhcpc_discover_opts));
	pkt_mac_last(p, last);
	p->b[240 + 3 + 2 + 6] = last;           /* option 61's last byte */
}

/* udhcpc REQUEST in SELECTING: 61, 50 addr, 54 server, PRL. */
static inline void udhcpc_select(struct pkt *p, uint8_t last, uint32_t addr, uint32_t server)
{
	uint8_t o[] = {
		61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, last,
		50, 4, (uint8_t)(addr >> 24), (uint8_t)(addr >> 16), (uint8_t)(addr >> 8), (uint8_t)addr,
		54, 4, (uint8_t)(server >> 24), (uint8_t)(server >> 16), (uint8_t)(server >> 8),
		(uint8_t)server,
		12, 6, 'g', 'u', 'e', 's', 't', '1',
		55, 7, 1, 3, 6, 12, 15, 28, 42,
	};

	pkt_msg(p, DHCPREQUEST, o, sizeof(o));
	pkt_mac_last(p, last);
}

/* A whole DORA for udhcpc ...:last; returns the address ACKed. */
static inline uint32_t dora(struct fixture *f, uint8_t last, int64_t now)
{
	struct pkt p;
	struct reply r;
	uint32_t addr;

	udhcpc_discover(&p, last);
	assert_int_equal(handle(f->srv, &p, now, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPOFFER);
	addr = rep_u32(&r, 16);
	udhcpc_select(&p, last, addr, ip4("192.168.122.1"));
	assert_int_equal(handle(f->srv, &p, now, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	assert_int_equal(rep_u32(&r, 16), addr);
	return addr;
}


#endif
