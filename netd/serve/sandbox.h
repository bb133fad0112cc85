/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sandbox: what the serving daemon can still reach of the file system once
 * it parses guests' packets. Before it drops privileges it moves into a
 * mount namespace of its own where the state directory shows only this
 * network's own directory (other networks' lease files are not there at
 * all, though their daemons run as the same user) and every other mount is
 * read-only and nosuid. Nothing of this is visible outside the process.
 */
#ifndef VNETD_SANDBOX_H
#define VNETD_SANDBOX_H

#include <stddef.h>

/*
 * Enter the sandbox: STATEDIR/NAME (`netdir_fd`, from statedir_prepare) is
 * mounted over `statedir`, writable; the rest becomes read-only. 0 or
 * negative errno with msg (a kernel without mount_setattr only skips the
 * read-only part).
 */
int sandbox_enter(const char *statedir, const char *name, int netdir_fd, char *msg,
		  size_t msg_size);

#endif
