/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd autostart NAME [--disable] */
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <stdio.h>
#include <string.h>

int cmd_autostart(const struct vnetd_paths *paths, int argc, char **argv)
{
	bool disable = argc == 3 && !strcmp(argv[2], "--disable");
	int r;

	if (argc != 2 && !disable)
		return vnetd_error("usage: vnetd autostart NAME [--disable]");
	if (!vnetd_valid_name(argv[1]))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	if (!store_is_defined(paths, argv[1]))
		return vnetd_error("network '%s' is not defined", argv[1]);
	r = store_set_autostart(paths, argv[1], !disable);
	if (r < 0)
		return vnetd_error("cannot change autostart of '%s': %s", argv[1], strerror(-r));
	printf("Network %s %s\n", argv[1],
	       disable ? "unmarked as autostarted" : "marked as autostarted");
	return 0;
}
