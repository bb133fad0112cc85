/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The lease database at start: the lease file and the v4 journal read in
 * pieces of 64 KiB and folded into the DHCP server as they come, never
 * held whole (60 000 leases are ~4 MB of text, more than the tables they
 * fill: read whole, they were the daemon's peak). The v6 part of the lease
 * file (after its "duid" line) and the v6 journal are small and read whole.
 * Then the fold: the lease file takes everything and the journals start
 * empty.
 */
#include "netd/serve/leasedb-internal.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LEASE_FILE_MAX (64u << 20)      /* far above 60 000 leases */
#define PIECE (64u << 10)               /* longer than any line or record */

/* A file read in pieces through pread (the journal's descriptor is shared). */
struct piece {
	int fd;
	char *buf;              /* PIECE bytes */
	size_t len;             /* held, from buf[0] */
	uint64_t off;           /* the file offset of buf[0] */
	uint64_t size;          /* the file's size at open */
	bool eof;
};

static int fill(struct piece *p)
{
	while (!p->eof && p->len < PIECE) {
		ssize_t n = pread(p->fd, p->buf + p->len, PIECE - p->len,
				  (off_t)(p->off + p->len));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p->eof = n == 0;
		p->len += (size_t)n;
	}
	return 0;
}

static void consume(struct piece *p, size_t n)
{
	memmove(p->buf, p->buf + n, p->len - n);
	p->len -= n;
	p->off += n;
}

/* The bytes of p's whole lines: up to its last newline (all at the end, or
 * when one line fills the piece: *overlong, its rest to be skipped). */
static size_t whole_lines(const struct piece *p, bool *overlong)
{
	const char *nl = p->len ? memrchr(p->buf, '\n', p->len) : NULL;

	*overlong = false;
	if (p->eof)
		return p->len;
	if (nl)
		return (size_t)(nl - p->buf) + 1;
	*overlong = true;
	return p->len;
}

static unsigned count_lines(const char *text, size_t len)
{
	unsigned n = 0;
	const char *nl;

	while (len && (nl = memchr(text, '\n', len))) {
		n++;
		len -= (size_t)(nl - text) + 1;
		text = nl + 1;
	}
	return n;
}

/* Drop the rest of a line longer than a piece, already reported as too long. */
static int skip_line(struct piece *p)
{
	const char *nl;
	int r;

	for (;;) {
		if ((r = fill(p)) < 0)
			return r;
		nl = memchr(p->buf, '\n', p->len);
		if (nl || p->eof) {
			consume(p, nl ? (size_t)(nl - p->buf) + 1 : p->len);
			return 0;
		}
		consume(p, p->len);
	}
}

/*
 * The lease file's v4 lines, to srv (NULL: only looked through); *v6_at:
 * where its "duid" line starts (the file's end when it has none).
 */
static int stream_lines(struct dhcp_server *srv, struct piece *p, uint64_t *v6_at)
{
	unsigned lines = 0;
	bool overlong;
	size_t whole, v4;
	int r;

	for (;;) {
		if ((r = fill(p)) < 0)
			return r;
		whole = whole_lines(p, &overlong);
		v4 = lease_file6_v4_len(p->buf, whole);
		if (srv && (r = dhcp_server_load_lines(srv, p->buf, v4, lines)) < 0)
			return r;
		lines += overlong ? 1 : count_lines(p->buf, v4);
		if (v4 < whole || p->eof) {
			*v6_at = p->off + v4;
			return 0;
		}
		consume(p, whole);
		if (overlong && (r = skip_line(p)) < 0)
			return r;
	}
}

/* The v4 journal's records; *good: the bytes of the good ones. */
static int stream_journal(struct dhcp_server *srv, struct piece *p, size_t *good)
{
	bool stopped = false;
	long n;
	int r;

	*good = 0;
	for (;;) {
		if ((r = fill(p)) < 0)
			return r;
		n = dhcp_server_load_journal(srv, (const uint8_t *)p->buf, p->len, !p->eof,
					     &stopped);
		if (n < 0)
			return (int)n;
		*good = (size_t)(p->off + (uint64_t)n);
		if (stopped || p->eof || n == 0)
			return 0;       /* n == 0 before the end: a record longer than a piece */
		consume(p, (size_t)n);
	}
}

/* Open a file of the state directory to read, as statedir_read() checks it;
 * fd -1 when there is none. */
static int open_file(int dir_fd, const char *file, struct piece *p)
{
	struct stat st;
	int r = 0;

	p->fd = openat(dir_fd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (p->fd < 0)
		return errno == ENOENT ? 0 : errno == ELOOP ? -EPERM : -errno;
	if (fstat(p->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    (st.st_uid != getuid() && st.st_uid != 0))
		r = -EPERM;
	else if ((uint64_t)st.st_size > LEASE_FILE_MAX)
		r = -EFBIG;
	p->size = (uint64_t)st.st_size;
	if (r < 0) {
		close(p->fd);
		p->fd = -1;
	}
	return r;
}

static int fstat_size(int fd, uint64_t *size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return -errno;
	*size = (uint64_t)st.st_size;
	return 0;
}

/* [from, p->size) of the file into a new buffer (the v6 part). */
static int read_rest(struct piece *p, uint64_t from, char **text, size_t *len)
{
	size_t want = from < p->size ? (size_t)(p->size - from) : 0, got = 0;
	ssize_t n;

	*text = NULL;
	*len = 0;
	if (!want)
		return 0;
	if (!(*text = malloc(want)))
		return -ENOMEM;
	while (got < want && (n = pread(p->fd, *text + got, want - got,
					(off_t)(from + got))) != 0) {
		if (n < 0 && errno != EINTR)
			return -errno;
		got += n > 0 ? (size_t)n : 0;
	}
	*len = got;
	return 0;
}

int leasedb_server_duid(int dir_fd, const char *name, uint8_t *out, size_t cap)
{
	char file[NAME_MAX + 1], *text = NULL;
	struct piece p = { .fd = -1 };
	uint64_t v6_at = 0;
	size_t len = 0;
	int r;

	if (snprintf(file, sizeof(file), "%s.leases", name) >= (int)sizeof(file))
		return -ENAMETOOLONG;
	if ((r = open_file(dir_fd, file, &p)) < 0 || p.fd < 0)
		return r < 0 ? r : -ENOENT;
	if (!(p.buf = malloc(PIECE)))
		r = -ENOMEM;
	if (r == 0 && (r = stream_lines(NULL, &p, &v6_at)) == 0 &&
	    (r = read_rest(&p, v6_at, &text, &len)) == 0)
		r = lease_file6_server_duid(text ? text : "", len, out, cap);
	free(text);
	free(p.buf);
	close(p.fd);
	return r;
}

/* What one start read: whether there was a lease file, the journals' sizes. */
struct loaded {
	bool has_file;
	size_t journal_len, journal6_len, good, good6;
};

/* The v6 server's part: the v6 lines (read whole from v6_at) and its journal. */
static int load6(struct leasedb *db, struct dhcp6_server *srv6, struct piece *file,
		 uint64_t v6_at, struct loaded *ld, int64_t now)
{
	struct piece j6 = { .fd = db->j6.fd };
	char *text = NULL, *journal = NULL;
	size_t len = 0;
	int r;

	if ((r = read_rest(file, v6_at, &text, &len)) < 0)
		goto out;
	if ((r = fstat_size(j6.fd, &j6.size)) < 0 ||
	    (r = read_rest(&j6, 0, &journal, &ld->journal6_len)) < 0)
		goto out;
	r = dhcp6_server_load(srv6, text ? text : "", len, (const uint8_t *)journal,
			      ld->journal6_len, now, ldb_report_problem, db->leases_path,
			      &ld->good6);
	if (r == 0)
		dhcp6_server_commit(srv6);
out:
	free(text);
	free(journal);
	return r;
}

/* The v4 server's part: the lease file's v4 lines, then the journal, streamed. */
static int load4(struct leasedb *db, struct dhcp_server *srv, struct piece *file,
		 uint64_t *v6_at, struct loaded *ld, int64_t now)
{
	struct piece j4 = { .fd = db->j4.fd, .buf = file->buf };
	int r;

	dhcp_server_load_begin(srv, now, ldb_report_problem, db->leases_path);
	r = file->fd >= 0 ? stream_lines(srv, file, v6_at) : 0;
	if (r == 0 && (r = fstat_size(j4.fd, &j4.size)) == 0) {
		ld->journal_len = (size_t)j4.size;
		r = stream_journal(srv, &j4, &ld->good);
	}
	if (dhcp_server_load_end(srv) < 0 && r == 0)
		r = -ENOMEM;
	if (r == 0)
		dhcp_server_commit(srv);
	return r;
}

static int load(struct leasedb *db, struct dhcp_server *srv, struct dhcp6_server *srv6,
		struct loaded *ld, int64_t now, char *msg, size_t msg_size)
{
	struct piece file = { .fd = -1 };
	uint64_t v6_at = 0;
	int r;

	if ((r = open_file(db->dir_fd, db->leases_name, &file)) < 0) {
		snprintf(msg, msg_size, "cannot read %s: %s", db->leases_path, strerror(-r));
		return r;
	}
	ld->has_file = file.fd >= 0;
	if (!(file.buf = malloc(PIECE)))
		r = -ENOMEM;
	else if (srv)
		r = load4(db, srv, &file, &v6_at, ld, now);
	else if (file.fd >= 0)
		r = stream_lines(NULL, &file, &v6_at);
	if (r == 0 && srv6)
		r = load6(db, srv6, &file, v6_at, ld, now);
	free(file.buf);
	if (file.fd >= 0)
		close(file.fd);
	if (r < 0)
		snprintf(msg, msg_size, "cannot load leases: %s", strerror(-r));
	if (ld->good < ld->journal_len)
		log_msg(LOG_WARNING, "%s: %zu bytes of a torn last record skipped", db->j4.path,
			ld->journal_len - ld->good);
	if (ld->good6 < ld->journal6_len)
		log_msg(LOG_WARNING, "%s: %zu bytes of a torn last record skipped", db->j6.path,
			ld->journal6_len - ld->good6);
	return r;
}

static void fold_journal(struct ldb_journal *j, bool flushed, size_t good, size_t len)
{
	if (j->fd < 0)
		return;
	if (flushed) {
		j->size = 0;
		j->torn = true;
	} else {
		/* the disk is full, say: keep the journal, without its torn tail */
		j->size = good;
		j->torn = good < len;
	}
	ldb_journal_cut_back(j);
}

/* Fold: the lease file takes everything, then the journals start empty. */
static void fold(struct leasedb *db, const struct loaded *ld)
{
	bool flushed;

	db->j4.size = ld->good;
	db->j6.size = ld->good6;
	flushed = leasedb_flush(db) == 0;
	if (!flushed)
		db->dirty = true;
	fold_journal(&db->j4, flushed, ld->good, ld->journal_len);
	fold_journal(&db->j6, flushed, ld->good6, ld->journal6_len);
}

int ldb_load(struct leasedb *db, struct dhcp_server *srv, struct dhcp6_server *srv6,
	     int64_t now, char *msg, size_t msg_size)
{
	struct loaded ld = { 0 };
	int r;

	if ((r = ldb_journal_open(&db->j4, db->dir_fd, msg, msg_size)) < 0 ||
	    (srv6 && (r = ldb_journal_open(&db->j6, db->dir_fd, msg, msg_size)) < 0))
		return r;
	if ((r = load(db, srv, srv6, &ld, now, msg, msg_size)) < 0)
		return r;
	if (ld.has_file && ld.journal_len == 0 && ld.journal6_len == 0) {
		/* nothing to fold: a start costs no disk sync; the first flush drops
		 * what expired a moment later */
		db->dirty = true;
		ldb_journal_reserve(&db->j4, 0);
		if (db->j6.fd >= 0)
			ldb_journal_reserve(&db->j6, 0);
	} else {
		fold(db, &ld);
	}
	return 0;
}
