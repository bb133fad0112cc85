/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCPv6 core's exchanges (RFC 8415 §18.3) with the messages real
 * clients send: SOLICIT/ADVERTISE/REQUEST/REPLY, Rapid Commit, RENEW,
 * REBIND, RELEASE, DECLINE, CONFIRM, INFORMATION-REQUEST, server-id rules,
 * static hosts, IA_TA / IA_PD, relays, expiry and sticky addresses.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/test_dhcp6_fixture.h"

static void test_full_exchange_dhclient(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char adv[INET6_ADDRSTRLEN], got[INET6_ADDRSTRLEN];
	uint32_t pref = 0, valid = 0;
	uint16_t len = 0;
	size_t o;
	const uint8_t *j;
	size_t jlen;

	p6_client(&p, 1, duid_llt, sizeof(duid_llt), 0x00123456, NULL, false, "guest6");
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 2);                    /* ADVERTISE */
	assert_memory_equal(r.b + 1, "\x00\xa1\xb2", 3);        /* the transaction id */
	o = r6_opt(&r, 2, &len);
	assert_int_equal(len, sizeof(server_duid));
	assert_memory_equal(r.b + o, server_duid, len);
	o = r6_opt(&r, 1, &len);
	assert_int_equal(len, sizeof(duid_llt));
	assert_memory_equal(r.b + o, duid_llt, len);
	r6_addr(&r, adv, &pref, &valid);
	assert_int_equal(pref, 3600);
	assert_int_equal(valid, 3600);
	o = r6_opt(&r, 3, &len);
	assert_int_equal(r6_u32(r.b + o), 0x00123456);
	assert_int_equal(r6_u32(r.b + o + 4), 1800);    /* T1: 0.5 */
	assert_int_equal(r6_u32(r.b + o + 8), 2880);    /* T2: 0.8 */
	o = r6_opt(&r, 23, &len);
	assert_int_equal(len, 16);
	assert_memory_equal(r.b + o, &f->dns, 16);
	o = r6_opt(&r, 24, &len);
	assert_int_equal(len, 14);
	assert_memory_equal(r.b + o, "\x07" "example\x04" "test\x00", 14);
	assert_int_equal(r.tx.port, 546);
	assert_int_equal(r.tx.ifindex, 7);
	assert_int_equal(f->ev.count[DHCP6_EV_ADVERTISE], 1);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);

	p6_client(&p, 3, duid_llt, sizeof(duid_llt), 0x00123456, adv, true, "guest6");
	assert_int_equal(h6_pending(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	assert_string_equal(r6_addr(&r, got, NULL, NULL), adv);
	dhcp6_server_journal_pending(f->srv, &j, &jlen);
	assert_true(jlen > 12);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 0);       /* not before it is durable */
	dhcp6_server_commit(f->srv);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 1);
	assert_string_equal(f->ev.name, "guest6");
	assert_string_equal(f->ev.name_addr, adv);
	/* RFC 4704: S set, the name with the network's domain */
	o = r6_opt(&r, 39, &len);
	assert_int_equal(len, 1 + 7 + 13 + 1);
	assert_memory_equal(r.b + o, "\x01\x06guest6\x07" "example\x04test\x00", len);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	fx6_free(f);
}

static void no_rapid(struct fixture6 *f)
{
	f->cfg.no_rapid_commit = true;
}

static void test_rapid_commit(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	uint16_t len = 0;
	char a[INET6_ADDRSTRLEN];

	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
	p6_opt(&p, 14, NULL, 0);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);                    /* REPLY, not ADVERTISE */
	assert_true(r6_opt(&r, 14, &len) != 0);
	assert_int_equal(len, 0);
	assert_true(r6_addr(&r, a, NULL, NULL)[0]);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 1);
	fx6_free(f);

	f = fx6_new(no_rapid);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 2);
	assert_int_equal(r6_opt(&r, 14, &len), 0);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
	fx6_free(f);
}

static void test_renew_keeps_address(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint32_t valid = 0;

	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 9, NULL, a);
	p6_client(&p, 5, duid_llt, sizeof(duid_llt), 9, a, true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 1800, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	assert_string_equal(r6_addr(&r, b, NULL, &valid), a);
	assert_int_equal(valid, 3600);
	assert_int_equal(r6_ia_status(&r), -1);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 2);
	assert_true(f->ev.last.renewed);
	assert_int_equal(f->ev.last.expires, NOW0 + 1800 + 3600);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);

	/* a REQUEST for an address of another link: NotOnLink in its IA */
	p6_client(&p, 3, duid_ll, sizeof(duid_ll), 4, "2001:db8:77::5", true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r6_ia_status(&r), ST_NOT_ON_LINK);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	/* a RENEW for an IA with no binding and no usable address: NoBinding */
	p6_client(&p, 5, duid_llt, sizeof(duid_llt), 10, NULL, true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 1800, &r), DHCP6_REPLY);
	assert_int_equal(r6_ia_status(&r), ST_NO_BINDING);
	fx6_free(f);
}

