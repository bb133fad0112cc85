/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log: the serving daemon's log. Lines go to syslog (the journal picks them
 * up) tagged "vnetd[NAME]"; in --foreground also to stderr. Lines are rate
 * limited (a burst of 200, then 50 a second, for each of errors, warnings
 * and notices, and information): what is dropped is counted, and the next
 * line of its class that passes, or log_flush_suppressed(), says how many.
 */
#ifndef VNETD_LOG_H
#define VNETD_LOG_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <syslog.h>

void log_open(const char *network, bool to_stderr);
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Call from the event loop: for each class whose lines were dropped and
 * whose limit allows one more, logs "N messages suppressed". Returns the ms
 * to wait before calling again while some are still unreported, -1 when none.
 */
int64_t log_flush_suppressed(void);

/*
 * For tests: lines go to `out` only (no syslog), time comes from now_ms
 * (NULL: the monotonic clock), and the limit starts afresh.
 */
void log_redirect(FILE *out, int64_t (*now_ms)(void));

#endif
