/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * statedir: each network keeps its lease files in a directory of its own,
 * STATEDIR/NAME, owned by the serving daemon's account. Root creates that
 * directory and gives it away, and otherwise never creates, truncates or
 * writes a file in it: the daemon does all of that after it dropped its
 * privileges. Whatever root reads there (`vnetd leases`) is opened without
 * following links, never blocks on a FIFO and must be a plain file of the
 * daemon's — a subverted daemon cannot make root read, write or wait on
 * anything else. STATEDIR itself is left as found (never chowned).
 */
#ifndef VNETD_STATEDIR_H
#define VNETD_STATEDIR_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Create STATEDIR (root's, 0755, when missing) and STATEDIR/NAME (owned by
 * uid:gid, 0750), or check an existing STATEDIR/NAME is a real directory
 * of that owner; move lease files of the older flat layout
 * (STATEDIR/NAME.leases, .journal) into it. Returns a descriptor of
 * STATEDIR/NAME, or negative errno with msg.
 */
int statedir_prepare(const char *statedir, const char *name, uid_t uid, gid_t gid, char *msg,
		     size_t msg_size);

/* STATEDIR/NAME for reading: a descriptor, -ENOENT when there is none, or an error. */
int statedir_open(const char *statedir, const char *name);

/*
 * Read `file` of the directory `dirfd` whole (at most `max` bytes, NUL
 * added): a regular file with one link, owned by root or by `owner`.
 * -ENOENT when absent; -EPERM for anything else it finds there.
 */
int statedir_read(int dirfd, const char *file, uid_t owner, size_t max, char **buf,
		  size_t *len);

#endif
