/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * small: what vnetd's small exec'd programs share (the firewall keeper, the
 * supervisor). They are built against musl and the kernel's headers only
 * (see the Makefile's "small programs"), so nothing here may include a
 * header of the rest of the tree: the protocol with vnetd (the ready line,
 * the arguments) is restated here and kept in step with netd/base/spawn.c.
 */
#ifndef VNETD_SMALL_H
#define VNETD_SMALL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Log to stderr (foreground) or syslog as "vnetd[NETWORK]", as netd/base/log.c does. */
void small_log_open(const char *prog, const char *network, bool to_stderr);
void small_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* spawn_report()'s protocol: "OK\n" or "ERR reason\n" on the ready fd, then close it. */
void small_ready(int ready_fd, const char *error);

/* A decimal argument in [min, max]: 0, or -EINVAL. */
int small_parse_int(const char *text, long long min, long long max, long long *out);

/* pidfd_open(2) (musl has no wrapper): the fd, or -1 with errno. */
int small_pidfd_open(pid_t pid);

/*
 * The given signals back to their default action (an ignored one, kept
 * across the exec, would never be pending), blocked, and delivered through
 * the returned signalfd (non-blocking, close-on-exec); -1 with errno.
 */
int small_signalfd(const int *signals, size_t count);

/* Plain decimal at *p (no sign, no leading zero), at most max: advances *p. 0, or -EINVAL. */
int small_take_decimal(const char **p, const char *end, uint64_t max, uint64_t *out);

/* What the small programs read of /proc/PID/stat. */
struct small_stat {
	char state;             /* field 3: 'Z' or 'X' for a process that ended */
	uint64_t start;         /* field 22: start time in clock ticks */
	bool has_exit;          /* the text had field 52 */
	int exit_code;          /* field 52: the wait status of an ended process */
};

/* /proc/PID/stat's text (the command may hold anything, even ')'): 0, or -EINVAL. */
int small_parse_stat(const char *text, size_t len, struct small_stat *out);

/* /proc/PID/stat of pid, read and parsed: 0, or negative errno. */
int small_read_stat(pid_t pid, struct small_stat *st);

/* CLOCK_MONOTONIC in milliseconds. */
int64_t small_now_ms(void);

#endif
