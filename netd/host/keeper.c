/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/host/keeper.h"
#include "netd/adapt/adapt.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdlib.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Put the table back if it is gone. */
static void ensure_table(const struct nat_config *cfg)
{
	struct nat_error ne;
	int r = nat_present(cfg->network, &ne);

	if (r < 0) {
		log_msg(LOG_ERR, "keeper: cannot check the firewall: %s", ne.message);
		return;
	}
	if (r > 0)
		return;
	if (nat_install(cfg, &ne) < 0)
		log_msg(LOG_ERR, "keeper: cannot put the firewall back: %s", ne.message);
	else
		log_msg(LOG_WARNING, "keeper: the nftables table of %s was deleted; put back",
			cfg->network);
}

/* RUNDIR/NAME.xml through the directory opened while root (the path above may be closed to us). */
static int read_running(int dirfd, const char *name, struct netdef **def, char *msg, size_t size)
{
	struct netdef_error err;
	char file[VNETD_NAME_MAX + 8], *text = NULL;
	size_t len;
	int fd, r;

	snprintf(file, sizeof(file), "%s.xml", name);
	fd = openat(dirfd, file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		snprintf(msg, size, "cannot open %s: %s", file, strerror(errno));
		return -errno;
	}
	r = read_fd_whole(fd, 1 << 20, &text, &len);
	close(fd);
	if (r < 0) {
		snprintf(msg, size, "cannot read %s: %s", file, strerror(-r));
		return r;
	}
	if ((r = netdef_parse(text, len, file, def, &err)) < 0)
		netdef_error_format(&err, msg, size);
	free(text);
	return r;
}

/* SIGHUP: the firewall to keep is now the running definition's (reload replaced it). */
static void learn(int dirfd, struct netdef **def, struct nat_config *cfg)
{
	struct netdef *now = NULL;
	char msg[600] = "the run directory is not open";

	if (dirfd < 0 || read_running(dirfd, (*def)->name, &now, msg, sizeof(msg)) < 0) {
		log_msg(LOG_ERR, "keeper: cannot learn the new firewall: %s; keeping the old", msg);
		return;
	}
	netdef_free(*def);
	*def = now;
	firewall_config(now, cfg);
	log_msg(LOG_INFO, "keeper: keeping the reloaded firewall (%s)",
		netdef_forward_mode_name(now->forward.given ? now->forward.mode : NETDEF_FWD_NONE));
	ensure_table(cfg);
}

/* The signals: SIGHUP to learn, anything else to stop (returns false). */
static bool on_signal(int sigfd, int dirfd, struct netdef **def, struct nat_config *cfg)
{
	struct signalfd_siginfo si;
	bool go_on = true;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			learn(dirfd, def, cfg);
		else
			go_on = false;
	}
	return go_on;
}

static void watch(struct nat_watch *w, int pidfd, int sigfd, int dirfd, struct netdef **def,
		  struct nat_config *cfg)
{
	struct pollfd fds[3] = {
		{ .fd = nat_watch_fd(w), .events = POLLIN },
		{ .fd = pidfd, .events = POLLIN },
		{ .fd = sigfd, .events = POLLIN },
	};
	struct nat_error ne;

	for (;;) {
		if (poll(fds, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			log_msg(LOG_ERR, "keeper: poll: %s", strerror(errno));
			return;
		}
		if (fds[1].revents)
			return;         /* the daemon ended */
		if (fds[2].revents && !on_signal(sigfd, dirfd, def, cfg))
			return;         /* we are told to stop */
		if (fds[0].revents) {
			int r = nat_watch_read(w, &ne);

			if (r < 0) {
				log_msg(LOG_ERR, "keeper: %s", ne.message);
				return;
			}
			if (r > 0)
				ensure_table(cfg);
		}
	}
}

int keeper_run(void *arg, int ready_fd)
{
	const struct keeper_target *t = arg;
	struct netdef *def = t->def;
	struct nat_watch *w = NULL;
	struct nat_config cfg;
	struct nat_error ne;
	char msg[300];
	int pidfd = -1, sigfd, dirfd = -1, rc = 1;

	log_open(def->name, t->foreground);
	firewall_config(def, &cfg);
	sigfd = spawn_signalfd();
	pidfd = (int)syscall(SYS_pidfd_open, t->daemon_pid, 0);
	if (sigfd < 0 || pidfd < 0 || !proc_alive(t->daemon_pid, t->daemon_start)) {
		snprintf(msg, sizeof(msg), "keeper: cannot follow the daemon (pid %d)",
			 (int)t->daemon_pid);
		goto fail;
	}
	if (nat_watch_open(&w, &ne) < 0) {
		snprintf(msg, sizeof(msg), "keeper: %s", ne.message);
		goto fail;
	}
	/* opened as root: the keeper re-reads its table there on SIGHUP */
	if (t->paths)
		dirfd = open(t->paths->rundir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (privdrop(PRIVDROP_KEEPER, msg, sizeof(msg)) < 0)
		goto fail;
	spawn_report(ready_fd, NULL);
	malloc_trim(0);         /* the forked CLI's free heap goes back to the system */
	ensure_table(&cfg);     /* in case it went while we were starting */
	watch(w, pidfd, sigfd, dirfd, &def, &cfg);
	rc = 0;
	goto out;
fail:
	log_msg(LOG_ERR, "%s", msg);
	spawn_report(ready_fd, msg);
out:
	nat_watch_close(w);
	if (pidfd >= 0)
		close(pidfd);
	if (sigfd >= 0)
		close(sigfd);
	if (dirfd >= 0)
		close(dirfd);
	netdef_free(def);
	return rc;
}
