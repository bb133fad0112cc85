/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd leases NAME [--json]: the live leases from the lease file, like
 * `virsh net-dhcp-leases`. It reads the file, so it works whether or not the
 * daemon runs; every field comes from a file a guest's packets shaped, so it
 * is printed escaped.
 */
#include "dhcp/lease.h"
#include "netd/atomic_file.h"
#include "netd/dhcp_setup.h"
#include "netd/store.h"
#include "netd/vnetd.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct print_ctx {
	bool json;
	unsigned prefix;
	size_t count;
};

/* Host names were sanitised by the daemon; escape anyway, the file is just a file. */
static void put_json_string(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			printf("\\%c", ch);
		else if (ch < 0x20 || ch >= 0x7f)
			printf("\\u%04x", ch);
		else
			putchar(ch);
	}
	putchar('"');
}

static void expiry_text(int64_t expires, char *buf, size_t size)
{
	time_t t = (time_t)expires;
	struct tm tm;

	if (expires == LEASE_EXPIRES_NEVER || !localtime_r(&t, &tm))
		snprintf(buf, size, "never");
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

static int print_lease(void *userdata, const struct lease_info *l)
{
	struct print_ctx *c = userdata;
	char ip[INET_ADDRSTRLEN], mac[64], cid[3 * LEASE_CLIENT_ID_MAX + 1], when[32];

	inet_ntop(AF_INET, &l->addr, ip, sizeof(ip));
	lease_hex_format(l->chaddr, l->hlen, mac, sizeof(mac));
	lease_hex_format(l->client_id, l->client_id_len, cid, sizeof(cid));
	expiry_text(l->expires, when, sizeof(when));
	if (c->json) {
		printf("%s\n  {\"expiry-time\": %lld, \"mac-address\": ", c->count ? "," : "",
		       l->expires == LEASE_EXPIRES_NEVER ? 0LL : (long long)l->expires);
		put_json_string(mac);
		printf(", \"protocol\": \"ipv4\", \"ip-address\": \"%s\", \"prefix\": %u", ip,
		       c->prefix);
		printf(", \"hostname\": ");
		put_json_string(l->hostname ? l->hostname : "");
		printf(", \"client-id\": ");
		put_json_string(cid);
		putchar('}');
	} else {
		char addr[INET_ADDRSTRLEN + 4];

		snprintf(addr, sizeof(addr), "%s/%u", ip, c->prefix);
		printf(" %-20s %-18s %-9s %-19s %-16s %s\n", when, mac, "ipv4", addr,
		       l->hostname && *l->hostname ? l->hostname : "-", *cid ? cid : "-");
	}
	c->count++;
	return 0;
}

static void report_bad_line(void *userdata, const struct lease_error *e)
{
	vnetd_error("%s:%u: %s (line skipped)", (const char *)userdata, e->line, e->message);
}

int cmd_leases(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct print_ctx c = { .prefix = 24 };
	struct netdef *def = NULL;
	char path[PATH_MAX], *text = NULL;
	size_t len = 0;
	int r;

	c.json = argc == 3 && !strcmp(argv[2], "--json");
	if (argc != 2 && !c.json)
		return vnetd_error("usage: vnetd leases NAME [--json]");
	if (!vnetd_check_name(argv[1]) ||
	    !vnetd_path(path, sizeof(path), paths->statedir, NULL, argv[1], ".leases"))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	if (store_load(paths, argv[1], &def, NULL) == 0 && dhcp_setup_find_ip(def))
		c.prefix = dhcp_setup_find_ip(def)->prefix;
	netdef_free(def);
	r = read_small_file(path, 64u << 20, &text, &len);
	if (r < 0 && r != -ENOENT)
		return vnetd_error("cannot read %s: %s", path, strerror(-r));
	if (c.json)
		printf("[");
	else
		printf(" %-20s %-18s %-9s %-19s %-16s %s\n%s\n", "Expiry Time", "MAC address",
		       "Protocol", "IP address", "Hostname", "Client ID",
		       "----------------------------------------------------------------"
		       "------------------------------------");
	if (text)
		lease_file_parse(text, len, print_lease, report_bad_line, &c);
	printf(c.json ? "%s]\n" : "%s\n", c.json && c.count ? "\n" : "");
	free(text);
	return 0;
}
