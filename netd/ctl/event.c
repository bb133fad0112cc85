/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An event as the daemon writes it — one flat JSON object of strings,
 * integers, booleans and null — read back for `events` without --json.
 * Bounded: known keys are kept (strings cut to their field), unknown keys
 * are skipped, anything that is not such an object is refused.
 */
#include "netd/ctl/ctl.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

struct cursor {
	const char *p, *end;
};

static void skip_ws(struct cursor *c)
{
	while (c->p < c->end && (*c->p == ' ' || *c->p == '\t'))
		c->p++;
}

static bool take(struct cursor *c, char ch)
{
	skip_ws(c);
	if (c->p < c->end && *c->p == ch) {
		c->p++;
		return true;
	}
	return false;
}

/* A string into out[size] (escapes kept as written, cut to fit); false when malformed. */
static bool read_string(struct cursor *c, char *out, size_t size)
{
	size_t n = 0;

	if (!take(c, '"'))
		return false;
	while (c->p < c->end && *c->p != '"') {
		if ((unsigned char)*c->p < 0x20 || (unsigned char)*c->p > 0x7e)
			return false;
		if (*c->p == '\\' && c->p + 1 < c->end) {
			if (n + 1 < size)
				out[n++] = *c->p;
			c->p++;
		}
		if (n + 1 < size)
			out[n++] = *c->p;
		c->p++;
	}
	if (size)
		out[n] = '\0';
	return take(c, '"');
}

/* A number, true, false or null, as its text. */
static bool read_word(struct cursor *c, char *out, size_t size)
{
	size_t n = 0;

	skip_ws(c);
	while (c->p < c->end && strchr("-0123456789truefalsn", *c->p) && *c->p) {
		if (n + 1 < size)
			out[n++] = *c->p;
		c->p++;
	}
	if (size)
		out[n] = '\0';
	return n > 0;
}

static char *field(struct ctl_event *ev, const char *key, size_t *size)
{
	static const struct { const char *key; size_t off, size; } fields[] = {
#define F(k) { #k, offsetof(struct ctl_event, k), sizeof(((struct ctl_event *)0)->k) }
		F(time), F(network), F(event), F(ip), F(mac), F(hostname), F(renewed), F(port),
		F(expires),
#undef F
	};
	size_t i;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(fields[i].key, key)) {
			*size = fields[i].size;
			return (char *)ev + fields[i].off;
		}
	return NULL;
}

int ctl_event_parse(const char *text, size_t len, struct ctl_event *ev)
{
	struct cursor c = { text, text + len };
	char key[32], scratch[64], *dst;
	size_t size;

	memset(ev, 0, sizeof(*ev));
	if (!take(&c, '{'))
		return -EINVAL;
	if (take(&c, '}'))
		return -EINVAL;         /* an event names at least its kind */
	do {
		if (!read_string(&c, key, sizeof(key)) || !take(&c, ':'))
			return -EINVAL;
		dst = field(ev, key, &size);
		if (!dst) {
			dst = scratch;
			size = sizeof(scratch);
		}
		skip_ws(&c);
		if (c.p < c.end && *c.p == '"' ? !read_string(&c, dst, size)
					       : !read_word(&c, dst, size))
			return -EINVAL;
	} while (take(&c, ','));
	if (!take(&c, '}'))
		return -EINVAL;
	skip_ws(&c);
	return c.p == c.end && ev->event[0] && ev->network[0] ? 0 : -EINVAL;
}
