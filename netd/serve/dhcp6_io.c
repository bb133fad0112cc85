/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/mmsg.h"
#include "netd/serve/dhcp6_io.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define DHCP6_IO_RXBUF 1536

struct dhcp6_io {
	struct loop_handler udp;        /* port 547; the owner hears of it through on_requests */
	void (*on_requests)(void *userdata);
	void *userdata;
	struct loop *loop;              /* watching it, NULL before dhcp6_io_watch() */
	bool paused;
	int ifindex;

	/* one wake-up's worth of datagrams, preallocated */
	struct mmsghdr rx_msgs[DHCP6_IO_BATCH];
	struct iovec rx_iov[DHCP6_IO_BATCH];
	struct sockaddr_in6 rx_from[DHCP6_IO_BATCH];
	uint8_t rx_ctrl[DHCP6_IO_BATCH][64];
	uint8_t rx_buf[DHCP6_IO_BATCH][DHCP6_IO_RXBUF];

	struct dhcp6_tx tx[DHCP6_IO_BATCH];
	uint8_t tx_buf[DHCP6_IO_BATCH][DHCP6_REPLY_BUF];
};

static int fail(char *msg, size_t size, const char *what, const char *ifname)
{
	int e = errno;

	snprintf(msg, size, "%s on %s: %s", what, ifname, strerror(e));
	return -e;
}

static int bridge_mac(int fd, const char *ifname, uint8_t mac[6])
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static int open_socket(struct dhcp6_io *io, const char *ifname, uint8_t mac[6], char *msg,
		       size_t msg_size)
{
	struct sockaddr_in6 sin = { .sin6_family = AF_INET6,
				    .sin6_port = htons(DHCP6_SERVER_PORT),
				    .sin6_addr = IN6ADDR_ANY_INIT };
	struct ipv6_mreq mreq = { .ipv6mr_interface = 0 };
	int one = 1, zero = 0, rcvbuf = 4 << 20, i;

	io->ifindex = (int)if_nametoindex(ifname);
	if (!io->ifindex)
		return fail(msg, msg_size, "no interface", ifname);
	io->udp.fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (io->udp.fd < 0)
		return fail(msg, msg_size, "cannot open the DHCPv6 socket", ifname);
	if (bridge_mac(io->udp.fd, ifname, mac) < 0)
		return fail(msg, msg_size, "cannot read the MAC address", ifname);
	/*
	 * Clients send to a multicast group from link-local addresses: bind
	 * [::] and the bridge only, so that one daemon per network shares 547.
	 */
	if (setsockopt(io->udp.fd, SOL_SOCKET, SO_BINDTODEVICE, ifname,
		       (socklen_t)strlen(ifname)) ||
	    setsockopt(io->udp.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    setsockopt(io->udp.fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) ||
	    setsockopt(io->udp.fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) ||
	    setsockopt(io->udp.fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &zero, sizeof(zero)))
		return fail(msg, msg_size, "cannot set up the DHCPv6 socket", ifname);
	if (bind(io->udp.fd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return fail(msg, msg_size, "cannot bind UDP port 547", ifname);
	inet_pton(AF_INET6, "ff02::1:2", &mreq.ipv6mr_multiaddr);
	mreq.ipv6mr_interface = (unsigned)io->ifindex;
	if (setsockopt(io->udp.fd, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq)) < 0)
		return fail(msg, msg_size, "cannot join ff02::1:2", ifname);
	/* room for bursts while the loop writes the lease file (best effort, needs root) */
	setsockopt(io->udp.fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf));
	for (i = 0; i < DHCP6_IO_BATCH; i++) {
		io->rx_iov[i].iov_base = io->rx_buf[i];
		io->rx_iov[i].iov_len = sizeof(io->rx_buf[i]);
	}
	return 0;
}

void dhcp6_io_close(struct dhcp6_io *io)
{
	if (!io)
		return;
	if (io->udp.fd >= 0)
		close(io->udp.fd);
	free(io);
}

int dhcp6_io_open(const char *ifname, struct dhcp6_io **ret, uint8_t mac[6], char *msg,
		  size_t msg_size)
{
	struct dhcp6_io *io = calloc(1, sizeof(*io));
	int r;

	*ret = NULL;
	if (!io) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	io->udp.fd = -1;
	if ((r = open_socket(io, ifname, mac, msg, msg_size)) < 0) {
		dhcp6_io_close(io);
		return r;
	}
	*ret = io;
	return 0;
}

static void on_udp_ready(struct loop_handler *h, uint32_t events)
{
	struct dhcp6_io *io = loop_owner(h, struct dhcp6_io, udp);

	(void)events;
	io->on_requests(io->userdata);
}

int dhcp6_io_watch(struct dhcp6_io *io, struct loop *loop, void (*on_requests)(void *userdata),
		   void *userdata)
{
	io->on_requests = on_requests;
	io->userdata = userdata;
	io->udp.on_ready = on_udp_ready;
	io->loop = loop;
	return loop_add(loop, &io->udp, EPOLLIN);
}

/* Out of epoll altogether while paused: a level-triggered error could not spin the loop. */
void dhcp6_io_pause(struct dhcp6_io *io, bool paused)
{
	int r = 0;

	if (!io->loop || io->paused == paused)
		return;
	if (paused)
		loop_remove(io->loop, &io->udp);
	else if ((r = loop_add(io->loop, &io->udp, EPOLLIN)) < 0)
		log_msg(LOG_ERR, "DHCPv6: cannot watch its socket again: %s", strerror(-r));
	io->paused = paused;
}

int dhcp6_io_receive(struct dhcp6_io *io)
{
	int n;

	mmsg_prepare_rx(io->rx_msgs, io->rx_iov, io->rx_from, sizeof(io->rx_from[0]), io->rx_ctrl,
			sizeof(io->rx_ctrl[0]), DHCP6_IO_BATCH);
	n = recvmmsg(io->udp.fd, io->rx_msgs, DHCP6_IO_BATCH, MSG_DONTWAIT, NULL);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	return n;
}

void dhcp6_io_rx(const struct dhcp6_io *io, int i, struct dhcp6_rx *rx)
{
	const struct msghdr *h = &io->rx_msgs[i].msg_hdr;
	struct cmsghdr *c;

	memset(rx, 0, sizeof(*rx));
	rx->data = io->rx_buf[i];
	rx->len = io->rx_msgs[i].msg_len;
	rx->src = io->rx_from[i].sin6_addr;
	rx->src_port = ntohs(io->rx_from[i].sin6_port);
	rx->ifindex = io->ifindex;
	for (c = CMSG_FIRSTHDR((struct msghdr *)h); c; c = CMSG_NXTHDR((struct msghdr *)h, c))
		if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(c), sizeof(pi));
			rx->ifindex = (int)pi.ipi6_ifindex;
			rx->unicast = !IN6_IS_ADDR_MULTICAST(&pi.ipi6_addr);
		}
}

