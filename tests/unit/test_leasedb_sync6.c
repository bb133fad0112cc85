/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the DHCPv6 journal's sync thread (netd/serve/leasedb_sync.c,
 * leasedb_commit6_start/end): the REPLY is granted (its event, its name)
 * only when the sync that carries its record has ended, the record is then
 * in NAME.journal6, and a server started again from the directory (as
 * after a kill -9) finds the lease. A journal fold in the thread makes a
 * start wait (-EBUSY) and its end says so (1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_dhcp6_fixture.h"
#include "netd/serve/leasedb.h"

/* SOLICIT, then REQUEST of the address advertised: a lease pending in the core. */
static void solicit_request(struct fixture6 *f, const uint8_t *duid, size_t dl, uint32_t iaid)
{
	char adv[INET6_ADDRSTRLEN];
	struct reply6 r;
	struct pkt6 p;

	/* no commit in between, as in the daemon's batch: h6() would commit the batch's
	 * earlier grants without their journal records */
	p6_client(&p, 1, duid, dl, iaid, NULL, false, NULL);
	assert_int_equal(h6_pending(f->srv, &p, NOW0, &r), DHCP6_REPLY);
	r6_addr(&r, adv, NULL, NULL);
	assert_true(adv[0]);
	p6_client(&p, 3, duid, dl, iaid, adv, true, NULL);
	assert_int_equal(h6_pending(f->srv, &p, NOW0, &r), DHCP6_REPLY);
}

/* Wait for the thread's job to end, then take its outcome. */
static int sync6_end(struct leasedb *db, struct fixture6 *f)
{
	struct pollfd pfd = { .fd = leasedb_sync6_fd(db), .events = POLLIN };

	assert_true(pfd.fd >= 0);
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	return leasedb_commit6_end(db, f->srv);
}

static off_t journal6_size(int dir_fd)
{
	struct stat st;

	assert_int_equal(fstatat(dir_fd, "net.journal6", &st, 0), 0);
	return st.st_size;
}

static void remove_dir(int fd, const char *dir)
{
	static const char *const files[] = { "net.leases", "net.journal", "net.journal6",
					      "br.status" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlinkat(fd, files[i], 0);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
}

static void test_sync6_thread_grants_only_when_durable(void **state)
{
	char dir[] = "/tmp/vnetd-sync6-XXXXXX", msg[256];
	struct fixture6 *f = fx6_new(NULL), *g = fx6_new(NULL);
	static const uint8_t other_duid[10] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0x12, 0x34, 0x99 };
	struct leasedb *db = NULL;
	off_t before;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(leasedb_open(&db, dup(fd), dir, "net", "br", NULL, f->srv, NOW0, msg,
				      sizeof(msg)), 0);
	assert_true(leasedb_sync6_fd(db) >= 0);
	before = journal6_size(fd);

	solicit_request(f, duid_llt, sizeof(duid_llt), 0x00123456);
	assert_int_equal(leasedb_commit6_start(db, f->srv), 1);
	assert_true(leasedb_syncing6(db));
	/* a second start while the sync runs is refused, not mixed in */
	assert_int_equal(leasedb_commit6_start(db, f->srv), -EBUSY);
	/* not granted before the end is taken */
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 0);
	assert_int_equal(sync6_end(db, f), 0);
	assert_false(leasedb_syncing6(db));
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 1);
	assert_true(journal6_size(fd) > before);
	assert_true(leasedb_dirty(db));
	/* nothing pending: committed at once, no sync */
	assert_int_equal(leasedb_commit6_start(db, f->srv), 0);
	assert_int_equal(leasedb_commit6_end(db, f->srv), -EAGAIN);

	/* a second client: the same way */
	solicit_request(f, other_duid, sizeof(other_duid), 7);
	assert_int_equal(leasedb_commit6_start(db, f->srv), 1);
	assert_int_equal(sync6_end(db, f), 0);
	assert_int_equal(f->ev.count[DHCP6_EV_REPLY], 2);

	/* as after a kill -9 (closing writes no file): another server reads the directory */
	leasedb_close(db);
	assert_int_equal(leasedb_open(&db, dup(fd), dir, "net", "br", NULL, g->srv, NOW0, msg,
				      sizeof(msg)), 0);
	assert_int_equal(dhcp6_server_lease_count(g->srv), 2);
	/* leasedb_sync6_stop: the journal's syncs on the loop again */
	leasedb_sync6_stop(db);
	assert_int_equal(leasedb_sync6_fd(db), -1);
	solicit_request(g, duid_ll, sizeof(duid_ll), 3);
	assert_int_equal(leasedb_commit6_start(db, g->srv), 0);
	assert_int_equal(g->ev.count[DHCP6_EV_REPLY], 1);
	leasedb_close(db);

	remove_dir(fd, dir);
	fx6_free(f);
	fx6_free(g);
}

