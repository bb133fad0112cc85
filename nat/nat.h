/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nat: a network's firewall as one nftables table of its own ("inet",
 * named "vnetd-NAME"), built with libnftnl and sent with libmnl in a single
 * netlink batch, so it appears complete or not at all. Tables of others are
 * never listed, flushed or changed. A library: no globals, no logging, no
 * exit(); acts in the calling thread's network namespace.
 */
#ifndef VNETD_NAT_H
#define VNETD_NAT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nat_error {
	int code;               /* negative errno */
	char message[256];
};

enum nat_mode {
	NAT_MODE_ISOLATED = 0,  /* no <forward>: nothing in or out, guest<->guest only */
	NAT_MODE_NAT,
	NAT_MODE_ROUTE,
	NAT_MODE_OPEN,          /* no table at all */
};

#define NAT_MAX_SUBNETS 16

struct nat_subnet {
	struct in_addr net;     /* network address (host bits zero) */
	unsigned prefix;
};

struct nat_subnet6 {
	struct in6_addr net;    /* network address (host bits zero) */
	unsigned prefix;        /* 1..128 */
};

struct nat_config {
	const char *network;    /* network name: the table is "vnetd-<network>" */
	const char *bridge;     /* the bridge's interface name */
	enum nat_mode mode;
	const char *outdev;     /* <forward dev>, or NULL: any outside interface */
	struct nat_subnet subnets[NAT_MAX_SUBNETS];
	size_t n_subnets;
	/*
	 * IPv6 subnets. As libvirt: in nat mode they are routed (both ways)
	 * unless nat_ipv6 (<nat ipv6='yes'>) masquerades them as IPv4 is;
	 * <nat><address> (SNAT) is IPv4 only, IPv6 always masquerades.
	 */
	struct nat_subnet6 subnets6[NAT_MAX_SUBNETS];
	size_t n_subnets6;
	bool nat_ipv6;
	/* <nat><address start end>: SNAT to this range instead of masquerade */
	bool has_addr_range;
	struct in_addr addr_start, addr_end;
	/* <nat><port start end>; 0/0 means libvirt's default 1024-65535 */
	unsigned port_start, port_end;
	bool tftp;              /* the network serves TFTP: UDP 69 from the bridge too */
};

/* Table name for a network into buf (at least 256 bytes); false if too long. */
bool nat_table_name(const char *network, char *buf, size_t size);

/*
 * Install (or atomically replace) the network's table. For NAT_MODE_OPEN
 * nothing is installed and an existing vnetd table of that network is
 * removed. 0 or negative errno with err filled.
 */
int nat_install(const struct nat_config *cfg, struct nat_error *err);

/*
 * nat_install, leaving its socket open in *held (when it was none) for
 * nat_release to close later. Closing a netfilter socket right after a
 * commit makes the kernel finish that commit's clean-up first, an RCU grace
 * period (~10 ms); closed a little later, once that clean-up has run on its
 * own, it costs nothing. For a caller with more to do meanwhile (start).
 */
struct nat_held;
int nat_install_held(const struct nat_config *cfg, struct nat_held **held,
		     struct nat_error *err);
void nat_release(struct nat_held *held);        /* NULL is fine */

/* Delete the network's table. 0, -ENOENT when there was none, or an error. */
int nat_remove(const char *network, struct nat_error *err);

/* Is the network's table present? 1 yes, 0 no, negative errno on failure. */
int nat_present(const char *network, struct nat_error *err);

/*
 * Build the install batch into buf without sending it (for tests and for
 * the keeper). Returns the batch length, or negative errno: -EINVAL for a
 * bad config, -EMSGSIZE when buf is too small. buf == NULL (size ignored)
 * only measures: the return value is the size buf needs. NAT_MODE_OPEN
 * builds nothing and returns 0.
 */
int nat_build_batch(const struct nat_config *cfg, void *buf, size_t size, uint32_t seq,
		    struct nat_error *err);

/*
 * The same into a buffer of its own size (malloc'ed, the caller frees it):
 * exactly the bytes nat_install sends, numbered from 1, for a process that
 * sends them again later (the firewall keeper's RUNDIR/NAME.fw). It holds
 * no handles or set ids, only names, so it installs the table as well when
 * the table is gone as when it is there. NAT_MODE_OPEN: *buf NULL, *len 0.
 * 0 or negative errno with err filled.
 */
int nat_batch_bytes(const struct nat_config *cfg, void **buf, size_t *len,
		    struct nat_error *err);

/*
 * Is the table intact (nat/intact.c)? The rules it holds now (*have) and
 * those cfg builds (*want); 0 or negative errno. Only that table is read.
 */
int nat_rule_counts(const struct nat_config *cfg, unsigned *have, unsigned *want,
		    struct nat_error *err);

/*
 * Port security (nat/portsec.c): the table "bridge vnetd-NAME", whose one
 * chain drops what enters the bridge from a listed port with another
 * source MAC, ARP claiming another MAC, and DHCP requests with another
 * chaddr. install replaces the whole table in one batch (n == 0 removes
 * it); remove: 0, -ENOENT when there was none, or an error.
 */
struct nat_port {
	const char *ifname;
	uint8_t mac[6];
};

int nat_portsec_install(const char *network, const struct nat_port *ports, size_t n,
			struct nat_error *err);
int nat_portsec_remove(const char *network, struct nat_error *err);

/* ---- foreign.c: other firewalls on the hooks a network needs ---- */

/*
 * Coexistence: base chains of other nftables tables (iptables-nft's too:
 * they are chains of tables "filter"/"nat" of family ip/ip6) on the
 * input, forward and postrouting hooks that will drop a bridge's traffic:
 * a drop policy that no rule accepting the bridge (iifname/oifname)
 * answers first, or a rule that drops the bridge's traffic (or all
 * traffic) first. Jumps and gotos are followed. vnetd's own tables
 * ("vnetd-*") are skipped; iptables-legacy's tables cannot be read over
 * netlink, so only their presence is reported. Read-only, no logging.
 */
enum nat_hook_kind { NAT_HOOK_INPUT, NAT_HOOK_FORWARD, NAT_HOOK_POSTROUTING };

enum nat_foreign_kind {
	NAT_FOREIGN_POLICY_DROP,        /* the base chain's policy drops it */
	NAT_FOREIGN_RULE_DROP,          /* a rule drops (or rejects) it first */
	NAT_FOREIGN_LEGACY,             /* iptables-legacy tables exist: unread */
};

#define NAT_NAME_MAX 64

struct nat_finding {
	enum nat_foreign_kind kind;
	enum nat_hook_kind hook;
	const char *family;             /* "ip", "ip6", "inet" (a static string) */
	char table[NAT_NAME_MAX];
	char chain[NAT_NAME_MAX];       /* the base chain */
	char rule_chain[NAT_NAME_MAX];  /* RULE_DROP: the chain of the dropping rule */
	bool docker;                    /* the table has a DOCKER-USER chain */
};

/* Which hooks to look at (1 << NAT_HOOK_*). */
#define NAT_HOOKS_ALL 7u
/*
 * Added to the hooks: the bridge carries IPv6, so ip6-family chains
 * (ip6tables-nft's "filter"/"nat" too) are judged as well; without it only
 * ip and inet ones, which are all that see an IPv4-only network's traffic.
 */
#define NAT_SCAN_IPV6 (1u << 8)

/*
 * Up to `max` findings into out; *count says how many (findings past max
 * are dropped). 0, or negative errno with err filled.
 */
int nat_foreign_scan(const char *bridge, unsigned hooks, struct nat_finding *out, size_t max,
		     size_t *count, struct nat_error *err);

#endif
