/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define READY_FD 3

static void detach(int ready_fd, bool keep_stderr)
{
	int null = open("/dev/null", O_RDWR);

	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		if (!keep_stderr)
			dup2(null, 2);
	}
	if (ready_fd != READY_FD) {
		dup2(ready_fd, READY_FD);
		close(ready_fd);
	}
	close_range(READY_FD + 1, ~0u, 0);
	setsid();
	umask(022);
	if (chdir("/") < 0)
		_exit(1);
}

/* Read the daemon's one-line report, waiting at most the timeout. */
static int read_report(int fd, char *line, size_t size)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got + 1 < size) {
		if (poll(&pfd, 1, SPAWN_READY_TIMEOUT_MS) <= 0)
			return -ETIMEDOUT;
		n = read(fd, line + got, size - 1 - got);
		if (n <= 0)
			break;
		got += (size_t)n;
		if (memchr(line, '\n', got))
			break;
	}
	line[got] = '\0';
	line[strcspn(line, "\n")] = '\0';
	return (int)got;
}

int spawn_signalfd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

void spawn_report(int ready_fd, const char *error)
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

int spawn_process(spawn_fn fn, void *arg, bool keep_stderr, pid_t *pid, uint64_t *start_time,
		  char *msg, size_t msg_size)
{
	char line[600];
	int fds[2], r, status;
	pid_t child;

	if (pipe2(fds, O_CLOEXEC) < 0) {
		snprintf(msg, msg_size, "cannot create a pipe: %s", strerror(errno));
		return -errno;
	}
	fflush(NULL);
	child = fork();
	if (child < 0) {
		r = -errno;
		close(fds[0]);
		close(fds[1]);
		snprintf(msg, msg_size, "cannot fork: %s", strerror(-r));
		return r;
	}
	if (child == 0) {
		close(fds[0]);
		detach(fds[1], keep_stderr);
		_exit(fn(arg, READY_FD));
	}
	close(fds[1]);
	r = read_report(fds[0], line, sizeof(line));
	close(fds[0]);
	if (r > 0 && !strcmp(line, "OK")) {
		*pid = child;
		*start_time = proc_start_time(child);
		return 0;
	}
	if (r == -ETIMEDOUT)
		snprintf(msg, msg_size, "not ready after %d s",
			 SPAWN_READY_TIMEOUT_MS / 1000);
	else if (r > 0 && !strncmp(line, "ERR ", 4))
		snprintf(msg, msg_size, "%s", line + 4);
	else
		snprintf(msg, msg_size, "exited before it was ready");
	/* our own child, not reaped yet: its pid cannot have been reused */
	kill(child, SIGKILL);
	waitpid(child, &status, 0);
	return -EIO;
}
