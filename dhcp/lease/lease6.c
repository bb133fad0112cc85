/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DHCPv6 leases in the same three files as DHCPv4 ones:
 *   NAME.leases    dnsmasq's layout: after the v4 lines, "duid SERVER-DUID",
 *                  then "EXPIRY IAID ADDRESS HOSTNAME CLIENT-DUID" per lease
 *                  (IAID in decimal, DUIDs as colon-separated hex, '*' for
 *                  no host name, EXPIRY 0 = infinite), as dnsmasq's
 *                  lease_update_file() writes them;
 *   NAME.journal6  the journal's frame (journal.c) around a v6 payload
 *                      u8 op | addr[16] | i64 expires (0 = never) | u32 iaid |
 *                      u8 mac_len (0 or 6) | mac | u8 duid_len | duid |
 *                      u8 name_len | name
 *   BRIDGE.status  libvirt's leaseshelper objects for v6 leases.
 * Everything untrusted is read through the bounds-checked reader or the
 * line splitter below; a bad line or record is reported, never fatal.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"

int lease_file6_duid_line(struct lease_buf *out, const uint8_t *duid, size_t len)
{
	char hex[3 * LEASE_DUID_MAX + 1];
	int rc;

	if (!len || len > LEASE_DUID_MAX)
		return -EINVAL;
	hex_format(duid, len, hex, sizeof(hex));
	rc = lease_buf_append(out, "duid ", 5);
	rc |= lease_buf_append(out, hex, strlen(hex));
	rc |= lease_buf_append(out, "\n", 1);
	return rc ? -ENOMEM : 0;
}

int lease_file6_append(struct lease_buf *out, const struct lease6_info *l)
{
	char line[64 + INET6_ADDRSTRLEN + LEASE_HOSTNAME_MAX + 3 * LEASE_DUID_MAX];
	char ip[INET6_ADDRSTRLEN], duid[3 * LEASE_DUID_MAX + 1] = "*";
	char name[LEASE_HOSTNAME_MAX + 1] = "";
	int n;

	if (l->duid_len > LEASE_DUID_MAX)
		return -EINVAL;
	if (l->duid_len)
		hex_format(l->duid, l->duid_len, duid, sizeof(duid));
	if (l->hostname)
		lease_hostname_sanitize((const uint8_t *)l->hostname, strlen(l->hostname), name);
	inet_ntop(AF_INET6, &l->addr, ip, sizeof(ip));
	n = snprintf(line, sizeof(line), "%" PRId64 " %" PRIu32 " %s %s %s\n",
		     l->expires == LEASE_EXPIRES_NEVER ? (int64_t)0 : l->expires, l->iaid, ip,
		     *name ? name : "*", duid);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return lease_buf_append(out, line, (size_t)n);
}

/* ---- reading the lease file ---- */

struct line_walk {
	const char *text;
	size_t len, pos;
	unsigned line;
	char buf[1024];
	char *f[6];
	int nf;
};

/* The next line split into at most 5 fields (nf 6: too many); false at the end. */
static bool next_line(struct line_walk *w, const char **why)
{
	size_t start = w->pos, n;
	char *save;

	if (w->pos >= w->len)
		return false;
	while (w->pos < w->len && w->text[w->pos] != '\n')
		w->pos++;
	n = w->pos - start;
	w->pos++;
	w->line++;
	w->nf = 0;
	*why = NULL;
	if (n >= sizeof(w->buf))
		return *why = "line too long", true;
	memcpy(w->buf, w->text + start, n);
	w->buf[n] = 0;
	if (memchr(w->buf, 0, n))
		return *why = "NUL byte in line", true;
	for (w->f[0] = strtok_r(w->buf, " \t\r", &save); w->f[w->nf] && w->nf < 5;)
		w->f[++w->nf] = strtok_r(NULL, " \t\r", &save);
	if (w->nf == 5 && w->f[5])
		w->nf = 6;
	return true;
}

static void report(lease_problem_fn fn, void *ud, unsigned line, const char *why)
{
	struct lease_error e = { .code = -EINVAL, .line = line };

	if (!fn)
		return;
	snprintf(e.message, sizeof(e.message), "line %u: %s", line, why);
	fn(ud, &e);
}

