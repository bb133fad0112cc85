/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log: the serving daemon's log. Lines go to syslog (the journal picks them
 * up) tagged "vnetd[NAME]"; in --foreground also to stderr.
 */
#ifndef VNETD_LOG_H
#define VNETD_LOG_H

#include <stdbool.h>
#include <syslog.h>

void log_open(const char *network, bool to_stderr);
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
