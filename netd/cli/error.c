/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/cli/cli.h"

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
