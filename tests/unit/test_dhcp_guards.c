/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for what the DHCP core refuses a hostile or unlucky guest, and
 * for grants that wait on the journal: host names (one per lease, reserved
 * ones, taken ones, the Client FQDN option), names told to DNS only once
 * durable and withdrawn when a lease ends, rollback of a batch whose sync
 * failed, INIT-REBOOT from strangers, the new-client rate limit and relays
 * from foreign subnets.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "tests/unit/dhcp_fixture.h"

/* udhcpc REQUEST (SELECTING) for ...:last that asks for host name `name`. */
static void select_named(struct pkt *p, uint8_t last, uint32_t addr, const char *name)
{
	uint8_t o[300];
	size_t k = 0, n = strlen(name);

	o[k++] = 61, o[k++] = 7, o[k++] = 1;
	memcpy(o + k, "\x52\x54\x00\x12\x34", 5), k += 5;
	o[k++] = last;
	o[k++] = 50, o[k++] = 4;
	o[k++] = (uint8_t)(addr >> 24), o[k++] = (uint8_t)(addr >> 16);
	o[k++] = (uint8_t)(addr >> 8), o[k++] = (uint8_t)addr;
	o[k++] = 54, o[k++] = 4, o[k++] = 192, o[k++] = 168, o[k++] = 122, o[k++] = 1;
	o[k++] = 12, o[k++] = (uint8_t)n;
	memcpy(o + k, name, n), k += n;
	pkt_msg(p, DHCPREQUEST, o, k);
	pkt_mac_last(p, last);
}

