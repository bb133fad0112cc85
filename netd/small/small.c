/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/small/small.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/*
 * The small programs are single-threaded and log from one place; this is
 * their one piece of process-wide state, as netd/base/log.c is vnetd's.
 */
static struct {
	bool to_stderr;
	bool to_syslog;
	char ident[80];
} small_logger;

void small_log_open(const char *prog, const char *network, bool to_stderr)
{
	snprintf(small_logger.ident, sizeof(small_logger.ident), "vnetd[%s]", network);
	small_logger.to_stderr = to_stderr;
	/* without a syslog socket every syslog() call would retry connecting */
	small_logger.to_syslog = !to_stderr && access("/dev/log", W_OK) == 0;
	if (small_logger.to_syslog)
		openlog(small_logger.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	(void)prog;
}

void small_log(int priority, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (small_logger.to_syslog)
		syslog(priority, "%s", line);
	else if (small_logger.to_stderr)
		dprintf(2, "%s: %s\n", small_logger.ident, line);
}

void small_ready(int ready_fd, const char *error)
{
	char line[600];
	int n;

	if (ready_fd < 0)
		return;
	n = snprintf(line, sizeof(line), error ? "ERR %s\n" : "OK\n", error);
	if (n > (int)sizeof(line) - 1)
		n = (int)sizeof(line) - 1;
	/* the parent may be gone (killed by a timeout): nothing to do then */
	if (write(ready_fd, line, (size_t)n) < 0)
		n = 0;
	close(ready_fd);
}

int small_parse_int(const char *text, long long min, long long max, long long *out)
{
	char *end;
	long long v;

	if (!text || !*text)
		return -EINVAL;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

int small_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int small_signalfd(const int *signals, size_t count)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < count; i++) {
		signal(signals[i], SIG_DFL);
		sigaddset(&set, signals[i]);
	}
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -1;
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

int64_t small_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
