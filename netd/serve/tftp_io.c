/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The TFTP listeners and requests: what is asked for, whether it may be
 * had, and a free slot for the transfer.
 *
 * What may be had: a regular file, readable by everyone, beneath the root.
 * The name is cleaned lexically first (tftp_clean_path: no ".."), then
 * opened with openat2(RESOLVE_BENEATH), so no symbolic link leads out of
 * the root either; the daemon's sandbox mounts everything nodev, so not
 * even a device node a local user slipped under the root can be opened.
 */
#include "netd/serve/tftp_io-internal.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The link's MTU less the IPv4, UDP and TFTP headers; 1500's when unknown. */
static uint32_t max_blksize(const char *ifname)
{
	int mtu = link_mtu(ifname);

	return (uint32_t)(mtu >= 576 ? mtu : 1500) - 20 - 8 - TFTP_HEADER;
}

static int send_error(int fd, const struct sockaddr_in *to, uint16_t code, const char *text)
{
	uint8_t pkt[300];
	int n = tftp_build_error(code, text, pkt, sizeof(pkt));

	if (n > 0)
		sendto(fd, pkt, (size_t)n, MSG_DONTWAIT, (const struct sockaddr *)to, sizeof(*to));
	return -1;
}

/* path beneath the root, read-only; negative errno. */
static int open_beneath(int root_fd, const char *path)
{
	struct open_how how = {
		.flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	int fd = (int)syscall(SYS_openat2, root_fd, path, &how, sizeof(how));

	return fd < 0 ? -errno : fd;
}

/* The file for a request, or -1 after telling the client why not. */
static int open_file(struct tftp_service *svc, int lfd, const struct sockaddr_in *from,
		     const char *path, uint64_t *size)
{
	struct stat st;
	int fd = open_beneath(svc->root_fd, path);

	if (fd == -ENOENT || fd == -ENOTDIR)
		return send_error(lfd, from, TFTP_ENOTFOUND, "file not found");
	if (fd < 0)
		return send_error(lfd, from, TFTP_EACCESS, "access denied");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & S_IROTH)) {
		close(fd);
		return send_error(lfd, from, TFTP_EACCESS, "access denied");
	}
	*size = (uint64_t)st.st_size;
	return fd;
}

/* A free slot, unless the client (or everyone) has too many transfers already. */
static struct tftp_session *free_slot(struct tftp_service *svc, struct in_addr client)
{
	struct tftp_session *slot = NULL;
	unsigned mine = 0;
	size_t i;

	for (i = 0; i < TFTP_MAX_SESSIONS; i++) {
		struct tftp_session *s = &svc->sessions[i];

		if (s->h.fd < 0 && s->file_fd < 0)
			slot = slot ? slot : s;
		else if (s->client.sin_addr.s_addr == client.s_addr)
			mine++;
	}
	return mine >= TFTP_MAX_PER_CLIENT ? NULL : slot;
}

static void refuse_line(const struct sockaddr_in *from, const char *name, const char *why)
{
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &from->sin_addr, a, sizeof(a));
	log_msg(LOG_NOTICE, "TFTP refused %s to %s: %s", name, a, why);
}

static void on_request(struct tftp_listener *l, const uint8_t *pkt, size_t len,
		       const struct sockaddr_in *from)
{
	struct tftp_service *svc = l->svc;
	struct sockaddr_in local = { .sin_family = AF_INET, .sin_addr = l->addr };
	struct tftp_request req;
	struct tftp_session *s;
	struct wire_error err;
	char path[TFTP_NAME_MAX + 1];
	uint16_t code;
	int r;

	if (tftp_parse_request(pkt, len, &req, &code, &err) < 0) {
		send_error(l->h.fd, from, code, err.message);
		return;
	}
	if (req.op == TFTP_WRQ) {
		refuse_line(from, req.name, "a write request");
		send_error(l->h.fd, from, TFTP_EACCESS, "this server only sends files");
		return;
	}
	if (tftp_clean_path(req.name, path, sizeof(path), &err) < 0) {
		refuse_line(from, req.name, err.message);
		send_error(l->h.fd, from, TFTP_EACCESS, err.message);
		return;
	}
	if (!(s = free_slot(svc, from->sin_addr))) {
		refuse_line(from, path, "too many transfers at once");
		send_error(l->h.fd, from, TFTP_EUNDEF, "too many transfers, try again");
		return;
	}
	if ((s->file_fd = open_file(svc, l->h.fd, from, path, &s->file_size)) < 0) {
		refuse_line(from, path, "not a world-readable file beneath the root");
		return;
	}
	s->client = *from;
	snprintf(s->path, sizeof(s->path), "%s", path);
	if ((r = tftp_session_begin(s, &req, &local)) < 0) {
		log_msg(LOG_WARNING, "TFTP cannot send %s: %s", path, strerror(-r));
		tftp_session_end(s);
	}
}