static void test_renew_address_now_static(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct dhcp6_static_host h = { .duid = duid_uuid, .duid_len = sizeof(duid_uuid),
				       .has_ip = true };
	struct wire_error err = { 0 };
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint32_t valid = 1;

	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 9, NULL, a);
	h.ip = a6(a);
	assert_int_equal(dhcp6_server_set_hosts(f->srv, &h, 1, &err), 0);
	p6_client(&p, 5, duid_llt, sizeof(duid_llt), 9, a, true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 1800, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, b, NULL, &valid), a);
	assert_int_equal(valid, 0);             /* the address is the host's now */
	assert_int_equal(r6_ia_status(&r), -1);
	h.ip = a6("2001:db8:1::5");
	assert_int_equal(dhcp6_server_set_hosts(f->srv, &h, 1, &err), -EINVAL);
	assert_string_equal(err.message, "host 1: its address is not inside the prefix");
	fx6_free(f);
}

static void test_rebind(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	uint32_t valid = 1;

	h6_lease(f->srv, duid_ll, sizeof(duid_ll), 3, NULL, a);
	p6_client(&p, 6, duid_ll, sizeof(duid_ll), 3, a, false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 3000, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, b, NULL, NULL), a);
	assert_int_equal(f->ev.count[DHCP6_EV_REBIND], 1);
	/* an address from another link, no binding: given back with lifetimes 0 */
	p6_client(&p, 6, duid_uuid, sizeof(duid_uuid), 3, "2001:db8:ffff::5", false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, b, NULL, &valid), "2001:db8:ffff::5");
	assert_int_equal(valid, 0);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	fx6_free(f);
}

static void test_release_frees(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	const uint8_t *j;
	size_t jlen;

	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, "rel", a);
	p6_client(&p, 8, duid_llt, sizeof(duid_llt), 1, a, true, NULL);
	assert_int_equal(h6_pending(f->srv, &p, NOW0 + 5, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	assert_int_equal(r6_status(&r), ST_SUCCESS);
	assert_int_equal(r6_opt(&r, 3, &(uint16_t){ 0 }), 0);  /* no IA: it was released */
	dhcp6_server_journal_pending(f->srv, &j, &jlen);
	assert_true(jlen > 12);
	assert_int_equal(j[12], LEASE_JOURNAL_FREE6);
	dhcp6_server_commit(f->srv);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
	assert_int_equal(f->ev.count[DHCP6_EV_RELEASE], 1);
	assert_string_equal(f->ev.name, "");            /* the name is withdrawn */
	/* a second RELEASE: NoBinding in its IA */
	assert_int_equal(h6(f->srv, &p, NOW0 + 6, &r), DHCP6_REPLY);
	assert_int_equal(r6_ia_status(&r), ST_NO_BINDING);
	/* the guest comes back to the same address */
	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, NULL, b);
	assert_string_equal(a, b);
	fx6_free(f);
}

static void one_address(struct fixture6 *f)
{
	f->range.start = a6("2001:db8:ca2:2::100");
	f->range.end = a6("2001:db8:ca2:2::100");
}

static void test_decline_quarantines(void **state)
{
	struct fixture6 *f = fx6_new(one_address);
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, NULL, a);
	assert_string_equal(a, "2001:db8:ca2:2::100");
	p6_client(&p, 9, duid_llt, sizeof(duid_llt), 1, a, true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r6_status(&r), ST_SUCCESS);
	assert_int_equal(f->ev.count[DHCP6_EV_DECLINE], 1);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
	/* nobody gets it while it rests, the decliner neither */
	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 2, NULL, false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 10, &r), DHCP6_REPLY);
	assert_int_equal(r6_ia_status(&r), ST_NO_ADDRS_AVAIL);
	p6_client(&p, 1, duid_llt, sizeof(duid_llt), 1, NULL, false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 10, &r), DHCP6_REPLY);
	assert_int_equal(r6_ia_status(&r), ST_NO_ADDRS_AVAIL);
	/* after the quarantine it is free again */
	dhcp6_server_tick(f->srv, NOW0 + 601);
	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 2, NULL, false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 601, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, b, NULL, NULL), a);
	fx6_free(f);
}

