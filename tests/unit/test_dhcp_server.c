/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the DHCPv4 server core: whole exchanges in one process
 * against literal client packets (busybox udhcpc, ISC dhclient), each case
 * changing one field and checking the reply.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp/v4/dhcp-internal.h"

#include "tests/unit/dhcp_fixture.h"

static void test_dora_udhcpc(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	const uint8_t *v;
	uint8_t len;
	uint32_t addr;
	const uint8_t *j;
	size_t jlen;

	udhcpc_discover(&p, 0x56);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(r.b[0], 2);
	assert_int_equal(rep_type(&r), DHCPOFFER);
	addr = rep_u32(&r, 16);
	assert_true(addr >= ip4("192.168.122.2") && addr <= ip4("192.168.122.254"));
	/* §4.1: no giaddr, no ciaddr, no broadcast flag: unicast at chaddr. */
	assert_int_equal(r.tx.kind, DHCP_DEST_HWADDR);
	assert_int_equal(ntohl(r.tx.addr.s_addr), addr);
	assert_memory_equal(r.tx.chaddr, "\x52\x54\x00\x12\x34\x56", 6);
	assert_true(r.tx.len <= 576 - 28);
	v = rep_opt(&r, 54, &len);
	assert_non_null(v);
	assert_memory_equal(v, "\xc0\xa8\x7a\x01", 4);
	v = rep_opt(&r, 51, &len);
	assert_non_null(v);
	assert_memory_equal(v, "\x00\x00\x0e\x10", 4);          /* 3600 s */
	v = rep_opt(&r, 58, &len);
	assert_memory_equal(v, "\x00\x00\x07\x08", 4);          /* T1 1800 */
	v = rep_opt(&r, 59, &len);
	assert_memory_equal(v, "\x00\x00\x0c\x4e", 4);          /* T2 3150 */
	v = rep_opt(&r, 1, &len);
	assert_memory_equal(v, "\xff\xff\xff\x00", 4);
	v = rep_opt(&r, 3, &len);
	assert_memory_equal(v, "\xc0\xa8\x7a\x01", 4);
	v = rep_opt(&r, 6, &len);
	assert_memory_equal(v, "\xc0\xa8\x7a\x01", 4);
	v = rep_opt(&r, 28, &len);
	assert_memory_equal(v, "\xc0\xa8\x7a\xff", 4);
	v = rep_opt(&r, 15, &len);
	assert_int_equal(len, 12);
	assert_memory_equal(v, "example.test", 12);
	v = rep_opt(&r, 61, &len);                               /* RFC 6842 echo */
	assert_int_equal(len, 7);
	assert_memory_equal(v, "\x01\x52\x54\x00\x12\x34\x56", 7);
	assert_null(rep_opt(&r, 121, &len));                     /* no routes configured */
	assert_int_equal(f->ev.count[DHCP_EV_OFFER], 1);
	dhcp_server_journal_pending(f->srv, &j, &jlen);
	assert_int_equal(jlen, 0);                               /* an offer is not durable */

	udhcpc_select(&p, 0x56, addr, ip4("192.168.122.1"));
	assert_int_equal(handle_pending(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	assert_int_equal(rep_u32(&r, 16), addr);
	/* not durable yet: no ACK event */
	assert_int_equal(f->ev.count[DHCP_EV_ACK], 0);
	assert_int_equal(dhcp_server_lease_count(f->srv), 1);
	dhcp_server_journal_pending(f->srv, &j, &jlen);
	assert_true(jlen > 12);
	dhcp_server_commit(f->srv);
	assert_int_equal(f->ev.count[DHCP_EV_ACK], 1);
	assert_false(f->ev.last.renewed);
	assert_string_equal(f->ev.last_name, "guest1");
	dhcp_server_journal_pending(f->srv, &j, &jlen);
	assert_int_equal(jlen, 0);
	fx_free(f);
}

static void test_dora_dhclient_no_client_id(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	uint8_t len;
	const uint8_t *v;
	uint32_t addr;
	uint8_t o[] = { 50, 4, 0, 0, 0, 0, 54, 4, 192, 168, 122, 1 };

	pkt_make(&p, dhclient_discover_opts, sizeof(dhclient_discover_opts));
	p.b[OFF_FLAGS] = 0x80;                  /* broadcast flag */
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(r.tx.kind, DHCP_DEST_BROADCAST);
	assert_int_equal(r.b[OFF_FLAGS], 0x80);
	assert_null(rep_opt(&r, 61, &len));
	/* PRL order honoured: 1 then 28 then 3 ... */
	v = rep_opt(&r, 1, &len);
	assert_ptr_equal(rep_opt(&r, 28, &len), v + 6);
	addr = rep_u32(&r, 16);
	o[2] = (uint8_t)(addr >> 24), o[3] = (uint8_t)(addr >> 16);
	o[4] = (uint8_t)(addr >> 8), o[5] = (uint8_t)addr;
	pkt_msg(&p, DHCPREQUEST, o, sizeof(o));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	fx_free(f);
}

static void test_renew_and_rebind(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint32_t addr = dora(f, 0x56, NOW0);
	uint8_t o[] = { 61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct pkt p;
	struct reply r;
	char a[16];
	struct in_addr ia = { htonl(addr) };

	inet_ntop(AF_INET, &ia, a, sizeof(a));
	pkt_msg(&p, DHCPREQUEST, o, sizeof(o));
	pkt_u32(&p, OFF_CIADDR, a);             /* RENEWING: ciaddr, no 50/54 */
	assert_int_equal(handle(f->srv, &p, NOW0 + 1800, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	assert_int_equal(r.tx.kind, DHCP_DEST_UNICAST);
	assert_int_equal(ntohl(r.tx.addr.s_addr), addr);
	assert_int_equal(rep_u32(&r, OFF_CIADDR), addr);
	assert_true(f->ev.last.renewed);
	/* REBINDING to an address someone else holds: NAK, broadcast. */
	dora(f, 0x57, NOW0);
	pkt_mac_last(&p, 0x57);
	p.b[240 + 3 + 8] = 0x57;
	assert_int_equal(handle(f->srv, &p, NOW0 + 1800, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	assert_int_equal(r.tx.kind, DHCP_DEST_BROADCAST);
	fx_free(f);
}

static void test_selecting_wrong_address_nak(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	uint32_t addr;

	udhcpc_discover(&p, 0x56);
	handle(f->srv, &p, NOW0, &r);
	addr = rep_u32(&r, 16);
	udhcpc_select(&p, 0x56, addr == ip4("192.168.122.9") ? addr + 1 : ip4("192.168.122.9"),
		      ip4("192.168.122.1"));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	assert_int_equal(rep_u32(&r, 16), 0);
	assert_string_equal(f->ev.last_reason, "wrong address");
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	fx_free(f);
}

static void test_selecting_other_server_frees_offer(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	uint32_t addr;

	udhcpc_discover(&p, 0x56);
	handle(f->srv, &p, NOW0, &r);
	addr = rep_u32(&r, 16);
	assert_false(dhcp_pool_is_free(&f->srv->pool, dhcp_pool_index(&f->srv->pool, addr)));
	udhcpc_select(&p, 0x56, addr, ip4("192.168.122.250"));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	assert_true(dhcp_pool_is_free(&f->srv->pool, dhcp_pool_index(&f->srv->pool, addr)));
	fx_free(f);
}

static void test_init_reboot(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint8_t foreign[] = { 50, 4, 10, 0, 0, 5 };
	uint8_t mine[] = { 50, 4, 0, 0, 0, 0 };
	struct pkt p;
	struct reply r;
	uint32_t addr, other;

	/* A guest moved from another network: NAK (RFC 2131 §4.3.2). */
	pkt_msg(&p, DHCPREQUEST, foreign, sizeof(foreign));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	assert_string_equal(f->ev.last_reason, "wrong network");
	assert_int_equal(r.tx.kind, DHCP_DEST_BROADCAST);
	/* Its previous address, after a server restart (no record): granted. */
	addr = ip4("192.168.122.77");
	mine[2] = 192, mine[3] = 168, mine[4] = 122, mine[5] = 77;
	pkt_msg(&p, DHCPREQUEST, mine, sizeof(mine));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	assert_int_equal(rep_u32(&r, 16), addr);
	/* Someone else's address: NAK. */
	other = dora(f, 0x99, NOW0);
	mine[2] = (uint8_t)(other >> 24), mine[3] = (uint8_t)(other >> 16);
	mine[4] = (uint8_t)(other >> 8), mine[5] = (uint8_t)other;
	pkt_msg(&p, DHCPREQUEST, mine, sizeof(mine));
	pkt_mac_last(&p, 0x11);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	fx_free(f);
}

static void test_relay_agent_echo(void **state)
{
	struct fixture *f = fx_new(NULL);
	static const uint8_t opts[] = {
		53, 1, 1,
		82, 8, 1, 2, 'p', '1', 2, 2, 'r', '1',   /* circuit id, remote id */
		255,
	};
	struct pkt p;
	struct reply r;
	size_t end;

	pkt_make(&p, opts, sizeof(opts));
	pkt_u32(&p, OFF_GIADDR, "192.168.122.250");
	p.b[3] = 1;                             /* hops */
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPOFFER);
	assert_int_equal(r.tx.kind, DHCP_DEST_RELAY);
	assert_int_equal(ntohl(r.tx.addr.s_addr), ip4("192.168.122.250"));
	assert_int_equal(r.tx.port, 67);
	assert_int_equal(rep_u32(&r, OFF_GIADDR), ip4("192.168.122.250"));
	/* RFC 3046 §2.2: echoed unchanged, as the last option before End. */
	for (end = r.tx.len; end > 240 && r.b[end - 1] == 0; end--)
		;
	assert_int_equal(r.b[end - 1], 255);
	assert_memory_equal(r.b + end - 1 - 10, opts + 3, 10);
	/* A relay from another subnet is not ours: NAK for its request. */
	pkt_msg(&p, DHCPREQUEST, (const uint8_t[]){ 50, 4, 192, 168, 122, 80 }, 6);
	pkt_u32(&p, OFF_GIADDR, "10.1.1.1");
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	assert_int_equal(r.tx.kind, DHCP_DEST_RELAY);
	assert_int_equal(r.b[OFF_FLAGS] & 0x80, 0x80);  /* §4.3.2: relayed NAK broadcasts */
	fx_free(f);
}

static void test_client_id_over_chaddr(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	uint32_t a1, a2, a3;

	a1 = dora(f, 0x56, NOW0);
	/* Same chaddr, another client id: another client. */
	udhcpc_discover(&p, 0x56);
	p.b[240 + 3 + 2 + 6] = 0x77;
	handle(f->srv, &p, NOW0, &r);
	a2 = rep_u32(&r, 16);
	assert_int_not_equal(a1, a2);
	/* Same client id, another chaddr (a new NIC): the same client. */
	udhcpc_discover(&p, 0x56);
	pkt_mac_last(&p, 0x01);
	handle(f->srv, &p, NOW0, &r);
	a3 = rep_u32(&r, 16);
	assert_int_equal(a1, a3);
	fx_free(f);
}

static const uint8_t host_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x60 };

static void tweak_static(struct fixture *f)
{
	static struct dhcp_static_host h[1];
	static struct dhcp_range small;

	memset(h, 0, sizeof(h));
	h[0].has_mac = true;
	memcpy(h[0].mac, host_mac, 6);
	h[0].name = "db";
	h[0].has_ip = true;
	inet_pton(AF_INET, "192.168.122.3", &h[0].ip);
	h[0].lease_time = 7200;
	f->cfg.hosts = h;
	f->cfg.n_hosts = 1;
	/* A pool of .2-.4 so the static .3 would be hit by anyone's probe. */
	inet_pton(AF_INET, "192.168.122.2", &small.start);
	inet_pton(AF_INET, "192.168.122.4", &small.end);
	f->cfg.ranges = &small;
}

static void test_static_host(void **state)
{
	struct fixture *f = fx_new(tweak_static);
	struct pkt p;
	struct reply r;
	const uint8_t *v;
	uint8_t len;
	uint8_t ask3[] = { 50, 4, 192, 168, 122, 3 };

	assert_int_equal(dora(f, 0x60, NOW0), ip4("192.168.122.3"));
	v = rep_opt(&(struct reply){ 0 }, 12, &len);
	assert_null(v);
	/* The ACK carried its configured name and lease time. */
	udhcpc_select(&p, 0x60, ip4("192.168.122.3"), ip4("192.168.122.1"));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	v = rep_opt(&r, 12, &len);
	assert_non_null(v);
	assert_int_equal(len, 2);
	assert_memory_equal(v, "db", 2);
	v = rep_opt(&r, 51, &len);
	assert_memory_equal(v, "\x00\x00\x1c\x20", 4);
	/* Nobody else gets .3: two others get .2 and .4, the third nothing. */
	assert_int_not_equal(dora(f, 0x01, NOW0), ip4("192.168.122.3"));
	assert_int_not_equal(dora(f, 0x02, NOW0), ip4("192.168.122.3"));
	udhcpc_discover(&p, 0x03);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	assert_int_equal(f->ev.count[DHCP_EV_POOL_EXHAUSTED], 1);
	/* ...nor by asking for it. */
	pkt_msg(&p, DHCPREQUEST, ask3, sizeof(ask3));
	pkt_mac_last(&p, 0x05);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	fx_free(f);
}

/* RFC 951 clients: a <host> with an address is answered for good; nobody else. */
static void test_bootp_only_clients(void **state)
{
	struct fixture *f = fx_new(tweak_static);
	struct pkt p;
	struct reply r;
	uint8_t len;
	size_t i;

	/* RFC 1497 vendor extensions: the cookie, then no option 53 at all */
	pkt_make(&p, (const uint8_t[]){ 255 }, 1);
	pkt_mac_last(&p, 0x60);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(r.b[0], 2);                                    /* BOOTREPLY */
	assert_int_equal(rep_u32(&r, 16), ip4("192.168.122.3"));        /* yiaddr */
	assert_null(rep_opt(&r, 53, &len));
	assert_null(rep_opt(&r, 51, &len));                             /* no lease time */
	assert_non_null(rep_opt(&r, 1, &len));                          /* subnet mask */
	assert_int_equal(f->ev.count[DHCP_EV_BOOTP], 1);
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	/* no cookie: a plain 300-byte reply, its vendor area zero */
	pkt_make(&p, (const uint8_t[]){ 0 }, 1);
	memset(p.b + 236, 0, 64);
	p.len = 300;
	pkt_mac_last(&p, 0x60);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(r.tx.len, 300);
	assert_int_equal(rep_u32(&r, 16), ip4("192.168.122.3"));
	for (i = 236; i < 300; i++)
		assert_int_equal(r.b[i], 0);
	/* a client without a <host>: nothing */
	pkt_mac_last(&p, 0x61);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	fx_free(f);
}

static void test_static_host_update(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct dhcp_static_host h = { .has_mac = true, .has_ip = true, .name = "web" };
	struct wire_error err;
	uint32_t addr = dora(f, 0x60, NOW0);
	struct pkt p;
	struct reply r;

	memcpy(h.mac, host_mac, 6);
	inet_pton(AF_INET, "192.168.122.200", &h.ip);
	assert_int_equal(dhcp_server_set_hosts(f->srv, &h, 1, &err), 0);
	assert_int_not_equal(addr, ip4("192.168.122.200"));
	/* Its renewal of the old address is NAKed; rediscovery gets the static one. */
	udhcpc_select(&p, 0x60, addr, ip4("192.168.122.1"));
	assert_int_equal(handle(f->srv, &p, NOW0 + 10, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	assert_int_equal(dora(f, 0x60, NOW0 + 10), ip4("192.168.122.200"));
	assert_int_equal(dhcp_server_lease_count(f->srv), 1);   /* the old binding is gone */
	/* A host address outside the subnet is refused, the old hosts stay. */
	inet_pton(AF_INET, "10.0.0.1", &h.ip);
	assert_int_equal(dhcp_server_set_hosts(f->srv, &h, 1, &err), -EINVAL);
	assert_non_null(dhcp_host_by_ip(f->srv, ip4("192.168.122.200")));
	fx_free(f);
}

static void test_same_address_after_expiry_and_release(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint32_t addr = dora(f, 0x56, NOW0), again;
	uint8_t rel[] = { 61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,
			  54, 4, 192, 168, 122, 1 };
	struct pkt p;
	struct reply r;
	char a[16];
	struct in_addr ia;

	assert_int_equal(dhcp_server_tick(f->srv, NOW0 + 10), NOW0 + 3600);
	assert_int_equal(dhcp_server_tick(f->srv, NOW0 + 3600), LEASE_EXPIRES_NEVER);
	assert_int_equal(f->ev.count[DHCP_EV_EXPIRED], 1);
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	again = dora(f, 0x56, NOW0 + 7200);
	assert_int_equal(again, addr);
	/* Expired but not yet ticked: a DISCOVER turns the binding into an offer. */
	udhcpc_discover(&p, 0x56);
	assert_int_equal(handle(f->srv, &p, NOW0 + 7200 + 3600, &r), DHCP_REPLY);
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	assert_int_equal(dora(f, 0x56, NOW0 + 7200), addr);
	/* Released, then a new guest comes first: still the old one back. */
	ia.s_addr = htonl(addr);
	inet_ntop(AF_INET, &ia, a, sizeof(a));
	pkt_msg(&p, DHCPRELEASE, rel, sizeof(rel));
	pkt_u32(&p, OFF_CIADDR, a);
	assert_int_equal(handle(f->srv, &p, NOW0 + 7300, &r), DHCP_IGNORE);
	assert_int_equal(f->ev.count[DHCP_EV_RELEASE], 1);
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	dora(f, 0x42, NOW0 + 7301);
	assert_int_equal(dora(f, 0x56, NOW0 + 7302), addr);
	/* Fresh server (same identity hash, other seed): same address again. */
	{
		struct fixture *g = fx_new(NULL);

		dhcp_server_free(g->srv);
		g->cfg.hash_seed = 999;
		assert_int_equal(dhcp_server_new(&g->cfg, &g->srv, NULL), 0);
		assert_int_equal(dora(g, 0x56, NOW0), addr);
		fx_free(g);
	}
	fx_free(f);
}

static void tweak_small(struct fixture *f)
{
	inet_pton(AF_INET, "192.168.122.10", &f->range.start);
	inet_pton(AF_INET, "192.168.122.12", &f->range.end);
}

static void test_pool_exhaustion(void **state)
{
	struct fixture *f = fx_new(tweak_small);
	struct pkt p;
	struct reply r;
	uint8_t i;

	for (i = 1; i <= 3; i++)
		dora(f, i, NOW0);
	assert_int_equal(dhcp_server_lease_count(f->srv), 3);
	udhcpc_discover(&p, 4);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	assert_int_equal(f->ev.count[DHCP_EV_POOL_EXHAUSTED], 1);
	assert_string_equal(f->ev.last_reason, "no address available");
	assert_int_equal(dhcp_server_lease_count(f->srv), 3);
	/* Expired leases give room again. */
	dhcp_server_tick(f->srv, NOW0 + 3600);
	assert_int_equal(dora(f, 4, NOW0 + 3601) >> 8, ip4("192.168.122.0") >> 8);
	fx_free(f);
}

static void test_decline_quarantine(void **state)
{
	struct fixture *f = fx_new(tweak_small);
	uint32_t addr = dora(f, 1, NOW0), a2, a3;
	uint8_t o[] = { 61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x01,
			50, 4, 0, 0, 0, 0, 54, 4, 192, 168, 122, 1 };
	struct pkt p;
	struct reply r;

	o[11] = (uint8_t)(addr >> 24), o[12] = (uint8_t)(addr >> 16);
	o[13] = (uint8_t)(addr >> 8), o[14] = (uint8_t)addr;
	pkt_msg(&p, DHCPDECLINE, o, sizeof(o));
	pkt_mac_last(&p, 1);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	assert_int_equal(f->ev.count[DHCP_EV_DECLINE], 1);
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	/* The declining client and the others get the two other addresses. */
	a2 = dora(f, 1, NOW0 + 1);
	a3 = dora(f, 2, NOW0 + 1);
	assert_int_not_equal(a2, addr);
	assert_int_not_equal(a3, addr);
	udhcpc_discover(&p, 3);
	assert_int_equal(handle(f->srv, &p, NOW0 + 2, &r), DHCP_IGNORE);
	/* After the quarantine the address is usable again. */
	dhcp_server_tick(f->srv, NOW0 + 601);
	assert_int_equal(dora(f, 3, NOW0 + 602), addr);
	fx_free(f);
}

static void tweak_many_options(struct fixture *f)
{
	static struct dhcp_raw_option o[8];
	static char big[8][201];
	int i;

	for (i = 0; i < 8; i++) {
		memset(big[i], 'a' + i, 200);
		big[i][200] = 0;
		o[i].number = 224 + (unsigned)i;
		o[i].value = big[i];
	}
	f->cfg.options = o;
	f->cfg.n_options = 8;
}

static void test_max_message_size(void **state)
{
	struct fixture *f = fx_new(tweak_many_options);
	uint8_t opts[] = {
		53, 1, 1,
		57, 2, 0x02, 0x40,                      /* 576 */
		82, 4, 1, 2, 'x', 'y',
		55, 11, 1, 3, 224, 225, 226, 227, 228, 229, 230, 231, 6,
		255,
	};
	struct pkt p;
	struct reply r;
	uint8_t len;

	pkt_make(&p, opts, sizeof(opts));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_true(r.tx.len <= 576 - 28);
	assert_non_null(rep_opt(&r, 1, &len));
	assert_non_null(rep_opt(&r, 224, &len));
	assert_null(rep_opt(&r, 226, &len));    /* did not fit */
	assert_non_null(rep_opt(&r, 82, &len)); /* reserved: always fits */
	/* 1500: more of them fit. */
	opts[5] = 0x05, opts[6] = 0xdc;
	pkt_make(&p, opts, sizeof(opts));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_true(r.tx.len > 576 && r.tx.len <= 1500 - 28);
	assert_non_null(rep_opt(&r, 228, &len));
	assert_null(rep_opt(&r, 229, &len));
	/* Below the legal minimum (RFC 2132 §9.10): treated as 576. */
	opts[5] = 0x00, opts[6] = 0x10;
	pkt_make(&p, opts, sizeof(opts));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_true(r.tx.len <= 576 - 28);
	fx_free(f);
}

static void test_inform(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint8_t o[] = { 55, 3, 1, 6, 15 };
	struct pkt p;
	struct reply r;
	uint8_t len;

	pkt_msg(&p, DHCPINFORM, o, sizeof(o));
	pkt_u32(&p, OFF_CIADDR, "192.168.122.99");
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	assert_int_equal(rep_u32(&r, 16), 0);
	assert_null(rep_opt(&r, 51, &len));     /* §4.3.5: no lease time */
	assert_non_null(rep_opt(&r, 15, &len));
	assert_int_equal(r.tx.kind, DHCP_DEST_UNICAST);
	assert_int_equal(ntohl(r.tx.addr.s_addr), ip4("192.168.122.99"));
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	fx_free(f);
}

static void tweak_pxe_routes(struct fixture *f)
{
	static struct dhcp_route rt[1];
	static struct dhcp_raw_option o[2] = { { 42, "192.168.122.9,192.168.122.10" },
					       { 3, "192.168.122.254" } };

	inet_pton(AF_INET, "10.20.0.0", &rt[0].dest);
	rt[0].prefix = 16;
	inet_pton(AF_INET, "192.168.122.5", &rt[0].gateway);
	f->cfg.routes = rt;
	f->cfg.n_routes = 1;
	f->cfg.boot_file = "pxelinux.0";
	inet_pton(AF_INET, "192.168.122.1", &f->cfg.boot_server);      /* the TFTP server */
	f->cfg.mtu = 9000;
	f->cfg.options = o;
	f->cfg.n_options = 2;
}

static void test_pxe_routes_options(void **state)
{
	struct fixture *f = fx_new(tweak_pxe_routes);
	uint8_t opts[] = { 53, 1, 1, 55, 7, 1, 3, 121, 26, 42, 66, 67, 255 };
	struct pkt p;
	struct reply r;
	const uint8_t *v;
	uint8_t len;

	pkt_make(&p, opts, sizeof(opts));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_u32(&r, 20), ip4("192.168.122.1"));        /* siaddr */
	assert_string_equal((const char *)r.b + 108, "pxelinux.0");    /* file */
	assert_int_equal(r.b[44], 0);                                   /* sname untouched */
	v = rep_opt(&r, 121, &len);
	assert_int_equal(len, 7 + 5);   /* 10.20/16 via .5, then 0/0 via .1 */
	assert_memory_equal(v, "\x10\x0a\x14\xc0\xa8\x7a\x05\x00\xc0\xa8\x7a\x01", 12);
	v = rep_opt(&r, 26, &len);
	assert_memory_equal(v, "\x23\x28", 2);
	v = rep_opt(&r, 42, &len);
	assert_int_equal(len, 8);
	v = rep_opt(&r, 3, &len);
	assert_memory_equal(v, "\xc0\xa8\x7a\xfe", 4);                  /* <option> wins */
	v = rep_opt(&r, 67, &len);
	assert_int_equal(len, 10);
	v = rep_opt(&r, 66, &len);
	assert_memory_equal(v, "192.168.122.1", len);
	/* Not asked: no 66/67 options, the fields still carry it. */
	pkt_make(&p, udhcpc_discover_opts, sizeof(udhcpc_discover_opts));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_null(rep_opt(&r, 67, &len));
	assert_string_equal((const char *)r.b + 108, "pxelinux.0");
	fx_free(f);
}

static const struct dhcp_boot_rule boot_rules[] = {
	{ .by_arch = false, .user_class = "iPXE", .file = "http://192.168.122.1/boot.ipxe" },
	{ .by_arch = true, .arch = 7, .file = "ipxe.efi" },
	{ .by_arch = true, .arch = 9, .file = "ipxe.efi" },
};

static void tweak_boot_rules(struct fixture *f)
{
	f->cfg.boot_file = "undionly.kpxe";
	f->cfg.boot_rules = boot_rules;
	f->cfg.n_boot_rules = 3;
	/* no boot server: siaddr stays 0 and there is no option 66 */
}

/* DISCOVER asking for 66/67, with the options given appended. */
static const char *boot_file_of(struct fixture *f, const uint8_t *extra, size_t n,
				struct reply *r)
{
	uint8_t opts[64] = { 53, 1, 1, 55, 2, 66, 67 };
	struct pkt p;

	memcpy(opts + 7, extra, n);
	opts[7 + n] = 255;
	pkt_make(&p, opts, 8 + n);
	assert_int_equal(handle(f->srv, &p, NOW0, r), DHCP_REPLY);
	return (const char *)r->b + 108;
}

static void test_boot_file_by_arch_and_user_class(void **state)
{
	struct fixture *f = fx_new(tweak_boot_rules);
	static const uint8_t bios[] = { 93, 2, 0, 0 }, efi64[] = { 93, 2, 0, 7 };
	static const uint8_t ipxe_bare[] = { 77, 4, 'i', 'P', 'X', 'E', 93, 2, 0, 7 };
	static const uint8_t ipxe_3004[] = { 77, 5, 4, 'i', 'P', 'X', 'E' };
	static const uint8_t other_class[] = { 77, 5, 4, 'i', 'P', 'X', 'F' };
	struct reply r;
	const uint8_t *v;
	uint8_t len;

	(void)state;
	assert_string_equal(boot_file_of(f, bios, sizeof(bios), &r), "undionly.kpxe");
	assert_int_equal(rep_u32(&r, 20), 0);                           /* siaddr */
	assert_null(rep_opt(&r, 66, &len));
	assert_string_equal(boot_file_of(f, efi64, sizeof(efi64), &r), "ipxe.efi");
	v = rep_opt(&r, 67, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "ipxe.efi", 8);
	/* iPXE on UEFI says both: the user class rule comes first */
	assert_string_equal(boot_file_of(f, ipxe_bare, sizeof(ipxe_bare), &r),
			    "http://192.168.122.1/boot.ipxe");
	assert_string_equal(boot_file_of(f, ipxe_3004, sizeof(ipxe_3004), &r),
			    "http://192.168.122.1/boot.ipxe");
	assert_string_equal(boot_file_of(f, other_class, sizeof(other_class), &r),
			    "undionly.kpxe");
	fx_free(f);
}

static void test_bad_config(void **state)
{
	struct dhcp_config cfg;
	struct dhcp_range range;
	struct events ev;
	struct dhcp_server *srv = NULL;
	struct wire_error err = { 0 };
	struct dhcp_raw_option o = { 53, "5" };

	base_config(&cfg, &range, &ev);
	inet_pton(AF_INET, "192.168.123.2", &range.start);
	assert_int_equal(dhcp_server_new(&cfg, &srv, &err), -EINVAL);
	assert_non_null(strstr(err.message, "range 1"));
	base_config(&cfg, &range, &ev);
	cfg.options = &o;
	cfg.n_options = 1;
	assert_int_equal(dhcp_server_new(&cfg, &srv, &err), -EINVAL);
	assert_null(srv);
}

static void test_probe_hook(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	struct in_addr first;

	dhcp_server_free(f->srv);
	f->cfg.probe = true;
	assert_int_equal(dhcp_server_new(&f->cfg, &f->srv, NULL), 0);
	udhcpc_discover(&p, 0x56);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_PROBE);
	assert_int_equal(r.tx.kind, DHCP_DEST_PROBE);
	first = r.tx.addr;
	dhcp_server_probe_result(f->srv, first, true, NOW0);
	assert_int_equal(f->ev.count[DHCP_EV_CONFLICT], 1);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_PROBE);
	assert_int_not_equal(r.tx.addr.s_addr, first.s_addr);
	dhcp_server_probe_result(f->srv, r.tx.addr, false, NOW0);
	first = r.tx.addr;
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPOFFER);
	assert_int_equal(htonl(rep_u32(&r, 16)), first.s_addr);
	fx_free(f);
}

static void tweak_probe5(struct fixture *f)
{
	f->cfg.probe = true;
	inet_pton(AF_INET, "192.168.122.10", &f->range.start);
	inet_pton(AF_INET, "192.168.122.14", &f->range.end);
}

/*
 * A burst of new clients while probing: each is probed on an address of its
 * own (no two wait on one address, so all probes run at once); a client
 * asking again meanwhile gets its own address probed, not another; a probe
 * that finds nobody leaves the address to its client; a claim whose client
 * went away ends after DHCP_CLAIM_HOLD seconds.
 */
static void test_probe_burst_gets_distinct_addresses(void **state)
{
	struct fixture *f = fx_new(tweak_probe5);
	struct in_addr got[6];
	struct pkt p;
	struct reply r;
	int i, j;

	for (i = 1; i <= 5; i++) {
		udhcpc_discover(&p, (uint8_t)i);
		assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_PROBE);
		assert_int_equal(r.tx.kind, DHCP_DEST_PROBE);
		got[i] = r.tx.addr;
		for (j = 1; j < i; j++)
			assert_int_not_equal(got[j].s_addr, got[i].s_addr);
	}
	/* the whole pool is being probed: a sixth client gets nothing yet */
	udhcpc_discover(&p, 6);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	/* client 1 retransmits: the same address, still probing */
	udhcpc_discover(&p, 1);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_PROBE);
	assert_int_equal(r.tx.addr.s_addr, got[1].s_addr);
	/* client 2's address is in use: quarantined, nothing left for it */
	dhcp_server_probe_result(f->srv, got[2], true, NOW0);
	assert_int_equal(f->ev.count[DHCP_EV_CONFLICT], 1);
	udhcpc_discover(&p, 2);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	/* nobody answered for client 1: it is offered its address */
	dhcp_server_probe_result(f->srv, got[1], false, NOW0);
	udhcpc_discover(&p, 1);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPOFFER);
	assert_int_equal(htonl(rep_u32(&r, 16)), got[1].s_addr);
	/* clients 3-5 never came back: their claims end, the sixth gets one */
	udhcpc_discover(&p, 6);
	assert_int_equal(handle(f->srv, &p, NOW0 + DHCP_CLAIM_HOLD, &r), DHCP_PROBE);
	assert_true(r.tx.addr.s_addr == got[3].s_addr || r.tx.addr.s_addr == got[4].s_addr ||
		    r.tx.addr.s_addr == got[5].s_addr);
	fx_free(f);
}

