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
 * A datagram longer than a slot is handed to the core cut (MSG_TRUNC): its
 * records no longer add up, so the sender gets FORMERR; a real query is a
 * few hundred bytes, and no query longer than DNS_FWD_QUERY_MAX is forwarded
 * anyway.
 */
#include "netd/serve/dns_io-internal.h"

#include <errno.h>
#include <string.h>

struct dns_udp_batch {
	struct mmsghdr rx[DNS_IO_BATCH];
	struct mmsghdr tx[DNS_IO_BATCH];
	struct iovec rx_iov[DNS_IO_BATCH];
	struct iovec tx_iov[DNS_IO_BATCH];
	struct sockaddr_storage from[DNS_IO_BATCH];
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

/*
 * Everything in tx[0..n): one call while the socket takes them; one that it
 * refuses (a full send buffer, an unreachable peer) is dropped, as a lost
 * datagram, and the rest still go.
 */
static void send_all(int fd, struct mmsghdr *tx, unsigned n)
{
	unsigned done = 0;
	int r;

	while (done < n) {
		r = sendmmsg(fd, tx + done, n - done, MSG_DONTWAIT);
		if (r < 0 && errno == EINTR)
			continue;
		/* sendmmsg stops at the first refusal: tx[done] after those that went */
		if (r > 0)
			done += (unsigned)r;
		if (done < n)
			done++;
	}
}

int dns_udp_serve(struct dns_io *io, struct dns_listener *l, bool *acted)
{
	struct dns_udp_batch *b = io->batch;
	unsigned nt = 0;
	int64_t now;
	size_t len;
	int n, i;

	n = recvmmsg(l->h.fd, b->rx, DNS_IO_BATCH, MSG_DONTWAIT, NULL);
	if (n <= 0)
		return n < 0 ? -errno : 0;
	now = loop_now_ms();
	for (i = 0; i < n; i++) {
		if (handle_one(io, l, i, now, &len, acted)) {
			b->tx_iov[nt] = (struct iovec){ b->out[i], len };
			b->tx[nt].msg_hdr = (struct msghdr){ .msg_name = &b->from[i],
							     .msg_namelen = b->rx[i].msg_hdr.msg_namelen,
							     .msg_iov = &b->tx_iov[nt], .msg_iovlen = 1 };
			nt++;
		}
	}
	send_all(l->reply_fd, b->tx, nt);
	for (i = 0; i < n; i++)
		rx_ready(b, i);
	return n;
}
