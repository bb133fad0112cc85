/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `update NAME add|delete|modify SECTION XML`, with virsh net-update's rules
 * and words: add refuses an entry that matches an existing one (a DHCP host
 * by MAC, name, id or address; a range by its bounds; a DNS host by
 * address; an SRV by every field given; a TXT by name); delete needs the
 * one entry that matches (a DHCP host or an SRV record: every attribute
 * given; a DNS host: its address or a name; a TXT: its name); modify (DHCP
 * hosts only) replaces the host with the same MAC, address or name. Entries move between the models by
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

/*
 * The <ip> that DHCP sections change: --parent-index counts the <ip>s as
 * the stored definition lists them (IPv4 ones, then IPv6 ones); without
 * it, the first with <dhcp>, else the first. Exactly one of *ip, *ip6 is set.
 */
static void dhcp_ip(struct netdef *def, int parent, struct netdef_ip **ip,
		    struct netdef_ip6 **ip6)
{
	size_t i;

	*ip = NULL;
	*ip6 = NULL;
	if (parent >= 0) {
		if ((size_t)parent < def->n_ips)
			*ip = &def->ips[parent];
		else
			*ip6 = &def->ip6s[(size_t)parent - def->n_ips];
		return;
	}
	for (i = 0; i < def->n_ips && !*ip; i++)
		if (def->ips[i].has_dhcp)
			*ip = &def->ips[i];
	for (i = 0; i < def->n_ip6s && !*ip && !*ip6; i++)
		if (def->ip6s[i].has_dhcp)
			*ip6 = &def->ip6s[i];
	if (!*ip && !*ip6) {
		if (def->n_ips)
			*ip = &def->ips[0];
		else
			*ip6 = &def->ip6s[0];
	}
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

/* The fragment's host as libvirt quotes it in messages ("unknown" for what it lacks). */
static void host_words(const struct netdef_dhcp_host *h, char mac[18], char ip[INET_ADDRSTRLEN])
{
	snprintf(mac, 18, "unknown");
	snprintf(ip, INET_ADDRSTRLEN, "unknown");
	if (h->has_mac)
		netdef_mac_format(h->mac, mac);
	if (h->has_ip)
		inet_ntop(AF_INET, &h->ip, ip, INET_ADDRSTRLEN);
}

/* modify: the entry with this MAC, this address or this name (libvirt's rule). */
static bool host_same(const struct netdef_dhcp_host *f, const struct netdef_dhcp_host *e)
{
	return (f->has_mac && e->has_mac && !memcmp(f->mac, e->mac, 6)) ||
	       (f->has_ip && e->has_ip && f->ip.s_addr == e->ip.s_addr) ||
	       (f->name && e->name && !strcasecmp(f->name, e->name));
}

static int host_not_found(const struct netdef *def, enum netdef_update_cmd cmd,
			  const struct netdef_dhcp_host *f, struct netdef_error *err)
{
	char mac[18], ip[INET_ADDRSTRLEN];

	if (cmd == NETDEF_UPDATE_DELETE)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "couldn't locate a matching "
				   "dhcp host entry in network '%s'", def->name);
	host_words(f, mac, ip);
	return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "couldn't locate an existing dhcp "
			   "host entry with \"mac='%s'\" \"name='%s'\" \"ip='%s'\" in network '%s'",
			   mac, f->name ? f->name : "", ip, def->name);
}

