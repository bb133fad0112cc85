/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * BRIDGE.status: libvirt's lease status JSON (what its leaseshelper writes),
 * so tools that read libvirt's status files keep working:
 *   [ { "ip-address": "...", "mac-address": "...", "hostname": "...",
 *       "client-id": "...", "expiry-time": 1700000000 } ]
 * hostname and client-id appear only when known; an infinite lease has
 * expiry-time 0. Strings are escaped although every one here is already
 * restricted to a safe alphabet.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/lease/lease.h"
#include "dhcp/wire/wire.h"

static int put(struct lease_buf *out, const char *s)
{
	return lease_buf_append(out, s, strlen(s));
}

static int put_string(struct lease_buf *out, const char *key, const char *val, bool comma)
{
	char esc[6 * (3 * LEASE_CLIENT_ID_MAX) + 3];
	int rc = 0;

	if (json_string(val, esc, sizeof(esc)) >= sizeof(esc))
		return -EOVERFLOW;
	rc |= put(out, "    \"");
	rc |= put(out, key);
	rc |= put(out, "\": ");
	rc |= put(out, esc);
	rc |= put(out, comma ? ",\n" : "\n");
	return rc;
}

int lease_status_begin(struct lease_buf *out)
{
	return put(out, "[");
}

int lease_status_append(struct lease_buf *out, const struct lease_info *l, bool first)
{
	char ip[INET_ADDRSTRLEN], mac[3 * LEASE_CHADDR_MAX + 1], id[3 * LEASE_CLIENT_ID_MAX + 1];
	char num[48];
	int rc = 0;

	inet_ntop(AF_INET, &l->addr, ip, sizeof(ip));
	hex_format(l->chaddr, l->hlen, mac, sizeof(mac));
	rc |= put(out, first ? "\n  {\n" : ",\n  {\n");
	rc |= put_string(out, "ip-address", ip, true);
	rc |= put_string(out, "mac-address", mac, true);
	if (l->hostname && *l->hostname)
		rc |= put_string(out, "hostname", l->hostname, true);
	if (l->client_id_len) {
		hex_format(l->client_id, l->client_id_len, id, sizeof(id));
		rc |= put_string(out, "client-id", id, true);
	}
	snprintf(num, sizeof(num), "    \"expiry-time\": %" PRId64 "\n  }",
		 l->expires == LEASE_EXPIRES_NEVER ? (int64_t)0 : l->expires);
	rc |= put(out, num);
	return rc ? -ENOMEM : 0;
}

int lease_status_end(struct lease_buf *out, bool empty)
{
	return put(out, empty ? "]\n" : "\n]\n");
}
