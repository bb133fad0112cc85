/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * privdrop: become the unprivileged vnetd user (or nobody) with libcap-ng,
 * keeping exactly the capabilities asked for — none for the serving daemon,
 * CAP_NET_ADMIN for the firewall keeper — with no ambient, inheritable or
 * bounding set left and no way back (no_new_privs).
 */
#ifndef VNETD_PRIVDROP_H
#define VNETD_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

/* The account the daemons run as: "vnetd", else "nobody". 0 or -ENOENT. */
int privdrop_user(uid_t *uid, gid_t *gid);

/* 0 or negative errno with msg filled. */
int privdrop(bool keep_net_admin, char *msg, size_t msg_size);

#endif
