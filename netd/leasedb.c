/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/leasedb.h"
#include "netd/atomic_file.h"
#include "netd/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define LEASE_FILE_MAX (64u << 20)      /* far above 60 000 leases */
#define JOURNAL_FOLD_AT (1u << 20)      /* fold the journal once it passes 1 MiB */

static void report_problem(void *userdata, const struct lease_error *e)
{
	const char *what = userdata;

	if (e->line)
		log_msg(LOG_WARNING, "%s: line/record %u skipped: %s", what, e->line, e->message);
	else
		log_msg(LOG_WARNING, "%s: %s", what, e->message);
}

int leasedb_commit(struct leasedb *db, struct dhcp_server *srv)
{
	const uint8_t *data;
	size_t len;
	int r;

	dhcp_server_journal_pending(srv, &data, &len);
	if (!len)
		return 0;
	if ((r = write_full(db->journal_fd, data, len)) < 0)
		return r;
	if (fdatasync(db->journal_fd) < 0)
		return -errno;
	db->journal_size += len;
	dhcp_server_commit(srv);
	db->dirty = true;
	return 0;
}

#define FLUSH_CHUNK (64u << 10)

/*
 * Both files are written through one small buffer flushed every 64 KiB, so
 * that 60 000 leases do not need their whole text in memory at once.
 */
struct flush_ctx {
	struct atomic_writer leases, status;
	struct lease_buf line, json;
	bool first;
};

static void drain(struct atomic_writer *w, struct lease_buf *b, size_t above)
{
	if (b->len > above) {
		atomic_writer_write(w, b->data, b->len);
		b->len = 0;
	}
}

static int flush_one(void *userdata, const struct lease_info *l)
{
	struct flush_ctx *f = userdata;
	int r;

	if ((r = lease_file_append(&f->line, l)) < 0 ||
	    (r = lease_status_append(&f->json, l, f->first)) < 0)
		return r;
	f->first = false;
	drain(&f->leases, &f->line, FLUSH_CHUNK);
	drain(&f->status, &f->json, FLUSH_CHUNK);
	return 0;
}

int leasedb_flush(struct leasedb *db, const struct dhcp_server *srv)
{
	struct flush_ctx f = { .leases.fd = -1, .status.fd = -1, .first = true };
	int r;

	if ((r = atomic_writer_begin(&f.status, db->dir_fd, db->status_name, 0644)) < 0 ||
	    (r = atomic_writer_begin(&f.leases, db->dir_fd, db->leases_name, 0644)) < 0 ||
	    (r = lease_status_begin(&f.json)) < 0 ||
	    (r = dhcp_server_foreach_lease(srv, flush_one, &f)) < 0 ||
	    (r = lease_status_end(&f.json, f.first)) < 0) {
		log_msg(LOG_ERR, "cannot write %s: %s", db->leases_path, strerror(-r));
		atomic_writer_abort(&f.status);
		atomic_writer_abort(&f.leases);
		goto out;
	}
	drain(&f.status, &f.json, 0);
	drain(&f.leases, &f.line, 0);
	/* status first: whoever sees the new lease file finds the status as new */
	r = atomic_writer_commit(&f.status);
	if (r < 0)
		log_msg(LOG_ERR, "cannot write the status file of %s: %s", db->leases_path,
			strerror(-r));
	r = atomic_writer_commit(&f.leases);
	if (r < 0) {
		log_msg(LOG_ERR, "cannot write %s: %s", db->leases_path, strerror(-r));
		goto out;
	}
	db->dirty = false;
	/* the lease file now holds everything the journal says: it may be emptied */
	if (db->journal_size >= JOURNAL_FOLD_AT && ftruncate(db->journal_fd, 0) == 0)
		db->journal_size = 0;
out:
	lease_buf_free(&f.line);
	lease_buf_free(&f.json);
	return r;
}

static int read_optional(const char *path, char **buf, size_t *len)
{
	int r = read_small_file(path, LEASE_FILE_MAX, buf, len);

	if (r == -ENOENT) {
		*buf = NULL;
		*len = 0;
		return 0;
	}
	return r;
}

int leasedb_open(struct leasedb *db, const struct vnetd_paths *paths, const char *name,
		 const char *bridge, struct dhcp_server *srv, int64_t now, char *msg,
		 size_t msg_size)
{
	char *text = NULL, *journal = NULL;
	size_t text_len, journal_len, good = 0;
	int r;

	memset(db, 0, sizeof(*db));
	db->journal_fd = db->dir_fd = -1;
	if (!vnetd_path(db->leases_path, sizeof(db->leases_path), paths->statedir, NULL, name,
			".leases") ||
	    !vnetd_path(db->journal_path, sizeof(db->journal_path), paths->statedir, NULL, name,
			".journal") ||
	    snprintf(db->leases_name, sizeof(db->leases_name), "%s.leases", name) < 0 ||
	    snprintf(db->status_name, sizeof(db->status_name), "%s.status", bridge) < 0) {
		snprintf(msg, msg_size, "state directory path too long");
		return -ENAMETOOLONG;
	}
	db->dir_fd = open(paths->statedir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (db->dir_fd < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot open %s: %s", paths->statedir, strerror(-r));
		return r;
	}
	db->journal_fd = openat(db->dir_fd, strrchr(db->journal_path, '/') + 1,
				O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (db->journal_fd < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot open %s: %s", db->journal_path, strerror(-r));
		return r;
	}
	if ((r = read_optional(db->leases_path, &text, &text_len)) < 0 ||
	    (r = read_optional(db->journal_path, &journal, &journal_len)) < 0) {
		snprintf(msg, msg_size, "cannot read the lease files in %s: %s", paths->statedir,
			 strerror(-r));
		goto out;
	}
	r = dhcp_server_load(srv, text ? text : "", text_len, (const uint8_t *)journal,
			     journal_len, now, report_problem, db->leases_path, &good);
	if (r < 0) {
		snprintf(msg, msg_size, "cannot load leases: %s", strerror(-r));
		goto out;
	}
	if (good < journal_len)
		log_msg(LOG_WARNING, "%s: %zu bytes of a torn last record skipped",
			db->journal_path, journal_len - good);
	dhcp_server_commit(srv);
	/*
	 * Nothing to fold: leave the files alone now (a start costs no disk
	 * sync) and let the first flush, a moment later, drop what expired.
	 */
	if (text && journal_len == 0) {
		db->dirty = true;
		r = 0;
		goto out;
	}
	/* fold: the lease file takes everything, then the journal starts empty */
	if ((r = leasedb_flush(db, srv)) < 0) {
		snprintf(msg, msg_size, "cannot write %s", db->leases_path);
		goto out;
	}
	if (ftruncate(db->journal_fd, 0) < 0 || fsync(db->journal_fd) < 0) {
		r = -errno;
		snprintf(msg, msg_size, "cannot empty %s: %s", db->journal_path, strerror(-r));
		goto out;
	}
	db->journal_size = 0;
	r = 0;
out:
	free(text);
	free(journal);
	return r;
}

void leasedb_close(struct leasedb *db)
{
	if (db->journal_fd >= 0)
		close(db->journal_fd);
	if (db->dir_fd >= 0)
		close(db->dir_fd);
	db->journal_fd = db->dir_fd = -1;
}
