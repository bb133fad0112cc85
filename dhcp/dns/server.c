/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DNS server object: config checked and copied, static records put in
 * the table once (SRV/TXT rdata pre-encoded, so an answer is copies), and
 * the dispatcher from a client's query to a local answer or a forward.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/dns/dns-internal.h"

static int put_static(struct dns_table *t, const char *name, uint16_t type,
		      const uint8_t *addr, const uint8_t *rdata, size_t rdlen,
		      struct wire_error *err)
{
	uint8_t key[DNS_NAME_MAX], flags;
	int n = name ? dns_table_key(t, name, key, &flags) : -EINVAL;

	if (n < 0)
		return wire_fail(err, -EINVAL, "dns: '%s' is not a valid DNS name", name ? name : "");
	if (dns_table_put(t, key, (size_t)n, flags | DNS_REC_STATIC, type, addr, rdata,
			  (uint16_t)rdlen, DNS_EXPIRES_NEVER) < 0)
		return wire_fail(err, -ENOMEM, "dns: out of memory adding '%s'", name);
	return 0;
}

static int add_hosts(struct dns_table *t, const struct dns_host *hosts, size_t n,
		     struct wire_error *err)
{
	size_t i;
	int rc;

	for (i = 0; i < n; i++) {
		const struct dns_host *h = &hosts[i];

		if (h->ip.family != AF_INET && h->ip.family != AF_INET6)
			return wire_fail(err, -EINVAL, "dns: host '%s' has no address",
				    h->name ? h->name : "");
		rc = put_static(t, h->name, h->ip.family == AF_INET ? DNS_T_A : DNS_T_AAAA,
				h->ip.bytes, NULL, 0, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* RFC 2782: priority, weight, port, target (uncompressed; "." = not offered). */
static int add_srvs(struct dns_server *srv, const struct dns_config *cfg, struct wire_error *err)
{
	uint8_t rd[6 + DNS_NAME_MAX];
	char name[600];
	size_t i;
	int n, rc;

	for (i = 0; i < cfg->n_srvs; i++) {
		const struct dns_srv *s = &cfg->srvs[i];

		if (!s->service || !s->protocol)
			return wire_fail(err, -EINVAL, "dns: srv needs a service and a protocol");
		snprintf(name, sizeof(name), "_%s._%s%s%s", s->service, s->protocol,
			 s->domain ? "." : "", s->domain ? s->domain : "");
		rd[0] = (uint8_t)(s->priority >> 8);
		rd[1] = (uint8_t)s->priority;
		rd[2] = (uint8_t)(s->weight >> 8);
		rd[3] = (uint8_t)s->weight;
		rd[4] = (uint8_t)(s->port >> 8);
		rd[5] = (uint8_t)s->port;
		n = 0;
		if (s->target && strcmp(s->target, ".") != 0) {
			n = dns_name_from_text(s->target, rd + 6, DNS_NAME_MAX - 1);
			if (n < 0)
				return wire_fail(err, -EINVAL, "dns: srv target '%s' is not a DNS name",
					    s->target);
		}
		rd[6 + n] = 0;
		rc = put_static(&srv->table, name, DNS_T_SRV, NULL, rd, 6 + (size_t)n + 1, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* RFC 1035 §3.3.14: one or more <character-string>s of up to 255 octets. */
static int add_txts(struct dns_server *srv, const struct dns_config *cfg, struct wire_error *err)
{
	uint8_t rd[4096 + 4096 / 255 + 1];
	size_t i, len, pos, chunk, n;
	int rc;

	for (i = 0; i < cfg->n_txts; i++) {
		const struct dns_txt *t = &cfg->txts[i];

		len = t->value ? strlen(t->value) : 0;
		if (len > 4096)
			return wire_fail(err, -EINVAL, "dns: txt '%s' value is too long",
				    t->name ? t->name : "");
		n = 0;
		pos = 0;
		do {
			chunk = len - pos > 255 ? 255 : len - pos;
			rd[n++] = (uint8_t)chunk;
			memcpy(rd + n, t->value + pos, chunk);
			n += chunk;
			pos += chunk;
		} while (pos < len);
		rc = put_static(&srv->table, t->name, DNS_T_TXT, NULL, rd, n, err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int check_config(const struct dns_config *cfg, struct wire_error *err)
{
	size_t i;

	if (!cfg->n_nets || !cfg->nets)
		return wire_fail(err, -EINVAL, "dns: no network address to serve");
	for (i = 0; i < cfg->n_nets; i++) {
		const struct dns_net *n = &cfg->nets[i];

		if ((n->addr.family != AF_INET || n->prefix > 32) &&
		    (n->addr.family != AF_INET6 || n->prefix > 128))
			return wire_fail(err, -EINVAL, "dns: bad network address or prefix");
	}
	if (!cfg->random)
		return wire_fail(err, -EINVAL, "dns: a random source is required");
	if (cfg->local_ttl > DNS_LOCAL_TTL_MAX)
		return wire_fail(err, -EINVAL, "dns: local TTL %u is above %u", cfg->local_ttl,
			    DNS_LOCAL_TTL_MAX);
	if (cfg->max_pending > DNS_PENDING_LIMIT)
		return wire_fail(err, -EINVAL, "dns: at most %u pending forwards", DNS_PENDING_LIMIT);
	if (cfg->cache_entries > DNS_CACHE_LIMIT)
		return wire_fail(err, -EINVAL, "dns: at most %u cached answers", DNS_CACHE_LIMIT);
	return 0;
}

int dns_server_new(const struct dns_config *cfg, struct dns_server **ret, struct wire_error *err)
{
	struct dns_server *srv;
	int rc, n;

	if (!cfg || !ret)
		return wire_fail(err, -EINVAL, "dns: no config");
	rc = check_config(cfg, err);
	if (rc < 0)
		return rc;
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return wire_fail(err, -ENOMEM, "dns: out of memory");
	if (cfg->domain && *cfg->domain) {
		n = dns_name_from_text(cfg->domain, srv->domain, sizeof(srv->domain));
		if (n < 0) {
			dns_server_free(srv);
			return wire_fail(err, -EINVAL, "dns: domain '%s' is not a DNS name", cfg->domain);
		}
		srv->domain_len = (size_t)n;
	}
	srv->local_only = cfg->local_only && srv->domain_len;
	srv->no_plain = cfg->no_forward_plain_names;
	srv->local_ttl = cfg->local_ttl;
	srv->random = cfg->random;
	srv->random_userdata = cfg->random_userdata;
	srv->nets = calloc(cfg->n_nets, sizeof(*srv->nets));
	if (!srv->nets ||
	    dns_table_init(&srv->table, cfg->hash_seed, cfg->expected_names + cfg->n_hosts,
			   srv->domain, srv->domain_len) < 0) {
		dns_server_free(srv);
		return wire_fail(err, -ENOMEM, "dns: out of memory");
	}
	memcpy(srv->nets, cfg->nets, cfg->n_nets * sizeof(*srv->nets));
	srv->n_nets = cfg->n_nets;
	srv->table.max_dyn = cfg->max_dynamic ? cfg->max_dynamic :
			     cfg->expected_names ? cfg->expected_names : DNS_DYNAMIC_DEFAULT;
	rc = add_hosts(&srv->table, cfg->hosts, cfg->n_hosts, err);
	if (rc >= 0)
		rc = add_srvs(srv, cfg, err);
	if (rc >= 0)
		rc = add_txts(srv, cfg, err);
	if (rc >= 0)
		rc = dns_forward_init(srv, cfg, err);
	if (rc >= 0 && dns_cache_init(&srv->cache, cfg->cache_off ? 0 :
				      cfg->cache_entries ? cfg->cache_entries : DNS_CACHE_DEFAULT,
				      cfg->cache_bytes ? cfg->cache_bytes : DNS_CACHE_BYTES_DEFAULT,
				      cfg->hash_seed) < 0)
		rc = wire_fail(err, -ENOMEM, "dns: out of memory");
	if (rc < 0) {
		dns_server_free(srv);
		return rc;
	}
	*ret = srv;
	return 0;
}

/*
 * Copy old records into t: the static ones that are not host addresses
 * (SRV, TXT), or the dynamic ones under the lease rules (a name that is now
 * another address's static name is dropped).
 */
static int copy_records(struct dns_table *t, const struct dns_table *old, bool statics)
{
	uint32_t i;
	int rc;

	for (i = 0; i < old->n_rec; i++) {
		const struct dns_rec *r = &old->rec[i];
		bool host = r->type == DNS_T_A || r->type == DNS_T_AAAA;

		if (!r->type || !(r->flags & DNS_REC_STATIC) != !statics)
			continue;
		if (statics && !host)
			rc = dns_table_put(t, r->name, r->name_len, r->flags, r->type, NULL,
					   r->rdata, r->rdlen, r->expires);
		else if (!statics)
			rc = dns_table_set_dyn(t, r->name, r->name_len, r->flags, r->type,
					       r->addr, r->expires);
		else
			continue;
		if (rc == -ENOMEM)
			return rc;
	}
	return 0;
}

/* A new table is built beside the old one and swapped in: on failure nothing changed. */
int dns_server_set_hosts(struct dns_server *srv, const struct dns_host *hosts, size_t n,
			 struct wire_error *err)
{
	struct dns_table nt;
	int rc;

	if (!srv || (!hosts && n))
		return wire_fail(err, -EINVAL, "dns: no hosts");
	rc = dns_table_init(&nt, srv->table.seed, srv->table.live + (uint32_t)n, srv->domain,
			    srv->domain_len);
	nt.max_dyn = srv->table.max_dyn;
	if (rc < 0 || (rc = copy_records(&nt, &srv->table, true)) < 0)
		rc = wire_fail(err, -ENOMEM, "dns: out of memory");
	else if ((rc = add_hosts(&nt, hosts, n, err)) >= 0 &&
		 (rc = copy_records(&nt, &srv->table, false)) < 0)
		rc = wire_fail(err, -ENOMEM, "dns: out of memory");
	if (rc < 0) {
		dns_table_free(&nt);
		return rc;
	}
	dns_table_free(&srv->table);
	srv->table = nt;
	return 0;
}

void dns_server_free(struct dns_server *srv)
{
	if (!srv)
		return;
	dns_forward_free(srv);
	dns_cache_free(&srv->cache);
	dns_table_free(&srv->table);
	free(srv->nets);
	free(srv);
}

void dns_server_stats(const struct dns_server *srv, struct dns_stats *out)
{
	*out = srv->st;
	out->pending = srv->used_pend;
	out->cache_hits = srv->cache.hits;
	out->cache_misses = srv->cache.misses;
	out->cache_evictions = srv->cache.evictions;
	out->cache_entries = srv->cache.used;
	out->cache_bytes = srv->cache.bytes;
}

/*
 * Queries come only from the network's own subnets (never an open resolver).
 * On an IPv6 network also from link-local addresses (fe80::/10): routers
 * never forward them (RFC 4291 §2.5.6), so one is a neighbour on the link the
 * daemon's sockets are bound to, and a guest without a global address yet
 * asks from one.
 */
static bool source_allowed(const struct dns_server *srv, const struct dns_ip *ip)
{
	size_t i;

	for (i = 0; i < srv->n_nets; i++) {
		if (dns_ip_in_net(ip, ip->family == AF_INET ? 32 : 128, &srv->nets[i].addr,
				  srv->nets[i].prefix))
			return true;
		if (srv->nets[i].addr.family == AF_INET6 && ip->family == AF_INET6 &&
		    ip->bytes[0] == 0xfe && (ip->bytes[1] & 0xc0) == 0x80)
			return true;
	}
	return false;
}

/* Errors that need no lookup; 0 when the query may go on. */
static int query_rcode(struct dns_server *srv, const struct dns_msg *m, int parsed,
		       const struct dns_client *from)
{
	if (!source_allowed(srv, &from->peer.ip))
		return srv->st.refused++, DNS_R_REFUSED;
	if (parsed < 0)
		return srv->st.formerr++, DNS_R_FORMERR;        /* RFC 1035 §4.1.1 */
	if (DNS_OPCODE(m->flags) != 0)
		return DNS_R_NOTIMP;
	if (m->has_opt && m->edns_version != 0)
		return DNS_R_BADVERS;                           /* RFC 6891 §6.1.3 */
	if (m->qclass != DNS_C_IN && m->qclass != DNS_C_ANY)
		return DNS_R_NOTIMP;
	/* No zone transfers from a forwarder; OPT as a question is nonsense. */
	if (m->qtype == DNS_T_AXFR || m->qtype == DNS_T_IXFR || m->qtype == DNS_T_OPT)
		return srv->st.refused++, DNS_R_REFUSED;
	return 0;
}

int dns_server_handle_query(struct dns_server *srv, const uint8_t *msg, size_t len,
			    const struct dns_client *from, int64_t now, uint8_t *out,
			    size_t cap, struct dns_action *act)
{
	struct dns_msg m;
	size_t limit, rlen = 0, route_len = 0;
	int parsed, rcode, route;

	if (!act)
		return -EINVAL;
	memset(act, 0, sizeof(*act));
	if (!srv || (!msg && len) || !from || !out)
		return -EINVAL;
	srv->st.queries++;
	parsed = dns_msg_parse_quick(msg, len, &m) == 0 ? 0 : dns_msg_parse(msg, len, true, &m);
	/* No header, or a response: never answer (no reflection loops). */
	if (parsed == -EMSGSIZE || (m.flags & DNS_QR))
		return 0;
	limit = dns_client_limit(&m, from->transport, cap);
	rcode = query_rcode(srv, &m, parsed, from);
	if (rcode) {
		/* The question is echoed only when it was read whole. */
		dns_reply_to(act, from, dns_answer_rcode(srv, &m, parsed == 0, (uint8_t)rcode, out,
						     limit));
		return 0;
	}
	/* One of our own forwards come back: never forward it again. */
	if (dns_forward_loop(srv, &m, from, now, out, cap, act))
		return 0;
	route = dns_route_for(srv, &m, &route_len);
	if (dns_answer_local(srv, &m, now, limit, route_len, out, &rlen)) {
		srv->st.answered_local++;
		dns_reply_to(act, from, rlen);
		return 0;
	}
	/* Asked before and still fresh: the upstream's answer again, aged. */
	if ((rlen = dns_cache_answer(&srv->cache, &m, now, out, limit)) > 0) {
		dns_reply_to(act, from, rlen);
		return 0;
	}
	dns_forward_query(srv, &m, msg, len, from, route, now, out, cap, act);
	return 0;
}
