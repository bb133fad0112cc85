/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Forwarding with forgery resilience (RFC 5452). Each try of a query gets
 * a fresh random ID (unique among pending ones, so a reply finds its query
 * in one array lookup) and leaves from a random-port socket the daemon
 * reports back (netd keeps a few per upstream, each for a bounded number of
 * queries: dns_io_fwd.c); a reply is accepted only when its source address and
 * port, the local port, the ID and the question all match (RFC 5452 §9.1).
 *
 * Pending queries sit in a fixed table allocated at start (no allocation
 * per query). All tries wait the same timeout, so a list in send order is
 * also in deadline order: the tick looks only at its head. When the table
 * is full, or it is three quarters full and the client's address has its
 * share of it under way, the NEW query is not forwarded (counted): queries
 * already under way keep their chance, and one guest's flood cannot evict
 * the others'. A lone busy guest (or dnsperf) may use most of the table;
 * a quarter of it always stays for the others.
 *
 * Such a query over UDP is dropped, not answered SERVFAIL: this is an
 * overload, and a stub resolver retries a lost query after its timeout
 * (and then usually succeeds), while SERVFAIL is a final answer its
 * application sees as a failed lookup; a flood gets nothing back for its
 * effort; and dnsmasq, which libvirt guests know, drops at its
 * dns-forward-max too. Over TCP it gets SERVFAIL: the connection carries
 * one query at a time and would otherwise wait for nothing.
 *
 * Each try remembers the upstream it went to, so a reply is matched
 * against that one even when the host's upstream list changed meanwhile.
 * A try's random ID also recognises our own query when it comes back to
 * our listeners (a loop through a local stub or a forwarder that forwards
 * to us): that upstream is skipped for a while and the query fails over.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

static void list_unlink(struct dns_server *srv, uint16_t s)
{
	struct dns_pending *p = &srv->pend[s];

	if (p->prev != DNS_NIL)
		srv->pend[p->prev].next = p->next;
	else
		srv->head = p->next;
	if (p->next != DNS_NIL)
		srv->pend[p->next].prev = p->prev;
	else
		srv->tail = p->prev;
	p->prev = p->next = DNS_NIL;
}

static void list_push(struct dns_server *srv, uint16_t s, bool front)
{
	struct dns_pending *p = &srv->pend[s];

	if (front) {
		p->prev = DNS_NIL;
		p->next = srv->head;
		if (srv->head != DNS_NIL)
			srv->pend[srv->head].prev = s;
		else
			srv->tail = s;
		srv->head = s;
		return;
	}
	p->next = DNS_NIL;
	p->prev = srv->tail;
	if (srv->tail != DNS_NIL)
		srv->pend[srv->tail].next = s;
	else
		srv->head = s;
	srv->tail = s;
}

static void pend_release(struct dns_server *srv, uint16_t s)
{
	struct dns_pending *p = &srv->pend[s];

	srv->by_id[p->up_id] = 0;
	list_unlink(srv, s);
	dns_pclient_put(&srv->pcl, p->pclient);
	p->used = false;
	p->next = srv->free_head;
	srv->free_head = s;
	srv->used_pend--;
}

/* A random ID no pending query uses (RFC 5452 §4.3: unpredictable). */
static uint16_t fresh_id(struct dns_server *srv)
{
	uint32_t r = 0;
	unsigned i;

	for (i = 0; i < 64; i++) {
		r = srv->random(srv->random_userdata);
		if (!srv->by_id[r & 0xffff])
			return (uint16_t)r;
		if (!srv->by_id[r >> 16])
			return (uint16_t)(r >> 16);
	}
	/* At most DNS_PENDING_LIMIT of 65536 are taken: walk to a free one. */
	for (r &= 0xffff; srv->by_id[r]; r = (r + 1) & 0xffff)
		;
	return (uint16_t)r;
}

static uint32_t token_of(const struct dns_server *srv, uint16_t s)
{
	return (uint32_t)srv->pend[s].gen << 16 | s;
}

static struct dns_pending *by_token(struct dns_server *srv, uint32_t token)
{
	uint32_t s = token & 0xffff;

	if (s >= srv->n_pend || !srv->pend[s].used || srv->pend[s].gen != token >> 16)
		return NULL;
	return &srv->pend[s];
}

