/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * UDP queries in batches. One recvmmsg takes up to DNS_IO_BATCH datagrams
 * from a listener; the core writes each answer straight into that
 * datagram's reply slot, and one sendmmsg sends them all back from the same
 * address, port and device (the listener's reply socket, dns_io.c), each to
 * the exact address it came from (an IPv6 link-local peer's
 * scope included, as the kernel gave it; no IP_PKTINFO is needed: each
 * listener is bound to one address, so the answer leaves from the address
 * that was asked). The slots are allocated once with the dns_io object, so
 * a query that is answered here costs no allocation; per query the system
 * calls are a share of two, not two.
 *
 * Whatever is not a plain answer to the datagram's own sender (a forward, or
 * the failover of a forward whose query came back to us: an answer to
 * another client, a socket to close) goes through dns_io_perform() at once,
 * from the buffer the other paths use.
 *
 * Answers of one batch to the same sender that are all the same size and
 * no bigger than a segment may be (DNS_GSO_SEGMENT_MAX and the bridge's MTU;
 * dnsperf's or a busy guest's stub asking the same name, or names of one
 * shape) leave as ONE datagram of the stack with UDP segmentation offload
 * (UDP_SEGMENT, Linux 4.18): the kernel takes it through the routing, the
 * firewall and the bridge once and cuts it into the separate datagrams the
 * client receives only at the end (the client's socket, or a device that
 * cannot carry it). The client sees exactly what it would see otherwise.
 * Where the kernel refuses such a message (EIO, EINVAL: an older kernel, or
 * no checksum offload on the way) its answers go one by one, then and from
 * then on for that listener.
 *
 * A datagram longer than a slot is handed to the core cut (MSG_TRUNC): its
 * records no longer add up, so the sender gets FORMERR; a real query is a
 * few hundred bytes, and no query longer than DNS_FWD_QUERY_MAX is forwarded
 * anyway.
 */
#include "netd/serve/dns_io-internal.h"

#include <errno.h>
#include <netinet/udp.h>
#include <string.h>

/* One cmsg with the segment size (uint16_t), aligned as a cmsghdr must be. */
union gso_ctrl {
	struct cmsghdr align;
	uint8_t buf[CMSG_SPACE(sizeof(uint16_t))];
};

struct dns_udp_batch {
	struct mmsghdr rx[DNS_IO_BATCH];
	struct mmsghdr tx[DNS_IO_BATCH];
	struct iovec rx_iov[DNS_IO_BATCH];
	struct iovec tx_iov[DNS_IO_BATCH];
	union gso_ctrl tx_ctrl[DNS_IO_BATCH];
	struct sockaddr_storage from[DNS_IO_BATCH];
	/* answers in order of arrival: the datagram each answers and its length */
	int ans_of[DNS_IO_BATCH];
	size_t ans_len[DNS_IO_BATCH];
	uint8_t in[DNS_IO_BATCH][DNS_IO_UDP_SLOT];
	uint8_t out[DNS_IO_BATCH][DNS_IO_UDP_SLOT];
};

size_t dns_udp_batch_size(void)
{
	return sizeof(struct dns_udp_batch);
}

static void rx_ready(struct dns_udp_batch *b, int i)
{
	b->rx_iov[i] = (struct iovec){ b->in[i], DNS_IO_UDP_SLOT };
	b->rx[i].msg_hdr = (struct msghdr){ .msg_name = &b->from[i],
					    .msg_namelen = sizeof(b->from[i]),
					    .msg_iov = &b->rx_iov[i], .msg_iovlen = 1 };
}

void dns_udp_batch_init(struct dns_udp_batch *b)
{
	int i;

	for (i = 0; i < DNS_IO_BATCH; i++)
		rx_ready(b, i);
}

static bool same_peer(const struct dns_peer *a, const struct dns_peer *b)
{
	return a->port == b->port && dns_ip_eq(&a->ip, &b->ip);
}

/*
 * Datagram i to the core; true when its answer waits in out[i] for the
 * sender. *acted: anything else was done (a forward, a socket closed), which
 * may move the deadlines.
 */
static bool handle_one(struct dns_io *io, struct dns_listener *l, int i, int64_t now,
		       size_t *len, bool *acted)
{
	struct dns_udp_batch *b = io->batch;
	struct dns_client client = { .transport = DNS_UDP, .conn = l->index };
	struct dns_action act;

	if (!dns_io_peer_from_sa(&client.peer, &b->from[i]) ||
	    dns_server_handle_query(io->srv, b->in[i], b->rx[i].msg_len, &client, now, b->out[i],
				    DNS_IO_UDP_SLOT, &act) < 0)
		return false;
	if (act.kind == DNS_ACT_ANSWER && act.transport == DNS_UDP && !act.done_port &&
	    act.conn == l->index && same_peer(&act.peer, &client.peer)) {
		*len = act.len;
		return true;
	}
	if (act.kind == DNS_ACT_DROP && !act.done_port)
		return false;
	if (act.kind != DNS_ACT_DROP)
		memcpy(io->out, b->out[i], act.len);
	dns_io_perform(io, &act);
	*acted = true;
	return false;
}

