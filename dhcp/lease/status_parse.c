/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading libvirt's BRIDGE.status (see status_json.c for the writer): a JSON
 * array of flat objects. A small bounded reader, not a general JSON parser:
 * strings of at most STATUS_STRING_MAX bytes, whole numbers, true/false/null,
 * no nesting inside an object. A broken document stops the read at the line
 * it breaks on; an object that is well-formed but unusable (no address, a
 * bad MAC) is reported with its line and skipped. The array holds both
 * families (libvirt's leaseshelper writes DHCPv6 leases with "iaid" and
 * "server-duid"): each reader passes on its own and steps over the other's.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"

#define STATUS_STRING_MAX 1024

struct jcur {
	const char *p, *end;
	unsigned line;
	const char *why;        /* set when the document is broken */
};

/* One object's fields as read; strings are "" when absent. */
struct status_obj {
	unsigned line;
	char ip[STATUS_STRING_MAX], mac[STATUS_STRING_MAX], host[STATUS_STRING_MAX];
	char cid[STATUS_STRING_MAX], iaid[STATUS_STRING_MAX], server_duid[STATUS_STRING_MAX];
	bool has_expiry, has_iaid;
	long long expiry, iaid_num;
};

/* to_lease()'s answer for an object of the other family: no problem, not ours. */
static const char other_family[] = "";

static void skip_ws(struct jcur *c)
{
	for (; c->p < c->end && strchr(" \t\r\n", *c->p) && *c->p; c->p++)
		if (*c->p == '\n')
			c->line++;
}

static bool take(struct jcur *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

static int broken(struct jcur *c, const char *why)
{
	c->why = why;
	return -1;
}

/* \uXXXX of ASCII only: the status holds names and hex, nothing wider. */
static int unescape(struct jcur *c, char *ch)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e;
	int v = 0, i, d;

	if (c->p >= c->end)
		return broken(c, "unterminated string");
	if (*c->p != 'u') {
		e = strchr(from, *c->p);
		if (!e || !*c->p)
			return broken(c, "bad escape in string");
		*ch = to[e - from];
		c->p++;
		return 0;
	}
	if (c->end - c->p < 5)
		return broken(c, "unterminated string");
	for (i = 1; i <= 4; i++) {
		if ((d = hex_value((unsigned char)c->p[i])) < 0)
			return broken(c, "bad \\u escape in string");
		v = v * 16 + d;
	}
	if (v == 0 || v > 0x7f)
		return broken(c, "\\u escape outside ASCII in string");
	*ch = (char)v;
	c->p += 5;
	return 0;
}

static int read_string(struct jcur *c, char out[STATUS_STRING_MAX])
{
	size_t n = 0;
	char ch;

	if (!take(c, '"'))
		return broken(c, "expected a string");
	while (c->p < c->end && *c->p != '"') {
		ch = *c->p++;
		if ((unsigned char)ch < 0x20)
			return broken(c, "control character in string");
		if (ch == '\\' && unescape(c, &ch) < 0)
			return -1;
		if (n + 1 >= STATUS_STRING_MAX)
			return broken(c, "string longer than 1024 bytes");
		out[n++] = ch;
	}
	if (c->p >= c->end)
		return broken(c, "unterminated string");
	c->p++;
	out[n] = '\0';
	return 0;
}

/* A whole number, or a literal (*num untouched, *is_num false). */
static int read_scalar(struct jcur *c, long long *num, bool *is_num)
{
	static const char *const lits[] = { "true", "false", "null" };
	long long v = 0;
	bool neg = false;
	size_t i;

	skip_ws(c);
	*is_num = false;
	for (i = 0; i < 3; i++)
		if ((size_t)(c->end - c->p) >= strlen(lits[i]) &&
		    !memcmp(c->p, lits[i], strlen(lits[i]))) {
			c->p += strlen(lits[i]);
			return 0;
		}
	if (c->p < c->end && *c->p == '-') {
		neg = true;
		c->p++;
	}
	if (c->p >= c->end || *c->p < '0' || *c->p > '9')
		return broken(c, "expected a value");
	for (; c->p < c->end && *c->p >= '0' && *c->p <= '9'; c->p++) {
		if (v > (INT64_MAX - 9) / 10)
			return broken(c, "number too large");
		v = v * 10 + (*c->p - '0');
	}
	if (c->p < c->end && strchr(".eE", *c->p) && *c->p)
		return broken(c, "not a whole number");
	*num = neg ? -v : v;
	*is_num = true;
	return 0;
}