/* Claims are a bounded table: once every slot is taken, first offers go out unprobed. */
static void test_probe_claims_bounded(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	int i;

	dhcp_server_free(f->srv);
	f->cfg.probe = true;
	f->cfg.new_client_rate = DHCP_RATE_UNLIMITED;
	assert_int_equal(dhcp_server_new(&f->cfg, &f->srv, NULL), 0);
	for (i = 0; i < DHCP_PROBES_MAX; i++) {
		udhcpc_discover(&p, (uint8_t)(i + 1));
		assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_PROBE);
	}
	udhcpc_discover(&p, (uint8_t)(DHCP_PROBES_MAX + 1));
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPOFFER);
	fx_free(f);
}

/* ---- malformed input ---- */

static void test_malformed(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;

	/* Truncated inside the fixed part, and right before the cookie. */
	pkt_make(&p, udhcpc_discover_opts, sizeof(udhcpc_discover_opts));
	p.len = 100;
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EBADMSG);
	p.len = 239;
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EBADMSG);
	/* An option whose length runs past the end. */
	pkt_make(&p, (const uint8_t[]){ 53, 1, 1, 12, 200, 'a', 'b' }, 7);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EBADMSG);
	/* A length octet missing at the very end. */
	pkt_make(&p, (const uint8_t[]){ 53, 1, 1, 12 }, 4);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EBADMSG);
	/* Wrong op, hlen > 16; no cookie or no message type: BOOTP, and this
	 * client has no <host>, so nothing. */
	pkt_make(&p, udhcpc_discover_opts, sizeof(udhcpc_discover_opts));
	p.b[0] = 2;
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EPROTO);
	pkt_make(&p, udhcpc_discover_opts, sizeof(udhcpc_discover_opts));
	p.b[239] = 98;
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	pkt_make(&p, udhcpc_discover_opts, sizeof(udhcpc_discover_opts));
	p.b[2] = 17;
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EBADMSG);
	pkt_make(&p, (const uint8_t[]){ 12, 1, 'x', 255 }, 4);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	pkt_make(&p, (const uint8_t[]){ 53, 1, 9, 255 }, 4);   /* no such type */
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EPROTO);
	/* Wrong lengths are skipped: 53 of length 2 is no type at all ... */
	pkt_make(&p, (const uint8_t[]){ 53, 2, 1, 1, 255 }, 5);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	/* ... and a bad 50/54/57/61 does not stop the DISCOVER being served. */
	pkt_make(&p, (const uint8_t[]){ 53, 1, 1, 50, 3, 1, 2, 3, 54, 5, 1, 2, 3, 4, 5,
					57, 1, 9, 61, 1, 7, 255 }, 22);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_null(rep_opt(&r, 61, &(uint8_t){ 0 }));
	fx_free(f);
}

