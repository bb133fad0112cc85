/* SPDX-License-Identifier: GPL-2.0-or-later */
/* netdef internals shared by the parser, validator, formatter and tests. */
#ifndef VNETD_NETDEF_INTERNAL_H
#define VNETD_NETDEF_INTERNAL_H

#include "netd/def/netdef.h"

#include <stdarg.h>
#include <stdio.h>

/* Strict value parsers: the whole string must match; return false otherwise. */
bool netdef_parse_ipv4(const char *s, struct in_addr *out);
bool netdef_parse_mac(const char *s, uint8_t out[6]);
/* libvirt's DUID text (hex bytes joined by ':') into out[cap]; 2 bytes at least. */
bool netdef_parse_duid(const char *s, uint8_t *out, size_t cap, size_t *len);
bool netdef_parse_uuid(const char *s, uint8_t out[16]);
/* netmask → prefix length; false when the mask is not contiguous. */
bool netdef_netmask_to_prefix(struct in_addr mask, unsigned *prefix);
/* Classful default prefix (A/B/C) for an address; 0 for class D/E. */
unsigned netdef_classful_prefix(struct in_addr addr);

/* A DNS name: labels of 1..63 [A-Za-z0-9_-], at most 253 characters. */
bool netdef_valid_dns_name(const char *s);

/* Grow an array by one zeroed element; NULL on allocation failure. */
void *netdef_array_push(void *arrayp, size_t *count, size_t elem_size);

/* Fill an error; returns `code` so callers can `return netdef_fail(...)`. */
int netdef_fail(struct netdef_error *err, int code, unsigned line, const char *field,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* A fresh random (version 4) uuid. */
void netdef_uuid_generate(uint8_t out[16]);

/* format.c, for format6.c: an escaped attribute (none when value is NULL), a <lease>. */
void netdef_put_attr(FILE *f, const char *name, const char *value);
void netdef_put_lease(FILE *f, const struct netdef_lease *l, const char *indent);

/* model6.c and format6.c: the IPv6 parts */
void netdef_free_ip6(struct netdef *def);
bool netdef_ip6_equal(const struct netdef *a, const struct netdef *b);
void netdef_put_ip6s(FILE *f, const struct netdef *def);
void netdef_put_routes6(FILE *f, const struct netdef *def);
/* validate6.c */
bool netdef_in_subnet6(const struct in6_addr *a, const struct in6_addr *net, unsigned prefix);
int netdef_validate_ip6(const struct netdef *def, struct netdef_error *err);

#endif
