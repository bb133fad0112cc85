/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netdef: model → libvirt network XML, in libvirt's element order and
 * quoting, writing back only what was given (plus the uuid and MAC that
 * vnetd generates and saves, as libvirt does).
 */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

static void put_escaped(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '\'': fputs("&apos;", f); break;
		case '"': fputs("&quot;", f); break;
		/* keep whitespace inside attribute values from being normalised away */
		case '\n': fputs("&#10;", f); break;
		case '\r': fputs("&#13;", f); break;
		case '\t': fputs("&#9;", f); break;
		default: fputc(*s, f);
		}
	}
}

/* Element text: whitespace and quotes need no escaping there. */
static void put_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '&')
			fputs("&amp;", f);
		else if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else
			fputc(*s, f);
	}
}

/* <title>, <description>, <metadata>: kept for dumpxml, in libvirt's order. */
static void put_meta(FILE *f, const struct netdef *def)
{
	if (def->title) {
		fputs("  <title>", f);
		put_text(f, def->title);
		fputs("</title>\n", f);
	}
	if (def->description) {
		fputs("  <description>", f);
		put_text(f, def->description);
		fputs("</description>\n", f);
	}
	if (def->metadata)
		fprintf(f, "  %s\n", def->metadata);
}

void netdef_put_attr(FILE *f, const char *name, const char *value)
{
	if (!value)
		return;
	fprintf(f, " %s='", name);
	put_escaped(f, value);
	fputc('\'', f);
}

static void put_ip_attr(FILE *f, const char *name, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN];

	netdef_put_attr(f, name, inet_ntop(AF_INET, &a, buf, sizeof(buf)));
}

static void put_any_ip_attr(FILE *f, const char *name, bool is6, struct in_addr a4,
			    const struct in6_addr *a6)
{
	char buf[INET6_ADDRSTRLEN];

	netdef_put_attr(f, name, is6 ? inet_ntop(AF_INET6, a6, buf, sizeof(buf))
				      : inet_ntop(AF_INET, &a4, buf, sizeof(buf)));
}

static void put_uint_attr(FILE *f, const char *name, unsigned long long v)
{
	fprintf(f, " %s='%llu'", name, v);
}

void netdef_put_lease(FILE *f, const struct netdef_lease *l, const char *indent)
{
	static const char *const units[] = { NULL, "seconds", "minutes", "hours" };

	fprintf(f, "%s<lease", indent);
	put_uint_attr(f, "expiry", l->expiry);
	netdef_put_attr(f, "unit", units[l->unit]);
	fputs("/>\n", f);
}

static void put_prefix(FILE *f, unsigned prefix, bool netmask_given, bool prefix_given)
{
	struct in_addr mask = { htonl(netdef_mask(prefix)) };

	if (netmask_given)
		put_ip_attr(f, "netmask", mask);
	else if (prefix_given)
		put_uint_attr(f, "prefix", prefix);
}

static const char *yesno(enum netdef_tristate t)
{
	return t == NETDEF_UNSET ? NULL : t == NETDEF_YES ? "yes" : "no";
}

static void put_forward(FILE *f, const struct netdef_forward *fw)
{
	if (!fw->given)
		return;
	fputs("  <forward", f);
	netdef_put_attr(f, "dev", fw->dev);
	if (fw->mode_given)
		netdef_put_attr(f, "mode", netdef_forward_mode_name(fw->mode));
	if (!fw->has_nat) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n    <nat", f);
	netdef_put_attr(f, "ipv6", yesno(fw->nat_ipv6));
	if (!fw->has_nat_addr && !fw->has_nat_port) {
		fputs("/>\n  </forward>\n", f);
		return;
	}
	fputs(">\n", f);
	if (fw->has_nat_addr) {
		fputs("      <address", f);
		put_ip_attr(f, "start", fw->nat_addr_start);
		put_ip_attr(f, "end", fw->nat_addr_end);
		fputs("/>\n", f);
	}
	if (fw->has_nat_port)
		fprintf(f, "      <port start='%u' end='%u'/>\n", fw->nat_port_start,
			fw->nat_port_end);
	fputs("    </nat>\n  </forward>\n", f);
}