static void test_overload(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;

	/* Message type only in 'file' (overload 1), which itself says overload 3
	 * and holds another 52: read once each, no loop. */
	pkt_make(&p, (const uint8_t[]){ 52, 1, 1, 255 }, 4);
	memcpy(p.b + 108, (const uint8_t[]){ 52, 1, 3, 53, 1, 1, 255 }, 7);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPOFFER);
	/* Overload 2: sname read, file not. */
	pkt_make(&p, (const uint8_t[]){ 52, 1, 2, 255 }, 4);
	memcpy(p.b + 108, (const uint8_t[]){ 53, 1, 1, 255 }, 4);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	memcpy(p.b + 44, (const uint8_t[]){ 53, 1, 1, 255 }, 4);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	/* A 'file' area whose last option overruns it: rejected. */
	pkt_make(&p, (const uint8_t[]){ 52, 1, 1, 53, 1, 1, 255 }, 7);
	p.b[108 + 126] = 12;
	p.b[108 + 127] = 10;
	assert_int_equal(handle(f->srv, &p, NOW0, &r), -EBADMSG);
	fx_free(f);
}

static void test_huge_and_padded(void **state)
{
	struct fixture *f = fx_new(NULL);
	static uint8_t big[65536];
	struct dhcp_rx rx = { .data = big, .len = sizeof(big) };
	struct reply r;

	memcpy(big, bootrequest_hdr, 240);
	memset(big + 240, 0, sizeof(big) - 240);        /* 64 KB of Pad */
	big[sizeof(big) - 4] = 53, big[sizeof(big) - 3] = 1, big[sizeof(big) - 2] = 1;
	big[sizeof(big) - 1] = 255;
	assert_int_equal(dhcp_server_handle(f->srv, &rx, NOW0, r.b, sizeof(r.b), &r.tx),
			 DHCP_REPLY);
	/* A tiny output buffer: nothing written past it, nothing sent. */
	rx.len = sizeof(big);
	assert_int_equal(dhcp_server_handle(f->srv, &rx, NOW0, r.b, 100, &r.tx), DHCP_IGNORE);
	fx_free(f);
}

