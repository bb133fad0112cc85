/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd import NAME [--from DIR] [--leases FILE] [--force]: move a libvirt
 * network to vnetd with every guest's address. The definition comes from
 * DIR/NAME.xml (libvirt's /etc/libvirt/qemu/networks); the leases from FILE
 * or libvirt's /var/lib/libvirt/dnsmasq/BRIDGE.status — its status JSON, or
 * a dnsmasq NAME.leases file, IPv4 and IPv6 leases (import6.c). They become
 * the network's NAME.leases seed,
 * which the daemon folds at start like any lease file of its own (expired
 * leases too: the address stays remembered for its client). The seed is
 * written by a child running as the daemon's account, as the state
 * directory's rules want (statedir.h): root writes nothing in there.
 */
#include "dhcp/lease/lease.h"
#include "netd/adapt/adapt.h"
#include "netd/host/host.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define LIBVIRT_NETWORKS "/etc/libvirt/qemu/networks"
#define LIBVIRT_DNSMASQ "/var/lib/libvirt/dnsmasq"
#define IMPORT_LEASES_MAX (64u << 20)

struct import_opts {
	const char *name, *from, *leases;
	bool force;
};

struct seed {
	struct lease_buf text;          /* NAME.leases lines */
	const char *file;               /* where they came from, for messages */
	unsigned read, problems;
	struct import6 v6;              /* the DHCPv6 leases, joined to text by check_seed */
};

static void note_problem(void *userdata, const struct lease_error *e)
{
	struct seed *s = userdata;

	s->problems++;
	fprintf(stderr, "vnetd: %s: %s\n", s->file, e->message);
}

static int add_lease(void *userdata, const struct lease_info *l)
{
	struct seed *s = userdata;

	s->read++;
	return lease_file_append(&s->text, l) < 0 ? -ENOMEM : 0;
}

/* The lease file to read: --leases, or libvirt's status of the bridge (may be missing). */
static int read_leases(const struct import_opts *o, const struct netdef *def, struct seed *s,
		       char *path, size_t size)
{
	size_t len, skip;
	char *text;
	bool json;
	int r;

	if (o->leases) {
		snprintf(path, size, "%s", o->leases);
	} else if (!def->bridge_name[0] || strchr(def->bridge_name, '%')) {
		printf("No bridge name in the definition, so no lease data: importing the "
		       "definition only\n");
		return 0;
	} else {
		snprintf(path, size, "%s/%s.status", LIBVIRT_DNSMASQ, def->bridge_name);
	}
	s->file = path;
	r = read_small_file(path, IMPORT_LEASES_MAX, &text, &len);
	if (r == -ENOENT && !o->leases) {
		printf("No lease data at %s: importing the definition only\n", path);
		return 0;
	}
	if (r < 0)
		return vnetd_error("cannot read %s: %s", path, strerror(-r));
	skip = strspn(text, " \t\r\n");
	json = skip == len || text[skip] == '[';
	/* libvirt's status JSON, or dnsmasq's own lease lines (IPv4 before the duid line) */
	if (json)
		r = lease_status_parse(text, len, add_lease, note_problem, s);
	else
		r = lease_file_parse(text, lease_file6_v4_len(text, len), add_lease, note_problem,
				     s);
	if (r >= 0)
		r = import6_read(&s->v6, text, len, json, note_problem, s);
	free(text);
	if (r == -EBADMSG)
		return vnetd_error("%s is not a lease status file: nothing imported", path);
	return r < 0 ? vnetd_error("cannot read %s: %s", path, strerror(-r)) : 0;
}

/* The DHCPv6 leases after the IPv4 lines, checked the same way; *kept counts them too. */
static int check_seed6(const struct netdef *def, struct seed *s, unsigned *kept)
{
	unsigned kept6 = 0;

	if (import6_seed(&s->text, &s->v6, def->uuid) < 0)
		return vnetd_error("out of memory");
	if (import6_check(def, &s->v6, &s->text, &kept6))
		return 1;
	/* no IPv6 <dhcp>: the v6 part goes again (the daemon would drop it anyway) */
	if (!s->v6.read)
		s->text.len = lease_file6_v4_len((const char *)s->text.data, s->text.len);
	*kept += kept6;
	s->read += s->v6.read;
	return 0;
}

/* What the daemon will keep of the seed: its own load, problems named (they are skipped). */
static int check_seed(const struct netdef *def, struct seed *s, unsigned *kept)
{
	struct dhcp_setup setup;
	struct dhcp_server *srv = NULL;
	char msg[300];
	int r;

	*kept = 0;
	if (!s->text.len)
		return check_seed6(def, s, kept);
	r = dhcp_setup_build(def, &setup, msg, sizeof(msg));
	if (r < 0)
		return vnetd_error("%s", msg);
	if (r == 0) {
		printf("Network %s has no <dhcp>: its %u leases are not imported\n", def->name,
		       s->read);
		lease_buf_free(&s->text);
		s->read = 0;
		return check_seed6(def, s, kept);
	}
	s->problems = 0;
	r = dhcp_server_new(&setup.cfg, &srv, NULL);
	if (r == 0)
		r = dhcp_server_load(srv, (const char *)s->text.data, s->text.len, NULL, 0,
				     (int64_t)time(NULL), note_problem, s, NULL);
	dhcp_setup_free(&setup);
	dhcp_server_free(srv);
	if (r < 0)
		return vnetd_error("cannot check the leases: %s", strerror(-r));
	*kept = s->read - s->problems;
	return check_seed6(def, s, kept);
}

/* Lease state already in STATEDIR/NAME (a file of either name there). */
static bool has_lease_state(const struct vnetd_paths *paths, const char *name)
{
	char file[VNETD_NAME_MAX + 16];
	struct stat st;
	int dirfd = statedir_open(paths->statedir, name);
	bool found = false;

	if (dirfd < 0)
		return dirfd != -ENOENT;        /* unreadable: do not guess it is empty */
	snprintf(file, sizeof(file), "%s.leases", name);
	found = fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
	snprintf(file, sizeof(file), "%s.journal", name);
	found = found || fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
	snprintf(file, sizeof(file), "%s.journal6", name);
	found = found || fstatat(dirfd, file, &st, AT_SYMLINK_NOFOLLOW) == 0;
	close(dirfd);
	return found;
}

/* In the child, as the daemon's account: NAME.leases replaced, an old journal gone. */
static int write_seed_as_daemon(int dirfd, const char *name, const struct lease_buf *text)
{
	char file[VNETD_NAME_MAX + 16], msg[300];
	int r;

	if (privdrop(PRIVDROP_DAEMON, msg, sizeof(msg)) < 0)
		return EPERM;
	snprintf(file, sizeof(file), "%s.journal", name);
	if (unlinkat(dirfd, file, 0) < 0 && errno != ENOENT)
		return errno;
	snprintf(file, sizeof(file), "%s.journal6", name);
	if (unlinkat(dirfd, file, 0) < 0 && errno != ENOENT)
		return errno;
	snprintf(file, sizeof(file), "%s.leases", name);
	r = atomic_file_write_at(dirfd, file, text->data ? (const void *)text->data : "",
				 text->len, 0644);
	return -r;
}

static int write_seed(const struct vnetd_paths *paths, const char *name,
		      const struct lease_buf *text)
{
	char msg[300];
	uid_t uid;
	gid_t gid;
	int dirfd, status, r;
	pid_t pid;

	if (privdrop_user(PRIVDROP_DAEMON, &uid, &gid, msg, sizeof(msg)) < 0)
		return vnetd_error("%s", msg);
	dirfd = statedir_prepare(paths->statedir, name, uid, gid, msg, sizeof(msg));
	if (dirfd < 0)
		return vnetd_error("%s", msg);
	fflush(NULL);
	pid = fork();
	if (pid == 0)
		_exit(write_seed_as_daemon(dirfd, name, text) & 0xff);
	close(dirfd);
	if (pid < 0)
		return vnetd_error("cannot fork: %s", strerror(errno));
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return vnetd_error("cannot write the leases into %s/%s: %s", paths->statedir,
				   name, r < 0 || !WIFEXITED(status) ? "the writer died" :
				   strerror(WEXITSTATUS(status)));
	return 0;
}

static int parse_opts(int argc, char **argv, struct import_opts *o)
{
	static const struct option opts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "leases", required_argument, NULL, 'l' },
		{ "force", no_argument, NULL, 'F' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	memset(o, 0, sizeof(*o));
	o->from = LIBVIRT_NETWORKS;
	optind = 0;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt == 'f')
			o->from = optarg;
		else if (opt == 'l')
			o->leases = optarg;
		else if (opt == 'F')
			o->force = true;
		else
			return -1;
	}
	if (optind != argc - 1)
		return -1;
	o->name = argv[optind];
	return 0;
}

