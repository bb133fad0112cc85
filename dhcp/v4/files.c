/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The admin's lease file and libvirt's status JSON, written from memory in
 * one pass over the bound leases. Both go out through small buffers drained
 * every 64 KiB into the caller's sinks (atomic file writers in the daemon,
 * memory in the tests), so 60 000 leases never need their whole text in
 * memory at once.
 */
#include <errno.h>

#include "dhcp/v4/dhcp-internal.h"

#define CHUNK (64u << 10)

struct files {
	struct lease_sink *leases, *status;
	struct lease_buf line, json;
	bool first;
};

static void drain(struct lease_sink *sink, struct lease_buf *b, size_t above)
{
	if (b->len > above) {
		sink->write(sink->ctx, b->data, b->len);
		b->len = 0;
	}
}

static int one(void *userdata, const struct lease_info *l)
{
	struct files *f = userdata;
	int r;

	if ((r = lease_file_append(&f->line, l)) < 0 ||
	    (r = lease_status_append(&f->json, l, f->first)) < 0)
		return r;
	f->first = false;
	drain(f->leases, &f->line, CHUNK);
	drain(f->status, &f->json, CHUNK);
	return 0;
}

int dhcp_server_write_parts(const struct dhcp_server *srv, struct lease_sink *leases,
			    struct lease_sink *status, size_t *wrote)
{
	struct files f = { .leases = leases, .status = status, .first = true };
	int r;

	if ((r = dhcp_server_foreach_lease(srv, one, &f)) == 0) {
		drain(leases, &f.line, 0);
		drain(status, &f.json, 0);
	}
	lease_buf_free(&f.line);
	lease_buf_free(&f.json);
	if (wrote)
		*wrote = !f.first;
	return r;
}

int dhcp_server_write_files(const struct dhcp_server *srv, struct lease_sink *leases,
			    struct lease_sink *status)
{
	struct lease_buf edge = { 0 };
	size_t wrote = 0;
	int r;

	if ((r = lease_status_begin(&edge)) < 0)
		goto out;
	drain(status, &edge, 0);
	if ((r = dhcp_server_write_parts(srv, leases, status, &wrote)) < 0 ||
	    (r = lease_status_end(&edge, !wrote)) < 0)
		goto out;
	drain(status, &edge, 0);
out:
	lease_buf_free(&edge);
	return r;
}