/* ---- durability: the journal and the lease file reproduce the store ---- */

static int collect(void *ud, const struct lease_info *l)
{
	return lease_file_append(ud, l);
}

static void sorted_lines(const struct dhcp_server *srv, char *out, size_t size)
{
	struct lease_buf b = { 0 };
	char *lines[512], *save, *s;
	size_t n = 0, i, k = 0;

	dhcp_server_foreach_lease(srv, collect, &b);
	lease_buf_append(&b, "", 1);
	for (s = strtok_r((char *)b.data, "\n", &save); s && n < 512; s = strtok_r(NULL, "\n", &save))
		lines[n++] = s;
	for (i = 1; i < n; i++)
		for (size_t j = i; j > 0 && strcmp(lines[j - 1], lines[j]) > 0; j--) {
			char *t = lines[j];
			lines[j] = lines[j - 1];
			lines[j - 1] = t;
		}
	out[0] = 0;
	for (i = 0; i < n; i++)
		k += (size_t)snprintf(out + k, size - k, "%s\n", lines[i]);
	lease_buf_free(&b);
}

static void test_journal_replay_reproduces_store(void **state)
{
	struct fixture *a = fx_new(NULL), *b = fx_new(NULL), *c = fx_new(NULL);
	struct lease_buf journal = { 0 }, file = { 0 };
	const uint8_t *j;
	size_t jlen, good;
	char la[16384], lb[16384], lc[16384];
	uint8_t i;
	uint8_t rel[] = { 61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x05 };
	struct pkt p;
	struct reply r;
	uint32_t addr;
	struct in_addr ia;
	char s[16];

	for (i = 1; i <= 20; i++) {
		udhcpc_discover(&p, i);
		handle(a->srv, &p, NOW0 + i, &r);
		addr = rep_u32(&r, 16);
		udhcpc_select(&p, i, addr, ip4("192.168.122.1"));
		assert_int_equal(handle_pending(a->srv, &p, NOW0 + i, &r), DHCP_REPLY);
		dhcp_server_journal_pending(a->srv, &j, &jlen);
		lease_buf_append(&journal, j, jlen);
		dhcp_server_commit(a->srv);
		if (i == 5) {
			ia.s_addr = htonl(addr);
			inet_ntop(AF_INET, &ia, s, sizeof(s));
		}
	}
	pkt_msg(&p, DHCPRELEASE, rel, sizeof(rel));
	pkt_mac_last(&p, 5);
	pkt_u32(&p, OFF_CIADDR, s);
	handle_pending(a->srv, &p, NOW0 + 30, &r);
	dhcp_server_journal_pending(a->srv, &j, &jlen);
	assert_true(jlen > 0);
	lease_buf_append(&journal, j, jlen);
	assert_int_equal(dhcp_server_lease_count(a->srv), 19);

	assert_int_equal(dhcp_server_load(b->srv, NULL, 0, journal.data, journal.len, NOW0 + 40,
					  NULL, NULL, &good), 0);
	assert_int_equal(good, journal.len);
	sorted_lines(a->srv, la, sizeof(la));
	sorted_lines(b->srv, lb, sizeof(lb));
	assert_string_equal(la, lb);
	assert_int_equal(dhcp_server_lease_count(b->srv), 19);
	/* Compaction: the lease file written from memory loads the same. */
	{
		struct lease_buf status = { 0 };
		struct lease_sink to_file = { lease_buf_sink, &file };
		struct lease_sink to_status = { lease_buf_sink, &status };

		assert_int_equal(dhcp_server_write_files(b->srv, &to_file, &to_status), 0);
		lease_buf_free(&status);
	}
	assert_int_equal(dhcp_server_load(c->srv, (const char *)file.data, file.len, NULL, 0,
					  NOW0 + 40, NULL, NULL, NULL), 0);
	sorted_lines(c->srv, lc, sizeof(lc));
	assert_string_equal(la, lc);
	/* The restored clients renew their own addresses. */
	assert_int_equal(dora(c, 7, NOW0 + 50), dora(a, 7, NOW0 + 50));
	lease_buf_free(&journal);
	lease_buf_free(&file);
	fx_free(a);
	fx_free(b);
	fx_free(c);
}

