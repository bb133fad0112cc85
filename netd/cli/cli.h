/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli: the vnetd command — its verbs, one file each, and how they report errors. */
#ifndef VNETD_CLI_H
#define VNETD_CLI_H

#include "netd/base/base.h"

struct vnetd_cmd {
	const char *name;
	int (*fn)(const struct vnetd_paths *paths, int argc, char **argv);
	const char *args;
	const char *help;
};

/* Print "vnetd: MESSAGE" on stderr; returns 1 (the failure exit status). */
int vnetd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cmd_define(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_undefine(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_list(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_info(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_dumpxml(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_autostart(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_start(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_stop(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_leases(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_update(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_reload(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_stats(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_events(const struct vnetd_paths *paths, int argc, char **argv);

#endif