/* The libvirt definition, checked: its name is the one asked for. */
static int load_definition(const struct import_opts *o, struct netdef **def)
{
	struct netdef_error err;
	char path[4096], buf[600];

	if (snprintf(path, sizeof(path), "%s/%s.xml", o->from, o->name) >= (int)sizeof(path))
		return vnetd_error("%s/%s.xml: path too long", o->from, o->name);
	if (netdef_parse_file(path, def, &err) < 0) {
		netdef_error_format(&err, buf, sizeof(buf));
		return vnetd_error("%s", buf);
	}
	if (strcmp((*def)->name, o->name))
		return vnetd_error("%s defines network '%s', not '%s'", path, (*def)->name,
				   o->name);
	return 0;
}

/* Define it (replacing the old one under --force); on failure the old one is back. */
static int define_it(const struct vnetd_paths *paths, struct netdef *def, struct netdef *old,
		     bool old_autostart)
{
	char buf[600];
	bool changed;
	int r;

	if (old)
		store_remove(paths, def->name);
	if (define_check_conflicts(paths, def))
		r = 1;
	else if ((r = store_complete(paths, def, &changed, buf, sizeof(buf))) < 0)
		r = vnetd_error("%s", buf);
	else if ((r = store_save(paths, def)) < 0)
		r = vnetd_error("cannot save %s/networks/%s.xml: %s", paths->confdir, def->name,
				strerror(-r));
	if (r && old && store_save(paths, old) == 0)
		store_set_autostart(paths, old->name, old_autostart);
	return r;
}

