/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Whether an upstream's answer may be kept, and what to keep of it. Every
 * record is walked through the bounds-checked reader (names with
 * dns_name_read(), so compression pointers only go backwards); the walk
 * notes where each TTL field is, so a later hit rewrites TTLs without
 * parsing again.
 *
 * Kept: NOERROR with records, for the smallest TTL of them; NXDOMAIN and
 * NODATA (NOERROR, no answer records) only with an SOA in the authority
 * section, for min(its TTL, its MINIMUM) (RFC 2308 §5), the SOA's TTL
 * itself cut to that (§3). Never: TC (a part of an answer), other rcodes
 * (SERVFAIL and REFUSED say nothing about the name), any TTL of 0 (RFC
 * 1035 §3.2.1: use once) or with its top bit set (RFC 2181 §8: read as 0),
 * an extended rcode, an OPT that is not the last record (taking it out
 * must not move bytes a pointer could refer to), a question written with
 * a pointer (a hit writes the asker's question over it, byte for byte),
 * or a pointer onto a byte a hit patches.
 */
#include <errno.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

struct walk {
	struct wire_reader r;
	struct dns_cache_scan *s;
	uint32_t min_ttl;
	bool has_soa, has_opt;
	uint32_t soa_ttl, soa_min;
	int soa_off;
};

/* SOA rdata: two names, then serial, refresh, retry, expire, minimum. */
static int soa_minimum(const struct wire_reader *msg, size_t at, uint16_t rdlen, uint32_t *min)
{
	struct wire_reader r;
	struct dns_name n;
	uint32_t v[5];
	int i;

	wire_rd_init(&r, msg->data, msg->end);
	if (!wire_rd_skip(&r, at) || dns_name_read(&r, &n) < 0 || dns_name_read(&r, &n) < 0)
		return -EBADMSG;
	for (i = 0; i < 5; i++)
		if (!wire_rd_u32(&r, &v[i]))
			return -EBADMSG;
	if (r.pos != at + rdlen)
		return -EBADMSG;
	*min = v[4];
	return 0;
}

/* One record of section `sec` (0 answer, 1 authority, 2 additional); `last`: the final one. */
static int walk_rr(struct walk *w, int sec, bool last)
{
	struct dns_name name;
	uint16_t type, class, rdlen;
	uint32_t ttl;
	size_t start = w->r.pos, ttl_at;

	if (dns_name_read(&w->r, &name) < 0 || !wire_rd_u16(&w->r, &type) ||
	    !wire_rd_u16(&w->r, &class))
		return -EBADMSG;
	ttl_at = w->r.pos;
	if (!wire_rd_u32(&w->r, &ttl) || !wire_rd_u16(&w->r, &rdlen) ||
	    !wire_rd_skip(&w->r, rdlen))
		return -EBADMSG;
	if (type == DNS_T_OPT) {
		/* RFC 6891 §6.1.1: one, in the additional section; its TTL holds flags */
		if (sec != 2 || w->has_opt || !last || (ttl >> 24) != 0)
			return -ENOENT;
		w->has_opt = true;
		w->s->keep = start;
		return 0;
	}
	if (ttl == 0 || (ttl & 0x80000000u) || w->s->n_ttl >= DNS_CACHE_RR_MAX ||
	    ttl_at > UINT16_MAX)
		return -ENOENT;
	w->s->ttl_off[w->s->n_ttl++] = (uint16_t)ttl_at;
	if (ttl < w->min_ttl)
		w->min_ttl = ttl;
	if (sec == 1 && type == DNS_T_SOA && !w->has_soa) {
		if (soa_minimum(&w->r, w->r.pos - rdlen, rdlen, &w->soa_min) < 0)
			return -EBADMSG;
		w->has_soa = true;
		w->soa_ttl = ttl;
		w->soa_off = (int)ttl_at;
	}
	w->s->keep = w->r.pos;
	return 0;
}

static int walk_all(struct walk *w, const struct dns_msg *m)
{
	uint32_t i, counts[3] = { m->ancount, m->nscount, m->arcount };
	uint32_t total = counts[0] + counts[1] + counts[2], k = 0;
	int sec, rc;

	for (sec = 0; sec < 3; sec++)
		for (i = 0; i < counts[sec]; i++, k++)
			if ((rc = walk_rr(w, sec, k + 1 == total)) < 0)
				return rc;
	return 0;
}

/* The lifetime, and for a negative answer the SOA's TTL to give. */
static int lifetime(struct walk *w, const struct dns_msg *m)
{
	unsigned rcode = m->flags & 0xf;
	bool negative = rcode == DNS_R_NXDOMAIN || m->ancount == 0;
	uint32_t life = w->min_ttl;

	w->s->soa_ttl_off = -1;
	if (negative) {
		/* RFC 2308 §5: no SOA, no negative caching */
		if (!w->has_soa)
			return -ENOENT;
		w->s->soa_ttl = w->soa_ttl < w->soa_min ? w->soa_ttl : w->soa_min;
		w->s->soa_ttl_off = w->soa_off;
		if (w->s->soa_ttl < life)
			life = w->s->soa_ttl;
	}
	if (life == 0 || life == UINT32_MAX)
		return -ENOENT;
	w->s->lifetime = life < DNS_CACHE_TTL_MAX ? life : DNS_CACHE_TTL_MAX;
	return 0;
}

/*
 * A hit rewrites the header's ID and counts and every TTL. A name whose
 * compression pointer lands on those bytes would read differently then:
 * any two bytes that could be such a pointer, anywhere in what is kept
 * (names inside rdata too), and the answer is not kept. Rarely a false
 * alarm, never a miss.
 */
static bool points_at_patched(const uint8_t *msg, const struct dns_cache_scan *s)
{
	uint8_t patched[DNS_CACHE_MSG_MAX / 8] = { 0 };
	size_t i, t;
	unsigned k, j;

	for (i = 0; i < DNS_HDR_LEN; i++)
		patched[i / 8] |= (uint8_t)(1u << (i % 8));
	for (k = 0; k < s->n_ttl; k++)
		for (j = 0; j < 4; j++) {
			t = s->ttl_off[k] + j;
			patched[t / 8] |= (uint8_t)(1u << (t % 8));
		}
	for (i = 0; i + 1 < s->keep; i++) {
		if ((msg[i] & 0xc0) != 0xc0)
			continue;
		t = (size_t)(msg[i] & 0x3f) << 8 | msg[i + 1];
		if (t < s->keep && (patched[t / 8] & (1u << (t % 8))))
			return true;
	}
	return false;
}

int dns_cache_scan(const uint8_t *msg, size_t len, const struct dns_name *lname,
		   uint16_t qtype, uint16_t qclass, struct dns_cache_scan *s)
{
	struct walk w = { .s = s, .min_ttl = UINT32_MAX, .soa_off = -1 };
	struct dns_msg m;
	unsigned rcode;
	int rc;

	memset(s, 0, sizeof(*s));
	if (dns_msg_parse(msg, len, false, &m) < 0)
		return -EBADMSG;
	rcode = m.flags & 0xf;
	if (!(m.flags & DNS_QR) || DNS_OPCODE(m.flags) != 0 || (m.flags & DNS_TC) ||
	    (rcode != DNS_R_NOERROR && rcode != DNS_R_NXDOMAIN))
		return -ENOENT;
	if (m.qtype != qtype || m.qclass != qclass ||
	    !dns_name_eq_nocase(m.qname.b, m.qname.len, lname->b, lname->len) ||
	    m.question_end != DNS_HDR_LEN + m.qname.len + 4u)
		return -ENOENT;
	wire_rd_init(&w.r, msg, len);
	if (!wire_rd_skip(&w.r, m.question_end))
		return -EBADMSG;
	s->keep = m.question_end;
	if ((rc = walk_all(&w, &m)) < 0 || (rc = lifetime(&w, &m)) < 0)
		return rc;
	s->arcount = (uint16_t)(m.arcount - (w.has_opt ? 1 : 0));
	if (s->keep > DNS_CACHE_MSG_MAX || points_at_patched(msg, s))
		return -ENOENT;
	return 0;
}
