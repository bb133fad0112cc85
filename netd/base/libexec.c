/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Where the small programs vnetd execs live: beside the running vnetd when
 * it runs from its build tree (build/vnetd-keeper next to build/vnetd), else
 * in the directory `make install` put them in. Never from PATH: a root
 * process must not run whatever a PATH names.
 */
#include "netd/base/base.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef VNETD_LIBEXECDIR
#define VNETD_LIBEXECDIR "/usr/local/libexec/vnetd"
#endif

static bool runnable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

int libexec_find(const char *prog, char *path, size_t size)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	char *slash;

	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			if ((size_t)snprintf(path, size, "%s/%s", self, prog) < size && runnable(path))
				return 0;
		}
	}
	if ((size_t)snprintf(path, size, "%s/%s", VNETD_LIBEXECDIR, prog) >= size)
		return -ENAMETOOLONG;
	return runnable(path) ? 0 : -ENOENT;
}
