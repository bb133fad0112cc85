/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: lease_status_parse(), libvirt's BRIDGE.status reader
 * that `vnetd import` runs on a file from another program. Every lease it
 * passes on must format as a lease line and a status object that read back
 * as exactly one lease each, without a problem.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int rc = lease_status_parse((const char *)data, size, fuzz_status_again,
				    fuzz_status_problem, NULL);

	if (rc < 0 && rc != -EBADMSG)
		abort();
	return 0;
}
