/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd leases NAME [--mac MAC] [--wait SECONDS] [--json]: the live leases,
 * like `virsh net-dhcp-leases`; with --wait, block until MAC has a lease
 * (what vagrant, terraform and scripts poll for), woken by inotify.
 * It reads the lease file and the journal the way the daemon loads them at
 * start (the same server core, configured from the definition), so it is
 * right whether or not the daemon runs — after a crash too, when the lease
 * file lags the journal. The files live in a directory the daemon's account
 * owns: they are read without following links or blocking (statedir.h), and
 * every field is printed escaped. DHCPv6 leases (leases6.c) follow the v4 ones.
 */
#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"
#include "netd/adapt/adapt.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"
#include "netd/cli/leases.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Exit status of --wait when the time ran out (1 is any other failure). */
#define LEASES_EXIT_TIMEOUT 3
#define LEASES_WAIT_MAX 31536000        /* a year of seconds */

/* Host names were sanitised by the daemon; escape anyway, the file is just a file. */
void leases_put_json_string(const char *s)
{
	char out[6 * 3 * LEASE_CLIENT_ID_MAX + 3];

	json_string(s, out, sizeof(out));
	fputs(out, stdout);
}

void leases_expiry_text(int64_t expires, char *buf, size_t size, bool iso)
{
	time_t t = (time_t)expires;
	struct tm tm;

	if (expires == LEASE_EXPIRES_NEVER ||
	    !(iso ? gmtime_r(&t, &tm) : localtime_r(&t, &tm)))
		snprintf(buf, size, "never");
	else
		strftime(buf, size, iso ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%d %H:%M:%S", &tm);
}

static void print_json(const struct print_ctx *c, const struct lease_info *l, const char *ip,
		       const char *mac, const char *cid)
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
	leases_put_json_string(mac);
	printf(", \"protocol\": \"ipv4\", \"ip-address\": \"%s\", \"prefix\": %u", ip,
	       c->prefix);
	printf(", \"hostname\": ");
	leases_put_json_string(l->hostname ? l->hostname : "");
	printf(", \"client-id\": ");
	leases_put_json_string(cid);
	putchar('}');
}

static int print_lease(void *userdata, const struct lease_info *l)
{
	struct print_ctx *c = userdata;
	char ip[INET_ADDRSTRLEN], mac[64], cid[3 * LEASE_CLIENT_ID_MAX + 1], when[32];
	char addr[INET_ADDRSTRLEN + 4];

	hex_format(l->chaddr, l->hlen, mac, sizeof(mac));
	if (c->mac && strcmp(c->mac, mac))
		return 0;
	inet_ntop(AF_INET, &l->addr, ip, sizeof(ip));
	hex_format(l->client_id, l->client_id_len, cid, sizeof(cid));
	if (c->json) {
		print_json(c, l, ip, mac, cid);
	} else {
		leases_expiry_text(l->expires, when, sizeof(when), false);
		snprintf(addr, sizeof(addr), "%s/%u", ip, c->prefix);
		printf(" %-20s %-*s %-9s %-19s %-*s %s\n", when, c->w_mac, mac, "ipv4", addr,
		       c->w_host, l->hostname && *l->hostname ? l->hostname : "-",
		       *cid ? cid : "-");
	}
	c->count++;
	return 0;
}

/* The table's widths: a pass over the leases before printing them. */
static int measure_lease(void *userdata, const struct lease_info *l)
{
	struct print_ctx *c = userdata;
	char mac[64];
	int n;

	hex_format(l->chaddr, l->hlen, mac, sizeof(mac));
	if (c->mac && strcmp(c->mac, mac))
		return 0;
	if ((n = (int)strlen(mac)) > c->w_mac)
		c->w_mac = n;
	if (l->hostname && (n = (int)strlen(l->hostname)) > c->w_host)
		c->w_host = n;
	return 0;
}

/* Counting only: does the wanted MAC hold a lease? */
static int count_lease(void *userdata, const struct lease_info *l)
{
	struct print_ctx *c = userdata;
	char mac[64];

	hex_format(l->chaddr, l->hlen, mac, sizeof(mac));
	if (!c->mac || !strcmp(c->mac, mac))
		c->count++;
	return 0;
}

