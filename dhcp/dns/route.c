/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where a query goes: the definition's <forwarder>s and the host's
 * upstreams (resolv.conf) as ordered lists by domain. Route 0 is the
 * default: forwarders without a domain, else the host's upstreams; every
 * forwarder domain has its own route in the order given, where a domain
 * without an address means "the default upstreams". The host's upstreams
 * change while the server runs (resolv.conf followed live), so the routes
 * are rebuilt whole from the kept forwarders and the new list, then
 * swapped in: route indexes stay the same (they depend on the forwarders
 * only), and each route's `gen` tells pending queries that its list changed.
 *
 * Loop marks: an upstream that sent one of our queries back to us is
 * skipped for DNS_LOOP_SKIP_MS. A handful of marks at most, checked only
 * while one is live.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

static bool is_self(const struct dns_server *srv, const struct dns_ip *ip)
{
	size_t i;

	for (i = 0; i < srv->n_nets; i++)
		if (dns_ip_eq(&srv->nets[i].addr, ip))
			return true;
	return false;
}

static bool peer_eq(const struct dns_peer *a, const struct dns_peer *b)
{
	return a->port == b->port && dns_ip_eq(&a->ip, &b->ip);
}

/* The routes being built, before they replace the server's. */
struct build {
	struct dns_peer *ups;
	size_t n_ups;
	struct dns_route *routes;
	size_t n_routes;
};

static int find_route(const struct build *b, const uint8_t *d, size_t dlen)
{
	size_t i;

	for (i = 1; i < b->n_routes; i++)
		if (b->routes[i].domain_len == dlen && memcmp(b->routes[i].domain, d, dlen) == 0)
			return (int)i;
	return -1;
}

static void add_up(struct build *b, const struct dns_ip *ip, uint16_t port)
{
	struct dns_peer *p = &b->ups[b->n_ups++];

	memset(p, 0, sizeof(*p));
	p->ip = *ip;
	p->port = port ? port : DNS_PORT;
}

/* Route 0: forwarders without a domain, else the host's upstreams (never ourselves). */
static void default_route(const struct dns_server *srv, struct build *b,
			  const struct dns_ip *ups, size_t n)
{
	size_t i;

	for (i = 0; i < srv->n_fwd; i++)
		if (!srv->fwd[i].domain && srv->fwd[i].has_addr)
			add_up(b, &srv->fwd[i].peer.ip, srv->fwd[i].peer.port);
	if (b->n_ups == 0)
		for (i = 0; i < n; i++)
			if ((ups[i].family == AF_INET || ups[i].family == AF_INET6) &&
			    !is_self(srv, &ups[i]))
				add_up(b, &ups[i], 0);
	b->routes[0].n = (uint16_t)b->n_ups;
	b->n_routes = 1;
}

/* One route per distinct forwarder domain, its upstreams in the order given. */
static void domain_routes(const struct dns_server *srv, struct build *b)
{
	size_t i, j, k, n_def = b->routes[0].n;

	for (i = 0; i < srv->n_fwd; i++) {
		const struct dns_fwd_def *f = &srv->fwd[i];
		struct dns_route *r;

		if (!f->domain || find_route(b, f->domain, f->domain_len) >= 0)
			continue;
		r = &b->routes[b->n_routes++];
		r->domain = f->domain;
		r->domain_len = f->domain_len;
		r->first = (uint16_t)b->n_ups;
		for (j = i; j < srv->n_fwd; j++) {
			const struct dns_fwd_def *g = &srv->fwd[j];

			if (!g->domain || g->domain_len != f->domain_len ||
			    memcmp(g->domain, f->domain, f->domain_len) != 0)
				continue;
			if (g->has_addr)
				add_up(b, &g->peer.ip, g->peer.port);
			else    /* "resolve this domain with the default upstreams" */
				for (k = 0; k < n_def; k++)
					b->ups[b->n_ups++] = b->ups[k];
		}
		r->n = (uint16_t)(b->n_ups - r->first);
	}
}

static bool same_list(const struct dns_server *srv, const struct build *b, size_t r)
{
	const struct dns_route *o = &srv->routes[r], *n = &b->routes[r];
	size_t i;

	if (o->n != n->n)
		return false;
	for (i = 0; i < o->n; i++)
		if (!peer_eq(&srv->route_ups[o->first + i], &b->ups[n->first + i]))
			return false;
	return true;
}

/* Build every route from the kept forwarders and `ups`, then swap them in. */
static int rebuild(struct dns_server *srv, const struct dns_ip *ups, size_t n)
{
	size_t nf = srv->n_fwd, i;
	struct build b = { 0 };

	/* route indexes are 16 bits wide */
	if ((uint64_t)(nf + 1) * (nf + n + 1) > DNS_NIL)
		return -E2BIG;
	b.routes = calloc(nf + 1, sizeof(*b.routes));
	b.ups = calloc((nf + 1) * (nf + n + 1), sizeof(*b.ups));
	if (!b.routes || !b.ups) {
		free(b.routes);
		free(b.ups);
		return -ENOMEM;
	}
	default_route(srv, &b, ups, n);
	domain_routes(srv, &b);
	for (i = 0; srv->routes && i < b.n_routes; i++) {
		b.routes[i].gen = (uint16_t)(srv->routes[i].gen + !same_list(srv, &b, i));
		/* answers came from the old upstreams: ask the new ones */
		if (b.routes[i].gen != srv->routes[i].gen)
			dns_cache_flush(&srv->cache);
	}
	free(srv->routes);
	free(srv->route_ups);
	srv->routes = b.routes;
	srv->n_routes = b.n_routes;
	srv->route_ups = b.ups;
	srv->n_route_ups = b.n_ups;
	return 0;
}

