/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * DNS over UDP, a batch at a time (netd/serve/dns_io_udp.c), on real
 * sockets: the test moves into a network namespace of its own (lo up,
 * port 53 on 127.0.0.1 and ::1), so nothing outside it is touched. A burst
 * with malformed datagrams among good queries gets every good query's answer
 * under its own ID and the malformed ones what they deserve; a burst longer
 * than a batch is served whole; and once warmed up, the local answer path,
 * core and sockets, allocates nothing (malloc counted: interposed, or
 * AddressSanitizer's hooks under SANITIZE=1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns_fixture.h"
#include "netd/serve/dns_io-internal.h"

/* ---- counting allocations ---- */

static volatile unsigned long allocs;

#ifdef __SANITIZE_ADDRESS__
int __sanitizer_install_malloc_and_free_hooks(void (*m)(const volatile void *, size_t),
					      void (*f)(const volatile void *));

static void on_malloc(const volatile void *p, size_t n)
{
	allocs++;
}

static void on_free(const volatile void *p)
{
}

static void count_allocs(void)
{
	__sanitizer_install_malloc_and_free_hooks(on_malloc, on_free);
}
#else
void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

void *malloc(size_t n)
{
	allocs++;
	return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	allocs++;
	return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	allocs++;
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}

static void count_allocs(void)
{
}
#endif

/* ---- sendmmsg, interposed: the kernel's, or one that refuses segmented messages ---- */

static bool refuse_segmented;

/*
 * As the kernel does it: message by message, stopping at the first one it
 * refuses; -1 with errno only when that is the first, else the count sent.
 * With refuse_segmented, a message with a control block (UDP_SEGMENT) is
 * refused with EIO, as a device without checksum offload makes the kernel do.
 */
int sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
	unsigned i;
	ssize_t r;

	for (i = 0; i < n; i++) {
		if (refuse_segmented && v[i].msg_hdr.msg_controllen) {
			errno = EIO;
			r = -1;
		} else {
			r = sendmsg(fd, &v[i].msg_hdr, flags);
		}
		if (r < 0)
			return i ? (int)i : -1;
		v[i].msg_len = (unsigned)r;
	}
	return (int)i;
}

/* ---- the namespace, the server and its sockets ---- */

#define DOMAIN "batch.test"

struct env {
	struct fx_rng rng;
	struct dns_server *srv;
	struct dns_io *io;
	struct loop *loop;
	int cli4, cli6;
};

static int lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), r = -1;

	if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		r = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* A client socket on the loopback of family af, aimed at port 53. */
static int client(int af)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6, .sin6_port = htons(DNS_PORT),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in s4 = { .sin_family = AF_INET, .sin_port = htons(DNS_PORT),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	assert_int_equal(af == AF_INET ? connect(fd, (struct sockaddr *)&s4, sizeof(s4))
				       : connect(fd, (struct sockaddr *)&s6, sizeof(s6)), 0);
	return fd;
}

static int setup(void **state)
{
	static struct env e;
	struct dns_net nets[2] = { { fx_ip("127.0.0.1"), 8, true }, { fx_ip("::1"), 128, false } };
	struct dns_host hosts[] = { { "web", fx_ip("127.0.0.5") }, { "web", fx_ip("fd00::5") } };
	struct dns_txt txt = { "info", "batched" };
	struct dns_ip addrs[2] = { nets[0].addr, nets[1].addr };
	struct dns_config cfg = {
		.domain = DOMAIN, .local_only = true, .nets = nets, .n_nets = 2, .hosts = hosts,
		.n_hosts = 2, .txts = &txt, .n_txts = 1, .random = fx_random,
		.random_userdata = &e.rng,
	};
	char msg[256];

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0 || lo_up() < 0)
		return -1;              /* not root: cmocka reports the group's setup failing */
	e.rng.x = 12345;
	assert_int_equal(dns_server_new(&cfg, &e.srv, NULL), 0);
	assert_int_equal(dns_lease_name_set(e.srv, &nets[0].addr, "gw", DNS_EXPIRES_NEVER), 0);
	assert_int_equal(dns_io_open("lo", addrs, 2, &e.io, msg, sizeof(msg)), 0);
	assert_int_equal(loop_new(&e.loop), 0);
	assert_int_equal(dns_io_start(e.io, e.loop, e.srv), 0);
	e.cli4 = client(AF_INET);
	e.cli6 = client(AF_INET6);
	*state = &e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;

	close(e->cli4);
	close(e->cli6);
	dns_io_close(e->io);
	loop_free(e->loop);
	dns_server_free(e->srv);
	return 0;
}

