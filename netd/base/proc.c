/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

uint64_t proc_start_time(pid_t pid)
{
	char path[64], text[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd, field;

	if (pid <= 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	/* procfs files report size 0: read what is there, not what stat says */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	/* a zombie has ended: it no longer counts as running */
	p = strrchr(text, ')');
	if (p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
		return 0;
	/* the command name may hold spaces and ')': count fields after the last ')' */
	p = strrchr(text, ')');
	for (field = 2; p && *p && field < 22; p++)
		if (*p == ' ')
			field++;
	if (p && field == 22)
		start = strtoull(p, NULL, 10);
	return start;
}

bool proc_alive(pid_t pid, uint64_t start_time)
{
	uint64_t now = proc_start_time(pid);

	return now && now == start_time;
}

static int pidfd_open_compat(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	errno = ENOSYS;
	return -1;
#endif
}

/*
 * Signal the process the pidfd refers to: that very process, even if it has
 * ended and its pid been given to another since we checked it. Only a kernel
 * without pidfds (before 5.3) falls back to kill(), with the race that has.
 */
static int signal_checked(pid_t pid, int pidfd, int sig)
{
	if (pidfd >= 0) {
#ifdef SYS_pidfd_send_signal
		if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0)
			return 0;
		return errno == ESRCH ? 0 : -errno;     /* ESRCH: it has ended */
#else
		errno = ENOSYS;
		return -ENOSYS;
#endif
	}
	if (kill(pid, sig) < 0 && errno != ESRCH)
		return -errno;
	return 0;
}

/* Wait for the process to end: a pidfd polls readable at exit, for any process. */
static bool wait_gone(pid_t pid, uint64_t start_time, int pidfd, int timeout_ms)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int waited;

	if (pidfd >= 0)
		return poll(&pfd, 1, timeout_ms) > 0 || !proc_alive(pid, start_time);
	for (waited = 0; waited < timeout_ms; waited += 10) {
		if (!proc_alive(pid, start_time))
			return true;
		usleep(10000);
	}
	return !proc_alive(pid, start_time);
}

int proc_terminate(pid_t pid, uint64_t start_time, int timeout_ms)
{
	int pidfd, r = 0;

	if (!proc_alive(pid, start_time))
		return 0;
	pidfd = pidfd_open_compat(pid);
	if (pidfd < 0 && errno == ESRCH)
		return 0;
	if (pidfd < 0 && errno != ENOSYS)
		return -errno;
	/* re-check: the pidfd now pins this very process */
	if (!proc_alive(pid, start_time))
		goto out;
	if ((r = signal_checked(pid, pidfd, SIGTERM)) < 0)
		goto out;
	if (wait_gone(pid, start_time, pidfd, timeout_ms))
		goto out;
	if ((r = signal_checked(pid, pidfd, SIGKILL)) < 0)
		goto out;
	if (!wait_gone(pid, start_time, pidfd, 2000))
		r = -ETIMEDOUT;
out:
	if (pidfd >= 0)
		close(pidfd);
	return r;
}
