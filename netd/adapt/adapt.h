/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * adapt: one definition, turned into what each library is given — the
 * DHCP server's config, the DNS server's, the firewall's. Start uses it,
 * and a live change will compare two of its outputs.
 */
#ifndef VNETD_ADAPT_H
#define VNETD_ADAPT_H

#include "dhcp/dns/dns.h"
#include "dhcp/ra/ra.h"
#include "dhcp/v4/dhcp.h"
#include "dhcp/v6/dhcp6.h"
#include "bridge/bridge.h"
#include "nat/nat.h"
#include "netd/def/netdef.h"

/* ---- DHCP ---- */

/* dhcp_setup: a network definition's <dhcp> (and what it implies) as a dhcp_config. */

/* The config plus the arrays it points into; the def must outlive it. */
struct dhcp_setup {
	struct dhcp_config cfg;
	struct dhcp_range *ranges;
	struct dhcp_static_host *hosts;
	uint8_t (*client_ids)[LEASE_CLIENT_ID_MAX];
	struct dhcp_route *routes;
	struct dhcp_raw_option *options;
	const char **reserved;          /* cfg.reserved_names: into def and `host` */
	struct dhcp_boot_rule *boot_rules;
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

/* boot.c: network boot (bootp file and server, boot rules); 0 or negative errno with msg. */
int dhcp_setup_boot(const struct netdef *def, const struct netdef_ip *ip,
		    struct dhcp_setup *out, char *msg, size_t msg_size);

/* Just the static hosts, for SIGHUP (out->hosts/client_ids replaced). */
int dhcp_setup_hosts(const struct netdef_ip *ip, struct dhcp_setup *out, char *msg,
		     size_t msg_size);

void dhcp_setup_free(struct dhcp_setup *s);

/* Addresses in the <dhcp> ranges (0 without DHCP), and how many static hosts it has. */
uint32_t dhcp_setup_pool_size(const struct netdef *def);
uint32_t dhcp_setup_host_count(const struct netdef *def);

/* The <ip> that carries <dhcp>, or NULL. */
const struct netdef_ip *dhcp_setup_find_ip(const struct netdef *def);

/* ---- DHCPv6 ---- */

/*
 * dhcp6_setup: the one <ip family='ipv6'> with <dhcp> as a dhcp6_config.
 * cfg.server_duid is left unset: the daemon keeps the DUID (the lease
 * file's "duid" line) and fills it in. The def must outlive it.
 */
struct dhcp6_setup {
	struct dhcp6_config cfg;
	struct dhcp6_range *ranges;
	struct dhcp6_static_host *hosts;        /* DUIDs point into def */
	struct in6_addr dns_server;             /* the bridge's address on that <ip> */
	const char **reserved;                  /* cfg.reserved_names: into def and `host` */
	char host[65];
};

/* 1 when the network serves DHCPv6, 0 when no IPv6 <ip> has <dhcp>, negative errno with msg. */
int dhcp6_setup_build(const struct netdef *def, const char *hostname, struct dhcp6_setup *out,
		      char *msg, size_t msg_size);
/* Just the static hosts (out->hosts replaced): 0 or -ENOMEM. */
int dhcp6_setup_hosts(const struct netdef_ip6 *ip, struct dhcp6_setup *out);
/* The names no guest may claim, by dhcp_setup_reserved()'s rule (out->reserved replaced). */
int dhcp6_setup_reserved(const struct netdef *def, const char *hostname,
			 struct dhcp6_setup *out);
void dhcp6_setup_free(struct dhcp6_setup *s);
/* The IPv6 <ip> that carries <dhcp>, or NULL. */
const struct netdef_ip6 *dhcp6_setup_find_ip(const struct netdef *def);
/* Addresses in its ranges (0 without DHCPv6), capped at UINT32_MAX / 2. */
uint32_t dhcp6_setup_pool_size(const struct netdef *def);

/* ---- DNS ---- */

/* dns_setup: a network definition's <domain>, <dns> and names as a dns_config. */

#define DNS_SETUP_MAX_UPSTREAMS 8
#define DNS_SETUP_MAX_SELF 32          /* 16 addresses of each family */
#define DNS_SETUP_MAX_DYNAMIC (1u << 22)        /* lease names, whatever the subnets */

/* The host's resolver configuration, and systemd-resolved's list behind its stub. */

/* The config plus the arrays it points into; the def must outlive it. */
/* Random bits for the DNS server's IDs, drawn from the kernel a pool at a time. */
struct dns_random {
	uint32_t pool[256];
	size_t left;
};

struct dns_setup {
	struct dns_config cfg;
	struct dns_random random;       /* cfg.random's: keep the setup as long as the server */
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

/* The network's own addresses (never an upstream): how many were written to out[cap]. */
int dns_setup_self(const struct netdef *def, struct dns_ip *out, size_t cap);

/* ---- the firewall ---- */

/* firewall: a network definition as the nat/ library's config. */

/* The cfg borrows strings from def. */
void firewall_config(const struct netdef *def, struct nat_config *cfg);

/* ---- the bridge ---- */

/* <bridge>, <mac> and <mtu> as the bridge library takes them (strings point into def). */
void bridge_setup(const struct netdef *def, struct bridge_config *cfg);

/* ---- router advertisements ---- */

/*
 * ra.c: the <ip family='ipv6'> elements as one advertisement on the bridge
 * (prefixes, M/O flags, MTU, RDNSS, DNSSL, router or not), as libvirt's
 * dnsmasq configuration has them. out->search points into def. 1 when the
 * network advertises, 0 without an IPv6 address, negative errno with msg.
 */
int ra_setup_build(const struct netdef *def, struct ra_config *out, char *msg, size_t msg_size);

/* ---- all of it ---- */

/*
 * Everything one definition asks of the libraries, made in one place: start
 * takes the bridge and the firewall, the serving daemon DHCP and DNS, and a
 * live change compares two of these. The def must outlive it.
 */
struct net_setup {
	struct bridge_config bridge;
	struct nat_config firewall;
	bool has_dhcp, has_dns;
	struct dhcp_setup dhcp;
	bool has_dhcp6;
	struct dhcp6_setup dhcp6;
	struct dns_setup dns;
	bool has_ra;                    /* router advertisements on the bridge */
	struct ra_config ra;
};

/*
 * `resolv`: the host's resolv.conf text for the DNS upstreams (may be NULL);
 * `hostname`: this host's name, which no guest may claim. 0 or negative
 * errno with msg.
 */
int net_setup_build(const struct netdef *def, const char *resolv, size_t resolv_len,
		    const char *hostname, struct net_setup *out, char *msg, size_t msg_size);
void net_setup_free(struct net_setup *s);

#endif
