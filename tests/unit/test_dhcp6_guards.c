/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The DHCPv6 core's guards and durability: malformed datagrams change
 * nothing, a failed journal rolls a batch back, and a restart rebuilds the
 * leases from dnsmasq's lease-file lines plus the journal (a torn record
 * included). Also the v6 file formats byte for byte, DUID text, config
 * refusals and names.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tests/unit/test_dhcp6_fixture.h"

static void expect_refused(struct fixture6 *f, const struct pkt6 *p, int want)
{
	struct reply6 r;
	const uint8_t *j;
	size_t jlen;

	assert_int_equal(h6_pending(f->srv, p, NOW0, &r), want);
	dhcp6_server_journal_pending(f->srv, &j, &jlen);
	assert_int_equal(jlen, 0);
	dhcp6_server_commit(f->srv);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
}

static void test_malformed(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	uint8_t big[200] = { 0, 2 };
	struct dhcp6_stats st;

	p6_begin(&p, 1, 1);
	p.len = 3;
	expect_refused(f, &p, -EBADMSG);                /* a header cut short */
	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
	p6_u16(&p, 16);
	p6_u16(&p, 10);                                 /* an option past the end */
	p6_u16(&p, 0);
	expect_refused(f, &p, -EBADMSG);
	p6_client(&p, 3, duid_ll, sizeof(duid_ll), 1, "2001:db8:ca2:2::120", true, NULL);
	p.b[p.len - 28 + 3] = 30;                       /* IAADDR longer than its IA */
	expect_refused(f, &p, -EBADMSG);
	p6_begin(&p, 1, 1);
	p6_opt(&p, 1, duid_ll, sizeof(duid_ll));
	p6_opt(&p, 3, "\0\0\0\1\0\0\0\0", 8);           /* an IA_NA without T1/T2 */
	expect_refused(f, &p, -EBADMSG);
	p6_begin(&p, 1, 1);
	p6_opt(&p, 1, NULL, 0);                         /* a zero-length DUID */
	p6_ia_na(&p, 1, 0, 0, NULL);
	expect_refused(f, &p, -EBADMSG);
	p6_begin(&p, 1, 1);
	p6_opt(&p, 1, big, sizeof(big));                /* a DUID over 130 bytes */
	expect_refused(f, &p, -EBADMSG);
	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
	p6_opt(&p, 6, "\0\x17\0", 3);                   /* an ORO of odd length */
	expect_refused(f, &p, -EBADMSG);
	p6_client(&p, 1, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
	p6_opt(&p, 8, "\0\0\0", 3);                     /* elapsed time of 3 bytes */
	expect_refused(f, &p, -EBADMSG);
	for (int type = 0; type < 256; type += 1) {
		if ((type >= 1 && type <= 6) || type == 8 || type == 9 || type == 11 || type == 12)
			continue;
		p6_client(&p, (uint8_t)type, duid_ll, sizeof(duid_ll), 1, NULL, false, NULL);
		expect_refused(f, &p, -EPROTO);         /* server messages, unknown types */
	}
	p6_begin(&p, 12, 0);
	p.len = 20;
	expect_refused(f, &p, -EBADMSG);                /* a relay header cut short */
	p.len = 34;
	memset(p.b + 1, 0, 33);
	p6_opt(&p, 18, "x", 1);
	expect_refused(f, &p, -EBADMSG);                /* a relay without its message */
	dhcp6_server_stats(f->srv, &st);
	assert_int_equal(st.malformed, 10);
	fx6_free(f);
}

static void test_many_ias(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	uint16_t len = 0;
	size_t o = 4, n = 0;

	p6_begin(&p, 1, 5);
	p6_opt(&p, 1, duid_ll, sizeof(duid_ll));
	p6_opt(&p, 14, NULL, 0);
	for (uint32_t i = 0; i < 20; i++)
		p6_ia_na(&p, i, 0, 0, NULL);
	p6_ia_na(&p, 0, 0, 0, NULL);                    /* a repeated IAID counts once */
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	while ((o = r6_find(r.b, o, r.tx.len, 3, &len)) != 0) {
		n++;
		o += len;
	}
	assert_int_equal(n, D6_IA_MAX);
	assert_int_equal(dhcp6_server_lease_count(f->srv), D6_IA_MAX);
	/* a reply that does not fit the caller's buffer is not sent */
	r.rc = dhcp6_server_handle(f->srv, &(struct dhcp6_rx){ .data = p.b, .len = p.len },
				   NOW0, r.b, 40, &r.tx);
	assert_int_equal(r.rc, DHCP6_IGNORE);
	dhcp6_server_commit(f->srv);
	fx6_free(f);
}

static void test_rollback(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct pkt6 p;
	struct reply6 r;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	struct dhcp6_stats st;
	int names;

	p6_client(&p, 1, duid_llt, sizeof(duid_llt), 1, NULL, false, "rb");
	p6_opt(&p, 14, NULL, 0);
	assert_int_equal(h6_pending(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	r6_addr(&r, a, NULL, NULL);
	names = f->ev.names_told;
	dhcp6_server_rollback(f->srv);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 0);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 0);
	assert_int_equal(f->ev.names_told, names);
	dhcp6_server_stats(f->srv, &st);
	assert_int_equal(st.rolled_back, 1);
	/* the client retries and gets the same address */
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, b, NULL, NULL), a);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 1);
	/* a renewal rolled back keeps the old expiry */
	p6_client(&p, 5, duid_llt, sizeof(duid_llt), 1, a, true, NULL);
	assert_int_equal(h6_pending(f->srv, &p, NOW0 + 100, &r), DHCP6_REPLY);
	dhcp6_server_rollback(f->srv);
	assert_int_equal(dhcp6_server_tick(f->srv, NOW0 + 1), NOW0 + 3600);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 1);
	assert_string_equal(f->ev.name, "rb");
	fx6_free(f);
}

