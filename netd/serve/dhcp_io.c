/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/mmsg.h"
#include "netd/serve/dhcp_io.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define IP_UDP_HDR 28   /* 20-byte IPv4 header (no options) + 8-byte UDP header */
#define DHCP_IO_RXBUF 1536

struct dhcp_io {
	struct loop_handler udp;        /* port 67; the owner hears of it through on_requests */
	void (*on_requests)(void *userdata);
	void *userdata;
	int pkt_fd;
	int ifindex;
	struct in_addr server_addr;

	/* one wake-up's worth of packets, preallocated: no allocation per packet */
	struct mmsghdr rx_msgs[DHCP_IO_BATCH];
	struct iovec rx_iov[DHCP_IO_BATCH];
	struct sockaddr_in rx_from[DHCP_IO_BATCH];
	uint8_t rx_ctrl[DHCP_IO_BATCH][64];
	uint8_t rx_buf[DHCP_IO_BATCH][DHCP_IO_RXBUF];

	/* replies, in banks: one batch's wait for their journal sync while the next is handled */
	struct loop *loop;
	struct dhcp_tx tx[DHCP_IO_BANKS][DHCP_IO_BATCH];
	uint8_t tx_buf[DHCP_IO_BANKS][DHCP_IO_BATCH][IP_UDP_HDR + DHCP_REPLY_BUF];
};

static int fail(char *msg, size_t size, const char *what, const char *ifname)
{
	int e = errno;

	snprintf(msg, size, "%s on %s: %s", what, ifname, strerror(e));
	return -e;
}