uint8_t *dhcp6_io_reply_buf(struct dhcp6_io *io, int i)
{
	return io->tx_buf[i];
}

struct dhcp6_tx *dhcp6_io_tx(struct dhcp6_io *io, int i)
{
	return &io->tx[i];
}

int dhcp6_io_send(struct dhcp6_io *io, const bool *replied, int n)
{
	struct sockaddr_in6 to[DHCP6_IO_BATCH];
	struct mmsghdr msgs[DHCP6_IO_BATCH];
	struct iovec iov[DHCP6_IO_BATCH];
	int i, m = 0, r;

	for (i = 0; i < n; i++) {
		const struct dhcp6_tx *tx = &io->tx[i];
		struct msghdr *h;

		if (!replied[i] || !tx->len)
			continue;
		memset(&to[m], 0, sizeof(to[m]));
		to[m].sin6_family = AF_INET6;
		to[m].sin6_port = htons(tx->port);
		to[m].sin6_addr = tx->addr;
		/* a link-local destination needs its link */
		if (IN6_IS_ADDR_LINKLOCAL(&tx->addr) || IN6_IS_ADDR_MC_LINKLOCAL(&tx->addr))
			to[m].sin6_scope_id = (uint32_t)(tx->ifindex ? tx->ifindex : io->ifindex);
		iov[m].iov_base = io->tx_buf[i];
		iov[m].iov_len = tx->len;
		h = &msgs[m].msg_hdr;
		memset(h, 0, sizeof(*h));
		h->msg_name = &to[m];
		h->msg_namelen = sizeof(to[m]);
		h->msg_iov = &iov[m];
		h->msg_iovlen = 1;
		m++;
	}
	if (!m)
		return 0;
	r = sendmmsg(io->udp.fd, msgs, (unsigned)m, 0);
	return r < 0 ? 0 : r;
}
