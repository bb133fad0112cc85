/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `update NAME add|delete|modify SECTION XML`, as virsh net-update does it:
 * add refuses an entry that matches an existing one (a DHCP host by MAC,
 * name or address; a range by its bounds; a DNS host by address; a TXT by
 * name; an SRV by all its fields), delete needs an entry that matches every
 * attribute given, modify (DHCP hosts only) replaces the host with the same
 * MAC (or, without one, the same name). Entries move between the models by
 * swapping, so each model frees exactly what it holds.
 */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SWAP(a, b) do { __typeof__(a) swap_tmp_ = (a); (a) = (b); (b) = swap_tmp_; } while (0)

static const char *const supported[] = {
	"ip-dhcp-host", "ip-dhcp-range", "dns-host", "dns-srv", "dns-txt", NULL
};
/* libvirt's other sections: known, and refused by name */
static const char *const refused[] = {
	"bridge", "domain", "ip", "forward", "forward-interface", "forward-pf", "portgroup",
	NULL
};

static bool in(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (!strcmp(*list, s))
			return true;
	return false;
}

/* The <ip> that DHCP sections change: the first with <dhcp>, else the first. */
static struct netdef_ip *dhcp_ip(struct netdef *def)
{
	size_t i;

	for (i = 0; i < def->n_ips; i++)
		if (def->ips[i].has_dhcp)
			return &def->ips[i];
	return def->n_ips ? &def->ips[0] : NULL;
}

/* Remove element i of an array of `size`-byte elements by moving the rest down. */
static void drop(void *array, size_t *n, size_t i, size_t size)
{
	char *a = array;

	memmove(a + i * size, a + (i + 1) * size, (*n - i - 1) * size);
	(*n)--;
}

static bool host_clash(const struct netdef_dhcp_host *a, const struct netdef_dhcp_host *b)
{
	return (a->has_mac && b->has_mac && !memcmp(a->mac, b->mac, 6)) ||
	       (a->name && b->name && !strcasecmp(a->name, b->name)) ||
	       (a->id && b->id && !strcmp(a->id, b->id)) ||
	       (a->has_ip && b->has_ip && a->ip.s_addr == b->ip.s_addr);
}

/* Every attribute the fragment gives equals the entry's. */
static bool host_match(const struct netdef_dhcp_host *f, const struct netdef_dhcp_host *e)
{
	return (!f->has_mac || (e->has_mac && !memcmp(f->mac, e->mac, 6))) &&
	       (!f->name || (e->name && !strcasecmp(f->name, e->name))) &&
	       (!f->id || (e->id && !strcmp(f->id, e->id))) &&
	       (!f->has_ip || (e->has_ip && f->ip.s_addr == e->ip.s_addr));
}

/* libvirt's words, naming the entry by what it has. */
static int clash(const struct netdef *def, const struct netdef_dhcp_host *e,
		 struct netdef_error *err)
{
	char mac[18] = "", ip[INET_ADDRSTRLEN] = "";

	if (e->has_mac)
		netdef_mac_format(e->mac, mac);
	if (e->has_ip)
		inet_ntop(AF_INET, &e->ip, ip, sizeof(ip));
	return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "there is an existing dhcp host "
			   "entry in network '%s' that matches it: mac='%s' name='%s' ip='%s'",
			   def->name, mac, e->name ? e->name : "", ip);
}

static int update_dhcp_host(struct netdef *def, struct netdef_ip *ip, enum netdef_update_cmd cmd,
			    struct netdef_dhcp_host *f, struct netdef_error *err)
{
	struct netdef_dhcp_host *slot;
	size_t i;

