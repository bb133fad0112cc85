/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The heavy work, done by the full vnetd run for that moment: the
 * supervisor forks, execs it with the directories and the network's name,
 * and waits for it on a pidfd while it still answers its own signals (a
 * `stop` in the background must not wait for a vnetd that waits for
 * stop's lock). Its standard output, when the supervisor wants it, comes
 * through a pipe into a bounded buffer.
 */
#include "netd/supervisor/supervisor.h"
#include "netd/small/small.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_ARGS 24

/* In the child: the signals vnetd expects, its output, then vnetd itself. */
static void exec_child(const char *const *argv, int out_fd)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (out_fd >= 0 && dup2(out_fd, 1) < 0)
		_exit(127);
	execve(argv[0], (char *const *)argv, environ);
	_exit(127);
}

/* Read what is there; past size - 1 bytes it is marked too long. */
static void take_output(int fd, char *out, size_t out_size, size_t *got, bool *too_long)
{
	char spill[256];
	ssize_t n;

	for (;;) {
		if (*got + 1 < out_size)
			n = read(fd, out + *got, out_size - 1 - *got);
		else
			n = read(fd, spill, sizeof(spill));
		if (n <= 0)
			return;
		if (*got + 1 < out_size)
			*got += (size_t)n;
		else
			*too_long = true;
	}
}

/* Wait for the child: 0 when it ended, -EINTR when told to stop (background only). */
static int wait_child(struct sup *s, int pidfd, int out_fd, char *out, size_t out_size,
		      size_t *got, bool *too_long)
{
	struct pollfd fds[3] = { { .fd = s->sigfd, .events = POLLIN },
				 { .fd = pidfd, .events = POLLIN },
				 { .fd = out_fd, .events = POLLIN } };

	for (;;) {
		if (poll(fds, out_fd >= 0 ? 3 : 2, -1) < 0 && errno != EINTR)
			return -errno;
		if (fds[0].revents && sup_read_signal(s, false) == SUP_STOP)
			s->stop_pending = true;
		if (s->stop_pending && !s->a.foreground)
			return -EINTR;
		if (out_fd >= 0 && fds[2].revents)
			take_output(out_fd, out, out_size, got, too_long);
		if (fds[1].revents) {
			if (out_fd >= 0)
				take_output(out_fd, out, out_size, got, too_long);
			return 0;
		}
	}
}

static int build_argv(const struct sup *s, const char *verb, const char *const *extra,
		      const char **argv)
{
	const char *fixed[] = { s->a.vnetd, "--confdir", s->a.confdir, "--rundir", s->a.rundir,
				"--statedir", s->a.statedir, verb, s->a.name };
	size_t n = 0, i;

	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		argv[n++] = fixed[i];
	for (i = 0; extra && extra[i]; i++) {
		if (n + 1 >= MAX_ARGS)
			return -E2BIG;
		argv[n++] = extra[i];
	}
	argv[n] = NULL;
	return 0;
}

int sup_run_vnetd(struct sup *s, const char *verb, const char *const *extra, char *out,
		  size_t out_size, int *status)
{
	const char *argv[MAX_ARGS];
	int pipefd[2] = { -1, -1 }, pidfd, r;
	size_t got = 0;
	bool too_long = false;
	pid_t child;

	if ((r = build_argv(s, verb, extra, argv)) < 0)
		return r;
	if (out && pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
		return -errno;
	child = fork();
	if (child == 0)
		exec_child(argv, pipefd[1]);
	r = child < 0 ? -errno : 0;
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	/* without a pidfd (an old kernel) it is waited for without watching signals */
	if (r == 0 && (pidfd = small_pidfd_open(child)) >= 0) {
		r = wait_child(s, pidfd, pipefd[0], out, out_size, &got, &too_long);
		close(pidfd);
	}
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (out)
		out[got] = '\0';
	/* a stopping background supervisor leaves it to finish alone */
	if (r == 0 && waitpid(child, status, 0) < 0)
		r = -errno;
	if (r == 0 && too_long)
		*status = -1;
	return r;
}

void sup_notify(const char *fmt, ...)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char text[256];
	size_t n;
	va_list ap;
	int fd, len;

	if (!path || (path[0] != '/' && path[0] != '@') ||
	    (n = strlen(path)) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, n);
	if (path[0] == '@')
		sa.sun_path[0] = '\0';  /* an abstract socket */
	va_start(ap, fmt);
	len = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (len < 0 || (size_t)len >= sizeof(text) ||
	    (fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return;
	if (sendto(fd, text, (size_t)len, MSG_NOSIGNAL, (struct sockaddr *)&sa,
		   (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) < 0)
		len = 0;        /* systemd gone: nothing to tell */
	close(fd);
}
