/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * NAME.journal6: DHCPv6 lease records in the journal's frame (journal.c),
 * and the v6 objects of libvirt's status JSON. See lease6.c for the layout.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "dhcp/lease/lease-internal.h"
#include "dhcp/wire/wire.h"

#define PAYLOAD6_MAX (1 + 16 + 8 + 4 + 1 + 6 + 1 + LEASE_DUID_MAX + 1 + LEASE_HOSTNAME_MAX)
#define FRAME_MAX 4096                  /* any record kind, v4 ones included */

int lease_journal6_append(struct lease_buf *out, int op, const struct lease6_info *l)
{
	uint8_t pay[PAYLOAD6_MAX];
	struct wire_builder b;
	size_t name_len = l->hostname ? strlen(l->hostname) : 0;
	int64_t exp = l->expires == LEASE_EXPIRES_NEVER ? 0 : l->expires;

	if ((op != LEASE_JOURNAL_BIND6 && op != LEASE_JOURNAL_FREE6) ||
	    name_len > LEASE_HOSTNAME_MAX || l->duid_len > LEASE_DUID_MAX)
		return -EINVAL;
	wire_wr_init(&b, pay, sizeof(pay));
	wire_wr_u8(&b, (uint8_t)op);
	wire_wr_bytes(&b, &l->addr, 16);
	wire_wr_u32(&b, (uint32_t)((uint64_t)exp >> 32));
	wire_wr_u32(&b, (uint32_t)exp);
	wire_wr_u32(&b, l->iaid);
	wire_wr_u8(&b, l->has_mac ? 6 : 0);
	if (l->has_mac)
		wire_wr_bytes(&b, l->mac, 6);
	wire_wr_u8(&b, (uint8_t)l->duid_len);
	wire_wr_bytes(&b, l->duid, l->duid_len);
	wire_wr_u8(&b, (uint8_t)name_len);
	wire_wr_bytes(&b, l->hostname, name_len);
	if (b.full)
		return -EOVERFLOW;
	return lease_journal_frame(out, pay, b.len);
}

static bool decode6(struct wire_reader *r, uint8_t op, struct lease6_info *l,
		    char name[LEASE_HOSTNAME_MAX + 1])
{
	uint32_t hi, lo;
	uint8_t mac_len, duid_len, name_len;
	const uint8_t *p;
	int64_t exp;

	memset(l, 0, sizeof(*l));
	if (!wire_rd_bytes(r, &l->addr, 16) || !wire_rd_u32(r, &hi) || !wire_rd_u32(r, &lo) ||
	    !wire_rd_u32(r, &l->iaid) || !wire_rd_u8(r, &mac_len) ||
	    (mac_len != 0 && mac_len != 6) || !wire_rd_bytes(r, l->mac, mac_len) ||
	    !wire_rd_u8(r, &duid_len) || duid_len > LEASE_DUID_MAX ||
	    (op == LEASE_JOURNAL_BIND6 && !duid_len) || !wire_rd_ptr(r, duid_len, &l->duid) ||
	    !wire_rd_u8(r, &name_len) || !wire_rd_ptr(r, name_len, &p) || wire_rd_left(r))
		return false;
	exp = (int64_t)((uint64_t)hi << 32 | lo);
	if (exp < 0)
		return false;
	l->expires = exp ? exp : LEASE_EXPIRES_NEVER;
	l->has_mac = mac_len == 6;
	l->duid_len = duid_len;
	if (!duid_len)
		l->duid = NULL;
	if (lease_hostname_sanitize(p, name_len, name))
		l->hostname = name;
	return true;
}

long lease_journal6_replay(const uint8_t *data, size_t len,
			   int (*on_record)(void *userdata, int op, const struct lease6_info *l),
			   lease_problem_fn on_problem, void *userdata)
{
	struct wire_reader r, pay;
	char name[LEASE_HOSTNAME_MAX + 1];
	unsigned count = 0;
	size_t good = 0;
	const char *why = NULL;

	wire_rd_init(&r, data, len);
	while (wire_rd_left(&r)) {
		struct lease6_info l;
		const uint8_t *p;
		uint32_t plen;
		uint8_t op;
		int rc;

		count++;
		if (!(p = lease_journal_next(&r, FRAME_MAX, &plen, &why)))
			break;
		wire_rd_init(&pay, p, plen);
		if (!wire_rd_u8(&pay, &op)) {
			why = "bad record contents";
			break;
		}
		if (op == LEASE_JOURNAL_BIND6 || op == LEASE_JOURNAL_FREE6) {
			if (!decode6(&pay, op, &l, name)) {
				why = "bad record contents";
				break;
			}
			rc = on_record ? on_record(userdata, op, &l) : 0;
			if (rc < 0)
				return rc;
		} else if (op != 1 && op != 2) {
			why = "unknown record kind";
			break;
		}
		good = r.pos;
	}
	lease_journal_stopped(on_problem, userdata, count, why, len - good);
	return (long)good;
}

/* ---- BRIDGE.status ---- */

static int put_str(struct lease_buf *out, const char *key, const char *val)
{
	char esc[6 * 3 * LEASE_DUID_MAX + 3];
	char line[sizeof(esc) + 64];
	int n;

	if (json_string(val, esc, sizeof(esc)) >= sizeof(esc))
		return -EOVERFLOW;
	n = snprintf(line, sizeof(line), "    \"%s\": %s,\n", key, esc);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EOVERFLOW;
	return lease_buf_append(out, line, (size_t)n);
}

int lease_status6_append(struct lease_buf *out, const struct lease6_info *l,
			 const uint8_t *server_duid, size_t server_duid_len, bool first)
{
	char ip[INET6_ADDRSTRLEN], hex[3 * LEASE_DUID_MAX + 1], num[48];
	int rc = 0;

	if (l->duid_len > LEASE_DUID_MAX || server_duid_len > LEASE_DUID_MAX)
		return -EINVAL;
	inet_ntop(AF_INET6, &l->addr, ip, sizeof(ip));
	rc |= lease_buf_append(out, first ? "\n  {\n" : ",\n  {\n", first ? 5 : 6);
	snprintf(num, sizeof(num), "%" PRIu32, l->iaid);
	rc |= put_str(out, "iaid", num);    /* libvirt keeps dnsmasq's text */
	rc |= put_str(out, "ip-address", ip);
	if (l->has_mac) {
		hex_format(l->mac, 6, hex, sizeof(hex));
		rc |= put_str(out, "mac-address", hex);
	}
	if (l->hostname && *l->hostname)
		rc |= put_str(out, "hostname", l->hostname);
	hex_format(l->duid, l->duid_len, hex, sizeof(hex));
	rc |= put_str(out, "client-id", hex);
	hex_format(server_duid, server_duid_len, hex, sizeof(hex));
	rc |= put_str(out, "server-duid", hex);
	snprintf(num, sizeof(num), "    \"expiry-time\": %" PRId64 "\n  }",
		 l->expires == LEASE_EXPIRES_NEVER ? (int64_t)0 : l->expires);
	rc |= lease_buf_append(out, num, strlen(num));
	return rc ? -ENOMEM : 0;
}