/* A DORA whose REQUEST asks for `name`; returns the ACKed address. */
static uint32_t dora_named(struct fixture *f, uint8_t last, int64_t now, const char *name)
{
	struct pkt p;
	struct reply r;
	uint32_t addr;

	udhcpc_discover(&p, last);
	assert_int_equal(handle(f->srv, &p, now, &r), DHCP_REPLY);
	addr = rep_u32(&r, 16);
	select_named(&p, last, addr, name);
	assert_int_equal(handle(f->srv, &p, now, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	return addr;
}

static const char *told(const struct fixture *f, uint32_t addr)
{
	return f->ev.name_of[addr & 0xff];
}

static void test_renaming_keeps_one_name(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint32_t addr = dora_named(f, 0x56, NOW0, "h1");

	assert_string_equal(told(f, addr), "h1");
	/* renewals with h2, h3: the lease carries the newest, DNS hears each */
	assert_int_equal(dora_named(f, 0x56, NOW0 + 1, "h2"), addr);
	assert_string_equal(told(f, addr), "h2");
	assert_int_equal(dora_named(f, 0x56, NOW0 + 2, "h3"), addr);
	assert_string_equal(told(f, addr), "h3");
	assert_int_equal(dhcp_store_by_name(&f->srv->store, "h1"), HTAB_NONE);
	assert_int_equal(dhcp_store_by_name(&f->srv->store, "h2"), HTAB_NONE);
	assert_int_not_equal(dhcp_store_by_name(&f->srv->store, "H3"), HTAB_NONE);
	/* the freed names are anyone's again */
	assert_string_equal(told(f, dora_named(f, 0x57, NOW0 + 3, "h1")), "h1");
	fx_free(f);
}

static void test_name_taken_or_reserved(void **state)
{
	static const char *const reserved[] = { "localhost", "wpad", "myhost" };
	struct fixture *f = fx_new(NULL);
	struct wire_error err;
	uint32_t a, b;

	assert_int_equal(dhcp_server_set_reserved_names(f->srv, reserved, 3, &err), 0);
	a = dora_named(f, 0x01, NOW0, "web");
	assert_string_equal(told(f, a), "web");
	/* the first holder keeps a name; the second gets the lease without it */
	b = dora_named(f, 0x02, NOW0, "WEB");
	assert_string_equal(told(f, b), "");
	assert_int_equal(f->ev.count[DHCP_EV_NAME_REFUSED], 1);
	assert_string_equal(f->ev.refused, "is taken by another lease");
	/* asking again and again: one event per client, not per packet */
	dora_named(f, 0x02, NOW0 + 1, "web");
	dora_named(f, 0x02, NOW0 + 2, "localhost");
	assert_int_equal(f->ev.count[DHCP_EV_NAME_REFUSED], 1);
	/* reserved names, whatever their case */
	b = dora_named(f, 0x03, NOW0, "LocalHost");
	assert_string_equal(told(f, b), "");
	dora_named(f, 0x04, NOW0, "wpad");
	dora_named(f, 0x05, NOW0, "myhost");
	assert_int_equal(f->ev.count[DHCP_EV_NAME_REFUSED], 4);
	assert_string_equal(f->ev.refused, "is reserved");
	fx_free(f);
}

static const uint8_t db_mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x60 };

static void tweak_named_hosts(struct fixture *f)
{
	static struct dhcp_static_host h[2];

	memset(h, 0, sizeof(h));
	h[0].has_mac = true;
	memcpy(h[0].mac, db_mac, 6);
	h[0].name = "db";
	h[0].has_ip = true;
	inet_pton(AF_INET, "192.168.122.3", &h[0].ip);
	/* a name, no address: still nobody else's */
	h[1].has_mac = true;
	memcpy(h[1].mac, "\x52\x54\x00\x12\x34\x61", 6);
	h[1].name = "backup";
	f->cfg.hosts = h;
	f->cfg.n_hosts = 2;
}

static void test_static_names_are_reserved(void **state)
{
	struct fixture *f = fx_new(tweak_named_hosts);
	uint32_t a;

	assert_string_equal(told(f, dora_named(f, 0x01, NOW0, "db")), "");
	assert_string_equal(told(f, dora_named(f, 0x02, NOW0, "backup")), "");
	assert_int_equal(f->ev.count[DHCP_EV_NAME_REFUSED], 2);
	assert_string_equal(f->ev.refused, "belongs to a static host");
	/* the hosts themselves get their names, renewal after renewal */
	a = dora_named(f, 0x60, NOW0, "whatever");
	assert_int_equal(a, ip4("192.168.122.3"));
	assert_string_equal(told(f, a), "db");
	assert_string_equal(told(f, dora_named(f, 0x60, NOW0 + 5, "db")), "db");
	assert_string_equal(told(f, dora_named(f, 0x61, NOW0, "x")), "backup");
	assert_int_equal(f->ev.count[DHCP_EV_NAME_REFUSED], 2);
	fx_free(f);
}

static void test_reload_drops_newly_reserved_name(void **state)
{
	static const char *const reserved[] = { "printer" };
	struct fixture *f = fx_new(NULL);
	struct wire_error err;
	uint32_t a = dora_named(f, 0x01, NOW0, "printer");

	assert_string_equal(told(f, a), "printer");
	assert_int_equal(dhcp_server_set_reserved_names(f->srv, reserved, 1, &err), 0);
	assert_string_equal(told(f, a), "");
	assert_int_equal(dhcp_store_by_name(&f->srv->store, "printer"), HTAB_NONE);
	fx_free(f);
}

/* Names are told only once durable, and withdrawn when the lease ends. */
static void test_names_follow_the_store(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint8_t rel[] = { 61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x01 };
	uint8_t dec[] = { 61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x02,
			  50, 4, 0, 0, 0, 0 };
	struct pkt p;
	struct reply r;
	uint32_t a, b;
	char s[16];

	udhcpc_discover(&p, 0x01);
	handle(f->srv, &p, NOW0, &r);
	a = rep_u32(&r, 16);
	select_named(&p, 0x01, a, "one");
	assert_int_equal(handle_pending(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(f->ev.names_told, 0);          /* not durable yet */
	dhcp_server_commit(f->srv);
	assert_string_equal(told(f, a), "one");
	/* release: gone at once */
	pkt_msg(&p, DHCPRELEASE, rel, sizeof(rel));
	pkt_mac_last(&p, 0x01);
	snprintf(s, sizeof(s), "192.168.122.%u", a & 0xff);
	pkt_u32(&p, OFF_CIADDR, s);
	handle(f->srv, &p, NOW0 + 1, &r);
	assert_string_equal(told(f, a), "");
	/* decline: gone too */
	b = dora_named(f, 0x02, NOW0, "two");
	assert_string_equal(told(f, b), "two");
	dec[11] = 192, dec[12] = 168, dec[13] = 122, dec[14] = (uint8_t)b;
	pkt_msg(&p, DHCPDECLINE, dec, sizeof(dec));
	pkt_mac_last(&p, 0x02);
	handle(f->srv, &p, NOW0 + 2, &r);
	assert_string_equal(told(f, b), "");
	/* expiry */
	a = dora_named(f, 0x01, NOW0 + 10, "one");
	assert_string_equal(told(f, a), "one");
	dhcp_server_tick(f->srv, NOW0 + 10 + 3600);
	assert_string_equal(told(f, a), "");
	fx_free(f);
}

/* A DISCOVER that moves a bound client elsewhere ends the old binding's name. */
static void test_superseded_binding_loses_name(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct dhcp_static_host h = { .has_mac = true, .has_ip = true };
	struct wire_error err;
	uint32_t a = dora_named(f, 0x60, NOW0, "mover");
	struct pkt p;
	struct reply r;

	memcpy(h.mac, db_mac, 6);
	inet_pton(AF_INET, "192.168.122.200", &h.ip);
	assert_int_equal(dhcp_server_set_hosts(f->srv, &h, 1, &err), 0);
	udhcpc_discover(&p, 0x60);
	assert_int_equal(handle(f->srv, &p, NOW0 + 5, &r), DHCP_REPLY);
	assert_int_equal(rep_u32(&r, 16), ip4("192.168.122.200"));
	assert_string_equal(told(f, a), "");
	fx_free(f);
}

static void test_rollback_undoes_grants(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint32_t a = dora_named(f, 0x56, NOW0, "keep"), b;
	const struct dhcp_lease *l = &f->srv->store.rec[dhcp_store_by_addr(&f->srv->store, a)];
	struct dhcp_stats st;
	struct pkt p;
	struct reply r;
	int acks = f->ev.count[DHCP_EV_ACK];

	/* a renewal with a new name and a brand-new client, in one failed batch */
	select_named(&p, 0x56, a, "newname");
	assert_int_equal(handle_pending(f->srv, &p, NOW0 + 100, &r), DHCP_REPLY);
	udhcpc_discover(&p, 0x57);
	handle_pending(f->srv, &p, NOW0 + 100, &r);
	b = rep_u32(&r, 16);
	select_named(&p, 0x57, b, "fresh");
	assert_int_equal(handle_pending(f->srv, &p, NOW0 + 100, &r), DHCP_REPLY);
	assert_int_equal(dhcp_server_lease_count(f->srv), 2);
	dhcp_server_rollback(f->srv);
	/* as before the batch: one lease, its old expiry and name, no events */
	assert_int_equal(dhcp_server_lease_count(f->srv), 1);
	assert_int_equal(l->expires, NOW0 + 3600);
	assert_string_equal(dhcp_lease_name(l), "keep");
	assert_int_equal(f->ev.count[DHCP_EV_ACK], acks);
	assert_string_equal(told(f, a), "keep");
	assert_string_equal(told(f, b), "");
	assert_int_equal(dhcp_store_by_name(&f->srv->store, "fresh"), HTAB_NONE);
	assert_int_not_equal(dhcp_store_by_name(&f->srv->store, "keep"), HTAB_NONE);
	dhcp_server_stats(f->srv, &st);
	assert_int_equal(st.rolled_back, 2);
	/* the clients retry and get the same answers */
	assert_int_equal(dora_named(f, 0x57, NOW0 + 101, "fresh"), b);
	assert_string_equal(told(f, b), "fresh");
	fx_free(f);
}

/* A new client's REQUEST handled (pending, not committed): its address. */
static uint32_t grant_pending(struct fixture *f, uint8_t last, const char *name)
{
	struct pkt p;
	struct reply r;
	uint32_t a;

	udhcpc_discover(&p, last);
	assert_int_equal(handle_pending(f->srv, &p, NOW0, &r), DHCP_REPLY);
	a = rep_u32(&r, 16);
	select_named(&p, last, a, name);
	assert_int_equal(handle_pending(f->srv, &p, NOW0, &r), DHCP_REPLY);
	return a;
}

/* A sync covers what was pending when it started: only that is committed; a
 * failure of the next one rolls back only what came after. */
static void test_commit_upto_a_sync_mark(void **state)
{
	struct fixture *f = fx_new(NULL);
	int acks = f->ev.count[DHCP_EV_ACK];
	size_t c_mark, j_mark, c, j, left;
	const uint8_t *data;
	uint32_t a, b;

	a = grant_pending(f, 0x61, "first");
	dhcp_server_pending(f->srv, &c_mark, &j_mark);
	assert_int_equal(c_mark, 1);
	assert_true(j_mark > 0);
	b = grant_pending(f, 0x62, "second");
	dhcp_server_pending(f->srv, &c, &j);
	assert_int_equal(c, 2);
	dhcp_server_commit_upto(f->srv, c_mark, j_mark);
	assert_int_equal(f->ev.count[DHCP_EV_ACK], acks + 1);
	assert_string_equal(told(f, a), "first");
	assert_string_equal(told(f, b), "");
	/* the second grant's record is what is left, at the front */
	dhcp_server_journal_pending(f->srv, &data, &left);
	assert_int_equal(left, j - j_mark);
	dhcp_server_pending(f->srv, &c, &j);
	assert_int_equal(c, 1);
	assert_int_equal(data[0], 'V');                 /* a whole frame: "VJL1" */
	dhcp_server_rollback(f->srv);
	assert_int_equal(dhcp_server_lease_count(f->srv), 1);
	assert_int_equal(dhcp_store_by_name(&f->srv->store, "second"), HTAB_NONE);
	assert_int_not_equal(dhcp_store_by_name(&f->srv->store, "first"), HTAB_NONE);
	assert_int_equal(f->ev.count[DHCP_EV_ACK], acks + 1);
	fx_free(f);
}

static void tweak_probe(struct fixture *f)
{
	f->cfg.probe = true;
}

/* INIT-REBOOT asking for address `a` (option 50, no server id, no ciaddr). */
static void init_reboot(struct pkt *p, uint8_t last, uint32_t a)
{
	uint8_t o[] = { 50, 4, (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8),
			(uint8_t)a };

	pkt_msg(p, DHCPREQUEST, o, sizeof(o));
	pkt_mac_last(p, last);
}

static void test_init_reboot_stranger_is_probed(void **state)
{
	struct fixture *f = fx_new(tweak_probe);
	uint32_t a = ip4("192.168.122.77");
	struct in_addr ia = { htonl(a) };
	struct pkt p;
	struct reply r;

	init_reboot(&p, 0x21, a);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_PROBE);
	assert_int_equal(ntohl(r.tx.addr.s_addr), a);
	/* somebody answers the probe: the stranger gets a NAK, not the address */
	dhcp_server_probe_result(f->srv, ia, true, NOW0);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPNAK);
	assert_int_equal(dhcp_server_lease_count(f->srv), 0);
	/* nobody answers: granted after the probe */
	a = ip4("192.168.122.78");
	ia.s_addr = htonl(a);
	init_reboot(&p, 0x22, a);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_PROBE);
	dhcp_server_probe_result(f->srv, ia, false, NOW0);
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
	fx_free(f);
}

