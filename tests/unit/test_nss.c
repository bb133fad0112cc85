/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the NSS module (netd/nss): which lease lines answer a
 * name, and glibc's entry points over a state directory made here: the
 * answers packed into the caller's buffer, ERANGE for a short one, IPv6
 * leases (after the "duid" line) for AF_INET6 and both for getaddrinfo's
 * entry point, nothing for unknown names or broken files.
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
#include <sys/stat.h>
#include <unistd.h>

#include "netd/nss/nss-vnetd.h"

#define NOW 1700000000

static const char leases[] =
	"1700003600 52:54:00:00:00:01 10.0.0.11 web *\n"
	"1699990000 52:54:00:00:00:02 10.0.0.12 old *\n"        /* expired */
	"0 52:54:00:00:00:03 10.0.0.13 db 01:52:54:00:00:00:03\n" /* never expires */
	"1700003600 52:54:00:00:00:04 10.0.0.14 * *\n"          /* no name */
	"this line is broken\n"
	"1700003600 52:54:00:00:00:05 10.0.0.15 WEB *\n"        /* a second web */
	"duid 00:01:00:01:2c:9a:5c:00:52:54:00:00:00:01\n"
	"1700003600 7 fd00::11 web 00:03:00:01:52:54:00:00:00:01\n"
	"1699990000 8 fd00::12 old 00:03:00:01:52:54:00:00:00:02\n" /* expired */
	"0 9 fd00::13 db 00:03:00:01:52:54:00:00:00:03\n"
	"1700003600 10 10.0.0.16 v4-in-v6-part 00:03:00:01:52:54:00:00:00:04\n";

static char *found_af(const char *name, const char *domain, int af)
{
	static char out[256];   /* test only */
	struct nss_vnetd_addr a[NSS_VNETD_ADDRS_MAX];
	char text[INET6_ADDRSTRLEN];
	size_t n = 0, i;

	out[0] = '\0';
	nss_vnetd_match(leases, strlen(leases), name, "lab", domain, af, NOW, a, &n);
	for (i = 0; i < n; i++) {
		strcat(out, i ? " " : "");
		strcat(out, inet_ntop(a[i].family, a[i].bytes, text, sizeof(text)));
	}
	return out;
}

static char *found(const char *name, const char *domain)
{
	return found_af(name, domain, AF_INET);
}

static void test_match(void **state)
{
	assert_string_equal(found("web", NULL), "10.0.0.11 10.0.0.15");
	assert_string_equal(found("Web.LAB", NULL), "10.0.0.11 10.0.0.15");
	assert_string_equal(found("db.example.org", "example.org"), "10.0.0.13");
	assert_string_equal(found("db.example.org", NULL), "");
	assert_string_equal(found("db.lab.x", NULL), "");
	assert_string_equal(found("old", NULL), "");
	assert_string_equal(found("we", NULL), "");
	assert_string_equal(found("*", NULL), "");
	assert_string_equal(found("", NULL), "");
	/* the v6 part: its own family, both for AF_UNSPEC (v4 first) */
	assert_string_equal(found_af("web", NULL, AF_INET6), "fd00::11");
	assert_string_equal(found_af("WEB.lab", NULL, AF_UNSPEC), "10.0.0.11 10.0.0.15 fd00::11");
	assert_string_equal(found_af("db.example.org", "example.org", AF_INET6), "fd00::13");
	assert_string_equal(found_af("old", NULL, AF_UNSPEC), "");
	assert_string_equal(found_af("v4-in-v6-part", NULL, AF_UNSPEC), "");
}

static char dir[] = "/tmp/vnetd-nss-XXXXXX";

static int make_state(void **state)
{
	char path[256];
	FILE *f;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/lab", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/lab/lab.leases", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "0 52:54:00:00:00:01 10.0.0.11 web *\n0 52:54:00:00:00:02 10.0.0.12 web *\n"
		"duid 00:01:00:01:2c:9a:5c:00:52:54:00:00:00:01\n"
		"0 5 fd00::11 web 00:03:00:01:52:54:00:00:00:01\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/lab.state", dir);    /* the run directory too */
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/stopped", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/stopped/stopped.leases", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "0 52:54:00:00:00:09 10.0.0.19 gone *\n");
	fclose(f);
	snprintf(path, sizeof(path), "%s/broken", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/broken/broken.leases", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);   /* never followed */
	setenv("VNETD_NSS_STATEDIR", dir, 1);
	setenv("VNETD_NSS_CONFDIR", dir, 1);
	setenv("VNETD_NSS_RUNDIR", dir, 1);
	return 0;
}

static int remove_state(void **state)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd);
}

