/* SPDX-License-Identifier: GPL-2.0-or-later */
/* nss: finding a name in the networks' lease files (see nss-vnetd.h). */
#include "netd/nss/nss-vnetd.h"
#include "dhcp/lease/lease.h"

#include <dirent.h>
#include <sys/socket.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VNETD_NSS_STATEDIR
#define VNETD_NSS_STATEDIR "/var/lib/vnetd"
#endif
#ifndef VNETD_NSS_CONFDIR
#define VNETD_NSS_CONFDIR "/etc/vnetd"
#endif
#ifndef VNETD_NSS_RUNDIR
#define VNETD_NSS_RUNDIR "/run/vnetd"
#endif

#define NSS_FILE_MAX (16u << 20)        /* a lease file of ~200 000 leases */
#define NSS_DEF_MAX (1u << 20)          /* a definition (netdef's own limit) */
#define NSS_NAME_MAX 255

struct match {
	const char *name;       /* asked for, without a trailing dot */
	const char *net, *domain;
	int64_t now;
	struct nss_vnetd_addr *out;
	size_t *n;
};

/* DNS names compare in ASCII, whatever the calling program's locale. */
static bool same_prefix(const char *a, const char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return false;
		if (!x)
			return true;
	}
	return true;
}

static bool same(const char *a, const char *b)
{
	return strlen(a) == strlen(b) && same_prefix(a, b, strlen(a));
}

/* "host", "host.NET" or "host.DOMAIN" is `m->name`? */
static bool names_it(const struct match *m, const char *host)
{
	size_t h = strlen(host);

	if (same(m->name, host))
		return true;
	if (strlen(m->name) <= h || m->name[h] != '.' || !same_prefix(m->name, host, h))
		return false;
	return same(m->name + h + 1, m->net) ||
	       (m->domain && same(m->name + h + 1, m->domain));
}

/* One more answer, unless it is there already; nonzero once the list is full. */
static int add(struct match *m, const char *host, int64_t expires, int family,
	       const void *bytes, size_t len)
{
	size_t i;

	if (!host || (expires != LEASE_EXPIRES_NEVER && expires <= m->now) || !names_it(m, host))
		return 0;
	for (i = 0; i < *m->n; i++)
		if (m->out[i].family == family && !memcmp(m->out[i].bytes, bytes, len))
			return 0;
	memset(&m->out[*m->n], 0, sizeof(m->out[*m->n]));
	m->out[*m->n].family = family;
	memcpy(m->out[(*m->n)++].bytes, bytes, len);
	return *m->n >= NSS_VNETD_ADDRS_MAX;    /* full: stop */
}

static int on_lease(void *userdata, const struct lease_info *l)
{
	return add(userdata, l->hostname, l->expires, AF_INET, &l->addr, 4);
}

static int on_lease6(void *userdata, const struct lease6_info *l)
{
	return add(userdata, l->hostname, l->expires, AF_INET6, &l->addr, 16);
}

void nss_vnetd_match(const char *text, size_t len, const char *name, const char *net,
		     const char *domain, int af, int64_t now, struct nss_vnetd_addr *out,
		     size_t *n)
{
	struct match m = { name, net, domain, now, out, n };

	/* v4 lines end where the "duid" line starts; v6 lines follow it */
	if (*n < NSS_VNETD_ADDRS_MAX && af != AF_INET6)
		lease_file_parse(text, lease_file6_v4_len(text, len), on_lease, NULL, &m);
	if (*n < NSS_VNETD_ADDRS_MAX && af != AF_INET)
		lease_file6_parse(text, len, on_lease6, NULL, &m);
}

