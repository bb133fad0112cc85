/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef: the in-memory model of one network definition (libvirt network XML).
 *
 * The model remembers what the user wrote apart from what defaults to: every
 * optional scalar has a "given" flag or a tristate, so formatting writes back
 * exactly the facts that were given (plus what vnetd generated on purpose:
 * the uuid and the bridge MAC, which libvirt also saves into the definition).
 *
 * Ownership: a struct netdef owns every string and array hanging off it;
 * netdef_free() releases all of it and accepts NULL or a half-built model.
 */
#ifndef VNETD_NETDEF_H
#define VNETD_NETDEF_H

#include "netd/base/base.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- the model ---- */

/*
 * netdef: the in-memory model of one network definition (libvirt network XML).
 *
 * The model remembers what the user wrote apart from what defaults to: every
 * optional scalar has a "given" flag or a tristate, so formatting writes back
 * exactly the facts that were given (plus what vnetd generated on purpose:
 * the uuid and the bridge MAC, which libvirt also saves into the definition).
 *
 * Ownership: a struct netdef owns every string and array hanging off it;
 * netdef_free() releases all of it and accepts NULL or a half-built model.
 */

#define NETDEF_NAME_MAX VNETD_NAME_MAX     /* network names become file names */
#define NETDEF_IFNAME_MAX 15    /* IFNAMSIZ - 1 */

enum netdef_tristate {
	NETDEF_UNSET = 0,
	NETDEF_NO,
	NETDEF_YES,
};

enum netdef_forward_mode {
	NETDEF_FWD_NONE = 0,    /* no <forward>: an isolated network */
	NETDEF_FWD_NAT,
	NETDEF_FWD_ROUTE,
	NETDEF_FWD_OPEN,
};

enum netdef_time_unit {
	NETDEF_UNIT_UNSET = 0,  /* libvirt's default unit is minutes */
	NETDEF_UNIT_SECONDS,
	NETDEF_UNIT_MINUTES,
	NETDEF_UNIT_HOURS,
};

/* <lease expiry='N' unit='U'/>; expiry 0 means an infinite lease. */
struct netdef_lease {
	bool given;
	uint64_t expiry;
	enum netdef_time_unit unit;
};

struct netdef_range {
	struct in_addr start, end;
	struct netdef_lease lease;
	unsigned line;          /* source line, for messages */
};

struct netdef_dhcp_host {
	bool has_mac;
	uint8_t mac[6];
	char *id;               /* client identifier as written, or NULL */
	char *name;             /* or NULL */
	bool has_ip;
	struct in_addr ip;
	struct netdef_lease lease;
	unsigned line;
};

/* <option number='N' value='...'/>: a raw DHCP option libvirt passes on. */
struct netdef_dhcp_option {
	unsigned number;
	char *value;
	unsigned line;
};

/* vnetd's own XML namespace, for what libvirt has no element for */
#define NETDEF_XMLNS "http://vnetd.org/schemas/network/1.0"

enum netdef_boot_match {
	NETDEF_BOOT_ARCH,               /* DHCP option 93 (RFC 4578) */
	NETDEF_BOOT_USERCLASS,          /* DHCP option 77 (RFC 3004), e.g. "iPXE" */
};

/* <vnetd:boot arch='...'|userclass='...' file='...'/> in <dhcp> */
struct netdef_boot {
	enum netdef_boot_match match;
	unsigned arch;
	char *userclass;
	char *file;
	unsigned line;
};

struct netdef_ip {
	bool family_given;      /* family='ipv4' written out */
	struct in_addr address;
	unsigned prefix;        /* effective prefix length, always set */
	bool netmask_given;     /* written as netmask=... */
	bool prefix_given;      /* written as prefix=... */
	enum netdef_tristate local_ptr;
	char *tftp_root;        /* <tftp root=...>, or NULL */

	bool has_dhcp;
	unsigned dhcp_line;
	struct netdef_range *ranges;
	size_t n_ranges;
	struct netdef_dhcp_host *hosts;
	size_t n_hosts;
	struct netdef_dhcp_option *options;
	size_t n_options;
	bool has_bootp;
	char *bootp_file;
	char *bootp_server;     /* host name or address, or NULL */
	struct netdef_boot *boots;      /* in the order given: the first match wins */
	size_t n_boots;
	unsigned line;
};

