/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A new definition for the running daemon (`update --live`, `reload`),
 * through the control socket. What can change without a restart is applied
 * to the running servers, which keep every lease, offer and lease name:
 * static hosts (DHCP and DNS), ranges and lease times, the domain, DNS
 * records and forwarders. Anything else that
 * differs is refused whole, naming it: the CLI sends only what may change
 * (and names the rest as needing a restart).
 */
#include "netd/serve/daemon.h"
#include "netd/serve/resolv_watch.h"
#include "netd/serve/ra_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int refuse_changes(unsigned ch, char *msg, size_t size)
{
	size_t len = 0;
	unsigned bit;

	len += (size_t)snprintf(msg, size, "cannot change live:");
	for (bit = 1; bit && len < size; bit <<= 1)
		if (ch & bit)
			len += (size_t)snprintf(msg + len, size - len, " %s;",
						netdef_change_name(bit));
	if (len < size)
		snprintf(msg + len, size - len, " restart the network for that");
	return -EINVAL;
}

/* Into the servers, in an order where a failure leaves the old state whole. */
static int apply_setup(struct daemon *d, const struct net_setup *ns, unsigned ch, char *msg,
		       size_t size)
{
	struct dhcp_server *srv = d->dhcp.srv;
	struct wire_error we;

	serve_dhcp6_drain(&d->dhcp6);   /* the v6 core is not changed under a held batch */
	if (srv && (ch & NETDEF_CH_DHCP_RANGES) &&
	    dhcp_server_set_ranges(srv, ns->dhcp.cfg.ranges, ns->dhcp.cfg.n_ranges, &we) < 0)
		goto fail;
	if (srv && (ch & (NETDEF_CH_DHCP_HOSTS | NETDEF_CH_DNS_HOSTS)) &&
	    (dhcp_server_set_hosts(srv, ns->dhcp.cfg.hosts, ns->dhcp.cfg.n_hosts, &we) < 0 ||
	     dhcp_server_set_reserved_names(srv, ns->dhcp.cfg.reserved_names,
					    ns->dhcp.cfg.n_reserved, &we) < 0))
		goto fail;
	if (d->dhcp6.srv && (ch & (NETDEF_CH_DHCP_HOSTS | NETDEF_CH_DNS_HOSTS)) &&
	    (dhcp6_server_set_hosts(d->dhcp6.srv, ns->dhcp6.cfg.hosts, ns->dhcp6.cfg.n_hosts,
				    &we) < 0 ||
	     dhcp6_server_set_reserved_names(d->dhcp6.srv, ns->dhcp6.cfg.reserved_names,
					     ns->dhcp6.cfg.n_reserved, &we) < 0))
		goto fail;
	if (d->dhcp6.srv && (ch & NETDEF_CH_DOMAIN) &&
	    dhcp6_server_set_domain(d->dhcp6.srv, ns->dhcp6.cfg.domain, &we) < 0)
		goto fail;
	if (srv && (ch & NETDEF_CH_DOMAIN) &&
	    dhcp_server_set_domain(srv, ns->dhcp.cfg.domain, &we) < 0)
		goto fail;
	/* DHCP hosts' names are DNS records too */
	if (d->dns.srv && ns->has_dns && (ch & (SERVE_LIVE_CHANGES & ~NETDEF_CH_DHCP_RANGES)) &&
	    dns_server_reconfigure(d->dns.srv, &ns->dns.cfg, &we) < 0)
		goto fail;
	return 0;
fail:
	snprintf(msg, size, "%s", we.message);
	return -EINVAL;
}

static void describe(unsigned ch, const struct net_setup *ns, char *msg, size_t size)
{
	size_t len = 0;
	unsigned bit;

	msg[0] = '\0';
	for (bit = 1; bit && len < size; bit <<= 1)
		if (ch & bit & SERVE_LIVE_CHANGES)
			len += (size_t)snprintf(msg + len, size - len, "changed live: %s\n",
						netdef_change_name(bit));
	if (len < size && !ch)
		snprintf(msg + len, size - len, "nothing to change\n");
	(void)ns;
}

int serve_apply(struct daemon *d, const char *xml, size_t len, char *msg, size_t size)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	struct net_setup ns;
	char host[256] = "", *resolv;
	size_t resolv_len = 0;
	unsigned ch;
	int r;

	if ((r = netdef_parse(xml, len, "the new definition", &def, &err)) < 0) {
		netdef_error_format(&err, msg, size);
		return r;
	}
	ch = netdef_diff(d->def, def);
	if (ch & ~(SERVE_LIVE_CHANGES | SERVE_HOST_PARTS)) {
		netdef_free(def);
		return refuse_changes(ch & ~(SERVE_LIVE_CHANGES | SERVE_HOST_PARTS), msg, size);
	}
	gethostname(host, sizeof(host) - 1);
	/* the host's upstreams as they are now: the DNS routes are rebuilt with them */
	resolv = resolv_read(&resolv_len);
	r = net_setup_build(def, resolv, resolv_len, host, &ns, msg, size);
	free(resolv);
	if (r < 0) {
		netdef_free(def);
		return r;
	}
	if ((r = apply_setup(d, &ns, ch, msg, size)) < 0) {
		net_setup_free(&ns);
		netdef_free(def);
		return r;
	}
	describe(ch, &ns, msg, size);
	/* the search domain the advertisements carry (DNSSL) */
	if ((ch & NETDEF_CH_DOMAIN) && ns.has_ra)
		ra_io_set_config(d->ra, &ns.ra);
	/* the servers copied what they need; DNS keeps the setup its server was made from */
	dhcp_setup_free(&d->setup.dhcp);
	d->setup.dhcp = ns.dhcp;
	dhcp6_setup_free(&d->setup.dhcp6);     /* the v6 server copied its own too */
	d->setup.dhcp6 = ns.dhcp6;
	d->setup.ra = ns.ra;            /* it points into def, as the old one into the old def */
	dns_setup_free(&ns.dns);
	netdef_free(d->def);
	d->def = def;
	return 0;
}