static char *field_of(struct status_obj *o, const char *key)
{
	return !strcmp(key, "ip-address") ? o->ip : !strcmp(key, "mac-address") ? o->mac :
	       !strcmp(key, "hostname") ? o->host : !strcmp(key, "client-id") ? o->cid :
	       !strcmp(key, "iaid") ? o->iaid : !strcmp(key, "server-duid") ? o->server_duid : NULL;
}

static int read_member(struct jcur *c, struct status_obj *o)
{
	char key[STATUS_STRING_MAX], junk[STATUS_STRING_MAX], *dst;
	long long num = 0;
	bool is_num;

	if (read_string(c, key) < 0)
		return -1;
	if (!take(c, ':'))
		return broken(c, "expected ':'");
	skip_ws(c);
	if (c->p < c->end && (*c->p == '{' || *c->p == '['))
		return broken(c, "nested values are not part of a status file");
	if (c->p < c->end && *c->p == '"') {
		if (!strcmp(key, "expiry-time"))
			return broken(c, "expiry-time is not a number");
		dst = field_of(o, key);
		return read_string(c, dst ? dst : junk);
	}
	if (read_scalar(c, &num, &is_num) < 0)
		return -1;
	if (!strcmp(key, "expiry-time")) {
		if (!is_num)
			return broken(c, "expiry-time is not a number");
		o->has_expiry = true;
		o->expiry = num;
	}
	if (!strcmp(key, "iaid") && is_num) {
		o->has_iaid = true;
		o->iaid_num = num;
	}
	return 0;
}

static int read_object(struct jcur *c, struct status_obj *o)
{
	memset(o, 0, sizeof(*o));
	skip_ws(c);
	o->line = c->line;
	if (!take(c, '{'))
		return broken(c, "expected '{'");
	if (take(c, '}'))
		return 0;
	do {
		if (read_member(c, o) < 0)
			return -1;
	} while (take(c, ','));
	return take(c, '}') ? 0 : broken(c, "expected ',' or '}'");
}

/* An object as a lease, or why it cannot be one. */
static const char *to_lease(const struct status_obj *o, struct lease_info *l,
			    uint8_t id[LEASE_CLIENT_ID_MAX], char name[LEASE_HOSTNAME_MAX + 1])
{
	int n;

	memset(l, 0, sizeof(*l));
	if (!o->ip[0])
		return "no ip-address";
	if (strchr(o->ip, ':'))
		return other_family;
	if (inet_pton(AF_INET, o->ip, &l->addr) != 1)
		return "bad ip-address";
	l->htype = 1;
	if (o->mac[0]) {
		if ((n = hex_parse(o->mac, l->chaddr, LEASE_CHADDR_MAX)) <= 0)
			return "bad mac-address";
		l->hlen = (uint8_t)n;
	}
	if (o->cid[0]) {
		if ((n = hex_parse(o->cid, id, LEASE_CLIENT_ID_MAX)) <= 0)
			return "bad client-id";
		l->client_id = id;
		l->client_id_len = (size_t)n;
	}
	if (!l->hlen && !l->client_id_len)
		return "no mac-address and no client-id";
	if (!o->has_expiry || o->expiry < 0)
		return "no expiry-time (unix seconds, 0 for never)";
	l->expires = o->expiry == 0 ? LEASE_EXPIRES_NEVER : (int64_t)o->expiry;
	if (o->host[0] &&
	    lease_hostname_sanitize((const uint8_t *)o->host, strlen(o->host), name))
		l->hostname = name;
	return NULL;
}

static void report(lease_problem_fn fn, void *ud, int code, unsigned line, const char *why)
{
	struct lease_error e = { .code = code, .line = line };

	if (!fn)
		return;
	snprintf(e.message, sizeof(e.message), "line %u: %s", line, why);
	fn(ud, &e);
}

/* What a reader does with one object: 0, or a value that stops the read. */
struct status_reader {
	int (*one)(struct status_reader *r, const struct status_obj *o);
	lease_problem_fn on_problem;
	void *userdata;
	int count;
};

/* One object: to on_lease, or its problem to on_problem. 0, or on_lease's stop value. */
struct reader4 {
	struct status_reader r;
	lease_info_fn on_lease;
};

static int deliver(struct status_reader *r, const struct status_obj *o)
{
	struct reader4 *r4 = (struct reader4 *)r;
	uint8_t id[LEASE_CLIENT_ID_MAX];
	char name[LEASE_HOSTNAME_MAX + 1];
	struct lease_info l;
	const char *why = to_lease(o, &l, id, name);

	if (why == other_family)
		return 0;
	if (why) {
		report(r->on_problem, r->userdata, -EINVAL, o->line, why);
		return 0;
	}
	r->count++;
	return r4->on_lease ? r4->on_lease(r->userdata, &l) : 0;
}

static int read_array(const char *text, size_t len, struct status_reader *r);

