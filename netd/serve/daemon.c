/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/serve.h"
#include "netd/serve/arp_probe.h"
#include "netd/base/base.h"
#include "netd/serve/dhcp_io.h"
#include "netd/adapt/adapt.h"
#include "netd/serve/dns_io.h"
#include "netd/serve/leasedb.h"
#include "netd/serve/resolv_watch.h"
#include "netd/serve/sandbox.h"
#include "netd/def/netdef.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define FLUSH_DELAY_MS 250      /* the lease file lags memory by at most this */
#define FLUSH_RETRY_MAX_MS 30000        /* a failing rewrite is retried at least this often */
#define THROTTLE_REPORT_S 10    /* the rate limit's summary line, at most this often */

struct daemon {
	const struct vnetd_paths *paths;
	const struct daemon_opts *opts;
	struct netdef *def;
	struct net_setup setup;         /* what the definition asks of DHCP and DNS */
	struct dhcp_server *srv;
	struct dhcp_io *io;
	struct leasedb db;
	struct arp_prober arp;          /* fd -1 when probing is off */
	struct dns_server *dns;         /* NULL with <dns enable='no'> */
	struct dns_io *dnsio;
	struct resolv_watch rwatch;     /* resolv.conf followed live; fd -1 when off */
	int64_t dns_deadline_ms;        /* monotonic; -1 when nothing is due */
	int epfd, sigfd, timerfd;
	int64_t next_expiry;            /* wall seconds */
	int64_t flush_due_ms;           /* monotonic ms, 0 = nothing to flush */
	int64_t last_flush_end_ms;
	int64_t flush_cost_ms;          /* how long the last lease file rewrite took */
	int64_t flush_retry_ms;         /* back-off after a failed rewrite, 0 when none */
	int state_fd;                   /* the network's state directory, until leasedb owns it */
	uint64_t throttled_reported;    /* dhcp_stats.throttled when last logged */
	int64_t throttle_report_at;     /* wall seconds */
	int64_t log_due_ms;             /* monotonic; -1: no dropped log lines to report */
	bool stop;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * A wall-clock moment (unix ms) on the monotonic clock, never early: the wall
 * clock is read first, so the time between the two reads only makes the
 * result later, and the division rounds up.
 */
static int64_t mono_from_wall_ms(int64_t wall_ms)
{
	struct timespec w, m;
	int64_t ns;

	clock_gettime(CLOCK_REALTIME, &w);
	clock_gettime(CLOCK_MONOTONIC, &m);
	ns = (m.tv_sec - w.tv_sec) * 1000000000LL + (m.tv_nsec - w.tv_nsec);
	return wall_ms + ns / 1000000 + (ns % 1000000 > 0);
}

/*
 * DNS follows the lease store: the DHCP core says what each address is
 * called, and until when in wall seconds; the DNS core keeps the end on its
 * own (monotonic) clock.
 */
static void on_lease_name(void *userdata, struct in_addr addr, const char *name,
			  int64_t expires)
{
	struct daemon *d = userdata;
	struct dns_ip ip = { .family = AF_INET };
	int r;

	if (!d->dns)
		return;
	memcpy(ip.bytes, &addr, 4);
	r = dns_lease_name_set(d->dns, &ip, name,
			       expires == LEASE_EXPIRES_NEVER || expires > INT64_MAX / 2000 ?
			       DNS_EXPIRES_NEVER : mono_from_wall_ms(expires * 1000));
	if (r < 0 && name)
		log_msg(LOG_WARNING, "DNS name %s not given to %s: %s", name, inet_ntoa(addr),
			r == -ENOSPC ? "the table is full" : r == -EEXIST ? "it is taken"
										 : strerror(-r));
}

/*
 * The expiry tick walks every lease, so it runs only when something is due:
 * bring that moment forward for what this event started (a lease, an
 * offer's hold, a quarantine). The tick then works out the exact next one.
 */
static void note_deadline(struct daemon *d, const struct dhcp_event *ev)
{
	int64_t now = (int64_t)time(NULL), due = LEASE_EXPIRES_NEVER;

	if (ev->type == DHCP_EV_ACK)
		due = ev->expires;
	else if (ev->type == DHCP_EV_OFFER)
		due = now + 61;         /* an offer holds its address for 60 s */
	else if (ev->type == DHCP_EV_DECLINE || ev->type == DHCP_EV_CONFLICT)
		due = now + 601;        /* quarantine: 600 s */
	if (due < d->next_expiry)
		d->next_expiry = due;
}

static void on_dhcp_event(void *userdata, const struct dhcp_event *ev)
{
	struct daemon *d = userdata;
	char line[400];

	dhcp_event_format(ev, d->def->bridge_name, line, sizeof(line));
	log_msg(ev->type == DHCP_EV_POOL_EXHAUSTED || ev->type == DHCP_EV_CONFLICT ||
		ev->type == DHCP_EV_NAME_REFUSED ? LOG_WARNING : LOG_INFO, "%s", line);
	note_deadline(d, ev);
}

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

/*
 * DNS on UDP and TCP port 53 of the network's own addresses, on the bridge
 * only; the host's resolv.conf followed while the daemon runs.
 */
static int open_dns(struct daemon *d, char *msg, size_t size)
{
	struct in_addr addrs[DNS_IO_MAX_ADDRS];
	struct dns_ip self[DNS_SETUP_MAX_SELF];
	struct wire_error de;
	size_t i;
	int r;

	d->rwatch.fd = -1;
	if (!d->setup.has_dns)
		return 0;
	if ((r = dns_server_new(&d->setup.dns.cfg, &d->dns, &de)) < 0) {
		snprintf(msg, size, "%s", de.message);
		return r;
	}
	for (i = 0; i < d->def->n_ips && i < DNS_IO_MAX_ADDRS; i++)
		addrs[i] = d->def->ips[i].address;
	d->dnsio = calloc(1, sizeof(*d->dnsio));
	if (!d->dnsio) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	r = dns_io_open(d->dnsio, d->def->bridge_name, addrs, i, msg, size);
	if (r < 0)
		return r;
	/* without it the daemon still serves, with the upstreams it started with */
	if (resolv_watch_open(&d->rwatch, d->dns, self,
			      (size_t)dns_setup_self(d->def, self, DNS_SETUP_MAX_SELF),
			      d->setup.dns.cfg.upstreams, d->setup.dns.cfg.n_upstreams, msg,
			      size) < 0)
		log_msg(LOG_WARNING, "%s; resolv.conf changes will need a restart", msg);
	return 0;
}

/* Arm the one timer for whichever comes first: a lease expiry or a flush. */
static void arm_timer(struct daemon *d)
{
	int64_t now_ms = mono_ms(), wait_ms = -1;
	struct itimerspec its = { 0 };

	if (d->srv && d->next_expiry != LEASE_EXPIRES_NEVER) {
		int64_t s = d->next_expiry - (int64_t)time(NULL);

		wait_ms = s <= 0 ? 1 : s * 1000;
	}
	if (d->dnsio && d->dns_deadline_ms >= 0) {
		int64_t f = d->dns_deadline_ms - now_ms;

		if (f < 1)
			f = 1;
		if (wait_ms < 0 || f < wait_ms)
			wait_ms = f;
	}
	if (d->arp.fd >= 0 && arp_next_deadline(&d->arp) >= 0) {
		int64_t f = arp_next_deadline(&d->arp) - now_ms;

		if (f < 1)
			f = 1;
		if (wait_ms < 0 || f < wait_ms)
			wait_ms = f;
	}
	if (d->log_due_ms >= 0 && (wait_ms < 0 || d->log_due_ms - now_ms < wait_ms))
		wait_ms = d->log_due_ms > now_ms ? d->log_due_ms - now_ms : 1;
	if (d->flush_due_ms) {
		int64_t f = d->flush_due_ms - now_ms;

		if (f < 1)
			f = 1;
		if (wait_ms < 0 || f < wait_ms)
			wait_ms = f;
	}
	if (wait_ms >= 0) {
		its.it_value.tv_sec = wait_ms / 1000;
		its.it_value.tv_nsec = (wait_ms % 1000) * 1000000;
	}
	timerfd_settime(d->timerfd, 0, &its, NULL);
}

/*
 * The lease file is rewritten whole, and with tens of thousands of leases
 * that takes a while: keep the loop busy with it at most a tenth of the time.
 */
static void schedule_flush(struct daemon *d)
{
	int64_t due;

	if (d->flush_due_ms)
		return;
	due = mono_ms() + (d->flush_retry_ms ? d->flush_retry_ms : FLUSH_DELAY_MS);
	if (due < d->last_flush_end_ms + 10 * d->flush_cost_ms)
		due = d->last_flush_end_ms + 10 * d->flush_cost_ms;
	d->flush_due_ms = due;
}

/*
 * Handle a batch of requests: every lease change they make is written to the
 * journal and made durable with one fdatasync, and only then do their
 * replies leave (group commit). A request that needs a probe first waits in
 * the prober and comes back here when the probe is done.
 */
static void serve_packets(struct daemon *d, const struct dhcp_rx *rx, int n)
{
	bool replied[DHCP_IO_BATCH];
	int64_t now = (int64_t)time(NULL);
	int i, r;

	for (i = 0; i < n; i++) {
		size_t cap;
		uint8_t *buf = dhcp_io_reply_buf(d->io, i, &cap);

		r = dhcp_server_handle(d->srv, &rx[i], now, buf, cap, &d->io->tx[i]);
		/* no slot for a probe: offer without one rather than stall the client */
		while (r == DHCP_PROBE &&
		       arp_probe_start(&d->arp, d->io->tx[i].addr, &rx[i], mono_ms()) < 0) {
			dhcp_server_probe_result(d->srv, d->io->tx[i].addr, false, now);
			r = dhcp_server_handle(d->srv, &rx[i], now, buf, cap, &d->io->tx[i]);
		}
		replied[i] = r == DHCP_REPLY;
	}
	/* not durable, so not granted (rolled back): the clients retry */
	if (leasedb_commit(&d->db, d->srv) < 0)
		return;
	dhcp_io_send(d->io, replied, n);
	if (d->db.dirty)
		schedule_flush(d);
}

/* One wake-up: every packet waiting, in batches of DHCP_IO_BATCH. */
static void serve_socket(struct daemon *d)
{
	struct dhcp_rx rx[DHCP_IO_BATCH];
	int n, i;

	int rounds = 4;         /* then back to epoll: other sockets and timers get a turn */

	do {
		n = dhcp_io_receive(d->io);
		for (i = 0; i < n; i++)
			dhcp_io_rx(d->io, i, &rx[i]);
		if (n > 0)
			serve_packets(d, rx, n);
	} while (n == DHCP_IO_BATCH && --rounds);
}

/* Probes answered or timed out: tell the server, then serve their requests. */
static void finish_probes(struct daemon *d)
{
	struct arp_probe_slot *s;
	int64_t now = (int64_t)time(NULL);

	while ((s = arp_next_done(&d->arp, mono_ms()))) {
		struct dhcp_rx rx = s->rx;
		uint8_t pkt[ARP_PROBE_PKT_MAX];

		/* serving may start a new probe in this very slot: copy out first */
		memcpy(pkt, s->pkt, rx.len);
		rx.data = pkt;
		dhcp_server_probe_result(d->srv, s->addr, s->answered, now);
		arp_release(s);
		serve_packets(d, &rx, 1);
	}
}

/* Rewrite the lease file; a failure (a full disk) is retried less and less often. */
static void flush_leases(struct daemon *d)
{
	int64_t t0 = mono_ms();

	d->flush_due_ms = 0;
	if (d->srv && leasedb_flush(&d->db, d->srv) < 0) {
		d->flush_retry_ms = d->flush_retry_ms ? d->flush_retry_ms * 2 : 1000;
		if (d->flush_retry_ms > FLUSH_RETRY_MAX_MS)
			d->flush_retry_ms = FLUSH_RETRY_MAX_MS;
		schedule_flush(d);
	} else {
		d->flush_retry_ms = 0;
	}
	d->last_flush_end_ms = mono_ms();
	d->flush_cost_ms = d->last_flush_end_ms - t0;
}

/* One summary line per interval for requests the new-client limit dropped. */
static void report_throttling(struct daemon *d, int64_t now)
{
	struct dhcp_stats st;

	dhcp_server_stats(d->srv, &st);
	if (st.throttled == d->throttled_reported || now < d->throttle_report_at)
		return;
	log_msg(LOG_WARNING, "%llu requests of new clients dropped: more new clients than "
		"the rate limit allows (see start --new-client-rate)",
		(unsigned long long)(st.throttled - d->throttled_reported));
	d->throttled_reported = st.throttled;
	d->throttle_report_at = now + THROTTLE_REPORT_S;
}

/*
 * Whatever is due: checked after every loop turn, not only when the timer
 * fires, so that a steady stream of packets cannot starve expiry, probes or
 * the lease file.
 */
static void run_due(struct daemon *d)
{
	int64_t now = (int64_t)time(NULL), log_wait = log_flush_suppressed();

	/* a flood of log lines is over: say how many were dropped, in time */
	d->log_due_ms = log_wait < 0 ? -1 : mono_ms() + log_wait;

	if (d->srv && now >= d->next_expiry) {
		d->next_expiry = dhcp_server_tick(d->srv, now);
		schedule_flush(d);
	}
	if (d->arp.fd >= 0)
		finish_probes(d);
	if (d->dnsio && d->dns_deadline_ms >= 0 && mono_ms() >= d->dns_deadline_ms)
		d->dns_deadline_ms = dns_io_tick(d->dnsio);
	if (d->flush_due_ms && mono_ms() >= d->flush_due_ms)
		flush_leases(d);
	if (d->srv)
		report_throttling(d, now);
}

static void on_timer(struct daemon *d)
{
	uint64_t ticks;

	if (read(d->timerfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		log_msg(LOG_WARNING, "timer: %s", strerror(errno));
	run_due(d);
}

/*
 * SIGHUP: re-read the definition's static hosts, DHCP and DNS alike, as
 * dnsmasq re-reads its hostsfile; leases' names are checked against them.
 * The new definition goes through the same adapter as at start.
 */
static void reload_hosts(struct daemon *d)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	struct wire_error de;
	struct net_setup ns;
	char buf[600], host[256] = "";

	if (!d->srv)
		return;
	if (store_load(d->paths, d->def->name, &def, &err) < 0) {
		netdef_error_format(&err, buf, sizeof(buf));
		log_msg(LOG_ERR, "reload: %s; keeping the current hosts", buf);
		return;
	}
	gethostname(host, sizeof(host) - 1);
	if (net_setup_build(def, NULL, 0, host, &ns, buf, sizeof(buf)) < 0) {
		log_msg(LOG_ERR, "reload: %s; keeping the current hosts", buf);
		netdef_free(def);
		return;
	}
	if (!ns.has_dhcp || (d->dns && ns.has_dns &&
			     dns_server_set_hosts(d->dns, ns.dns.cfg.hosts, ns.dns.cfg.n_hosts,
						  &de) < 0) ||
	    dhcp_server_set_hosts(d->srv, ns.dhcp.cfg.hosts, ns.dhcp.cfg.n_hosts, &de) < 0 ||
	    dhcp_server_set_reserved_names(d->srv, ns.dhcp.cfg.reserved_names,
					   ns.dhcp.cfg.n_reserved, &de) < 0) {
		log_msg(LOG_ERR, "reload: cannot use the new static hosts; keeping the old");
		net_setup_free(&ns);
		netdef_free(def);
		return;
	}
	log_msg(LOG_INFO, "reloaded %zu static hosts", ns.dhcp.cfg.n_hosts);
	/* the servers copied what they need: the old setup's DHCP half can go */
	dhcp_setup_free(&d->setup.dhcp);
	d->setup.dhcp = ns.dhcp;
	dns_setup_free(&ns.dns);
	netdef_free(d->def);
	d->def = def;
}

static void on_signal(struct daemon *d)
{
	struct signalfd_siginfo si;

	while (read(d->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload_hosts(d);
		else
			d->stop = true;
	}
}

static int add_fd(struct daemon *d, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = (uint64_t)fd };

	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int open_loop(struct daemon *d, char *msg, size_t size)
{
	signal(SIGPIPE, SIG_IGN);
	d->sigfd = spawn_signalfd();
	d->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (d->sigfd < 0 || d->timerfd < 0 || d->epfd < 0 || add_fd(d, d->sigfd) ||
	    add_fd(d, d->timerfd) || (d->io && add_fd(d, d->io->udp_fd)) ||
	    (d->arp.fd >= 0 && add_fd(d, d->arp.fd)) ||
	    (d->rwatch.fd >= 0 && add_fd(d, d->rwatch.fd)) ||
	    (d->dnsio && dns_io_start(d->dnsio, d->epfd, d->dns) < 0)) {
		snprintf(msg, size, "cannot set up the event loop: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static int open_dhcp(struct daemon *d, char *msg, size_t size)
{
	struct dhcp_config *cfg = &d->setup.dhcp.cfg;
	struct wire_error de;
	int r;

	if (!d->setup.has_dhcp)
		return 0;
	cfg->on_event = on_dhcp_event;
	cfg->on_name = on_lease_name;
	cfg->userdata = d;
	cfg->probe = d->opts->probe;
	cfg->new_client_rate = d->opts->new_client_rate;
	if (d->opts->probe &&
	    (r = arp_open(&d->arp, d->def->bridge_name, d->def->mac, msg, size)) < 0)
		return r;
	if ((r = dhcp_server_new(cfg, &d->srv, &de)) < 0) {
		snprintf(msg, size, "%s", de.message);
		return r;
	}
	d->io = calloc(1, sizeof(*d->io));
	if (!d->io) {
		snprintf(msg, size, "out of memory");
		return -ENOMEM;
	}
	return dhcp_io_open(d->io, d->def->bridge_name, cfg->server_addr, msg, size);
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
	if (r < 0)
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
	int r;

	if (!d->srv) {
		close(d->state_fd);
		d->state_fd = -1;
		return 0;
	}
	r = leasedb_open(&d->db, d->state_fd, d->paths->statedir, d->def->name,
			 d->def->bridge_name, d->srv, (int64_t)time(NULL), msg, size);
	d->state_fd = -1;       /* the lease database owns it now */
	if (r < 0)
		return r;
	if (d->db.dirty)
		schedule_flush(d);
	d->next_expiry = dhcp_server_tick(d->srv, (int64_t)time(NULL));
	log_msg(LOG_INFO, "DHCP on %s, %zu leases loaded", d->def->bridge_name,
		dhcp_server_lease_count(d->srv));
	return 0;
}

static void dispatch(struct daemon *d, const struct epoll_event *ev)
{
	uint64_t t = ev->data.u64;

	if (d->dnsio && dns_io_owns(t)) {
		dns_io_event(d->dnsio, t, ev->events);
		d->dns_deadline_ms = dns_io_tick(d->dnsio);
	} else if (t == (uint64_t)d->sigfd) {
		on_signal(d);
	} else if (t == (uint64_t)d->timerfd) {
		on_timer(d);
	} else if (d->io && t == (uint64_t)d->io->udp_fd) {
		serve_socket(d);
	} else if (d->arp.fd >= 0 && t == (uint64_t)d->arp.fd) {
		arp_read(&d->arp);
		finish_probes(d);
	} else if (d->rwatch.fd >= 0 && t == (uint64_t)d->rwatch.fd) {
		resolv_watch_event(&d->rwatch);
	}
}

static void loop(struct daemon *d)
{
	struct epoll_event evs[16];
	int n, i;

	while (!d->stop) {
		arm_timer(d);
		n = epoll_wait(d->epfd, evs, 16, -1);
		if (n < 0 && errno != EINTR) {
			log_msg(LOG_ERR, "epoll: %s", strerror(errno));
			return;
		}
		for (i = 0; i < n; i++)
			dispatch(d, &evs[i]);
		run_due(d);
	}
}

static void teardown(struct daemon *d)
{
	if (d->srv && d->db.dirty && leasedb_flush(&d->db, d->srv) < 0)
		log_msg(LOG_ERR, "could not write the lease file at exit");
	leasedb_close(&d->db);
	if (d->state_fd >= 0)
		close(d->state_fd);
	arp_close(&d->arp);
	if (d->dnsio)
		dns_io_close(d->dnsio);
	free(d->dnsio);
	resolv_watch_close(&d->rwatch);
	dns_server_free(d->dns);
	if (d->io)
		dhcp_io_close(d->io);
	free(d->io);
	dhcp_server_free(d->srv);
	net_setup_free(&d->setup);
	if (d->epfd >= 0)
		close(d->epfd);
	if (d->sigfd >= 0)
		close(d->sigfd);
	if (d->timerfd >= 0)
		close(d->timerfd);
	netdef_free(d->def);
}

int daemon_run(const struct vnetd_paths *paths, struct netdef *def, int ready_fd,
	       const struct daemon_opts *opts)
{
	struct daemon d = { .paths = paths, .opts = opts, .def = def, .epfd = -1, .sigfd = -1,
			    .timerfd = -1, .state_fd = -1 };
	char msg[512];
	int rc = 1;

	d.db.journal_fd = d.db.dir_fd = -1;
	d.next_expiry = LEASE_EXPIRES_NEVER;
	d.arp.fd = -1;
	d.dns_deadline_ms = -1;
	d.log_due_ms = -1;
	log_open(def->name, opts->foreground);
	if (setup(&d, msg, sizeof(msg)) < 0 || open_dns(&d, msg, sizeof(msg)) < 0 ||
	    open_dhcp(&d, msg, sizeof(msg)) < 0 ||
	    open_loop(&d, msg, sizeof(msg)) < 0 || confine(&d, msg, sizeof(msg)) < 0 ||
	    privdrop(PRIVDROP_DAEMON, msg, sizeof(msg)) < 0 ||
	    open_leases(&d, msg, sizeof(msg)) < 0) {
		log_msg(LOG_ERR, "%s", msg);
		spawn_report(ready_fd, msg);
		goto out;
	}
	log_msg(LOG_INFO, "serving network %s on %s", def->name, def->bridge_name);
	spawn_report(ready_fd, NULL);
	loop(&d);
	log_msg(LOG_INFO, "stopping");
	rc = 0;
out:
	teardown(&d);
	return rc;
}