	for (i = 0; i < ip->n_hosts; i++) {
		struct netdef_dhcp_host *e = &ip->hosts[i];

		if (cmd == NETDEF_UPDATE_ADD && host_clash(f, e))
			return clash(def, e, err);
		if (cmd == NETDEF_UPDATE_DELETE && host_match(f, e))
			break;
		if (cmd == NETDEF_UPDATE_MODIFY &&
		    (f->has_mac ? e->has_mac && !memcmp(f->mac, e->mac, 6)
				: f->name && e->name && !strcasecmp(f->name, e->name)))
			break;
	}
	if (cmd == NETDEF_UPDATE_ADD) {
		if (!(slot = netdef_array_push(&ip->hosts, &ip->n_hosts, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		ip->has_dhcp = true;
		return 0;
	}
	if (i == ip->n_hosts)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "couldn't locate %s dhcp "
				   "host entry in network '%s'", cmd == NETDEF_UPDATE_MODIFY ?
				   "an existing" : "a matching", def->name);
	if (cmd == NETDEF_UPDATE_MODIFY) {
		SWAP(ip->hosts[i], *f);         /* the new in place, the old to be freed */
		return 0;
	}
	free(f->id);
	free(f->name);
	*f = ip->hosts[i];                      /* freed with the fragment */
	drop(ip->hosts, &ip->n_hosts, i, sizeof(*ip->hosts));
	return 0;
}

static int update_range(struct netdef *def, struct netdef_ip *ip, enum netdef_update_cmd cmd,
			struct netdef_range *f, struct netdef_error *err)
{
	struct netdef_range *slot;
	size_t i;

	if (cmd == NETDEF_UPDATE_MODIFY)
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "<range>", "dhcp ranges cannot "
				   "be modified, only added or deleted");
	for (i = 0; i < ip->n_ranges; i++)
		if (ip->ranges[i].start.s_addr == f->start.s_addr &&
		    ip->ranges[i].end.s_addr == f->end.s_addr)
			break;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (i < ip->n_ranges)
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<range>", "there is an "
					   "existing dhcp range entry in network '%s' that "
					   "matches it", def->name);
		if (!(slot = netdef_array_push(&ip->ranges, &ip->n_ranges, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		*slot = *f;
		ip->has_dhcp = true;
		return 0;
	}
	if (i == ip->n_ranges)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<range>", "couldn't locate a "
				   "matching dhcp range entry in network '%s'", def->name);
	drop(ip->ranges, &ip->n_ranges, i, sizeof(*ip->ranges));
	return 0;
}

static void free_dns_host(struct netdef_dns_host *h)
{
	size_t i;

	for (i = 0; i < h->n_hostnames; i++)
		free(h->hostnames[i]);
	free(h->hostnames);
}

static bool dns_host_match(const struct netdef_dns_host *f, const struct netdef_dns_host *e)
{
	size_t i, j;

	if (f->ip.s_addr != e->ip.s_addr)
		return false;
	for (i = 0; i < f->n_hostnames; i++) {
		for (j = 0; j < e->n_hostnames; j++)
			if (!strcasecmp(f->hostnames[i], e->hostnames[j]))
				break;
		if (j == e->n_hostnames)
			return false;
	}
	return true;
}

static int update_dns_host(struct netdef *def, enum netdef_update_cmd cmd,
			   struct netdef_dns_host *f, struct netdef_error *err)
{
	struct netdef_dns *dns = &def->dns;
	struct netdef_dns_host *slot;
	size_t i;

	if (cmd == NETDEF_UPDATE_MODIFY)
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "<host>", "DNS HOST records "
				   "cannot be modified, only added or deleted");
	for (i = 0; i < dns->n_hosts; i++)
		if (cmd == NETDEF_UPDATE_ADD ? dns->hosts[i].ip.s_addr == f->ip.s_addr
					     : dns_host_match(f, &dns->hosts[i]))
			break;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (i < dns->n_hosts)
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<host ip>", "there is "
					   "already a DNS HOST record with this address in "
					   "network '%s'", def->name);
		if (!(slot = netdef_array_push(&dns->hosts, &dns->n_hosts, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		def->dns_given = true;
		return 0;
	}
	if (i == dns->n_hosts)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "couldn't locate a matching "
				   "DNS HOST record in network '%s'", def->name);
	free_dns_host(f);
	*f = dns->hosts[i];                     /* freed with the fragment */
	drop(dns->hosts, &dns->n_hosts, i, sizeof(*dns->hosts));
	return 0;
}

static int update_srv(struct netdef *def, enum netdef_update_cmd cmd, struct netdef_dns_srv *f,
		      struct netdef_error *err)
{
	struct netdef_dns *dns = &def->dns;
	struct netdef_dns_srv *slot;
	size_t i;

	if (cmd == NETDEF_UPDATE_MODIFY)
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "<srv>", "DNS SRV records "
				   "cannot be modified, only added or deleted");
	for (i = 0; i < dns->n_srvs && !netdef_srv_eq(f, &dns->srvs[i]); i++)
		;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (i < dns->n_srvs)
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<srv>", "there is already "
					   "a matching DNS SRV record in network '%s'", def->name);
		if (!(slot = netdef_array_push(&dns->srvs, &dns->n_srvs, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		def->dns_given = true;
		return 0;
	}
	if (i == dns->n_srvs)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<srv>", "couldn't locate a matching "
				   "DNS SRV record in network '%s'", def->name);
	free(f->service);
	free(f->protocol);
	free(f->domain);
	free(f->target);
	*f = dns->srvs[i];                      /* freed with the fragment */
	drop(dns->srvs, &dns->n_srvs, i, sizeof(*dns->srvs));
	return 0;
}