static void test_status_and_event_format(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct lease_buf b = { 0 };
	char line[200];
	uint32_t addr = dora(f, 0x56, NOW0);
	char expect[512];
	struct in_addr ia = { htonl(addr) };
	char a[16];

	struct lease_buf lines = { 0 };
	struct lease_sink to_lines = { lease_buf_sink, &lines }, to_status = { lease_buf_sink, &b };

	inet_ntop(AF_INET, &ia, a, sizeof(a));
	assert_int_equal(dhcp_server_write_files(f->srv, &to_lines, &to_status), 0);
	lease_buf_free(&lines);
	lease_buf_append(&b, "", 1);
	snprintf(expect, sizeof(expect),
		 "[\n  {\n    \"ip-address\": \"%s\",\n    \"mac-address\": \"52:54:00:12:34:56\",\n"
		 "    \"hostname\": \"guest1\",\n    \"client-id\": \"01:52:54:00:12:34:56\",\n"
		 "    \"expiry-time\": %d\n  }\n]\n", a, NOW0 + 3600);
	assert_string_equal((const char *)b.data, expect);
	lease_buf_free(&b);
	f->ev.last.chaddr = (const uint8_t *)"\x52\x54\x00\x12\x34\x56";
	f->ev.last.hostname = "guest1";
	dhcp_event_format(&f->ev.last, "virbr0", line, sizeof(line));
	snprintf(expect, sizeof(expect), "DHCPACK(virbr0) %s 52:54:00:12:34:56 guest1", a);
	assert_string_equal(line, expect);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dora_udhcpc),
		cmocka_unit_test(test_dora_dhclient_no_client_id),
		cmocka_unit_test(test_renew_and_rebind),
		cmocka_unit_test(test_selecting_wrong_address_nak),
		cmocka_unit_test(test_selecting_other_server_frees_offer),
		cmocka_unit_test(test_init_reboot),
		cmocka_unit_test(test_relay_agent_echo),
		cmocka_unit_test(test_client_id_over_chaddr),
		cmocka_unit_test(test_static_host),
		cmocka_unit_test(test_static_host_update),
		cmocka_unit_test(test_bootp_only_clients),
		cmocka_unit_test(test_same_address_after_expiry_and_release),
		cmocka_unit_test(test_pool_exhaustion),
		cmocka_unit_test(test_decline_quarantine),
		cmocka_unit_test(test_max_message_size),
		cmocka_unit_test(test_inform),
		cmocka_unit_test(test_pxe_routes_options),
		cmocka_unit_test(test_boot_file_by_arch_and_user_class),
		cmocka_unit_test(test_bad_config),
		cmocka_unit_test(test_probe_hook),
		cmocka_unit_test(test_probe_burst_gets_distinct_addresses),
		cmocka_unit_test(test_probe_claims_bounded),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_overload),
		cmocka_unit_test(test_huge_and_padded),
		cmocka_unit_test(test_journal_replay_reproduces_store),
		cmocka_unit_test(test_status_and_event_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
