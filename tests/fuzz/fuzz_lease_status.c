/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: lease_status_parse() and lease_status6_parse(),
 * libvirt's BRIDGE.status reader that `vnetd import` runs on a file from
 * another program. Every IPv4 lease it passes on must format as a lease line
 * and a status object that read back as exactly one lease each, without a
 * problem; every IPv6 one as a v6 lease line that reads back the same way.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/lease/lease.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fuzz_status_problem(void *ud, const struct lease_error *e)
{
	if (ud)
		(*(int *)ud)++;
	if (!e->line || strlen(e->message) >= sizeof(e->message))
		abort();
}

static int fuzz_status_again(void *ud, const struct lease_info *l)
{
	struct lease_buf line = { 0 }, status = { 0 };
	int problems = 0;

	if (lease_file_append(&line, l) < 0 ||
	    lease_file_parse((const char *)line.data, line.len, NULL, fuzz_status_problem,
			     &problems) != 1 || problems)
		abort();
	if (lease_status_begin(&status) < 0 || lease_status_append(&status, l, true) < 0 ||
	    lease_status_end(&status, false) < 0 ||
	    lease_status_parse((const char *)status.data, status.len, NULL, fuzz_status_problem,
			       &problems) != 1 || problems)
		abort();
	lease_buf_free(&line);
	lease_buf_free(&status);
	return 0;
}

static int fuzz_status6_again(void *ud, const struct lease6_info *l)
{
	struct lease_buf text = { 0 };
	static const uint8_t sduid[] = { 0, 3, 0, 1, 2, 0, 0, 0, 0, 1 };
	int problems = 0;

	if (lease_file6_duid_line(&text, sduid, sizeof(sduid)) < 0 ||
	    lease_file6_append(&text, l) < 0 ||
	    lease_file6_parse((const char *)text.data, text.len, NULL, fuzz_status_problem,
			      &problems) != 1 || problems)
		abort();
	lease_buf_free(&text);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t duid[130];
	size_t duid_len;
	int rc = lease_status_parse((const char *)data, size, fuzz_status_again,
				    fuzz_status_problem, NULL);

	if (rc < 0 && rc != -EBADMSG)
		abort();
	rc = lease_status6_parse((const char *)data, size, fuzz_status6_again, fuzz_status_problem,
				 NULL, duid, sizeof(duid), &duid_len);
	if ((rc < 0 && rc != -EBADMSG) || duid_len > sizeof(duid))
		abort();
	return 0;
}
