/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/host/fault.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef VNETD_TEST_HOOKS
int fault_inject(const char *step, char *msg, size_t msg_size)
{
	const char *list = getenv("VNETD_FAULT"), *p;
	size_t len = strlen(step);

	for (p = list; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] ? 1 : 0))
		if (!strncmp(p, step, len) && (p[len] == ',' || p[len] == '\0')) {
			snprintf(msg, msg_size, "injected fault at step '%s' (VNETD_FAULT)",
				 step);
			return -EIO;
		}
	return 0;
}
#else
int fault_inject(const char *step, char *msg, size_t msg_size)
{
	(void)step;
	(void)msg;
	(void)msg_size;
	return 0;
}
#endif