static int import_checked(const struct vnetd_paths *paths, const struct import_opts *o,
			  struct netdef *def, struct netdef *old, struct seed *s)
{
	char path[4096];
	bool autostart = old && store_get_autostart(paths, o->name);
	unsigned kept;

	if (read_leases(o, def, s, path, sizeof(path)) || check_seed(def, s, &kept))
		return 1;
	if (s->text.len && has_lease_state(paths, o->name) && !o->force)
		return vnetd_error("%s/%s already holds leases: --force replaces them",
				   paths->statedir, o->name);
	if (define_it(paths, def, old, autostart))
		return 1;
	if (s->text.len && write_seed(paths, o->name, &s->text)) {
		store_remove(paths, o->name);
		if (old && store_save(paths, old) == 0)
			store_set_autostart(paths, o->name, autostart);
		return 1;
	}
	printf("Network %s imported from %s/%s.xml", o->name, o->from, o->name);
	if (s->text.len)
		printf(" with %u of %u leases from %s", kept, s->read, s->file);
	printf("\n");
	return 0;
}

int cmd_import(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct import_opts o;
	struct netdef *def = NULL, *old = NULL;
	struct seed s = { .file = NULL };
	struct run_state st;
	int r;

	if (parse_opts(argc, argv, &o) < 0)
		return vnetd_error("usage: vnetd import NAME [--from DIR] [--leases FILE] "
				   "[--force]");
	if (!vnetd_valid_name(o.name))
		return vnetd_error("'%s' is not a valid network name", o.name);
	if (lifecycle_status(paths, o.name, &st) != NET_INACTIVE)
		return vnetd_error("network '%s' is running: stop it before importing over it",
				   o.name);
	if (store_is_defined(paths, o.name)) {
		if (!o.force)
			return vnetd_error("network '%s' is already defined: --force replaces "
					   "it", o.name);
		if (store_load(paths, o.name, &old, NULL) < 0)
			old = NULL;
	}
	r = load_definition(&o, &def);
	if (r == 0)
		r = import_checked(paths, &o, def, old, &s);
	lease_buf_free(&s.text);
	lease_buf_free(&s.v6.lines);
	netdef_free(def);
	netdef_free(old);
	return r;
}