static void test_confirm(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;

	p6_client(&p, 4, duid_llt, sizeof(duid_llt), 1, "2001:db8:ca2:2::1234", false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	assert_int_equal(r6_status(&r), ST_SUCCESS);
	p6_client(&p, 4, duid_llt, sizeof(duid_llt), 1, "2001:db8:1::1234", false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r6_status(&r), ST_NOT_ON_LINK);
	assert_string_equal(f->ev.last_reason, "not on-link");
	p6_client(&p, 4, duid_llt, sizeof(duid_llt), 1, NULL, false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);    /* nothing to confirm */
	fx6_free(f);
}

static void test_server_id_rules(void **state)
{
	static const uint8_t other[10] = { 0, 3, 0, 1, 1, 2, 3, 4, 5, 6 };
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN];

	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, NULL, a);
	/* REQUEST, RENEW, RELEASE, DECLINE for another server: ignored, nothing changes */
	for (uint8_t type = 3; type <= 9; type++) {
		if (type == 4 || type == 6 || type == 7)
			continue;
		p6_begin(&p, type, 7);
		p6_opt(&p, 1, duid_llt, sizeof(duid_llt));
		p6_opt(&p, 2, other, sizeof(other));
		p6_ia_na(&p, 1, 0, 0, a);
		assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);
		/* and without any server id */
		p6_client(&p, type, duid_llt, sizeof(duid_llt), 1, a, false, NULL);
		assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);
	}
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	assert_int_equal(f->ev.count[DHCP6_EV_IGNORED], 8);
	assert_string_equal(f->ev.last_reason, "no server id");
	/* SOLICIT, REBIND, CONFIRM must not carry one */
	p6_client(&p, 1, duid_llt, sizeof(duid_llt), 2, NULL, true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);
	p6_client(&p, 6, duid_llt, sizeof(duid_llt), 1, a, true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);
	assert_string_equal(f->ev.last_reason, "a server id where none belongs");
	/* no client id: refused */
	p6_begin(&p, 1, 7);
	p6_ia_na(&p, 1, 0, 0, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), -EBADMSG);
	fx6_free(f);
}

static void hosts(struct fixture6 *f)
{
	one_address(f);
	f->hosts[0].duid = duid_uuid;
	f->hosts[0].duid_len = sizeof(duid_uuid);
	f->hosts[0].name = "db";
	f->hosts[0].has_ip = true;
	f->hosts[0].ip = a6("2001:db8:ca2:2::100");    /* the only range address */
	f->hosts[1].name = "web";
	f->hosts[1].has_ip = true;
	f->hosts[1].ip = a6("2001:db8:ca2:2::50");     /* outside the range */
	f->hosts[1].lease_time = DHCP6_LEASE_INFINITE;
	f->cfg.hosts = f->hosts;
	f->cfg.n_hosts = 2;
}

static void test_static_hosts(void **state)
{
	struct fixture6 *f = fx6_new(hosts);
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN];
	uint32_t valid = 0;
	uint16_t len = 0;
	size_t o;

	/* another client never gets the host's address, not even when it asks */
	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 1, "2001:db8:ca2:2::100", false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r6_ia_status(&r), ST_NO_ADDRS_AVAIL);
	assert_int_equal(f->ev.count[DHCP6_EV_NO_ADDRS], 1);
	/* the host by DUID gets it, with its name */
	h6_lease(f->srv, duid_uuid, sizeof(duid_uuid), 77, NULL, a);
	assert_string_equal(a, "2001:db8:ca2:2::100");
	assert_string_equal(f->ev.name, "db");
	/* the host by name (no DUID) gets its address, for ever */
	p6_client(&p, 1, duid_llt, sizeof(duid_llt), 5, NULL, false, "web");
	p6_opt(&p, 14, NULL, 0);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, a, NULL, &valid), "2001:db8:ca2:2::50");
	assert_int_equal(valid, DHCP6_LEASE_INFINITE);
	o = r6_opt(&r, 3, &len);
	assert_int_equal(r6_u32(r.b + o + 4), DHCP6_LEASE_INFINITE);
	assert_int_equal(f->ev.last.expires, LEASE_EXPIRES_NEVER);
	assert_string_equal(f->ev.name, "web");
	fx6_free(f);
}

