/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/adapt/adapt.h"
#include "netd/base/base.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

static void ip4(struct dns_ip *out, struct in_addr a)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET;
	memcpy(out->bytes, &a, 4);
}

static void ip6(struct dns_ip *out, const struct in6_addr *a)
{
	memset(out, 0, sizeof(*out));
	out->family = AF_INET6;
	memcpy(out->bytes, a, 16);
}

/*
 * IDs must be unguessable (RFC 5452): the kernel's CSPRNG, fetched 256 values
 * at a time into the setup's own pool (it lives as long as the server).
 */
static uint32_t random32(void *userdata)
{
	struct dns_random *r = userdata;

	if (!r->left) {
		if (getrandom(r->pool, sizeof(r->pool), 0) != (ssize_t)sizeof(r->pool))
			return arc4random();
		r->left = sizeof(r->pool) / sizeof(r->pool[0]);
	}
	return r->pool[--r->left];
}

static size_t count_dns_hosts(const struct netdef *def)
{
	size_t n = 0, i, j;

	for (i = 0; i < def->dns.n_hosts; i++)
		n += def->dns.hosts[i].n_hostnames;
	for (i = 0; i < def->n_ips; i++)
		for (j = 0; j < def->ips[i].n_hosts; j++)
			if (def->ips[i].hosts[j].name && def->ips[i].hosts[j].has_ip)
				n++;
	for (i = 0; i < def->n_ip6s; i++)
		for (j = 0; j < def->ip6s[i].n_hosts; j++)
			if (def->ip6s[i].hosts[j].name && def->ip6s[i].hosts[j].has_ip)
				n++;
	return n;
}

/* libvirt: a static DHCP host's name resolves to its address too, A or AAAA. */
static size_t fill_dhcp_names(const struct netdef *def, struct dns_host *out)
{
	size_t i, j, n = 0;

	for (i = 0; i < def->n_ips; i++)
		for (j = 0; j < def->ips[i].n_hosts; j++) {
			const struct netdef_dhcp_host *h = &def->ips[i].hosts[j];

			if (h->name && h->has_ip) {
				out[n].name = h->name;
				ip4(&out[n++].ip, h->ip);
			}
		}
	for (i = 0; i < def->n_ip6s; i++)
		for (j = 0; j < def->ip6s[i].n_hosts; j++) {
			const struct netdef_dhcp6_host *h = &def->ip6s[i].hosts[j];

			if (h->name && h->has_ip) {
				out[n].name = h->name;
				ip6(&out[n++].ip, &h->ip);
			}
		}
	return n;
}

static void fill_names(const struct netdef *def, struct dns_setup *s)
{
	size_t i, j, n = 0;

	for (i = 0; i < def->dns.n_hosts; i++)
		for (j = 0; j < def->dns.hosts[i].n_hostnames; j++) {
			const struct netdef_dns_host *h = &def->dns.hosts[i];

			s->hosts[n].name = h->hostnames[j];
			if (h->ip_is_ipv6)
				ip6(&s->hosts[n++].ip, &h->ip6);
			else
				ip4(&s->hosts[n++].ip, h->ip);
		}
	n += fill_dhcp_names(def, s->hosts + n);
	s->cfg.hosts = s->hosts;
	s->cfg.n_hosts = n;
	for (i = 0; i < def->dns.n_srvs; i++) {
		const struct netdef_dns_srv *d = &def->dns.srvs[i];

		s->srvs[i] = (struct dns_srv){
			.service = d->service, .protocol = d->protocol, .domain = d->domain,
			.target = d->target, .port = (uint16_t)d->port,
			.priority = (uint16_t)d->priority, .weight = (uint16_t)d->weight,
		};
	}
	s->cfg.srvs = s->srvs;
	s->cfg.n_srvs = def->dns.n_srvs;
	for (i = 0; i < def->dns.n_txts; i++) {
		s->txts[i].name = def->dns.txts[i].name;
		s->txts[i].value = def->dns.txts[i].value;
	}
	s->cfg.txts = s->txts;
	s->cfg.n_txts = def->dns.n_txts;
}

static void fill_nets(const struct netdef *def, struct dns_setup *s)
{
	size_t i;

	for (i = 0; i < def->n_ips; i++) {
		ip4(&s->nets[i].addr, def->ips[i].address);
		s->nets[i].prefix = def->ips[i].prefix;
		s->nets[i].local_ptr = def->ips[i].local_ptr == NETDEF_YES;
	}
	/* IPv6 prefixes as IPv4 subnets: own address, ip6.arpa zone, query sources */
	for (i = 0; i < def->n_ip6s; i++) {
		struct dns_net *n = &s->nets[def->n_ips + i];

		ip6(&n->addr, &def->ip6s[i].address);
		n->prefix = def->ip6s[i].prefix;
		n->local_ptr = def->ip6s[i].local_ptr == NETDEF_YES;
	}
	s->cfg.nets = s->nets;
	s->cfg.n_nets = def->n_ips + def->n_ip6s;
	for (i = 0; i < def->dns.n_forwarders; i++) {
		const struct netdef_dns_forwarder *f = &def->dns.forwarders[i];

		s->forwarders[i].has_addr = f->has_addr;
		if (f->has_addr && f->addr_is_ipv6)
			ip6(&s->forwarders[i].addr, &f->addr6);
		else if (f->has_addr)
			ip4(&s->forwarders[i].addr, f->addr);
		s->forwarders[i].domain = f->domain;
	}
	s->cfg.forwarders = s->forwarders;
	s->cfg.n_forwarders = def->dns.n_forwarders;
}

