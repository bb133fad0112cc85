/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * proc: the daemons' processes as `stop`, `list` and `info` see them. A pid
 * alone can be reused, so a process is known by pid plus its start time
 * (field 22 of /proc/PID/stat) and only signalled when both match.
 */
#ifndef VNETD_PROC_H
#define VNETD_PROC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* The process's start time in clock ticks since boot, or 0 if it is gone. */
uint64_t proc_start_time(pid_t pid);

bool proc_alive(pid_t pid, uint64_t start_time);

/*
 * SIGTERM the process and wait up to timeout_ms for it to end, then SIGKILL.
 * Both signals go through a pidfd opened while pid and start time matched,
 * so a pid reused in between is never signalled (kill() only on kernels
 * without pidfds). 0 when it is gone (or was already), negative errno
 * otherwise.
 */
int proc_terminate(pid_t pid, uint64_t start_time, int timeout_ms);

#endif