static void test_information_request(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	uint16_t len = 0;
	static const uint8_t oro[] = { 0, 23, 0, 24, 0, 32 };

	p6_begin(&p, 11, 0x42);
	p6_opt(&p, 1, duid_ll, sizeof(duid_ll));
	p6_elapsed(&p);
	p6_opt(&p, 6, oro, sizeof(oro));
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 7);
	assert_true(r6_opt(&r, 23, &len) && len == 16);
	assert_true(r6_opt(&r, 24, &len) && len == 14);
	assert_int_equal(r6_u32(r.b + r6_opt(&r, 32, &len)), 3600);
	assert_int_equal(r6_opt(&r, 3, &len), 0);
	assert_int_equal(f->ev.count[DHCP6_EV_INFORM], 1);
	/* no ORO: nothing asked, nothing sent beyond the identifiers */
	p6_begin(&p, 11, 0x42);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.tx.len, 4 + 4 + sizeof(server_duid));
	/* an IA has no place in it */
	p6_begin(&p, 11, 0x42);
	p6_opt(&p, 1, duid_ll, sizeof(duid_ll));
	p6_ia_na(&p, 1, 0, 0, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);
	fx6_free(f);
}

/* A reload's new domain is option 24 of later replies; a bad one keeps the old. */
static void test_set_domain(void **state)
{
	static const uint8_t oro[] = { 0, 24 };
	static const uint8_t want[] = "\3lab\4test";
	struct fixture6 *f = fx6_new(NULL);
	struct wire_error err;
	struct pkt6 p;
	struct reply6 r;
	uint16_t len = 0;
	size_t o;

	assert_int_equal(dhcp6_server_set_domain(f->srv, "lab.test", &err), 0);
	assert_int_equal(dhcp6_server_set_domain(f->srv, "bad..name", &err), -EINVAL);
	assert_string_equal(err.message, "domain 'bad..name' is not a domain name");
	p6_begin(&p, 11, 0x43);
	p6_opt(&p, 1, duid_ll, sizeof(duid_ll));
	p6_opt(&p, 6, oro, sizeof(oro));
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	o = r6_opt(&r, 24, &len);
	assert_true(o != 0);
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(r.b + o, want, sizeof(want));
	/* none at all: no option 24 */
	assert_int_equal(dhcp6_server_set_domain(f->srv, NULL, &err), 0);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r6_opt(&r, 24, &len), 0);
	fx6_free(f);
}

static void test_unicast_use_multicast(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	struct dhcp6_rx rx = { .src_port = 546, .unicast = true };

	p6_client(&p, 3, duid_llt, sizeof(duid_llt), 1, "2001:db8:ca2:2::120", true, NULL);
	rx.data = p.b;
	rx.len = p.len;
	r.rc = dhcp6_server_handle(f->srv, &rx, NOW0, r.b, sizeof(r.b), &r.tx);
	assert_int_equal(r.rc, DHCP6_REPLY);
	assert_int_equal(r6_status(&r), ST_USE_MULTICAST);
	assert_int_equal(r6_opt(&r, 3, &(uint16_t){ 0 }), 0);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
	p6_client(&p, 1, duid_llt, sizeof(duid_llt), 1, NULL, false, NULL);
	rx.data = p.b;
	rx.len = p.len;
	assert_int_equal(dhcp6_server_handle(f->srv, &rx, NOW0, r.b, sizeof(r.b), &r.tx),
			 DHCP6_IGNORE);
	fx6_free(f);
}

static void test_ta_and_pd_answered(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	uint16_t len = 0, sl = 0;
	size_t o;
	uint8_t ta[4] = { 0, 0, 0, 8 }, pd[12] = { 0, 0, 0, 9 };

	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
	p6_opt(&p, 4, ta, sizeof(ta));
	p6_opt(&p, 25, pd, sizeof(pd));
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	o = r6_opt(&r, 4, &len);
	assert_true(o);
	assert_int_equal(r6_u32(r.b + o), 8);
	o = r6_find(r.b, o + 4, o + len, 13, &sl);
	assert_int_equal(r.b[o + 1], ST_NO_ADDRS_AVAIL);
	o = r6_opt(&r, 25, &len);
	assert_int_equal(r6_u32(r.b + o), 9);
	o = r6_find(r.b, o + 12, o + len, 13, &sl);
	assert_int_equal(r.b[o + 1], ST_NO_PREFIX_AVAIL);
	assert_int_equal(r6_ia_status(&r), -1);        /* the IA_NA itself is served */
	fx6_free(f);
}

