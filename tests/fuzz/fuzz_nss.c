/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the NSS module's lookup over a lease file's text (the
 * module runs inside every process that resolves a name, so a malformed
 * file must never crash it). The first byte picks the name asked for and
 * the family (v4 lines, v6 lines after the "duid" line, or both).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netd/nss/nss-vnetd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "web", "web.lab", "web.example.org", "a", "" };
	static const int afs[] = { AF_INET, AF_INET6, AF_UNSPEC };
	struct nss_vnetd_addr out[NSS_VNETD_ADDRS_MAX];
	size_t n = 0;

	if (!size)
		return 0;
	nss_vnetd_match((const char *)data + 1, size - 1, names[data[0] % 5], "lab",
			data[0] & 0x80 ? "example.org" : NULL, afs[(data[0] >> 3) % 3], 1700000000, out,
			&n);
	if (n > NSS_VNETD_ADDRS_MAX)
		abort();
	return 0;
}
