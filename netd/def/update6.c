/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `update`'s ip-dhcp-host and ip-dhcp-range sections on an IPv6 <ip>, with
 * libvirt's rules for IPv6: a host is an id (DUID), a name and an address;
 * add refuses one sharing any of them, delete takes the one whose given
 * fields all match, modify replaces the one with that id, address or name.
 */
#include "netd/def/netdef-internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SWAP(a, b) do { __typeof__(a) swap_tmp_ = (a); (a) = (b); (b) = swap_tmp_; } while (0)

static bool same_duid(const struct netdef_dhcp6_host *a, const struct netdef_dhcp6_host *b)
{
	return a->duid_len && a->duid_len == b->duid_len && !memcmp(a->duid, b->duid, a->duid_len);
}

static bool same_name(const struct netdef_dhcp6_host *a, const struct netdef_dhcp6_host *b)
{
	return a->name && b->name && !strcasecmp(a->name, b->name);
}

static bool same_ip(const struct netdef_dhcp6_host *a, const struct netdef_dhcp6_host *b)
{
	return a->has_ip && b->has_ip && !memcmp(&a->ip, &b->ip, 16);
}

/* delete: every field the fragment gives is the entry's */
static bool host6_match(const struct netdef_dhcp6_host *f, const struct netdef_dhcp6_host *e)
{
	return (!f->duid_len || same_duid(f, e)) && (!f->name || same_name(f, e)) &&
	       (!f->has_ip || same_ip(f, e));
}

static void host6_words(const struct netdef_dhcp6_host *h, char ip[INET6_ADDRSTRLEN])
{
	if (!h->has_ip || !inet_ntop(AF_INET6, &h->ip, ip, INET6_ADDRSTRLEN))
		strcpy(ip, "unknown");
}

static void free_host6(struct netdef_dhcp6_host *h)
{
	free(h->id);
	free(h->name);
}

int netdef_update_host6(struct netdef *def, struct netdef_ip6 *ip, enum netdef_update_cmd cmd,
			struct netdef_dhcp6_host *f, struct netdef_error *err)
{
	struct netdef_dhcp6_host *slot;
	char addr[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < ip->n_hosts; i++) {
		struct netdef_dhcp6_host *e = &ip->hosts[i];
		bool clash = same_duid(f, e) || same_name(f, e) || same_ip(f, e);

		if (cmd == NETDEF_UPDATE_ADD && clash) {
			host6_words(f, addr);
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "there is an existing "
					   "dhcp host entry in network '%s' that matches \"<host "
					   "id='%s' name='%s' ip='%s'/>\"", def->name,
					   f->id ? f->id : "", f->name ? f->name : "", addr);
		}
		if (cmd == NETDEF_UPDATE_DELETE ? host6_match(f, e) :
		    cmd == NETDEF_UPDATE_MODIFY && clash)
			break;
	}
	if (cmd == NETDEF_UPDATE_ADD) {
		if (!(slot = netdef_array_push(&ip->hosts, &ip->n_hosts, sizeof(*slot))))
			return netdef_fail(err, -ENOMEM, 0, "", "out of memory");
		SWAP(*slot, *f);
		ip->has_dhcp = true;
		return 0;
	}
	if (i == ip->n_hosts) {
		host6_words(f, addr);
		return netdef_fail(err, NETDEF_E_INVALID, 0, "<host>", "couldn't locate %s dhcp "
				   "host entry with \"id='%s'\" \"name='%s'\" \"ip='%s'\" in network "
				   "'%s'", cmd == NETDEF_UPDATE_DELETE ? "a matching" : "an existing",
				   f->id ? f->id : "", f->name ? f->name : "", addr, def->name);
	}
	if (cmd == NETDEF_UPDATE_MODIFY) {
		SWAP(ip->hosts[i], *f);         /* the new in place, the old to be freed */
		return 0;
	}
	free_host6(f);
	*f = ip->hosts[i];                      /* freed with the fragment */
	memmove(&ip->hosts[i], &ip->hosts[i + 1], (ip->n_hosts - i - 1) * sizeof(*ip->hosts));
	ip->n_hosts--;
	return 0;
}

int netdef_update_range6(struct netdef *def, struct netdef_ip6 *ip, enum netdef_update_cmd cmd,
			 const struct netdef_range6 *f, struct netdef_error *err)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	struct netdef_range6 *slot;
	size_t i;

	if (cmd == NETDEF_UPDATE_MODIFY)
		return netdef_fail(err, NETDEF_E_UNSUPPORTED, 0, "<range>", "dhcp ranges cannot "
				   "be modified, only added or deleted");
	for (i = 0; i < ip->n_ranges; i++)
		if (!memcmp(&ip->ranges[i].start, &f->start, 16) &&
		    !memcmp(&ip->ranges[i].end, &f->end, 16))
			break;
	if (cmd == NETDEF_UPDATE_ADD) {
		if (i < ip->n_ranges) {
			inet_ntop(AF_INET6, &f->start, a, sizeof(a));
			inet_ntop(AF_INET6, &f->end, b, sizeof(b));
			return netdef_fail(err, NETDEF_E_INVALID, 0, "<range>", "there is an "
					   "existing dhcp range entry in network '%s' that matches "
					   "\"<range start='%s' end='%s'/>\"", def->name, a, b);
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
	memmove(&ip->ranges[i], &ip->ranges[i + 1], (ip->n_ranges - i - 1) * sizeof(*ip->ranges));
	ip->n_ranges--;
	return 0;
}
