/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd __complete WHAT: what bash completion (conf/vnetd.bash-completion)
 * offers, one word a line, so the script never parses tables meant for
 * people. Hidden from --help.
 *   verbs          every verb
 *   options VERB   that verb's options (from its usage line)
 *   defined        defined networks
 *   running        networks that run (or have a stale run state)
 */
#include "netd/host/host.h"
#include "netd/base/base.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <stdio.h>
#include <string.h>

static void print_options(const char *verb)
{
	const struct vnetd_cmd *c;
	const char *p;

	for (c = vnetd_commands; c->name && strcmp(c->name, verb); c++)
		;
	if (!c->name || !c->args)
		return;
	/* "--opt" words of the usage line, each once, in order */
	for (p = strstr(c->args, "--"); p; p = strstr(p + 2, "--")) {
		size_t n = strspn(p, "-abcdefghijklmnopqrstuvwxyz");

		printf("%.*s\n", (int)n, p);
	}
}

static void print_names(const struct vnetd_paths *paths, bool running)
{
	char **names;
	size_t n, i;
	int r = running ? state_list(paths, &names, &n) : store_list(paths, false, &names, &n);

	if (r < 0)
		return;
	for (i = 0; i < n; i++)
		puts(names[i]);
	vnetd_free_names(names, n);
}

int cmd_complete(const struct vnetd_paths *paths, int argc, char **argv)
{
	const struct vnetd_cmd *c;

	if (argc == 2 && !strcmp(argv[1], "verbs")) {
		for (c = vnetd_commands; c->name; c++)
			if (c->help)
				puts(c->name);
	} else if (argc == 3 && !strcmp(argv[1], "options")) {
		print_options(argv[2]);
	} else if (argc == 2 && (!strcmp(argv[1], "defined") || !strcmp(argv[1], "running"))) {
		print_names(paths, !strcmp(argv[1], "running"));
	} else {
		return vnetd_error("usage: vnetd __complete verbs|options VERB|defined|running");
	}
	return 0;
}