/* ---- sending and collecting ---- */

static void send_query(int fd, uint16_t id, const char *name, uint16_t type)
{
	uint8_t q[512];
	size_t n = fx_query(q, id, name, type);

	assert_int_equal(send(fd, q, n, 0), (ssize_t)n);
}

/* One datagram from fd (waiting as long as it takes a loaded machine), or 0. */
static size_t recv_answer(int fd, uint8_t *buf, size_t cap, int wait_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	if (poll(&p, 1, wait_ms) != 1)
		return 0;
	n = recv(fd, buf, cap, MSG_DONTWAIT);
	return n > 0 ? (size_t)n : 0;
}

/* Serve the first UDP listener (127.0.0.1) or the second (::1) until it has nothing. */
static int serve(struct env *e, size_t listener)
{
	bool acted = false;
	int n, total = 0;

	while ((n = dns_udp_serve(e->io, &e->io->udp[listener], &acted)) > 0)
		total += n;
	assert_true(n == 0 || n == -EAGAIN);
	return total;
}

static uint16_t u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* dig's way: EDNS0 with a client cookie. */
static size_t edns_query(uint8_t *q, uint16_t id, const char *name, uint16_t type)
{
	static const uint8_t opt[] = { 0, 0, 0x29, 0x04, 0xd0, 0, 0, 0, 0, 0, 0x0c,
				       0, 0x0a, 0, 0x08, 1, 2, 3, 4, 5, 6, 7, 8 };
	size_t n = fx_query(q, id, name, type);

	q[11] = 1;
	memcpy(q + n, opt, sizeof(opt));
	return n + sizeof(opt);
}

/*
 * Serve listener `listener` and read fd's answers until `want` have come
 * (each ID at most once, into got[id & 0xff]); then a last look that nothing
 * else comes. The deadline is generous: it only ends a test that fails.
 */
static void collect(struct env *e, size_t listener, int fd, unsigned want,
		    uint8_t got[256][600], size_t *len)
{
	uint8_t buf[4096];
	unsigned have = 0, spins;
	size_t n;

	memset(len, 0, 256 * sizeof(*len));
	for (spins = 0; have < want && spins < 400; spins++) {
		serve(e, listener);
		while ((n = recv_answer(fd, buf, sizeof(buf), 25)) > 0) {
			assert_true(n >= DNS_HDR_LEN && n <= 600);
			assert_int_equal(len[buf[1]], 0);       /* every ID answered once */
			memcpy(got[buf[1]], buf, n);
			len[buf[1]] = n;
			have++;
		}
	}
	assert_int_equal(have, want);
	serve(e, listener);
	assert_int_equal(recv_answer(fd, buf, sizeof(buf), 100), 0);
}

