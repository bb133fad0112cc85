/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privdrop: become one of vnetd's own unprivileged accounts with libcap-ng,
 * keeping exactly the capabilities the role needs — none for the serving
 * daemon, CAP_NET_ADMIN for the firewall keeper — with no ambient,
 * inheritable or bounding set left and no way back (no_new_privs). The two
 * roles have two accounts, so a subverted daemon cannot signal its keeper,
 * and neither shares files with another service (there is no fallback to
 * "nobody": its files would be every nobody-service's files).
 */
#ifndef VNETD_PRIVDROP_H
#define VNETD_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

#define PRIVDROP_DAEMON_USER "vnetd"
#define PRIVDROP_KEEPER_USER "vnetd-keeper"

enum privdrop_role {
	PRIVDROP_DAEMON,        /* parses guests' packets: no capability */
	PRIVDROP_KEEPER,        /* re-installs the firewall: CAP_NET_ADMIN */
};

/* The role's account. 0, or -ENOENT with msg saying how to create it. */
int privdrop_user(enum privdrop_role role, uid_t *uid, gid_t *gid, char *msg,
		  size_t msg_size);

/* Become the role's account. 0 or negative errno with msg filled. */
int privdrop(enum privdrop_role role, char *msg, size_t msg_size);

#endif
