/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control protocol's one parser and its writers. Every byte of a
 * request is checked against what its place allows: the verb against the
 * table below, each key against the verb's own keys, values against
 * printable ASCII, and a body is there exactly when the verb takes one.
 */
#include "netd/ctl/ctl.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct verb_spec {
	const char *name;
	const char *const *keys;        /* NULL-terminated */
	bool body;                      /* required (and only then allowed) */
};

static const char *const no_keys[] = { NULL };
static const char *const apply_keys[] = { "origin", NULL };
static const char *const stats_keys[] = { "reset", NULL };       /* reset=loop */

static const struct verb_spec verbs[CTL_VERBS] = {
	[CTL_PING] = { "ping", no_keys, false },
	[CTL_STATS] = { "stats", stats_keys, false },
	[CTL_SUBSCRIBE] = { "subscribe", no_keys, false },
	[CTL_APPLY] = { "apply", apply_keys, true },
	[CTL_PUBLISH] = { "publish", no_keys, true },
};

const char *ctl_verb_name(enum ctl_verb verb)
{
	return (unsigned)verb < CTL_VERBS ? verbs[verb].name : "?";
}

static int fail(char *msg, size_t size, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *msg, size_t size, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, size, fmt, ap);
	va_end(ap);
	return code;
}

/* One line of buf[len] from *pos: its length (without '\n'), or -1 when no '\n' ends it. */
static long next_line(const char *buf, size_t len, size_t *pos, const char **line)
{
	const char *nl;

	if (*pos >= len)
		return -1;
	nl = memchr(buf + *pos, '\n', len - *pos);
	if (!nl)
		return -1;
	*line = buf + *pos;
	*pos = (size_t)(nl - buf) + 1;
	return nl - *line;
}

static bool all_in(const char *s, size_t n, const char *allowed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!s[i] || !strchr(allowed, s[i]))
			return false;
	return true;
}

