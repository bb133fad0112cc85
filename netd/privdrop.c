/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/privdrop.h"

#include <cap-ng.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static const struct passwd *service_user(void)
{
	const struct passwd *pw = getpwnam("vnetd");

	return pw ? pw : getpwnam("nobody");
}

int privdrop_user(uid_t *uid, gid_t *gid)
{
	const struct passwd *pw = service_user();

	if (!pw)
		return -ENOENT;
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	return 0;
}

int privdrop(bool keep_net_admin, char *msg, size_t msg_size)
{
	const struct passwd *pw = service_user();
	int r;

	if (!pw) {
		snprintf(msg, msg_size, "neither user 'vnetd' nor 'nobody' exists");
		return -ENOENT;
	}
	capng_clear(CAPNG_SELECT_ALL);
	if (keep_net_admin &&
	    capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN) < 0) {
		snprintf(msg, msg_size, "cannot keep CAP_NET_ADMIN");
		return -EPERM;
	}
	/* changes uid/gid, drops supplementary groups and the bounding set */
	r = capng_change_id((int)pw->pw_uid, (int)pw->pw_gid,
			    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING);
	if (r < 0) {
		snprintf(msg, msg_size, "cannot become user %s (libcap-ng error %d)", pw->pw_name,
			 r);
		return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) {
		snprintf(msg, msg_size, "cannot set no_new_privs: %s", strerror(errno));
		return -errno;
	}
	/* make sure: no ambient capabilities survive (kernel >= 4.3) */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (getuid() == 0 || geteuid() == 0) {
		snprintf(msg, msg_size, "still root after dropping privileges");
		return -EPERM;
	}
	return 0;
}
