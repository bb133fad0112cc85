/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Signals, through a signalfd registered with the loop: SIGHUP re-reads
 * the definition's static hosts; SIGTERM and SIGINT end the loop.
 */
#include "netd/serve/daemon.h"
#include "netd/base/base.h"

#include <errno.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <unistd.h>

/*
 * The new hosts into both servers, or neither changed. The servers copy
 * what they need; `ns` stays the caller's.
 */
static int apply_hosts(struct daemon *d, const struct net_setup *ns)
{
	struct dhcp6_server *srv6 = d->dhcp6.srv;
	struct wire_error de;

	serve_dhcp6_drain(&d->dhcp6);   /* the v6 core is not changed under a held batch */
	if ((d->dhcp.srv && !ns->has_dhcp) || (srv6 && !ns->has_dhcp6))
		return -EINVAL;
	if ((d->dns.srv && ns->has_dns &&
	     dns_server_set_hosts(d->dns.srv, ns->dns.cfg.hosts, ns->dns.cfg.n_hosts, &de) < 0) ||
	    (d->dhcp.srv &&
	     (dhcp_server_set_hosts(d->dhcp.srv, ns->dhcp.cfg.hosts, ns->dhcp.cfg.n_hosts,
				    &de) < 0 ||
	      dhcp_server_set_reserved_names(d->dhcp.srv, ns->dhcp.cfg.reserved_names,
					     ns->dhcp.cfg.n_reserved, &de) < 0)))
		return -EINVAL;
	/* DHCPv6's hosts (by DUID) come from the same definition */
	if (srv6 && (dhcp6_server_set_hosts(srv6, ns->dhcp6.cfg.hosts, ns->dhcp6.cfg.n_hosts,
					    &de) < 0 ||
		     dhcp6_server_set_reserved_names(srv6, ns->dhcp6.cfg.reserved_names,
						     ns->dhcp6.cfg.n_reserved, &de) < 0))
		return -EINVAL;
	return 0;
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
	struct net_setup ns;
	char buf[600], host[256] = "";

	if (!d->dhcp.srv && !d->dhcp6.srv)
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
	if (apply_hosts(d, &ns) < 0) {
		log_msg(LOG_ERR, "reload: cannot use the new static hosts; keeping the old");
		net_setup_free(&ns);
		netdef_free(def);
		return;
	}
	log_msg(LOG_INFO, "reloaded %zu static hosts", ns.dhcp.cfg.n_hosts + ns.dhcp6.cfg.n_hosts);
	/* the servers copied what they need: the old setup's DHCP half can go */
	dhcp_setup_free(&d->setup.dhcp);
	d->setup.dhcp = ns.dhcp;
	dhcp6_setup_free(&d->setup.dhcp6);     /* the v6 server copied its own too */
	d->setup.dhcp6 = ns.dhcp6;
	dns_setup_free(&ns.dns);
	netdef_free(d->def);
	d->def = def;
}

static void on_signal(struct loop_handler *h, uint32_t events)
{
	struct daemon *d = loop_owner(h, struct daemon, signals);
	struct signalfd_siginfo si;

	while (read(h->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP)
			reload_hosts(d);
		else
			loop_stop(d->loop);
	}
}

int serve_signals_open(struct daemon *d)
{
	d->signals.fd = spawn_signalfd();
	d->signals.on_ready = on_signal;
	if (d->signals.fd < 0)
		return errno ? -errno : -EIO;
	return loop_add(d->loop, &d->signals, EPOLLIN);
}
