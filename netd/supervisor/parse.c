/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the supervisor parses besides its arguments: the respawn verb's
 * answer line and /proc/PID/stat of the daemon it watches. Both are read
 * into bounded buffers and parsed strictly; this file needs nothing but
 * libc, so the fuzz target (tests/fuzz/fuzz_supervisor.c) includes it.
 */
#include "netd/supervisor/supervisor.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

/* Plain decimal at *p (no sign, no leading zero), at most max: advances *p. */
static int take_number(const char **p, const char *end, uint64_t max, uint64_t *out)
{
	const char *q = *p;
	uint64_t v = 0;

	if (q == end || *q < '0' || *q > '9' || (*q == '0' && q + 1 < end && q[1] >= '0' &&
						  q[1] <= '9'))
		return -EINVAL;
	for (; q < end && *q >= '0' && *q <= '9'; q++) {
		if (v > (max - (uint64_t)(*q - '0')) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(*q - '0');
	}
	*p = q;
	*out = v;
	return 0;
}

int sup_parse_answer(const char *text, size_t len, pid_t *pid, uint64_t *start)
{
	const char *p = text, *end = text + len;
	uint64_t a, b;

	if (len > SUP_ANSWER_MAX || take_number(&p, end, INT_MAX, &a) < 0 || a == 0 ||
	    p == end || *p++ != ' ' || take_number(&p, end, INT64_MAX, &b) < 0 ||
	    p == end || *p++ != '\n' || p != end)
		return -EINVAL;
	*pid = (pid_t)a;
	*start = b;
	return 0;
}

/* One field of /proc/PID/stat after the command: an optional '-', digits. */
static int stat_field(const char **p, const char *end, uint64_t *out)
{
	bool negative = *p < end && **p == '-';
	uint64_t v;

	if (negative)
		(*p)++;
	/* the kernel prints no leading zeros, but "0" is a value */
	if (take_number(p, end, UINT64_MAX, &v) < 0)
		return -EINVAL;
	*out = negative ? 0 : v;
	return 0;
}

int sup_parse_stat(const char *text, size_t len, struct sup_stat *out)
{
	const char *end = text + len, *p = NULL, *q;
	uint64_t v;
	int field;

	/* the command is between the first '(' and the last ')' */
	for (q = text; q < end; q++)
		if (*q == ')')
			p = q;
	if (!p || end - p < 4 || p[1] != ' ' || p[3] != ' ' || p[2] < 'A' || p[2] > 'Z')
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->state = p[2];
	p += 4;                         /* field 4 */
	for (field = 4; p < end && *p != '\n'; field++) {
		if (stat_field(&p, end, &v) < 0)
			return -EINVAL;
		if (field == 22)
			out->start = v;
		if (field == 52) {
			out->has_exit = v <= INT_MAX;
			out->exit_code = (int)(v <= INT_MAX ? v : 0);
		}
		if (p < end && *p == ' ')
			p++;
		else if (p < end && *p != '\n')
			return -EINVAL;
	}
	return field > 22 ? 0 : -EINVAL;
}

void sup_backoff_init(struct sup_backoff *b)
{
	b->delay_ms = SUP_BACKOFF_FIRST_MS;
	b->failures = 0;
}

int64_t sup_backoff_next(struct sup_backoff *b, int64_t lived_ms)
{
	int64_t wait;

	/* a daemon that served a while was healthy: this is a first failure again */
	if (lived_ms >= SUP_BACKOFF_HEALTHY_MS)
		sup_backoff_init(b);
	if (++b->failures > SUP_BACKOFF_GIVE_UP)
		return -1;
	wait = b->delay_ms;
	b->delay_ms = b->delay_ms * 2 > SUP_BACKOFF_MAX_MS ? SUP_BACKOFF_MAX_MS : b->delay_ms * 2;
	return wait;
}

/* glibc's sigabbrev_np(), which musl lacks: the signals a daemon ends by. */
static const char *signal_name(int sig)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGHUP, "HUP" }, { SIGINT, "INT" }, { SIGQUIT, "QUIT" }, { SIGILL, "ILL" },
		{ SIGTRAP, "TRAP" }, { SIGABRT, "ABRT" }, { SIGBUS, "BUS" }, { SIGFPE, "FPE" },
		{ SIGKILL, "KILL" }, { SIGUSR1, "USR1" }, { SIGSEGV, "SEGV" }, { SIGUSR2, "USR2" },
		{ SIGPIPE, "PIPE" }, { SIGALRM, "ALRM" }, { SIGTERM, "TERM" }, { SIGXCPU, "XCPU" },
		{ SIGXFSZ, "XFSZ" }, { SIGSYS, "SYS" }, { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" },
	};
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig)
			return names[i].name;
	return "signal";
}

void sup_describe_exit(int status, char *out, size_t size)
{
	if (status >= 0 && WIFSIGNALED(status))
		snprintf(out, size, "killed-by-%s", signal_name(WTERMSIG(status)));
	else if (status >= 0 && WIFEXITED(status))
		snprintf(out, size, "exit-status-%d", WEXITSTATUS(status));
	else
		snprintf(out, size, "ended");
}
