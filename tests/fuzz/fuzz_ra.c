/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: router solicitations (the only bytes a guest sends to
 * this code) and advertisements built from a configuration the input
 * chooses (prefix count, flags, MTU, a search domain from the input's
 * text). An advertisement must fit RA_BUF and be a whole number of 8-octet
 * options after its 16-byte header.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/ra/ra.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ra_config c;
	struct wire_error err;
	uint8_t buf[RA_BUF];
	char search[RA_MAX_SEARCH + 1];
	size_t i, n;
	int len;

	ra_solicitation_valid(data, size, 255, size > 0 && (data[0] & 1));
	if (size < 4)
		return 0;
	memset(&c, 0, sizeof(c));
	c.n_prefixes = data[0] % (RA_MAX_PREFIXES + 1);
	for (i = 0; i < c.n_prefixes; i++) {
		c.prefixes[i].len = (uint8_t)(data[1] % 129);
		c.prefixes[i].autonomous = data[1] & 0x80;
	}
	c.managed = data[2] & 1;
	c.other = data[2] & 2;
	c.router = data[2] & 4;
	c.mtu = data[2] & 8 ? 1280u + data[3] : 0;
	c.n_dns = data[3] % (RA_MAX_DNS + 1);
	c.interval_s = data[3];
	n = size - 4 < RA_MAX_SEARCH ? size - 4 : RA_MAX_SEARCH;
	memcpy(search, data + 4, n);
	search[n] = '\0';
	c.search = search;
	len = ra_build(&c, data[2] & 16, buf, sizeof(buf), &err);
	if (len > 0 && (len < 16 || (len - 16) % 8 != 0))
		abort();
	return 0;
}
