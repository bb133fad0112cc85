/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hex and JSON text: what every file format and log line of the servers shares. */
#include <stdio.h>

#include "dhcp/wire/wire.h"

void hex_format(const uint8_t *bytes, size_t len, char *out, size_t size)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, n = 0;

	if (!size)
		return;
	for (i = 0; i < len && n + 3 < size; i++) {
		if (i)
			out[n++] = ':';
		out[n++] = hex[bytes[i] >> 4];
		out[n++] = hex[bytes[i] & 15];
	}
	out[n] = 0;
}

int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int hex_parse(const char *t, uint8_t *out, size_t cap)
{
	size_t n = 0;

	while (*t) {
		int hi = hex_value((unsigned char)t[0]), lo = hi < 0 ? -1 : hex_value((unsigned char)t[1]);

		if (hi < 0 || lo < 0 || n == cap)
			return -1;
		out[n++] = (uint8_t)(hi << 4 | lo);
		t += 2;
		if (*t && *t++ != ':')
			return -1;
		if (!*t && t[-1] == ':')
			return -1;      /* a trailing separator */
	}
	return (int)n;
}

size_t json_string(const char *s, char *out, size_t size)
{
	size_t n = 0;
	char esc[8];

#define PUT(ch) do { if (n + 1 < size) out[n] = (ch); n++; } while (0)
	PUT('"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;
		size_t k;

		if (ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') {
			PUT((char)ch);
			continue;
		}
		snprintf(esc, sizeof(esc), "\\u%04x", ch);
		for (k = 0; esc[k]; k++)
			PUT(esc[k]);
	}
	PUT('"');
#undef PUT
	if (size)
		out[n < size ? n : size - 1] = 0;
	return n;
}