static bool same_dest(const struct dns_udp_batch *b, int i, int j)
{
	socklen_t n = b->rx[i].msg_hdr.msg_namelen;

	return n == b->rx[j].msg_hdr.msg_namelen && !memcmp(&b->from[i], &b->from[j], n);
}

/* Message m: nseg answers from tx_iov[first], as one datagram of the stack when nseg > 1. */
static void put_message(struct dns_udp_batch *b, unsigned m, unsigned first, unsigned nseg,
			int dest)
{
	struct msghdr *h = &b->tx[m].msg_hdr;

	*h = (struct msghdr){ .msg_name = &b->from[dest],
			      .msg_namelen = b->rx[dest].msg_hdr.msg_namelen,
			      .msg_iov = &b->tx_iov[first], .msg_iovlen = nseg };
	if (nseg > 1) {
		struct cmsghdr *c;
		uint16_t size = (uint16_t)b->tx_iov[first].iov_len;

		h->msg_control = b->tx_ctrl[m].buf;
		h->msg_controllen = sizeof(b->tx_ctrl[m].buf);
		c = CMSG_FIRSTHDR(h);
		c->cmsg_level = SOL_UDP;
		c->cmsg_type = UDP_SEGMENT;
		c->cmsg_len = CMSG_LEN(sizeof(size));
		memcpy(CMSG_DATA(c), &size, sizeof(size));
	}
}

/*
 * The na answers into messages: each answer of at most gso_max bytes with
 * the later answers of the same size to the same sender (segmentation
 * offload; gso_max 0: none). The number of messages.
 */
static unsigned build_messages(struct dns_udp_batch *b, unsigned na, size_t gso_max)
{
	bool taken[DNS_IO_BATCH] = { false };
	unsigned a, c, m = 0, iov = 0;

	for (a = 0; a < na; a++) {
		unsigned first = iov;

		if (taken[a])
			continue;
		b->tx_iov[iov++] = (struct iovec){ b->out[b->ans_of[a]], b->ans_len[a] };
		for (c = a + 1; b->ans_len[a] <= gso_max && c < na; c++) {
			/* at most DNS_IO_BATCH of DNS_GSO_SEGMENT_MAX: within a datagram's 64 KiB */
			if (taken[c] || b->ans_len[c] != b->ans_len[a] ||
			    !same_dest(b, b->ans_of[a], b->ans_of[c]))
				continue;
			taken[c] = true;
			b->tx_iov[iov++] = (struct iovec){ b->out[b->ans_of[c]], b->ans_len[c] };
		}
		put_message(b, m++, first, iov - first, b->ans_of[a]);
	}
	return m;
}

/* A message the kernel would not take as one: its answers one by one. */
static void send_segments(int fd, const struct msghdr *h)
{
	size_t k;

	for (k = 0; k < h->msg_iovlen; k++)
		sendto(fd, h->msg_iov[k].iov_base, h->msg_iov[k].iov_len, MSG_DONTWAIT,
		       (const struct sockaddr *)h->msg_name, h->msg_namelen);
}

/*
 * Everything in tx[0..n): one call while the socket takes them; one that it
 * refuses (a full send buffer, an unreachable peer) is dropped, as a lost
 * datagram, and the rest still go. sendmmsg reports the refusal only when
 * nothing before it went, so after a short count the next call starts at the
 * message it stopped at and says why.
 */
static void send_all(struct dns_listener *l, struct mmsghdr *tx, unsigned n)
{
	unsigned done = 0, k;
	int r;

	while (done < n) {
		r = sendmmsg(l->reply_fd, tx + done, n - done, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		/* sendmmsg stops at the first refusal: tx[done] after those that went */
		if (r > 0) {
			for (k = 0; k < (unsigned)r; k++)
				if (tx[done + k].msg_hdr.msg_iovlen > 1)
					l->io->st.answers_coalesced += tx[done + k].msg_hdr.msg_iovlen;
			done += (unsigned)r;
			continue;
		}
		/*
		 * Refused with segmentation (EIO: no checksum offload on the
		 * way; EINVAL/ENOPROTOOPT: an older kernel): one by one, now and
		 * from now on. Anything else is a lost datagram.
		 */
		if (tx[done].msg_hdr.msg_iovlen > 1 &&
		    (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT || errno == EOPNOTSUPP)) {
			l->no_gso = true;
			send_segments(l->reply_fd, &tx[done].msg_hdr);
		}
		done++;
	}
}

int dns_udp_serve(struct dns_io *io, struct dns_listener *l, bool *acted)
{
	struct dns_udp_batch *b = io->batch;
	unsigned na = 0;
	int64_t now;
	size_t len;
	int n, i;

	n = recvmmsg(l->h.fd, b->rx, DNS_IO_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	now = loop_now_ms();
	for (i = 0; i < n; i++) {
		if (handle_one(io, l, i, now, &len, acted)) {
			b->ans_of[na] = i;
			b->ans_len[na++] = len;
		}
	}
	send_all(l, b->tx, build_messages(b, na, l->no_gso ? 0 : io->gso_segment_max));
	for (i = 0; i < n; i++)
		rx_ready(b, i);
	return n;
}
