/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the control socket's request parser (and the reply and
 * counter readers the CLI uses on what comes back). A refusal always says
 * why; what the parser accepts is a known verb with its own keys, a body
 * exactly when the verb takes one, and it writes back to a request that
 * parses to the same thing. The same bytes also go to `update` as its XML
 * fragment (netd/def/fragment.c): an edit it accepts leaves a valid
 * definition; and to the reader of pushed events.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netd/ctl/ctl.h"
#include "netd/def/netdef.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void ignore(void *ctx, const char *name, uint64_t value)
{
	(void)ctx;
	if (!name[0] || strlen(name) > 63)
		abort();
	(void)value;
}

static void check_request(const char *buf, size_t size)
{
	struct ctl_request req, again;
	char msg[256], *out;
	int n;

	msg[0] = '\0';
	if (ctl_request_parse(buf, size, &req, msg, sizeof(msg)) < 0) {
		if (!msg[0] || !memchr(msg, '\0', sizeof(msg)))
			abort();
		return;
	}
	if ((unsigned)req.verb >= CTL_VERBS || req.n_args > CTL_MAX_ARGS ||
	    (req.body && (req.body < buf || req.body + req.body_len > buf + size)))
		abort();
	out = malloc(CTL_MSG_MAX + 1);
	if (!out)
		return;
	n = ctl_request_format(out, CTL_MSG_MAX + 1, req.verb, req.args, req.n_args, req.body,
			       req.body_len);
	if (n < 0 || ctl_request_parse(out, (size_t)n, &again, msg, sizeof(msg)) < 0 ||
	    again.verb != req.verb || again.n_args != req.n_args ||
	    again.body_len != req.body_len ||
	    memcmp(again.args, req.args, sizeof(req.args[0]) * req.n_args) ||
	    (req.body_len && memcmp(again.body, req.body, req.body_len)))
		abort();
	free(out);
}

/* The same bytes as `update`'s fragment: refused with a reason, or a valid result. */
static void check_fragment(const char *buf, size_t size)
{
	static const char base[] = "<network><name>n</name><ip address='10.1.0.1' prefix='24'>"
				   "<dhcp><range start='10.1.0.10' end='10.1.0.20'/></dhcp></ip>"
				   "</network>";
	static const char *const sections[] = { "ip-dhcp-host", "ip-dhcp-range", "dns-txt" };
	struct netdef *def = NULL;
	struct netdef_error err;
	char *xml = strndup(buf, size);

	if (!xml || netdef_parse(base, strlen(base), "base", &def, NULL) < 0) {
		free(xml);
		return;
	}
	if (netdef_update(def, (enum netdef_update_cmd)(size % 3), sections[size % 3 == 0 ? 0 :
			  size % 2], xml, &err) == 0 && netdef_validate(def, &err) < 0)
		abort();        /* an accepted edit leaves a valid definition */
	netdef_free(def);
	free(xml);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data, *text;
	enum ctl_reply_kind kind;
	struct ctl_event ev;
	char msg[256];
	size_t len;

	check_request(buf, size);
	if (ctl_reply_parse(buf, size, &kind, &text, &len, msg, sizeof(msg)) == 0 &&
	    (text < buf || text + len > buf + size))
		abort();
	ctl_kv_parse(buf, size, ignore, NULL, msg, sizeof(msg));
	if (ctl_event_parse(buf, size, &ev) == 0 &&
	    (!ev.event[0] || !ev.network[0] || !memchr(ev.hostname, '\0', sizeof(ev.hostname))))
		abort();
	check_fragment(buf, size);
	return 0;
}
