/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Local answers: names from the table, PTR for our subnets, negative
 * answers for names that must never leave (localOnly, plain names). Every
 * answer echoes the question at offset 12, so owner names are compression
 * pointers into it (RFC 1035 §4.1.4); a record that does not fit the
 * client's limit is left out whole and TC set (RFC 2181 §9), with room kept
 * for the OPT record (RFC 6891 §7).
 */
#include <arpa/inet.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

#define OPT_RR_LEN 11
#define HOSTMASTER "\12hostmaster"

struct ans {
	struct wire_builder b;
	const struct dns_server *srv;
	const struct dns_msg *m;
	uint16_t flags, an, ns;
	uint8_t rcode;
};

size_t dns_client_limit(const struct dns_msg *m, enum dns_transport tr, size_t cap)
{
	size_t lim = DNS_UDP_MIN;

	if (tr == DNS_TCP)
		lim = DNS_MSG_MAX;
	else if (m->has_opt && m->udp_size > DNS_UDP_MIN)
		lim = m->udp_size;      /* RFC 6891 §6.2.5: below 512 means 512 */
	return lim < cap ? lim : cap;
}

static bool ans_start(struct ans *a, const struct dns_server *srv, const struct dns_msg *m,
		      uint8_t *out, size_t limit, uint8_t rcode, bool aa, bool question)
{
	a->srv = srv;
	a->m = m;
	a->an = a->ns = 0;
	a->rcode = rcode;
	/* RFC 1035 §4.1.1: copy ID, opcode and RD; we offer recursion. */
	a->flags = (uint16_t)(DNS_QR | (m->flags & 0x7800) | (m->flags & DNS_RD) | DNS_RA |
			      (aa ? DNS_AA : 0) | (rcode & 0xf));
	wire_wr_init(&a->b, out, limit);
	wire_wr_u16(&a->b, m->id);
	wire_wr_u16(&a->b, a->flags);
	wire_wr_u16(&a->b, question ? 1 : 0);
	wire_wr_zero(&a->b, 6);
	if (question) {
		dns_wr_name(&a->b, m->qname.b, m->qname.len);
		wire_wr_u16(&a->b, m->qtype);
		wire_wr_u16(&a->b, m->qclass);
	}
	if (a->b.full)
		return false;
	a->b.reserve = question && m->has_opt ? OPT_RR_LEN : 0;
	return true;
}

static size_t ans_finish(struct ans *a, bool question)
{
	bool opt = question && a->m->has_opt;

	a->b.reserve = 0;
	if (opt) {
		/* RFC 6891 §6.1.2/§6.1.3: our size, extended RCODE high bits, version 0. */
		wire_wr_u8(&a->b, 0);
		wire_wr_u16(&a->b, DNS_T_OPT);
		wire_wr_u16(&a->b, DNS_EDNS_SIZE);
		wire_wr_u32(&a->b, (uint32_t)(a->rcode >> 4) << 24);
		wire_wr_u16(&a->b, 0);
	}
	if (a->b.full)
		return 0;
	dns_wr_patch_u16(&a->b, 2, a->flags);
	dns_wr_patch_u16(&a->b, 6, a->an);
	dns_wr_patch_u16(&a->b, 8, a->ns);
	dns_wr_patch_u16(&a->b, 10, opt ? 1 : 0);
	return a->b.len;
}

/* An RR that did not fit: take it back whole and say the answer is cut. */
static bool rr_end(struct ans *a, size_t mark, size_t rdlen_at, uint16_t *count)
{
	if (a->b.full) {
		a->b.len = mark;
		a->b.full = false;
		a->flags |= DNS_TC;
		return false;
	}
	dns_wr_patch_u16(&a->b, rdlen_at, (uint16_t)(a->b.len - rdlen_at - 2));
	(*count)++;
	return true;
}

static size_t rr_head(struct ans *a, size_t owner, uint16_t type, uint32_t ttl)
{
	dns_wr_ptr(&a->b, owner);
	wire_wr_u16(&a->b, type);
	wire_wr_u16(&a->b, DNS_C_IN);
	wire_wr_u32(&a->b, ttl);
	wire_wr_u16(&a->b, 0);          /* rdlength, patched */
	return a->b.len - 2;
}

/* The seconds left on the record, rounded up: it is good until its last millisecond. */
static uint32_t rec_ttl(const struct dns_server *srv, const struct dns_rec *r, int64_t now)
{
	int64_t left_ms, left;

	if (r->expires == DNS_EXPIRES_NEVER)
		return srv->local_ttl;
	left_ms = r->expires - now;
	if (left_ms <= 0)
		return 0;
	left = left_ms / 1000 + (left_ms % 1000 != 0);
	return left < srv->local_ttl ? (uint32_t)left : srv->local_ttl;
}

