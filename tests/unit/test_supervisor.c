/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd-supervise's own logic that needs no process: its back-off, the
 * reason it records, and its two parsers (the respawn verb's answer line,
 * /proc/PID/stat). The program is built against musl; its parse.c needs
 * only libc, so it is compiled into this test as it is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>

#include "netd/supervisor/parse.c"
#include "netd/small/procstat.c"

/* The back-off: 0.1 s doubling to 30 s, reset by a healthy minute, given up after ten. */
static void test_backoff(void **state)
{
	static const int64_t want[] = { 100, 200, 400, 800, 1600, 3200, 6400, 12800, 25600,
					30000 };
	struct sup_backoff b;
	size_t i;

	sup_backoff_init(&b);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(sup_backoff_next(&b, 10), want[i]);
	assert_int_equal(sup_backoff_next(&b, 10), -1);
	assert_int_equal(sup_backoff_next(&b, SUP_BACKOFF_HEALTHY_MS), 100);
	assert_int_equal(sup_backoff_next(&b, 0), 200);
}

static void test_reasons(void **state)
{
	char r[32];

	sup_describe_exit(SIGKILL, r, sizeof(r));       /* a wait status: killed by 9 */
	assert_string_equal(r, "killed-by-KILL");
	sup_describe_exit(SIGSEGV | 0x80, r, sizeof(r));        /* and dumped core */
	assert_string_equal(r, "killed-by-SEGV");
	sup_describe_exit(3 << 8, r, sizeof(r));
	assert_string_equal(r, "exit-status-3");
	sup_describe_exit(-1, r, sizeof(r));
	assert_string_equal(r, "ended");
}

static int answer(const char *text, pid_t *pid, uint64_t *start)
{
	return sup_parse_answer(text, strlen(text), pid, start);
}

static void test_answer_line(void **state)
{
	static const char *const bad[] = {
		"", "\n", "123\n", "123 456", "123 456\n\n", "0 5\n", "-1 5\n", "+1 5\n",
		"01 5\n", "1 05\n", "1  5\n", "1 5 \n", " 1 5\n", "2147483648 5\n",
		"1 9223372036854775808\n", "1 5\nx", "1\t5\n", "1 5\r\n",
		"1 000000000000000000000000000000000000000000000000000000005\n",
	};
	pid_t pid = 0;
	uint64_t start = 0;
	size_t i;

	assert_int_equal(answer("4242 1234567\n", &pid, &start), 0);
	assert_int_equal(pid, 4242);
	assert_true(start == 1234567);
	assert_int_equal(answer("2147483647 9223372036854775807\n", &pid, &start), 0);
	assert_true(pid == 2147483647 && start == 9223372036854775807ull);
	assert_int_equal(answer("7 0\n", &pid, &start), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pid = 99;
		assert_int_equal(answer(bad[i], &pid, &start), -EINVAL);
		assert_int_equal(pid, 99);
	}
	/* a NUL inside the line is not the end of it */
	assert_int_equal(sup_parse_answer("1 5\n\0", 5, &pid, &start), -EINVAL);
}

/* A zombie's line as the kernel writes it; the command holds ") Z 1 (" to mislead. */
#define STAT_HEAD "4242 (vnetd) Z 1 (x) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 "
#define STAT_TAIL " 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 9\n"

static void test_proc_stat(void **state)
{
	const char *line = STAT_HEAD "777" STAT_TAIL;
	struct small_stat st;

	assert_int_equal(small_parse_stat(line, strlen(line), &st), 0);
	assert_int_equal(st.state, 'S');        /* after the last ')' */
	assert_true(st.start == 777);
	assert_true(st.has_exit);
	assert_int_equal(st.exit_code, 9);
	line = "1 (a) R 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 555\n";
	assert_int_equal(small_parse_stat(line, strlen(line), &st), 0);
	assert_true(st.state == 'R' && st.start == 555 && !st.has_exit);
	assert_int_equal(small_parse_stat("1 (a) R 0 1\n", 12, &st), -EINVAL);
	assert_int_equal(small_parse_stat("1 (a R 0\n", 9, &st), -EINVAL);
	assert_int_equal(small_parse_stat("1 (a) R x 1\n", 12, &st), -EINVAL);
}

/* A real zombie: its wait status from /proc/PID/stat, as the supervisor reads it. */
static void test_zombie_exit_status(void **state)
{
	struct small_stat alive, dead;
	siginfo_t si;
	int status, fds[2];
	pid_t child;

	assert_int_equal(pipe(fds), 0);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		char c;

		close(fds[1]);
		if (read(fds[0], &c, 1) < 0)
			_exit(1);
		_exit(3);
	}
	close(fds[0]);
	assert_int_equal(small_read_stat(child, &alive), 0);
	assert_true(alive.state != 'Z' && alive.start != 0);
	close(fds[1]);          /* it exits now */
	/* wait for the exit without reaping it */
	assert_int_equal(waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT), 0);
	assert_int_equal(small_read_stat(child, &dead), 0);
	assert_int_equal(dead.state, 'Z');
	assert_true(dead.start == alive.start && dead.has_exit);
	assert_true(WIFEXITED(dead.exit_code));
	assert_int_equal(WEXITSTATUS(dead.exit_code), 3);
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_int_equal(status, dead.exit_code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_answer_line),
		cmocka_unit_test(test_proc_stat),
		cmocka_unit_test(test_zombie_exit_status),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
