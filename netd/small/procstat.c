/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /proc/PID/stat as the small programs read it (the supervisor: how the
 * daemon ended; the keeper: that the pid is still the daemon it follows),
 * and the plain decimals both parse. One bounded reader, fuzzed through
 * fuzz_supervisor and fuzz_keeper_nl.
 */
#include "netd/small/small.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int small_take_decimal(const char **p, const char *end, uint64_t max, uint64_t *out)
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

/* One field of /proc/PID/stat after the command: an optional '-', digits. */
static int stat_field(const char **p, const char *end, uint64_t *out)
{
	bool negative = *p < end && **p == '-';
	uint64_t v;

	if (negative)
		(*p)++;
	/* the kernel prints no leading zeros, but "0" is a value */
	if (small_take_decimal(p, end, UINT64_MAX, &v) < 0)
		return -EINVAL;
	*out = negative ? 0 : v;
	return 0;
}

int small_parse_stat(const char *text, size_t len, struct small_stat *out)
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

int small_read_stat(pid_t pid, struct small_stat *st)
{
	char path[32], text[1024];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	n = read(fd, text, sizeof(text));
	close(fd);
	if (n <= 0)
		return -EIO;
	return small_parse_stat(text, (size_t)n, st);
}