static int open_sockets(struct dhcp_io *io, const char *ifname, struct in_addr server_addr,
			char *msg, size_t msg_size)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(DHCP_SERVER_PORT) };
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	int one = 1, rcvbuf = 4 << 20, i;

	io->server_addr = server_addr;
	io->ifindex = (int)if_nametoindex(ifname);
	if (!io->ifindex)
		return fail(msg, msg_size, "no interface", ifname);
	io->udp.fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (io->udp.fd < 0)
		return fail(msg, msg_size, "cannot open the DHCP socket", ifname);
	/*
	 * Clients without an address broadcast, so the socket must be bound to
	 * INADDR_ANY; binding it to the bridge keeps other interfaces out and
	 * lets one daemon per network share port 67.
	 */
	if (setsockopt(io->udp.fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname)) ||
	    setsockopt(io->udp.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(io->udp.fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one)) ||
	    setsockopt(io->udp.fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof(one)))
		return fail(msg, msg_size, "cannot set up the DHCP socket", ifname);
	if (bind(io->udp.fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return fail(msg, msg_size, "cannot bind UDP port 67", ifname);
	/* room for bursts while the loop writes the lease file (best effort, needs root) */
	setsockopt(io->udp.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	/* protocol 0: this socket sends only and never queues received frames */
	io->pkt_fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (io->pkt_fd < 0)
		return fail(msg, msg_size, "cannot open the packet socket", ifname);
	sll.sll_ifindex = io->ifindex;
	if (bind(io->pkt_fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return fail(msg, msg_size, "cannot bind the packet socket", ifname);
	for (i = 0; i < DHCP_IO_BATCH; i++) {
		io->rx_iov[i].iov_base = io->rx_buf[i];
		io->rx_iov[i].iov_len = sizeof(io->rx_buf[i]);
	}
	return 0;
}

void dhcp_io_close(struct dhcp_io *io)
{
	if (!io)
		return;
	if (io->udp.fd >= 0)
		close(io->udp.fd);
	if (io->pkt_fd >= 0)
		close(io->pkt_fd);
	free(io);
}

int dhcp_io_open(const char *ifname, struct in_addr server_addr, struct dhcp_io **ret,
		 char *msg, size_t msg_size)
{
	struct dhcp_io *io = calloc(1, sizeof(*io));
	int r;

	*ret = NULL;
	if (!io) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	io->udp.fd = io->pkt_fd = -1;
	r = open_sockets(io, ifname, server_addr, msg, msg_size);
	if (r < 0) {
		dhcp_io_close(io);
		return r;
	}
	*ret = io;
	return 0;
}

static void on_udp_ready(struct loop_handler *h, uint32_t events)
{
	struct dhcp_io *io = loop_owner(h, struct dhcp_io, udp);

	io->on_requests(io->userdata);
}

int dhcp_io_watch(struct dhcp_io *io, struct loop *loop, void (*on_requests)(void *userdata),
		  void *userdata)
{
	io->on_requests = on_requests;
	io->userdata = userdata;
	io->udp.on_ready = on_udp_ready;
	io->loop = loop;
	return loop_add(loop, &io->udp, EPOLLIN);
}

int dhcp_io_pause(struct dhcp_io *io, bool paused)
{
	return loop_modify(io->loop, &io->udp, paused ? 0 : EPOLLIN);
}

int dhcp_io_receive(struct dhcp_io *io, int max)
{
	int n;

	if (max > DHCP_IO_BATCH)
		max = DHCP_IO_BATCH;
	mmsg_prepare_rx(io->rx_msgs, io->rx_iov, io->rx_from, sizeof(io->rx_from[0]), io->rx_ctrl,
			sizeof(io->rx_ctrl[0]), max);
	n = recvmmsg(io->udp.fd, io->rx_msgs, (unsigned)max, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return n;
}

void dhcp_io_rx(const struct dhcp_io *io, int i, struct dhcp_rx *rx)
{
	const struct msghdr *h = &io->rx_msgs[i].msg_hdr;
	struct cmsghdr *c;

	memset(rx, 0, sizeof(*rx));
	rx->data = io->rx_buf[i];
	rx->len = io->rx_msgs[i].msg_len;
	rx->src = io->rx_from[i].sin_addr;
	rx->src_port = ntohs(io->rx_from[i].sin_port);
	rx->ifindex = io->ifindex;
	for (c = CMSG_FIRSTHDR((struct msghdr *)h); c; c = CMSG_NXTHDR((struct msghdr *)h, c))
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = pi.ipi_ifindex;
		}
}

uint8_t *dhcp_io_reply_buf(struct dhcp_io *io, int bank, int i, size_t *cap)
{
	*cap = DHCP_REPLY_BUF;
	return io->tx_buf[bank][i] + IP_UDP_HDR;
}

struct dhcp_tx *dhcp_io_tx(struct dhcp_io *io, int bank, int i)
{
	return &io->tx[bank][i];
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	return sum;
}

/*
 * The packet socket carries a whole IPv4 datagram: write the IP and UDP
 * headers in front of the reply (its room was kept free for that).
 */
static size_t frame_hwaddr_reply(struct dhcp_io *io, int bank, int i)
{
	const struct dhcp_tx *tx = &io->tx[bank][i];
	uint8_t *p = io->tx_buf[bank][i];
	size_t udp_len = 8 + tx->len, total = 20 + udp_len;
	struct iphdr ip = {
		.version = 4, .ihl = 5, .ttl = 64, .protocol = IPPROTO_UDP,
		.tot_len = htons((uint16_t)total),
		.saddr = io->server_addr.s_addr, .daddr = tx->addr.s_addr,
	};
	struct udphdr udp = {
		.source = htons(DHCP_SERVER_PORT), .dest = htons(tx->port),
		.len = htons((uint16_t)udp_len),
	};
	uint8_t pseudo[12];
	uint32_t sum;

	ip.check = htons(csum_fold(csum_add(0, (const uint8_t *)&ip, 20)));
	memcpy(pseudo, &ip.saddr, 4);
	memcpy(pseudo + 4, &ip.daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = (uint8_t)(udp_len >> 8);
	pseudo[11] = (uint8_t)udp_len;
	memcpy(p + 20, &udp, 8);
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), p + 20, udp_len);
	udp.check = htons(csum_fold(sum));
	if (!udp.check)
		udp.check = 0xffff;     /* RFC 768: 0 means "no checksum" */
	memcpy(p, &ip, 20);
	memcpy(p + 20, &udp, 8);
	return total;
}

int dhcp_io_send(struct dhcp_io *io, int bank, const bool *replied, int n)
{
	struct sockaddr_in to[DHCP_IO_BATCH];
	struct sockaddr_ll ll[DHCP_IO_BATCH];
	struct mmsghdr udp_msgs[DHCP_IO_BATCH], pkt_msgs[DHCP_IO_BATCH];
	struct iovec iov[DHCP_IO_BATCH];
	int i, nu = 0, np = 0, sent = 0, r;

	for (i = 0; i < n; i++) {
		const struct dhcp_tx *tx = &io->tx[bank][i];
		struct msghdr *h;

		if (!replied[i] || tx->kind == DHCP_DEST_NONE || tx->kind == DHCP_DEST_PROBE)
			continue;
		if (tx->kind == DHCP_DEST_HWADDR && tx->hlen == ETH_ALEN) {
			iov[i].iov_base = io->tx_buf[bank][i];
			iov[i].iov_len = frame_hwaddr_reply(io, bank, i);
			memset(&ll[i], 0, sizeof(ll[i]));
			ll[i].sll_family = AF_PACKET;
			ll[i].sll_protocol = htons(ETH_P_IP);
			ll[i].sll_ifindex = io->ifindex;
			ll[i].sll_halen = ETH_ALEN;
			memcpy(ll[i].sll_addr, tx->chaddr, ETH_ALEN);
			h = &pkt_msgs[np++].msg_hdr;
			memset(h, 0, sizeof(*h));
			h->msg_name = &ll[i];
			h->msg_namelen = sizeof(ll[i]);
		} else {
			/* hardware we cannot address directly gets a broadcast */
			iov[i].iov_base = io->tx_buf[bank][i] + IP_UDP_HDR;
			iov[i].iov_len = tx->len;
			memset(&to[i], 0, sizeof(to[i]));
			to[i].sin_family = AF_INET;
			to[i].sin_port = htons(tx->port);
			to[i].sin_addr.s_addr = tx->kind == DHCP_DEST_HWADDR ? INADDR_BROADCAST :
						tx->addr.s_addr;
			if (tx->kind == DHCP_DEST_BROADCAST)
				to[i].sin_addr.s_addr = INADDR_BROADCAST;
			h = &udp_msgs[nu++].msg_hdr;
			memset(h, 0, sizeof(*h));
			h->msg_name = &to[i];
			h->msg_namelen = sizeof(to[i]);
		}
		h->msg_iov = &iov[i];
		h->msg_iovlen = 1;
	}
	if (nu && (r = sendmmsg(io->udp.fd, udp_msgs, (unsigned)nu, 0)) > 0)
		sent += r;
	if (np && (r = sendmmsg(io->pkt_fd, pkt_msgs, (unsigned)np, 0)) > 0)
		sent += r;
	return sent;
}