/* A lease at a chosen address (Rapid Commit with the address as a hint). */
static void grant_at(struct fixture6 *f, const uint8_t *duid, size_t dl, uint32_t iaid,
		     const char *addr, const char *name, int64_t now)
{
	struct pkt6 p;
	struct reply6 r;
	char got[INET6_ADDRSTRLEN];

	p6_client(&p, 1, duid, dl, iaid, addr, false, name);
	p6_opt(&p, 14, NULL, 0);
	assert_int_equal(h6(f->srv, &p, now, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, got, NULL, NULL), addr);
}

static void test_lease_file_lines(void **state)
{
	struct fixture6 *f = fx6_new(NULL);
	struct lease_buf out = { 0 };
	struct lease_sink sink = { lease_buf_sink, &out };
	size_t wrote = 9;

	grant_at(f, duid_llt, sizeof(duid_llt), 305419896, "2001:db8:ca2:2::123", "guest6", NOW0);
	assert_int_equal(dhcp6_server_write_leases(f->srv, &sink), 0);
	assert_int_equal(lease_buf_append(&out, "", 1), 0);
	assert_string_equal((char *)out.data,
			    "duid 00:01:00:01:2c:9a:5c:00:52:54:00:00:00:01\n"
			    "1700003600 305419896 2001:db8:ca2:2::123 guest6 "
			    "00:01:00:01:2c:9b:10:20:52:54:00:12:34:56\n");
	out.len = 0;
	assert_int_equal(dhcp6_server_write_status(f->srv, &sink, false, &wrote), 0);
	assert_int_equal(wrote, 1);
	assert_int_equal(lease_buf_append(&out, "", 1), 0);
	assert_string_equal((char *)out.data,
			    ",\n  {\n"
			    "    \"iaid\": \"305419896\",\n"
			    "    \"ip-address\": \"2001:db8:ca2:2::123\",\n"
			    "    \"mac-address\": \"52:54:00:12:34:56\",\n"
			    "    \"hostname\": \"guest6\",\n"
			    "    \"client-id\": \"00:01:00:01:2c:9b:10:20:52:54:00:12:34:56\",\n"
			    "    \"server-duid\": \"00:01:00:01:2c:9a:5c:00:52:54:00:00:00:01\",\n"
			    "    \"expiry-time\": 1700003600\n  }");
	lease_buf_free(&out);
	fx6_free(f);
}

struct problems {
	int n;
	char last[256];
};

static void on_problem(void *ud, const struct lease_error *e)
{
	struct problems *p = ud;

	p->n++;
	snprintf(p->last, sizeof(p->last), "%s", e->message);
}

static int count_leases(void *ud, const struct lease6_info *l)
{
	(*(int *)ud)++;
	return 0;
}

