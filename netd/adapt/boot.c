/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Network boot in a DHCP configuration: <bootp file server>, the
 * <vnetd:boot> rules, and where clients fetch from (siaddr, option 66).
 */
#include "netd/adapt/adapt.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

/* The address of the network's own TFTP server: the <ip> with <tftp root>. */
static bool own_tftp(const struct netdef *def, const struct netdef_ip *dhcp_ip,
		     struct in_addr *out)
{
	size_t i;

	if (dhcp_ip->tftp_root) {
		*out = dhcp_ip->address;
		return true;
	}
	for (i = 0; i < def->n_ips; i++) {
		if (def->ips[i].tftp_root) {
			*out = def->ips[i].address;
			return true;
		}
	}
	return false;
}

/*
 * <bootp server> may be a name: resolved once, here, at start (the guests'
 * ROMs want an address in siaddr). A name that does not resolve stops the
 * start with the reason rather than sending guests somewhere else.
 */
static int boot_server(const char *server, struct in_addr *out, char *msg, size_t size)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_DGRAM }, *res;
	int r;

	if (inet_pton(AF_INET, server, out) == 1)
		return 0;
	r = getaddrinfo(server, NULL, &hints, &res);
	if (r != 0) {
		snprintf(msg, size, "<bootp server='%s'>: cannot resolve: %s", server,
			 r == EAI_SYSTEM ? strerror(errno) : gai_strerror(r));
		return -EHOSTUNREACH;
	}
	*out = ((const struct sockaddr_in *)(const void *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return 0;
}

int dhcp_setup_boot(const struct netdef *def, const struct netdef_ip *ip,
		    struct dhcp_setup *out, char *msg, size_t size)
{
	struct dhcp_config *cfg = &out->cfg;
	size_t i;
	int r;

	if (ip->has_bootp)
		cfg->boot_file = ip->bootp_file;
	if (ip->n_boots && !(out->boot_rules = calloc(ip->n_boots, sizeof(*out->boot_rules))))
		return -ENOMEM;
	for (i = 0; i < ip->n_boots; i++) {
		const struct netdef_boot *b = &ip->boots[i];

		out->boot_rules[i].by_arch = b->match == NETDEF_BOOT_ARCH;
		out->boot_rules[i].arch = (uint16_t)b->arch;
		out->boot_rules[i].user_class = b->userclass;
		out->boot_rules[i].file = b->file;
	}
	cfg->boot_rules = out->boot_rules;
	cfg->n_boot_rules = ip->n_boots;
	if (ip->has_bootp && ip->bootp_server)
		return (r = boot_server(ip->bootp_server, &cfg->boot_server, msg, size)) < 0 ? r : 0;
	/* as dnsmasq: without a server, the network's own TFTP server if it has one */
	if (!own_tftp(def, ip, &cfg->boot_server))
		cfg->boot_server.s_addr = 0;
	return 0;
}
