/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `vnetd leases`: what leases.c (v4, the verb) and leases6.c (the v6 rows) share. */
#ifndef VNETD_CLI_LEASES_H
#define VNETD_CLI_LEASES_H

#include "dhcp/lease/lease.h"
#include "dhcp/v4/dhcp.h"
#include "dhcp/v6/dhcp6.h"
#include "netd/def/netdef.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct print_ctx {
	bool json;
	unsigned prefix, prefix6;
	size_t count;
	const char *mac;        /* only this one ("aa:bb:.." lower case), or NULL */
	int w_mac, w_host;      /* table columns, as wide as their widest entry */
};

/* The servers the files add up to (either NULL when the network has none of it). */
struct leases_view {
	struct dhcp_server *srv;
	struct dhcp6_server *srv6;
};

void leases_put_json_string(const char *s);
void leases_expiry_text(int64_t expires, char *buf, size_t size, bool iso);
void leases_report_problem(void *userdata, const struct lease_error *e);

/*
 * leases6.c: a DHCPv6 server of the definition holding the v6 part of the
 * lease file and NAME.journal6 (*srv6 NULL without DHCPv6). 0 or -errno.
 */
int leases6_load(const struct netdef *def, const char *text, size_t text_len,
		 const char *journal6, size_t journal6_len, const char *what,
		 struct dhcp6_server **srv6);
/* The v6 leases: widths measured, rows printed, or counted (c->count). */
void leases6_measure(struct print_ctx *c, const struct dhcp6_server *srv6);
void leases6_print(struct print_ctx *c, const struct dhcp6_server *srv6);
void leases6_count(struct print_ctx *c, const struct dhcp6_server *srv6);

#endif
