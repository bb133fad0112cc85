/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unit tests for the DHCPv4 journal's sync thread (netd/serve/leasedb_sync.c):
 * a sync commits exactly what was pending when it started (the ACK event
 * only then), what is handled meanwhile waits for the next sync, and the
 * records are in the journal file once committed: a server started again
 * from the directory (as after a kill -9) finds every committed lease.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dhcp_fixture.h"
#include "netd/serve/leasedb.h"

static void discover_select(struct fixture *f, uint8_t last)
{
	struct pkt p;
	struct reply r;

	udhcpc_discover(&p, last);
	assert_int_equal(handle_pending(f->srv, &p, NOW0, &r), DHCP_REPLY);
	udhcpc_select(&p, last, rep_u32(&r, 16), ip4("192.168.122.1"));
	assert_int_equal(handle_pending(f->srv, &p, NOW0, &r), DHCP_REPLY);
	assert_int_equal(rep_type(&r), DHCPACK);
}

/* Wait for the running sync's end and commit it. */
static int sync_end(struct leasedb *db, struct fixture *f)
{
	struct pollfd pfd = { .fd = leasedb_sync_fd(db), .events = POLLIN };

	assert_true(pfd.fd >= 0);
	assert_int_equal(poll(&pfd, 1, 10000), 1);
	return leasedb_commit_end(db, f->srv);
}

static off_t journal_size(int dir_fd)
{
	struct stat st;

	assert_int_equal(fstatat(dir_fd, "net.journal", &st, 0), 0);
	return st.st_size;
}

static void test_sync_thread_group_commit(void **state)
{
	char dir[] = "/tmp/vnetd-sync-XXXXXX", msg[256];
	struct fixture *f = fx_new(NULL), *g = fx_new(NULL);
	struct leasedb *db = NULL;
	int fd, acks = f->ev.count[DHCP_EV_ACK];
	off_t after_first;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_int_equal(leasedb_open(&db, dup(fd), dir, "net", "br", f->srv, NULL, NOW0, msg,
				      sizeof(msg)), 0);
	discover_select(f, 0x11);
	assert_int_equal(leasedb_commit_start(db, f->srv), 1);
	assert_true(leasedb_syncing(db));
	/* handled during the sync: it waits, its ACK event too */
	discover_select(f, 0x12);
	assert_int_equal(leasedb_commit_start(db, f->srv), -EBUSY);
	assert_int_equal(sync_end(db, f), 0);
	assert_false(leasedb_syncing(db));
	assert_int_equal(f->ev.count[DHCP_EV_ACK], acks + 1);
	after_first = journal_size(fd);
	assert_true(after_first > 0);
	/* the next sync takes it */
	assert_int_equal(leasedb_commit_start(db, f->srv), 1);
	assert_int_equal(sync_end(db, f), 0);
	assert_int_equal(f->ev.count[DHCP_EV_ACK], acks + 2);
	assert_true(journal_size(fd) > after_first);
	/* nothing pending: committed at once, no sync */
	assert_int_equal(leasedb_commit_start(db, f->srv), 0);

	/* as after a kill -9 (closing writes no file): another server reads the directory */
	leasedb_close(db);
	assert_int_equal(leasedb_open(&db, dup(fd), dir, "net", "br", g->srv, NULL, NOW0, msg,
				      sizeof(msg)), 0);
	assert_int_equal(dhcp_server_lease_count(g->srv), 2);
	leasedb_close(db);
	unlinkat(fd, "net.leases", 0);
	unlinkat(fd, "net.journal", 0);
	unlinkat(fd, "br.status", 0);
	close(fd);
	assert_int_equal(rmdir(dir), 0);
	fx_free(f);
	fx_free(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sync_thread_group_commit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
