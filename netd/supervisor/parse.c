/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the supervisor parses besides its arguments: the respawn verb's
 * answer line (/proc/PID/stat is netd/small/procstat.c's). Read into a
 * bounded buffer and parsed strictly; this file needs nothing but libc and
 * netd/small, so the fuzz target (tests/fuzz/fuzz_supervisor.c) includes it.
 */
#include "netd/supervisor/supervisor.h"
#include "netd/small/small.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

int sup_parse_answer(const char *text, size_t len, pid_t *pid, uint64_t *start)
{
	const char *p = text, *end = text + len;
	uint64_t a, b;

	if (len > SUP_ANSWER_MAX || small_take_decimal(&p, end, INT_MAX, &a) < 0 || a == 0 ||
	    p == end || *p++ != ' ' || small_take_decimal(&p, end, INT64_MAX, &b) < 0 ||
	    p == end || *p++ != '\n' || p != end)
		return -EINVAL;
	*pid = (pid_t)a;
	*start = b;
	return 0;
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