static void put_bridge(FILE *f, const struct netdef *def)
{
	if (def->bridge_given) {
		fputs("  <bridge", f);
		if (def->bridge_name[0])
			netdef_put_attr(f, "name", def->bridge_name);
		if (def->stp != NETDEF_UNSET)
			netdef_put_attr(f, "stp", def->stp == NETDEF_YES ? "on" : "off");
		if (def->delay_given)
			put_uint_attr(f, "delay", def->delay);
		fputs("/>\n", f);
	}
	if (def->has_mtu)
		fprintf(f, "  <mtu size='%u'/>\n", def->mtu);
	if (def->has_mac) {
		char mac[18];

		netdef_mac_format(def->mac, mac);
		fprintf(f, "  <mac address='%s'/>\n", mac);
	}
	if (def->domain) {
		fputs("  <domain", f);
		netdef_put_attr(f, "name", def->domain);
		if (def->domain_local_only != NETDEF_UNSET)
			netdef_put_attr(f, "localOnly",
				 def->domain_local_only == NETDEF_YES ? "yes" : "no");
		fputs("/>\n", f);
	}
}

static void put_dns(FILE *f, const struct netdef_dns *d)
{
	size_t i, j;

	fputs("  <dns", f);
	netdef_put_attr(f, "enable", yesno(d->enable));
	netdef_put_attr(f, "forwardPlainNames", yesno(d->forward_plain_names));
	if (!d->n_forwarders && !d->n_txts && !d->n_hosts && !d->n_srvs) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	for (i = 0; i < d->n_forwarders; i++) {
		fputs("    <forwarder", f);
		netdef_put_attr(f, "domain", d->forwarders[i].domain);
		if (d->forwarders[i].has_addr)
			put_any_ip_attr(f, "addr", d->forwarders[i].addr_is_ipv6,
					d->forwarders[i].addr, &d->forwarders[i].addr6);
		fputs("/>\n", f);
	}
	for (i = 0; i < d->n_txts; i++) {
		fputs("    <txt", f);
		netdef_put_attr(f, "name", d->txts[i].name);
		netdef_put_attr(f, "value", d->txts[i].value);
		fputs("/>\n", f);
	}
	for (i = 0; i < d->n_srvs; i++) {
		const struct netdef_dns_srv *s = &d->srvs[i];

		fputs("    <srv", f);
		netdef_put_attr(f, "service", s->service);
		netdef_put_attr(f, "protocol", s->protocol);
		netdef_put_attr(f, "domain", s->domain);
		netdef_put_attr(f, "target", s->target);
		if (s->port_given)
			put_uint_attr(f, "port", s->port);
		if (s->priority_given)
			put_uint_attr(f, "priority", s->priority);
		if (s->weight_given)
			put_uint_attr(f, "weight", s->weight);
		fputs("/>\n", f);
	}
	for (i = 0; i < d->n_hosts; i++) {
		fputs("    <host", f);
		put_any_ip_attr(f, "ip", d->hosts[i].ip_is_ipv6, d->hosts[i].ip, &d->hosts[i].ip6);
		fputs(">\n", f);
		for (j = 0; j < d->hosts[i].n_hostnames; j++) {
			fputs("      <hostname>", f);
			put_escaped(f, d->hosts[i].hostnames[j]);
			fputs("</hostname>\n", f);
		}
		fputs("    </host>\n", f);
	}
	fputs("  </dns>\n", f);
}

static void put_boots(FILE *f, const struct netdef_ip *ip)
{
	size_t i;

	for (i = 0; i < ip->n_boots; i++) {
		const struct netdef_boot *bt = &ip->boots[i];

		fputs("      <vnetd:boot", f);
		if (bt->match == NETDEF_BOOT_ARCH)
			fprintf(f, " arch='%u'", bt->arch);
		else
			netdef_put_attr(f, "userclass", bt->userclass);
		netdef_put_attr(f, "file", bt->file);
		fputs("/>\n", f);
	}
}