static void tweak_slow_newcomers(struct fixture *f)
{
	f->cfg.new_client_rate = 1;
	f->cfg.new_client_burst = 3;
}

/* Forged INIT-REBOOTs cannot take the pool faster than the limit allows. */
static void test_new_clients_are_rate_limited(void **state)
{
	struct fixture *f = fx_new(tweak_slow_newcomers);
	struct dhcp_stats st;
	struct pkt p;
	struct reply r;
	uint32_t known = dora(f, 0xf0, NOW0);   /* token 1 (its offer) */
	uint8_t i;

	for (i = 1; i <= 20; i++) {
		init_reboot(&p, i, ip4("192.168.122.100") + i);
		handle(f->srv, &p, NOW0, &r);
	}
	/* two tokens were left: two strangers got in, eighteen heard nothing */
	assert_int_equal(dhcp_server_lease_count(f->srv), 3);
	dhcp_server_stats(f->srv, &st);
	assert_int_equal(st.throttled, 18);
	/* known clients never wait: a renewal, a DISCOVER of the bound client */
	assert_int_equal(dora(f, 0xf0, NOW0), known);
	/* a second later, one more token */
	init_reboot(&p, 30, ip4("192.168.122.130"));
	assert_int_equal(handle(f->srv, &p, NOW0 + 1, &r), DHCP_REPLY);
	init_reboot(&p, 31, ip4("192.168.122.131"));
	assert_int_equal(handle(f->srv, &p, NOW0 + 1, &r), DHCP_IGNORE);
	/* DISCOVERs from invented clients pay too */
	udhcpc_discover(&p, 0x99);
	assert_int_equal(handle(f->srv, &p, NOW0 + 1, &r), DHCP_IGNORE);
	fx_free(f);
}