/* IPv6 (libvirt's <ip family='ipv6'>): a separate list, so IPv4 code never sees one. */
struct netdef_range6 {
	struct in6_addr start, end;
	struct netdef_lease lease;
	unsigned line;
};

/* <host id='DUID' name ip>: libvirt writes the client's DUID as hex bytes with ':' */
struct netdef_dhcp6_host {
	uint8_t duid[130];              /* RFC 8415 section 11.1: at most 128 bytes + type */
	size_t duid_len;                /* 0: none (a host by name) */
	char *id;                       /* the DUID as written */
	char *name;                     /* or NULL */
	bool has_ip;
	struct in6_addr ip;
	struct netdef_lease lease;
	unsigned line;
};

struct netdef_ip6 {
	struct in6_addr address;
	unsigned prefix;                /* 1..128; libvirt's default 64 */
	bool prefix_given;
	enum netdef_tristate local_ptr;
	bool has_dhcp;
	unsigned dhcp_line;
	struct netdef_range6 *ranges;
	size_t n_ranges;
	struct netdef_dhcp6_host *hosts;
	size_t n_hosts;
	unsigned line;
};

struct netdef_route6 {
	struct in6_addr address;
	unsigned prefix;
	struct in6_addr gateway;
	bool metric_given;
	unsigned metric;
	unsigned line;
};

struct netdef_route {
	bool family_given;
	struct in_addr address;
	unsigned prefix;
	bool netmask_given;
	bool prefix_given;
	struct in_addr gateway;
	bool metric_given;
	unsigned metric;
	unsigned line;
};

struct netdef_dns_forwarder {
	bool has_addr;
	struct in_addr addr;
	bool addr_is_ipv6;      /* addr6 holds the address instead of addr */
	struct in6_addr addr6;
	char *domain;           /* or NULL: applies to every name */
	unsigned line;
};

struct netdef_dns_host {
	struct in_addr ip;
	bool ip_is_ipv6;        /* an AAAA record: ip6 holds the address instead of ip */
	struct in6_addr ip6;
	char **hostnames;
	size_t n_hostnames;
	unsigned line;
};

struct netdef_dns_srv {
	char *service;
	char *protocol;         /* "tcp" or "udp" */
	char *domain;           /* optional */
	char *target;           /* optional */
	bool port_given, priority_given, weight_given;
	unsigned port, priority, weight;
	unsigned line;
};

struct netdef_dns_txt {
	char *name;
	char *value;
	unsigned line;
};

struct netdef_dns {
	enum netdef_tristate enable;
	enum netdef_tristate forward_plain_names;
	struct netdef_dns_forwarder *forwarders;
	size_t n_forwarders;
	struct netdef_dns_host *hosts;
	size_t n_hosts;
	struct netdef_dns_srv *srvs;
	size_t n_srvs;
	struct netdef_dns_txt *txts;
	size_t n_txts;
	unsigned line;
};

struct netdef_forward {
	bool given;                     /* a <forward> element exists */
	bool mode_given;                /* mode= written out (default nat) */
	enum netdef_forward_mode mode;
	char *dev;                      /* or NULL */
	bool has_nat;                   /* a <nat> element exists */
	bool has_nat_addr;
	struct in_addr nat_addr_start, nat_addr_end;
	bool has_nat_port;
	unsigned nat_port_start, nat_port_end;
	enum netdef_tristate nat_ipv6;  /* <nat ipv6='yes'>: masquerade IPv6 too */
};

struct netdef {
	char *name;
	uint8_t uuid[16];
	bool uuid_given;                /* false: generated at parse time */

	struct netdef_forward forward;

	char bridge_name[NETDEF_IFNAME_MAX + 1]; /* may still be a %d template */
	bool bridge_given;              /* a <bridge> element exists */
	enum netdef_tristate stp;       /* unset means on, as libvirt */
	bool delay_given;
	unsigned delay;                 /* seconds */

	bool has_mac;
	uint8_t mac[6];

