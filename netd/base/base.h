/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * base: what every part of vnetd shares, and nothing of any one part — where
 * things live (the three directories, network names), the log, processes
 * (start, check, stop), files (atomic replacement, safe reads, each
 * network's state directory) and the service accounts.
 */
#ifndef VNETD_BASE_H
#define VNETD_BASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>
#include <syslog.h>

/* ---- directories and network names ---- */

/*
 * Where definitions, run state and leases live (each overridable for tests),
 * file names under those directories, and network names: the one thing a
 * user types that becomes part of a path.
 */

#define VNETD_NAME_MAX 64      /* network names become file names */

struct vnetd_paths {
	const char *confdir;    /* /etc/vnetd: networks/NAME.xml, networks/autostart/ */
	const char *rundir;     /* /run/vnetd: NAME.state, NAME.lock */
	const char *statedir;   /* /var/lib/vnetd: NAME/ with the leases */
};

/*
 * The name becomes a file name, a log field and a systemd instance name, so
 * only a conservative character set is allowed (no '/', quotes or spaces):
 * letters, digits and "._+:-", not starting with '.' or '-'.
 */
bool vnetd_valid_name(const char *name);

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

/* ---- the log ---- */

/*
 * log: the serving daemon's log. Lines go to syslog (the journal picks them
 * up) tagged "vnetd[NAME]"; in --foreground also to stderr. Lines are rate
 * limited (a burst of 200, then 50 a second, for each of errors, warnings
 * and notices, and information): what is dropped is counted, and the next
 * line of its class that passes, or log_flush_suppressed(), says how many.
 */

void log_open(const char *network, bool to_stderr);
void log_msg(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Call from the event loop: for each class whose lines were dropped and
 * whose limit allows one more, logs "N messages suppressed". Returns the ms
 * to wait before calling again while some are still unreported, -1 when none.
 */
int64_t log_flush_suppressed(void);

/*
 * For tests: lines go to `out` only (no syslog), time comes from now_ms
 * (NULL: the monotonic clock), and the limit starts afresh.
 */
void log_redirect(FILE *out, int64_t (*now_ms)(void));

/* ---- processes ---- */

/*
 * proc: the daemons' processes as `stop`, `list` and `info` see them. A pid
 * alone can be reused, so a process is known by pid plus its start time
 * (field 22 of /proc/PID/stat) and only signalled when both match.
 */

/* The process's start time in clock ticks since boot, or 0 if it is gone. */
uint64_t proc_start_time(pid_t pid);

bool proc_alive(pid_t pid, uint64_t start_time);

/*
 * SIGTERM the process and wait up to timeout_ms for it to end, then SIGKILL.
 * Both signals go through a pidfd opened while pid and start time matched,
 * so a pid reused in between is never signalled (kill() only on kernels
 * without pidfds). 0 when it is gone (or was already), negative errno
 * otherwise.
 */
int proc_terminate(pid_t pid, uint64_t start_time, int timeout_ms);

/* ---- interfaces ---- */

/* ifname's MTU (SIOCGIFMTU), or negative errno. */
int link_mtu(const char *ifname);

/* ---- spawning a network process ---- */

/* spawn: fork one of a network's processes and wait until it is ready. */

#define SPAWN_READY_TIMEOUT_MS 10000

/* What runs in the child; returns its exit status. */
typedef int (*spawn_fn)(void *arg, int ready_fd);

/*
 * Fork; the child detaches (new session, stdio on /dev/null, every other
 * inherited descriptor closed — an rtnetlink socket opened by root keeps
 * root's rights in whoever holds it) and runs fn. The parent returns once
 * the child reported ready (0, *pid and *start_time set) or failed
 * (negative errno, msg holds the child's own reason).
 */
int spawn_process(spawn_fn fn, void *arg, bool keep_stderr, pid_t *pid, uint64_t *start_time,
		  char *msg, size_t msg_size);

/*
 * In a child: block SIGTERM, SIGINT and SIGHUP and return a signalfd that
 * delivers them to the event loop instead (or -1).
 */
int spawn_signalfd(void);

/* In the child: say "ready" (error NULL) or why not, then close the fd. */
void spawn_report(int ready_fd, const char *error);

/*
 * The path of one of vnetd's small programs (vnetd-keeper, ...): beside this
 * executable, else in the install's libexec directory. 0, or -ENOENT.
 */
int libexec_find(const char *prog, char *path, size_t size);

/* ---- files ---- */

/*
 * Whole-file replacement that survives a crash at any point: write a temp
 * file, fsync it, rename it over the target, fsync the directory. A reader
 * sees the old file or the new one, never a mix.
 */

/* 0 or negative errno. */
int atomic_file_write(const char *path, const void *data, size_t len, mode_t mode);

/*
 * The same, for `name` inside the directory open as `dirfd`: a process that
 * dropped privileges keeps writing there through a descriptor opened before,
 * whatever the permissions of the directories above it.
 */
int atomic_file_write_at(int dirfd, const char *name, const void *data, size_t len,
			 mode_t mode);

/*
 * The same, written piece by piece (for files too big to build in memory
 * first): begin, write any number of times, then commit (fsync + rename +
 * fsync of the directory) or abort (the target is left as it was).
 */
struct atomic_writer {
	int dirfd;
	int fd;
	int error;                      /* first failure, reported at commit */
	mode_t mode;
	off_t written;                  /* bytes written so far */
	off_t sent;                     /* of those, handed to writeback (files.c, write-behind) */
	off_t settled;                  /* of those, waited for */
	char name[256];
	char tmp[256];
};

int atomic_writer_begin(struct atomic_writer *w, int dirfd, const char *name, mode_t mode);
void atomic_writer_write(struct atomic_writer *w, const void *data, size_t len);
int atomic_writer_commit(struct atomic_writer *w);
void atomic_writer_abort(struct atomic_writer *w);

/* write() all of it, across short writes and EINTR; 0 or negative errno. */
int write_full(int fd, const void *data, size_t len);

/* Create a directory and its parents (like mkdir -p); 0 or negative errno. */
int mkdir_parents(const char *path, mode_t mode);

/* Read `size` bytes (fewer at end of file) of fd into a NUL-terminated malloc'ed buffer. */
int read_fd_whole(int fd, size_t size, char **ret, size_t *len);

/* Read a whole file of at most `max` bytes into a NUL-terminated malloc'ed buffer. */
int read_small_file(const char *path, size_t max, char **ret, size_t *len);

/* ---- each network's state directory ---- */

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

/* ---- the service accounts ---- */

/*
 * privdrop: become one of vnetd's own unprivileged accounts with libcap-ng,
 * keeping exactly the capabilities the role needs — none for the serving
 * daemon, CAP_NET_ADMIN for the firewall keeper — with no ambient,
 * inheritable or bounding set left and no way back (no_new_privs). The two
 * roles have two accounts, so a subverted daemon cannot signal its keeper,
 * and neither shares files with another service (there is no fallback to
 * "nobody": its files would be every nobody-service's files).
 */

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

/*
 * The same before an execve(): the role's capabilities are kept as ambient
 * ones (and inheritable), so the program exec'd holds them; it is to give
 * the ambient set up itself (netd/keeper/self.c does).
 */
int privdrop_exec(enum privdrop_role role, char *msg, size_t msg_size);

#endif
