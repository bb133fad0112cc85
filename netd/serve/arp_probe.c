/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/serve/arp_probe.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* An Ethernet/IPv4 ARP packet as it follows the link header (RFC 826). */
struct arp_eth_ipv4 {
	uint16_t htype, ptype;
	uint8_t hlen, plen;
	uint16_t op;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
} __attribute__((packed));

int arp_open(struct arp_prober *p, const char *ifname, const uint8_t mac[6], char *msg,
	     size_t msg_size)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP) };

	memset(p, 0, sizeof(*p));
	memcpy(p->mac, mac, 6);
	p->ifindex = (int)if_nametoindex(ifname);
	p->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ARP));
	if (!p->ifindex || p->fd < 0) {
		snprintf(msg, msg_size, "cannot open the ARP socket on %s: %s", ifname,
			 strerror(errno));
		return -errno;
	}
	sll.sll_ifindex = p->ifindex;
	if (bind(p->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		snprintf(msg, msg_size, "cannot bind the ARP socket to %s: %s", ifname,
			 strerror(errno));
		return -errno;
	}
	return 0;
}

void arp_close(struct arp_prober *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
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
	if (sendto(p->fd, &a, sizeof(a), 0, (struct sockaddr *)&to, sizeof(to)) < 0)
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

void arp_read(struct arp_prober *p)
{
	struct arp_eth_ipv4 a;
	struct sockaddr_ll from;
	socklen_t fl;
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(p->fd, &a, sizeof(a), 0, (struct sockaddr *)&from, &fl);
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

struct arp_probe_slot *arp_next_done(struct arp_prober *p, int64_t now_ms)
{
	size_t i;

	for (i = 0; i < ARP_PROBE_SLOTS; i++) {
		struct arp_probe_slot *s = &p->slots[i];

		if (s->used && (s->answered || now_ms >= s->deadline_ms))
			return s;
	}
	return NULL;
}

void arp_release(struct arp_probe_slot *slot)
{
	slot->used = false;
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