	bool has_mtu;
	unsigned mtu;

	char *domain;                   /* <domain name>, or NULL */
	enum netdef_tristate domain_local_only;

	bool dns_given;
	struct netdef_dns dns;

	struct netdef_ip *ips;
	size_t n_ips;
	struct netdef_route *routes;
	size_t n_routes;
	struct netdef_ip6 *ip6s;        /* <ip family='ipv6'>, in the order given */
	size_t n_ip6s;
	struct netdef_route6 *routes6;
	size_t n_routes6;
	enum netdef_tristate ipv6;      /* <network ipv6='yes'>: guest<->guest IPv6 without an address */

	/* what virsh net-dumpxml adds, kept for dumpxml (parse_meta.c) */
	char *title;                    /* <title>: one line, or NULL */
	char *description;              /* <description>: free text, or NULL */
	char *metadata;                 /* the whole <metadata> element, verbatim, or NULL */
};

/*
 * Where a parse or validation error was found, for one line like
 * "FILE:LINE: <ip address>: not an IPv4 address: 'x'".
 */
struct netdef_error {
	char file[256];
	unsigned line;          /* 0 when no line applies */
	char field[64];         /* element/attribute, e.g. "<ip address>" */
	char message[256];
};

/* Result codes beyond negative errno, so callers can tell refusals apart. */
#define NETDEF_E_SYNTAX      (-1000)    /* not well-formed XML */
#define NETDEF_E_UNSUPPORTED (-1001)    /* libvirt knows it, vnetd does not */
#define NETDEF_E_INVALID     (-1002)    /* a value or combination is wrong */

/*
 * Parse a definition from memory. `origin` names the source in errors
 * (a file name). On success *ret owns a fully validated model. On failure
 * returns a negative code, fills *err and leaves *ret untouched.
 */
int netdef_parse(const char *buf, size_t len, const char *origin,
		 struct netdef **ret, struct netdef_error *err);

/* Read and parse a file; errors name the file. */
int netdef_parse_file(const char *path, struct netdef **ret,
		      struct netdef_error *err);

/*
 * Check the rules that span elements (ranges inside subnets, duplicates,
 * gateways) and re-check the values a model changed in memory can get wrong
 * (name, MTU, MACs, host and DNS names). netdef_parse() already calls it; it
 * is public for models changed in memory (e.g. by `update`). Syntax of each
 * attribute is the parser's job.
 */
int netdef_validate(const struct netdef *def, struct netdef_error *err);

/* Format as libvirt network XML. Returns a malloc'ed string or NULL. */
char *netdef_format(const struct netdef *def);

/* Release everything; NULL is fine. */
void netdef_free(struct netdef *def);

/* Deep equality of two models (used by the round-trip tests). */
bool netdef_equal(const struct netdef *a, const struct netdef *b);

/*
 * What differs between two definitions, as a set of these bits (what
 * `reload` and a live `update` decide by). With different addresses the
 * per-<ip> DHCP parts are not compared (NETDEF_CH_ADDRESSES says enough).
 */
enum netdef_change {
	NETDEF_CH_IDENTITY = 1u << 0,
	NETDEF_CH_FORWARD = 1u << 1,
	NETDEF_CH_BRIDGE = 1u << 2,
	NETDEF_CH_STP = 1u << 3,
	NETDEF_CH_MAC = 1u << 4,
	NETDEF_CH_MTU = 1u << 5,
	NETDEF_CH_DOMAIN = 1u << 6,
	NETDEF_CH_DNS_MODE = 1u << 7,
	NETDEF_CH_DNS_FORWARDERS = 1u << 8,
	NETDEF_CH_DNS_HOSTS = 1u << 9,
	NETDEF_CH_DNS_SRV = 1u << 10,
	NETDEF_CH_DNS_TXT = 1u << 11,
	NETDEF_CH_ADDRESSES = 1u << 12,
	NETDEF_CH_DHCP_ON = 1u << 13,
	NETDEF_CH_DHCP_RANGES = 1u << 14,
	NETDEF_CH_DHCP_HOSTS = 1u << 15,
	NETDEF_CH_DHCP_OTHER = 1u << 16,
	NETDEF_CH_ROUTES = 1u << 17,
	NETDEF_CH_DHCP6_RANGES = 1u << 18,      /* the DHCPv6 server has no live range change */
};
unsigned netdef_diff(const struct netdef *a, const struct netdef *b);
/* "DHCP static hosts" etc. for one bit. */
const char *netdef_change_name(unsigned bit);

