/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dns_setup: a network definition's <domain>, <dns> and names as a dns_config. */
#ifndef VNETD_DNS_SETUP_H
#define VNETD_DNS_SETUP_H

#include "dhcp/dns/dns.h"
#include "netd/netdef.h"

#define DNS_SETUP_MAX_UPSTREAMS 8
#define DNS_SETUP_MAX_SELF 16
#define DNS_SETUP_MAX_DYNAMIC (1u << 22)        /* lease names, whatever the subnets */

/* The host's resolver configuration, and systemd-resolved's list behind its stub. */
#define DNS_SETUP_RESOLV_CONF "/etc/resolv.conf"
#define DNS_SETUP_RESOLVED_DIR "/run/systemd/resolve"
#define DNS_SETUP_RESOLVED_CONF DNS_SETUP_RESOLVED_DIR "/resolv.conf"

/* The config plus the arrays it points into; the def must outlive it. */
struct dns_setup {
	struct dns_config cfg;
	struct dns_net *nets;
	struct dns_forwarder *forwarders;
	struct dns_ip upstreams[DNS_SETUP_MAX_UPSTREAMS];
	struct dns_host *hosts;
	struct dns_srv *srvs;
	struct dns_txt *txts;
};

/*
 * Fill `out` from `def`; `resolv` is the text of the host's resolv.conf
 * (may be NULL). Returns 1 when the network serves DNS, 0 for
 * <dns enable='no'>, negative errno with msg filled on failure.
 */
int dns_setup_build(const struct netdef *def, const char *resolv, size_t resolv_len,
		    struct dns_setup *out, char *msg, size_t msg_size);
void dns_setup_free(struct dns_setup *s);

/*
 * The host's resolver list: /etc/resolv.conf, except when its only
 * nameserver is systemd-resolved's stub 127.0.0.53: then the real upstreams
 * in /run/systemd/resolve/resolv.conf (when it names any). Other loopback
 * stubs are used as they are. A malloc'ed text, or NULL. (Tests give the
 * daemon its own file through `ip netns exec`, which bind-mounts
 * /etc/netns/NS/resolv.conf over /etc/resolv.conf.)
 */
char *dns_setup_read_resolv(size_t *len);

/* The network's own addresses (never an upstream): how many were written to out[cap]. */
int dns_setup_self(const struct netdef *def, struct dns_ip *out, size_t cap);

#endif