static int update_txt(struct netdef *def, enum netdef_update_cmd cmd, struct netdef_dns_txt *f,
		      struct netdef_error *err)
{
	struct netdef_dns *dns = &def->dns;
	struct netdef_dns_txt *slot;
	size_t i;

	if (cmd == NETDEF_UPDATE_MODIFY)
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "<txt>", "DNS TXT records "
				   "cannot be modified, only added or deleted");
	for (i = 0; i < dns->n_txts && strcasecmp(f->name, dns->txts[i].name); i++)
		;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (i < dns->n_txts)
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<txt name>", "there is "
					   "already a DNS TXT record named '%s' in network '%s'",
					   f->name, def->name);
		if (!(slot = netdef_array_push(&dns->txts, &dns->n_txts, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		def->dns_given = true;
		return 0;
	}
	if (i == dns->n_txts || (f->value && strcmp(f->value, dns->txts[i].value)))
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<txt>", "couldn't locate a matching "
				   "DNS TXT record in network '%s'", def->name);
	free(f->name);
	free(f->value);
	*f = dns->txts[i];
	drop(dns->txts, &dns->n_txts, i, sizeof(*dns->txts));
	return 0;
}

int netdef_update_command(const char *text, enum netdef_update_cmd *cmd)
{
	static const char *const names[] = { "add", "delete", "modify" };
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(text, names[i])) {
			*cmd = (enum netdef_update_cmd)i;
			return 0;
		}
	/* virsh's spellings of add */
	if (!strcmp(text, "add-last") || !strcmp(text, "add-first")) {
		*cmd = NETDEF_UPDATE_ADD;
		return 0;
	}
	return -EINVAL;
}

static int check_section(const struct netdef *def, const char *section, struct netdef_error *err)
{
	if (in(refused, section))
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "", "section %s cannot be "
				   "changed by update (edit the definition, then reload or "
				   "restart the network)", section);
	if (!in(supported, section))
		return netdef_fail(err, NETDEF_E_INVALID, 0, "", "unknown section '%s' (one of "
				   "ip-dhcp-host, ip-dhcp-range, dns-host, dns-srv, dns-txt)",
				   section);
	if (!strncmp(section, "ip-", 3) && !def->n_ips)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "", "network '%s' has no <ip> for "
				   "section %s", def->name, section);
	return 0;
}

static int apply_fragment(struct netdef *def, enum netdef_update_cmd cmd, const char *section,
			  struct netdef *frag, struct netdef_error *err)
{
	if (!strcmp(section, "ip-dhcp-host"))
		return update_dhcp_host(def, dhcp_ip(def), cmd, &frag->ips[0].hosts[0], err);
	if (!strcmp(section, "ip-dhcp-range"))
		return update_range(def, dhcp_ip(def), cmd, &frag->ips[0].ranges[0], err);
	if (!strcmp(section, "dns-host"))
		return update_dns_host(def, cmd, &frag->dns.hosts[0], err);
	if (!strcmp(section, "dns-srv"))
		return update_srv(def, cmd, &frag->dns.srvs[0], err);
	return update_txt(def, cmd, &frag->dns.txts[0], err);
}

int netdef_update(struct netdef *def, enum netdef_update_cmd cmd, const char *section,
		  const char *xml, struct netdef_error *err)
{
	static const char *const element[] = { "host", "range", "host", "srv", "txt" };
	struct netdef *frag = NULL;
	size_t i;
	int r;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "update");
	if ((r = check_section(def, section, err)) < 0)
		return r;
	for (i = 0; strcmp(supported[i], section); i++)
		;
	r = netdef_fragment_parse(i < 2 ? dhcp_ip(def) : NULL, i < 2, cmd == NETDEF_UPDATE_DELETE,
				  element[i], xml, &frag, err);
	if (r < 0)
		return r;
	snprintf(err->file, sizeof(err->file), "update");
	r = apply_fragment(def, cmd, section, frag, err);
	netdef_free(frag);
	if (r == 0 && (r = netdef_validate(def, err)) < 0)
		snprintf(err->file, sizeof(err->file), "the updated definition");
	return r;
}