/* A whole regular file of dirfd (no links followed), at most max bytes; NULL otherwise. */
static char *read_at(int dirfd, const char *file, size_t max, size_t *len)
{
	int fd = openat(dirfd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	ssize_t got;
	size_t off = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (size_t)st.st_size <= max &&
	    (buf = malloc((size_t)st.st_size + 1))) {
		while (off < (size_t)st.st_size &&
		       (got = read(fd, buf + off, (size_t)st.st_size - off)) > 0)
			off += (size_t)got;
		buf[off] = '\0';
		*len = off;
	}
	close(fd);
	return buf;
}

/*
 * The network's <domain name='...'> from its stored definition, which
 * vnetd's own formatter wrote (one "  <domain name='X'" line); "" if none.
 */
static void domain_of(const char *confdir, const char *net, char out[NSS_NAME_MAX + 1])
{
	static const char key[] = "\n  <domain name='";
	char path[4096], *text, *p;
	size_t len = 0, n;
	int dirfd;

	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/networks", confdir) >= (int)sizeof(path))
		return;
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return;
	snprintf(path, sizeof(path), "%s.xml", net);
	text = read_at(dirfd, path, NSS_DEF_MAX, &len);
	close(dirfd);
	if (text && (p = strstr(text, key))) {
		p += sizeof(key) - 1;
		n = strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		if (p[n] == '\'' && n <= NSS_NAME_MAX) {
			memcpy(out, p, n);
			out[n] = '\0';
		}
	}
	free(text);
}

static void search_network(int statefd, const char *confdir, const char *net,
			   const char *name, int af, int64_t now, struct nss_vnetd_addr *out,
			   size_t *n)
{
	char file[NSS_NAME_MAX + 16], domain[NSS_NAME_MAX + 1];
	int netfd = openat(statefd, net, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	size_t len = 0;
	char *text;

	if (netfd < 0)
		return;
	snprintf(file, sizeof(file), "%s.leases", net);
	text = read_at(netfd, file, NSS_FILE_MAX, &len);
	close(netfd);
	if (!text)
		return;
	domain_of(confdir, net, domain);
	nss_vnetd_match(text, len, name, net, domain[0] ? domain : NULL, af, now, out, n);
	free(text);
}

/* A directory from the environment (not for setuid programs), or the built-in one. */
static const char *dir_of(const char *var, const char *builtin)
{
	const char *v = secure_getenv(var);

	return v && *v ? v : builtin;
}

/* Only running networks answer: `start` writes RUNDIR/NET.state, `stop` removes it. */
static bool running(int runfd, const char *net)
{
	char file[NSS_NAME_MAX + 16];
	struct stat st;

	snprintf(file, sizeof(file), "%s.state", net);
	return runfd >= 0 && fstatat(runfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
	       S_ISREG(st.st_mode);
}

size_t nss_vnetd_find(const char *query, int af, int64_t now, struct nss_vnetd_addr *out)
{
	const char *confdir = dir_of("VNETD_NSS_CONFDIR", VNETD_NSS_CONFDIR);
	char name[NSS_NAME_MAX + 1];
	struct dirent *e;
	size_t n = 0, len = strlen(query);
	DIR *dir;
	int fd, runfd;

	if (len && query[len - 1] == '.')
		len--;
	if (!len || len > NSS_NAME_MAX)
		return 0;
	memcpy(name, query, len);
	name[len] = '\0';
	runfd = open(dir_of("VNETD_NSS_RUNDIR", VNETD_NSS_RUNDIR),
		     O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fd = open(dir_of("VNETD_NSS_STATEDIR", VNETD_NSS_STATEDIR),
		  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || !(dir = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		if (runfd >= 0)
			close(runfd);
		return 0;
	}
	while ((e = readdir(dir)) && n < NSS_VNETD_ADDRS_MAX)
		if (e->d_name[0] != '.' && (e->d_type == DT_DIR || e->d_type == DT_UNKNOWN) &&
		    running(runfd, e->d_name))
			search_network(dirfd(dir), confdir, e->d_name, name, af, now, out, &n);
	closedir(dir);
	if (runfd >= 0)
		close(runfd);
	return n;
}
