/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: resolv.conf parsing (the text the daemon re-reads
 * whenever the host's resolver changes). Whatever the text, the result is
 * bounded by the room given, holds no duplicate, never the server's own
 * address or the unspecified one, only IPv4/IPv6; with less room it is the
 * same list cut short.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/dns/dns-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t zero[16];
	struct dns_ip self[2], all[16], few[2];
	int n, m, i, j;

	dns_ip_parse("192.168.122.1", &self[0]);
	dns_ip_parse("fd00::1", &self[1]);
	n = dns_resolv_conf_parse((const char *)data, size, self, 2, all, 16);
	if (n < 0 || n > 16)
		abort();
	for (i = 0; i < n; i++) {
		if (all[i].family != AF_INET && all[i].family != AF_INET6)
			abort();
		if (dns_ip_eq(&all[i], &self[0]) || dns_ip_eq(&all[i], &self[1]) ||
		    memcmp(all[i].bytes, zero, all[i].family == AF_INET ? 4 : 16) == 0)
			abort();
		for (j = 0; j < i; j++)
			if (dns_ip_eq(&all[i], &all[j]))
				abort();
	}
	m = dns_resolv_conf_parse((const char *)data, size, self, 2, few, 2);
	if (m != (n < 2 ? n : 2))
		abort();
	for (i = 0; i < m; i++)
		if (!dns_ip_eq(&few[i], &all[i]))
			abort();
	if (dns_resolv_conf_parse((const char *)data, size, NULL, 0, NULL, 0) != 0)
		abort();
	return 0;
}
