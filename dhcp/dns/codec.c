/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS message codec. Every untrusted byte is read through dhcp_reader
 * (reader.c); a reader always spans the WHOLE message so that its position
 * is a message offset and compression pointers can be followed by opening
 * a fresh reader and skipping to the target (dns_rd_at), never by pointer
 * arithmetic on packet data.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

/* A reader over the same message positioned at `off`; false when outside it. */
static bool dns_rd_at(const struct wire_reader *msg, size_t off, struct wire_reader *out)
{
	wire_rd_init(out, msg->data, msg->end);
	return wire_rd_skip(out, off);
}

int dns_name_read(struct wire_reader *r, struct dns_name *out)
{
	struct wire_reader cur = *r;
	size_t limit = r->pos, after = 0;
	unsigned hops = 0;
	uint8_t l, l2;
	size_t len = 0;

	out->labels = 0;
	for (;;) {
		if (!wire_rd_u8(&cur, &l))
			return -EBADMSG;
		if ((l & 0xc0) == 0xc0) {
			size_t target;

			if (!wire_rd_u8(&cur, &l2))
				return -EBADMSG;
			target = (size_t)(l & 0x3f) << 8 | l2;
			/*
			 * RFC 1035 §4.1.4 says a pointer refers to a "prior
			 * occurrence": require it to land before where this run of
			 * labels began, so positions strictly decrease and a loop
			 * is impossible; the hop limit is a second fence.
			 */
			if (target >= limit || ++hops > DNS_MAX_HOPS)
				return -EBADMSG;
			if (!after)
				after = cur.pos;
			limit = target;
			if (!dns_rd_at(r, target, &cur))
				return -EBADMSG;
			continue;
		}
		if (l & 0xc0)
			return -EBADMSG;        /* RFC 6891 §5: extended label types are gone */
		/* RFC 1035 §2.3.4: 255 octets, counting the root's 0 still to come. */
		if (len + 1 + l + (l ? 1 : 0) > DNS_NAME_MAX)
			return -EBADMSG;
		out->b[len++] = l;
		if (l == 0)
			break;
		if (!wire_rd_bytes(&cur, out->b + len, l))
			return -EBADMSG;
		len += l;
		out->labels++;
	}
	out->len = (uint8_t)len;
	r->pos = after ? after : cur.pos;
	return 0;
}

void dns_name_lower(uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] >= 'A' && p[i] <= 'Z')
			p[i] = (uint8_t)(p[i] + 32);
}

bool dns_name_eq_nocase(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t i;
	uint8_t x, y;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		x = a[i] >= 'A' && a[i] <= 'Z' ? (uint8_t)(a[i] + 32) : a[i];
		y = b[i] >= 'A' && b[i] <= 'Z' ? (uint8_t)(b[i] + 32) : b[i];
		if (x != y)
			return false;
	}
	return true;
}

int dns_name_from_text(const char *text, uint8_t *out, size_t cap)
{
	size_t len = 0, lab = 0, i;
	const char *s;

	if (!text || !*text || (text[0] == '.' && text[1] == 0))
		return -EINVAL;
	for (s = text;; s++) {
		if (*s == '.' || *s == 0) {
			if (s == text + lab)    /* empty label */
				return *s == 0 && s > text && s[-1] == '.' ? (int)len : -EINVAL;
			i = (size_t)(s - (text + lab));
			if (i > DNS_LABEL_MAX || len + 1 + i + 1 > DNS_NAME_MAX || len + 1 + i > cap)
				return -EINVAL;
			out[len++] = (uint8_t)i;
			memcpy(out + len, text + lab, i);
			dns_name_lower(out + len, i);
			len += i;
			if (*s == 0)
				return (int)len;
			lab = (size_t)(s - text) + 1;
			continue;
		}
		if (*s <= ' ' || *s >= 0x7f)
			return -EINVAL;
	}
}

int dns_name_suffix(const uint8_t *n, size_t nlen, const uint8_t *sfx, size_t slen,
		    unsigned *label_idx)
{
	size_t pos = 0;
	unsigned idx = 0;

	/* n ends with the root's 0: compare the labels before it. */
	while (pos < nlen) {
		if (nlen - 1 - pos == slen && memcmp(n + pos, sfx, slen) == 0) {
			if (label_idx)
				*label_idx = idx;
			return (int)pos;
		}
		if (n[pos] == 0)
			break;
		pos += 1u + n[pos];
		idx++;
	}
	return -1;
}

/* ---- messages ---- */

