/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The control socket itself: RUNDIR/NAME.ctl, a unix SOCK_SEQPACKET socket
 * (message boundaries kept by the kernel), root's and mode 0600; the peer's
 * credentials come from the kernel (SO_PEERCRED), never from the request.
 */
#include "netd/ctl/ctl.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

bool ctl_path(const struct vnetd_paths *paths, const char *name, char *buf, size_t size)
{
	return vnetd_path(buf, size, paths->rundir, NULL, name, ".ctl");
}

static int sun_of(const char *path, struct sockaddr_un *sun)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun->sun_path))
		return -ENAMETOOLONG;
	memcpy(sun->sun_path, path, strlen(path));
	return 0;
}

int ctl_listen(const char *path, char *msg, size_t msg_size)
{
	struct sockaddr_un sun;
	mode_t old;
	int fd, r;

	if ((r = sun_of(path, &sun)) < 0) {
		snprintf(msg, msg_size, "control socket path %s is too long", path);
		return r;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot make the control socket: %s", strerror(-r));
		return r;
	}
	unlink(path);           /* a stale one from a daemon that died */
	old = umask(0077);      /* never a moment with wider permissions */
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ? -errno : 0;
	umask(old);
	if (r == 0 && (chown(path, 0, 0) < 0 || chmod(path, 0600) < 0 || listen(fd, 16) < 0))
		r = -errno;
	if (r < 0) {
		snprintf(msg, msg_size, "cannot listen on %s: %s", path, strerror(-r));
		close(fd);
		return r;
	}
	return fd;
}

int ctl_peer_uid(int fd, uid_t *uid)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
		return -errno;
	*uid = cred.uid;
	return 0;
}

int ctl_connect(const struct vnetd_paths *paths, const char *name, char *msg, size_t msg_size)
{
	struct sockaddr_un sun;
	char path[512];
	int fd, r;

	if (!ctl_path(paths, name, path, sizeof(path)) || sun_of(path, &sun) < 0) {
		snprintf(msg, msg_size, "no control socket path for network '%s'", name);
		return -EINVAL;
	}
	fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot make a socket: %s", strerror(-r));
		return r;
	}
	/* a message must fit the sender's buffer whole: room for the largest (root may force it) */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &(int){ CTL_MSG_MAX + 65536 },
		       sizeof(int)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &(int){ CTL_MSG_MAX + 65536 }, sizeof(int));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		r = -errno;
		if (r == -ENOENT || r == -ECONNREFUSED)
			snprintf(msg, msg_size, "network '%s' has no control socket (%s): is it "
				 "running?", name, path);
		else
			snprintf(msg, msg_size, "cannot connect to %s: %s", path, strerror(-r));
		close(fd);
		return r;
	}
	return fd;
}

int ctl_call(int fd, const char *req, size_t req_len, char *reply, size_t cap, int timeout_ms,
	     char *msg, size_t msg_size)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;
	int r;

	if (send(fd, req, req_len, MSG_NOSIGNAL) != (ssize_t)req_len) {
		snprintf(msg, msg_size, "cannot send to the daemon: %s", strerror(errno));
		return -errno;
	}
	while ((r = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	if (r == 0) {
		snprintf(msg, msg_size, "the daemon did not answer within %d ms", timeout_ms);
		return -ETIMEDOUT;
	}
	n = recv(fd, reply, cap - 1, MSG_TRUNC);
	if (n <= 0) {
		r = n < 0 ? -errno : -ECONNRESET;
		snprintf(msg, msg_size, "no reply from the daemon: %s", strerror(-r));
		return r;
	}
	if ((size_t)n >= cap) {
		snprintf(msg, msg_size, "the daemon's reply is larger than %zu bytes", cap - 1);
		return -EMSGSIZE;
	}
	reply[n] = '\0';
	return (int)n;
}

/* Check an "ok" reply and hand its body back. */
static int take_reply(const char *reply, size_t len, char **body, char *msg, size_t msg_size)
{
	enum ctl_reply_kind kind;
	const char *text;
	size_t tlen;
	int r;

	if ((r = ctl_reply_parse(reply, len, &kind, &text, &tlen, msg, msg_size)) < 0)
		return r;
	if (kind == CTL_REPLY_ERROR) {
		snprintf(msg, msg_size, "%.*s", (int)tlen, text);
		return -EREMOTEIO;
	}
	if (kind != CTL_REPLY_OK) {
		snprintf(msg, msg_size, "unexpected event before the reply");
		return -EPROTO;
	}
	*body = strndup(text, tlen);
	return *body ? 0 : -ENOMEM;
}

int ctl_request(const struct vnetd_paths *paths, const char *name, enum ctl_verb verb,
		const struct ctl_arg *args, size_t n_args, const char *body, size_t body_len,
		char **reply_body, char *msg, size_t msg_size)
{
	char *req = malloc(CTL_MSG_MAX + 1), *reply = malloc(CTL_MSG_MAX + 1);
	int fd = -1, len, r = -ENOMEM;

	*reply_body = NULL;
	if (!req || !reply)
		goto out;
	len = ctl_request_format(req, CTL_MSG_MAX + 1, verb, args, n_args, body, body_len);
	if (len < 0) {
		r = len;
		snprintf(msg, msg_size, "the request is larger than %d bytes", CTL_MSG_MAX);
		goto out;
	}
	if ((r = fd = ctl_connect(paths, name, msg, msg_size)) < 0)
		goto out;
	r = ctl_call(fd, req, (size_t)len, reply, CTL_MSG_MAX + 1, 10000, msg, msg_size);
	if (r >= 0)
		r = take_reply(reply, (size_t)r, reply_body, msg, msg_size);
out:
	if (fd >= 0)
		close(fd);
	free(req);
	free(reply);
	return r;
}
