/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd reload NAME: the stored definition against what runs; what can
 * change live does (netd/host/live.c), what needs a restart is named.
 */
#include "netd/cli/cli.h"
#include "netd/host/host.h"

#include <stdio.h>

int cmd_reload(const struct vnetd_paths *paths, int argc, char **argv)
{
	char out[4096], msg[1024];

	if (argc != 2) {
		vnetd_error("usage: vnetd reload NAME");
		return 2;
	}
	if (lifecycle_reload(paths, argv[1], out, sizeof(out), msg, sizeof(msg)) < 0) {
		fputs(out, stdout);
		return vnetd_error("%s", msg);
	}
	fputs(out, stdout);
	printf("Network %s reloaded\n", argv[1]);
	return 0;
}
