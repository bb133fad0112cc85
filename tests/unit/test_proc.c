/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc_terminate: it must signal the very process whose pid and start time it
 * checked, through a pidfd, never by a bare pid that may have been reused.
 * The stopper runs in a child under a seccomp filter that makes kill(),
 * tkill() and tgkill() fail with EPERM: only pidfd_send_signal() can reach
 * the target, so a kill()-based implementation fails these tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "netd/base/base.h"

#if defined(__x86_64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define TEST_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

/* A target process: sleeps until signalled; ignores SIGTERM when asked. */
static pid_t spawn_target(int ready_pipe[2], int ignore_term)
{
	pid_t pid = fork();

	if (pid == 0) {
		close(ready_pipe[0]);
		/* a failed test must not leave it behind */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (ignore_term)
			signal(SIGTERM, SIG_IGN);
		if (write(ready_pipe[1], "x", 1) != 1)
			_exit(3);
		for (;;)
			pause();
	}
	return pid;
}

static pid_t start_target(int ignore_term)
{
	int p[2];
	char c;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = spawn_target(p, ignore_term);
	assert_true(pid > 0);
	close(p[1]);
	/* signal disposition set up before anyone signals it */
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

#ifdef TEST_AUDIT_ARCH
static int forbid_kill(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TEST_AUDIT_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_kill, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_tkill, 2, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_tgkill, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -1;
	return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}
#endif

/*
 * proc_terminate(target) from a child that cannot use kill(). Returns the
 * child's exit status: 0 when proc_terminate returned 0, 1 otherwise, 2
 * when the filter could not be installed (the test is skipped then).
 */
static int terminate_without_kill(pid_t target, uint64_t start, int timeout_ms)
{
	int status;
	pid_t stopper = fork();

	if (stopper == 0) {
#ifdef TEST_AUDIT_ARCH
		if (forbid_kill() < 0)
			_exit(2);
		if (kill(target, 0) == 0 || errno != EPERM)
			_exit(2);       /* the filter does not bite: cannot test */
		_exit(proc_terminate(target, start, timeout_ms) == 0 ? 0 : 1);
#else
		(void)target;
		(void)start;
		(void)timeout_ms;
		_exit(2);
#endif
	}
	assert_true(stopper > 0);
	assert_int_equal(waitpid(stopper, &status, 0), stopper);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void assert_died_of(pid_t pid, int sig)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), sig);
}

static void test_terminate_ends_process(void **state)
{
	pid_t t = start_target(0);
	uint64_t start = proc_start_time(t);

	(void)state;
	assert_true(start > 0);
	assert_true(proc_alive(t, start));
	assert_int_equal(proc_terminate(t, start, 5000), 0);
	assert_false(proc_alive(t, start));
	assert_died_of(t, SIGTERM);
}

static void test_sigterm_through_pidfd(void **state)
{
	pid_t t = start_target(0);
	int rc;

	(void)state;
	rc = terminate_without_kill(t, proc_start_time(t), 5000);
	if (rc == 2) {
		kill(t, SIGKILL);
		waitpid(t, NULL, 0);
		skip();
	}
	assert_int_equal(rc, 0);
	assert_died_of(t, SIGTERM);
}

static void test_sigkill_through_pidfd(void **state)
{
	pid_t t = start_target(1);
	int rc;

	(void)state;
	rc = terminate_without_kill(t, proc_start_time(t), 100);
	if (rc == 2) {
		kill(t, SIGKILL);
		waitpid(t, NULL, 0);
		skip();
	}
	assert_int_equal(rc, 0);
	assert_died_of(t, SIGKILL);
}

/* Another process's start time: not the one we checked, so never signalled. */
static void test_wrong_start_time_left_alone(void **state)
{
	pid_t t = start_target(0);
	uint64_t start = proc_start_time(t);
	int status;

	(void)state;
	assert_int_equal(proc_terminate(t, start + 1, 100), 0);
	assert_int_equal(waitpid(t, &status, WNOHANG), 0);
	assert_true(proc_alive(t, start));
	kill(t, SIGKILL);
	assert_died_of(t, SIGKILL);
}

/* A zombie that is not reaped yet tells how it ended; a live one or another does not. */
int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminate_ends_process),
		cmocka_unit_test(test_sigterm_through_pidfd),
		cmocka_unit_test(test_sigkill_through_pidfd),
		cmocka_unit_test(test_wrong_start_time_left_alone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
