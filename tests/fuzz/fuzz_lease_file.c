/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libFuzzer target: the lease file and journal parsers, and the server's
 * start-up load. The first byte splits the input into lease-file text and
 * journal bytes. Whatever loads must format back into a lease file that
 * parses without a single problem, and a journal re-encoded from the
 * leases must replay whole.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "dhcp/v4/dhcp-internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fuzz_lease_seen {
	int problems;
	struct lease_buf journal;
};

static void fuzz_lease_problem(void *ud, const struct lease_error *e)
{
	struct fuzz_lease_seen *s = ud;

	(void)e;
	s->problems++;
}

static int fuzz_lease_rejournal(void *ud, const struct lease_info *l)
{
	struct fuzz_lease_seen *s = ud;

	return lease_journal_append(&s->journal, LEASE_JOURNAL_BIND, l);
}

/* Replay data as two pieces cut at `cut`, the rest of the first carried over. */
static long fuzz_replay_in_pieces(const uint8_t *data, size_t size, size_t cut)
{
	struct lease_replay st = { 0 };
	long n = lease_journal_replay_part(data, cut, true, &st, NULL, NULL, NULL), m;

	if (n < 0 || (size_t)n > cut)
		abort();
	if (st.stopped)
		return n;
	m = lease_journal_replay_part(data + n, size - (size_t)n, false, &st, NULL, NULL, NULL);
	return m < 0 ? m : n + m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dhcp_range range = { 0 };
	struct dhcp_config cfg = { 0 };
	struct dhcp_server *srv;
	struct lease_buf text = { 0 }, status = { 0 };
	struct fuzz_lease_seen s = { 0 };
	size_t split, good;
	long rc;

	if (!size)
		return 0;
	split = data[0] <= size - 1 ? data[0] : size - 1;
	inet_pton(AF_INET, "192.168.122.2", &range.start);
	inet_pton(AF_INET, "192.168.122.254", &range.end);
	inet_pton(AF_INET, "192.168.122.1", &cfg.server_addr);
	cfg.prefix = 24;
	cfg.ranges = &range;
	cfg.n_ranges = 1;
	if (dhcp_server_new(&cfg, &srv, NULL) < 0)
		abort();
	dhcp_server_load(srv, (const char *)data + 1, split, data + 1 + split, size - 1 - split,
			 1700000000, NULL, NULL, &good);
	if (good > size - 1 - split)
		abort();
	/* The raw parsers on the whole input as well. */
	lease_file_parse((const char *)data, size, NULL, NULL, NULL);
	rc = lease_journal_replay(data, size, NULL, NULL, NULL);
	if (rc < 0 || (size_t)rc > size)
		abort();
	/* In two pieces, as the daemon streams it: the same good bytes. */
	if (fuzz_replay_in_pieces(data, size, split) != rc)
		abort();
	/* Round trip: what we write we read back without complaint. */
	if (dhcp_server_write_files(srv, &(struct lease_sink){ lease_buf_sink, &text },
				    &(struct lease_sink){ lease_buf_sink, &status }) < 0)
		abort();
	if (lease_file_parse((const char *)text.data, text.len, NULL, fuzz_lease_problem, &s) !=
	    (int)dhcp_server_lease_count(srv) || s.problems)
		abort();
	dhcp_server_foreach_lease(srv, fuzz_lease_rejournal, &s);
	if (lease_journal_replay(s.journal.data, s.journal.len, NULL, fuzz_lease_problem, &s) !=
	    (long)s.journal.len || s.problems)
		abort();
	lease_buf_free(&text);
	lease_buf_free(&status);
	lease_buf_free(&s.journal);
	dhcp_server_free(srv);
	return 0;
}
