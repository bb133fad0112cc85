/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dns_setup: a network definition's <domain>, <dns> and names as a dns_config. */
#ifndef VNETD_DNS_SETUP_H
#define VNETD_DNS_SETUP_H

#include "dhcp/dns.h"
#include "netd/netdef.h"

#define DNS_SETUP_MAX_UPSTREAMS 8

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
 * The host's resolver list: $VNETD_RESOLV_CONF, else /etc/resolv.conf, and
 * when that names only a local stub (systemd-resolved) the real upstreams
 * in /run/systemd/resolve/resolv.conf. A malloc'ed text, or NULL.
 */
char *dns_setup_read_resolv(size_t *len);

#endif