/* Send to upstream number p->tries of its route: a FORWARD action with a fresh ID. */
static void send_try(struct dns_server *srv, uint16_t s, int64_t now, uint8_t *out,
		     struct dns_action *act)
{
	struct dns_pending *p = &srv->pend[s];
	const struct dns_route *r = &srv->routes[p->route];

	p->up_id = fresh_id(srv);
	srv->by_id[p->up_id] = (uint16_t)(s + 1);
	p->gen++;
	p->local_port = 0;
	p->deadline = now + srv->timeout_ms;
	p->up = srv->route_ups[r->first + p->tries];
	p->route_gen = r->gen;
	list_push(srv, s, false);
	memcpy(out, p->query, p->query_len);
	out[0] = (uint8_t)(p->up_id >> 8);
	out[1] = (uint8_t)p->up_id;
	act->kind = DNS_ACT_FORWARD;
	act->transport = p->client.transport;   /* TCP queries go on over TCP */
	act->peer = p->up;
	act->len = p->query_len;
	act->token = token_of(srv, s);
}

/* No room for a new forward: dropped over UDP, SERVFAIL over TCP (see above). */
static void no_room(struct dns_server *srv, const struct dns_msg *m,
		    const struct dns_client *from, size_t limit, uint8_t *out,
		    struct dns_action *act)
{
	if (from->transport == DNS_UDP)
		return;
	srv->st.servfail++;
	dns_reply_to(act, from, dns_answer_rcode(srv, m, true, DNS_R_SERVFAIL, out, limit));
}

static void refuse_new(struct dns_server *srv, const struct dns_msg *m,
		       const struct dns_client *from, uint8_t rcode, size_t limit, uint8_t *out,
		       struct dns_action *act)
{
	if (rcode == DNS_R_REFUSED)
		srv->st.refused++;
	else
		srv->st.servfail++;
	dns_reply_to(act, from, dns_answer_rcode(srv, m, true, rcode, out, limit));
}

void dns_forward_query(struct dns_server *srv, const struct dns_msg *m, const uint8_t *q,
		       size_t qlen, const struct dns_client *from, int route, int64_t now,
		       uint8_t *out, size_t cap, struct dns_action *act)
{
	size_t limit = dns_client_limit(m, from->transport, cap);
	struct dns_pending *p;
	uint16_t s, pc;
	int first, rc;

	/* No upstream at all: REFUSED, as dnsmasq does, so the client moves on. */
	if (!srv->routes[route].n || qlen > DNS_FWD_QUERY_MAX || cap < qlen) {
		refuse_new(srv, m, from, DNS_R_REFUSED, limit, out, act);
		return;
	}
	/* Every upstream of the route sent our queries back lately: SERVFAIL. */
	first = dns_route_next(srv, (unsigned)route, 0, now);
	if (first < 0) {
		refuse_new(srv, m, from, DNS_R_SERVFAIL, limit, out, act);
		return;
	}
	if (srv->free_head == DNS_NIL) {
		srv->st.pending_full++;
		no_room(srv, m, from, limit, out, act);
		return;
	}
	rc = dns_pclient_take(&srv->pcl, &from->peer.ip,
			      srv->used_pend >= srv->n_pend - srv->n_pend / 4, &pc);
	if (rc < 0) {
		srv->st.pending_client_full++;
		no_room(srv, m, from, limit, out, act);
		return;
	}
	s = srv->free_head;
	p = &srv->pend[s];
	srv->free_head = p->next;
	srv->used_pend++;
	p->used = true;
	p->pclient = pc;
	memcpy(p->query, q, qlen);
	p->query_len = (uint16_t)qlen;
	p->client_id = m->id;
	p->client = *from;
	p->client_limit = (uint16_t)dns_client_limit(m, from->transport, DNS_MSG_MAX);
	p->has_opt = m->has_opt;
	p->route = (uint16_t)route;
	p->tries = (uint16_t)first;
	p->restarts = 0;
	p->lname = m->qname;
	dns_name_lower(p->lname.b, p->lname.len);
	p->qtype = m->qtype;
	p->qclass = m->qclass;
	p->cache_variant = dns_cache_variant(m);
	srv->st.forwarded++;
	send_try(srv, s, now, out, act);
}

void dns_server_forward_sent(struct dns_server *srv, uint32_t token, uint16_t local_port)
{
	struct dns_pending *p = srv ? by_token(srv, token) : NULL;

	if (p)
		p->local_port = local_port;
}