static void test_reload_file_and_journal(void **state)
{
	struct fixture6 *f = fx6_new(NULL), *g = fx6_new(NULL);
	struct lease_buf text = { 0 }, jr = { 0 };
	struct lease_sink sink = { lease_buf_sink, &text };
	struct problems pr = { 0 };
	struct pkt6 p;
	struct reply6 r;
	const uint8_t *j;
	size_t jlen, good = 0, torn_at;
	char b[INET6_ADDRSTRLEN];
	int n = 0;
	uint8_t sduid[64];

	grant_at(f, duid_llt, sizeof(duid_llt), 1, "2001:db8:ca2:2::101", "one", NOW0);
	grant_at(f, duid_ll, sizeof(duid_ll), 2, "2001:db8:ca2:2::102", "two", NOW0);
	/* the v4 lines come first, as the daemon writes the file */
	lease_buf_append(&text, "1700003600 52:54:00:12:34:56 192.168.122.10 host4 *\n", 52);
	assert_int_equal(dhcp6_server_write_leases(f->srv, &sink), 0);
	/* after the file: a third lease, a renewal and a release, journaled */
	grant_at(f, duid_uuid, sizeof(duid_uuid), 3, "2001:db8:ca2:2::103", "three", NOW0 + 10);
	dhcp6_server_journal_pending(f->srv, &j, &jlen);
	assert_int_equal(jlen, 0);                      /* committed records are the caller's */
	p6_client(&p, 5, duid_llt, sizeof(duid_llt), 1, "2001:db8:ca2:2::101", true, NULL);
	h6_pending(f->srv, &p, NOW0 + 20, &r);
	p6_client(&p, 8, duid_ll, sizeof(duid_ll), 2, "2001:db8:ca2:2::102", true, NULL);
	h6_pending(f->srv, &p, NOW0 + 20, &r);
	dhcp6_server_journal_pending(f->srv, &j, &jlen);
	lease_buf_append(&jr, j, jlen);
	dhcp6_server_commit(f->srv);
	torn_at = jr.len;
	lease_buf_append(&jr, j, 10);                   /* a record torn by a crash */

	assert_int_equal(dhcp6_server_load(g->srv, (char *)text.data, text.len, jr.data, jr.len,
					   NOW0 + 30, on_problem, &pr, &good), 0);
	assert_int_equal(good, torn_at);
	assert_int_equal(pr.n, 1);
	assert_non_null(strstr(pr.last, "torn record"));
	assert_int_equal(dhcp6_server_lease_count(g->srv), 1);  /* "three" was not journaled here */
	dhcp6_server_foreach_lease(g->srv, count_leases, &n);
	assert_int_equal(n, 1);
	assert_int_equal(dhcp6_server_tick(g->srv, NOW0 + 30), NOW0 + 20 + 3600);
	assert_string_equal(g->ev.name, "one");
	/* the renewed client keeps its address after the restart */
	p6_client(&p, 5, duid_llt, sizeof(duid_llt), 1, "2001:db8:ca2:2::101", true, NULL);
	assert_int_equal(h6(g->srv, &p, NOW0 + 40, &r), DHCP6_REPLY);
	assert_string_equal(r6_addr(&r, b, NULL, NULL), "2001:db8:ca2:2::101");
	assert_int_equal(g->ev.last.renewed, true);
	assert_int_equal(lease_file6_server_duid((char *)text.data, text.len, sduid,
						 sizeof(sduid)), sizeof(server_duid));
	assert_memory_equal(sduid, server_duid, sizeof(server_duid));
	assert_int_equal(lease_file6_server_duid("1 2 3 4 5\n", 10, sduid, sizeof(sduid)), -ENOENT);
	/* what the v4 loader is given: the lines before "duid" */
	assert_int_equal(lease_file6_v4_len((char *)text.data, text.len), 52);
	assert_int_equal(lease_file6_v4_len("duidx 1\nduid\n", 13), 13);
	assert_int_equal(lease_file6_v4_len("duid 00:01\n", 11), 0);
	lease_buf_free(&text);
	lease_buf_free(&jr);
	fx6_free(f);
	fx6_free(g);
}

static void test_bad_lines(void **state)
{
	static const char text[] =
		"1 52:54:00:00:00:01 192.168.122.5 a *\n"
		"duid 00:01:00:01:2c:9a:5c:00:52:54:00:00:00:01\n"
		"1700003600 7 2001:db8:ca2:2::150 ok 00:03:00:01:52:54:00:ab:cd:ef\n"
		"1700003600 T7 2001:db8:ca2:2::151 ta 00:03:00:01:52:54:00:ab:cd:ef\n"
		"1700003600 x 2001:db8:ca2:2::152 bad 00:03:00:01:52:54:00:ab:cd:ef\n"
		"1700003600 8 192.168.1.1 bad 00:03:00:01:52:54:00:ab:cd:ef\n"
		"1700003600 9 2001:db8:ca2:2::153 bad *\n"
		"1700003600 10 2001:db8:99::1 away 00:03:00:01:52:54:00:ab:cd:01\n"
		"1700003600 11 2001:db8:ca2:2::154\n"
		"0 12 2001:db8:ca2:2::155 forever 00:03:00:01:52:54:00:ab:cd:02\n";
	struct fixture6 *f = fx6_new(NULL);
	struct problems pr = { 0 };

	assert_int_equal(dhcp6_server_load(f->srv, text, sizeof(text) - 1, NULL, 0, NOW0,
					   on_problem, &pr, NULL), 0);
	assert_int_equal(pr.n, 6);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 2);
	assert_int_equal(dhcp6_server_tick(f->srv, NOW0), 1700003600);
	fx6_free(f);
}

