/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCPv6 rows of `vnetd leases`: the v6 part of NAME.leases (after its
 * "duid" line) and NAME.journal6, folded by a DHCPv6 server of the
 * definition exactly as the daemon folds them at start. A row's MAC is the
 * one the daemon learnt (from a DUID-LL/LLT or the link-local address),
 * "-" when it knows none; its client id is the DUID.
 */
#include "netd/cli/leases.h"
#include "dhcp/wire/wire.h"
#include "netd/adapt/adapt.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int leases6_load(const struct netdef *def, const char *text, size_t text_len,
		 const char *journal6, size_t journal6_len, const char *what,
		 struct dhcp6_server **srv6)
{
	/* any DUID does to read the files: this server never answers anyone */
	static const uint8_t reader_duid[] = { 0, 4, 'v', 'n', 'e', 't', 'd', '-', 'c', 'l', 'i' };
	struct dhcp6_setup setup;
	struct wire_error de;
	uint8_t duid[DHCP6_DUID_MAX];
	char msg[300];
	int r, n;

	*srv6 = NULL;
	r = dhcp6_setup_build(def, NULL, &setup, msg, sizeof(msg));
	if (r <= 0)
		return r;
	n = text ? lease_file6_server_duid(text, text_len, duid, sizeof(duid)) : -1;
	setup.cfg.server_duid = n > 0 ? duid : reader_duid;
	setup.cfg.server_duid_len = n > 0 ? (size_t)n : sizeof(reader_duid);
	r = dhcp6_server_new(&setup.cfg, srv6, &de);
	if (r == 0)
		r = dhcp6_server_load(*srv6, text ? text : "", text_len,
				      (const uint8_t *)journal6, journal6_len, (int64_t)time(NULL),
				      leases_report_problem, (void *)what, NULL);
	dhcp6_setup_free(&setup);
	return r;
}

static void mac_text(const struct lease6_info *l, char out[18])
{
	if (l->has_mac)
		hex_format(l->mac, 6, out, 18);
	else
		snprintf(out, 18, "-");
}

static bool wanted(const struct print_ctx *c, const struct lease6_info *l)
{
	char mac[18];

	mac_text(l, mac);
	return !c->mac || !strcmp(c->mac, mac);
}

static void print_json(const struct print_ctx *c, const struct lease6_info *l, const char *ip,
		       const char *mac, const char *duid)
{
	char iso[32];

	leases_expiry_text(l->expires, iso, sizeof(iso), true);
	printf("%s\n  {\"expiry-time\": %lld, \"expiry\": ", c->count ? "," : "",
	       l->expires == LEASE_EXPIRES_NEVER ? 0LL : (long long)l->expires);
	if (l->expires == LEASE_EXPIRES_NEVER)
		printf("null");
	else
		printf("\"%s\"", iso);
	printf(", \"mac-address\": ");
	leases_put_json_string(l->has_mac ? mac : "");
	printf(", \"protocol\": \"ipv6\", \"ip-address\": \"%s\", \"prefix\": %u", ip,
	       c->prefix6);
	printf(", \"hostname\": ");
	leases_put_json_string(l->hostname ? l->hostname : "");
	printf(", \"client-id\": ");
	leases_put_json_string(duid);
	printf(", \"iaid\": %lu}", (unsigned long)l->iaid);
}

static int print_one(void *userdata, const struct lease6_info *l)
{
	struct print_ctx *c = userdata;
	char ip[INET6_ADDRSTRLEN], mac[18], duid[3 * LEASE_DUID_MAX + 1], when[32];
	char addr[INET6_ADDRSTRLEN + 5];

	if (!wanted(c, l))
		return 0;
	mac_text(l, mac);
	inet_ntop(AF_INET6, &l->addr, ip, sizeof(ip));
	hex_format(l->duid, l->duid_len, duid, sizeof(duid));
	if (c->json) {
		print_json(c, l, ip, mac, duid);
	} else {
		leases_expiry_text(l->expires, when, sizeof(when), false);
		snprintf(addr, sizeof(addr), "%s/%u", ip, c->prefix6);
		printf(" %-20s %-*s %-9s %-19s %-*s %s\n", when, c->w_mac, mac, "ipv6", addr,
		       c->w_host, l->hostname && *l->hostname ? l->hostname : "-",
		       *duid ? duid : "-");
	}
	c->count++;
	return 0;
}

static int measure_one(void *userdata, const struct lease6_info *l)
{
	struct print_ctx *c = userdata;
	int n;

	if (wanted(c, l) && l->hostname && (n = (int)strlen(l->hostname)) > c->w_host)
		c->w_host = n;
	return 0;
}

static int count_one(void *userdata, const struct lease6_info *l)
{
	struct print_ctx *c = userdata;

	c->count += wanted(c, l);
	return 0;
}

void leases6_measure(struct print_ctx *c, const struct dhcp6_server *srv6)
{
	if (srv6)
		dhcp6_server_foreach_lease(srv6, measure_one, c);
}

void leases6_print(struct print_ctx *c, const struct dhcp6_server *srv6)
{
	if (srv6)
		dhcp6_server_foreach_lease(srv6, print_one, c);
}

void leases6_count(struct print_ctx *c, const struct dhcp6_server *srv6)
{
	if (srv6)
		dhcp6_server_foreach_lease(srv6, count_one, c);
}
