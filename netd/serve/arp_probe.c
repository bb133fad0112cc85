/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/arp_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

/* An Ethernet/IPv4 ARP packet as it follows the link header (RFC 826). */
struct arp_eth_ipv4 {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

struct arp_probe_slot {
	bool used;
	bool answered;
	struct in_addr addr;
	int64_t deadline_ms;            /* monotonic */
	struct dhcp_rx rx;              /* the held request; data points into pkt */
	uint8_t pkt[ARP_PROBE_PKT_MAX];
};

struct arp_prober {
	struct loop_handler sock;       /* the ARP socket; its owner hears through on_answers */
	void (*on_answers)(void *userdata);
	void *userdata;
	int ifindex;
	uint8_t mac[6];
	struct arp_probe_slot slots[ARP_PROBE_SLOTS];
};

static int open_socket(struct arp_prober *p, const char *ifname, const uint8_t mac[6],
		       char *msg, size_t msg_size)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP) };

	memcpy(p->mac, mac, 6);
	p->ifindex = (int)if_nametoindex(ifname);
	/*
	 * Protocol 0 here, ETH_P_ARP at bind: a socket opened with a protocol
	 * is hooked at once, and bind must unhook it first, which waits for an
	 * RCU grace period (synchronize_net: 10-20 ms, the longest step of start).
	 */
	p->sock.fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (!p->ifindex || p->sock.fd < 0) {
		snprintf(msg, msg_size, "cannot open the ARP socket on %s: %s", ifname,
			 strerror(errno));
		return -errno;
	}
	sll.sll_ifindex = p->ifindex;
	if (bind(p->sock.fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(msg, msg_size, "cannot bind the ARP socket to %s: %s", ifname,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

void arp_close(struct arp_prober *p)
{
	if (!p)
		return;
	if (p->sock.fd >= 0)
		close(p->sock.fd);
	free(p);
}

int arp_open(const char *ifname, const uint8_t mac[6], struct arp_prober **ret, char *msg,
	     size_t msg_size)
{
	struct arp_prober *p = calloc(1, sizeof(*p));
	int r;

	*ret = NULL;
	if (!p) {
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	p->sock.fd = -1;
	r = open_socket(p, ifname, mac, msg, msg_size);
	if (r < 0) {
		arp_close(p);
		return r;
	}
	*ret = p;
	return 0;
}

static int send_probe(struct arp_prober *p, struct in_addr addr)
{
	struct arp_eth_ipv4 a = {
		.htype = htons(ARPHRD_ETHER), .ptype = htons(ETH_P_IP),
		.hlen = 6, .plen = 4, .op = htons(ARPOP_REQUEST),
	};
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
		.sll_ifindex = p->ifindex, .sll_halen = 6,
		.sll_addr = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff },
	};

	/* RFC 5227 §2.1.1: sender IP 0 so no neighbour cache learns from a probe */
	memcpy(a.sha, p->mac, 6);
	memcpy(a.tpa, &addr, 4);
	if (sendto(p->sock.fd, &a, sizeof(a), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

int arp_probe_start(struct arp_prober *p, struct in_addr addr, const struct dhcp_rx *rx,
		    int64_t now_ms)
{
	struct arp_probe_slot *s = NULL;
	size_t i;

	if (rx->len > ARP_PROBE_PKT_MAX)
		return -ENOSPC;
	/* the client asked again while its address is probed: answer the newest request */
	for (i = 0; i < ARP_PROBE_SLOTS && !s; i++)
		if (p->slots[i].used && p->slots[i].addr.s_addr == addr.s_addr)
			s = &p->slots[i];
	if (s) {
		memcpy(s->pkt, rx->data, rx->len);
		s->rx = *rx;
		s->rx.data = s->pkt;
		return 1;
	}
	for (i = 0; i < ARP_PROBE_SLOTS && !s; i++)
		if (!p->slots[i].used)
			s = &p->slots[i];
	if (!s)
		return -ENOSPC;
	if (send_probe(p, addr) < 0)
		return -EIO;
	memset(s, 0, sizeof(*s) - sizeof(s->pkt));
	s->used = true;
	s->addr = addr;
	s->deadline_ms = now_ms + ARP_PROBE_WAIT_MS;
	memcpy(s->pkt, rx->data, rx->len);
	s->rx = *rx;
	s->rx.data = s->pkt;
	return 0;
}

/*
 * Anyone who sends ARP from the address uses it: a reply to our probe, or
 * its own probe or announcement (RFC 5227 §2.1.1 counts both as conflicts).
 */
static void claim(struct arp_prober *p, const uint8_t spa[4], const uint8_t tpa[4],
		  uint16_t op)
{
	size_t i;

	for (i = 0; i < ARP_PROBE_SLOTS; i++) {
		struct arp_probe_slot *s = &p->slots[i];

		if (!s->used || s->answered)
			continue;
		if (!memcmp(spa, &s->addr, 4) ||
		    (op == ARPOP_REQUEST && !memcmp(tpa, &s->addr, 4) &&
		     !memcmp(spa, "\0\0\0\0", 4)))
			s->answered = true;
	}
}

static void read_all(struct arp_prober *p)
{
	struct arp_eth_ipv4 a;
	struct sockaddr_ll from;
	socklen_t fl;
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(p->sock.fd, &a, sizeof(a), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			return;
		/* our own probes come back as outgoing frames: not an answer */
		if ((size_t)n < sizeof(a) || from.sll_pkttype == PACKET_OUTGOING ||
		    ntohs(a.htype) != ARPHRD_ETHER || ntohs(a.ptype) != ETH_P_IP ||
		    a.hlen != 6 || a.plen != 4 || !memcmp(a.sha, p->mac, 6))
			continue;
		claim(p, a.spa, a.tpa, ntohs(a.op));
	}
}

static void on_sock_ready(struct loop_handler *h, uint32_t events)
{
	struct arp_prober *p = loop_owner(h, struct arp_prober, sock);

	read_all(p);
	p->on_answers(p->userdata);
}

int arp_watch(struct arp_prober *p, struct loop *loop, void (*on_answers)(void *userdata),
	      void *userdata)
{
	p->on_answers = on_answers;
	p->userdata = userdata;
	p->sock.on_ready = on_sock_ready;
	return loop_add(loop, &p->sock, EPOLLIN);
}

/*
 * Copied out and freed before the caller serves the request again: serving
 * it may start a new probe in this very slot.
 */
bool arp_take_done(struct arp_prober *p, int64_t now_ms, struct arp_probe_done *done)
{
	size_t i;

	for (i = 0; i < ARP_PROBE_SLOTS; i++) {
		struct arp_probe_slot *s = &p->slots[i];

		if (!s->used || !(s->answered || now_ms >= s->deadline_ms))
			continue;
		done->addr = s->addr;
		done->answered = s->answered;
		done->rx = s->rx;
		memcpy(done->pkt, s->pkt, s->rx.len);
		done->rx.data = done->pkt;
		s->used = false;
		return true;
	}
	return false;
}

int64_t arp_next_deadline(const struct arp_prober *p)
{
	int64_t best = -1;
	size_t i;

	for (i = 0; i < ARP_PROBE_SLOTS; i++)
		if (p->slots[i].used && (best < 0 || p->slots[i].deadline_ms < best))
			best = p->slots[i].deadline_ms;
	return best;
}