int lease_status_parse(const char *text, size_t len, lease_info_fn on_lease,
		       lease_problem_fn on_problem, void *userdata)
{
	struct reader4 r4 = { { deliver, on_problem, userdata, 0 }, on_lease };

	return read_array(text, len, &r4.r);
}

/* ---- the DHCPv6 objects ---- */

struct reader6 {
	struct status_reader r;
	int (*on_lease)(void *userdata, const struct lease6_info *l);
	uint8_t *server_duid;
	size_t cap, *server_duid_len;
};

static const char *to_lease6(const struct status_obj *o, struct lease6_info *l,
			     uint8_t duid[LEASE_DUID_MAX], char name[LEASE_HOSTNAME_MAX + 1])
{
	unsigned long long iaid;
	char *end;
	int n;

	memset(l, 0, sizeof(*l));
	if (!o->ip[0])
		return "no ip-address";
	if (!strchr(o->ip, ':'))
		return other_family;
	if (inet_pton(AF_INET6, o->ip, &l->addr) != 1)
		return "bad ip-address";
	if (!o->cid[0] || (n = hex_parse(o->cid, duid, LEASE_DUID_MAX)) <= 0)
		return "no client-id (the client's DUID), or a bad one";
	l->duid = duid;
	l->duid_len = (size_t)n;
	if (o->has_iaid) {
		iaid = (unsigned long long)o->iaid_num;
	} else {
		errno = 0;
		iaid = strtoull(o->iaid, &end, 10);
		if (!o->iaid[0] || *end || errno)
			return "no iaid, or not a number";
	}
	if (iaid > UINT32_MAX)
		return "iaid out of range";
	l->iaid = (uint32_t)iaid;
	if (o->mac[0])
		l->has_mac = hex_parse(o->mac, l->mac, 6) == 6;
	if (!o->has_expiry || o->expiry < 0)
		return "no expiry-time (unix seconds, 0 for never)";
	l->expires = o->expiry == 0 ? LEASE_EXPIRES_NEVER : (int64_t)o->expiry;
	if (o->host[0] &&
	    lease_hostname_sanitize((const uint8_t *)o->host, strlen(o->host), name))
		l->hostname = name;
	return NULL;
}

static int deliver6(struct status_reader *r, const struct status_obj *o)
{
	struct reader6 *r6 = (struct reader6 *)r;
	uint8_t duid[LEASE_DUID_MAX];
	char name[LEASE_HOSTNAME_MAX + 1];
	struct lease6_info l;
	const char *why = to_lease6(o, &l, duid, name);
	int n;

	if (why == other_family)
		return 0;
	if (why) {
		report(r->on_problem, r->userdata, -EINVAL, o->line, why);
		return 0;
	}
	/* the first object's server DUID is the one the guests know */
	if (r6->server_duid_len && !*r6->server_duid_len && o->server_duid[0] &&
	    (n = hex_parse(o->server_duid, r6->server_duid, r6->cap)) > 0)
		*r6->server_duid_len = (size_t)n;
	r->count++;
	return r6->on_lease ? r6->on_lease(r->userdata, &l) : 0;
}

int lease_status6_parse(const char *text, size_t len,
			int (*on_lease)(void *userdata, const struct lease6_info *l),
			lease_problem_fn on_problem, void *userdata, uint8_t *server_duid,
			size_t cap, size_t *server_duid_len)
{
	struct reader6 r6 = { { deliver6, on_problem, userdata, 0 }, on_lease, server_duid, cap,
			      server_duid_len };

	if (server_duid_len)
		*server_duid_len = 0;
	return read_array(text, len, &r6.r);
}

static int read_array(const char *text, size_t len, struct status_reader *r)
{
	struct jcur c = { text, text + len, 1, NULL };
	lease_problem_fn on_problem = r->on_problem;
	void *userdata = r->userdata;
	struct status_obj o;
	int rc;

	skip_ws(&c);
	if (c.p == c.end)
		return 0;       /* an empty file: no leases yet */
	if (!take(&c, '['))
		return report(on_problem, userdata, -EBADMSG, c.line, "expected '['"), -EBADMSG;
	if (!take(&c, ']')) {
		do {
			if (read_object(&c, &o) < 0)
				break;
			if ((rc = r->one(r, &o)) != 0)
				return rc;
		} while (take(&c, ','));
		if (!c.why && !take(&c, ']'))
			broken(&c, "expected ',' or ']'");
	}
	skip_ws(&c);
	if (!c.why && c.p != c.end)
		broken(&c, "text after the array");
	if (c.why) {
		report(on_problem, userdata, -EBADMSG, c.line, c.why);
		return -EBADMSG;
	}
	return r->count;
}