/* A pool of 65 536 addresses and no new-client guard: room for a large journal. */
static void big_pool(struct fixture6 *f)
{
	f->range.end = a6("2001:db8:ca2:2::ffff");
	f->cfg.new_client_rate = DHCP6_RATE_UNLIMITED;
}

/* Wait for the forked lease-file writer and take its end (which may fold). */
static void write_files(struct leasedb *db)
{
	int r = leasedb_writer_start(db);

	assert_true(r >= 0);
	if (r == 1) {
		struct pollfd pfd = { .fd = leasedb_writer_fd(db), .events = POLLIN };

		assert_int_equal(poll(&pfd, 1, 10000), 1);
		while ((r = leasedb_writer_done(db)) == -EAGAIN)
			usleep(1000);   /* readable pidfd: the child is just being reaped */
	}
	assert_int_equal(r, 0);
}

static void test_sync6_waits_for_a_fold_in_the_thread(void **state)
{
	char dir[] = "/tmp/vnetd-sync6f-XXXXXX", msg[256];
	struct fixture6 *f = fx6_new(big_pool), *g = fx6_new(big_pool);
	struct leasedb *db = NULL;
	uint8_t duid[10] = { 0, 3, 0, 1, 0x52, 0x54, 0, 0, 0, 0 };
	unsigned k = 0, replies;
	struct reply6 r6;
	struct pkt6 p;
	int fd, r;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(leasedb_open(&db, dup(fd), dir, "net", "br", NULL, f->srv, NOW0, msg,
				      sizeof(msg)), 0);
	/* past the 1 MiB at which a written lease file lets the journal fold */
	while (journal6_size(fd) < (1 << 20) + (64 << 10)) {
		for (unsigned b = 0; b < 256; b++, k++) {
			duid[8] = (uint8_t)(k >> 8);
			duid[9] = (uint8_t)k;
			solicit_request(f, duid, sizeof(duid), k);
		}
		assert_int_equal(leasedb_commit6_start(db, f->srv), 1);
		assert_int_equal(sync6_end(db, f), 0);
		assert_true(k < 60000);
	}
	replies = (unsigned)f->ev.count[DHCP6_EV_REPLY];
	assert_int_equal(replies, k);

	write_files(db);
	/* the fold runs in the thread: a batch with nothing to sync goes at once... */
	assert_true(leasedb_syncing6(db));
	duid[8] = 0xfe;
	p6_client(&p, 1, duid, sizeof(duid), 0xfffe, NULL, false, NULL);
	assert_int_equal(h6_pending(f->srv, &p, NOW0, &r6), DHCP6_REPLY);
	assert_int_equal(leasedb_commit6_start(db, f->srv), 0);
	/* ... one with records waits for it, then for its own sync */
	duid[8] = 0xff;
	solicit_request(f, duid, sizeof(duid), 0xffff);
	assert_int_equal(leasedb_commit6_start(db, f->srv), -EBUSY);
	assert_int_equal(leasedb_writer_start(db), -EBUSY);     /* nor a writer meanwhile */
	assert_int_equal(sync6_end(db, f), 1);
	assert_int_equal((unsigned)f->ev.count[DHCP6_EV_REPLY], replies);
	assert_true(journal6_size(fd) < (1 << 20));
	assert_int_equal(leasedb_commit6_start(db, f->srv), 1);
	r = sync6_end(db, f);
	assert_int_equal(r, 0);
	assert_int_equal((unsigned)f->ev.count[DHCP6_EV_REPLY], replies + 1);

	/* the lease file and the folded journal together hold every lease */
	leasedb_close(db);
	assert_int_equal(leasedb_open(&db, dup(fd), dir, "net", "br", NULL, g->srv, NOW0, msg,
				      sizeof(msg)), 0);
	assert_int_equal(dhcp6_server_lease_count(g->srv), k + 1);
	leasedb_close(db);

	remove_dir(fd, dir);
	fx6_free(f);
	fx6_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync6_thread_grants_only_when_durable),
		cmocka_unit_test(test_sync6_waits_for_a_fold_in_the_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