void dns_server_forward_failed(struct dns_server *srv, uint32_t token, int64_t now)
{
	struct dns_pending *p = srv ? by_token(srv, token) : NULL;
	uint16_t s;

	if (!p)
		return;
	s = (uint16_t)(token & 0xffff);
	p->deadline = now;
	list_unlink(srv, s);
	list_push(srv, s, true);
}

void dns_server_forward_failed_port(struct dns_server *srv, uint16_t local_port,
				    const struct dns_peer *up, int64_t now)
{
	uint16_t s;

	if (!srv || !local_port || !up)
		return;
	/* rare (an ICMP error on a shared socket): a walk over the table is fine */
	for (s = 0; s < srv->n_pend; s++) {
		struct dns_pending *p = &srv->pend[s];

		if (p->used && p->local_port == local_port && p->client.transport == DNS_UDP &&
		    p->up.port == up->port && dns_ip_eq(&p->up.ip, &up->ip))
			dns_server_forward_failed(srv, token_of(srv, s), now);
	}
}

/*
 * The upstream to try after this one, or -1. When the route's list was
 * replaced since the last try (resolv.conf changed), the query starts over
 * at the top of the new list — at most twice, so a host whose resolv.conf
 * keeps changing cannot keep a query alive for ever.
 */
static int next_index(struct dns_server *srv, struct dns_pending *p, int64_t now)
{
	if (p->route_gen != srv->routes[p->route].gen) {
		if (p->restarts >= 2)
			return -1;
		p->restarts++;
		return dns_route_next(srv, p->route, 0, now);
	}
	return dns_route_next(srv, p->route, p->tries + 1u, now);
}

static bool has_next(const struct dns_server *srv, const struct dns_pending *p, int64_t now)
{
	if (p->route_gen != srv->routes[p->route].gen)
		return p->restarts < 2 && dns_route_next(srv, p->route, 0, now) >= 0;
	return dns_route_next(srv, p->route, p->tries + 1u, now) >= 0;
}

/* This try is over (timeout, failure answer, loop): the next upstream, or SERVFAIL. */
static void next_try(struct dns_server *srv, uint16_t s, int64_t now, uint8_t *out, size_t cap,
		     struct dns_action *act)
{
	struct dns_pending *p = &srv->pend[s];
	struct dns_msg m;
	uint16_t port = p->local_port;
	int next = next_index(srv, p, now);

	if (next >= 0 && cap >= p->query_len) {
		srv->by_id[p->up_id] = 0;
		list_unlink(srv, s);
		p->tries = (uint16_t)next;
		srv->st.retries++;
		send_try(srv, s, now, out, act);
	} else {
		/* Every upstream failed: SERVFAIL built from the query we kept. */
		srv->st.servfail++;
		if (dns_msg_parse(p->query, p->query_len, true, &m) == 0)
			dns_reply_to(act, &p->client,
				      dns_answer_rcode(srv, &m, true, DNS_R_SERVFAIL, out,
						       p->client_limit < cap ? p->client_limit : cap));
		pend_release(srv, s);
	}
	act->done_port = port;
}

static bool same_question(const struct dns_pending *p, const struct dns_msg *m)
{
	return m->qtype == p->qtype && m->qclass == p->qclass &&
	       dns_name_eq_nocase(m->qname.b, m->qname.len, p->lname.b, p->lname.len);
}

/* RFC 5452 §9.1: address, port, ID and question, or nothing. */
static struct dns_pending *match_reply(struct dns_server *srv, const struct dns_msg *m,
				       const struct dns_peer *from, uint16_t local_port)
{
	struct dns_pending *p;
	uint16_t s = srv->by_id[m->id];

	if (!s)
		return NULL;
	p = &srv->pend[s - 1];
	if (!(m->flags & DNS_QR) || !local_port || p->local_port != local_port ||
	    from->port != p->up.port || !dns_ip_eq(&from->ip, &p->up.ip))
		return NULL;
	return same_question(p, m) ? p : NULL;
}

/*
 * Who can send our own query back: the upstream itself (a forwarder that
 * forwards to us), or the host (a local stub; the kernel keeps packets with
 * our own or a loopback source address off the bridge, so no guest can
 * pretend to be it).
 */
static bool may_loop_from(const struct dns_server *srv, const struct dns_pending *p,
			  const struct dns_ip *ip)
{
	size_t i;

	if (dns_ip_eq(ip, &p->up.ip))
		return true;
	if ((ip->family == AF_INET && ip->bytes[0] == 127) ||
	    (ip->family == AF_INET6 && dns_ip_eq(ip, &(struct dns_ip){ AF_INET6, { [15] = 1 } })))
		return true;
	for (i = 0; i < srv->n_nets; i++)
		if (dns_ip_eq(ip, &srv->nets[i].addr))
			return true;
	return false;
}

