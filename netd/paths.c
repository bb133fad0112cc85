/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd: error output and file names under the three directories. */
#include "netd/vnetd.h"
#include "netd/netdef-internal.h"

#include <stdarg.h>
#include <stdio.h>

int vnetd_error(const char *fmt, ...)
{
	va_list ap;

	fputs("vnetd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

bool vnetd_check_name(const char *name)
{
	return netdef_valid_network_name(name);
}

bool vnetd_path(char *buf, size_t size, const char *dir, const char *sub, const char *name,
		const char *ext)
{
	int n;

	/* the name is the only part that comes from a user: never let it climb */
	if (name && !netdef_valid_network_name(name))
		return false;
	n = snprintf(buf, size, "%s%s%s%s%s%s", dir, sub ? "/" : "", sub ? sub : "",
		     name ? "/" : "", name ? name : "", ext ? ext : "");
	return n > 0 && (size_t)n < size;
}