static void on_listener(struct loop_handler *h, uint32_t events)
{
	struct tftp_listener *l = loop_owner(h, struct tftp_listener, h);
	uint8_t pkt[TFTP_REQUEST_MAX + 1];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;
	int i;

	(void)events;
	for (i = 0; i < 16; i++) {
		fl = sizeof(from);
		n = recvfrom(h->fd, pkt, sizeof(pkt), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		if (fl != sizeof(from) || from.sin_family != AF_INET || from.sin_port == 0)
			continue;
		on_request(l, pkt, (size_t)n, &from);
	}
}

static int open_listener(struct tftp_listener *l, const char *ifname, char *msg, size_t size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(69),
				   .sin_addr = l->addr };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0), one = 1;
	char a[INET_ADDRSTRLEN];

	/* bound to the bridge too: a request for this address from the uplink finds no socket */
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname, (socklen_t)strlen(ifname)) ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		int e = errno;

		snprintf(msg, size, "cannot listen on %s:69/udp on %s for TFTP: %s",
			 inet_ntop(AF_INET, &l->addr, a, sizeof(a)), ifname, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	l->h.fd = fd;
	return 0;
}

/*
 * Opened inside the sandbox, so that lookups beneath it see the sandbox's
 * mounts (read-only, nodev), not the host's.
 */
int tftp_service_open_root(struct tftp_service *svc, char *msg, size_t size)
{
	if (!svc)
		return 0;
	svc->root_fd = open(svc->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (svc->root_fd < 0) {
		int r = -errno;

		snprintf(msg, size, "<tftp root='%s'>: %s", svc->root, strerror(-r));
		return r;
	}
	return 0;
}

static struct tftp_service *service_new(void)
{
	struct tftp_service *svc = calloc(1, sizeof(*svc));
	size_t i;

	if (!svc)
		return NULL;
	svc->root_fd = -1;
	for (i = 0; i < TFTP_MAX_LISTENERS; i++)
		svc->listeners[i].h.fd = -1;
	for (i = 0; i < TFTP_MAX_SESSIONS; i++) {
		svc->sessions[i].h.fd = -1;
		svc->sessions[i].file_fd = -1;
		svc->sessions[i].svc = svc;
	}
	return svc;
}

int tftp_service_open(const struct netdef *def, struct tftp_service **ret, char *msg,
		      size_t size)
{
	struct tftp_service *svc = NULL;
	size_t i;
	int r;

	*ret = NULL;
	for (i = 0; i < def->n_ips; i++) {
		const struct netdef_ip *ip = &def->ips[i];
		struct tftp_listener *l;

		if (!ip->tftp_root)
			continue;
		if (!svc && !(svc = service_new()))
			return -ENOMEM;
		if (!svc->root[0])
			snprintf(svc->root, sizeof(svc->root), "%s", ip->tftp_root);
		if (svc->n_listeners == TFTP_MAX_LISTENERS)
			break;
		l = &svc->listeners[svc->n_listeners];
		l->svc = svc;
		l->addr = ip->address;
		l->h.on_ready = on_listener;
		if ((r = open_listener(l, def->bridge_name, msg, size)) < 0)
			goto fail;
		svc->n_listeners++;
	}
	if (svc) {
		svc->lim = (struct tftp_limits){ .max_blksize = max_blksize(def->bridge_name),
						 .max_window = 64, .default_timeout_s = 1,
						 .max_retries = 5 };
	}
	*ret = svc;
	return 0;
fail:
	tftp_service_close(svc);
	return r;
}

static int64_t next_deadline(struct loop_timer *t)
{
	return tftp_sessions_deadline(loop_owner(t, struct tftp_service, timer));
}

static void run_due(struct loop_timer *t, int64_t now_ms)
{
	tftp_sessions_run_due(loop_owner(t, struct tftp_service, timer), now_ms);
}

int tftp_service_start(struct tftp_service *svc, struct loop *loop)
{
	size_t i;
	int r;

	if (!svc)
		return 0;
	svc->loop = loop;
	svc->timer = (struct loop_timer){ .next_deadline = next_deadline, .run_due = run_due };
	loop_add_timer(loop, &svc->timer);
	for (i = 0; i < svc->n_listeners; i++)
		if ((r = loop_add(loop, &svc->listeners[i].h, EPOLLIN)) < 0)
			return r;
	return 0;
}

void tftp_service_close(struct tftp_service *svc)
{
	size_t i;

	if (!svc)
		return;
	for (i = 0; i < TFTP_MAX_SESSIONS; i++)
		if (svc->loop)
			tftp_session_end(&svc->sessions[i]);
	for (i = 0; i < TFTP_MAX_LISTENERS; i++)
		if (svc->listeners[i].h.fd >= 0)
			close(svc->listeners[i].h.fd);
	if (svc->root_fd >= 0)
		close(svc->root_fd);
	free(svc);
}
