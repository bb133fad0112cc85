/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The daemon's log under floods: the token bucket on its own (netd/ratelimit)
 * and log_msg() end to end, writing to a temporary file with a clock the
 * test moves by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/base/base.h"
#include "netd/base/ratelimit.h"

static int64_t fake_now;

static int64_t fake_clock(void)
{
	return fake_now;
}

/* --- the bucket ------------------------------------------------------------ */

static void test_bucket_burst_then_rate(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT(200, 50);
	int i, passed = 0;

	(void)state;
	for (i = 0; i < 1000; i++)
		passed += ratelimit_take(&rl, 5000);
	assert_int_equal(passed, 200);
	assert_int_equal(ratelimit_drain(&rl), 800);
	assert_int_equal(ratelimit_drain(&rl), 0);
	/* one second later: 50 more, not a new burst */
	for (passed = 0, i = 0; i < 1000; i++)
		passed += ratelimit_take(&rl, 6000);
	assert_int_equal(passed, 50);
	/* a token every 20 ms */
	assert_int_equal(ratelimit_wait_ms(&rl, 6000), 20);
	assert_int_equal(ratelimit_wait_ms(&rl, 6015), 5);
	assert_int_equal(ratelimit_wait_ms(&rl, 6020), 0);
}

static void test_bucket_refills_to_burst_only(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT(200, 50);
	int i, passed = 0;

	(void)state;
	for (i = 0; i < 200; i++)
		assert_true(ratelimit_take(&rl, 0));
	assert_false(ratelimit_take(&rl, 0));
	/* a day of silence (and a clock far from zero) fills it, no more */
	for (i = 0; i < 1000; i++)
		passed += ratelimit_take(&rl, INT64_C(86400000) * 365);
	assert_int_equal(passed, 200);
}

static void test_bucket_clock_backwards(void **state)
{
	struct ratelimit rl = RATELIMIT_INIT(2, 50);

	(void)state;
	assert_true(ratelimit_take(&rl, 1000));
	assert_true(ratelimit_take(&rl, 1000));
	/* a clock that steps back gives nothing, and nothing breaks */
	assert_false(ratelimit_take(&rl, 10));
	assert_false(ratelimit_take(&rl, 1000));
	assert_true(ratelimit_take(&rl, 1020));
}

/* --- log_msg end to end ------------------------------------------------------ */

struct captured {
	FILE *f;
	long pos;       /* read so far */
};

static int setup_log(void **state)
{
	struct captured *c = calloc(1, sizeof(*c));

	c->f = tmpfile();
	if (!c->f)
		return -1;
	fake_now = 100000;
	log_redirect(c->f, fake_clock);
	*state = c;
	return 0;
}

static int teardown_log(void **state)
{
	struct captured *c = *state;

	log_redirect(NULL, NULL);
	fclose(c->f);
	free(c);
	return 0;
}

/* Lines written since the last call; *suppressed sums their "N messages suppressed". */
static int read_lines(struct captured *c, unsigned long *suppressed)
{
	char line[700];
	int n = 0;

	*suppressed = 0;
	fflush(c->f);
	fseek(c->f, c->pos, SEEK_SET);
	while (fgets(line, sizeof(line), c->f)) {
		const char *p = strstr(line, " messages suppressed");

		if (p) {
			while (p > line && p[-1] >= '0' && p[-1] <= '9')
				p--;
			*suppressed += strtoul(p, NULL, 10);
		}
		n++;
	}
	c->pos = ftell(c->f);
	/* the log writes next: a stream must be positioned between read and write */
	fseek(c->f, 0, SEEK_END);
	return n;
}