bool dns_forward_loop(struct dns_server *srv, const struct dns_msg *m,
		      const struct dns_client *from, int64_t now, uint8_t *out, size_t cap,
		      struct dns_action *act)
{
	uint16_t s = srv->by_id[m->id];
	struct dns_pending *p;

	if (!s)
		return false;
	p = &srv->pend[s - 1];
	if (!same_question(p, m) || !may_loop_from(srv, p, &from->peer.ip))
		return false;
	srv->st.loops++;
	srv->st.last_loop = p->up;
	dns_route_mark_loop(srv, &p->up, now);
	next_try(srv, (uint16_t)(s - 1), now, out, cap, act);
	return true;
}

/* The time since this try was sent (its deadline less the timeout), in ms. */
static void note_latency(struct dns_server *srv, const struct dns_pending *p, int64_t now)
{
	int64_t ms = now - (p->deadline - (int64_t)srv->timeout_ms);

	if (ms < 0)
		ms = 0;
	srv->st.forward_latency_ms_total += (uint64_t)ms;
	if ((uint64_t)ms > srv->st.forward_latency_ms_max)
		srv->st.forward_latency_ms_max = (uint64_t)ms;
}

int dns_server_handle_upstream_reply(struct dns_server *srv, const uint8_t *msg, size_t len,
				     const struct dns_peer *from, uint16_t local_port,
				     int64_t now, uint8_t *out, size_t cap,
				     struct dns_action *act)
{
	struct dns_pending *p;
	struct dns_msg m;
	size_t limit, n;
	uint16_t s, rcode;

	if (!act)
		return -EINVAL;
	memset(act, 0, sizeof(*act));
	if (!srv || (!msg && len) || !from || !out)
		return -EINVAL;
	if (dns_msg_parse(msg, len, false, &m) < 0 || !(p = match_reply(srv, &m, from, local_port))) {
		srv->st.replies_dropped++;
		return 0;
	}
	s = (uint16_t)(p - srv->pend);
	rcode = m.flags & 0xf;
	/* Strict order: an upstream that cannot answer hands over to the next. */
	if ((rcode == DNS_R_SERVFAIL || rcode == DNS_R_REFUSED) && has_next(srv, p, now)) {
		next_try(srv, s, now, out, cap, act);
		return 0;
	}
	srv->st.replies_accepted++;
	note_latency(srv, p, now);
	/* matched (RFC 5452 §9.1): worth keeping when cache_scan.c says so */
	dns_cache_store(&srv->cache, msg, len, &p->lname, p->qtype, p->qclass, p->cache_variant,
			now);
	limit = p->client_limit < cap ? p->client_limit : cap;
	if (len <= limit) {
		memcpy(out, msg, len);
		n = len;
	} else {
		/*
		 * Bigger than the client takes (or than our buffer): header and
		 * question only, with TC, so it retries over TCP (RFC 1035 §4.2.1).
		 */
		n = m.question_end;
		if (n > limit)
			n = 0;
		memcpy(out, msg, n);
		if (n) {
			out[2] |= DNS_TC >> 8;
			memset(out + 6, 0, 6);
		}
	}
	if (n) {
		out[0] = (uint8_t)(p->client_id >> 8);
		out[1] = (uint8_t)p->client_id;
	}
	dns_reply_to(act, &p->client, n);
	act->done_port = local_port;
	pend_release(srv, s);
	return 0;
}

int dns_server_tick(struct dns_server *srv, int64_t now, uint8_t *out, size_t cap,
		    struct dns_action *act, int64_t *next)
{
	uint16_t s;

	if (!act)
		return -EINVAL;
	memset(act, 0, sizeof(*act));
	if (!srv || !out)
		return -EINVAL;
	s = srv->head;
	if (s != DNS_NIL && srv->pend[s].deadline <= now) {
		srv->st.timeouts++;
		next_try(srv, s, now, out, cap, act);
		if (next)
			*next = srv->head != DNS_NIL ? srv->pend[srv->head].deadline : INT64_MAX;
		return 1;
	}
	if (next)
		*next = s != DNS_NIL ? srv->pend[s].deadline : INT64_MAX;
	return 0;
}
