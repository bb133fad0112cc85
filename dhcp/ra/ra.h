/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * ra: IPv6 router advertisements for one bridge (RFC 4861 section 6, DNS
 * options of RFC 8106). No I/O: router solicitations are parsed from bytes,
 * advertisements are built into caller buffers (the ICMPv6 checksum is the
 * kernel's: raw ICMPv6 sockets fill it in), and a scheduler says when the
 * next one is due, on the caller's monotonic clock in milliseconds.
 */
#ifndef VNETD_RA_H
#define VNETD_RA_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dhcp/wire/wire.h"

#define RA_MAX_PREFIXES 8
#define RA_MAX_DNS 3
#define RA_MAX_SEARCH 255               /* bytes of the domain search list, as text */
#define RA_BUF 1280                     /* enough for any RA this builds */

/* One on-link prefix of the bridge (RFC 4861 section 4.6.2). */
struct ra_prefix {
	struct in6_addr prefix;         /* host bits zero */
	uint8_t len;
	bool autonomous;                /* SLAAC: no DHCPv6 range for this prefix */
};

struct ra_config {
	uint8_t mac[6];                 /* the bridge's: source link-layer address option */
	struct ra_prefix prefixes[RA_MAX_PREFIXES];
	size_t n_prefixes;
	bool managed;                   /* M: addresses from DHCPv6 */
	bool other;                     /* O: other configuration from DHCPv6 */
	bool router;                    /* forwarding network: a default router; isolated: not */
	uint32_t mtu;                   /* 0: no MTU option */
	struct in6_addr dns[RA_MAX_DNS];        /* RDNSS, usually the bridge's own address */
	size_t n_dns;
	const char *search;             /* DNSSL: the network's domain, or NULL */
	uint32_t interval_s;            /* MaxRtrAdvInterval: 4..1800, 0 = 600 */
};

/*
 * Build an advertisement. final: the last one at stop, with router
 * lifetime 0 (RFC 4861 section 6.2.5). The length written, or a negative
 * errno with err (a search domain that is not a DNS name, too small a buffer).
 */
int ra_build(const struct ra_config *cfg, bool final, uint8_t *buf, size_t cap,
	     struct wire_error *err);

/*
 * A router solicitation from a host (ICMPv6 type 133, after the IPv6
 * header: the caller gives the ICMPv6 message and the hop limit it came
 * with). true when it is one to answer: code 0, hop limit 255, well-formed
 * options; *from_unspecified when sent from :: (it then carries no
 * source link-layer address, RFC 4861 section 6.1.1).
 */
bool ra_solicitation_valid(const uint8_t *icmp, size_t len, int hop_limit,
			   bool from_unspecified);

/*
 * When to send (RFC 4861 section 6.2.4 and 6.2.6): three initial
 * advertisements 16 s apart at most, then one every MinRtrAdvInterval to
 * MaxRtrAdvInterval (uniformly random); an answer to a solicitation within
 * 0.5 s (random), but never two multicast advertisements closer than 3 s.
 */
struct ra_sched {
	uint32_t max_ms, min_ms;
	unsigned initial_left;
	int64_t next_ms;                /* the next advertisement; -1: none (stopped) */
	int64_t last_ms;                /* the last one sent; INT64_MIN before the first */
	bool answer_pending;            /* a solicitation moved next_ms earlier */
};

void ra_sched_start(struct ra_sched *s, uint32_t interval_s, int64_t now_ms, uint32_t rnd);
/* A valid solicitation arrived. */
void ra_sched_solicited(struct ra_sched *s, int64_t now_ms, uint32_t rnd);
/* An advertisement went out at now_ms: plan the next one. */
void ra_sched_sent(struct ra_sched *s, int64_t now_ms, uint32_t rnd);
/*
 * The advertisement due at now_ms could not go out (the interface has no
 * usable link-local source address yet: a bridge without a port has no
 * carrier): try again delay_ms later, with the initial ones still to come.
 */
void ra_sched_deferred(struct ra_sched *s, int64_t now_ms, uint32_t delay_ms);
/* The next moment to send, or -1. */
int64_t ra_sched_deadline(const struct ra_sched *s);

#endif
