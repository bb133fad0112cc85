/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One TFTP transfer: its socket (bound to the address the request came to,
 * connected to the client's port, so the kernel drops what other ports
 * send), the file, and the core's state machine deciding what to send.
 */
#include "netd/serve/tftp_io-internal.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

static const char *client_text(const struct tftp_session *s, char *buf, size_t size)
{
	return inet_ntop(AF_INET, &s->client.sin_addr, buf, (socklen_t)size);
}

void tftp_session_end(struct tftp_session *s)
{
	if (s->h.fd >= 0) {
		loop_remove(s->svc->loop, &s->h);
		close(s->h.fd);
	}
	if (s->file_fd >= 0)
		close(s->file_fd);
	free(s->buf);
	s->buf = NULL;
	s->h.fd = -1;
	s->file_fd = -1;
}

/* Block b's payload into s->buf after the header; its length, or -1. */
static ssize_t fill_block(struct tftp_session *s, uint64_t b)
{
	uint8_t *payload = s->buf + TFTP_HEADER, *raw = payload + s->x.p.blksize;
	uint32_t bs = s->x.p.blksize;
	ssize_t got;

	if (s->x.p.mode == TFTP_MODE_OCTET) {
		uint64_t off = tftp_xfer_offset(&s->x, b);
		size_t want = off >= s->file_size ? 0 :
			      s->file_size - off < bs ? (size_t)(s->file_size - off) : bs;

		return want ? pread(s->file_fd, payload, want, (off_t)off) : 0;
	}
	/* netascii runs with a window of one: block b starts where s->cur says */
	s->next = s->cur;
	got = pread(s->file_fd, raw, bs, (off_t)s->cur.src_off);
	if (got < 0)
		return -1;
	return (ssize_t)tftp_netascii_encode(raw, (size_t)got, payload, bs, &s->next);
}

/* Send what the window allows now. false when the transfer cannot go on. */
static bool send_window(struct tftp_session *s, int64_t now)
{
	uint64_t b;
	ssize_t len;
	int n;

	while (tftp_xfer_next(&s->x, &b)) {
		if (b == 0) {
			n = tftp_build_oack(&s->x.p, s->buf, TFTP_HEADER + s->x.p.blksize);
			len = 0;
		} else {
			if ((len = fill_block(s, b)) < 0)
				return false;
			tftp_build_data_header(b, s->buf);
			n = TFTP_HEADER + (int)len;
		}
		if (n < 0)
			return false;
		if (send(s->h.fd, s->buf, (size_t)n, MSG_DONTWAIT) < 0 && errno != EAGAIN &&
		    errno != ENOBUFS)
			return false;   /* the client went away (ICMP port unreachable) */
		/* a datagram the kernel had no room for is resent at the deadline */
		tftp_xfer_sent(&s->x, b, (size_t)len, now);
	}
	return true;
}

static void finish(struct tftp_session *s, const char *how)
{
	char a[INET_ADDRSTRLEN];

	if (how)
		log_msg(LOG_INFO, "TFTP %s %s/%s to %s", how, s->svc->root, s->path,
			client_text(s, a, sizeof(a)));
	tftp_session_end(s);
}

static void on_packet(struct tftp_session *s, const uint8_t *pkt, size_t len)
{
	struct tftp_client_msg m;
	int64_t now = loop_now_ms();

	if (tftp_parse_client(pkt, len, &m) < 0)
		return;         /* not for a read transfer: ignored, the deadline still runs */
	if (m.op == TFTP_ERROR) {
		/* PXE ROMs end their tsize probe this way; not worth a line */
		finish(s, m.errcode == TFTP_EOPTNEG ? NULL : "client aborted sending");
		return;
	}
	switch (tftp_xfer_on_ack(&s->x, m.block, now)) {
	case TFTP_ACK_DONE:
		finish(s, "sent");
		return;
	case TFTP_ACK_MORE:
		s->cur = s->next;
		if (!send_window(s, now))
			finish(s, "failed sending");
		return;
	case TFTP_ACK_IGNORED:
		return;
	}
}

static void on_ready(struct loop_handler *h, uint32_t events)
{
	struct tftp_session *s = loop_owner(h, struct tftp_session, h);
	uint8_t pkt[516];
	ssize_t n;
	int i;

	(void)events;
	for (i = 0; i < 8 && s->h.fd >= 0; i++) {
		n = recv(s->h.fd, pkt, sizeof(pkt), MSG_DONTWAIT);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				finish(s, "lost the client while sending");
			return;
		}
		on_packet(s, pkt, (size_t)n);
	}
}

static int open_socket(const struct sockaddr_in *local, const struct sockaddr_in *client)
{
	struct sockaddr_in src = *local;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	src.sin_port = 0;
	if (fd < 0)
		return -errno;
	if (bind(fd, (const struct sockaddr *)&src, sizeof(src)) < 0 ||
	    connect(fd, (const struct sockaddr *)client, sizeof(*client)) < 0) {
		int r = -errno;

		close(fd);
		return r;
	}
	return fd;
}

/* The slot already holds the file, its size, the client and the path. */
int tftp_session_begin(struct tftp_session *s, const struct tftp_request *req,
		       const struct sockaddr_in *local)
{
	struct tftp_params p;
	int64_t now = loop_now_ms();
	int r;

	tftp_negotiate(req, &s->svc->lim, s->file_size, &p);
	tftp_xfer_start(&s->x, &p, p.mode == TFTP_MODE_OCTET ? s->file_size : UINT64_MAX,
			s->svc->lim.max_retries, now);
	s->cur = (struct tftp_ascii_pos){ 0, -1 };
	s->next = s->cur;
	s->buf = malloc(TFTP_HEADER + 2 * (size_t)p.blksize);
	if (!s->buf)
		return -ENOMEM;
	if ((r = open_socket(local, &s->client)) < 0)
		return r;
	s->h.fd = r;
	s->h.on_ready = on_ready;
	if ((r = loop_add(s->svc->loop, &s->h, EPOLLIN)) < 0) {
		close(s->h.fd);
		s->h.fd = -1;
		return r;
	}
	return send_window(s, now) ? 0 : -EIO;
}

int64_t tftp_sessions_deadline(const struct tftp_service *svc)
{
	int64_t best = -1;
	size_t i;

	for (i = 0; i < TFTP_MAX_SESSIONS; i++) {
		const struct tftp_session *s = &svc->sessions[i];

		if (s->h.fd >= 0 && (best < 0 || s->x.deadline_ms < best))
			best = s->x.deadline_ms;
	}
	return best;
}

/* Timeouts: resend the window, or give the slot back when the client is gone. */
void tftp_sessions_run_due(struct tftp_service *svc, int64_t now_ms)
{
	size_t i;

	for (i = 0; i < TFTP_MAX_SESSIONS; i++) {
		struct tftp_session *s = &svc->sessions[i];

		if (s->h.fd < 0 || now_ms < s->x.deadline_ms)
			continue;
		if (!tftp_xfer_on_timeout(&s->x, now_ms))
			finish(s, "gave up (no answer) sending");
		else if (!send_window(s, now_ms))
			finish(s, "failed sending");
	}
}