static void test_relay_forward(void **state)
{
	static const uint8_t iface[] = { 'e', 't', 'h', '1' };
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 in, p;
	struct reply6 r;
	struct in6_addr link = a6("2001:db8:ca2:2::fe"), peer = a6("fe80::1");
	uint16_t len = 0;
	size_t o;

	p6_client(&in, 1, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
	p.b[0] = 12;
	p.b[1] = 0;
	memcpy(p.b + 2, &link, 16);
	memcpy(p.b + 18, &peer, 16);
	p.len = 34;
	p6_opt(&p, 18, iface, sizeof(iface));
	p6_opt(&p, 9, in.b, in.len);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_true(r.tx.relayed);
	assert_int_equal(r.tx.port, 547);
	assert_int_equal(r.b[0], 13);
	assert_memory_equal(r.b + 2, &link, 16);
	assert_memory_equal(r.b + 18, &peer, 16);
	o = r6_find(r.b, 34, r.tx.len, 18, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(r.b + o, "eth1", 4);
	o = r6_find(r.b, 34, r.tx.len, 9, &len);
	assert_int_equal(r.b[o], 2);                    /* the ADVERTISE inside */
	assert_int_equal(o + len, r.tx.len);
	/* through a second relay (its link unspecified): two Relay-replies around it */
	memcpy(in.b, p.b, p.len);
	in.len = p.len;
	p.len = 34;
	memset(p.b + 1, 0, 33);
	p.b[1] = 1;
	p6_opt(&p, 9, in.b, in.len);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r.b[0], 13);
	assert_int_equal(r.b[1], 1);
	o = r6_find(r.b, 34, r.tx.len, 9, &len);
	assert_int_equal(r.b[o], 13);
	assert_memory_equal(r.b + o + 2, &link, 16);
	o = r6_find(r.b, o + 34, o + len, 9, &len);
	assert_int_equal(r.b[o], 2);
	/* a chain longer than HOP_COUNT_LIMIT is refused */
	for (int k = 0; k < 8; k++) {
		memcpy(in.b, p.b, p.len);
		in.len = p.len;
		p.len = 34;
		p6_opt(&p, 9, in.b, in.len);
	}
	assert_int_equal(h6(f->srv, &p, NOW0, &r), -EPROTO);
	/* a relay on another link is not ours */
	p6_client(&in, 1, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
	link = a6("2001:db8:9::1");
	memcpy(p.b + 2, &link, 16);
	p.len = 34;
	p6_opt(&p, 9, in.b, in.len);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);
	fx6_free(f);
}

static void test_expiry(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	char a[INET6_ADDRSTRLEN];

	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, "exp", a);
	assert_int_equal(dhcp6_server_tick(f->srv, NOW0 + 10), NOW0 + 3600);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	assert_int_equal(dhcp6_server_tick(f->srv, NOW0 + 3600), LEASE_EXPIRES_NEVER);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
	assert_int_equal(f->ev.count[DHCP6_EV_EXPIRED], 1);
	assert_string_equal(f->ev.name, "");
	fx6_free(f);
}

static void other_seed(struct fixture6 *f)
{
	f->cfg.hash_seed = 0xdeadbeef;
}

static void test_sticky_across_restart(void **state)
{
	struct fixture6 *f = fx6_new(NULL), *g = fx6_new(other_seed);
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], c[INET6_ADDRSTRLEN];

	h6_lease(f->srv, duid_uuid, sizeof(duid_uuid), 42, NULL, a);
	h6_lease(g->srv, duid_uuid, sizeof(duid_uuid), 42, NULL, b);
	assert_string_equal(a, b);
	/* another IAID of the same client: another address */
	h6_lease(f->srv, duid_uuid, sizeof(duid_uuid), 43, NULL, c);
	assert_string_not_equal(a, c);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 2);
	fx6_free(f);
	fx6_free(g);
}

static void test_event_format(void **state)
{
	struct dhcp6_event ev = { .type = DHCP6_EV_REPLY, .duid = duid_ll,
				  .duid_len = sizeof(duid_ll), .hostname = "g" };
	char line[256];

	ev.addr = a6("2001:db8::5");
	dhcp6_event_format(&ev, "virbr0", line, sizeof(line));
	assert_string_equal(line, "DHCPREPLY(virbr0) 2001:db8::5 00:03:00:01:52:54:00:ab:cd:ef g");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_exchange_dhclient),
		cmocka_unit_test(test_rapid_commit),
		cmocka_unit_test(test_renew_keeps_address),
		cmocka_unit_test(test_renew_address_now_static),
		cmocka_unit_test(test_rebind),
		cmocka_unit_test(test_release_frees),
		cmocka_unit_test(test_decline_quarantines),
		cmocka_unit_test(test_confirm),
		cmocka_unit_test(test_server_id_rules),
		cmocka_unit_test(test_static_hosts),
		cmocka_unit_test(test_information_request),
		cmocka_unit_test(test_set_domain),
		cmocka_unit_test(test_unicast_use_multicast),
		cmocka_unit_test(test_ta_and_pd_answered),
		cmocka_unit_test(test_relay_forward),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_sticky_across_restart),
		cmocka_unit_test(test_event_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
