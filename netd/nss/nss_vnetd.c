/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nss: glibc's entry points for "hosts: vnetd" (nss_module(7)). Answers go
 * into the caller's buffer only; ERANGE asks glibc for a bigger one.
 */
#include "netd/nss/nss-vnetd.h"

#include <errno.h>
#include <stdalign.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#define EXPORT __attribute__((visibility("default")))

/* A piece of the caller's buffer, aligned for pointers; NULL when it does not fit. */
static void *carve(char **buf, size_t *left, size_t size)
{
	size_t pad = (alignof(void *) - ((uintptr_t)*buf % alignof(void *))) % alignof(void *);
	void *p;

	if (pad > *left || size > *left - pad)
		return NULL;
	p = *buf + pad;
	*buf += pad + size;
	*left -= pad + size;
	return p;
}

static enum nss_status not_found(int *errnop, int *herrnop)
{
	*errnop = ENOENT;
	*herrnop = HOST_NOT_FOUND;
	return NSS_STATUS_NOTFOUND;
}

static enum nss_status too_small(int *errnop, int *herrnop)
{
	*errnop = ERANGE;
	*herrnop = NETDB_INTERNAL;
	return NSS_STATUS_TRYAGAIN;
}

static size_t lookup(const char *name, int af, struct nss_vnetd_addr *addrs)
{
	return name ? nss_vnetd_find(name, af, (int64_t)time(NULL), addrs) : 0;
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

EXPORT enum nss_status _nss_vnetd_gethostbyname4_r(const char *name,
						   struct gaih_addrtuple **pat, char *buffer,
						   size_t buflen, int *errnop, int *herrnop,
						   int32_t *ttlp)
{
	struct nss_vnetd_addr addrs[NSS_VNETD_ADDRS_MAX];
	size_t n = lookup(name, AF_UNSPEC, addrs), i;
	struct gaih_addrtuple *prev = NULL, *t;
	char *copy;

	if (!n)
		return not_found(errnop, herrnop);
	copy = carve(&buffer, &buflen, strlen(name) + 1);
	if (!copy)
		return too_small(errnop, herrnop);
	strcpy(copy, name);
	for (i = 0; i < n; i++) {
		if (!(t = carve(&buffer, &buflen, sizeof(*t))))
			return too_small(errnop, herrnop);
		memset(t, 0, sizeof(*t));
		t->name = i ? NULL : copy;
		t->family = addrs[i].family;
		memcpy(t->addr, addrs[i].bytes, addr_len(addrs[i].family));
		if (prev)
			prev->next = t;
		else
			*pat = t;
		prev = t;
	}
	if (ttlp)
		*ttlp = 0;
	return NSS_STATUS_SUCCESS;
}

/* name, no aliases, the addresses: all inside the caller's buffer. */
static enum nss_status fill_hostent(const char *name, int af,
				    const struct nss_vnetd_addr *addrs, size_t n,
				    struct hostent *h, char *buffer, size_t buflen,
				    int *errnop, int *herrnop)
{
	size_t len = addr_len(af);
	char **aliases, **list, *copy;
	size_t i;

	copy = carve(&buffer, &buflen, strlen(name) + 1);
	aliases = carve(&buffer, &buflen, sizeof(char *));
	list = carve(&buffer, &buflen, (n + 1) * sizeof(char *));
	if (!copy || !aliases || !list)
		return too_small(errnop, herrnop);
	for (i = 0; i < n; i++)
		if (!(list[i] = carve(&buffer, &buflen, len)))
			return too_small(errnop, herrnop);
		else
			memcpy(list[i], addrs[i].bytes, len);
	strcpy(copy, name);
	aliases[0] = NULL;
	list[n] = NULL;
	h->h_name = copy;
	h->h_aliases = aliases;
	h->h_addrtype = af;
	h->h_length = (int)len;
	h->h_addr_list = list;
	return NSS_STATUS_SUCCESS;
}

EXPORT enum nss_status _nss_vnetd_gethostbyname3_r(const char *name, int af,
						   struct hostent *result, char *buffer,
						   size_t buflen, int *errnop, int *herrnop,
						   int32_t *ttlp, char **canonp)
{
	struct nss_vnetd_addr addrs[NSS_VNETD_ADDRS_MAX];
	enum nss_status s;
	size_t n;

	if (af != AF_INET && af != AF_INET6) {
		*errnop = EAFNOSUPPORT;
		*herrnop = NO_RECOVERY;
		return NSS_STATUS_UNAVAIL;
	}
	n = lookup(name, af, addrs);
	if (!n)
		return not_found(errnop, herrnop);
	s = fill_hostent(name, af, addrs, n, result, buffer, buflen, errnop, herrnop);
	if (s == NSS_STATUS_SUCCESS) {
		if (ttlp)
			*ttlp = 0;
		if (canonp)
			*canonp = result->h_name;
	}
	return s;
}

EXPORT enum nss_status _nss_vnetd_gethostbyname2_r(const char *name, int af,
						   struct hostent *result, char *buffer,
						   size_t buflen, int *errnop, int *herrnop)
{
	return _nss_vnetd_gethostbyname3_r(name, af, result, buffer, buflen, errnop, herrnop,
					   NULL, NULL);
}

EXPORT enum nss_status _nss_vnetd_gethostbyname_r(const char *name, struct hostent *result,
						  char *buffer, size_t buflen, int *errnop,
						  int *herrnop)
{
	return _nss_vnetd_gethostbyname3_r(name, AF_INET, result, buffer, buflen, errnop,
					   herrnop, NULL, NULL);
}