static uint64_t half64(const uint8_t *b)
{
	uint64_t v = 0;
	int k;

	for (k = 0; k < 8; k++)
		v = v << 8 | b[k];
	return v;
}

/* Addresses in the DHCPv6 ranges of one prefix, each counted at most DNS_SETUP_MAX_DYNAMIC. */
static uint64_t range6_addresses(const struct netdef_ip6 *ip)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < ip->n_ranges; i++) {
		const uint8_t *a = ip->ranges[i].start.s6_addr, *b = ip->ranges[i].end.s6_addr;
		uint64_t lo = half64(b + 8) - half64(a + 8);
		uint64_t hi = half64(b) - half64(a) - (half64(b + 8) < half64(a + 8));

		n += hi || lo >= DNS_SETUP_MAX_DYNAMIC ? DNS_SETUP_MAX_DYNAMIC : lo + 1;
	}
	return n;
}

/* An IPv6 prefix is too big to count: its DHCPv6 ranges and hosts are the bound. */
static uint32_t ipv6_names(const struct netdef *def)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < def->n_ip6s && n < DNS_SETUP_MAX_DYNAMIC; i++)
		n += range6_addresses(&def->ip6s[i]) + def->ip6s[i].n_hosts;
	return n > DNS_SETUP_MAX_DYNAMIC ? DNS_SETUP_MAX_DYNAMIC : (uint32_t)n;
}

/*
 * Lease names are keyed by address and every lease address is inside one of
 * the network's subnets: their size bounds the table without ever refusing
 * a lease its name.
 */
static uint32_t subnet_addresses(const struct netdef *def)
{
	uint64_t n = 0;
	size_t i;

	for (i = 0; i < def->n_ips; i++)
		n += def->ips[i].prefix >= 32 ? 1 : (uint64_t)1 << (32 - def->ips[i].prefix);
	n += ipv6_names(def);
	return n > DNS_SETUP_MAX_DYNAMIC ? DNS_SETUP_MAX_DYNAMIC : (uint32_t)n;
}

int dns_setup_build(const struct netdef *def, const char *resolv, size_t resolv_len,
		    struct dns_setup *out, char *msg, size_t msg_size)
{
	struct dns_config *cfg = &out->cfg;
	int n;

	memset(out, 0, sizeof(*out));
	if (def->dns.enable == NETDEF_NO || def->n_ips + def->n_ip6s == 0)
		return 0;
	out->nets = calloc(def->n_ips + def->n_ip6s, sizeof(*out->nets));
	out->forwarders = calloc(def->dns.n_forwarders + 1, sizeof(*out->forwarders));
	out->hosts = calloc(count_dns_hosts(def) + 1, sizeof(*out->hosts));
	out->srvs = calloc(def->dns.n_srvs + 1, sizeof(*out->srvs));
	out->txts = calloc(def->dns.n_txts + 1, sizeof(*out->txts));
	if (!out->nets || !out->forwarders || !out->hosts || !out->srvs || !out->txts) {
		dns_setup_free(out);
		snprintf(msg, msg_size, "out of memory");
		return -ENOMEM;
	}
	cfg->domain = def->domain;
	cfg->local_only = def->domain_local_only == NETDEF_YES;
	cfg->no_forward_plain_names = def->dns.forward_plain_names == NETDEF_NO;
	fill_nets(def, out);
	fill_names(def, out);
	cfg->max_dynamic = subnet_addresses(def);
	if (resolv) {
		struct dns_ip self[DNS_SETUP_MAX_SELF];
		int n_self = dns_setup_self(def, self, DNS_SETUP_MAX_SELF);

		n = dns_resolv_conf_parse(resolv, resolv_len, self, (size_t)n_self, out->upstreams,
					  DNS_SETUP_MAX_UPSTREAMS);
		if (n > 0) {
			cfg->upstreams = out->upstreams;
			cfg->n_upstreams = (size_t)n;
		}
	}
	if (getrandom(&cfg->hash_seed, sizeof(cfg->hash_seed), 0) != sizeof(cfg->hash_seed))
		cfg->hash_seed = arc4random() | (uint64_t)arc4random() << 32;
	cfg->random = random32;
	cfg->random_userdata = &out->random;
	return 1;
}

void dns_setup_free(struct dns_setup *s)
{
	if (!s)
		return;
	free(s->nets);
	free(s->forwarders);
	free(s->hosts);
	free(s->srvs);
	free(s->txts);
	memset(s, 0, sizeof(*s));
}

int dns_setup_self(const struct netdef *def, struct dns_ip *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < def->n_ips && n < cap; i++)
		ip4(&out[n++], def->ips[i].address);
	for (i = 0; i < def->n_ip6s && n < cap; i++)
		ip6(&out[n++], &def->ip6s[i].address);
	return (int)n;
}