static int keep_forwarders(struct dns_server *srv, const struct dns_config *cfg)
{
	uint8_t d[DNS_NAME_MAX];
	size_t i;
	int n;

	srv->fwd = calloc(cfg->n_forwarders + 1, sizeof(*srv->fwd));
	if (!srv->fwd)
		return -ENOMEM;
	for (i = 0; i < cfg->n_forwarders; i++) {
		const struct dns_forwarder *f = &cfg->forwarders[i];
		struct dns_fwd_def *k = &srv->fwd[srv->n_fwd++];

		k->has_addr = f->has_addr;
		if (f->has_addr) {
			if (is_self(srv, &f->addr))
				return -ELOOP;
			k->peer.ip = f->addr;
			k->peer.port = f->port ? f->port : DNS_PORT;
		}
		if (!f->domain)
			continue;
		n = dns_name_from_text(f->domain, d, sizeof(d));
		if (n < 0)
			return -EINVAL;
		k->domain = malloc((size_t)n + 1);
		if (!k->domain)
			return -ENOMEM;
		memcpy(k->domain, d, (size_t)n);
		k->domain_len = (size_t)n;
	}
	return 0;
}

int dns_route_init(struct dns_server *srv, const struct dns_config *cfg, struct wire_error *err)
{
	const char *why = "dns: out of memory";
	int rc = keep_forwarders(srv, cfg);

	if (rc == 0)
		rc = rebuild(srv, cfg->upstreams, cfg->upstreams ? cfg->n_upstreams : 0);
	if (rc == -ELOOP)
		why = "dns: a forwarder is this server's own address";
	else if (rc == -EINVAL)
		why = "dns: a forwarder's domain is not a DNS name";
	else if (rc == -E2BIG)
		why = "dns: too many forwarders and upstreams";
	if (rc < 0 && err) {
		err->code = rc;
		snprintf(err->message, sizeof(err->message), "%s", why);
	}
	return rc;
}

void dns_route_free(struct dns_server *srv)
{
	size_t i;

	for (i = 0; srv->fwd && i < srv->n_fwd; i++)
		free(srv->fwd[i].domain);
	free(srv->fwd);
	free(srv->routes);
	free(srv->route_ups);
}

int dns_server_set_upstreams(struct dns_server *srv, const struct dns_ip *ups, size_t n,
			     struct wire_error *err)
{
	int rc;

	if (!srv || (!ups && n)) {
		rc = -EINVAL;
	} else {
		rc = rebuild(srv, ups, n);
		if (rc == 0)
			return 0;
	}
	if (err) {
		err->code = rc;
		snprintf(err->message, sizeof(err->message), "dns: %s",
			 rc == -ENOMEM ? "out of memory" : "too many upstreams");
	}
	return rc;
}

int dns_route_for(const struct dns_server *srv, const struct dns_msg *m, size_t *match_len)
{
	uint8_t l[DNS_NAME_MAX];
	size_t i, best_len = 0;
	int best = 0;

	*match_len = 0;
	if (srv->n_routes < 2)
		return 0;               /* only the default route: nothing to compare */
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

static bool looping(const struct dns_server *srv, const struct dns_peer *up, int64_t now)
{
	size_t i;

	if (now >= srv->loops_until)
		return false;
	for (i = 0; i < DNS_LOOP_MARKS; i++)
		if (srv->loops[i].until > now && peer_eq(&srv->loops[i].up, up))
			return true;
	return false;
}

int dns_route_next(const struct dns_server *srv, unsigned route, unsigned from, int64_t now)
{
	const struct dns_route *r;
	unsigned i;

	if (route >= srv->n_routes)
		return -1;
	r = &srv->routes[route];
	for (i = from; i < r->n; i++)
		if (!looping(srv, &srv->route_ups[r->first + i], now))
			return (int)i;
	return -1;
}

void dns_route_mark_loop(struct dns_server *srv, const struct dns_peer *up, int64_t now)
{
	struct dns_loop_mark *m = &srv->loops[0];
	size_t i;

	/* The same upstream's mark, else a free one, else the one that ends first. */
	for (i = 0; i < DNS_LOOP_MARKS; i++) {
		struct dns_loop_mark *c = &srv->loops[i];

		if (c->until > now && peer_eq(&c->up, up)) {
			m = c;
			break;
		}
		if (c->until < m->until)
			m = c;
	}
	m->up = *up;
	m->until = now + DNS_LOOP_SKIP_MS;
	if (m->until > srv->loops_until)
		srv->loops_until = m->until;
}
