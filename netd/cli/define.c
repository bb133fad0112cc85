/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vnetd define FILE, vnetd undefine NAME */
#include "netd/host/host.h"
#include "netd/def/netdef.h"
#include "netd/cli/cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/*
 * Refuse what libvirt refuses: the same name with another uuid, the same uuid
 * under another name, a bridge name another definition already uses.
 */
int define_check_conflicts(const struct vnetd_paths *paths, struct netdef *def)
{
	char **names, uuid[37];
	size_t n, i;
	int r, rc = 0;

	if ((r = store_list(paths, false, &names, &n)) < 0)
		return vnetd_error("cannot list %s/networks: %s", paths->confdir, strerror(-r));
	for (i = 0; i < n && !rc; i++) {
		struct netdef *other = NULL;
		bool same_name = !strcmp(names[i], def->name);

		if (store_load(paths, names[i], &other, NULL) < 0)
			continue;       /* a broken definition cannot conflict */
		netdef_uuid_format(other->uuid, uuid);
		if (same_name && !def->uuid_given) {
			/* redefining without a uuid keeps the network's identity */
			memcpy(def->uuid, other->uuid, 16);
			def->uuid_given = true;
			if (!def->has_mac && other->has_mac) {
				memcpy(def->mac, other->mac, 6);
				def->has_mac = true;
			}
		} else if (same_name && memcmp(def->uuid, other->uuid, 16)) {
			rc = vnetd_error("network '%s' already exists with uuid %s", def->name,
					 uuid);
		} else if (!same_name && !memcmp(def->uuid, other->uuid, 16)) {
			rc = vnetd_error("uuid %s is already used by network '%s'", uuid,
					 names[i]);
		} else if (!same_name && def->bridge_name[0] &&
			   !strcmp(def->bridge_name, other->bridge_name)) {
			rc = vnetd_error("bridge name '%s' is already used by network '%s'",
					 def->bridge_name, names[i]);
		}
		netdef_free(other);
	}
	vnetd_free_names(names, n);
	return rc;
}

int cmd_define(const struct vnetd_paths *paths, int argc, char **argv)
{
	struct netdef *def = NULL;
	struct netdef_error err;
	char buf[600];
	bool changed;
	int r, rc = 1;

	if (argc != 2)
		return vnetd_error("usage: vnetd define FILE");
	if (netdef_parse_file(argv[1], &def, &err) < 0) {
		netdef_error_format(&err, buf, sizeof(buf));
		return vnetd_error("%s", buf);
	}
	if (define_check_conflicts(paths, def))
		goto out;
	if ((r = store_complete(paths, def, &changed, buf, sizeof(buf))) < 0) {
		vnetd_error("%s", buf);
		goto out;
	}
	if ((r = store_save(paths, def)) < 0) {
		vnetd_error("cannot save %s/networks/%s.xml: %s", paths->confdir, def->name,
			    strerror(-r));
		goto out;
	}
	printf("Network %s defined from %s\n", def->name, argv[1]);
	rc = 0;
out:
	netdef_free(def);
	return rc;
}

int cmd_undefine(const struct vnetd_paths *paths, int argc, char **argv)
{
	int r;

	if (argc != 2)
		return vnetd_error("usage: vnetd undefine NAME");
	if (!vnetd_valid_name(argv[1]))
		return vnetd_error("'%s' is not a valid network name", argv[1]);
	r = store_remove(paths, argv[1]);
	if (r == -ENOENT)
		return vnetd_error("network '%s' is not defined", argv[1]);
	if (r < 0)
		return vnetd_error("cannot remove the definition of '%s': %s", argv[1],
				   strerror(-r));
	/* as with libvirt, a running network keeps running until stopped */
	printf("Network %s has been undefined\n", argv[1]);
	return 0;
}
