/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cli: the vnetd command — its verbs, one file each, and how they report errors. */
#ifndef VNETD_CLI_H
#define VNETD_CLI_H

#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "dhcp/lease/lease.h"

#include <stdint.h>

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
int cmd_complete(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_import(const struct vnetd_paths *paths, int argc, char **argv);
/* respawn.c: `vnetd __respawn`, run by vnetd-supervise only (hidden from --help) */
int cmd_respawn(const struct vnetd_paths *paths, int argc, char **argv);
/* start.c: --new-client-rate's value (a number from 1 up, or "unlimited") */
bool start_parse_rate(const char *text, uint32_t *rate);

/*
 * define.c: refuse what libvirt refuses (the same name with another uuid, a
 * uuid or bridge another definition uses); says why, returns 1, else 0.
 */
int define_check_conflicts(const struct vnetd_paths *paths, struct netdef *def);

/* The verb table (main.c); an entry with no help text is hidden from --help. */
extern const struct vnetd_cmd vnetd_commands[];

/* leases_wait.c: wake `leases --wait` when a network's lease files change. */
struct lease_watch {
	int fd;                 /* inotify */
	char netdir[4096];      /* STATEDIR/NAME */
};

int lease_watch_open(struct lease_watch *w, const char *statedir, const char *name);
int lease_watch_wait(struct lease_watch *w, int64_t deadline_ms);
void lease_watch_close(struct lease_watch *w);
int64_t lease_watch_now_ms(void);
/* import6.c: `import`'s DHCPv6 leases, gathered as lease-file lines. */
struct import6 {
	struct lease_buf lines;         /* the v6 lease lines */
	uint8_t duid[130];              /* the server DUID the guests know */
	size_t duid_len;
	unsigned read, problems;
	lease_problem_fn problem;       /* the caller's reporter, and its userdata */
	void *userdata;
};

int import6_read(struct import6 *s, const char *text, size_t len, bool status_json,
		 lease_problem_fn on_problem, void *userdata);
/* The seed (v4 lines, then import6_seed()'s part) as the daemon will load it: how many kept. */
int import6_check(const struct netdef *def, struct import6 *s, const struct lease_buf *seed,
		  unsigned *kept);
int import6_seed(struct lease_buf *seed, const struct import6 *s, const uint8_t uuid[16]);

int cmd_attach(const struct vnetd_paths *paths, int argc, char **argv);
int cmd_detach(const struct vnetd_paths *paths, int argc, char **argv);

#endif
