/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the lease database's start (netd/serve/leasedb_load.c):
 * a lease file of 60 000 lines and a journal, both read in pieces, give
 * every lease with the journal's changes on top; a torn journal tail is
 * skipped; the fold writes them all back. And the lease records' compact
 * storage (dhcp/v4/record.c): ids and names inline, on the heap, or not
 * stored at all (01:MAC), through renames.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhcp/v4/dhcp-internal.h"
#include "netd/serve/leasedb.h"

#define NOW 1700000000
#define MANY 60000
#define FIRST 0x0a630000u       /* 10.99.0.0 */

struct dir {
	char path[64];
	int fd;
};

static void dir_make(struct dir *d)
{
	snprintf(d->path, sizeof(d->path), "/tmp/vnetd-ldb-XXXXXX");
	assert_non_null(mkdtemp(d->path));
	d->fd = open(d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(d->fd >= 0);
}

static void dir_remove(struct dir *d)
{
	static const char *const files[] = { "net.leases", "net.journal", "br.status" };
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlinkat(d->fd, files[i], 0);
	close(d->fd);
	assert_int_equal(rmdir(d->path), 0);
}

static void write_file(const struct dir *d, const char *name, const void *data, size_t len)
{
	int fd = openat(d->fd, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static struct dhcp_server *server(void)
{
	struct dhcp_range range = { .lease_time = 3600 };
	struct dhcp_config cfg = { .ifname = "br", .prefix = 16, .ranges = &range,
				   .n_ranges = 1, .hash_seed = 7 };
	struct dhcp_server *srv = NULL;
	struct wire_error err;

	cfg.server_addr.s_addr = htonl(FIRST + 1);
	range.start.s_addr = htonl(FIRST + 10);
	range.end.s_addr = htonl(FIRST + 0xfffa);
	assert_int_equal(dhcp_server_new(&cfg, &srv, &err), 0);
	return srv;
}

/* Names are unique (a taken one is refused): long (heap) or short (tail). */
static void lease_of(unsigned k, struct lease_info *l, uint8_t id[7], char name[64])
{
	memset(l, 0, sizeof(*l));
	l->addr.s_addr = htonl(FIRST + 10 + k);
	l->expires = NOW + 3600;
	l->htype = 1;
	l->hlen = 6;
	l->chaddr[0] = 0x52;
	l->chaddr[3] = (uint8_t)(k >> 16);
	l->chaddr[4] = (uint8_t)(k >> 8);
	l->chaddr[5] = (uint8_t)k;
	id[0] = 1;
	memcpy(id + 1, l->chaddr, 6);
	l->client_id = id;
	l->client_id_len = 7;
	snprintf(name, 64, k % 3 == 0 ? "a-host-name-longer-than-a-tail-%u" : "vm%u", k);
	l->hostname = k % 3 == 2 ? NULL : name;
}

/* MANY lines (every third named long, every third short); k = 7 has a bad line. */
static void write_many(const struct dir *d)
{
	struct lease_buf text = { 0 };
	struct lease_info l;
	uint8_t id[7];
	char name[64];
	unsigned k;

	for (k = 0; k < MANY; k++) {
		lease_of(k, &l, id, name);
		assert_int_equal(lease_file_append(&text, &l), 0);
		if (k == 7)
			assert_int_equal(lease_buf_append(&text, "not a lease\n", 12), 0);
	}
	write_file(d, "net.leases", text.data, text.len);
	lease_buf_free(&text);
}

struct found {
	unsigned n, named, moved;
	bool freed_seen;
};

static int on_lease(void *ud, const struct lease_info *l)
{
	struct found *f = ud;
	uint32_t a = ntohl(l->addr.s_addr);

	f->n++;
	f->named += l->hostname != NULL;
	f->moved += a == FIRST + 0xfff0;
	f->freed_seen |= a == FIRST + 10 + 5;
	return 0;
}

static unsigned count_lines(const struct dir *d)
{
	char buf[65536];
	unsigned n = 0;
	ssize_t got, i;
	int fd = openat(d->fd, "net.leases", O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		for (i = 0; i < got; i++)
			n += buf[i] == '\n';
	close(fd);
	return n;
}

static void test_many_leases_streamed(void **state)
{
	struct dhcp_server *srv = server();
	struct lease_buf journal = { 0 };
	struct leasedb *db = NULL;
	struct found f = { 0 };
	struct lease_info l;
	struct dir d;
	uint8_t id[7];
	char msg[256], name[64];

	(void)state;
	dir_make(&d);
	write_many(&d);
	/* the journal: lease 5 freed, lease 6 moved, then a torn record */
	lease_of(5, &l, id, name);
	assert_int_equal(lease_journal_append(&journal, LEASE_JOURNAL_FREE, &l), 0);
	lease_of(6, &l, id, name);
	l.addr.s_addr = htonl(FIRST + 0xfff0);
	assert_int_equal(lease_journal_append(&journal, LEASE_JOURNAL_BIND, &l), 0);
	assert_int_equal(lease_buf_append(&journal, "VJL1\0\0", 6), 0);
	write_file(&d, "net.journal", journal.data, journal.len);

	assert_int_equal(leasedb_open(&db, dup(d.fd), d.path, "net", "br", srv, NULL, NOW,
				      msg, sizeof(msg)), 0);
	assert_int_equal(dhcp_server_lease_count(srv), MANY - 1);
	dhcp_server_foreach_lease(srv, on_lease, &f);
	assert_int_equal(f.n, MANY - 1);
	assert_int_equal(f.moved, 1);
	assert_false(f.freed_seen);
	/* lease 5 (unnamed) is gone, lease 6 moved with its name */
	assert_int_equal(f.named, (MANY / 3) * 2);
	/* the fold wrote them all, the bad line and the journal gone */
	assert_int_equal(count_lines(&d), MANY - 1);
	leasedb_close(db);
	dhcp_server_free(srv);
	lease_buf_free(&journal);
	dir_remove(&d);
}

static struct dhcp_lease *add(struct dhcp_store *s, const uint8_t *id, size_t id_len,
			      uint8_t last)
{
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, last };
	struct dhcp_ident ident = { .client_id = id, .client_id_len = id_len, .htype = 1,
				    .hlen = 6, .chaddr = mac };
	uint32_t idx = dhcp_store_add(s, &ident, FIRST + last);

	assert_int_not_equal(idx, HTAB_NONE);
	assert_int_equal(dhcp_store_by_ident(s, &ident), idx);
	assert_int_equal(s->rec[idx].id_len, id_len);
	if (id_len)
		assert_memory_equal(dhcp_lease_id(&s->rec[idx]), id, id_len);
	return &s->rec[idx];
}

static void rename_to(struct dhcp_store *s, struct dhcp_lease *l, const char *name)
{
	const uint8_t *id;
	uint8_t was[LEASE_CLIENT_ID_MAX];
	size_t len = l->id_len;

	if ((id = dhcp_lease_id(l)))
		memcpy(was, id, len);
	assert_int_equal(dhcp_store_set_name(s, (uint32_t)(l - s->rec), name), 0);
	if (name)
		assert_string_equal(dhcp_lease_name(l), name);
	else
		assert_null(dhcp_lease_name(l));
	assert_int_equal(l->id_len, len);
	if (len)
		assert_memory_equal(dhcp_lease_id(l), was, len);
}

static void test_record_storage(void **state)
{
	static const uint8_t mac_id[7] = { 1, 0x52, 0x54, 0, 0, 0, 1 };
	static const uint8_t other[7] = { 1, 0x52, 0x54, 0, 0, 0, 9 };      /* not its MAC */
	static const uint8_t duid_id[19] = { 0xff, 0, 0, 0, 1, 0, 1, 0, 1, 2, 3, 4, 5, 6, 7,
					     8, 9, 10, 11 };
	struct dhcp_store s;
	struct dhcp_lease *l;

	(void)state;
	assert_int_equal(dhcp_store_init(&s, 3, 16), 0);
	l = add(&s, mac_id, sizeof(mac_id), 1);
	assert_int_equal(l->flags & LF_STORAGE, LF_ID_HW);     /* 01:MAC: nothing stored */
	rename_to(&s, l, "a-name-too-long-for-the-tail");
	assert_true(l->flags & LF_HEAP);
	rename_to(&s, l, "ten-chars!");
	assert_false(l->flags & LF_HEAP);
	rename_to(&s, l, NULL);

	l = add(&s, other, sizeof(other), 2);                   /* stored: 7 + "abc" + NUL */
	assert_int_equal(l->flags & LF_STORAGE, 0);
	rename_to(&s, l, "abc");
	assert_false(l->flags & LF_HEAP);
	rename_to(&s, l, "abcd");                               /* 12 bytes: the heap */
	assert_true(l->flags & LF_HEAP);

	l = add(&s, duid_id, sizeof(duid_id), 3);
	assert_true(l->flags & LF_HEAP);
	rename_to(&s, l, "x");
	rename_to(&s, l, NULL);

	l = add(&s, NULL, 0, 4);                                /* identity: chaddr */
	assert_null(dhcp_lease_id(l));
	rename_to(&s, l, "name");
	dhcp_store_del(&s, 2);                                  /* on the heap: freed */
	dhcp_store_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_leases_streamed),
		cmocka_unit_test(test_record_storage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
