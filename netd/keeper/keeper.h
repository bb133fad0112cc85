/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd-keeper: a network's firewall keeper, the small program vnetd execs
 * (netd/host/keeper.c) as user vnetd-keeper with CAP_NET_ADMIN alone. It
 * listens to nftables' change notifications and, when the network's table
 * ("inet vnetd-NAME") is gone, sends again the batch vnetd installed it
 * with, as vnetd left it in RUNDIR/NAME.fw; SIGHUP makes it read that file
 * again (after a reload), and it ends with the daemon it follows. Built
 * with musl against the kernel's headers only: it speaks nfnetlink itself.
 *
 * Usage (every option once, in any order; vnetd is the only caller):
 *   vnetd-keeper --ready-fd N --dir-fd N --daemon-pid PID --daemon-start TICKS
 *                --network NAME [--foreground]
 */
#ifndef VNETD_KEEPER_KEEPER_H
#define VNETD_KEEPER_KEEPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "netd/keeper/nlparse.h"

struct kp_args {
	int ready_fd;           /* spawn_report()'s pipe */
	int dir_fd;             /* RUNDIR, opened by root for us */
	pid_t daemon_pid;
	uint64_t daemon_start;  /* its start time (clock ticks), as /proc says */
	const char *network;
	bool foreground;        /* log to stderr */
};

/* argv into args; 0, or -EINVAL with why. */
int kp_parse_args(int argc, char **argv, struct kp_args *args, char *why, size_t size);

struct keeper {
	char network[80];
	char table[KP_TABLE_MAX];
	int dir_fd;
	int watch_fd;           /* subscribed to NFNLGRP_NFTABLES */
	int cmd_fd;             /* our requests and their answers */
	uint32_t portid;        /* cmd_fd's */
	uint32_t seq;           /* the next sequence number on cmd_fd */
	uint8_t *batch;         /* the batch to put back (NULL: keep nothing) */
	size_t batch_len;
	struct kp_batch_info info;
};

/* ---- fwfile.c: RUNDIR/NAME.fw ---- */

/*
 * Read NAME.fw and check it (a root-owned regular file of at most
 * KP_BATCH_MAX bytes, one batch for our table only; empty: keep nothing).
 * On success the keeper keeps it from now on; on failure nothing changes.
 * 0 or negative errno with why.
 */
int kp_fw_load(struct keeper *k, char *why, size_t size);

/* ---- nft.c: nfnetlink ---- */

/* The two sockets. 0 or negative errno with why. */
int kp_nft_open(struct keeper *k, char *why, size_t size);
void kp_nft_close(struct keeper *k);
/* Is the table there? 1, 0, or negative errno with why. */
int kp_nft_present(struct keeper *k, char *why, size_t size);
/* Send the kept batch and hear every answer. 0 or negative errno with why. */
int kp_nft_install(struct keeper *k, char *why, size_t size);
/* Drain the notifications: 1 when the table may be gone, 0 not, negative errno. */
int kp_nft_heard(struct keeper *k, char *why, size_t size);

/* ---- self.c: the process ---- */

/* Give up what the exec brought (ambient and inheritable capabilities, dumpability). */
int kp_settle(char *why, size_t size);
/* A pidfd of the daemon, if it is the one that started at `start`; else -1 with why. */
int kp_follow(pid_t pid, uint64_t start, char *why, size_t size);

#endif
