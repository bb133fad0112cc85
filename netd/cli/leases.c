/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd leases NAME [--json]: the live leases, like `virsh net-dhcp-leases`.
 * It reads the lease file and the journal the way the daemon loads them at
 * start (the same server core, configured from the definition), so it is
 * right whether or not the daemon runs — after a crash too, when the lease
 * file lags the journal. The files live in a directory the daemon's account
 * owns: they are read without following links or blocking (statedir.h), and
 * every field is printed escaped.
 */
#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"
#include "netd/adapt/adapt.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct print_ctx {
	bool json;
	unsigned prefix;
	size_t count;
};

/* Host names were sanitised by the daemon; escape anyway, the file is just a file. */
static void put_json_string(const char *s)
{
	char out[6 * 3 * LEASE_CLIENT_ID_MAX + 3];

	json_string(s, out, sizeof(out));
	fputs(out, stdout);
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
	hex_format(l->chaddr, l->hlen, mac, sizeof(mac));
	hex_format(l->client_id, l->client_id_len, cid, sizeof(cid));
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

static void report_problem(void *userdata, const struct lease_error *e)
{
	if (e->line)
		vnetd_error("%s: line/record %u skipped: %s", (const char *)userdata, e->line,
			    e->message);
	else
		vnetd_error("%s: %s", (const char *)userdata, e->message);
}

/* NAME.leases and NAME.journal (each may be missing), read safely. */
static int read_files(const struct vnetd_paths *paths, const char *name, char **text,
		      size_t *text_len, char **journal, size_t *journal_len)
{
	char file[300];
	uid_t uid = 0;
	gid_t gid;
	char msg[300];
	int dirfd, r;

	*text = *journal = NULL;
	*text_len = *journal_len = 0;
	dirfd = statedir_open(paths->statedir, name);
	if (dirfd == -ENOENT)
		return 0;
	if (dirfd < 0)
		return dirfd;
	privdrop_user(PRIVDROP_DAEMON, &uid, &gid, msg, sizeof(msg));
	snprintf(file, sizeof(file), "%s.leases", name);
	r = statedir_read(dirfd, file, uid, 64u << 20, text, text_len);
	if (r == 0 || r == -ENOENT) {
		snprintf(file, sizeof(file), "%s.journal", name);
		r = statedir_read(dirfd, file, uid, 64u << 20, journal, journal_len);
	}
	close(dirfd);
	return r == -ENOENT ? 0 : r;
}

/* The leases the files add up to, in a server built from the definition. */
static int load(const struct netdef *def, const char *text, size_t text_len,
		const char *journal, size_t journal_len, const char *what,
		struct dhcp_server **srv)
{
	struct dhcp_setup setup;
	struct wire_error de;
	char msg[300];
	int r;

	*srv = NULL;
	r = dhcp_setup_build(def, &setup, msg, sizeof(msg));
	if (r <= 0)
		return r;
	r = dhcp_server_new(&setup.cfg, srv, &de);
	if (r == 0)
		r = dhcp_server_load(*srv, text ? text : "", text_len, (const uint8_t *)journal,
				     journal_len, (int64_t)time(NULL), report_problem, (void *)what,
				     NULL);
	dhcp_setup_free(&setup);
	return r;
}

int cmd_leases(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct print_ctx c = { .prefix = 24 };
	struct dhcp_server *srv = NULL;
	struct netdef *def = NULL;
	char *text, *journal;
	size_t len, jlen;
	int r;

	c.json = argc == 3 && !strcmp(argv[2], "--json");
	if (argc != 2 && !c.json)
		return vnetd_error("usage: vnetd leases NAME [--json]");
	if (!vnetd_valid_name(argv[1]))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	if (store_load(paths, argv[1], &def, NULL) < 0)
		return vnetd_error("network '%s' is not defined", argv[1]);
	if (dhcp_setup_find_ip(def))
		c.prefix = dhcp_setup_find_ip(def)->prefix;
	r = read_files(paths, argv[1], &text, &len, &journal, &jlen);
	if (r < 0) {
		netdef_free(def);
		return vnetd_error("cannot read the lease files of '%s' in %s/%s: %s", argv[1],
				   paths->statedir, argv[1],
				   r == -EPERM ? "not plain files of the service user" : strerror(-r));
	}
	r = load(def, text, len, journal, jlen, argv[1], &srv);
	free(text);
	free(journal);
	netdef_free(def);
	if (r < 0)
		return vnetd_error("cannot load the leases of '%s': %s", argv[1], strerror(-r));
	if (c.json)
		printf("[");
	else
		printf(" %-20s %-18s %-9s %-19s %-16s %s\n%s\n", "Expiry Time", "MAC address",
		       "Protocol", "IP address", "Hostname", "Client ID",
		       "----------------------------------------------------------------"
		       "------------------------------------");
	if (srv)
		dhcp_server_foreach_lease(srv, print_lease, &c);
	printf(c.json ? "%s]\n" : "%s\n", c.json && c.count ? "\n" : "");
	dhcp_server_free(srv);
	return 0;
}
