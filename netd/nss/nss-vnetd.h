/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nss: libnss_vnetd.so.2, the `vnetd` source of the "hosts:" line in
 * /etc/nsswitch.conf (`hosts: files vnetd dns`), as libnss_libvirt is for
 * libvirt. It answers a guest's name, NAME.NETWORK or NAME.DOMAIN (the
 * network's <domain>) with the addresses of the unexpired leases that carry
 * that host name, read from STATEDIR/NET/NET.leases of every running network
 * (one with a run state, RUNDIR/NET.state).
 *
 * It runs inside every process that resolves a name, so it keeps no state
 * between calls (nothing to share between threads), frees all it takes,
 * reads files without following links, bounded (NSS_FILE_MAX), through the
 * same lease-line parser as the daemon (dhcp/lease), and never crashes on a
 * malformed file: a bad line is skipped. The directories are build-time
 * paths; VNETD_NSS_STATEDIR, VNETD_NSS_RUNDIR and VNETD_NSS_CONFDIR move
 * them for tests, read with secure_getenv so a setuid program never sees
 * them. IPv6 leases (the lines after the file's "duid" line, DHCPv6)
 * answer AF_INET6 queries, IPv4 ones AF_INET; getaddrinfo gets both.
 */
#ifndef VNETD_NSS_H
#define VNETD_NSS_H

#include <netdb.h>
#include <nss.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define NSS_VNETD_ADDRS_MAX 16      /* addresses answered for one name */

/* One answer: AF_INET (4 bytes used) or AF_INET6 (16). */
struct nss_vnetd_addr {
	int family;
	unsigned char bytes[16];
};

/*
 * The addresses of `name` (case-insensitive, a trailing dot ignored) at
 * `now` of family `af` (AF_INET, AF_INET6, or AF_UNSPEC for both: the v4
 * ones first), at most NSS_VNETD_ADDRS_MAX, into out; their number (0:
 * none). Directories come from the build or the environment (see above).
 */
size_t nss_vnetd_find(const char *name, int af, int64_t now, struct nss_vnetd_addr *out);

/*
 * The same over one lease file's text, for the network `net` with the DNS
 * domain `domain` (may be NULL): appends to out[*n] (up to the maximum).
 */
void nss_vnetd_match(const char *text, size_t len, const char *name, const char *net,
		     const char *domain, int af, int64_t now, struct nss_vnetd_addr *out,
		     size_t *n);

/* glibc's entry points (nss_module(7)). */
enum nss_status _nss_vnetd_gethostbyname4_r(const char *name, struct gaih_addrtuple **pat,
					    char *buffer, size_t buflen, int *errnop,
					    int *herrnop, int32_t *ttlp);
enum nss_status _nss_vnetd_gethostbyname3_r(const char *name, int af, struct hostent *result,
					    char *buffer, size_t buflen, int *errnop,
					    int *herrnop, int32_t *ttlp, char **canonp);
enum nss_status _nss_vnetd_gethostbyname2_r(const char *name, int af, struct hostent *result,
					    char *buffer, size_t buflen, int *errnop,
					    int *herrnop);
enum nss_status _nss_vnetd_gethostbyname_r(const char *name, struct hostent *result,
					   char *buffer, size_t buflen, int *errnop,
					   int *herrnop);

#endif