void leases_report_problem(void *userdata, const struct lease_error *e)
{
	if (e->line)
		vnetd_error("%s: line/record %u skipped: %s", (const char *)userdata, e->line,
			    e->message);
	else
		vnetd_error("%s: %s", (const char *)userdata, e->message);
}

/* NAME.leases, NAME.journal and NAME.journal6 (each may be missing), read safely. */
struct lease_texts {
	char *text, *journal, *journal6;
	size_t text_len, journal_len, journal6_len;
};

static int read_one(int dirfd, const char *name, const char *suffix, uid_t uid, char **buf,
		    size_t *len)
{
	char file[300];
	int r;

	snprintf(file, sizeof(file), "%s.%s", name, suffix);
	r = statedir_read(dirfd, file, uid, 64u << 20, buf, len);
	return r == -ENOENT ? 0 : r;
}

static int read_files(const struct vnetd_paths *paths, const char *name, struct lease_texts *t)
{
	uid_t uid = 0;
	gid_t gid;
	char msg[300];
	int dirfd, r;

	memset(t, 0, sizeof(*t));
	dirfd = statedir_open(paths->statedir, name);
	if (dirfd == -ENOENT)
		return 0;
	if (dirfd < 0)
		return dirfd;
	privdrop_user(PRIVDROP_DAEMON, &uid, &gid, msg, sizeof(msg));
	if ((r = read_one(dirfd, name, "leases", uid, &t->text, &t->text_len)) == 0 &&
	    (r = read_one(dirfd, name, "journal", uid, &t->journal, &t->journal_len)) == 0)
		r = read_one(dirfd, name, "journal6", uid, &t->journal6, &t->journal6_len);
	close(dirfd);
	return r;
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
		r = dhcp_server_load(*srv, text ? text : "", text ? lease_file6_v4_len(text, text_len) : 0,
				     (const uint8_t *)journal,
				     journal_len, (int64_t)time(NULL), leases_report_problem, (void *)what,
				     NULL);
	dhcp_setup_free(&setup);
	return r;
}

/* The leases the files hold now, in servers of the definition (NULL: none). */
static int current(const struct vnetd_paths *paths, const struct netdef *def, const char *name,
		   struct leases_view *v)
{
	struct lease_texts t;
	int r;

	v->srv = NULL;
	v->srv6 = NULL;
	r = read_files(paths, name, &t);
	if (r < 0)
		return vnetd_error("cannot read the lease files of '%s' in %s/%s: %s", name,
				   paths->statedir, name,
				   r == -EPERM ? "not plain files of the service user" : strerror(-r));
	r = load(def, t.text, t.text_len, t.journal, t.journal_len, name, &v->srv);
	if (r >= 0)
		r = leases6_load(def, t.text, t.text_len, t.journal6, t.journal6_len, name,
				 &v->srv6);
	free(t.text);
	free(t.journal);
	free(t.journal6);
	if (r < 0)
		return vnetd_error("cannot load the leases of '%s': %s", name, strerror(-r));
	return 0;
}

static void view_free(struct leases_view *v)
{
	dhcp_server_free(v->srv);
	dhcp6_server_free(v->srv6);
	v->srv = NULL;
	v->srv6 = NULL;
}

static void print_all(struct print_ctx *c, const struct leases_view *v)
{
	c->count = 0;
	c->w_mac = 18;
	c->w_host = 16;
	if (v->srv && !c->json)
		dhcp_server_foreach_lease(v->srv, measure_lease, c);
	if (!c->json)
		leases6_measure(c, v->srv6);
	if (c->json)
		printf("[");
	else
		printf(" %-20s %-*s %-9s %-19s %-*s %s\n%s\n", "Expiry Time", c->w_mac,
		       "MAC address", "Protocol", "IP address", c->w_host, "Hostname",
		       "Client ID",
		       "----------------------------------------------------------------"
		       "------------------------------------");
	if (v->srv)
		dhcp_server_foreach_lease(v->srv, print_lease, c);
	leases6_print(c, v->srv6);
	printf(c->json ? "%s]\n" : "%s\n", c->json && c->count ? "\n" : "");
}

