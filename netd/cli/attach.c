/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd attach NAME TAP [--mac MAC], vnetd detach NAME TAP */
#include "netd/host/host.h"
#include "netd/cli/cli.h"

#include <ctype.h>
#include <getopt.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#define ATTACH_USAGE "usage: vnetd attach NAME TAP [--mac MAC]"

/* aa:bb:cc:dd:ee:ff, unicast and not zero (a guest's own address). */
static bool parse_mac(const char *text, struct run_mac *mac)
{
	unsigned b[6];
	int n = 0, i;

	if (strlen(text) != 17 || sscanf(text, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2],
					 &b[3], &b[4], &b[5], &n) != 6 || n != 17)
		return false;
	for (i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)text[i * 3]) ||
		    !isxdigit((unsigned char)text[i * 3 + 1]))
			return false;
		mac->b[i] = (uint8_t)b[i];
	}
	mac->set = true;
	return !(b[0] & 1) && (b[0] | b[1] | b[2] | b[3] | b[4] | b[5]);
}

static bool valid_port(const char *name)
{
	size_t len = strlen(name);

	return len && len < IF_NAMESIZE && strcspn(name, "/: \t\n") == len &&
	       strcmp(name, ".") && strcmp(name, "..");
}

static int check_names(const char *name, const char *port)
{
	if (!vnetd_valid_name(name))
		return vnetd_error("'%s' is not a valid network name", name);
	if (!valid_port(port))
		return vnetd_error("'%s' is not a valid interface name", port);
	return 0;
}

int cmd_attach(const struct vnetd_paths *paths, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "mac", required_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_mac mac = { 0 };
	char msg[700];
	int opt, r;

	optind = 0;     /* 0: GNU getopt starts afresh, options may follow the names */
	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (opt != 'm')
			return vnetd_error(ATTACH_USAGE);
		if (!parse_mac(optarg, &mac))
			return vnetd_error("--mac: '%s' is not a unicast MAC address "
					   "(aa:bb:cc:dd:ee:ff)", optarg);
	}
	if (argc - optind != 2)
		return vnetd_error(ATTACH_USAGE);
	if (check_names(argv[optind], argv[optind + 1]))
		return 1;
	r = host_attach(paths, argv[optind], argv[optind + 1], &mac, msg, sizeof(msg));
	if (r < 0)
		return vnetd_error("cannot attach %s to network '%s': %s", argv[optind + 1],
				   argv[optind], msg);
	printf("Port %s %s network %s%s\n", argv[optind + 1],
	       r == 1 ? "was already attached to" : "attached to", argv[optind],
	       mac.set ? " (port security on)" : "");
	return 0;
}

int cmd_detach(const struct vnetd_paths *paths, int argc, char **argv)
{
	char msg[700];

	if (argc != 3)
		return vnetd_error("usage: vnetd detach NAME TAP");
	if (check_names(argv[1], argv[2]))
		return 1;
	if (host_detach(paths, argv[1], argv[2], msg, sizeof(msg)) < 0)
		return vnetd_error("cannot detach %s from network '%s': %s", argv[2], argv[1], msg);
	printf("Port %s detached from network %s\n", argv[2], argv[1]);
	return 0;
}
