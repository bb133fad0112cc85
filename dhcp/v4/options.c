/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt's <option number='N' value='TEXT'/> turned into option bytes, as
 * dnsmasq's --dhcp-option does: "xx:xx:..." is raw hex; options that carry
 * addresses take a comma-separated list of IPv4 addresses; numeric options
 * take a number of their width (RFC 2132 says which); the rest is a string.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

enum opt_kind { K_STRING = 0, K_ADDRS, K_U8, K_U16, K_U32, K_BOOL };

struct opt_type {
	uint8_t code;
	uint8_t kind;
};

/* RFC 2132 (and 2242, 2610, 4833, 5071) for the options people configure. */
static const struct opt_type opt_types[] = {
	{ 1, K_ADDRS }, { 2, K_U32 }, { 3, K_ADDRS }, { 4, K_ADDRS }, { 5, K_ADDRS },
	{ 6, K_ADDRS }, { 7, K_ADDRS }, { 8, K_ADDRS }, { 9, K_ADDRS }, { 10, K_ADDRS },
	{ 11, K_ADDRS }, { 13, K_U16 }, { 16, K_ADDRS }, { 19, K_BOOL }, { 20, K_BOOL },
	{ 22, K_U16 }, { 23, K_U8 }, { 24, K_U32 }, { 26, K_U16 }, { 27, K_BOOL },
	{ 28, K_ADDRS }, { 29, K_BOOL }, { 30, K_BOOL }, { 31, K_BOOL }, { 32, K_ADDRS },
	{ 34, K_BOOL }, { 35, K_U32 }, { 36, K_BOOL }, { 37, K_U8 }, { 38, K_U32 },
	{ 39, K_BOOL }, { 41, K_ADDRS }, { 42, K_ADDRS }, { 44, K_ADDRS }, { 45, K_ADDRS },
	{ 46, K_U8 }, { 48, K_ADDRS }, { 49, K_ADDRS }, { 51, K_U32 }, { 54, K_ADDRS },
	{ 57, K_U16 }, { 58, K_U32 }, { 59, K_U32 }, { 65, K_ADDRS }, { 68, K_ADDRS },
	{ 69, K_ADDRS }, { 70, K_ADDRS }, { 71, K_ADDRS }, { 72, K_ADDRS }, { 73, K_ADDRS },
	{ 74, K_ADDRS }, { 75, K_ADDRS }, { 76, K_ADDRS }, { 118, K_ADDRS }, { 150, K_ADDRS },
};

static enum opt_kind kind_of(unsigned number)
{
	size_t i;

	for (i = 0; i < sizeof(opt_types) / sizeof(opt_types[0]); i++)
		if (opt_types[i].code == number)
			return (enum opt_kind)opt_types[i].kind;
	return K_STRING;
}

int dhcp_client_id_parse(const char *text, uint8_t *out, size_t cap)
{
	size_t n;
	int rc;

	if (!text || !*text)
		return -EINVAL;
	/* "01:ab:..": at least two pairs of hex digits; anything else is text */
	rc = hex_parse(text, out, cap);
	if (rc >= 2)
		return rc;
	n = strlen(text);
	if (n > cap || n > LEASE_CLIENT_ID_MAX)
		return -EINVAL;
	memcpy(out, text, n);
	return (int)n;
}

static int encode_addrs(const char *t, uint8_t out[255])
{
	char one[16];
	struct in_addr a;
	size_t n = 0, k;

	while (*t) {
		while (*t == ' ' || *t == ',')
			t++;
		for (k = 0; *t && *t != ',' && *t != ' '; t++)
			if (k < sizeof(one) - 1)
				one[k++] = *t;
			else
				return -EINVAL;
		if (!k)
			break;
		one[k] = 0;
		if (inet_pton(AF_INET, one, &a) != 1 || n + 4 > 255)
			return -EINVAL;
		memcpy(out + n, &a, 4);
		n += 4;
	}
	return n ? (int)n : -EINVAL;
}

static int encode_number(const char *t, unsigned width, uint8_t out[255])
{
	char *end;
	unsigned long long v;
	unsigned i;

	errno = 0;
	v = strtoull(t, &end, 0);
	if (errno || end == t || *end || *t == '-')
		return -EINVAL;
	if (width < 8 && v >> (width * 8))
		return -EINVAL;
	for (i = 0; i < width; i++)
		out[i] = (uint8_t)(v >> (8 * (width - 1 - i)));
	return (int)width;
}

int dhcp_option_encode(unsigned number, const char *text, uint8_t out[255])
{
	size_t n;
	int rc;

	if (number < 1 || number > 254 || !text)
		return -EINVAL;
	rc = hex_parse(text, out, 255);
	if (rc < 2)
		rc = -1;
	if (rc >= 0)
		return rc;
	switch (kind_of(number)) {
	case K_ADDRS:
		return encode_addrs(text, out);
	case K_U8:
		return encode_number(text, 1, out);
	case K_U16:
		return encode_number(text, 2, out);
	case K_U32:
		return encode_number(text, 4, out);
	case K_BOOL:
		if (!strcmp(text, "true") || !strcmp(text, "on"))
			text = "1";
		else if (!strcmp(text, "false") || !strcmp(text, "off"))
			text = "0";
		rc = encode_number(text, 1, out);
		return rc < 0 || out[0] > 1 ? -EINVAL : rc;
	case K_STRING:
	default:
		n = strlen(text);
		if (!n || n > 255)
			return -EINVAL;
		memcpy(out, text, n);
		return (int)n;
	}
}
