/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/base/base.h"

#include <cap-ng.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const char *role_user(enum privdrop_role role)
{
	return role == PRIVDROP_KEEPER ? PRIVDROP_KEEPER_USER : PRIVDROP_DAEMON_USER;
}

int privdrop_user(enum privdrop_role role, uid_t *uid, gid_t *gid, char *msg,
		  size_t msg_size)
{
	const char *name = role_user(role);
	const struct passwd *pw = getpwnam(name);

	if (!pw || pw->pw_uid == 0) {
		snprintf(msg, msg_size,
			 "the system user '%s' does not exist (it is created by 'make install', "
			 "or by systemd-sysusers from vnetd.conf; by hand: useradd --system "
			 "--no-create-home --shell /usr/sbin/nologin %s)", name, name);
		return -ENOENT;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

/*
 * for_exec: the role's capabilities also inheritable and ambient, so that
 * they survive the execve() of a program without file capabilities (the
 * small programs, netd/small/); they give up the ambient set themselves.
 */
static int drop(enum privdrop_role role, bool for_exec, char *msg, size_t msg_size)
{
	capng_type_t keep = CAPNG_EFFECTIVE | CAPNG_PERMITTED | (for_exec ? CAPNG_INHERITABLE : 0);
	uid_t uid;
	gid_t gid;
	int r;

	if ((r = privdrop_user(role, &uid, &gid, msg, msg_size)) < 0)
		return r;
	capng_clear(CAPNG_SELECT_ALL);
	if (role == PRIVDROP_KEEPER && capng_update(CAPNG_ADD, keep, CAP_NET_ADMIN) < 0) {
		snprintf(msg, msg_size, "cannot keep CAP_NET_ADMIN");
		return -EPERM;
	}
	/* changes uid/gid, drops supplementary groups and the bounding set */
	r = capng_change_id((int)uid, (int)gid, CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
	if (r < 0) {
		snprintf(msg, msg_size, "cannot become user %s (libcap-ng error %d)",
			 role_user(role), r);
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(msg, msg_size, "cannot set no_new_privs: %s", strerror(errno));
		return -errno;
	}
	/* make sure: no ambient capabilities survive (kernel >= 4.3) but those asked for */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (for_exec && role == PRIVDROP_KEEPER &&
	    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_ADMIN, 0, 0) < 0) {
		snprintf(msg, msg_size, "cannot keep CAP_NET_ADMIN across exec: %s",
			 strerror(errno));
		return -EPERM;
	}
	/* other networks' daemons share the account: none may trace this one */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (getuid() == 0 || geteuid() == 0) {
		snprintf(msg, msg_size, "still root after dropping privileges");
		return -EPERM;
	}
	return 0;
}

int privdrop(enum privdrop_role role, char *msg, size_t msg_size)
{
	return drop(role, false, msg, msg_size);
}

int privdrop_exec(enum privdrop_role role, char *msg, size_t msg_size)
{
	return drop(role, true, msg, msg_size);
}
