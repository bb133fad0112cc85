/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef: strict parsers for the scalar values found in network XML. */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

bool netdef_parse_ipv4(const char *s, struct in_addr *out)
{
	/* inet_pton (unlike inet_aton) refuses "10.1", octal and trailing junk */
	return s && inet_pton(AF_INET, s, out) == 1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool netdef_parse_mac(const char *s, uint8_t out[6])
{
	uint8_t mac[6];
	int i;

	if (!s || strlen(s) != 17)
		return false;
	for (i = 0; i < 6; i++) {
		int hi = hexval(s[i * 3]), lo = hexval(s[i * 3 + 1]);

		if (hi < 0 || lo < 0 || (i < 5 && s[i * 3 + 2] != ':'))
			return false;
		mac[i] = (uint8_t)(hi << 4 | lo);
	}
	memcpy(out, mac, 6);
	return true;
}

/* libvirt accepts the dashed 8-4-4-4-12 form and 32 bare hex digits. */
bool netdef_parse_uuid(const char *s, uint8_t out[16])
{
	uint8_t u[16];
	size_t len, pos = 0;
	int i;

	if (!s)
		return false;
	len = strlen(s);
	if (len != 36 && len != 32)
		return false;
	for (i = 0; i < 16; i++) {
		int hi, lo;

		if (len == 36 && (pos == 8 || pos == 13 || pos == 18 || pos == 23)) {
			if (s[pos] != '-')
				return false;
			pos++;
		}
		hi = hexval(s[pos]);
		lo = hexval(s[pos + 1]);
		if (hi < 0 || lo < 0)
			return false;
		u[i] = (uint8_t)(hi << 4 | lo);
		pos += 2;
	}
	memcpy(out, u, 16);
	return true;
}

bool netdef_parse_uint(const char *s, unsigned long long max, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would accept "-1", "+3" and leading blanks */
	if (!s || !isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end || v > max)
		return false;
	*out = v;
	return true;
}

uint32_t netdef_mask(unsigned prefix)
{
	return prefix ? 0xffffffffu << (32 - prefix) : 0;
}

bool netdef_in_subnet(struct in_addr addr, struct in_addr net, unsigned prefix)
{
	uint32_t m = netdef_mask(prefix);

	return (ntohl(addr.s_addr) & m) == (ntohl(net.s_addr) & m);
}

bool netdef_netmask_to_prefix(struct in_addr mask, unsigned *prefix)
{
	uint32_t m = ntohl(mask.s_addr);
	unsigned p = 0;

	while (p < 32 && (m & (0x80000000u >> p)))
		p++;
	if (netdef_mask(p) != m)
		return false;
	*prefix = p;
	return true;
}

unsigned netdef_classful_prefix(struct in_addr addr)
{
	uint32_t a = ntohl(addr.s_addr);

	if ((a & 0x80000000u) == 0)
		return 8;
	if ((a & 0xc0000000u) == 0x80000000u)
		return 16;
	if ((a & 0xe0000000u) == 0xc0000000u)
		return 24;
	return 0;
}

bool netdef_valid_dns_name(const char *s)
{
	size_t len, label = 0;

	if (!s)
		return false;
	len = strlen(s);
	/* a trailing dot (fully qualified) is allowed; an empty name is not */
	if (len == 0 || len > 253 || s[0] == '.')
		return false;
	for (; *s; s++) {
		if (*s == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

void *netdef_array_push(void *arrayp, size_t *count, size_t elem_size)
{
	void **array = arrayp;
	char *grown;

	if (*count >= 4096)     /* no sane definition has more; bounds memory */
		return NULL;
	grown = realloc(*array, (*count + 1) * elem_size);
	if (!grown)
		return NULL;
	*array = grown;
	memset(grown + *count * elem_size, 0, elem_size);
	return grown + (*count)++ * elem_size;
}

int netdef_fail(struct netdef_error *err, int code, unsigned line, const char *field,
		const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->line = line;
	snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	return code;
}

void netdef_uuid_generate(uint8_t out[16])
{
	size_t got = 0;

	while (got < 16) {
		ssize_t n = getrandom(out + got, 16 - got, 0);

		if (n > 0)
			got += (size_t)n;
	}
	out[6] = (uint8_t)((out[6] & 0x0f) | 0x40);     /* RFC 4122 version 4 */
	out[8] = (uint8_t)((out[8] & 0x3f) | 0x80);     /* RFC 4122 variant */
}
