/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolv.conf(5) "nameserver" lines -> the default upstreams. Left out: the
 * unspecified address and the server's own addresses (forwarding to
 * ourselves). Loopback addresses stay: a host whose only resolver is a local
 * stub (unbound, a dnsmasq, a VPN client's) must still resolve for its
 * guests, as under dnsmasq; a stub that sends our queries back to us is
 * caught by the server's loop guard instead.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

static bool unusable(const struct dns_ip *ip, const struct dns_ip *self, size_t n_self)
{
	static const uint8_t zero[16];
	size_t i;

	if (memcmp(ip->bytes, zero, ip->family == AF_INET ? 4 : 16) == 0)
		return true;
	for (i = 0; i < n_self; i++)
		if (dns_ip_eq(ip, &self[i]))
			return true;
	return false;
}

/* One line [p, e): "nameserver ADDR" -> 1 with *ip, else 0. */
static int parse_line(const char *p, const char *e, struct dns_ip *ip)
{
	static const char kw[] = "nameserver";
	char addr[64];
	size_t n;

	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	if ((size_t)(e - p) < sizeof(kw) || memcmp(p, kw, sizeof(kw) - 1) != 0 ||
	    (p[sizeof(kw) - 1] != ' ' && p[sizeof(kw) - 1] != '\t'))
		return 0;
	p += sizeof(kw) - 1;
	while (p < e && (*p == ' ' || *p == '\t'))
		p++;
	for (n = 0; p + n < e && p[n] != ' ' && p[n] != '\t' && p[n] != '#' && p[n] != ';' &&
		    p[n] != '\r'; n++)
		;
	/* A %scope (link-local) needs an interface we do not have here. */
	if (!n || n >= sizeof(addr) || memchr(p, '%', n))
		return 0;
	memcpy(addr, p, n);
	addr[n] = 0;
	return dns_ip_parse(addr, ip) == 0;
}

int dns_resolv_conf_parse(const char *text, size_t len, const struct dns_ip *self,
			  size_t n_self, struct dns_ip *out, size_t cap)
{
	const char *p = text, *end = text + len, *e;
	size_t n = 0, i;
	struct dns_ip ip;

	if ((!text && len) || (!out && cap) || (!self && n_self))
		return -EINVAL;
	for (; p < end; p = e + 1) {
		e = memchr(p, '\n', (size_t)(end - p));
		if (!e)
			e = end;
		if (!parse_line(p, e, &ip) || unusable(&ip, self, n_self))
			continue;
		for (i = 0; i < n && !dns_ip_eq(&out[i], &ip); i++)
			;
		if (i == n && n < cap)
			out[n++] = ip;
	}
	return (int)n;
}
