/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Forwarding with forgery resilience (RFC 5452). Each try of a query gets
 * a fresh random ID (unique among pending ones, so a reply finds its query
 * in one array lookup) and leaves from a fresh socket whose random port the
 * daemon reports back; a reply is accepted only when its source address and
 * port, the local port, the ID and the question all match (RFC 5452 §9.1).
 *
 * Pending queries sit in a fixed table allocated at start (no allocation
 * per query). All tries wait the same timeout, so a list in send order is
 * also in deadline order: the tick looks only at its head. When the table
 * is full the NEW query gets SERVFAIL at once (counted): queries already
 * under way keep their chance, and a flood cannot evict them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns-internal.h"

#define BY_ID_SIZE 65536

/* ---- routes ---- */

static bool is_self(const struct dns_server *srv, const struct dns_ip *ip)
{
	size_t i;

	for (i = 0; i < srv->n_nets; i++)
		if (dns_ip_eq(&srv->nets[i].addr, ip))
			return true;
	return false;
}

static void add_up(struct dns_server *srv, const struct dns_ip *ip, uint16_t port)
{
	struct dns_peer *p = &srv->route_ups[srv->n_route_ups++];

	p->ip = *ip;
	p->port = port ? port : DNS_PORT;
}

/* Route 0: forwarders without a domain, else the host's upstreams. */
static void default_ups(struct dns_server *srv, const struct dns_config *cfg)
{
	size_t i, before = srv->n_route_ups;

	for (i = 0; i < cfg->n_forwarders; i++)
		if (!cfg->forwarders[i].domain && cfg->forwarders[i].has_addr)
			add_up(srv, &cfg->forwarders[i].addr, cfg->forwarders[i].port);
	if (srv->n_route_ups > before)
		return;
	for (i = 0; i < cfg->n_upstreams; i++)
		if (!is_self(srv, &cfg->upstreams[i]))
			add_up(srv, &cfg->upstreams[i], 0);
}

static int find_route(const struct dns_server *srv, const uint8_t *d, size_t dlen)
{
	size_t i;

	for (i = 1; i < srv->n_routes; i++)
		if (srv->routes[i].domain_len == dlen && memcmp(srv->routes[i].domain, d, dlen) == 0)
			return (int)i;
	return -1;
}

static int build_routes(struct dns_server *srv, const struct dns_config *cfg,
			struct dns_error *err)
{
	size_t i, j, n_def, nf = cfg->n_forwarders;
	uint8_t d[DNS_NAME_MAX];
	int n;

	srv->routes = calloc(nf + 1, sizeof(*srv->routes));
	srv->route_ups = calloc((nf + 1) * (nf + cfg->n_upstreams + 1), sizeof(*srv->route_ups));
	if (!srv->routes || !srv->route_ups)
		return -ENOMEM;
	for (i = 0; i < nf; i++)
		if (cfg->forwarders[i].has_addr && is_self(srv, &cfg->forwarders[i].addr))
			return -ELOOP;
	default_ups(srv, cfg);
	n_def = srv->n_route_ups;
	srv->routes[0].n = (uint16_t)n_def;
	srv->n_routes = 1;
	/* One route per distinct domain, its upstreams in the order given. */
	for (i = 0; i < nf; i++) {
		struct dns_route *r;

		if (!cfg->forwarders[i].domain)
			continue;
		n = dns_name_from_text(cfg->forwarders[i].domain, d, sizeof(d));
		if (n < 0) {
			if (err)
				err->code = -EINVAL;
			return -EINVAL;
		}
		if (find_route(srv, d, (size_t)n) >= 0)
			continue;
		r = &srv->routes[srv->n_routes++];
		r->domain = malloc((size_t)n + 1);
		if (!r->domain)
			return -ENOMEM;
		memcpy(r->domain, d, (size_t)n);
		r->domain_len = (size_t)n;
		r->first = (uint16_t)srv->n_route_ups;
		for (j = i; j < nf; j++) {
			const struct dns_forwarder *f = &cfg->forwarders[j];
			int m;

			if (!f->domain || (m = dns_name_from_text(f->domain, d, sizeof(d))) != n ||
			    memcmp(d, r->domain, (size_t)n) != 0)
				continue;
			if (f->has_addr)
				add_up(srv, &f->addr, f->port);
			else    /* "resolve this domain with the default upstreams" */
				for (m = 0; (size_t)m < n_def; m++)
					srv->route_ups[srv->n_route_ups++] = srv->route_ups[m];
		}
		r->n = (uint16_t)(srv->n_route_ups - r->first);
	}
	return 0;
}

