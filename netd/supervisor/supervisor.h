/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd-supervise: the one long-lived root process of a network that is not
 * a daemon of its own. It waits on the serving daemon's pidfd and on its
 * signals; the rare heavy work (start the daemon again, reload, stop) it
 * leaves to the full vnetd, run for that moment. It is built against musl
 * and the kernel's headers only (see the Makefile's "small programs"), so
 * what it shares with vnetd is restated here: the hidden verb's exit
 * statuses and answer line (netd/host/supervise.c), the back-off policy
 * (the same numbers the old in-process supervisor used).
 */
#ifndef VNETD_SUPERVISOR_H
#define VNETD_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* `vnetd __respawn`'s exit statuses (netd/host/host.h: SUPERVISE_EXIT_*) */
#define SUP_VERB_RUNS 0         /* a daemon runs: its "PID START\n" on stdout */
#define SUP_VERB_END 3          /* stop supervising: stopped, or not ours any more */
/* anything else: it did not start; try again after the back-off */

/* The answer line is short; anything longer is refused. */
#define SUP_ANSWER_MAX 48

/*
 * "PID START\n", nothing else: PID in 1..INT_MAX, START (the process's
 * start time in clock ticks, /proc/PID/stat field 22) in 0..INT64_MAX, both
 * plain decimal without sign or leading zeros. 0, or -EINVAL.
 */
int sup_parse_answer(const char *text, size_t len, pid_t *pid, uint64_t *start);

/*
 * The back-off between restarts: 100 ms, doubling up to 30 s; a daemon that
 * lived a minute resets it; more than ten failures in a row and the
 * supervisor gives up (-1) and keeps the bridge.
 */
#define SUP_BACKOFF_FIRST_MS 100
#define SUP_BACKOFF_MAX_MS 30000
#define SUP_BACKOFF_HEALTHY_MS 60000
#define SUP_BACKOFF_GIVE_UP 10

struct sup_backoff {
	int64_t delay_ms;       /* the next wait */
	unsigned failures;      /* in a row */
};

void sup_backoff_init(struct sup_backoff *b);
/* The daemon ended after lived_ms (0: it did not start): the wait before the next try, or -1. */
int64_t sup_backoff_next(struct sup_backoff *b, int64_t lived_ms);

/* "killed-by-KILL", "exit-status-N" or "ended" (status < 0: not known). */
void sup_describe_exit(int status, char *out, size_t size);

/* ---- the running supervisor ---- */

struct sup_args {
	const char *name;               /* the network */
	const char *vnetd;              /* the full program, by absolute path */
	const char *confdir, *rundir, *statedir;
	const char *rate;               /* --new-client-rate, or NULL */
	pid_t pid;                      /* the daemon to watch first */
	uint64_t start;
	bool foreground;                /* the process systemd runs: SIGTERM stops the network */
	bool no_probe;
	int ready_fd;                   /* -1: none (foreground, exec'd by start itself) */
};

/* 0, or -EINVAL with what was wrong in msg. */
int sup_parse_args(int argc, char **argv, struct sup_args *a, char *msg, size_t msg_size);

struct sup {
	struct sup_args a;
	int sigfd;
	pid_t pid;                      /* the daemon watched */
	uint64_t start;
	int64_t since_ms;               /* when it began to be watched (monotonic) */
	char reason[32];                /* why it ended */
	struct sup_backoff bo;
	bool hup_pending;               /* a SIGHUP came while vnetd ran */
	bool stop_pending;              /* a SIGTERM or SIGINT came while vnetd ran */
};

/* How the loop ends. */
enum { SUP_STOP = 1, SUP_END };

/* Watch, restart, back off, give up and wait: SUP_STOP when told to stop, else SUP_END. */
int sup_loop(struct sup *s);

/* What one signal from the signalfd asks for: SUP_STOP, or 0 (noted or done). */
int sup_read_signal(struct sup *s, bool may_reload);

/* Reap every child that ended; the watched daemon's status becomes s->reason. */
void sup_reap(struct sup *s);

/*
 * Run `vnetd --confdir .. --rundir .. --statedir .. VERB NAME extra...`
 * (extra ends with NULL) and wait for it. out (may be NULL): its standard
 * output, at most out_size - 1 bytes (more: *status = -1). Returns 0 with
 * its wait status, -EINTR when a background supervisor was told to stop
 * meanwhile (vnetd runs on alone), or negative errno.
 */
int sup_run_vnetd(struct sup *s, const char *verb, const char *const *extra, char *out,
		  size_t out_size, int *status);

/* sd_notify(3)'s datagram to NOTIFY_SOCKET, if systemd gave one. */
void sup_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
