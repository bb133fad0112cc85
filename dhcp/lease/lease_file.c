/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME.leases in dnsmasq's line format, "EXPIRY MAC IP HOSTNAME CLIENTID",
 * plus the small helpers every lease format shares. A bad line is reported
 * with its number and skipped; it never stops the load.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"

void lease_buf_free(struct lease_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int lease_buf_append(struct lease_buf *b, const void *data, size_t len)
{
	if (len > b->cap - b->len) {
		size_t cap = b->cap ? b->cap : 256;
		uint8_t *p;

		while (cap - b->len < len) {
			if (cap > SIZE_MAX / 2)
				return -ENOMEM;
			cap *= 2;
		}
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		b->data = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	return 0;
}

void lease_buf_sink(void *ctx, const void *data, size_t len)
{
	struct lease_buf *b = ctx;

	/* out of memory: the text is cut; a test or a reader sees it short */
	lease_buf_append(b, data, len);
}

size_t lease_hostname_sanitize(const uint8_t *in, size_t len, char out[LEASE_HOSTNAME_MAX + 1])
{
	size_t i, n = 0;

	for (i = 0; i < len && n < LEASE_HOSTNAME_MAX; i++) {
		unsigned char ch = in[i];

		if (ch == '.' || ch == 0)
			break;          /* the first label only; a NUL ends it (RFC 2132 §3.14) */
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '-')
			out[n++] = (char)ch;
		else if (ch == '_' || ch == ' ')
			out[n++] = '-';
	}
	while (n && out[n - 1] == '-')
		n--;            /* a DNS label does not end with '-' */
	i = 0;
	while (i < n && out[i] == '-')
		i++;
	memmove(out, out + i, n - i);
	n -= i;
	out[n] = 0;
	return n;
}

int lease_file_append(struct lease_buf *out, const struct lease_info *l)
{
	char line[64 + 3 * LEASE_CHADDR_MAX + LEASE_HOSTNAME_MAX + 3 * LEASE_CLIENT_ID_MAX];
	char mac[3 * LEASE_CHADDR_MAX + 8] = "", id[3 * LEASE_CLIENT_ID_MAX + 1] = "*";
	char name[LEASE_HOSTNAME_MAX + 1] = "", ip[INET_ADDRSTRLEN];
	int n, pre = 0;

	/* dnsmasq writes a hardware type prefix for anything but Ethernet. */
	if (l->htype != 1 || !l->hlen)
		pre = snprintf(mac, sizeof(mac), "%02x-", l->htype);
	hex_format(l->chaddr, l->hlen, mac + pre, sizeof(mac) - (size_t)pre);
	if (l->client_id_len)
		hex_format(l->client_id, l->client_id_len, id, sizeof(id));
	/* Whatever a client chose is sanitised again before it enters a line. */
	if (l->hostname)
		lease_hostname_sanitize((const uint8_t *)l->hostname, strlen(l->hostname), name);
	inet_ntop(AF_INET, &l->addr, ip, sizeof(ip));
	n = snprintf(line, sizeof(line), "%" PRId64 " %s %s %s %s\n",
		     l->expires == LEASE_EXPIRES_NEVER ? (int64_t)0 : l->expires, mac, ip,
		     *name ? name : "*", id);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return lease_buf_append(out, line, (size_t)n);
}


static int parse_fields(char **f, struct lease_info *l, uint8_t *id, char *name,
			const char **why)
{
	char *end, *mac = f[1];
	long long exp;
	int n;

	errno = 0;
	exp = strtoll(f[0], &end, 10);
	if (errno || *end || end == f[0] || exp < 0)
		return *why = "bad expiry time", -1;
	l->expires = exp == 0 ? LEASE_EXPIRES_NEVER : exp;
	l->htype = 1;
	if (strlen(mac) >= 3 && mac[2] == '-') {
		unsigned long t = strtoul(mac, &end, 16);

		if (end != mac + 2 || t > 255)
			return *why = "bad hardware type", -1;
		l->htype = (uint8_t)t;
		mac += 3;
	}
	n = hex_parse(mac, l->chaddr, LEASE_CHADDR_MAX);
	if (n < 0)
		return *why = "bad hardware address", -1;
	l->hlen = (uint8_t)n;
	if (inet_pton(AF_INET, f[2], &l->addr) != 1)
		return *why = "bad IPv4 address", -1;
	if (strcmp(f[3], "*") &&
	    lease_hostname_sanitize((const uint8_t *)f[3], strlen(f[3]), name))
		l->hostname = name;
	if (strcmp(f[4], "*")) {
		n = hex_parse(f[4], id, LEASE_CLIENT_ID_MAX);
		if (n <= 0)
			return *why = "bad client id", -1;
		l->client_id = id;
		l->client_id_len = (size_t)n;
	}
	if (!l->hlen && !l->client_id_len)
		return *why = "no hardware address and no client id", -1;
	return 0;
}

static void report(lease_problem_fn fn, void *ud, unsigned line, const char *why)
{
	struct lease_error e = { .code = -EINVAL, .line = line };

	if (!fn)
		return;
	snprintf(e.message, sizeof(e.message), "line %u: %s", line, why);
	fn(ud, &e);
}

int lease_file_parse(const char *text, size_t len, lease_info_fn on_lease,
		     lease_problem_fn on_problem, void *userdata)
{
	return lease_file_parse_lines(text, len, 0, on_lease, on_problem, userdata);
}

int lease_file_parse_lines(const char *text, size_t len, unsigned lines_before,
			   lease_info_fn on_lease, lease_problem_fn on_problem, void *userdata)
{
	char buf[1024], *f[6], *save;
	uint8_t id[LEASE_CLIENT_ID_MAX];
	char name[LEASE_HOSTNAME_MAX + 1];
	size_t pos = 0, start, n;
	unsigned line = lines_before;
	int count = 0, nf, rc;

	while (pos < len) {
		struct lease_info l = { 0 };
		const char *why = NULL;

		start = pos;
		while (pos < len && text[pos] != '\n')
			pos++;
		n = pos - start;
		pos++;          /* past the newline (or the end) */
		line++;
		if (n >= sizeof(buf)) {
			report(on_problem, userdata, line, "line too long");
			continue;
		}
		memcpy(buf, text + start, n);
		buf[n] = 0;
		if (memchr(buf, 0, n)) {
			report(on_problem, userdata, line, "NUL byte in line");
			continue;
		}
		for (nf = 0, f[0] = strtok_r(buf, " \t\r", &save); f[nf] && nf < 5;)
			f[++nf] = strtok_r(NULL, " \t\r", &save);
		if (nf == 0 || !strcmp(f[0], "duid"))
			continue;       /* blank, or dnsmasq's DHCPv6 server id */
		if (nf != 5 || f[5]) {
			report(on_problem, userdata, line, "expected 5 fields");
			continue;
		}
		if (parse_fields(f, &l, id, name, &why) < 0) {
			report(on_problem, userdata, line, why);
			continue;
		}
		rc = on_lease ? on_lease(userdata, &l) : 0;
		if (rc)
			return rc;
		count++;
	}
	return count;
}
