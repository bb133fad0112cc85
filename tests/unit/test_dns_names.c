/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for lease names in the DNS table: one dynamic name per
 * address (a rename replaces it), the bound on dynamic names, static names
 * win, static hosts replaced on reload, PTR follows the name.
 */
#include "tests/unit/dns_fixture.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

struct nx {
	struct dns_server *srv;
	struct fx_rng rng;
	struct dns_net net;
	struct dns_host hosts[2];
	struct dns_txt txt;
	struct dns_config c;
	uint8_t out[DNS_MSG_MAX];
	struct dns_action act;
};

static void start(struct nx *x)
{
	dns_server_free(x->srv);
	x->srv = NULL;
	assert_int_equal(dns_server_new(&x->c, &x->srv, NULL), 0);
}

/* example.com, localOnly, localPtr; static db = .3, TXT info; no upstream. */
static int setup(void **state)
{
	struct nx *x = calloc(1, sizeof(*x));

	x->net.addr = fx_ip("192.168.122.1");
	x->net.prefix = 24;
	x->net.local_ptr = true;
	x->hosts[0].name = "db";
	x->hosts[0].ip = fx_ip("192.168.122.3");
	x->txt.name = "info";
	x->txt.value = "hello";
	x->c.domain = "example.com";
	x->c.local_only = true;
	x->c.nets = &x->net;
	x->c.n_nets = 1;
	x->c.hosts = x->hosts;
	x->c.n_hosts = 1;
	x->c.txts = &x->txt;
	x->c.n_txts = 1;
	x->c.expected_names = 16;
	x->rng.x = 99;
	x->c.random = fx_random;
	x->c.random_userdata = &x->rng;
	start(x);
	*state = x;
	return 0;
}

static int teardown(void **state)
{
	struct nx *x = *state;

	dns_server_free(x->srv);
	free(x);
	return 0;
}

static int set(struct nx *x, const char *addr, const char *name)
{
	struct dns_ip a = fx_ip(addr);

	return dns_lease_name_set(x->srv, &a, name, FX_NOW + 3600 * 1000);
}

static void ask(struct nx *x, const char *name, uint16_t type)
{
	struct dns_client c = fx_client("192.168.122.77", DNS_UDP);
	uint8_t q[300];
	size_t n = fx_query(q, 0x1234, name, type);

	assert_int_equal(dns_server_handle_query(x->srv, q, n, &c, FX_NOW, x->out, 4096, &x->act),
			 0);
}

/* `name` answers with exactly `addr` (one A record, the last 4 bytes). */
static void assert_a(struct nx *x, const char *name, const char *addr)
{
	struct dns_ip a = fx_ip(addr);

	ask(x, name, DNS_T_A);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_int_equal(x->out[7], 1);
	assert_memory_equal(x->out + x->act.len - 4, a.bytes, 4);
}

/* Not in the table: NXDOMAIN under the localOnly domain (a bare name would go upstream). */
static void assert_nx(struct nx *x, const char *name)
{
	char fq[300];

	snprintf(fq, sizeof(fq), "%s%s", name, strchr(name, '.') ? "" : ".example.com");
	ask(x, fq, DNS_T_A);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NXDOMAIN);
}

/* The PTR of `rev` holds exactly one name, whose first label is `label`. */
static void assert_ptr(struct nx *x, const char *rev, const char *label)
{
	uint8_t want[70];
	size_t n = strlen(label);

	ask(x, rev, DNS_T_PTR);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_int_equal(x->out[7], 1);
	want[0] = (uint8_t)n;
	memcpy(want + 1, label, n);
	assert_non_null(memmem(x->out + x->act.len - 30 - n, 30 + n, want, n + 1));
}

