/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS wiring: the server core built from the definition, its sockets on UDP
 * and TCP port 53 of the network's own addresses (on the bridge only), the
 * host's resolv.conf followed while the daemon runs, and the names the DHCP
 * lease store hands over.
 */
#include "netd/serve/daemon.h"
#include "netd/serve/dns_io.h"
#include "netd/serve/resolv_watch.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int serve_dns_open(struct daemon *d, char *msg, size_t size)
{
	const struct dns_config *cfg = &d->setup.dns.cfg;
	struct in_addr addrs[DNS_IO_MAX_ADDRS];
	struct dns_ip self[DNS_SETUP_MAX_SELF];
	struct wire_error de;
	size_t i, n_self;
	int r;

	if (!d->setup.has_dns)
		return 0;
	if ((r = dns_server_new(cfg, &d->dns.srv, &de)) < 0) {
		snprintf(msg, size, "%s", de.message);
		return r;
	}
	for (i = 0; i < d->def->n_ips && i < DNS_IO_MAX_ADDRS; i++)
		addrs[i] = d->def->ips[i].address;
	r = dns_io_open(d->def->bridge_name, addrs, i, &d->dns.io, msg, size);
	if (r < 0)
		return r;
	/* without it the daemon still serves, with the upstreams it started with */
	n_self = (size_t)dns_setup_self(d->def, self, DNS_SETUP_MAX_SELF);
	if (resolv_watch_open(d->dns.srv, self, n_self, cfg->upstreams, cfg->n_upstreams,
			      &d->dns.rwatch, msg, size) < 0)
		log_msg(LOG_WARNING, "%s; resolv.conf changes will need a restart", msg);
	return 0;
}

int serve_dns_start(struct serve_dns *s, struct loop *loop)
{
	int r;

	if (s->io && (r = dns_io_start(s->io, loop, s->srv)) < 0)
		return r;
	return s->rwatch ? resolv_watch_start(s->rwatch, loop) : 0;
}

void serve_dns_close(struct serve_dns *s)
{
	dns_io_close(s->io);
	resolv_watch_close(s->rwatch);
	dns_server_free(s->srv);
}

/*
 * DNS follows the lease store: the DHCP core says what each address is
 * called and until when, in wall seconds; the DNS core keeps that end on
 * its own clock, the loop's.
 */
void serve_dns_lease_name(void *userdata, struct in_addr addr, const char *name,
			  int64_t expires)
{
	struct daemon *d = userdata;
	struct dns_ip ip = { .family = AF_INET };
	int64_t end = serve_lease_end_ms(expires);
	int r;

	if (!d->dns.srv)
		return;
	memcpy(ip.bytes, &addr, 4);
	r = dns_lease_name_set(d->dns.srv, &ip, name, end < 0 ? DNS_EXPIRES_NEVER : end);
	if (r < 0 && name)
		log_msg(LOG_WARNING, "DNS name %s not given to %s: %s", name, inet_ntoa(addr),
			r == -ENOSPC ? "the table is full" : r == -EEXIST ? "it is taken"
									 : strerror(-r));
}

void serve_dns_lease_name6(void *userdata, const struct in6_addr *addr, const char *name,
			   int64_t expires)
{
	struct daemon *d = userdata;
	struct dns_ip ip = { .family = AF_INET6 };
	int64_t end = serve_lease_end_ms(expires);
	char text[INET6_ADDRSTRLEN];
	uint8_t mac[6];
	int r;

	if (!d->dns.srv)
		return;
	/* no name of its own: the name of the IPv4 lease of the same MAC, as dnsmasq does */
	if (!name && expires && d->dhcp.srv && d->dhcp6.srv &&
	    dhcp6_server_lease_mac(d->dhcp6.srv, addr, mac))
		name = dhcp_server_name_by_mac(d->dhcp.srv, mac);
	memcpy(ip.bytes, addr, 16);
	r = dns_lease_name_set(d->dns.srv, &ip, name, end < 0 ? DNS_EXPIRES_NEVER : end);
	if (r < 0 && name)
		log_msg(LOG_WARNING, "DNS name %s not given to %s: %s", name,
			inet_ntop(AF_INET6, addr, text, sizeof(text)),
			r == -ENOSPC ? "the table is full" : r == -EEXIST ? "it is taken"
									 : strerror(-r));
}
