/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/keeper/keeper.h"
#include "netd/small/small.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

/* Put the table back if it is gone. */
static void ensure(struct keeper *k)
{
	char why[300];
	int r = kp_nft_present(k, why, sizeof(why));

	if (r < 0)
		small_log(LOG_ERR, "keeper: cannot check the firewall: %s", why);
	if (r != 0 || !k->batch)
		return;
	if (kp_nft_install(k, why, sizeof(why)) < 0)
		small_log(LOG_ERR, "keeper: cannot put the firewall back: %s", why);
	else
		small_log(LOG_WARNING, "keeper: the nftables table of %s was deleted; put back",
			  k->network);
}

/* SIGHUP: vnetd replaced the table and NAME.fw (reload, update --live). */
static void learn(struct keeper *k)
{
	char why[300];

	if (kp_fw_load(k, why, sizeof(why)) < 0) {
		small_log(LOG_ERR, "keeper: cannot learn the new firewall: %s; keeping the old", why);
		return;
	}
	if (k->batch)
		small_log(LOG_INFO, "keeper: keeping the reloaded firewall (%u rules)",
			  k->info.rules);
	else
		small_log(LOG_INFO, "keeper: the network has no firewall now; keeping none");
	ensure(k);
}

/* SIGHUP to learn, anything else to stop (false). */
static bool on_signals(struct keeper *k, int sig_fd)
{
	struct signalfd_siginfo si;
	bool go_on = true;

	while (read(sig_fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			learn(k);
		else
			go_on = false;
	}
	return go_on;
}

static int watch(struct keeper *k, int pid_fd, int sig_fd)
{
	struct pollfd fds[3] = {
		{ .fd = k->watch_fd, .events = POLLIN },
		{ .fd = pid_fd, .events = POLLIN },
		{ .fd = sig_fd, .events = POLLIN },
	};
	char why[300];
	int r;

	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			small_log(LOG_ERR, "keeper: poll: %s", strerror(errno));
			return 1;
		}
		if (fds[1].revents)
			return 0;       /* the daemon ended */
		if (fds[2].revents && !on_signals(k, sig_fd))
			return 0;       /* told to stop */
		if (fds[0].revents) {
			if ((r = kp_nft_heard(k, why, sizeof(why))) < 0) {
				small_log(LOG_ERR, "keeper: %s", why);
				return 1;
			}
			if (r > 0)
				ensure(k);
		}
	}
}

static int signals_fd(void)
{
	static const int stop_or_learn[] = { SIGTERM, SIGINT, SIGHUP };

	return small_signalfd(stop_or_learn, sizeof(stop_or_learn) / sizeof(stop_or_learn[0]));
}

/* Everything up to ready; the pidfd, or -1 with why. */
static int prepare(struct keeper *k, const struct kp_args *a, int *sig_fd, char *why,
		   size_t size)
{
	int pid_fd;

	if (!kp_table_of(a->network, k->table, sizeof(k->table))) {
		snprintf(why, size, "'%.80s' is not a network name", a->network);
		return -1;
	}
	snprintf(k->network, sizeof(k->network), "%s", a->network);
	k->dir_fd = a->dir_fd;
	if (kp_settle(why, size) < 0)
		return -1;
	if ((*sig_fd = signals_fd()) < 0) {
		snprintf(why, size, "signalfd: %s", strerror(errno));
		return -1;
	}
	if ((pid_fd = kp_follow(a->daemon_pid, a->daemon_start, why, size)) < 0)
		return -1;
	/* subscribed before the first look, so no deletion falls between the two */
	if (kp_nft_open(k, why, size) < 0 || kp_fw_load(k, why, size) < 0) {
		close(pid_fd);
		return -1;
	}
	return pid_fd;
}

int main(int argc, char **argv)
{
	struct keeper k = { .dir_fd = -1, .watch_fd = -1, .cmd_fd = -1, .seq = 1 };
	struct kp_args a;
	char why[400];
	int pid_fd, sig_fd = -1, rc;

	if (kp_parse_args(argc, argv, &a, why, sizeof(why)) < 0) {
		small_log_open("keeper", "keeper", true);
		small_log(LOG_ERR, "%s", why);
		return 2;
	}
	small_log_open("keeper", a.network, a.foreground);
	if (fcntl(a.ready_fd, F_SETFD, FD_CLOEXEC) < 0 ||
	    fcntl(a.dir_fd, F_SETFD, FD_CLOEXEC) < 0) {
		small_log(LOG_ERR, "keeper: the descriptors it was given are not open");
		return 2;
	}
	if ((pid_fd = prepare(&k, &a, &sig_fd, why, sizeof(why))) < 0) {
		small_log(LOG_ERR, "keeper: %s", why);
		small_ready(a.ready_fd, why);
		return 1;
	}
	ensure(&k);     /* in case it went while we were starting */
	small_ready(a.ready_fd, NULL);
	rc = watch(&k, pid_fd, sig_fd);
	kp_nft_close(&k);
	free(k.batch);
	close(pid_fd);
	close(sig_fd);
	close(k.dir_fd);
	return rc;
}
