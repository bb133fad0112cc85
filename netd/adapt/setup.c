/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One definition, every library's configuration. */
#include "netd/adapt/adapt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

int net_setup_build(const struct netdef *def, const char *resolv, size_t resolv_len,
		    const char *hostname, struct net_setup *out, char *msg, size_t msg_size)
{
	int r;

	memset(out, 0, sizeof(*out));
	bridge_setup(def, &out->bridge);
	firewall_config(def, &out->firewall);
	r = dns_setup_build(def, resolv, resolv_len, &out->dns, msg, msg_size);
	if (r < 0)
		return r;
	out->has_dns = r > 0;
	r = dhcp_setup_build(def, &out->dhcp, msg, msg_size);
	if (r < 0)
		goto fail;
	out->has_dhcp = r > 0;
	if ((r = ra_setup_build(def, &out->ra, msg, msg_size)) < 0)
		goto fail;
	out->has_ra = r > 0;
	if (out->has_dhcp &&
	    (r = dhcp_setup_boot(def, dhcp_setup_find_ip(def), &out->dhcp, msg, msg_size)) < 0)
		goto fail;
	if (out->has_dhcp && dhcp_setup_reserved(def, hostname, &out->dhcp) < 0) {
		snprintf(msg, msg_size, "out of memory");
		r = -ENOMEM;
		goto fail;
	}
	if ((r = dhcp6_setup_build(def, hostname, &out->dhcp6, msg, msg_size)) < 0)
		goto fail;
	out->has_dhcp6 = r > 0;
	if (out->has_dns) {
		/* one name per lease and per static host, never more */
		out->dns.cfg.expected_names = dhcp_setup_pool_size(def) + 16;
		out->dns.cfg.max_dynamic = dhcp_setup_pool_size(def) + dhcp_setup_host_count(def);
	}
	if (out->has_dns && out->has_dhcp6) {
		/* and one per DHCPv6 lease and host (the v4 lease's name may be the same) */
		out->dns.cfg.expected_names += dhcp6_setup_pool_size(def);
		out->dns.cfg.max_dynamic += dhcp6_setup_pool_size(def) +
					    (uint32_t)dhcp6_setup_find_ip(def)->n_hosts;
	}
	return 0;
fail:
	net_setup_free(out);
	return r;
}

void net_setup_free(struct net_setup *s)
{
	dhcp_setup_free(&s->dhcp);
	dhcp6_setup_free(&s->dhcp6);
	dns_setup_free(&s->dns);
	memset(s, 0, sizeof(*s));
}