static void test_rename_keeps_one_record(void **state)
{
	struct nx *x = *state;
	size_t base = dns_table_count(x->srv);

	assert_int_equal(set(x, "192.168.122.20", "h1"), 0);
	assert_int_equal(set(x, "192.168.122.20", "h2"), 0);
	assert_int_equal(set(x, "192.168.122.20", "H3.example.com"), 0);
	assert_int_equal(dns_table_count(x->srv), base + 1);
	assert_nx(x, "h1");
	assert_nx(x, "h2.example.com");
	assert_a(x, "h3", "192.168.122.20");
	/* PTR follows the new name. */
	assert_ptr(x, "20.122.168.192.in-addr.arpa", "h3");
	/* The old names are free for another guest. */
	assert_int_equal(set(x, "192.168.122.21", "h1"), 0);
	assert_a(x, "h1", "192.168.122.21");
	/* A renewal under the same name: nothing new. */
	assert_int_equal(set(x, "192.168.122.20", "h3"), 0);
	assert_int_equal(dns_table_count(x->srv), base + 2);
	/* No name any more. */
	assert_int_equal(set(x, "192.168.122.20", NULL), 0);
	assert_int_equal(set(x, "192.168.122.21", ""), 0);
	assert_int_equal(dns_table_count(x->srv), base);
	assert_nx(x, "h3");
	ask(x, "20.122.168.192.in-addr.arpa", DNS_T_PTR);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NXDOMAIN);
	/* Renaming thousands of times stays one record. */
	for (int i = 0; i < 5000; i++) {
		char n[16];

		snprintf(n, sizeof(n), "g%d", i);
		assert_int_equal(set(x, "192.168.122.30", n), 0);
	}
	assert_int_equal(dns_table_count(x->srv), base + 1);
	assert_a(x, "g4999", "192.168.122.30");
}

static void test_bound(void **state)
{
	struct nx *x = *state;

	x->c.max_dynamic = 3;
	start(x);
	assert_int_equal(set(x, "192.168.122.20", "a"), 0);
	assert_int_equal(set(x, "192.168.122.21", "b"), 0);
	assert_int_equal(set(x, "192.168.122.22", "c"), 0);
	assert_int_equal(set(x, "192.168.122.23", "d"), -ENOSPC);
	assert_nx(x, "d");
	/* A rename of a named address needs no new place. */
	assert_int_equal(set(x, "192.168.122.22", "c2"), 0);
	assert_int_equal(set(x, "192.168.122.21", NULL), 0);
	assert_int_equal(set(x, "192.168.122.23", "d"), 0);
	assert_a(x, "d", "192.168.122.23");
	/* 0 = expected_names. */
	x->c.max_dynamic = 0;
	x->c.expected_names = 2;
	start(x);
	assert_int_equal(set(x, "192.168.122.20", "a"), 0);
	assert_int_equal(set(x, "192.168.122.21", "b"), 0);
	assert_int_equal(set(x, "192.168.122.22", "c"), -ENOSPC);
}

static void test_static_and_taken_names(void **state)
{
	struct nx *x = *state;
	size_t base = dns_table_count(x->srv);

	/* Another address's static name: refused, and the address loses its old name. */
	assert_int_equal(set(x, "192.168.122.20", "web"), 0);
	assert_int_equal(set(x, "192.168.122.20", "db"), -EEXIST);
	assert_nx(x, "web");
	assert_a(x, "db", "192.168.122.3");
	/* The static host itself asking for its own name: fine, nothing added. */
	assert_int_equal(set(x, "192.168.122.3", "db.example.com"), 0);
	assert_int_equal(dns_table_count(x->srv), base);
	/* Another lease's name: the first holder keeps it. */
	assert_int_equal(set(x, "192.168.122.21", "web"), 0);
	assert_int_equal(set(x, "192.168.122.22", "WEB"), -EEXIST);
	assert_a(x, "web", "192.168.122.21");
	/* A name the TXT record has is taken too. */
	assert_int_equal(set(x, "192.168.122.22", "info"), -EEXIST);
	/* Not host names: refused, the address left without a name. */
	assert_int_equal(set(x, "192.168.122.23", "ok"), 0);
	assert_int_equal(set(x, "192.168.122.23", "bad name"), -EINVAL);
	assert_nx(x, "ok");
	assert_int_equal(set(x, "192.168.122.23", "-x"), -EINVAL);
	assert_int_equal(set(x, "192.168.122.23", "x-"), -EINVAL);
	assert_int_equal(set(x, "192.168.122.23", "a..b"), -EINVAL);
	assert_int_equal(set(x, "192.168.122.23", "."), -EINVAL);
	assert_int_equal(set(x, "192.168.122.23", "a/b"), -EINVAL);
	assert_int_equal(set(x, "192.168.122.23",
			     "a123456789012345678901234567890123456789012345678901234567890123"),
			 -EINVAL);
	assert_int_equal(set(x, "192.168.122.23", "my-host_1.example.com."), 0);
	assert_a(x, "my-host_1", "192.168.122.23");
	assert_int_equal(dns_lease_name_set(x->srv, NULL, "x", 0), -EINVAL);
	assert_int_equal(dns_lease_name_set(x->srv, &(struct dns_ip){ 0 }, "x", 0), -EINVAL);
}

