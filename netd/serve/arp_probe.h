/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * arp_probe: conflict detection before an address is offered for the first
 * time. An ARP probe (RFC 5227 §2.1.1: sender address 0.0.0.0) asks the
 * bridge whether anyone already uses the address; the DHCP packet that
 * caused it waits in a slot, so other clients are served meanwhile.
 */
#ifndef VNETD_ARP_PROBE_H
#define VNETD_ARP_PROBE_H

#include "dhcp/v4/dhcp.h"

#include <stdbool.h>
#include <stdint.h>

#define ARP_PROBE_SLOTS 64
#define ARP_PROBE_WAIT_MS 200
#define ARP_PROBE_PKT_MAX 1536

struct arp_probe_slot {
	bool used;
	bool answered;                  /* someone claimed the address */
	struct in_addr addr;
	int64_t deadline_ms;            /* monotonic */
	struct dhcp_rx rx;              /* the held request; data points into pkt */
	uint8_t pkt[ARP_PROBE_PKT_MAX];
};

struct arp_prober {
	int fd;
	int ifindex;
	uint8_t mac[6];
	struct arp_probe_slot slots[ARP_PROBE_SLOTS];
};

/* Open the ARP socket on the bridge (while privileged). 0 or negative errno. */
int arp_open(struct arp_prober *p, const char *ifname, const uint8_t mac[6], char *msg,
	     size_t msg_size);
void arp_close(struct arp_prober *p);

/*
 * Probe `addr`, holding `rx` (copied) until the answer. -ENOSPC when every
 * slot is busy or the packet is too big: then offer without a probe.
 */
int arp_probe_start(struct arp_prober *p, struct in_addr addr, const struct dhcp_rx *rx,
		    int64_t now_ms);

/* Read waiting ARP traffic and mark the probes it answers. */
void arp_read(struct arp_prober *p);

/*
 * The next probe that is finished (answered, or past its deadline at
 * now_ms), or NULL. The caller reports it to the DHCP server, re-handles
 * slot->rx and then frees the slot with arp_release().
 */
struct arp_probe_slot *arp_next_done(struct arp_prober *p, int64_t now_ms);
void arp_release(struct arp_probe_slot *slot);

/* The earliest deadline of a pending probe, or -1 when none. */
int64_t arp_next_deadline(const struct arp_prober *p);

#endif