static void put_dhcp(FILE *f, const struct netdef_ip *ip)
{
	size_t i;

	fputs("    <dhcp>\n", f);
	for (i = 0; i < ip->n_ranges; i++) {
		const struct netdef_range *r = &ip->ranges[i];

		fputs("      <range", f);
		put_ip_attr(f, "start", r->start);
		put_ip_attr(f, "end", r->end);
		if (!r->lease.given) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		netdef_put_lease(f, &r->lease, "        ");
		fputs("      </range>\n", f);
	}
	for (i = 0; i < ip->n_hosts; i++) {
		const struct netdef_dhcp_host *hst = &ip->hosts[i];
		char mac[18];

		fputs("      <host", f);
		if (hst->has_mac) {
			netdef_mac_format(hst->mac, mac);
			netdef_put_attr(f, "mac", mac);
		}
		netdef_put_attr(f, "id", hst->id);
		netdef_put_attr(f, "name", hst->name);
		if (hst->has_ip)
			put_ip_attr(f, "ip", hst->ip);
		if (!hst->lease.given) {
			fputs("/>\n", f);
			continue;
		}
		fputs(">\n", f);
		netdef_put_lease(f, &hst->lease, "        ");
		fputs("      </host>\n", f);
	}
	if (ip->has_bootp) {
		fputs("      <bootp", f);
		netdef_put_attr(f, "file", ip->bootp_file);
		netdef_put_attr(f, "server", ip->bootp_server);
		fputs("/>\n", f);
	}
	put_boots(f, ip);
	for (i = 0; i < ip->n_options; i++) {
		fprintf(f, "      <option number='%u'", ip->options[i].number);
		netdef_put_attr(f, "value", ip->options[i].value);
		fputs("/>\n", f);
	}
	fputs("    </dhcp>\n", f);
}

static void put_ip(FILE *f, const struct netdef_ip *ip)
{
	fputs("  <ip", f);
	if (ip->family_given)
		netdef_put_attr(f, "family", "ipv4");
	put_ip_attr(f, "address", ip->address);
	put_prefix(f, ip->prefix, ip->netmask_given, ip->prefix_given);
	netdef_put_attr(f, "localPtr", yesno(ip->local_ptr));
	if (!ip->tftp_root && !ip->has_dhcp) {
		fputs("/>\n", f);
		return;
	}
	fputs(">\n", f);
	if (ip->tftp_root) {
		fputs("    <tftp", f);
		netdef_put_attr(f, "root", ip->tftp_root);
		fputs("/>\n", f);
	}
	if (ip->has_dhcp)
		put_dhcp(f, ip);
	fputs("  </ip>\n", f);
}

static void put_route(FILE *f, const struct netdef_route *rt)
{
	fputs("  <route", f);
	if (rt->family_given)
		netdef_put_attr(f, "family", "ipv4");
	put_ip_attr(f, "address", rt->address);
	put_prefix(f, rt->prefix, rt->netmask_given, rt->prefix_given);
	put_ip_attr(f, "gateway", rt->gateway);
	if (rt->metric_given)
		put_uint_attr(f, "metric", rt->metric);
	fputs("/>\n", f);
}

/* The namespace is declared only where an element of it is written. */
static bool uses_namespace(const struct netdef *def)
{
	size_t i;

	for (i = 0; i < def->n_ips; i++)
		if (def->ips[i].n_boots)
			return true;
	return false;
}

char *netdef_format(const struct netdef *def)
{
	char uuid[37], *out = NULL;
	size_t size = 0, i;
	FILE *f;

	if (!def || !def->name)
		return NULL;
	f = open_memstream(&out, &size);
	if (!f)
		return NULL;
	fputs(uses_namespace(def) ? "<network xmlns:vnetd='" NETDEF_XMLNS "'" : "<network", f);
	netdef_put_attr(f, "ipv6", yesno(def->ipv6));
	fputs(">\n  <name>", f);
	put_escaped(f, def->name);
	netdef_uuid_format(def->uuid, uuid);
	fprintf(f, "</name>\n  <uuid>%s</uuid>\n", uuid);
	put_meta(f, def);
	put_forward(f, &def->forward);
	put_bridge(f, def);
	if (def->dns_given)
		put_dns(f, &def->dns);
	for (i = 0; i < def->n_ips; i++)
		put_ip(f, &def->ips[i]);
	netdef_put_ip6s(f, def);
	for (i = 0; i < def->n_routes; i++)
		put_route(f, &def->routes[i]);
	netdef_put_routes6(f, def);
	fputs("</network>\n", f);
	if (ferror(f)) {
		fclose(f);
		free(out);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}