/* Until the MAC has a lease (then printed: 0) or the time is out (LEASES_EXIT_TIMEOUT). */
static int wait_for(const struct vnetd_paths *paths, const struct netdef *def, const char *name,
		    struct print_ctx *c, unsigned long seconds)
{
	int64_t deadline = lease_watch_now_ms() + (int64_t)seconds * 1000;
	struct lease_watch w;
	struct leases_view v;
	int r;

	if ((r = lease_watch_open(&w, paths->statedir, name)) < 0)
		return vnetd_error("cannot watch %s/%s: %s", paths->statedir, name, strerror(-r));
	for (;;) {
		if ((r = current(paths, def, name, &v)) != 0)
			break;
		c->count = 0;
		if (v.srv)
			dhcp_server_foreach_lease(v.srv, count_lease, c);
		leases6_count(c, v.srv6);
		if (c->count) {
			print_all(c, &v);
			view_free(&v);
			break;
		}
		view_free(&v);
		if ((r = lease_watch_wait(&w, deadline)) <= 0) {
			if (r == 0) {
				fprintf(stderr, "vnetd: %s has no lease on '%s' after waiting %lu s\n",
					c->mac, name, seconds);
				r = LEASES_EXIT_TIMEOUT;
			} else {
				r = vnetd_error("cannot wait for leases: %s", strerror(-r));
			}
			break;
		}
	}
	lease_watch_close(&w);
	return r;
}

/* "52:54:00:AA:bb:cc" -> lower case into out; false when not six hex octets. */
static bool normal_mac(const char *s, char out[18])
{
	size_t i;

	if (strlen(s) != 17)
		return false;
	for (i = 0; i < 17; i++) {
		if (i % 3 == 2 ? s[i] != ':' : !isxdigit((unsigned char)s[i]))
			return false;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[17] = '\0';
	return true;
}

struct leases_opts {
	bool json;
	const char *mac;
	long wait;              /* -1: do not wait */
};

static int parse_opts(int argc, char **argv, struct leases_opts *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "mac", required_argument, NULL, 'm' },
		{ "wait", required_argument, NULL, 'w' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long v;
	int opt;

	o->json = false;
	o->mac = NULL;
	o->wait = -1;
	optind = 0;  /* 0: glibc starts afresh, options may follow NAME */
	opterr = 0;  /* the usage line says it all */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'j')
			o->json = true;
		else if (opt == 'm')
			o->mac = optarg;
		else if (opt == 'w' && netdef_parse_uint(optarg, LEASES_WAIT_MAX, &v))
			o->wait = (long)v;
		else if (opt == 'w')
			return vnetd_error("--wait takes seconds from 0 to %d, not '%s'",
					   LEASES_WAIT_MAX, optarg);
		else
			return 2;
	}
	if (optind != argc - 1)
		return 2;
	if (o->wait >= 0 && !o->mac)
		return vnetd_error("--wait needs --mac: the lease of which guest?");
	return 0;
}

int cmd_leases(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct print_ctx c = { .prefix = 24, .prefix6 = 64 };
	struct leases_opts o;
	struct leases_view v = { NULL, NULL };
	struct netdef *def = NULL;
	char mac[18];
	const char *name;
	int r;

	if ((r = parse_opts(argc, argv, &o)) != 0)
		return r == 2 ? vnetd_error("usage: vnetd leases NAME [--mac MAC] "
					    "[--wait SECONDS] [--json]") : r;
	name = argv[optind];
	if (o.mac && !normal_mac(o.mac, mac))
		return vnetd_error("'%s' is not a MAC address (like 52:54:00:12:34:56)", o.mac);
	c.json = o.json;
	c.mac = o.mac ? mac : NULL;
	if (!vnetd_valid_name(name))
		return vnetd_error("'%s' is not a valid network name", name);
	if (store_load(paths, name, &def, NULL) < 0)
		return vnetd_error("network '%s' is not defined", name);
	if (dhcp_setup_find_ip(def))
		c.prefix = dhcp_setup_find_ip(def)->prefix;
	if (dhcp6_setup_find_ip(def))
		c.prefix6 = dhcp6_setup_find_ip(def)->prefix;
	if (o.wait >= 0)
		r = wait_for(paths, def, name, &c, (unsigned long)o.wait);
	else if ((r = current(paths, def, name, &v)) == 0)
		print_all(&c, &v);
	view_free(&v);
	netdef_free(def);
	return r;
}