/*
 * `update` (virsh net-update's sections and rules): change `def` in memory by
 * one fragment of XML. Sections: ip-dhcp-host (add, delete, modify),
 * ip-dhcp-range, dns-host, dns-srv, dns-txt (add, delete); libvirt's other
 * sections are refused by name. On failure err says which field and why
 * and `def` may be part-changed only if validation of the result failed:
 * callers edit a copy. 0 or negative code.
 */
enum netdef_update_cmd { NETDEF_UPDATE_ADD, NETDEF_UPDATE_DELETE, NETDEF_UPDATE_MODIFY };
int netdef_update_command(const char *text, enum netdef_update_cmd *cmd);
int netdef_update(struct netdef *def, enum netdef_update_cmd cmd, const char *section,
		  const char *xml, struct netdef_error *err);
/* The same with virsh's --parent-index: the DHCP sections change <ip> number `parent` (from 0; -1: the first with <dhcp>). */
int netdef_update_at(struct netdef *def, enum netdef_update_cmd cmd, const char *section,
		     int parent, const char *xml, struct netdef_error *err);

/* Helpers shared by CLI output. */
const char *netdef_forward_mode_name(enum netdef_forward_mode mode);
void netdef_uuid_format(const uint8_t uuid[16], char out[37]);
void netdef_mac_format(const uint8_t mac[6], char out[18]);
/* The effective STP setting (libvirt default: on) and lease time in seconds. */
bool netdef_stp_enabled(const struct netdef *def);
/* Seconds for a lease element; 0 = infinite; `fallback` when not given. */
uint64_t netdef_lease_seconds(const struct netdef_lease *lease, uint64_t fallback);

/* Host-order helpers for subnet arithmetic. */
uint32_t netdef_mask(unsigned prefix);
bool netdef_in_subnet(struct in_addr addr, struct in_addr net, unsigned prefix);

/* A whole decimal string up to max (no sign, no spaces); false otherwise. */
bool netdef_parse_uint(const char *s, unsigned long long max, unsigned long long *out);

/* Print "FILE:LINE: FIELD: MESSAGE" into buf. */
void netdef_error_format(const struct netdef_error *err, char *buf, size_t size);

/* ---- stored definitions ---- */

/*
 * store: the persistent definitions, CONFDIR/networks/NAME.xml, and the
 * autostart links CONFDIR/networks/autostart/NAME.xml -> ../NAME.xml.
 */

/* Load NAME's definition; -ENOENT when it is not defined. */
int store_load(const struct vnetd_paths *paths, const char *name, struct netdef **ret,
	       struct netdef_error *err);

/* Write a definition atomically; 0 or negative errno. */
int store_save(const struct vnetd_paths *paths, const struct netdef *def);

/* Remove NAME's definition and autostart link; -ENOENT when not defined. */
int store_remove(const struct vnetd_paths *paths, const char *name);

bool store_is_defined(const struct vnetd_paths *paths, const char *name);
bool store_get_autostart(const struct vnetd_paths *paths, const char *name);
int store_set_autostart(const struct vnetd_paths *paths, const char *name, bool on);

/*
 * Names of every defined network (or, with autostart_only, of those marked
 * for autostart), sorted. Free with vnetd_free_names().
 */
int store_list(const struct vnetd_paths *paths, bool autostart_only, char ***names,
	       size_t *count);

/*
 * Give a definition what libvirt fills in and saves: a bridge name (the first
 * free virbrN for a missing name or a "%d" template) and a stable, locally
 * administered MAC (52:54:00:xx:xx:xx). Names used by other definitions or
 * by existing interfaces are skipped. Sets *changed when anything was added.
 */
int store_complete(const struct vnetd_paths *paths, struct netdef *def, bool *changed,
		   char *msg, size_t msg_size);

#endif
