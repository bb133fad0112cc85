/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Putting a network's table in place and taking it away.
 */
#include <errno.h>
#include <stdlib.h>

#include "nat/nat-internal.h"

/* Each call talks on its own socket, so numbering can start anywhere. */
#define NAT_FIRST_SEQ 1

int nat_install(const struct nat_config *cfg, struct nat_error *err)
{
	return nat_install_held(cfg, NULL, err);
}

/* The public name of a kept socket is libmnl's, under a name of ours. */
void nat_release(struct nat_held *held)
{
	nat_sock_close((struct mnl_socket *)held);
}

int nat_batch_bytes(const struct nat_config *cfg, void **buf, size_t *len,
		    struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN];
	int n, r;

	*buf = NULL;
	*len = 0;
	/* Measure first, then build into a buffer of exactly that size. */
	if ((n = nat_build_batch(cfg, NULL, 0, NAT_FIRST_SEQ, err)) <= 0)
		return n;
	if (!(*buf = malloc((size_t)n))) {
		nat_table_name(cfg->network, table, sizeof(table));
		return nat_fail(err, -ENOMEM, "building firewall batch for %s: out of memory",
				table);
	}
	if ((r = nat_build_batch(cfg, *buf, (size_t)n, NAT_FIRST_SEQ, err)) < 0) {
		free(*buf);
		*buf = NULL;
		return r;
	}
	*len = (size_t)r;
	return 0;
}

int nat_install_held(const struct nat_config *cfg, struct nat_held **held,
		     struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN];
	void *buf;
	size_t len;
	int r;

	if ((r = nat_check_config(cfg, err)) < 0)
		return r;
	if (cfg->mode == NAT_MODE_OPEN) {
		/* open: the network must not leave a table behind from another mode */
		r = nat_remove(cfg->network, err);
		return r == -ENOENT ? 0 : r;
	}
	nat_table_name(cfg->network, table, sizeof(table));
	if ((r = nat_batch_bytes(cfg, &buf, &len, err)) < 0)
		return r;
	r = nat_talk_batch_keep(buf, len, table, (struct mnl_socket **)held, err);
	free(buf);
	return r < 0 ? r : 0;
}

int nat_remove(const char *network, struct nat_error *err)
{
	char table[NFT_TABLE_MAXNAMELEN];
	/* begin + one table message + end: well under 1 KiB */
	union { char bytes[1024]; struct nlmsghdr hdr; } buf = { { 0 } };
	struct nat_batch b;
	int r;

	if ((r = nat_table_of(network, table, err)) < 0)
		return r;
	nat_batch_init(&b, buf.bytes, sizeof(buf.bytes), NAT_FIRST_SEQ);
	nat_batch_begin(&b);
	nat_batch_table(&b, NFT_MSG_DELTABLE, 0, table);
	nat_batch_end(&b);
	if (b.err < 0)
		return nat_fail(err, b.err, "building the removal of %s failed", table);
	return nat_talk_batch(buf.bytes, b.len, table, err);
}