int dns_route_for(const struct dns_server *srv, const struct dns_msg *m, size_t *match_len)
{
	uint8_t l[DNS_NAME_MAX];
	size_t i, best_len = 0;
	int best = 0;

	memcpy(l, m->qname.b, m->qname.len);
	dns_name_lower(l, m->qname.len);
	for (i = 1; i < srv->n_routes; i++) {
		const struct dns_route *r = &srv->routes[i];

		if (r->domain_len > best_len &&
		    dns_name_suffix(l, m->qname.len, r->domain, r->domain_len, NULL) >= 0) {
			best = (int)i;
			best_len = r->domain_len;
		}
	}
	*match_len = best_len;
	return best;
}

/* ---- the pending table ---- */

int dns_forward_init(struct dns_server *srv, const struct dns_config *cfg, struct dns_error *err)
{
	unsigned i, n = cfg->max_pending ? cfg->max_pending : DNS_PENDING_DEFAULT;
	int rc;

	rc = build_routes(srv, cfg, err);
	if (rc == -ELOOP) {
		if (err) {
			err->code = rc;
			strcpy(err->message, "dns: a forwarder is this server's own address");
		}
		return rc;
	}
	if (rc == -EINVAL) {
		if (err)
			strcpy(err->message, "dns: a forwarder's domain is not a DNS name");
		return rc;
	}
	srv->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : DNS_TIMEOUT_DEFAULT_MS;
	srv->pend = calloc(n, sizeof(*srv->pend));
	srv->arena = malloc((size_t)n * DNS_FWD_QUERY_MAX);
	srv->by_id = calloc(BY_ID_SIZE, sizeof(*srv->by_id));
	if (rc < 0 || !srv->pend || !srv->arena || !srv->by_id) {
		if (err) {
			err->code = -ENOMEM;
			strcpy(err->message, "dns: out of memory");
		}
		return -ENOMEM;
	}
	srv->n_pend = (uint16_t)n;
	for (i = 0; i < n; i++) {
		srv->pend[i].query = srv->arena + (size_t)i * DNS_FWD_QUERY_MAX;
		srv->pend[i].next = (uint16_t)(i + 1 < n ? i + 1 : DNS_NIL);
	}
	srv->free_head = 0;
	srv->head = srv->tail = DNS_NIL;
	return 0;
}

void dns_forward_free(struct dns_server *srv)
{
	size_t i;

	for (i = 0; srv->routes && i < srv->n_routes; i++)
		free(srv->routes[i].domain);
	free(srv->routes);
	free(srv->route_ups);
	free(srv->pend);
	free(srv->arena);
	free(srv->by_id);
}

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

/* Send try number p->tries: a FORWARD action with a fresh ID. */
static void send_try(struct dns_server *srv, uint16_t s, int64_t now, uint8_t *out, size_t cap,
		     struct dns_action *act)
{
	struct dns_pending *p = &srv->pend[s];
	const struct dns_route *r = &srv->routes[p->route];

	p->up_id = fresh_id(srv);
	srv->by_id[p->up_id] = (uint16_t)(s + 1);
	p->gen++;
	p->local_port = 0;
	p->deadline = now + srv->timeout_ms;
	list_push(srv, s, false);
	memcpy(out, p->query, p->query_len);
	out[0] = (uint8_t)(p->up_id >> 8);
	out[1] = (uint8_t)p->up_id;
	act->kind = DNS_ACT_FORWARD;
	act->transport = p->client.transport;   /* TCP queries go on over TCP */
	act->peer = srv->route_ups[r->first + p->tries];
	act->len = p->query_len;
	act->token = token_of(srv, s);
	(void)cap;
}