static bool printable(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static int parse_verb(const char *line, long n, struct ctl_request *out, char *msg,
		      size_t size)
{
	size_t i;

	if (n <= 0 || n > 16 || !all_in(line, (size_t)n, "abcdefghijklmnopqrstuvwxyz"))
		return fail(msg, size, -EINVAL, "a request starts with a verb of lowercase letters");
	for (i = 0; i < CTL_VERBS; i++)
		if (strlen(verbs[i].name) == (size_t)n && !memcmp(verbs[i].name, line, (size_t)n)) {
			out->verb = (enum ctl_verb)i;
			return 0;
		}
	return fail(msg, size, -EINVAL, "unknown verb '%.*s'", (int)n, line);
}

static bool known_key(const struct verb_spec *v, const char *key)
{
	const char *const *k;

	for (k = v->keys; *k; k++)
		if (!strcmp(*k, key))
			return true;
	return false;
}

static int parse_arg(const char *line, long n, struct ctl_request *out, char *msg, size_t size)
{
	const struct verb_spec *v = &verbs[out->verb];
	const char *eq = memchr(line, '=', (size_t)n);
	struct ctl_arg *a;
	size_t klen, vlen, i;

	if (!eq || eq == line || !printable(line, (size_t)n))
		return fail(msg, size, -EINVAL, "'%s' takes lines of key=value, printable ASCII",
			    v->name);
	klen = (size_t)(eq - line);
	vlen = (size_t)n - klen - 1;
	if (klen >= CTL_KEY_MAX || !all_in(line, klen, "abcdefghijklmnopqrstuvwxyz_"))
		return fail(msg, size, -EINVAL, "'%s': a key is lowercase letters and '_'", v->name);
	if (vlen >= CTL_VALUE_MAX)
		return fail(msg, size, -EMSGSIZE, "'%s': value of %.*s longer than %d bytes",
			    v->name, (int)klen, line, CTL_VALUE_MAX - 1);
	if (out->n_args >= CTL_MAX_ARGS)
		return fail(msg, size, -EINVAL, "'%s': more than %d arguments", v->name,
			    CTL_MAX_ARGS);
	a = &out->args[out->n_args];
	memcpy(a->key, line, klen);
	a->key[klen] = '\0';
	memcpy(a->value, eq + 1, vlen);
	a->value[vlen] = '\0';
	if (!known_key(v, a->key))
		return fail(msg, size, -EINVAL, "'%s' takes no argument '%s'", v->name, a->key);
	for (i = 0; i < out->n_args; i++)
		if (!strcmp(out->args[i].key, a->key))
			return fail(msg, size, -EINVAL, "'%s': '%s' given twice", v->name, a->key);
	out->n_args++;
	return 0;
}

/* The body: the rest of the message, text without NUL bytes. */
static int parse_body(const char *buf, size_t len, size_t pos, struct ctl_request *out,
		      char *msg, size_t size)
{
	const struct verb_spec *v = &verbs[out->verb];

	if (!v->body)
		return fail(msg, size, -EINVAL, "'%s' takes no body", v->name);
	if (pos >= len)
		return fail(msg, size, -EINVAL, "'%s' needs a body", v->name);
	if (memchr(buf + pos, '\0', len - pos))
		return fail(msg, size, -EINVAL, "'%s': the body holds a NUL byte", v->name);
	out->body = buf + pos;
	out->body_len = len - pos;
	return 0;
}

int ctl_request_parse(const char *buf, size_t len, struct ctl_request *out, char *msg,
		      size_t msg_size)
{
	const char *line;
	size_t pos = 0;
	long n;
	int r;

	memset(out, 0, sizeof(*out));
	if (len > CTL_MSG_MAX)
		return fail(msg, msg_size, -EMSGSIZE, "a request is at most %d bytes", CTL_MSG_MAX);
	n = next_line(buf, len, &pos, &line);
	if (n < 0)
		return fail(msg, msg_size, -EINVAL, "a request starts with a verb line");
	if ((r = parse_verb(line, n, out, msg, msg_size)) < 0)
		return r;
	while ((n = next_line(buf, len, &pos, &line)) > 0)
		if ((r = parse_arg(line, n, out, msg, msg_size)) < 0)
			return r;
	if (n == 0)             /* an empty line: the body follows */
		return parse_body(buf, len, pos, out, msg, msg_size);
	if (pos < len)
		return fail(msg, msg_size, -EINVAL, "'%s': the last line has no newline",
			    verbs[out->verb].name);
	if (verbs[out->verb].body)
		return fail(msg, msg_size, -EINVAL, "'%s' needs a body", verbs[out->verb].name);
	return 0;
}

const char *ctl_request_arg(const struct ctl_request *req, const char *key)
{
	size_t i;

	for (i = 0; i < req->n_args; i++)
		if (!strcmp(req->args[i].key, key))
			return req->args[i].value;
	return NULL;
}

static int append(char *buf, size_t size, size_t *len, const char *data, size_t n)
{
	if (n > size - *len)
		return -EMSGSIZE;
	memcpy(buf + *len, data, n);
	*len += n;
	return 0;
}

int ctl_request_format(char *buf, size_t size, enum ctl_verb verb, const struct ctl_arg *args,
		       size_t n_args, const char *body, size_t body_len)
{
	char line[CTL_KEY_MAX + CTL_VALUE_MAX + 2];
	size_t len = 0, i;
	int n;

	if ((unsigned)verb >= CTL_VERBS || n_args > CTL_MAX_ARGS || size > CTL_MSG_MAX + 1)
		return -EINVAL;
	if (append(buf, size, &len, verbs[verb].name, strlen(verbs[verb].name)) < 0 ||
	    append(buf, size, &len, "\n", 1) < 0)
		return -EMSGSIZE;
	for (i = 0; i < n_args; i++) {
		n = snprintf(line, sizeof(line), "%s=%s\n", args[i].key, args[i].value);
		if (n < 0 || (size_t)n >= sizeof(line) || append(buf, size, &len, line, (size_t)n))
			return -EMSGSIZE;
	}
	if (body && (append(buf, size, &len, "\n", 1) < 0 ||
		     append(buf, size, &len, body, body_len) < 0))
		return -EMSGSIZE;
	return len > CTL_MSG_MAX ? -EMSGSIZE : (int)len;
}