static void test_burst_with_malformed_datagrams_answers_the_rest(void **state)
{
	struct env *e = *state;
	static uint8_t got[256][600];
	size_t len[256], n;
	uint8_t q[512];
	static const uint8_t want_a[] = {
		0x10, 0x01, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		3, 'w', 'e', 'b', 5, 'b', 'a', 't', 'c', 'h', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 127, 0, 0, 5,
	};

	send_query(e->cli4, 0x1001, "web." DOMAIN, DNS_T_A);
	n = fx_query(q, 0x1002, "web." DOMAIN, DNS_T_A);
	assert_int_equal(send(e->cli4, q, n - 8, 0), (ssize_t)(n - 8)); /* question cut */
	assert_int_equal(send(e->cli4, "\x10\x03\1\0\0\1\0", 7, 0), 7);   /* no whole header */
	n = fx_query(q, 0x1004, "web." DOMAIN, DNS_T_A);
	q[2] |= 0x80;                                                    /* a response */
	assert_int_equal(send(e->cli4, q, n, 0), (ssize_t)n);
	send_query(e->cli4, 0x1005, "web", DNS_T_AAAA);
	send_query(e->cli4, 0x1006, "5.0.0.127.in-addr.arpa", DNS_T_PTR);
	send_query(e->cli4, 0x1007, "nosuch." DOMAIN, DNS_T_A);
	send_query(e->cli4, 0x1008, "info", DNS_T_TXT);
	n = fx_query(q, 0x1009, "web." DOMAIN, DNS_T_A);
	q[5] = 2;                                                        /* two questions */
	assert_int_equal(send(e->cli4, q, n, 0), (ssize_t)n);
	n = edns_query(q, 0x100a, "gw." DOMAIN, DNS_T_A);
	assert_int_equal(send(e->cli4, q, n, 0), (ssize_t)n);

	collect(e, 0, e->cli4, 8, got, len);
	assert_int_equal(len[0x01], sizeof(want_a));
	assert_memory_equal(got[0x01], want_a, sizeof(want_a));
	/* FORMERR, the unreadable question not echoed */
	assert_int_equal(len[0x02], DNS_HDR_LEN);
	assert_memory_equal(got[0x02], "\x10\x02\x81\x81\0\0\0\0\0\0\0\0", DNS_HDR_LEN);
	assert_int_equal(len[0x03] + len[0x04], 0);
	/* AAAA of the bare name; PTR; localOnly NXDOMAIN with the SOA; TXT */
	assert_int_equal(u16(got[0x05] + 2), 0x8580);
	assert_int_equal(u16(got[0x05] + 6), 1);
	assert_memory_equal(got[0x05] + len[0x05] - 16, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\5", 16);
	assert_int_equal(u16(got[0x06] + 2), 0x8580);
	assert_int_equal(u16(got[0x06] + 6), 1);
	assert_memory_equal(got[0x06] + len[0x06] - 16, "\3web\5batch\4test", 16);
	assert_int_equal(u16(got[0x07] + 2), 0x8583);
	assert_int_equal(u16(got[0x07] + 8), 1);
	assert_memory_equal(got[0x08] + len[0x08] - 8, "\7batched", 8);
	assert_int_equal(u16(got[0x09] + 2), 0x8181);
	/* EDNS: the lease name, and our OPT record last */
	assert_int_equal(u16(got[0x0a] + 2), 0x8580);
	assert_int_equal(u16(got[0x0a] + 6), 1);
	assert_int_equal(u16(got[0x0a] + 10), 1);
	assert_memory_equal(got[0x0a] + len[0x0a] - 15, "\x7f\0\0\1\0\0\x29\x04\xd0\0\0\0\0\0\0", 15);
}

static void test_ipv6_answers_go_back_to_their_sender(void **state)
{
	struct env *e = *state;
	static uint8_t got[256][600];
	size_t len[256];
	uint16_t id;

	for (id = 0x2020; id < 0x2030; id++)
		send_query(e->cli6, id, id % 2 ? "web." DOMAIN : "web", DNS_T_AAAA);
	collect(e, 1, e->cli6, 16, got, len);
	for (id = 0x20; id < 0x30; id++) {
		assert_int_equal(u16(got[id]), 0x2000 | id);
		assert_int_equal(u16(got[id] + 2), 0x8580);
		assert_memory_equal(got[id] + len[id] - 16, "\xfd\0\0\0\0\0\0\0\0\0\0\0\0\0\0\5", 16);
	}
}

/* More than a batch at once: every one answered, once, under its own ID. */
static void test_more_than_a_batch(void **state)
{
	struct env *e = *state;
	static uint8_t got[256][600];
	size_t len[256];
	unsigned i, n = 3 * DNS_IO_BATCH + 5;

	for (i = 0; i < n; i++)
		send_query(e->cli4, (uint16_t)(0x3000 + i), "web." DOMAIN, DNS_T_A);
	collect(e, 0, e->cli4, n, got, len);
	for (i = 0; i < n; i++) {
		assert_int_equal(u16(got[i]), 0x3000 + i);
		assert_memory_equal(got[i] + len[i] - 4, "\x7f\0\0\5", 4);
	}
}

static void local_burst(struct env *e, uint16_t base)
{
	uint8_t q[512];
	size_t n;

	send_query(e->cli4, base, "web." DOMAIN, DNS_T_A);
	send_query(e->cli4, base + 1, "WEB", DNS_T_ANY);
	send_query(e->cli4, base + 2, "5.0.0.127.in-addr.arpa", DNS_T_PTR);
	send_query(e->cli4, base + 3, "nosuch." DOMAIN, DNS_T_A);
	send_query(e->cli4, base + 4, "info." DOMAIN, DNS_T_TXT);
	send_query(e->cli4, base + 5, DOMAIN, DNS_T_SOA);
	n = edns_query(q, base + 6, "gw", DNS_T_A);
	assert_int_equal(send(e->cli4, q, n, 0), (ssize_t)n);
	n = fx_query(q, base + 7, "web", DNS_T_A);
	q[5] = 0;                                                       /* FORMERR */
	assert_int_equal(send(e->cli4, q, n, 0), (ssize_t)n);
}

/* The local answer path, sockets included, allocates nothing once warmed up. */
static void test_local_answers_allocate_nothing(void **state)
{
	struct env *e = *state;
	static uint8_t got[256][600];
	struct dns_client far = fx_client("10.9.9.9", DNS_UDP);
	struct dns_action act;
	size_t len[256], n;
	uint8_t q[512], out[DNS_IO_UDP_SLOT];
	unsigned round;

	local_burst(e, 0x4000);
	collect(e, 0, e->cli4, 8, got, len);
	count_allocs();
	allocs = 0;
	for (round = 1; round < 6; round++) {
		local_burst(e, (uint16_t)(0x4000 + round * 8));
		collect(e, 0, e->cli4, 8, got, len);
	}
	/* a client outside the network: REFUSED, from the core alone */
	n = fx_query(q, 0x4100, "web", DNS_T_A);
	assert_int_equal(dns_server_handle_query(e->srv, q, n, &far, loop_now_ms(), out,
						 sizeof(out), &act), 0);
	assert_int_equal(fx_rcode(&act, out), DNS_R_REFUSED);
	assert_int_equal(allocs, 0);
}

/*
 * A refused segmented message after one the kernel took in the same
 * sendmmsg: the call reports no error, only a short count. The answers of
 * the refused one must still go, one by one, and coalescing stay off for
 * the listener. (They were skipped as lost before.)
 */
static void test_refused_coalescing_falls_back(void **state)
{
	struct env *e = *state;
	struct dns_io_stats before, after;
	uint8_t buf[4096];
	char name[64];
	unsigned k, have = 0, spins;
	int other = client(AF_INET);

	dns_io_stats(e->io, &before);
	refuse_segmented = true;
	/* a lone answer first (a name of its own size), then 8 of one size to another asker */
	for (k = 0; k < 8; k++) {
		snprintf(name, sizeof(name), "%.*s.%s", (int)k + 1, "nnnnnnnnnn", DOMAIN);
		send_query(e->cli4, (uint16_t)(0x5100 + k), name, DNS_T_A);
		send_query(other, (uint16_t)(0x5200 + k), "web", DNS_T_A);
	}
	for (spins = 0; have < 8 && spins < 400; spins++) {
		serve(e, 0);
		while (recv_answer(other, buf, sizeof(buf), 25) > 0) {
			assert_int_equal(buf[0], 0x52);
			have++;
		}
	}
	assert_int_equal(have, 8);
	for (k = 0; k < 8; k++)
		assert_true(recv_answer(e->cli4, buf, sizeof(buf), 100) > 0);
	assert_true(e->io->udp[0].no_gso);
	dns_io_stats(e->io, &after);
	assert_int_equal(after.answers_coalesced, before.answers_coalesced);
	refuse_segmented = false;
	e->io->udp[0].no_gso = false;
	close(other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst_with_malformed_datagrams_answers_the_rest),
		cmocka_unit_test(test_ipv6_answers_go_back_to_their_sender),
		cmocka_unit_test(test_more_than_a_batch),
		cmocka_unit_test(test_local_answers_allocate_nothing),
		cmocka_unit_test(test_refused_coalescing_falls_back),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
