/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd: what every verb shares — the directories, error output, the verb table. */
#ifndef VNETD_VNETD_H
#define VNETD_VNETD_H

#include <stdbool.h>
#include <stddef.h>

/* Where definitions, run state and leases live; each overridable for tests. */
struct vnetd_paths {
	const char *confdir;    /* /etc/vnetd: networks/NAME.xml, networks/autostart/ */
	const char *rundir;     /* /run/vnetd: NAME.state, NAME.lock */
	const char *statedir;   /* /var/lib/vnetd: leases */
};

struct vnetd_cmd {
	const char *name;
	int (*fn)(const struct vnetd_paths *paths, int argc, char **argv);
	const char *args;
	const char *help;
};

/* Print "vnetd: MESSAGE" on stderr; returns 1 (the failure exit status). */
int vnetd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Compose "DIR/SUB/NAME.EXT" into buf. NAME must already be a valid
 * network name; returns false if it is not or the path does not fit.
 */
bool vnetd_path(char *buf, size_t size, const char *dir, const char *sub, const char *name,
		const char *ext);

/*
 * The NAMEs of DIR/NAME.SUFFIX that are valid network names (stray files
 * vnetd would never have written are skipped), sorted; `keep` (may be NULL)
 * filters further. 0 (a missing DIR is an empty list) or negative errno.
 */
int vnetd_list_names(const char *dir, const char *suffix,
		     bool (*keep)(const char *name, void *ctx), void *ctx, char ***names,
		     size_t *count);
void vnetd_free_names(char **names, size_t count);

/* Refuse a name from the command line that could escape the directories. */
bool vnetd_check_name(const char *name);

int cmd_define(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_undefine(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_list(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_info(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_dumpxml(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_autostart(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_start(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_stop(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_leases(const struct vnetd_paths *paths, int argc, char **argv);

#endif
