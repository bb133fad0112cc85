/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fault: the test build's fault injection. netd/fault.c is compiled twice:
 * into build/vnetd as a no-op, and with -DVNETD_TEST_HOOKS into
 * build/vnetd-test, which only the system tests run and which is never
 * installed. There, VNETD_FAULT=step[,step...] makes the named `start` steps
 * fail as if the kernel had refused them, so the rollback is tested for
 * real. An environment variable must not steer the binary root runs.
 */
#ifndef VNETD_FAULT_H
#define VNETD_FAULT_H

#include <stddef.h>

/* 0; in the test build, -EIO with msg filled when VNETD_FAULT names step. */
int fault_inject(const char *step, char *msg, size_t msg_size);

#endif