static void one_static_host(struct fixture6 *f)
{
	f->hosts[0].duid = duid_uuid;
	f->hosts[0].duid_len = sizeof(duid_uuid);
	f->hosts[0].name = "db";
	f->hosts[0].has_ip = true;
	f->hosts[0].ip = a6("2001:db8:ca2:2::50");
	f->cfg.hosts = f->hosts;
	f->cfg.n_hosts = 1;
}

/* A static host's lease keeps the host's name through a restart (its name is
 * reserved for everybody else, not for the host itself). */
static void test_static_name_survives_load(void **state)
{
	struct fixture6 *f = fx6_new(one_static_host);
	struct lease6_info l = { .addr = a6("2001:db8:ca2:2::50"), .expires = NOW0 + 3600,
				 .iaid = 1, .duid = duid_uuid, .duid_len = sizeof(duid_uuid),
				 .hostname = "db" };
	struct lease_buf text = { 0 }, out = { 0 };
	struct lease_sink sink = { lease_buf_sink, &out };
	struct problems pr = { 0 };
	char *line;

	assert_int_equal(lease_file6_duid_line(&text, server_duid, sizeof(server_duid)), 0);
	assert_int_equal(lease_file6_append(&text, &l), 0);
	assert_int_equal(dhcp6_server_load(f->srv, (char *)text.data, text.len, NULL, 0, NOW0,
					   on_problem, &pr, NULL), 0);
	assert_int_equal(pr.n, 0);
	assert_int_equal(dhcp6_server_write_leases(f->srv, &sink), 0);
	assert_int_equal(out.len, text.len);
	assert_memory_equal(out.data, text.data, text.len);
	line = strchr((char *)text.data, '\n') + 1;
	assert_memory_equal(line, "1700003600 1 2001:db8:ca2:2::50 db ", 35);
	lease_buf_free(&text);
	lease_buf_free(&out);
	fx6_free(f);
}

static void test_duid_text(void **state)
{
	uint8_t d[DHCP6_DUID_MAX], mac[6] = { 0x52, 0x54, 0, 1, 2, 3 };
	static const uint8_t want[18] = { 0x00, 0x04, 0x7e, 0x7d, 0xf0, 0x7d, 0xa8, 0xbc, 0xc5,
					  0xd2, 0x13, 0x32, 0x11, 0xed, 0x16, 0xea, 0x84, 0x63 };

	assert_int_equal(dhcp6_duid_parse("0:4:7e:7d:f0:7d:a8:bc:c5:d2:13:32:11:ed:16:ea:84:63",
					  d, sizeof(d)), 18);
	assert_memory_equal(d, want, 18);
	assert_int_equal(dhcp6_duid_parse("00:03:00:01:52:54:00:ab:cd:ef", d, sizeof(d)), 10);
	assert_int_equal(dhcp6_duid_parse("zz:01", d, sizeof(d)), -EINVAL);
	assert_int_equal(dhcp6_duid_parse("1", d, sizeof(d)), -EINVAL);
	assert_int_equal(dhcp6_duid_parse("01::02", d, sizeof(d)), -EINVAL);
	assert_int_equal(dhcp6_duid_parse("01:02:", d, sizeof(d)), -EINVAL);
	assert_int_equal(dhcp6_duid_parse("123:4", d, sizeof(d)), -EINVAL);
	assert_int_equal(dhcp6_duid_llt(mac, 946684800 + 0x01020304, d), 14);
	assert_memory_equal(d, "\x00\x01\x00\x01\x01\x02\x03\x04\x52\x54\x00\x01\x02\x03", 14);
	assert_int_equal(dhcp6_duid_ll(mac, d), 10);
	assert_memory_equal(d, "\x00\x03\x00\x01\x52\x54\x00\x01\x02\x03", 10);
}

static void bad_range(struct fixture6 *f)
{
	f->range.end = a6("2001:db8:ca3::5");
}