/* Skip one RR of the answer/authority/additional sections; pick up OPT. */
static int rr_check(struct wire_reader *r, struct dns_msg *m, bool additional)
{
	struct dns_name name;
	struct wire_reader rd, opt;
	uint16_t type, class, rdlen, code, olen;
	uint32_t ttl;

	if (dns_name_read(r, &name) < 0 || !wire_rd_u16(r, &type) || !wire_rd_u16(r, &class) ||
	    !wire_rd_u32(r, &ttl) || !wire_rd_u16(r, &rdlen) || !wire_rd_sub(r, rdlen, &rd))
		return -EBADMSG;
	if (type != DNS_T_OPT)
		return 0;
	/* RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root. */
	if (!additional || m->has_opt || name.len != 1)
		return -EBADMSG;
	m->has_opt = true;
	m->udp_size = class;
	m->edns_version = (uint8_t)(ttl >> 16);
	m->edns_do = (ttl & 0x8000) != 0;
	opt = rd;
	while (wire_rd_left(&opt)) {
		struct wire_reader val;

		if (!wire_rd_u16(&opt, &code) || !wire_rd_u16(&opt, &olen) ||
		    !wire_rd_sub(&opt, olen, &val))
			return -EBADMSG;
		if (code == DNS_OPT_COOKIE) {
			/* RFC 7873 §5.2.2: client cookie 8, server cookie 8..32. */
			if (olen != 8 && (olen < 16 || olen > 40))
				return -EBADMSG;
			m->has_cookie = true;
		}
	}
	return 0;
}

/* The answer, authority and additional sections, r just past the question. */
static int parse_records(struct wire_reader *r, struct dns_msg *m)
{
	uint32_t i, rrs;

	/* Every RR takes at least 11 octets: refuse absurd counts before looping. */
	rrs = (uint32_t)m->ancount + m->nscount + m->arcount;
	if ((uint64_t)rrs * 11 > wire_rd_left(r))
		return -EBADMSG;
	for (i = 0; i < rrs; i++)
		if (rr_check(r, m, i >= (uint32_t)m->ancount + m->nscount) < 0)
			return -EBADMSG;
	/* Trailing octets after the last RR: tolerated (RFC 1035 is silent; BIND accepts). */
	return 0;
}

int dns_msg_parse(const uint8_t *p, size_t len, bool whole, struct dns_msg *m)
{
	struct wire_reader r;

	memset(m, 0, sizeof(*m));
	wire_rd_init(&r, p, len);
	if (!wire_rd_u16(&r, &m->id) || !wire_rd_u16(&r, &m->flags) ||
	    !wire_rd_u16(&r, &m->qdcount) || !wire_rd_u16(&r, &m->ancount) ||
	    !wire_rd_u16(&r, &m->nscount) || !wire_rd_u16(&r, &m->arcount))
		return -EMSGSIZE;
	/* We only ever deal in one question (RFC 9619 makes that the rule). */
	if (m->qdcount != 1)
		return -EBADMSG;
	if (dns_name_read(&r, &m->qname) < 0 || !wire_rd_u16(&r, &m->qtype) ||
	    !wire_rd_u16(&r, &m->qclass))
		return -EBADMSG;
	m->question_end = r.pos;
	return whole ? parse_records(&r, m) : 0;
}

/*
 * The usual query read in one pass: header, one question whose name is
 * plain labels, then nothing or one bare OPT (no options) read at once, any
 * other records as dns_msg_parse reads them (parse_records). What it takes
 * dns_msg_parse(whole) takes too, to the same struct (the name's bytes past
 * qname.len aside); the rest -- a compressed or malformed question, bad
 * records -- is left to dns_msg_parse: -1.
 */
static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int quick_opt(struct wire_reader *r, struct dns_msg *m)
{
	const uint8_t *o;

	/* root owner, OPT, CLASS = size, TTL = ext-rcode/version/DO, RDLENGTH 0 */
	if (!wire_rd_ptr(r, 11, &o) || o[0] != 0 || be16(o + 1) != DNS_T_OPT || be16(o + 9))
		return -1;
	m->has_opt = true;
	m->udp_size = be16(o + 3);
	m->edns_version = o[6];
	m->edns_do = (o[7] & 0x80) != 0;
	return 0;
}

