/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One value of the run state, read and written by its type: names, paths
 * and words from restricted alphabets, addresses, numbers in range, MACs.
 * The reader trusts nothing (see record.c).
 */
#include "netd/host/host-internal.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

static bool copy_checked(void *dst, size_t size, const char *v, const char *allowed)
{
	size_t len = strlen(v);

	if (!len || len >= size || (allowed && strspn(v, allowed) != len))
		return false;
	memcpy(dst, v, len + 1);
	return true;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* What the kernel takes (dev_valid_name) and a state line can hold. */
static bool valid_ifname(const char *v)
{
	const unsigned char *p;

	if (!strcmp(v, ".") || !strcmp(v, ".."))
		return false;
	for (p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '/' || *p == ':')
			return false;
	return true;
}

/* Relative, and no empty, "." or ".." component that could leave /proc/sys/net. */
static bool valid_path(const char *v)
{
	const char *p = v;

	for (;;) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return false;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static bool valid_uuid(const char *v)
{
	size_t i;

	if (strlen(v) != 36)
		return false;
	for (i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? v[i] != '-' :
		    !isxdigit((unsigned char)v[i]))
			return false;
	return true;
}

static bool parse_mode(const char *v, enum netdef_forward_mode *mode)
{
	static const enum netdef_forward_mode all[] = {
		NETDEF_FWD_NONE, NETDEF_FWD_NAT, NETDEF_FWD_ROUTE, NETDEF_FWD_OPEN
	};
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(v, netdef_forward_mode_name(all[i]))) {
			*mode = all[i];
			return true;
		}
	return false;
}

static bool parse_address(const char *v, struct run_addr *out)
{
	const char *slash = strchr(v, '/');
	unsigned long long prefix;
	char a[INET6_ADDRSTRLEN];

	if (!slash || (size_t)(slash - v) >= sizeof(a))
		return false;
	memcpy(a, v, (size_t)(slash - v));
	a[slash - v] = '\0';
	memset(out, 0, sizeof(*out));
	if (inet_pton(AF_INET, a, &out->addr) == 1)
		out->family = AF_INET;
	else if (inet_pton(AF_INET6, a, &out->addr6) == 1)
		out->family = AF_INET6;
	else
		return false;
	if (!netdef_parse_uint(slash + 1, out->family == AF_INET ? 32 : 128, &prefix))
		return false;
	out->prefix = (unsigned)prefix;
	return true;
}

/* Times from 0; ifindexes, pids and start times from 1 (0 would mean none). */
static bool parse_number(enum field_type type, const char *v, void *dst)
{
	unsigned long long n;

	if (type == FIELD_TIME) {
		if (!netdef_parse_uint(v, LLONG_MAX, &n))
			return false;
		*(long long *)dst = (long long)n;
		return true;
	}
	if (!netdef_parse_uint(v, type == FIELD_TICKS ? UINT64_MAX : INT_MAX, &n) || !n)
		return false;
	if (type == FIELD_TICKS)
		*(uint64_t *)dst = n;
	else if (type == FIELD_PID)
		*(pid_t *)dst = (pid_t)n;
	else
		*(int *)dst = (int)n;
	return true;
}

static bool parse_uint32(const char *v, unsigned *dst)
{
	unsigned long long n;

	if (!netdef_parse_uint(v, UINT32_MAX, &n))
		return false;
	*dst = (unsigned)n;
	return true;
}

/* "none", or six hex pairs separated by ':' */
static bool parse_mac(const char *v, struct run_mac *out)
{
	unsigned b[6];
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (!strcmp(v, "none"))
		return true;
	if (strlen(v) != 17 || sscanf(v, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
				      &b[3], &b[4], &b[5], &n) != 6 || n != 17)
		return false;
	for (n = 0; n < 6; n++) {
		if (!isxdigit((unsigned char)v[n * 3]) || !isxdigit((unsigned char)v[n * 3 + 1]))
			return false;
		out->b[n] = (uint8_t)b[n];
	}
	out->set = true;
	return true;
}

bool record_parse_value(enum field_type type, const char *v, void *dst, size_t size)
{
	unsigned long long n;

	switch (type) {
	case FIELD_NAME:
		return vnetd_valid_name(v) && copy_checked(dst, size, v, NULL);
	case FIELD_UUID:
		return valid_uuid(v) && copy_checked(dst, size, v, NULL);
	case FIELD_MODE:
		return parse_mode(v, dst);
	case FIELD_IFNAME:
		return valid_ifname(v) && copy_checked(dst, size, v, NULL);
	case FIELD_PATH:
		return valid_path(v) && copy_checked(dst, size, v, ALNUM "_./-");
	case FIELD_WORD:
		return copy_checked(dst, size, v, ALNUM "_.-");
	case FIELD_ADDRESS:
		return parse_address(v, dst);
	case FIELD_TABLE:
		return copy_checked(dst, size, v, ALNUM "._+:-");
	case FIELD_TIME: case FIELD_INDEX: case FIELD_PID: case FIELD_TICKS:
		return parse_number(type, v, dst);
	case FIELD_IPV4:
		return inet_pton(AF_INET, v, dst) == 1;
	case FIELD_IPV6:
		return inet_pton(AF_INET6, v, dst) == 1;
	case FIELD_UINT:
		return parse_uint32(v, dst);
	case FIELD_COUNT:
		if (!netdef_parse_uint(v, UINT_MAX, &n))
			return false;
		*(unsigned *)dst = (unsigned)n;
		return true;
	case FIELD_MAC:
		return parse_mac(v, dst);
	}
	return false;
}

void record_format_value(FILE *f, enum field_type type, const void *src)
{
	const struct run_addr *a = src;
	const struct run_mac *m = src;
	char text[INET6_ADDRSTRLEN];

	switch (type) {
	case FIELD_NAME: case FIELD_UUID: case FIELD_IFNAME: case FIELD_PATH:
	case FIELD_WORD: case FIELD_TABLE:
		fputs(src, f);
		break;
	case FIELD_MODE:
		fputs(netdef_forward_mode_name(*(const enum netdef_forward_mode *)src), f);
		break;
	case FIELD_TIME:
		fprintf(f, "%lld", *(const long long *)src);
		break;
	case FIELD_INDEX:
		fprintf(f, "%d", *(const int *)src);
		break;
	case FIELD_ADDRESS:
		fprintf(f, "%s/%u", inet_ntop(a->family, a->family == AF_INET6 ? (const void *)&a->addr6
						: (const void *)&a->addr, text, sizeof(text)),
			a->prefix);
		break;
	case FIELD_PID:
		fprintf(f, "%d", (int)*(const pid_t *)src);
		break;
	case FIELD_TICKS:
		fprintf(f, "%llu", (unsigned long long)*(const uint64_t *)src);
		break;
	case FIELD_IPV4:
		fputs(inet_ntop(AF_INET, src, text, sizeof(text)), f);
		break;
	case FIELD_IPV6:
		fputs(inet_ntop(AF_INET6, src, text, sizeof(text)), f);
		break;
	case FIELD_UINT:
		fprintf(f, "%u", *(const unsigned *)src);
		break;
	case FIELD_COUNT:
		fprintf(f, "%u", *(const unsigned *)src);
		break;
	case FIELD_MAC:
		if (!m->set)
			fputs("none", f);
		else
			fprintf(f, "%02x:%02x:%02x:%02x:%02x:%02x", m->b[0], m->b[1], m->b[2],
				m->b[3], m->b[4], m->b[5]);
		break;
	}
}

/* A word from the file, fit to be shown in a message (it may be anything). */
