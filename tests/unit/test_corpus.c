/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libvirt's own network XML test files against netdef.
 *
 * Every file either defines cleanly (and survives parse -> format -> parse)
 * or is refused as unsupported/invalid with a message. The table below is the
 * expectation for each file, so a regression either way fails: a file we
 * should define that starts being refused, or a file we cannot honour that
 * starts being half-accepted. A file on disk with no row also fails, so new
 * corpus files get a decision.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netd/def/netdef.h"

#ifndef CORPUS_DIR
#define CORPUS_DIR "../shared/corpus/libvirt-network-xml"
#endif

enum expect {
	ACCEPT,
	UNSUPPORTED,
	INVALID,
};

struct corpus_file {
	const char *path;       /* relative to CORPUS_DIR */
	enum expect expect;
	unsigned line;          /* refusals: the offending element's line */
	const char *field;      /* refusals: the field named */

	/* filled in by the run */
	bool seen;
	int rc;
	struct netdef_error err;
};

#define OK(p) { p, ACCEPT, 0, NULL, false, 0, { { 0 }, 0, { 0 }, { 0 } } }
#define UNS(p, l, f) { p, UNSUPPORTED, l, f, false, 0, { { 0 }, 0, { 0 }, { 0 } } }
#define INV(p, l, f) { p, INVALID, l, f, false, 0, { { 0 }, 0, { 0 }, { 0 } } }

/*
 * Reasons, read from each file: the first problem in document order is the
 * one reported. IPv6 <ip>, <route>, <nat ipv6> and <network ipv6> are
 * accepted, round-trip and start.
 */
static struct corpus_file files[] = {
	UNS("in/8021Qbh-net.xml", 4, "<forward mode>"),                 /* private */
	OK("in/empty-allow-ipv6.xml"),
	UNS("in/host-bridge-net.xml", 4, "<forward mode>"),             /* bridge */
	UNS("in/hostdev.xml", 4, "<forward mode>"),
	UNS("in/isolated-ports.xml", 5, "<forward mode>"),              /* before <port> */
	UNS("in/metadata.xml", 4, "<forward mode>"),                    /* before <metadata> */
	OK("in/nat-network-dns-local-domain.xml"),
	UNS("in/nat-network-explicit-flood.xml", 4, "<bridge macTableManager>"),
	OK("in/nat-network-forward-nat-ipv6.xml"),
	OK("in/nat-network-forward-nat-no-address.xml"),
	OK("in/nat-network.xml"),                                       /* IPv4 only */
	OK("in/open-network-with-forward-dev.xml"),
	OK("in/open-network.xml"),
	UNS("in/openvswitch-net.xml", 4, "<forward mode>"),
	UNS("in/passthrough-address-crash.xml", 4, "<forward mode>"),
	UNS("in/vepa-net.xml", 4, "<forward mode>"),

	UNS("out/bandwidth-network.xml", 7, "<bandwidth>"),
	OK("out/nat-network-dns-forwarders.xml"),
	OK("out/nat-network-forward-nat-address.xml"),
	INV("out/nat-network-name-with-quotes.xml", 2, "<name>"),
	OK("out/set-mtu.xml"),

	OK("confdata/dhcp6-nat-network.xml"),
	OK("confdata/dhcp6-network.xml"),
	OK("confdata/dhcp6host-routed-network.xml"),
	UNS("confdata/dnsmasq-options.xml", 11, "<dnsmasq:options>"),
	OK("confdata/leasetime-hours.xml"),
	OK("confdata/leasetime-infinite.xml"),
	OK("confdata/leasetime-seconds.xml"),
	OK("confdata/nat-network-dns-forward-plain.xml"),
	OK("confdata/nat-network-dns-forwarder-no-resolv.xml"),
	OK("confdata/nat-network-dns-forwarders.xml"),
	OK("confdata/nat-network-dns-srv-record-minimal.xml"),
	OK("confdata/nat-network-dns-txt-record.xml"),
	OK("confdata/nat-network.xml"),
	OK("confdata/netboot-proxy-network.xml"),
	OK("confdata/ptr-domains-auto.xml"),
	OK("confdata/routed-network-no-dns.xml"),
};

#define N_FILES (sizeof(files) / sizeof(files[0]))

static const char *const subdirs[] = { "in", "out", "confdata" };

/* Files found on disk that have no row in files[]. */
static char *unknown[256];
static size_t n_unknown;

static const char *expect_name(enum expect e)
{
	return e == ACCEPT ? "accept" : e == UNSUPPORTED ? "unsupported" : "invalid";
}

static int expect_code(enum expect e)
{
	return e == ACCEPT ? 0 : e == UNSUPPORTED ? NETDEF_E_UNSUPPORTED : NETDEF_E_INVALID;
}

