/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leasedb: the serving daemon's lease files. The journal makes every lease
 * change durable before its ACK leaves (one fdatasync per batch: group
 * commit); the admin's lease file and libvirt's status JSON are rewritten
 * from memory off the hot path, and the journal is folded into them.
 */
#ifndef VNETD_LEASEDB_H
#define VNETD_LEASEDB_H

#include "dhcp/dhcp.h"
#include "netd/vnetd.h"

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct leasedb {
	char leases_path[PATH_MAX];     /* for messages */
	char journal_path[PATH_MAX];
	char leases_name[NAME_MAX + 1]; /* inside the state directory */
	char status_name[NAME_MAX + 1];
	int dir_fd;                     /* the state directory, opened while privileged */
	int journal_fd;
	size_t journal_size;
	bool dirty;             /* the lease file lags behind memory */
};

/*
 * Open the journal, load lease file + journal into `srv` (problems are
 * logged, never fatal), then fold: write the lease file and status, empty
 * the journal. 0 or negative errno with msg.
 */
int leasedb_open(struct leasedb *db, const struct vnetd_paths *paths, const char *name,
		 const char *bridge, struct dhcp_server *srv, int64_t now, char *msg,
		 size_t msg_size);

/* Append the server's pending journal records and fdatasync them. */
int leasedb_commit(struct leasedb *db, struct dhcp_server *srv);

/* Rewrite the lease file and status from memory; fold the journal when large. */
int leasedb_flush(struct leasedb *db, const struct dhcp_server *srv);

void leasedb_close(struct leasedb *db);

#endif