static void test_flood_is_bounded_and_counted(void **state)
{
	struct captured *c = *state;
	unsigned long supp;
	int i;

	for (i = 0; i < 10000; i++)
		log_msg(LOG_WARNING, "bad packet %d from a guest", i);
	c->pos = 0;
	assert_int_equal(read_lines(c, &supp), 200);
	assert_int_equal(supp, 0);
	/* a second later: 50 lines, the first of them preceded by the count */
	fake_now += 1000;
	for (i = 0; i < 1000; i++)
		log_msg(LOG_WARNING, "bad packet %d from a guest", i);
	assert_int_equal(read_lines(c, &supp), 51);
	assert_int_equal(supp, 9800);
	/* the flood stops: the loop's flush reports the rest once a line may go */
	assert_int_equal(log_flush_suppressed(), 20);
	fake_now += 20;
	assert_int_equal(log_flush_suppressed(), -1);
	assert_int_equal(read_lines(c, &supp), 1);
	assert_int_equal(supp, 950);
	assert_int_equal(log_flush_suppressed(), -1);
	assert_int_equal(read_lines(c, &supp), 0);
}

static void test_sustained_flood_rate(void **state)
{
	struct captured *c = *state;
	unsigned long supp, total_supp = 0;
	int ms, i, lines = 0, sent = 0;

	/* 1000 lines a second for a minute, and the loop flushing every 10 ms */
	for (ms = 0; ms < 60000; ms += 10) {
		fake_now += 10;
		for (i = 0; i < 10; i++, sent++)
			log_msg(LOG_WARNING, "bad packet %d", sent);
		log_flush_suppressed();
	}
	fake_now += 1000;
	assert_int_equal(log_flush_suppressed(), -1);
	c->pos = 0;
	lines = read_lines(c, &total_supp);
	supp = total_supp;
	/* the burst plus 50 a second, and a count line at most as often */
	assert_true(lines <= 200 + 2 * 50 * 61);
	/* every line sent is either written or counted */
	{
		int summaries = 0;
		char line[700];

		rewind(c->f);
		while (fgets(line, sizeof(line), c->f))
			summaries += strstr(line, " messages suppressed") != NULL;
		assert_int_equal((unsigned long)(lines - summaries) + supp, (unsigned long)sent);
	}
}

static void test_slow_lines_all_kept(void **state)
{
	struct captured *c = *state;
	unsigned long supp;
	int i;

	/* start-up and fatal errors come far below the rate: none is lost */
	for (i = 0; i < 2000; i++) {
		fake_now += 25;
		log_msg(i % 2 ? LOG_ERR : LOG_INFO, "event %d", i);
	}
	c->pos = 0;
	assert_int_equal(read_lines(c, &supp), 2000);
	assert_int_equal(supp, 0);
	assert_int_equal(log_flush_suppressed(), -1);
}

/* A flood of per-packet lines never hides an error (each class has its own allowance). */
static void test_flood_does_not_hide_errors(void **state)
{
	struct captured *c = *state;
	unsigned long supp;
	char line[700];
	int i, errors = 0;

	for (i = 0; i < 5000; i++) {
		log_msg(LOG_INFO, "DHCPDISCOVER %d", i);
		if (i == 4000)
			log_msg(LOG_ERR, "cannot append to the journal");
	}
	c->pos = 0;
	assert_int_equal(read_lines(c, &supp), 201);
	rewind(c->f);
	while (fgets(line, sizeof(line), c->f))
		errors += strstr(line, "cannot append") != NULL;
	assert_int_equal(errors, 1);
}

static void test_line_format(void **state)
{
	struct captured *c = *state;
	char line[700];

	log_msg(LOG_INFO, "DHCPACK(%s) %s", "virbr0", "192.168.122.45");
	rewind(c->f);
	assert_non_null(fgets(line, sizeof(line), c->f));
	assert_string_equal(line, "vnetd: DHCPACK(virbr0) 192.168.122.45\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bucket_burst_then_rate),
		cmocka_unit_test(test_bucket_refills_to_burst_only),
		cmocka_unit_test(test_bucket_clock_backwards),
		cmocka_unit_test_setup_teardown(test_flood_is_bounded_and_counted, setup_log,
						teardown_log),
		cmocka_unit_test_setup_teardown(test_sustained_flood_rate, setup_log, teardown_log),
		cmocka_unit_test_setup_teardown(test_slow_lines_all_kept, setup_log, teardown_log),
		cmocka_unit_test_setup_teardown(test_flood_does_not_hide_errors, setup_log,
						teardown_log),
		cmocka_unit_test_setup_teardown(test_line_format, setup_log, teardown_log),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