static void test_set_hosts(void **state)
{
	struct nx *x = *state;
	struct dns_host hosts[2] = {
		{ "web", { AF_INET, { 192, 168, 122, 30 } } },
		{ "db2", { AF_INET, { 192, 168, 122, 3 } } },
	};
	struct dns_host bad[1] = { { "bad name", { AF_INET, { 1, 2, 3, 4 } } } };
	struct wire_error err;

	assert_int_equal(set(x, "192.168.122.20", "web"), 0);
	assert_int_equal(set(x, "192.168.122.21", "other"), 0);
	/* A bad list changes nothing. */
	assert_int_equal(dns_server_set_hosts(x->srv, bad, 1, &err), -EINVAL);
	assert_a(x, "db", "192.168.122.3");
	assert_a(x, "web", "192.168.122.20");
	/* The new static hosts replace the old; a lease name now static elsewhere goes. */
	assert_int_equal(dns_server_set_hosts(x->srv, hosts, 2, &err), 0);
	assert_nx(x, "db");
	assert_a(x, "db2", "192.168.122.3");
	assert_a(x, "web", "192.168.122.30");
	assert_a(x, "other", "192.168.122.21");
	assert_ptr(x, "30.122.168.192.in-addr.arpa", "web");
	ask(x, "20.122.168.192.in-addr.arpa", DNS_T_PTR);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NXDOMAIN);
	/* TXT records stay. */
	ask(x, "info", DNS_T_TXT);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_int_equal(x->out[7], 1);
	/* The address whose name went can take another; the static names stay refused. */
	assert_int_equal(set(x, "192.168.122.20", "web"), -EEXIST);
	assert_int_equal(set(x, "192.168.122.20", "web20"), 0);
	/* No hosts at all. */
	assert_int_equal(dns_server_set_hosts(x->srv, NULL, 0, &err), 0);
	assert_nx(x, "db2");
	assert_a(x, "web20", "192.168.122.20");
	assert_int_equal(set(x, "192.168.122.40", "web"), 0);
}

static void test_ipv6_names(void **state)
{
	struct nx *x = *state;
	struct dns_ip a6 = fx_ip("fd00::20"), a4 = fx_ip("192.168.122.20");
	struct dns_ip b6 = fx_ip("fd00::21"), b4 = fx_ip("192.168.122.21");

	/*
	 * v4 and v6 addresses are different keys; a name is one address's per
	 * family (a dual-stack guest has it on both leases, as with dnsmasq).
	 */
	assert_int_equal(dns_lease_name_set(x->srv, &a6, "six", DNS_EXPIRES_NEVER), 0);
	assert_int_equal(dns_lease_name_set(x->srv, &a4, "six", DNS_EXPIRES_NEVER), 0);
	assert_int_equal(dns_lease_name_set(x->srv, &b6, "six", DNS_EXPIRES_NEVER), -EEXIST);
	assert_int_equal(dns_lease_name_set(x->srv, &b4, "six", DNS_EXPIRES_NEVER), -EEXIST);
	assert_int_equal(dns_lease_name_set(x->srv, &a6, "six2", DNS_EXPIRES_NEVER), 0);
	assert_int_equal(dns_lease_name_set(x->srv, &b6, "six", DNS_EXPIRES_NEVER), 0);
	ask(x, "six2", DNS_T_AAAA);
	assert_int_equal(fx_rcode(&x->act, x->out), DNS_R_NOERROR);
	assert_memory_equal(x->out + x->act.len - 16, a6.bytes, 16);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_rename_keeps_one_record),
		T(test_bound),
		T(test_static_and_taken_names),
		T(test_set_hosts),
		T(test_ipv6_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
