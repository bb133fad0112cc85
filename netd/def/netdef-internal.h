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

/* Equality of the model's parts (model.c), for netdef_equal and netdef_diff. */
bool netdef_str_eq(const char *a, const char *b);
bool netdef_lease_eq(const struct netdef_lease *a, const struct netdef_lease *b);
bool netdef_range_eq(const struct netdef_range *a, const struct netdef_range *b);
bool netdef_dhcp_host_eq(const struct netdef_dhcp_host *a, const struct netdef_dhcp_host *b);
bool netdef_dns_host_eq(const struct netdef_dns_host *a, const struct netdef_dns_host *b);
bool netdef_dns_forwarder_eq(const struct netdef_dns_forwarder *a,
			     const struct netdef_dns_forwarder *b);
bool netdef_srv_eq(const struct netdef_dns_srv *a, const struct netdef_dns_srv *b);
bool netdef_forward_eq(const struct netdef_forward *a, const struct netdef_forward *b);

/*
 * fragment.c: one element of `want` for `update`, checked alone, then
 * parsed inside a minimal network (in the <dhcp> of an <ip> like `ip`, or of
 * an IPv6 one like `ip6` when that is given, when in_dhcp; else in <dns>).
 * 0 with *out, or a negative code with err ("fragment:LINE: FIELD").
 */
int netdef_fragment_parse(const struct netdef_ip *ip, const struct netdef_ip6 *ip6, bool in_dhcp,
			  bool partial, const char *want, const char *xml, struct netdef **out,
			  struct netdef_error *err);

/* update6.c: the DHCP sections of `update` on an IPv6 <ip> (the fragment's entry is taken). */
int netdef_update_host6(struct netdef *def, struct netdef_ip6 *ip, enum netdef_update_cmd cmd,
			struct netdef_dhcp6_host *f, struct netdef_error *err);
int netdef_update_range6(struct netdef *def, struct netdef_ip6 *ip, enum netdef_update_cmd cmd,
			 const struct netdef_range6 *f, struct netdef_error *err);

/* netdef_parse, with the rules across elements checked or not (a fragment to delete by). */
int netdef_parse_checked(const char *buf, size_t len, const char *origin, bool validate,
			 struct netdef **ret, struct netdef_error *err);

/*
 * dupes.c: for each DHCP host of `ip`, the index of the first earlier host
 * with the same key into first[n_hosts] (UINT32_MAX: none). 0, or -1 when
 * out of memory.
 */
enum netdef_host_key { NETDEF_KEY_MAC, NETDEF_KEY_ID, NETDEF_KEY_NAME, NETDEF_KEY_IP };
int netdef_host_dupes(const struct netdef_ip *ip, enum netdef_host_key key, uint32_t *first);

/* A fresh random (version 4) uuid. */
void netdef_uuid_generate(uint8_t out[16]);

/* format.c, for format6.c: an escaped attribute (none when value is NULL), a <lease>. */
void netdef_put_attr(FILE *f, const char *name, const char *value);
void netdef_put_lease(FILE *f, const struct netdef_lease *l, const char *indent);

/* model6.c and format6.c: the IPv6 parts */
void netdef_free_ip6(struct netdef *def);
bool netdef_ip6_equal(const struct netdef *a, const struct netdef *b);
/* netdef_diff()'s IPv6 half (model6.c). */
unsigned netdef_diff6(const struct netdef *a, const struct netdef *b);
void netdef_put_ip6s(FILE *f, const struct netdef *def);
void netdef_put_routes6(FILE *f, const struct netdef *def);
/* validate6.c */
bool netdef_in_subnet6(const struct in6_addr *a, const struct in6_addr *net, unsigned prefix);
int netdef_validate_ip6(const struct netdef *def, struct netdef_error *err);

#endif