/* MAC from a DUID-LLT or DUID-LL of hardware type 1 (Ethernet), as dnsmasq finds it. */
static void mac_from_duid(struct lease6_info *l)
{
	const uint8_t *d = l->duid;
	size_t off;

	l->has_mac = false;
	if (l->duid_len == 14 && d[0] == 0 && d[1] == 1 && d[2] == 0 && d[3] == 1)
		off = 8;
	else if (l->duid_len == 10 && d[0] == 0 && d[1] == 3 && d[2] == 0 && d[3] == 1)
		off = 4;
	else
		return;
	memcpy(l->mac, d + off, 6);
	l->has_mac = true;
}

static const char *parse_fields6(char **f, struct lease6_info *l, uint8_t *duid, char *name)
{
	char *end;
	long long exp;
	unsigned long iaid;
	int n;

	errno = 0;
	exp = strtoll(f[0], &end, 10);
	if (errno || *end || end == f[0] || exp < 0)
		return "bad expiry time";
	l->expires = exp == 0 ? LEASE_EXPIRES_NEVER : exp;
	if (f[1][0] == 'T')
		return "temporary address (IA_TA) lease not served";
	errno = 0;
	iaid = strtoul(f[1], &end, 10);
	if (errno || *end || end == f[1] || f[1][0] == '-' || iaid > UINT32_MAX)
		return "bad IAID";
	l->iaid = (uint32_t)iaid;
	if (inet_pton(AF_INET6, f[2], &l->addr) != 1)
		return "bad IPv6 address";
	if (strcmp(f[3], "*") &&
	    lease_hostname_sanitize((const uint8_t *)f[3], strlen(f[3]), name))
		l->hostname = name;
	n = strcmp(f[4], "*") ? hex_parse(f[4], duid, LEASE_DUID_MAX) : 0;
	if (n <= 0)
		return "bad client DUID";
	l->duid = duid;
	l->duid_len = (size_t)n;
	mac_from_duid(l);
	return NULL;
}

int lease_file6_parse(const char *text, size_t len,
		      int (*on_lease)(void *userdata, const struct lease6_info *l),
		      lease_problem_fn on_problem, void *userdata)
{
	struct line_walk *w = calloc(1, sizeof(*w));
	uint8_t duid[LEASE_DUID_MAX];
	char name[LEASE_HOSTNAME_MAX + 1];
	const char *why;
	bool v6 = false;
	int count = 0, rc = 0;

	if (!w)
		return -ENOMEM;
	w->text = text;
	w->len = len;
	while (!rc && next_line(w, &why)) {
		struct lease6_info l = { 0 };

		if (!v6) {
			/* v4 lines are dhcp/v4's; a bad one is reported there */
			v6 = !why && w->nf >= 1 && !strcmp(w->f[0], "duid");
			continue;
		}
		if (!why && !w->nf)
			continue;
		if (!why && w->nf != 5)
			why = "expected 5 fields";
		if (!why)
			why = parse_fields6(w->f, &l, duid, name);
		if (why) {
			report(on_problem, userdata, w->line, why);
			continue;
		}
		rc = on_lease ? on_lease(userdata, &l) : 0;
		count += !rc;
	}
	free(w);
	return rc ? rc : count;
}

int lease_file6_server_duid(const char *text, size_t len, uint8_t *out, size_t cap)
{
	struct line_walk *w = calloc(1, sizeof(*w));
	const char *why;
	int n = -ENOENT;

	if (!w)
		return -ENOMEM;
	w->text = text;
	w->len = len;
	while (next_line(w, &why)) {
		if (why || w->nf != 2 || strcmp(w->f[0], "duid"))
			continue;
		n = hex_parse(w->f[1], out, cap);
		if (n <= 0)
			n = -ENOENT;
		break;
	}
	free(w);
	return n;
}

size_t lease_file6_v4_len(const char *text, size_t len)
{
	size_t pos = 0;

	/* a line starting "duid" followed by a blank, as dnsmasq writes it */
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;

		if (end - pos > 5 && !memcmp(text + pos, "duid", 4) &&
		    (text[pos + 4] == ' ' || text[pos + 4] == '\t'))
			return pos;
		pos = end + 1;
	}
	return len;
}
