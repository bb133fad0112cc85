/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Router advertisements: built (RFC 4861 section 4.2, RFC 8106), solicitations checked. */
#include "dhcp/ra/ra.h"

#include <errno.h>
#include <string.h>

enum {
	ICMP6_RS = 133, ICMP6_RA = 134,
	OPT_SLLA = 1, OPT_PREFIX = 3, OPT_MTU = 5, OPT_RDNSS = 25, OPT_DNSSL = 31,
};

#define PREFIX_VALID_S 86400u           /* radvd's and most routers' defaults */
#define PREFIX_PREFERRED_S 14400u

static uint32_t max_interval_s(const struct ra_config *cfg)
{
	uint32_t s = cfg->interval_s ? cfg->interval_s : 600;

	return s < 4 ? 4 : s > 1800 ? 1800 : s;
}

static void put_prefix(struct wire_builder *b, const struct ra_prefix *p)
{
	wire_wr_u8(b, OPT_PREFIX);
	wire_wr_u8(b, 4);
	wire_wr_u8(b, p->len);
	wire_wr_u8(b, (uint8_t)(0x80 | (p->autonomous ? 0x40 : 0)));     /* on-link, autonomous */
	wire_wr_u32(b, PREFIX_VALID_S);
	wire_wr_u32(b, PREFIX_PREFERRED_S);
	wire_wr_u32(b, 0);
	wire_wr_bytes(b, &p->prefix, 16);
}

/* The search domain as DNS labels, zero-padded to a multiple of 8 with the option head. */
static int put_dnssl(struct wire_builder *b, const char *name, uint32_t lifetime,
		     struct wire_error *err)
{
	uint8_t wire[RA_MAX_SEARCH + 2];
	size_t n = 0, len, total;
	const char *p = name;

	while (*p) {
		len = strcspn(p, ".");
		if (len == 0 || len > 63 || n + 1 + len + 1 > sizeof(wire))
			return wire_fail(err, -EINVAL, "search domain '%s' is not a DNS name", name);
		wire[n++] = (uint8_t)len;
		memcpy(wire + n, p, len);
		n += len;
		p += len + (p[len] == '.');
	}
	if (n == 0)
		return wire_fail(err, -EINVAL, "empty search domain");
	wire[n++] = 0;
	total = (8 + n + 7) / 8;        /* in units of 8 octets */
	wire_wr_u8(b, OPT_DNSSL);
	wire_wr_u8(b, (uint8_t)total);
	wire_wr_u16(b, 0);
	wire_wr_u32(b, lifetime);
	wire_wr_bytes(b, wire, n);
	wire_wr_zero(b, total * 8 - 8 - n);
	return 0;
}

int ra_build(const struct ra_config *cfg, bool final, uint8_t *buf, size_t cap,
	     struct wire_error *err)
{
	uint32_t max = max_interval_s(cfg), dns_life = final ? 0 : 3 * max;
	struct wire_builder b;
	size_t i;
	int r;

	wire_wr_init(&b, buf, cap);
	wire_wr_u8(&b, ICMP6_RA);
	wire_wr_u8(&b, 0);
	wire_wr_u16(&b, 0);                     /* checksum: the kernel's */
	wire_wr_u8(&b, 64);                     /* cur hop limit */
	wire_wr_u8(&b, (uint8_t)((cfg->managed ? 0x80 : 0) | (cfg->other ? 0x40 : 0)));
	/* RFC 4861 section 6.2.1: default router lifetime 3 x MaxRtrAdvInterval */
	wire_wr_u16(&b, (uint16_t)(final || !cfg->router ? 0 : 3 * max));
	wire_wr_u32(&b, 0);                     /* reachable time: unspecified */
	wire_wr_u32(&b, 0);                     /* retrans timer: unspecified */
	wire_wr_u8(&b, OPT_SLLA);
	wire_wr_u8(&b, 1);
	wire_wr_bytes(&b, cfg->mac, 6);
	if (cfg->mtu) {
		wire_wr_u8(&b, OPT_MTU);
		wire_wr_u8(&b, 1);
		wire_wr_u16(&b, 0);
		wire_wr_u32(&b, cfg->mtu);
	}
	for (i = 0; i < cfg->n_prefixes && i < RA_MAX_PREFIXES; i++)
		put_prefix(&b, &cfg->prefixes[i]);
	if (cfg->n_dns) {
		size_t n = cfg->n_dns < RA_MAX_DNS ? cfg->n_dns : RA_MAX_DNS;

		wire_wr_u8(&b, OPT_RDNSS);
		wire_wr_u8(&b, (uint8_t)(1 + 2 * n));
		wire_wr_u16(&b, 0);
		wire_wr_u32(&b, dns_life);
		wire_wr_bytes(&b, cfg->dns, 16 * n);
	}
	if (cfg->search && *cfg->search && (r = put_dnssl(&b, cfg->search, dns_life, err)) < 0)
		return r;
	if (b.full)
		return wire_fail(err, -ENOSPC, "router advertisement does not fit %zu bytes", cap);
	return (int)b.len;
}

bool ra_solicitation_valid(const uint8_t *icmp, size_t len, int hop_limit,
			   bool from_unspecified)
{
	struct wire_reader r;
	uint8_t type, code, otype, olen;

	wire_rd_init(&r, icmp, len);
	if (hop_limit != 255 || !wire_rd_u8(&r, &type) || !wire_rd_u8(&r, &code) ||
	    type != ICMP6_RS || code != 0 || !wire_rd_skip(&r, 6))
		return false;
	while (wire_rd_left(&r) > 0) {
		if (!wire_rd_u8(&r, &otype) || !wire_rd_u8(&r, &olen) || olen == 0 ||
		    !wire_rd_skip(&r, (size_t)olen * 8 - 2))
			return false;
		if (otype == OPT_SLLA && from_unspecified)
			return false;
	}
	return true;
}
