/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bridge: Linux bridges, their addresses and per-interface sysctls, over
 * rtnetlink with libnl-route-3. A library: no globals, no logging, no exit().
 * Every call acts on the network namespace of the calling thread.
 *
 * Errors: functions return 0 or a negative errno and, when `err` is not NULL,
 * fill it with a one-line message a person can read (including the kernel's
 * extended-ACK text when the kernel gave one).
 */
#ifndef VNETD_BRIDGE_H
#define VNETD_BRIDGE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

struct bridge_error {
	int code;               /* negative errno */
	char message[256];
};

/* An open rtnetlink connection. Opaque. */
struct bridge_ctx;

int bridge_open(struct bridge_ctx **ret, struct bridge_error *err);
void bridge_close(struct bridge_ctx *ctx);  /* NULL is fine */

struct bridge_config {
	const char *name;
	bool stp;
	unsigned forward_delay_s;   /* seconds, as libvirt's delay= */
	bool has_mac;
	uint8_t mac[6];
	unsigned mtu;               /* 0: kernel default */
};

/* What is known about an interface name on this host. */
struct bridge_link_info {
	bool exists;
	bool is_bridge;
	bool up;
	int ifindex;
	unsigned mtu;
	uint8_t mac[6];
};

int bridge_link_query(struct bridge_ctx *ctx, const char *name,
		      struct bridge_link_info *out, struct bridge_error *err);

/* Create a bridge (down). -EEXIST when the name is taken. */
int bridge_create(struct bridge_ctx *ctx, const struct bridge_config *cfg,
		  struct bridge_error *err);

/* Delete a link by name. -ENODEV when there is none. */
int bridge_delete(struct bridge_ctx *ctx, const char *name,
		  struct bridge_error *err);

int bridge_set_up(struct bridge_ctx *ctx, const char *name, bool up,
		  struct bridge_error *err);

/* Add an IPv4 address with its prefix (and the subnet broadcast). */
int bridge_addr_add(struct bridge_ctx *ctx, const char *name,
		    struct in_addr addr, unsigned prefix,
		    struct bridge_error *err);

/* Add an IPv6 address with its prefix, usable at once (no DAD; see addr.c). */
int bridge_addr6_add(struct bridge_ctx *ctx, const char *name, const struct in6_addr *addr,
		     unsigned prefix, struct bridge_error *err);

/*
 * Is 'net/prefix' already used on this host, by an address on another link
 * or by a route at least as specific (other than on link `ignore_ifname`, which may be NULL)?
 * Returns 1 and names the interface in `ifname_out` (IFNAMSIZ bytes) when it
 * is, 0 when it is free, negative errno on failure.
 * On 1, `err` (if not NULL) also describes what is in the way, with code
 * -EADDRINUSE, e.g. "192.168.122.0/24 is already in use: address
 * 192.168.122.5/24 on eth1". A route with no device (blackhole, unreachable,
 * prohibit) is named by its type in `ifname_out`.
 */
int bridge_subnet_conflict(struct bridge_ctx *ctx, struct in_addr net,
			   unsigned prefix, const char *ignore_ifname,
			   char *ifname_out, struct bridge_error *err);
/* The same for an IPv6 subnet (IPv6 addresses and routes). */
int bridge_subnet6_conflict(struct bridge_ctx *ctx, const struct in6_addr *net,
			    unsigned prefix, const char *ignore_ifname,
			    char *ifname_out, struct bridge_error *err);

/* A route to dest/prefix via gateway out of a link, at that metric (libvirt's <route>). */
struct bridge_route {
	struct in_addr dest;
	unsigned prefix;
	struct in_addr gateway;
	unsigned metric;
};

/*
 * Add the route out of link `name` (main table, protocol static); -EEXIST
 * when that route is already there. Delete removes exactly that route
 * (dest, gateway, link and metric must match); -ESRCH when it is gone.
 */
int bridge_route_add(struct bridge_ctx *ctx, const char *name, const struct bridge_route *rt,
		     struct bridge_error *err);
int bridge_route_delete(struct bridge_ctx *ctx, const char *name,
			const struct bridge_route *rt, struct bridge_error *err);

/* The same for IPv6 (<route family='ipv6'>). */
struct bridge_route6 {
	struct in6_addr dest;
	unsigned prefix;
	struct in6_addr gateway;
	unsigned metric;
};

int bridge_route6_add(struct bridge_ctx *ctx, const char *name, const struct bridge_route6 *rt,
		      struct bridge_error *err);
int bridge_route6_delete(struct bridge_ctx *ctx, const char *name,
			 const struct bridge_route6 *rt, struct bridge_error *err);

/*
 * Ports. attach: enslave `port` to `bridge` and set it up (its ifindex into
 * *port_ifindex, may be NULL); -ENODEV when either is missing. release:
 * take it off its bridge; with ifindex != 0 only if it is still that link
 * (-ENODEV otherwise). master: the port's ifindex and its master's (0:
 * none); -ENODEV when there is no such link.
 */
int bridge_port_attach(struct bridge_ctx *ctx, const char *bridge, const char *port,
		       int *port_ifindex, struct bridge_error *err);
int bridge_port_release(struct bridge_ctx *ctx, const char *port, int ifindex,
			struct bridge_error *err);
int bridge_port_master(struct bridge_ctx *ctx, const char *port, int *ifindex,
		       int *master, struct bridge_error *err);

/*
 * Write a sysctl under /proc/sys/net (e.g. "ipv4/ip_forward",
 * "ipv6/conf/virbr0/disable_ipv6"). The previous value is stored in
 * `old_out` (size bytes, may be NULL) so it can be put back.
 */
int bridge_sysctl_set(const char *path, const char *value, char *old_out,
		      size_t old_size, struct bridge_error *err);
int bridge_sysctl_get(const char *path, char *out, size_t size,
		      struct bridge_error *err);

#endif
