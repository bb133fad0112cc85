/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ctl: the control socket of a running network, RUNDIR/NAME.ctl, and the
 * small text protocol spoken on it (both the daemon's and the CLI's side).
 *
 * The socket is a unix SOCK_SEQPACKET socket: one message is one request or
 * one reply, at most CTL_MSG_MAX bytes, so nothing is framed by hand. The
 * serving daemon creates it while still root (owner root, mode 0600) and
 * checks every connection's SO_PEERCRED: only uid 0 is served.
 *
 * A request:
 *
 *     VERB\n
 *     key=value\n          (zero or more; which keys a verb takes is fixed)
 *     \n                   (only when a body follows)
 *     BODY                 (the rest of the message, for verbs that take one)
 *
 * A reply is "ok\n" followed by its body, or "error MESSAGE" (one line).
 * After `subscribe` the daemon pushes "event\n" + one JSON object per
 * message. Verbs, keys and characters outside the tables in codec.c are
 * refused with a message saying which.
 */
#ifndef VNETD_CTL_H
#define VNETD_CTL_H

#include "netd/base/base.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* one message: a whole definition (at most 1 MiB as a file) fits, formatted anew */
#define CTL_MSG_MAX (2 * 1024 * 1024)
#define CTL_MAX_ARGS 4
#define CTL_KEY_MAX 16
#define CTL_VALUE_MAX 128

enum ctl_verb {
	CTL_PING,       /* "ok" and the protocol version */
	CTL_STATS,      /* "ok" and "name value" lines */
	CTL_SUBSCRIBE,  /* "ok", then events until the client goes */
	CTL_APPLY,      /* body: a whole definition to run from now on (origin=update|reload) */
	CTL_PUBLISH,    /* body: an event (see ctl_event) for the subscribers, from root's tools */
	CTL_VERBS
};

struct ctl_arg {
	char key[CTL_KEY_MAX];
	char value[CTL_VALUE_MAX];
};

struct ctl_request {
	enum ctl_verb verb;
	struct ctl_arg args[CTL_MAX_ARGS];
	size_t n_args;
	const char *body;               /* into the parsed buffer; NULL when none */
	size_t body_len;
};

/*
 * Parse one received message. 0, or -EINVAL / -EMSGSIZE with msg saying
 * what is wrong (unknown verb or key, a bad character, a missing or
 * unexpected body). The request points into buf for its body.
 */
int ctl_request_parse(const char *buf, size_t len, struct ctl_request *out, char *msg,
		      size_t msg_size);

/* The argument's value, or NULL. */
const char *ctl_request_arg(const struct ctl_request *req, const char *key);

/* Write a request into buf[size]: its length, or -EMSGSIZE / -EINVAL. */
int ctl_request_format(char *buf, size_t size, enum ctl_verb verb, const struct ctl_arg *args,
		       size_t n_args, const char *body, size_t body_len);

const char *ctl_verb_name(enum ctl_verb verb);

enum ctl_reply_kind { CTL_REPLY_OK, CTL_REPLY_ERROR, CTL_REPLY_EVENT };

/*
 * Parse a reply: its kind and text (the body after "ok\n" / "event\n", or
 * the error message). 0 or -EINVAL with msg.
 */
int ctl_reply_parse(const char *buf, size_t len, enum ctl_reply_kind *kind, const char **text,
		    size_t *text_len, char *msg, size_t msg_size);

/* Write a reply of that kind: its length, or -EMSGSIZE. An error's text is cut to one line. */
int ctl_reply_format(char *buf, size_t size, enum ctl_reply_kind kind, const char *text,
		     size_t text_len);

/*
 * "name value" lines (stats): call fn for each, in order. Names are
 * [a-z0-9_]{1,63}, values decimal unsigned 64-bit. 0, or -EINVAL with msg.
 */
int ctl_kv_parse(const char *text, size_t len,
		 void (*fn)(void *ctx, const char *name, uint64_t value), void *ctx, char *msg,
		 size_t msg_size);

/*
 * An event pushed to subscribers: one flat JSON object (see vnetd(8),
 * EVENTS). Read back for people by `events` without --json: the known
 * fields as their text (strings with escapes as written, cut to fit),
 * unknown ones skipped. 0, or -EINVAL for anything but such an object
 * with an "event" and a "network".
 */
struct ctl_event {
	char time[24], network[VNETD_NAME_MAX + 1], event[32];
	char ip[48], mac[64], hostname[256], renewed[8], expires[24], port[32];
};
int ctl_event_parse(const char *text, size_t len, struct ctl_event *ev);

/* ---- the socket ---- */

/* RUNDIR/NAME.ctl into buf; false when it does not fit or the name is not valid. */
bool ctl_path(const struct vnetd_paths *paths, const char *name, char *buf, size_t size);

/*
 * The daemon's side, while root: a listening, non-blocking socket at
 * `path` (a stale one is replaced), owned by root, mode 0600. The fd, or
 * negative errno with msg.
 */
int ctl_listen(const char *path, char *msg, size_t msg_size);

/* The connected peer's uid (SO_PEERCRED). 0 or negative errno. */
int ctl_peer_uid(int fd, uid_t *uid);

/*
 * The CLI's side: connect to NAME's socket. The fd, or negative errno with
 * msg (-ENOENT: no socket, the network is not running or predates it).
 */
int ctl_connect(const struct vnetd_paths *paths, const char *name, char *msg,
		size_t msg_size);

/*
 * Send one request and wait up to timeout_ms for its reply: the reply's
 * length in reply[cap] (NUL added), or negative errno with msg.
 */
int ctl_call(int fd, const char *req, size_t req_len, char *reply, size_t cap, int timeout_ms,
	     char *msg, size_t msg_size);

/*
 * The whole exchange for an "ok"-or-error verb: connect, send, check the
 * reply. On 0, *body (malloc'ed, NUL-terminated; free it) holds the reply's
 * body; an "error" reply is -EREMOTEIO with its message in msg.
 */
int ctl_request(const struct vnetd_paths *paths, const char *name, enum ctl_verb verb,
		const struct ctl_arg *args, size_t n_args, const char *body, size_t body_len,
		char **reply_body, char *msg, size_t msg_size);

#endif
