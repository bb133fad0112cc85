/* SPDX-License-Identifier: GPL-2.0-or-later */
/* dhcp_setup: a network definition's <dhcp> (and what it implies) as a dhcp_config. */
#ifndef VNETD_DHCP_SETUP_H
#define VNETD_DHCP_SETUP_H

#include "dhcp/v4/dhcp.h"
#include "netd/netdef.h"

/* The config plus the arrays it points into; the def must outlive it. */
struct dhcp_setup {
	struct dhcp_config cfg;
	struct dhcp_range *ranges;
	struct dhcp_static_host *hosts;
	uint8_t (*client_ids)[LEASE_CLIENT_ID_MAX];
	struct dhcp_route *routes;
	struct dhcp_raw_option *options;
	const char **reserved;          /* cfg.reserved_names: into def and `host` */
	char host[65];                  /* this host's own name (first label) */
};

/*
 * Fill `out` from `def`. Returns 1 when the network serves DHCP, 0 when it
 * has no <dhcp>, negative errno with msg filled on a problem.
 */
int dhcp_setup_build(const struct netdef *def, struct dhcp_setup *out, char *msg,
		     size_t msg_size);

/*
 * The host names no guest may claim (out->reserved replaced): localhost,
 * wpad and isatap (names clients trust for proxies and tunnels), `hostname`
 * (this host's own, first label) and every <dns><host> name inside the
 * network's domain. Static DHCP hosts' names the server reserves itself.
 */
int dhcp_setup_reserved(const struct netdef *def, const char *hostname, struct dhcp_setup *out);

/* Just the static hosts, for SIGHUP (out->hosts/client_ids replaced). */
int dhcp_setup_hosts(const struct netdef_ip *ip, struct dhcp_setup *out, char *msg,
		     size_t msg_size);

void dhcp_setup_free(struct dhcp_setup *s);

/* Addresses in the <dhcp> ranges (0 without DHCP), and how many static hosts it has. */
uint32_t dhcp_setup_pool_size(const struct netdef *def);
uint32_t dhcp_setup_host_count(const struct netdef *def);

/* The <ip> that carries <dhcp>, or NULL. */
const struct netdef_ip *dhcp_setup_find_ip(const struct netdef *def);

#endif