static const char *rc_name(int rc)
{
	if (rc >= 0)
		return "accept";
	if (rc == NETDEF_E_UNSUPPORTED)
		return "unsupported";
	if (rc == NETDEF_E_INVALID)
		return "invalid";
	if (rc == NETDEF_E_SYNTAX)
		return "syntax error";
	return "errno";
}

static in_addr_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

/* A few facts per accepted file, so "accepted" also means "understood". */
static void spot_check(const char *path, const struct netdef *def)
{
	if (strcmp(path, "in/open-network-with-forward-dev.xml") == 0) {
		assert_int_equal(def->forward.mode, NETDEF_FWD_OPEN);
		assert_string_equal(def->forward.dev, "eth0");
		assert_true(def->has_mac);
	} else if (strcmp(path, "in/nat-network-dns-local-domain.xml") == 0) {
		assert_string_equal(def->domain, "example.com");
		assert_int_equal(def->domain_local_only, NETDEF_YES);
	} else if (strcmp(path, "in/nat-network.xml") == 0) {
		assert_int_equal(def->ips[0].n_hosts, 2);
		assert_string_equal(def->ips[0].hosts[1].name, "b.example.com");
	} else if (strcmp(path, "out/set-mtu.xml") == 0) {
		assert_true(def->has_mtu);
		assert_int_equal(def->mtu, 9000);
		assert_int_equal(def->forward.mode, NETDEF_FWD_NONE);
	} else if (strcmp(path, "out/nat-network-dns-forwarders.xml") == 0 ||
		   strcmp(path, "confdata/nat-network-dns-forwarders.xml") == 0) {
		assert_int_equal(def->dns.n_forwarders, 4);
		assert_false(def->dns.forwarders[3].has_addr);
		assert_string_equal(def->dns.forwarders[3].domain, "www.example.com");
	} else if (strcmp(path, "confdata/leasetime-hours.xml") == 0) {
		assert_int_equal(netdef_lease_seconds(&def->ips[0].ranges[0].lease, 0), 3600);
		assert_int_equal(netdef_lease_seconds(&def->ips[0].hosts[1].lease, 0), 3 * 3600);
	} else if (strcmp(path, "confdata/leasetime-infinite.xml") == 0) {
		assert_true(def->ips[0].ranges[0].lease.given);
		assert_int_equal(def->ips[0].ranges[0].lease.expiry, 0);
	} else if (strcmp(path, "confdata/leasetime-seconds.xml") == 0) {
		assert_int_equal(netdef_lease_seconds(&def->ips[0].hosts[0].lease, 0), 300);
	} else if (strcmp(path, "confdata/nat-network-dns-forward-plain.xml") == 0) {
		assert_int_equal(def->dns.forward_plain_names, NETDEF_YES);
	} else if (strcmp(path, "confdata/routed-network-no-dns.xml") == 0) {
		assert_int_equal(def->forward.mode, NETDEF_FWD_ROUTE);
		assert_int_equal(def->dns.enable, NETDEF_NO);
	} else if (strcmp(path, "confdata/netboot-proxy-network.xml") == 0) {
		assert_int_equal(def->forward.mode, NETDEF_FWD_NAT);
		assert_false(def->forward.mode_given);
		assert_false(netdef_stp_enabled(def));
		assert_int_equal(def->delay, 1);
		assert_string_equal(def->ips[0].bootp_file, "pxeboot.img");
		assert_string_equal(def->ips[0].bootp_server, "10.20.30.40");
		assert_int_equal(def->ips[0].options[0].number, 252);
		assert_int_equal(def->ips[0].ranges[0].end.s_addr, ip4("192.168.122.254"));
	}
}

static void round_trip(const char *path, const struct netdef *a)
{
	struct netdef_error err;
	struct netdef *b = NULL;
	char *fa, *fb;
	int rc;

	fa = netdef_format(a);
	assert_non_null(fa);
	rc = netdef_parse(fa, strlen(fa), "formatted", &b, &err);
	if (rc < 0)
		print_error("%s: formatted output refused: %d %s: %s\n%s", path, rc, err.field,
			    err.message, fa);
	assert_true(rc >= 0);
	if (!netdef_equal(a, b))
		print_error("%s: model changed by the round trip:\n%s", path, fa);
	assert_true(netdef_equal(a, b));
	fb = netdef_format(b);
	assert_non_null(fb);
	if (strcmp(fa, fb) != 0)
		print_error("%s: format not stable\n--- 1 ---\n%s--- 2 ---\n%s", path, fa, fb);
	assert_string_equal(fa, fb);
	netdef_free(b);
	free(fa);
	free(fb);
}