static bool rec_live(const struct dns_rec *r, int64_t now)
{
	return r->expires == DNS_EXPIRES_NEVER || r->expires > now;
}

/* RFC 2308 §3: the zone's SOA; its TTL and MINIMUM bound negative caching. */
static bool put_soa(struct ans *a, size_t owner, bool answer)
{
	size_t mark = a->b.len, at;
	uint32_t ttl = a->srv->local_ttl;

	at = rr_head(a, owner, DNS_T_SOA, ttl);
	dns_wr_ptr(&a->b, owner);                       /* MNAME: the zone itself */
	wire_wr_bytes(&a->b, HOSTMASTER, sizeof(HOSTMASTER) - 1);
	dns_wr_ptr(&a->b, owner);                       /* RNAME: hostmaster.<zone> */
	wire_wr_u32(&a->b, 1);                          /* serial */
	wire_wr_u32(&a->b, 1200);                       /* refresh */
	wire_wr_u32(&a->b, 180);                        /* retry */
	wire_wr_u32(&a->b, 1209600);                    /* expire */
	wire_wr_u32(&a->b, ttl);                        /* minimum */
	return rr_end(a, mark, at, answer ? &a->an : &a->ns);
}

static bool put_rec(struct ans *a, const struct dns_rec *r, int64_t now)
{
	size_t mark = a->b.len, at;

	at = rr_head(a, DNS_HDR_LEN, r->type, rec_ttl(a->srv, r, now));
	if (r->type == DNS_T_A || r->type == DNS_T_AAAA)
		wire_wr_bytes(&a->b, r->addr, r->type == DNS_T_A ? 4 : 16);
	else
		wire_wr_bytes(&a->b, r->rdata, r->rdlen);
	return rr_end(a, mark, at, &a->an);
}

static bool put_ptr(struct ans *a, const struct dns_rec *r, int64_t now)
{
	const struct dns_server *srv = a->srv;
	bool qualify = (r->flags & DNS_REC_QUALIFY) && srv->domain_len;
	size_t mark = a->b.len, at;

	if (r->name_len + (qualify ? srv->domain_len : 0) + 1 > DNS_NAME_MAX)
		return true;            /* cannot be written as one name: skip it */
	at = rr_head(a, DNS_HDR_LEN, DNS_T_PTR, rec_ttl(srv, r, now));
	wire_wr_bytes(&a->b, r->name, r->name_len);
	if (qualify)
		wire_wr_bytes(&a->b, srv->domain, srv->domain_len);
	wire_wr_u8(&a->b, 0);
	return rr_end(a, mark, at, &a->an);
}

static bool type_wanted(uint16_t qtype, uint16_t type)
{
	return qtype == type || qtype == DNS_T_ANY;
}

/* Byte offset of label `idx` in the (question) name n. */
static size_t label_off(const uint8_t *n, size_t len, unsigned idx)
{
	size_t pos = 0;

	while (idx-- && pos < len && n[pos])
		pos += 1u + n[pos];
	return pos;
}

struct lookup {
	uint8_t lname[DNS_NAME_MAX];    /* lowercase question name */
	size_t len;
	int dom_off;                    /* where the domain starts in it, or -1 */
};

static size_t answer_names(struct ans *a, const struct lookup *l, uint32_t head, int64_t now)
{
	const struct dns_table *t = &a->srv->table;
	uint32_t i;

	for (i = head; i != HTAB_NONE; i = t->rec[i].next_name) {
		const struct dns_rec *r = &t->rec[i];

		if (rec_live(r, now) && type_wanted(a->m->qtype, r->type) && !put_rec(a, r, now))
			break;
	}
	/* RFC 2308 §2.2: NODATA carries the zone's SOA when we have a zone. */
	if (!a->an && !(a->flags & DNS_TC) && l->dom_off >= 0)
		put_soa(a, DNS_HDR_LEN + (size_t)l->dom_off, false);
	return ans_finish(a, true);
}

static bool chain_live(const struct dns_table *t, uint32_t head, int64_t now, bool by_name)
{
	uint32_t i;

	for (i = head; i != HTAB_NONE; i = by_name ? t->rec[i].next_name : t->rec[i].next_addr)
		if (rec_live(&t->rec[i], now))
			return true;
	return false;
}

