/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The keeper's own process: what it keeps of what the exec gave it, and the
 * daemon it follows.
 */
#include "netd/keeper/keeper.h"
#include "netd/small/small.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>

#define NET_ADMIN_BIT (1u << CAP_NET_ADMIN)     /* CAP_NET_ADMIN is 12: in data[0] */

int kp_settle(char *why, size_t size)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	/* other networks' keepers share the account: none may trace this one */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (getuid() == 0 || geteuid() == 0) {
		snprintf(why, size, "runs as root: vnetd-keeper runs only as vnetd starts it");
		return -EPERM;
	}
	/* CAP_NET_ADMIN came through the exec as an ambient capability: keep it, not that */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (syscall(SYS_capget, &hdr, data) < 0 || !(data[0].permitted & NET_ADMIN_BIT)) {
		snprintf(why, size, "has no CAP_NET_ADMIN");
		return -EPERM;
	}
	memset(data, 0, sizeof(data));
	data[0].effective = data[0].permitted = NET_ADMIN_BIT;
	if (syscall(SYS_capset, &hdr, data) < 0) {
		int r = -errno;

		snprintf(why, size, "cannot give up other capabilities: %s", strerror(errno));
		return r;
	}
	return 0;
}

int kp_follow(pid_t pid, uint64_t start, char *why, size_t size)
{
	struct small_stat st;
	int fd = small_pidfd_open(pid);

	/* the pidfd first: if the start time then matches, it is the daemon's, not a reuse */
	if (fd >= 0 && small_read_stat(pid, &st) == 0 && st.state != 'Z' && st.state != 'X' &&
	    st.start == start)
		return fd;
	snprintf(why, size, "cannot follow the daemon (pid %d)", (int)pid);
	if (fd >= 0)
		close(fd);
	return -1;
}