static void test_hostent(void **state)
{
	struct hostent h;
	char buf[512], *canon = NULL, v6[INET6_ADDRSTRLEN];
	int err = 0, herr = 0;
	int32_t ttl = -1;

	assert_int_equal(_nss_vnetd_gethostbyname3_r("web", AF_INET, &h, buf, sizeof(buf), &err,
						     &herr, &ttl, &canon), NSS_STATUS_SUCCESS);
	assert_string_equal(h.h_name, "web");
	assert_ptr_equal(canon, h.h_name);
	assert_null(h.h_aliases[0]);
	assert_int_equal(h.h_addrtype, AF_INET);
	assert_int_equal(h.h_length, 4);
	assert_string_equal(inet_ntoa(*(struct in_addr *)h.h_addr_list[0]), "10.0.0.11");
	assert_string_equal(inet_ntoa(*(struct in_addr *)h.h_addr_list[1]), "10.0.0.12");
	assert_null(h.h_addr_list[2]);
	assert_int_equal(ttl, 0);
	/* every byte of the answer is inside buf */
	assert_true(h.h_name >= buf && h.h_name < buf + sizeof(buf));
	assert_true((char *)h.h_addr_list >= buf && (char *)h.h_addr_list < buf + sizeof(buf));

	assert_int_equal(_nss_vnetd_gethostbyname2_r("web", AF_INET, &h, buf, 20, &err, &herr),
			 NSS_STATUS_TRYAGAIN);
	assert_int_equal(err, ERANGE);
	assert_int_equal(_nss_vnetd_gethostbyname2_r("web", AF_INET6, &h, buf, sizeof(buf), &err,
						     &herr), NSS_STATUS_SUCCESS);
	assert_int_equal(h.h_addrtype, AF_INET6);
	assert_int_equal(h.h_length, 16);
	assert_string_equal(inet_ntop(AF_INET6, h.h_addr_list[0], v6, sizeof(v6)), "fd00::11");
	assert_null(h.h_addr_list[1]);
	assert_int_equal(_nss_vnetd_gethostbyname2_r("gone", AF_INET6, &h, buf, sizeof(buf), &err,
						     &herr), NSS_STATUS_NOTFOUND);
	assert_int_equal(herr, HOST_NOT_FOUND);
	assert_int_equal(_nss_vnetd_gethostbyname_r("nobody", &h, buf, sizeof(buf), &err, &herr),
			 NSS_STATUS_NOTFOUND);
	/* a stopped network (no run state) answers nothing */
	assert_int_equal(_nss_vnetd_gethostbyname_r("gone", &h, buf, sizeof(buf), &err, &herr),
			 NSS_STATUS_NOTFOUND);
	assert_int_equal(_nss_vnetd_gethostbyname2_r("web", AF_UNIX, &h, buf, sizeof(buf), &err,
						     &herr), NSS_STATUS_UNAVAIL);
	assert_int_equal(err, EAFNOSUPPORT);
}

static void test_addrtuple(void **state)
{
	struct gaih_addrtuple *at = NULL;
	_Alignas(struct gaih_addrtuple) char buf[512];
	char v6[INET6_ADDRSTRLEN];
	int err = 0, herr = 0;
	size_t small;

	assert_int_equal(_nss_vnetd_gethostbyname4_r("web.lab.", &at, buf, sizeof(buf), &err,
						     &herr, NULL), NSS_STATUS_SUCCESS);
	assert_non_null(at);
	assert_string_equal(at->name, "web.lab.");
	assert_int_equal(at->family, AF_INET);
	assert_string_equal(inet_ntoa(*(struct in_addr *)at->addr), "10.0.0.11");
	assert_non_null(at->next);
	assert_string_equal(inet_ntoa(*(struct in_addr *)at->next->addr), "10.0.0.12");
	assert_non_null(at->next->next);
	assert_int_equal(at->next->next->family, AF_INET6);
	assert_string_equal(inet_ntop(AF_INET6, at->next->next->addr, v6, sizeof(v6)), "fd00::11");
	assert_null(at->next->next->next);
	/* "web\0", padding to a pointer's alignment, three tuples: nothing less will do */
	for (small = 0; small < 8 + 3 * sizeof(*at); small++)
		assert_int_equal(_nss_vnetd_gethostbyname4_r("web", &at, buf, small, &err, &herr,
							     NULL), NSS_STATUS_TRYAGAIN);
	assert_int_equal(_nss_vnetd_gethostbyname4_r("web", &at, buf, small, &err, &herr, NULL),
			 NSS_STATUS_SUCCESS);
	assert_int_equal(_nss_vnetd_gethostbyname4_r("passwd", &at, buf, sizeof(buf), &err,
						     &herr, NULL), NSS_STATUS_NOTFOUND);
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_hostent),
		cmocka_unit_test(test_addrtuple),
	};

	return cmocka_run_group_tests(tests, make_state, remove_state);
}