static void test_config_refused(void **state)
{
	struct fixture6 f;
	struct dhcp6_server *srv = NULL;
	struct wire_error err = { 0 };

	memset(&f, 0, sizeof(f));
	base_config6(&f);
	bad_range(&f);
	assert_int_equal(dhcp6_server_new(&f.cfg, &srv, &err), -EINVAL);
	assert_string_equal(err.message, "range 1 is not inside the prefix");
	base_config6(&f);
	f.cfg.server_duid_len = 0;
	assert_int_equal(dhcp6_server_new(&f.cfg, &srv, &err), -EINVAL);
	assert_string_equal(err.message, "the server DUID must be 2 to 130 bytes");
	base_config6(&f);
	f.hosts[0].duid = duid_ll;
	f.hosts[0].duid_len = sizeof(duid_ll);
	f.hosts[1] = f.hosts[0];
	f.cfg.hosts = f.hosts;
	f.cfg.n_hosts = 2;
	assert_int_equal(dhcp6_server_new(&f.cfg, &srv, &err), -EEXIST);
	assert_string_equal(err.message, "host 2: its DUID is another host's");
	assert_null(srv);
}

static void reserved(struct fixture6 *f)
{
	static const char *const names[] = { "localhost" };

	f->cfg.reserved_names = names;
	f->cfg.n_reserved = 1;
}

static void test_names_refused(void **state)
{
	struct fixture6 *f = fx6_new(reserved);
	char a[INET6_ADDRSTRLEN];

	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, "localhost", a);
	assert_int_equal(f->ev.count[DHCP6_EV_NAME_REFUSED], 1);
	assert_string_equal(f->ev.name, "");
	h6_lease(f->srv, duid_ll, sizeof(duid_ll), 1, "taken", a);
	assert_string_equal(f->ev.name, "taken");
	h6_lease(f->srv, duid_uuid, sizeof(duid_uuid), 1, "taken", a);
	assert_int_equal(f->ev.count[DHCP6_EV_NAME_REFUSED], 2);
	assert_string_equal(f->ev.name, "");           /* its lease has no name */
	/* the same client's second IA may carry its name */
	h6_lease(f->srv, duid_ll, sizeof(duid_ll), 2, "taken", a);
	assert_int_equal(f->ev.count[DHCP6_EV_NAME_REFUSED], 2);
	/* a reload frees "localhost" and reserves "spare" */
	assert_int_equal(dhcp6_server_set_reserved_names(f->srv, (const char *const[]){ "spare" },
							 1, NULL), 0);
	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, "localhost", a);
	assert_string_equal(f->ev.name, "localhost");
	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 7, "Spare", a);
	assert_int_equal(f->ev.count[DHCP6_EV_NAME_REFUSED], 3);
	/* a name reserved later is taken from the lease holding it, at once */
	f->ev.names_told = 0;
	assert_int_equal(dhcp6_server_set_reserved_names(f->srv, (const char *const[]){ "TAKEN" },
							 1, NULL), 0);
	assert_int_equal(f->ev.names_told, 2);          /* both IAs of that client carried it */
	assert_string_equal(f->ev.name, "");
	fx6_free(f);
}

static void slow(struct fixture6 *f)
{
	f->cfg.new_client_rate = 1;
	f->cfg.new_client_burst = 2;
}

static void test_rate_limit(void **state)
{
	struct fixture6 *f = fx6_new(slow);
	struct pkt6 p;
	struct reply6 r;
	struct dhcp6_stats st;
	char a[INET6_ADDRSTRLEN];

	/* two new clients get in; the REQUEST after our ADVERTISE costs nothing */
	h6_lease(f->srv, duid_llt, sizeof(duid_llt), 1, NULL, a);
	h6_lease(f->srv, duid_ll, sizeof(duid_ll), 1, NULL, a);
	p6_client(&p, 1, duid_uuid, sizeof(duid_uuid), 1, NULL, false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_IGNORE);
	dhcp6_server_stats(f->srv, &st);
	assert_int_equal(st.throttled, 1);
	assert_int_equal(dhcp6_server_lease_count(f->srv), 2);
	/* a renewal never waits */
	p6_client(&p, 5, duid_ll, sizeof(duid_ll), 1, a, true, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	assert_int_equal(r6_ia_status(&r), -1);
	/* a second later there is a token again */
	p6_client(&p, 1, duid_uuid, sizeof(duid_uuid), 1, NULL, false, NULL);
	assert_int_equal(h6(f->srv, &p, NOW0 + 1, &r), DHCP6_REPLY);
	fx6_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_many_ias),
		cmocka_unit_test(test_rollback),
		cmocka_unit_test(test_lease_file_lines),
		cmocka_unit_test(test_reload_file_and_journal),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_static_name_survives_load),
		cmocka_unit_test(test_duid_text),
		cmocka_unit_test(test_config_refused),
		cmocka_unit_test(test_names_refused),
		cmocka_unit_test(test_rate_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
