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
#include "netd/serve/loop.h"

#include <stdbool.h>
#include <stdint.h>

#define ARP_PROBE_SLOTS DHCP_PROBES_MAX   /* as many as the core claims addresses for */
#define ARP_PROBE_WAIT_MS 200
#define ARP_PROBE_PKT_MAX 1536

struct arp_prober;

/* A finished probe, copied out of its slot (which is free again). */
struct arp_probe_done {
	struct in_addr addr;
	bool answered;                  /* someone claimed the address */
	struct dhcp_rx rx;              /* the held request; data points into pkt */
	uint8_t pkt[ARP_PROBE_PKT_MAX];
};

/*
 * Open the ARP socket on the bridge (while privileged). *ret is the
 * caller's, for arp_close(). 0 or negative errno with msg.
 */
int arp_open(const char *ifname, const uint8_t mac[6], struct arp_prober **ret, char *msg,
	     size_t msg_size);
void arp_close(struct arp_prober *p);           /* NULL is fine */

/*
 * Register the ARP socket: the prober reads what arrives and marks the
 * probes it answers, then calls on_answers(userdata). 0 or -errno.
 */
int arp_watch(struct arp_prober *p, struct loop *loop, void (*on_answers)(void *userdata),
	      void *userdata);

/*
 * Probe `addr`, holding `rx` (copied) until the answer: 0. When `addr` is
 * being probed already (the same client asked again: the DHCP core claims
 * an address for one client while it is probed), `rx` replaces the request
 * held and no second probe goes out: 1. -ENOSPC when every slot is busy or
 * the packet is too big: then offer without a probe. Slots are scanned, and
 * the socket never blocks: a busy prober costs the loop nothing but this.
 */
int arp_probe_start(struct arp_prober *p, struct in_addr addr, const struct dhcp_rx *rx,
		    int64_t now_ms);

/*
 * Take the next probe that is finished (answered, or past its deadline at
 * now_ms) into *done and free its slot: true, or false when none is. The
 * caller reports it to the DHCP server and handles done->rx again.
 */
bool arp_take_done(struct arp_prober *p, int64_t now_ms, struct arp_probe_done *done);

/* The earliest deadline of a pending probe (monotonic ms), or -1 when none. */
int64_t arp_next_deadline(const struct arp_prober *p);

#endif
