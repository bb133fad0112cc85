/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * `import`'s DHCPv6 leases: libvirt's status JSON (leaseshelper's objects
 * with "iaid" and "server-duid") or the part of a dnsmasq lease file after
 * its "duid" line. They join the seed after the IPv4 lines, behind a "duid"
 * line with the server DUID dnsmasq used: the guests' renewals name that
 * server, so vnetd answers them as the same server.
 */
#include "dhcp/lease/lease.h"
#include "dhcp/v6/dhcp6.h"
#include "netd/adapt/adapt.h"
#include "netd/cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static int add_lease6(void *userdata, const struct lease6_info *l)
{
	struct import6 *s = userdata;

	s->read++;
	return lease_file6_append(&s->lines, l) < 0 ? -ENOMEM : 0;
}

/* Counted here, told to the caller's reporter. */
static void problem6(void *userdata, const struct lease_error *e)
{
	struct import6 *s = userdata;

	s->problems++;
	if (s->problem)
		s->problem(s->userdata, e);
}

int import6_read(struct import6 *s, const char *text, size_t len, bool status_json,
		 lease_problem_fn on_problem, void *userdata)
{
	int n;

	s->problem = on_problem;
	s->userdata = userdata;
	if (status_json)
		return lease_status6_parse(text, len, add_lease6, problem6, s, s->duid,
					   sizeof(s->duid), &s->duid_len);
	n = lease_file6_server_duid(text, len, s->duid, sizeof(s->duid));
	s->duid_len = n > 0 ? (size_t)n : 0;
	return lease_file6_parse(text, len, add_lease6, problem6, s);
}

/* What the daemon keeps of them: its own load over the whole seed, problems named. */
int import6_check(const struct netdef *def, struct import6 *s, const struct lease_buf *seed,
		  unsigned *kept)
{
	static const uint8_t mac0[6] = { 0 };
	struct dhcp6_setup setup;
	struct dhcp6_server *srv = NULL;
	uint8_t stand_in[10];
	unsigned before;
	char msg[300];
	int r;

	*kept = 0;
	if (!s->read)
		return 0;
	r = dhcp6_setup_build(def, NULL, &setup, msg, sizeof(msg));
	if (r < 0)
		return vnetd_error("%s", msg);
	if (r == 0) {
		printf("Network %s has no IPv6 <dhcp>: its %u DHCPv6 leases are not imported\n",
		       def->name, s->read);
		lease_buf_free(&s->lines);
		s->read = 0;
		return 0;
	}
	/* the load checks leases, not the server's identity: any DUID will do here */
	setup.cfg.server_duid = s->duid_len ? s->duid : stand_in;
	setup.cfg.server_duid_len = s->duid_len ? s->duid_len : dhcp6_duid_ll(mac0, stand_in);
	before = s->problems;
	r = dhcp6_server_new(&setup.cfg, &srv, NULL);
	if (r == 0)
		r = dhcp6_server_load(srv, (const char *)seed->data, seed->len, NULL, 0,
				      (int64_t)time(NULL), problem6, s, NULL);
	dhcp6_server_free(srv);
	dhcp6_setup_free(&setup);
	if (r < 0)
		return vnetd_error("cannot check the DHCPv6 leases: %s", strerror(-r));
	*kept = s->read - (s->problems - before);
	return 0;
}

/*
 * The seed's v6 part: the "duid" line, then the leases. The server DUID is
 * dnsmasq's; a file without one gets a DUID-UUID (RFC 6355) of the
 * network's uuid: stable and the network's own, as a server DUID must be.
 */
int import6_seed(struct lease_buf *seed, const struct import6 *s, const uint8_t uuid[16])
{
	uint8_t by_uuid[18] = { 0, 4 };

	if (!s->read)
		return 0;
	memcpy(by_uuid + 2, uuid, 16);
	if ((s->duid_len ? lease_file6_duid_line(seed, s->duid, s->duid_len)
			 : lease_file6_duid_line(seed, by_uuid, sizeof(by_uuid))) < 0)
		return -ENOMEM;
	return lease_buf_append(seed, s->lines.data, s->lines.len) < 0 ? -ENOMEM : 0;
}