static void test_default_limit_keeps_part_of_the_pool(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct pkt p;
	struct reply r;
	unsigned i, offers = 0;

	/* a DISCOVER flood at one instant: offers stop well before the pool ends */
	for (i = 0; i < 253; i++) {
		udhcpc_discover(&p, (uint8_t)i);
		p.b[OFF_CHADDR + 4] = (uint8_t)(i >> 8) + 1;
		p.b[240 + 3 + 2 + 5] = (uint8_t)(i >> 8) + 1;
		offers += handle(f->srv, &p, NOW0, &r) == DHCP_REPLY;
	}
	assert_true(offers < 253 / 2);
	assert_true(offers >= 16);
	fx_free(f);
}

static void test_foreign_relay_is_ignored(void **state)
{
	struct fixture *f = fx_new(NULL);
	uint8_t inform[] = { 61, 7, 0x01, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
	struct pkt p;
	struct reply r;

	udhcpc_discover(&p, 0x56);
	pkt_u32(&p, OFF_GIADDR, "10.9.9.1");
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	pkt_msg(&p, DHCPINFORM, inform, sizeof(inform));
	pkt_u32(&p, OFF_GIADDR, "10.9.9.1");
	pkt_u32(&p, OFF_CIADDR, "10.9.9.7");
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_IGNORE);
	/* the network's own relays are served */
	udhcpc_discover(&p, 0x56);
	pkt_u32(&p, OFF_GIADDR, "192.168.122.250");
	assert_int_equal(handle(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(r.tx.kind, DHCP_DEST_RELAY);
	fx_free(f);
}

/* REQUEST with a Client FQDN option (RFC 4702) of `flags` and wire/ASCII `name`. */
static void select_fqdn(struct pkt *p, uint32_t addr, uint8_t flags, const uint8_t *name,
			size_t n)
{
	uint8_t o[300];
	size_t k = 0;

	o[k++] = 61, o[k++] = 7, o[k++] = 1;
	memcpy(o + k, "\x52\x54\x00\x12\x34\x56", 6), k += 6;
	o[k++] = 50, o[k++] = 4;
	o[k++] = (uint8_t)(addr >> 24), o[k++] = (uint8_t)(addr >> 16);
	o[k++] = (uint8_t)(addr >> 8), o[k++] = (uint8_t)addr;
	o[k++] = 54, o[k++] = 4, o[k++] = 192, o[k++] = 168, o[k++] = 122, o[k++] = 1;
	o[k++] = 12, o[k++] = 5;
	memcpy(o + k, "plain", 5), k += 5;
	o[k++] = 81, o[k++] = (uint8_t)(3 + n), o[k++] = flags, o[k++] = 0, o[k++] = 0;
	memcpy(o + k, name, n), k += n;
	pkt_msg(p, DHCPREQUEST, o, k);
	pkt_mac_last(p, 0x56);
}

static void test_client_fqdn(void **state)
{
	struct fixture *f = fx_new(NULL);
	static const uint8_t wire[] = "\x05" "vm-01" "\x07" "example" "\x04" "test";
	struct pkt p;
	struct reply r;
	const uint8_t *v;
	uint8_t len;
	uint32_t a = dora(f, 0x56, NOW0);

	/* E bit, S bit: the FQDN's first label wins over option 12 */
	select_fqdn(&p, a, 0x05, wire, sizeof(wire));
	assert_int_equal(handle(f->srv, &p, NOW0 + 1, &r), DHCP_REPLY);
	assert_string_equal(told(f, a), "vm-01");
	v = rep_opt(&r, 81, &len);
	assert_non_null(v);
	assert_int_equal(v[0], 0x05);                   /* S, E echoed; no O */
	assert_int_equal(v[1], 255);
	assert_int_equal(v[2], 255);
	assert_int_equal(len, 3 + sizeof(wire));        /* the whole name, root included */
	assert_memory_equal(v + 3, wire, sizeof(wire));
	/* ASCII, S clear: the server overrides (O) and answers in ASCII */
	select_fqdn(&p, a, 0x00, (const uint8_t *)"vm-02.elsewhere", 15);
	assert_int_equal(handle(f->srv, &p, NOW0 + 2, &r), DHCP_REPLY);
	assert_string_equal(told(f, a), "vm-02");
	v = rep_opt(&r, 81, &len);
	assert_int_equal(v[0], 0x03);
	assert_int_equal(len, 3 + strlen("vm-02.example.test"));
	assert_memory_equal(v + 3, "vm-02.example.test", len - 3);
	/* N: no DNS at all, though the lease keeps the name */
	select_fqdn(&p, a, 0x08, (const uint8_t *)"vm-03", 5);
	assert_int_equal(handle(f->srv, &p, NOW0 + 3, &r), DHCP_REPLY);
	assert_string_equal(told(f, a), "");
	assert_int_equal(rep_opt(&r, 81, &len)[0], 0x08);
	fx_free(f);
}

/* A load tells DNS every bound lease once, and keeps names unique. */
static void test_load_tells_names(void **state)
{
	struct fixture *f = fx_new(NULL);
	const char *text =
		"1700009999 52:54:00:00:00:01 192.168.122.11 alpha *\n"
		"1700009999 52:54:00:00:00:02 192.168.122.12 ALPHA *\n"
		"1600000000 52:54:00:00:00:03 192.168.122.13 old *\n";

	assert_int_equal(dhcp_server_load(f->srv, text, strlen(text), NULL, 0, NOW0, NULL, NULL,
					  NULL), 0);
	assert_int_equal(f->ev.names_told, 2);
	assert_string_equal(f->ev.name_of[11], "alpha");
	assert_string_equal(f->ev.name_of[12], "");
	assert_int_equal(f->ev.name_expires[11], 1700009999);
	fx_free(f);
}

struct problems {
	int count;
	char last[256];
};

static void note_problem(void *userdata, const struct lease_error *e)
{
	struct problems *p = userdata;

	p->count++;
	snprintf(p->last, sizeof(p->last), "%s", e->message);
}

/* A bad line or a torn journal reaches the caller's callback with the caller's userdata. */
static void test_load_problems_reach_the_caller(void **state)
{
	struct fixture *f = fx_new(NULL);
	struct problems pr = { 0 };
	const char *text = "1700009999 52:54:00:00:00:01 192.168.122.11 alpha *\n"
			   "not a lease line\n";
	static const uint8_t torn[] = { 'V', 'J', 'L', '1', 0, 0, 0, 40, 1, 2, 3 };

	(void)state;
	assert_int_equal(dhcp_server_load(f->srv, text, strlen(text), NULL, 0, NOW0, note_problem,
					  &pr, NULL), 0);
	assert_int_equal(pr.count, 1);
	assert_non_null(strstr(pr.last, "line 2"));
	fx_free(f);
	f = fx_new(NULL);
	memset(&pr, 0, sizeof(pr));
	assert_int_equal(dhcp_server_load(f->srv, NULL, 0, torn, sizeof(torn), NOW0, note_problem,
					  &pr, NULL), 0);
	assert_int_equal(pr.count, 1);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_renaming_keeps_one_name),
		cmocka_unit_test(test_load_problems_reach_the_caller),
		cmocka_unit_test(test_name_taken_or_reserved),
		cmocka_unit_test(test_static_names_are_reserved),
		cmocka_unit_test(test_reload_drops_newly_reserved_name),
		cmocka_unit_test(test_names_follow_the_store),
		cmocka_unit_test(test_superseded_binding_loses_name),
		cmocka_unit_test(test_rollback_undoes_grants),
		cmocka_unit_test(test_commit_upto_a_sync_mark),
		cmocka_unit_test(test_init_reboot_stranger_is_probed),
		cmocka_unit_test(test_new_clients_are_rate_limited),
		cmocka_unit_test(test_default_limit_keeps_part_of_the_pool),
		cmocka_unit_test(test_foreign_relay_is_ignored),
		cmocka_unit_test(test_client_fqdn),
		cmocka_unit_test(test_load_tells_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
