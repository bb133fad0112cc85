/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

/* The daemon is one network per process, so its log identity is process-wide. */
static char log_ident[96] = "vnetd";
static bool log_stderr;

static bool log_syslog;

void log_open(const char *network, bool to_stderr)
{
	snprintf(log_ident, sizeof(log_ident), "vnetd[%s]", network);
	log_stderr = to_stderr;
	/* without a syslog socket every syslog() call would retry connecting */
	log_syslog = access("/dev/log", W_OK) == 0;
	if (log_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_msg(int priority, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (log_syslog)
		syslog(priority, "%s", line);
	if (log_stderr)
		fprintf(stderr, "%s: %s\n", log_ident, line);
}