static void answer_client(struct dns_action *act, const struct dns_client *c, size_t len)
{
	act->kind = len ? DNS_ACT_ANSWER : DNS_ACT_DROP;
	act->transport = c->transport;
	act->peer = c->peer;
	act->conn = c->conn;
	act->len = len;
}

void dns_forward_query(struct dns_server *srv, const struct dns_msg *m, const uint8_t *q,
		       size_t qlen, const struct dns_client *from, int route, int64_t now,
		       uint8_t *out, size_t cap, struct dns_action *act)
{
	size_t limit = dns_client_limit(m, from->transport, cap);
	struct dns_pending *p;
	uint16_t s;

	/* No upstream at all: REFUSED, as dnsmasq does, so the client moves on. */
	if (!srv->routes[route].n || qlen > DNS_FWD_QUERY_MAX || cap < qlen) {
		srv->st.refused++;
		answer_client(act, from, dns_answer_rcode(srv, m, true, DNS_R_REFUSED, out, limit));
		return;
	}
	if (srv->free_head == DNS_NIL) {
		srv->st.pending_full++;
		srv->st.servfail++;
		answer_client(act, from, dns_answer_rcode(srv, m, true, DNS_R_SERVFAIL, out, limit));
		return;
	}
	s = srv->free_head;
	p = &srv->pend[s];
	srv->free_head = p->next;
	srv->used_pend++;
	p->used = true;
	memcpy(p->query, q, qlen);
	p->query_len = (uint16_t)qlen;
	p->client_id = m->id;
	p->client = *from;
	p->client_limit = (uint16_t)dns_client_limit(m, from->transport, DNS_MSG_MAX);
	p->has_opt = m->has_opt;
	p->route = (uint16_t)route;
	p->tries = 0;
	p->lname = m->qname;
	dns_name_lower(p->lname.b, p->lname.len);
	p->qtype = m->qtype;
	p->qclass = m->qclass;
	srv->st.forwarded++;
	send_try(srv, s, now, out, cap, act);
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

/* This try is over (timeout, failure answer): the next upstream, or SERVFAIL. */
static void next_try(struct dns_server *srv, uint16_t s, int64_t now, uint8_t *out, size_t cap,
		     struct dns_action *act)
{
	struct dns_pending *p = &srv->pend[s];
	struct dns_msg m;
	uint16_t port = p->local_port;

	if (p->tries + 1u < srv->routes[p->route].n && cap >= p->query_len) {
		srv->by_id[p->up_id] = 0;
		list_unlink(srv, s);
		p->tries++;
		srv->st.retries++;
		send_try(srv, s, now, out, cap, act);
	} else {
		/* Every upstream failed: SERVFAIL built from the query we kept. */
		srv->st.servfail++;
		if (dns_msg_parse(p->query, p->query_len, true, &m) == 0)
			answer_client(act, &p->client,
				      dns_answer_rcode(srv, &m, true, DNS_R_SERVFAIL, out,
						       p->client_limit < cap ? p->client_limit : cap));
		pend_release(srv, s);
	}
	act->done_port = port;
}

/* RFC 5452 §9.1: address, port, ID and question, or nothing. */
static struct dns_pending *match_reply(struct dns_server *srv, const struct dns_msg *m,
				       const struct dns_peer *from, uint16_t local_port)
{
	struct dns_pending *p;
	const struct dns_peer *up;
	uint16_t s = srv->by_id[m->id];

	if (!s)
		return NULL;
	p = &srv->pend[s - 1];
	up = &srv->route_ups[srv->routes[p->route].first + p->tries];
	if (!(m->flags & DNS_QR) || !local_port || p->local_port != local_port ||
	    from->port != up->port || !dns_ip_eq(&from->ip, &up->ip))
		return NULL;
	if (m->qtype != p->qtype || m->qclass != p->qclass ||
	    !dns_name_eq_nocase(m->qname.b, m->qname.len, p->lname.b, p->lname.len))
		return NULL;
	return p;
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
	if ((rcode == DNS_R_SERVFAIL || rcode == DNS_R_REFUSED) &&
	    p->tries + 1u < srv->routes[p->route].n) {
		next_try(srv, s, now, out, cap, act);
		return 0;
	}
	srv->st.replies_accepted++;
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
	answer_client(act, &p->client, n);
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