static int update_dhcp_host(struct netdef *def, struct netdef_ip *ip, enum netdef_update_cmd cmd,
			    struct netdef_dhcp_host *f, struct netdef_error *err)
{
	struct netdef_dhcp_host *slot;
	char mac[18], addr[INET_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < ip->n_hosts; i++) {
		struct netdef_dhcp_host *e = &ip->hosts[i];

		if (cmd == NETDEF_UPDATE_ADD && host_clash(f, e)) {
			host_words(f, mac, addr);
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "there is an "
					   "existing dhcp host entry in network '%s' that matches "
					   "\"<host mac='%s' name='%s' ip='%s'/>\"", def->name, mac,
					   f->name ? f->name : "", addr);
		}
		if (cmd == NETDEF_UPDATE_DELETE ? host_match(f, e) :
		    cmd == NETDEF_UPDATE_MODIFY && host_same(f, e))
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
		return host_not_found(def, cmd, f, err);
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
		if (i < ip->n_ranges) {
			char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

			inet_ntop(AF_INET, &f->start, a, sizeof(a));
			inet_ntop(AF_INET, &f->end, b, sizeof(b));
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<range>", "there is an "
					   "existing dhcp range entry in network '%s' that "
					   "matches \"<range start='%s' end='%s'/>\"", def->name, a, b);
		}
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

/* Add: the same address. Delete: the same address or a shared name (libvirt's rule). */
static bool dns_host_match(const struct netdef_dns_host *f, const struct netdef_dns_host *e,
			   bool add)
{
	size_t i, j;

	if (f->ip_is_ipv6 == e->ip_is_ipv6 &&
	    (f->ip_is_ipv6 ? !memcmp(&f->ip6, &e->ip6, sizeof(f->ip6)) : f->ip.s_addr == e->ip.s_addr))
		return true;
	for (i = 0; !add && i < f->n_hostnames; i++)
		for (j = 0; j < e->n_hostnames; j++)
			if (!strcasecmp(f->hostnames[i], e->hostnames[j]))
				return true;
	return false;
}

static int update_dns_host(struct netdef *def, enum netdef_update_cmd cmd,
			   struct netdef_dns_host *f, struct netdef_error *err)
{
	struct netdef_dns *dns = &def->dns;
	struct netdef_dns_host *slot;
	size_t i, found = 0, at = 0;

	if (cmd == NETDEF_UPDATE_MODIFY)
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "<host>", "DNS HOST records "
				   "cannot be modified, only added or deleted");
	for (i = 0; i < dns->n_hosts; i++)
		if (dns_host_match(f, &dns->hosts[i], cmd == NETDEF_UPDATE_ADD))
			found++, at = i;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (found)
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "there is already "
					   "at least one DNS HOST record with a matching field in "
					   "network %s", def->name);
		if (!(slot = netdef_array_push(&dns->hosts, &dns->n_hosts, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		def->dns_given = true;
		return 0;
	}
	if (found != 1)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", found ? "multiple matching "
				   "DNS HOST records were found in network %s" : "couldn't locate "
				   "a matching DNS HOST record in network %s", def->name);
	free_dns_host(f);
	*f = dns->hosts[at];                    /* freed with the fragment */
	drop(dns->hosts, &dns->n_hosts, at, sizeof(*dns->hosts));
	return 0;
}

/* Every field the fragment gives is the entry's. */
static bool srv_match(const struct netdef_dns_srv *f, const struct netdef_dns_srv *e)
{
	return (!f->domain || netdef_str_eq(f->domain, e->domain)) &&
	       (!f->service || netdef_str_eq(f->service, e->service)) &&
	       (!f->protocol || netdef_str_eq(f->protocol, e->protocol)) &&
	       (!f->target || netdef_str_eq(f->target, e->target));
}

static int update_srv(struct netdef *def, enum netdef_update_cmd cmd, struct netdef_dns_srv *f,
		      struct netdef_error *err)
{
	struct netdef_dns *dns = &def->dns;
	struct netdef_dns_srv *slot;
	size_t i, found = 0, at = 0;

