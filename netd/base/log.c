/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/base/base.h"
#include "netd/base/ratelimit.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

/*
 * A flood of bad packets must not become a flood of log lines (a full disk,
 * a journal that drops everything else): LOG_BURST lines may come at once,
 * then LOG_PER_S a second. Each of three classes has its own allowance —
 * errors, warnings and notices, per-packet information — so that a flood of
 * one never hides the others: a disk that fails in the middle of a DHCP
 * storm is still reported.
 */
#define LOG_BURST 200
#define LOG_PER_S 50
#define LOG_CLASSES 3

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The daemon is one network per process, so its log identity is process-wide. */
static char log_ident[96] = "vnetd";
static FILE *log_out;                   /* stderr in --foreground, or a test's file */
static bool log_syslog;
static int64_t (*log_clock)(void) = mono_ms;
static struct ratelimit log_limit[LOG_CLASSES] = {
	RATELIMIT_INIT(LOG_BURST, LOG_PER_S), RATELIMIT_INIT(LOG_BURST, LOG_PER_S),
	RATELIMIT_INIT(LOG_BURST, LOG_PER_S),
};

static unsigned log_class(int priority)
{
	return priority <= LOG_ERR ? 0 : priority <= LOG_NOTICE ? 1 : 2;
}

void log_open(const char *network, bool to_stderr)
{
	snprintf(log_ident, sizeof(log_ident), "vnetd[%s]", network);
	log_out = to_stderr ? stderr : NULL;
	/* without a syslog socket every syslog() call would retry connecting */
	log_syslog = access("/dev/log", W_OK) == 0;
	if (log_syslog)
		openlog(log_ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_redirect(FILE *out, int64_t (*now_ms)(void))
{
	struct ratelimit fresh = RATELIMIT_INIT(LOG_BURST, LOG_PER_S);

	log_out = out;
	log_syslog = false;
	log_clock = now_ms ? now_ms : mono_ms;
	for (unsigned i = 0; i < LOG_CLASSES; i++)
		log_limit[i] = fresh;
}

static void emit(int priority, const char *line)
{
	if (log_syslog)
		syslog(priority, "%s", line);
	if (log_out) {
		fprintf(log_out, "%s: %s\n", log_ident, line);
		fflush(log_out);
	}
}

/* The count of a class's lines dropped since its last line that got through. */
static void emit_suppressed(struct ratelimit *rl, int priority)
{
	uint64_t n = ratelimit_drain(rl);
	char line[80];

	if (!n)
		return;
	snprintf(line, sizeof(line), "%" PRIu64 " messages suppressed (more than %d a second)",
		 n, LOG_PER_S);
	emit(priority, line);
}

void log_msg(int priority, const char *fmt, ...)
{
	struct ratelimit *rl = &log_limit[log_class(priority)];
	char line[512];
	va_list ap;

	if (!ratelimit_take(rl, log_clock()))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	emit_suppressed(rl, priority);
	emit(priority, line);
}

int64_t log_flush_suppressed(void)
{
	static const int priority[LOG_CLASSES] = { LOG_ERR, LOG_WARNING, LOG_INFO };
	int64_t wait, soonest = -1;
	unsigned i;

	for (i = 0; i < LOG_CLASSES; i++) {
		if (!log_limit[i].refused)
			continue;
		wait = ratelimit_wait_ms(&log_limit[i], log_clock());
		if (wait > 0) {
			soonest = soonest < 0 || wait < soonest ? wait : soonest;
			continue;
		}
		ratelimit_take(&log_limit[i], log_clock());
		emit_suppressed(&log_limit[i], priority[i]);
	}
	return soonest;
}