static void run_file(void **state)
{
	struct corpus_file *f = *state;
	struct netdef *def = NULL;
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", CORPUS_DIR, f->path);
	memset(&f->err, 0, sizeof(f->err));
	f->rc = netdef_parse_file(path, &def, &f->err);
	if (f->rc >= 0) {
		if (f->expect != ACCEPT)
			print_error("%s: accepted, expected %s at line %u %s\n", f->path,
				    expect_name(f->expect), f->line, f->field);
		assert_int_equal(f->expect, ACCEPT);
		spot_check(f->path, def);
		round_trip(f->path, def);
		netdef_free(def);
		return;
	}
	if (f->rc != expect_code(f->expect) ||
	    f->err.line != f->line || strcmp(f->err.field, f->field) != 0 ||
	    f->err.message[0] == '\0') {
		print_error("%s: want %s line %u %s\n  got %s (%d) line %u %s: %s\n", f->path,
			    expect_name(f->expect), f->line, f->field ? f->field : "",
			    rc_name(f->rc), f->rc, f->err.line, f->err.field, f->err.message);
		fail();
	}
	assert_string_equal(f->err.file, path);
}

static struct corpus_file *find_row(const char *rel)
{
	for (size_t i = 0; i < N_FILES; i++)
		if (strcmp(files[i].path, rel) == 0)
			return &files[i];
	return NULL;
}

static int is_xml(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 4 && strcmp(d->d_name + n - 4, ".xml") == 0;
}

/* Mark every row found on disk; collect files that have no row. */
static void scan_corpus(void)
{
	for (size_t s = 0; s < sizeof(subdirs) / sizeof(subdirs[0]); s++) {
		struct dirent **names;
		char dir[512], rel[512];
		int n;

		snprintf(dir, sizeof(dir), "%s/%s", CORPUS_DIR, subdirs[s]);
		n = scandir(dir, &names, is_xml, alphasort);
		if (n < 0) {
			fprintf(stderr, "corpus: cannot read %s\n", dir);
			continue;
		}
		for (int i = 0; i < n; i++) {
			struct corpus_file *f;

			snprintf(rel, sizeof(rel), "%s/%s", subdirs[s], names[i]->d_name);
			f = find_row(rel);
			if (f)
				f->seen = true;
			else if (n_unknown < sizeof(unknown) / sizeof(unknown[0]))
				unknown[n_unknown++] = strdup(rel);
			free(names[i]);
		}
		free(names);
	}
}

static void test_table_matches_disk(void **state)
{
	bool ok = true;

	for (size_t i = 0; i < N_FILES; i++) {
		if (!files[i].seen) {
			print_error("corpus: %s is in the table but not on disk\n", files[i].path);
			ok = false;
		}
	}
	for (size_t i = 0; i < n_unknown; i++) {
		print_error("corpus: %s has no expectation in the table\n", unknown[i]);
		ok = false;
	}
	assert_true(ok);
}

static void print_summary(void)
{
	unsigned n = 0, acc = 0, uns = 0, inv = 0;
	struct netdef_error err;
	char line[1024];

	for (size_t i = 0; i < N_FILES; i++) {
		if (!files[i].seen)
			continue;
		n++;
		if (files[i].rc >= 0)
			acc++;
		else if (files[i].rc == NETDEF_E_UNSUPPORTED)
			uns++;
		else if (files[i].rc == NETDEF_E_INVALID)
			inv++;
	}
	printf("corpus: %u files, %u accepted, %u unsupported, %u invalid\n", n, acc, uns, inv);
	for (size_t i = 0; i < N_FILES; i++) {
		if (!files[i].seen || files[i].rc >= 0)
			continue;
		/* Name the file as the table does, not by its absolute path. */
		err = files[i].err;
		snprintf(err.file, sizeof(err.file), "%s", files[i].path);
		netdef_error_format(&err, line, sizeof(line));
		printf("  %-11s %s\n", rc_name(files[i].rc), line);
	}
}

int main(void)
{
	static const struct CMUnitTest table[] = {
		cmocka_unit_test(test_table_matches_disk),
	};
	struct CMUnitTest tests[N_FILES];
	size_t n = 0;
	int failed;

	scan_corpus();
	/* One cmocka test per corpus file, named after it. */
	for (size_t i = 0; i < N_FILES; i++) {
		if (!files[i].seen)
			continue;
		tests[n] = (struct CMUnitTest){
			.name = files[i].path,
			.test_func = run_file,
			.initial_state = &files[i],
		};
		n++;
	}
	failed = cmocka_run_group_tests_name("corpus_table", table, NULL, NULL);
	failed += _cmocka_run_group_tests("corpus", tests, n, NULL, NULL);
	print_summary();
	for (size_t i = 0; i < n_unknown; i++)
		free(unknown[i]);
	return failed ? 1 : 0;
}