/* PTR for addresses we know, NXDOMAIN inside local_ptr subnets. 0 = not ours. */
static size_t answer_reverse(struct ans *a, const struct lookup *l, int64_t now, uint8_t *out,
			     size_t limit)
{
	const struct dns_server *srv = a->srv;
	const struct dns_table *t = &srv->table;
	const struct dns_net *zone = NULL;
	struct dns_ip ip;
	unsigned bits, full, lab, i;
	uint32_t head = HTAB_NONE;

	if (!dns_reverse_parse(l->lname, l->len, &ip, &bits))
		return 0;
	full = ip.family == AF_INET ? 32 : 128;
	if (bits == full)
		head = dns_table_find_addr(t, &ip);
	for (i = 0; i < srv->n_nets && !zone; i++)
		if (srv->nets[i].local_ptr &&
		    dns_ip_in_net(&ip, bits, &srv->nets[i].addr, srv->nets[i].prefix))
			zone = &srv->nets[i];
	if (!chain_live(t, head, now, false) && !zone)
		return 0;
	if (chain_live(t, head, now, false)) {
		ans_start(a, srv, a->m, out, limit, DNS_R_NOERROR, true, true);
		for (i = head; i != HTAB_NONE; i = t->rec[i].next_addr)
			if (rec_live(&t->rec[i], now) && type_wanted(a->m->qtype, DNS_T_PTR) &&
			    !put_ptr(a, &t->rec[i], now))
				break;
		if (a->an || (a->flags & DNS_TC) || !zone)
			return ans_finish(a, true);
	} else {
		ans_start(a, srv, a->m, out, limit, bits == full ? DNS_R_NXDOMAIN : DNS_R_NOERROR,
			  true, true);
	}
	/* The zone is the subnet's prefix rounded down to whole labels. */
	lab = bits / (ip.family == AF_INET ? 8 : 4) - zone->prefix / (ip.family == AF_INET ? 8 : 4);
	put_soa(a, DNS_HDR_LEN + label_off(l->lname, l->len, lab), false);
	return ans_finish(a, true);
}

bool dns_answer_local(struct dns_server *srv, const struct dns_msg *m, int64_t now,
		      size_t limit, size_t route_len, uint8_t *out, size_t *len)
{
	const struct dns_table *t = &srv->table;
	struct lookup l;
	struct ans a;
	uint32_t head = HTAB_NONE;

	memcpy(l.lname, m->qname.b, m->qname.len);
	l.len = m->qname.len;
	dns_name_lower(l.lname, l.len);
	l.dom_off = srv->domain_len ? dns_name_suffix(l.lname, l.len, srv->domain,
						      srv->domain_len, NULL) : -1;
	a.srv = srv;
	a.m = m;
	a.flags = 0;
	a.an = 0;
	if (l.len > 1)
		head = dns_table_find(t, l.lname, l.len - 1);
	if (!chain_live(t, head, now, true) && l.dom_off > 0)
		head = dns_table_find(t, l.lname, (size_t)l.dom_off);
	if (chain_live(t, head, now, true)) {
		ans_start(&a, srv, m, out, limit, DNS_R_NOERROR, true, true);
		*len = answer_names(&a, &l, head, now);
		return true;
	}
	*len = answer_reverse(&a, &l, now, out, limit);
	if (*len)
		return true;
	/* A forwarder for a longer (more specific) domain beats localOnly. */
	if (srv->local_only && l.dom_off >= 0 && route_len <= srv->domain_len) {
		bool apex = l.dom_off == 0;

		ans_start(&a, srv, m, out, limit, apex ? DNS_R_NOERROR : DNS_R_NXDOMAIN, true, true);
		if (apex && type_wanted(m->qtype, DNS_T_SOA))
			put_soa(&a, DNS_HDR_LEN, true);
		else
			put_soa(&a, DNS_HDR_LEN + (size_t)l.dom_off, false);
		*len = ans_finish(&a, true);
		return true;
	}
	/* forwardPlainNames='no' (dnsmasq's domain-needed): single labels stay here. */
	if (srv->no_plain && m->qname.labels == 1 && !route_len) {
		ans_start(&a, srv, m, out, limit, DNS_R_NXDOMAIN, true, true);
		*len = ans_finish(&a, true);
		return true;
	}
	return false;
}

size_t dns_answer_rcode(const struct dns_server *srv, const struct dns_msg *m, bool question,
			uint8_t rcode, uint8_t *out, size_t cap)
{
	struct ans a;

	if (!ans_start(&a, srv, m, out, cap, rcode, false, question))
		return 0;
	return ans_finish(&a, question);
}

void dns_reply_to(struct dns_action *act, const struct dns_client *c, size_t len)
{
	act->kind = len ? DNS_ACT_ANSWER : DNS_ACT_DROP;
	act->transport = c->transport;
	act->peer = c->peer;
	act->conn = c->conn;
	act->len = len;
}