int dns_msg_parse_quick(const uint8_t *p, size_t len, struct dns_msg *m)
{
	struct wire_reader r;
	const uint8_t *h, *lab;
	size_t n = 0;
	uint8_t l;

	wire_rd_init(&r, p, len);
	if (!wire_rd_ptr(&r, DNS_HDR_LEN, &h) || be16(h + 4) != 1)
		return -1;
	m->qname.labels = 0;
	for (;;) {
		/* a pointer or a 0x40/0x80 label type: dns_msg_parse's business */
		if (!wire_rd_u8(&r, &l) || (l & 0xc0) ||
		    n + 1 + l + (l ? 1 : 0) > DNS_NAME_MAX)
			return -1;
		m->qname.b[n++] = l;
		if (!l)
			break;
		if (!wire_rd_ptr(&r, l, &lab))
			return -1;
		memcpy(m->qname.b + n, lab, l);
		n += l;
		m->qname.labels++;
	}
	if (!wire_rd_ptr(&r, 4, &lab))
		return -1;
	m->qname.len = (uint8_t)n;
	m->id = be16(h);
	m->flags = be16(h + 2);
	m->qdcount = 1;
	m->ancount = be16(h + 6);
	m->nscount = be16(h + 8);
	m->arcount = be16(h + 10);
	m->qtype = be16(lab);
	m->qclass = be16(lab + 2);
	m->question_end = r.pos;
	m->has_opt = m->edns_do = m->has_cookie = false;
	m->udp_size = 0;
	m->edns_version = 0;
	if (!m->ancount && !m->nscount && m->arcount <= 1) {
		struct wire_reader at = r;

		if (!m->arcount || quick_opt(&r, m) == 0)
			return 0;
		r = at;
	}
	return parse_records(&r, m) == 0 ? 0 : -1;
}

/* ---- reverse names ---- */

static const uint8_t in_addr_arpa[] = "\7in-addr\4arpa";
static const uint8_t ip6_arpa[] = "\3ip6\4arpa";

bool dns_reverse_parse(const uint8_t *n, size_t nlen, struct dns_ip *ip, unsigned *bits)
{
	unsigned lab, count, i, k;
	int off;
	bool v6;
	size_t pos;
	const uint8_t *labp[32];

	off = dns_name_suffix(n, nlen, in_addr_arpa, sizeof(in_addr_arpa) - 1, &lab);
	v6 = off < 0;
	if (v6)
		off = dns_name_suffix(n, nlen, ip6_arpa, sizeof(ip6_arpa) - 1, &lab);
	if (off < 0 || lab > (v6 ? 32u : 4u))
		return false;
	memset(ip, 0, sizeof(*ip));
	ip->family = v6 ? AF_INET6 : AF_INET;
	count = lab;
	for (pos = 0, i = 0; i < count; i++) {
		labp[i] = n + pos;
		pos += 1u + n[pos];
	}
	/* The label nearest the suffix is the most significant part. */
	for (i = 0; i < count; i++) {
		const uint8_t *l = labp[count - 1 - i];

		if (v6) {
			int h = l[0] == 1 ? hex_value(l[1]) : -1;

			if (h < 0)
				return false;
			ip->bytes[i / 2] |= (uint8_t)(i % 2 ? h : h << 4);
		} else {
			unsigned v = 0;

			if (l[0] < 1 || l[0] > 3 || (l[0] > 1 && l[1] == '0'))
				return false;
			for (k = 1; k <= l[0]; k++) {
				if (l[k] < '0' || l[k] > '9')
					return false;
				v = v * 10 + (l[k] - '0');
			}
			if (v > 255)
				return false;
			ip->bytes[i] = (uint8_t)v;
		}
	}
	*bits = count * (v6 ? 4 : 8);
	return true;
}

bool dns_ip_in_net(const struct dns_ip *ip, unsigned bits, const struct dns_ip *net,
		   unsigned prefix)
{
	unsigned full = prefix / 8, rest = prefix % 8;

	if (ip->family != net->family || bits < prefix)
		return false;
	if (memcmp(ip->bytes, net->bytes, full) != 0)
		return false;
	return !rest || ((ip->bytes[full] ^ net->bytes[full]) & (0xff00 >> rest) & 0xff) == 0;
}

int dns_ip_parse(const char *text, struct dns_ip *out)
{
	memset(out, 0, sizeof(*out));
	if (text && inet_pton(AF_INET, text, out->bytes) == 1) {
		out->family = AF_INET;
		return 0;
	}
	if (text && inet_pton(AF_INET6, text, out->bytes) == 1) {
		out->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

bool dns_ip_eq(const struct dns_ip *a, const struct dns_ip *b)
{
	return a->family == b->family &&
	       memcmp(a->bytes, b->bytes, a->family == AF_INET ? 4 : 16) == 0;
}

/* ---- writing ---- */

bool dns_wr_name(struct wire_builder *b, const uint8_t *wire, size_t len)
{
	return wire_wr_bytes(b, wire, len);
}

bool dns_wr_ptr(struct wire_builder *b, size_t off)
{
	return off < 0x4000 && wire_wr_u16(b, (uint16_t)(0xc000 | off));
}

void dns_wr_patch_u16(struct wire_builder *b, size_t off, uint16_t v)
{
	if (off + 2 <= b->len) {
		b->data[off] = (uint8_t)(v >> 8);
		b->data[off + 1] = (uint8_t)v;
	}
}
