/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Small helpers the DNS unit tests share: a deterministic random source,
 * addresses from text, glibc-like queries. Header-only (static inline), so
 * each test binary takes what it uses.
 */
#ifndef VNETD_TEST_DNS_FIXTURE_H
#define VNETD_TEST_DNS_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "dhcp/dns/dns-internal.h"

/* The core's clock is the daemon's monotonic one, in ms: three days after boot. */
#define FX_NOW (3 * 86400 * 1000LL)

struct fx_rng {
	uint32_t x;
};

static inline uint32_t fx_random(void *ud)
{
	struct fx_rng *r = ud;

	r->x ^= r->x << 13;
	r->x ^= r->x >> 17;
	r->x ^= r->x << 5;
	return r->x;
}

static inline struct dns_ip fx_ip(const char *s)
{
	struct dns_ip a;

	assert_int_equal(dns_ip_parse(s, &a), 0);
	return a;
}

static inline struct dns_client fx_client(const char *addr, enum dns_transport tr)
{
	struct dns_client c = { .transport = tr };

	c.peer.ip = fx_ip(addr);
	c.peer.port = 40000;
	return c;
}

/* Text -> wire name, case kept (test input is trusted). */
static inline size_t fx_put_name(uint8_t *b, const char *name)
{
	size_t n = 0;
	const char *p = name, *dot;

	while (*p) {
		dot = strchr(p, '.');
		if (!dot)
			dot = p + strlen(p);
		b[n++] = (uint8_t)(dot - p);
		memcpy(b + n, p, (size_t)(dot - p));
		n += (size_t)(dot - p);
		p = *dot ? dot + 1 : dot;
	}
	b[n++] = 0;
	return n;
}

/* A query like glibc's: RD, one question, no EDNS. */
static inline size_t fx_query(uint8_t *b, uint16_t id, const char *name, uint16_t type)
{
	size_t n = 0;

	b[n++] = (uint8_t)(id >> 8);
	b[n++] = (uint8_t)id;
	memcpy(b + n, "\1\0\0\1\0\0\0\0\0\0", 10);
	n += 10;
	n += fx_put_name(b + n, name);
	b[n++] = (uint8_t)(type >> 8);
	b[n++] = (uint8_t)type;
	b[n++] = 0;
	b[n++] = 1;
	return n;
}

/* The rcode of an ANSWER action's message. */
static inline int fx_rcode(const struct dns_action *act, const uint8_t *out)
{
	assert_int_equal(act->kind, DNS_ACT_ANSWER);
	assert_true(act->len >= DNS_HDR_LEN);
	assert_true(out[2] & 0x80);
	return out[3] & 0xf;
}

#endif
