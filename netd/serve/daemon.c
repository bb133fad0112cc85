/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The serving daemon's start-up, in an order that matters: every socket is
 * opened while privileged (DNS, DHCP, the ARP prober), then the loop is set
 * up and every part registers with it, then the daemon confines itself (its
 * state directory, the sandbox), drops to the service user with no
 * capability at all, and only then opens its lease files. Then it reports
 * readiness and runs the loop until SIGTERM.
 */
#include "netd/serve/daemon.h"
#include "netd/serve/resolv_watch.h"
#include "netd/serve/ra_io.h"
#include "netd/serve/sandbox.h"
#include "netd/serve/tftp_io.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The definition as DHCP and DNS configurations, through the one adapter. */
static int setup(struct daemon *d, char *msg, size_t size)
{
	char host[256] = "", *resolv;
	size_t len = 0;
	int r;

	gethostname(host, sizeof(host) - 1);
	resolv = resolv_read(&len);
	r = net_setup_build(d->def, resolv, len, host, &d->setup, msg, size);
	free(resolv);
	return r;
}

/* A flood of log lines is over: say how many were dropped, in time. */
static int64_t log_deadline(struct loop_timer *t)
{
	return loop_owner(t, struct daemon, log_timer)->log_due_ms;
}

static void log_run_due(struct loop_timer *t, int64_t now_ms)
{
	struct daemon *d = loop_owner(t, struct daemon, log_timer);
	int64_t wait = log_flush_suppressed();

	d->log_due_ms = wait < 0 ? -1 : now_ms + wait;
}

/* The raw ICMPv6 socket needs CAP_NET_RAW only to be opened: so, before the drop. */
static int open_ra(struct daemon *d, char *msg, size_t size)
{
	if (!d->setup.has_ra)
		return 0;
	return ra_io_open(d->def->bridge_name, &d->setup.ra, &d->ra, msg, size);
}

/* The loop, and every part in it: signals, the log, DHCP, DNS (their deadlines in this order). */
static int open_loop(struct daemon *d, char *msg, size_t size)
{
	int r;

	signal(SIGPIPE, SIG_IGN);
	if ((r = loop_new(&d->loop)) < 0 || (r = serve_signals_open(d)) < 0)
		goto fail;
	d->log_timer = (struct loop_timer){ .next_deadline = log_deadline,
					    .run_due = log_run_due };
	loop_add_timer(d->loop, &d->log_timer);
	if ((r = serve_dhcp_start(&d->dhcp, d->loop)) < 0 ||
	    (r = serve_dns_start(&d->dns, d->loop)) < 0 || (r = serve_dhcp6_start(d)) < 0 ||
	    (r = tftp_service_start(d->tftp, d->loop)) < 0 || (r = serve_ctl_start(d)) < 0 ||
	    (r = ra_io_start(d->ra, d->loop)) < 0)
		goto fail;
	return 0;
fail:
	snprintf(msg, size, "cannot set up the event loop: %s", strerror(-r));
	return r;
}

/*
 * While still root: the network's own state directory (made and given to
 * the service user, nothing opened inside it), then the sandbox around it.
 */
static int confine(struct daemon *d, char *msg, size_t size)
{
	uid_t uid;
	gid_t gid;
	int fd, r;

	if ((r = privdrop_user(PRIVDROP_DAEMON, &uid, &gid, msg, size)) < 0)
		return r;
	fd = statedir_prepare(d->paths->statedir, d->def->name, uid, gid, msg, size);
	if (fd < 0)
		return fd;
	r = sandbox_enter(d->paths->statedir, d->def->name, fd, msg, size);
	close(fd);
	if (r < 0 || (r = tftp_service_open_root(d->tftp, msg, size)) < 0)
		return r;
	/* opened now: the unprivileged daemon may not be able to walk the path to it */
	d->state_fd = open(d->paths->statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d->state_fd < 0) {
		r = -errno;
		snprintf(msg, size, "cannot open %s: %s", d->paths->statedir, strerror(-r));
	}
	return r;
}

/* After the privilege drop: the lease files, as the service user. */
static int open_leases(struct daemon *d, char *msg, size_t size)
{
	int fd = d->state_fd;

	int r;

	d->state_fd = -1;       /* the lease database owns it now (or it is closed) */
	/* the start-up's pages go before the lease tables fill: a lower peak */
	daemon_shed_start_pages();
	if ((r = serve_dhcp6_make(d, fd, msg, size)) < 0) {
		close(fd);
		return r;
	}
	r = serve_dhcp_open_leases(&d->dhcp, fd, d->paths->statedir, d->def, d->dhcp6.srv,
				   msg, size);
	if (r == 0)
		serve_dhcp6_loaded(d);
	return r;
}

static void teardown(struct daemon *d)
{
	serve_dhcp6_drain(&d->dhcp6);   /* while the lease db is open */
	serve_dhcp_close(&d->dhcp);
	serve_dhcp6_close(&d->dhcp6);
	if (d->state_fd >= 0)
		close(d->state_fd);
	serve_dns_close(&d->dns);
	serve_ctl_close(&d->ctl);
	tftp_service_close(d->tftp);
	ra_io_close(d->ra);
	net_setup_free(&d->setup);
	loop_free(d->loop);
	if (d->signals.fd >= 0)
		close(d->signals.fd);
	netdef_free(d->def);
}

int daemon_run(const struct vnetd_paths *paths, struct netdef *def, int ready_fd,
	       const struct daemon_opts *opts)
{
	struct daemon d = { .paths = paths, .opts = opts, .def = def, .state_fd = -1,
			    .signals.fd = -1, .log_due_ms = -1,
			    .ctl.listen.fd = -1 };
	char msg[512];
	int rc = 1;

	log_open(def->name, opts->foreground);
	if (setup(&d, msg, sizeof(msg)) < 0 || serve_dns_open(&d, msg, sizeof(msg)) < 0 ||
	    serve_dhcp_open(&d, msg, sizeof(msg)) < 0 ||
	    serve_dhcp6_open(&d, msg, sizeof(msg)) < 0 ||
	    tftp_service_open(def, &d.tftp, msg, sizeof(msg)) < 0 ||
	    serve_ctl_open(&d, msg, sizeof(msg)) < 0 || open_ra(&d, msg, sizeof(msg)) < 0 ||
	    open_loop(&d, msg, sizeof(msg)) < 0 || confine(&d, msg, sizeof(msg)) < 0 ||
	    privdrop(PRIVDROP_DAEMON, msg, sizeof(msg)) < 0 ||
	    open_leases(&d, msg, sizeof(msg)) < 0) {
		log_msg(LOG_ERR, "%s", msg);
		spawn_report(ready_fd, msg);
		goto out;
	}
	log_msg(LOG_INFO, "serving network %s on %s", def->name, def->bridge_name);
	spawn_report(ready_fd, NULL);
	daemon_shed_start_pages();
	loop_run(d.loop);
	log_msg(LOG_INFO, "stopping");
	/* only a stop ends the loop (a restart follows a death): guests drop the route now */
	ra_io_final(d.ra);
	rc = 0;
out:
	teardown(&d);
	return rc;
}
