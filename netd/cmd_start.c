/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd start NAME | --autostart, vnetd stop NAME */
#include "netd/lifecycle.h"
#include "netd/store.h"
#include "netd/vnetd.h"

#include <stdio.h>
#include <string.h>

static int start_one(const struct vnetd_paths *paths, const char *name)
{
	char msg[700];
	int r;

	if (!vnetd_check_name(name))
		return vnetd_error("'%s' is not a valid network name", name);
	r = lifecycle_start(paths, name, msg, sizeof(msg));
	if (r < 0)
		return vnetd_error("cannot start network '%s': %s", name, msg);
	if (r == 1)
		printf("Network %s is already active\n", name);
	else
		printf("Network %s started\n", name);
	return 0;
}

/* At boot: start every autostart network; one failure does not stop the rest. */
static int start_autostart(const struct vnetd_paths *paths)
{
	char **names;
	size_t n, i;
	int r, rc = 0;

	if ((r = store_list(paths, true, &names, &n)) < 0)
		return vnetd_error("cannot list autostart networks: %s", strerror(-r));
	for (i = 0; i < n; i++)
		if (start_one(paths, names[i]))
			rc = 1;
	store_free_list(names, n);
	return rc;
}

int cmd_start(const struct vnetd_paths *paths, int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--autostart"))
		return start_autostart(paths);
	if (argc != 2 || argv[1][0] == '-')
		return vnetd_error("usage: vnetd start NAME | --autostart");
	return start_one(paths, argv[1]);
}

int cmd_stop(const struct vnetd_paths *paths, int argc, char **argv)
{
	char msg[700];
	int r;

	if (argc != 2)
		return vnetd_error("usage: vnetd stop NAME");
	if (!vnetd_check_name(argv[1]))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	r = lifecycle_stop(paths, argv[1], msg, sizeof(msg));
	if (r < 0)
		return vnetd_error("cannot stop network '%s': %s", argv[1], msg);
	if (r == 1)
		printf("Network %s is not active\n", argv[1]);
	else
		printf("Network %s stopped\n", argv[1]);
	return 0;
}