	if (cmd == NETDEF_UPDATE_MODIFY)
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "<srv>", "DNS SRV records "
				   "cannot be modified, only added or deleted");
	for (i = 0; i < dns->n_srvs; i++)
		if (srv_match(f, &dns->srvs[i]))
			found++, at = i;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (found)
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<srv>", "there is already "
					   "at least one DNS SRV record matching all specified "
					   "fields in network %s", def->name);
		if (!(slot = netdef_array_push(&dns->srvs, &dns->n_srvs, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		def->dns_given = true;
		return 0;
	}
	if (found != 1)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<srv>", found ? "multiple DNS SRV "
				   "records matching all specified fields were found in network "
				   "%s" : "couldn't locate a matching DNS SRV record in network %s",
				   def->name);
	free(f->service);
	free(f->protocol);
	free(f->domain);
	free(f->target);
	*f = dns->srvs[at];                     /* freed with the fragment */
	drop(dns->srvs, &dns->n_srvs, at, sizeof(*dns->srvs));
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
					   "already a DNS TXT record with name '%s' in network %s",
					   f->name, def->name);
		if (!(slot = netdef_array_push(&dns->txts, &dns->n_txts, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		def->dns_given = true;
		return 0;
	}
	if (i == dns->n_txts)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<txt>", "couldn't locate a matching "
				   "DNS TXT record in network %s", def->name);
	free(f->name);
	free(f->value);
	*f = dns->txts[i];                      /* freed with the fragment */
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
	if (!strncmp(section, "ip-", 3) && !def->n_ips && !def->n_ip6s)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "", "network '%s' has no <ip> for "
				   "section %s", def->name, section);
	return 0;
}

static int apply_fragment(struct netdef *def, struct netdef_ip *ip, struct netdef_ip6 *ip6,
			  enum netdef_update_cmd cmd, const char *section, struct netdef *frag,
			  struct netdef_error *err)
{
	if (ip6 && !strcmp(section, "ip-dhcp-host"))
		return netdef_update_host6(def, ip6, cmd, &frag->ip6s[0].hosts[0], err);
	if (ip6 && !strcmp(section, "ip-dhcp-range"))
		return netdef_update_range6(def, ip6, cmd, &frag->ip6s[0].ranges[0], err);
	if (!strcmp(section, "ip-dhcp-host"))
		return update_dhcp_host(def, ip, cmd, &frag->ips[0].hosts[0], err);
	if (!strcmp(section, "ip-dhcp-range"))
		return update_range(def, ip, cmd, &frag->ips[0].ranges[0], err);
	if (!strcmp(section, "dns-host"))
		return update_dns_host(def, cmd, &frag->dns.hosts[0], err);
	if (!strcmp(section, "dns-srv"))
		return update_srv(def, cmd, &frag->dns.srvs[0], err);
	return update_txt(def, cmd, &frag->dns.txts[0], err);
}

int netdef_update(struct netdef *def, enum netdef_update_cmd cmd, const char *section,
		  const char *xml, struct netdef_error *err)
{
	return netdef_update_at(def, cmd, section, -1, xml, err);
}

int netdef_update_at(struct netdef *def, enum netdef_update_cmd cmd, const char *section,
		     int parent, const char *xml, struct netdef_error *err)
{
	static const char *const element[] = { "host", "range", "host", "srv", "txt" };
	struct netdef *frag = NULL;
	struct netdef_ip *ip;
	struct netdef_ip6 *ip6;
	size_t i;
	int r;

	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "update");
	if ((r = check_section(def, section, err)) < 0)
		return r;
	if (parent >= 0 && (size_t)parent >= def->n_ips + def->n_ip6s)
		return netdef_fail(err, NETDEF_E_INVALID, 0, "", "network '%s' has no <ip> number "
				   "%d (--parent-index counts its <ip> elements from 0, IPv4 ones "
				   "first)", def->name, parent);
	dhcp_ip(def, parent, &ip, &ip6);
	for (i = 0; strcmp(supported[i], section); i++)
		;
	r = netdef_fragment_parse(i < 2 ? ip : NULL, i < 2 ? ip6 : NULL, i < 2,
				  cmd == NETDEF_UPDATE_DELETE, element[i], xml, &frag, err);
	if (r < 0)
		return r;
	snprintf(err->file, sizeof(err->file), "update");
	r = apply_fragment(def, ip, ip6, cmd, section, frag, err);
	netdef_free(frag);
	if (r == 0 && (r = netdef_validate(def, err)) < 0)
		snprintf(err->file, sizeof(err->file), "the updated definition");
	return r;
}
