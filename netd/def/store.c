/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "netd/def/netdef.h"
#include "netd/base/base.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

int store_load(const struct vnetd_paths *paths, const char *name, struct netdef **ret,
	       struct netdef_error *err)
{
	char path[PATH_MAX];

	if (!vnetd_path(path, sizeof(path), paths->confdir, "networks", name, ".xml"))
		return -EINVAL;
	if (access(path, F_OK) < 0 && errno == ENOENT)
		return -ENOENT;
	return netdef_parse_file(path, ret, err);
}

bool store_is_defined(const struct vnetd_paths *paths, const char *name)
{
	char path[PATH_MAX];

	return vnetd_path(path, sizeof(path), paths->confdir, "networks", name, ".xml") &&
	       access(path, F_OK) == 0;
}

int store_save(const struct vnetd_paths *paths, const struct netdef *def)
{
	char dir[PATH_MAX], path[PATH_MAX], *xml;
	int r;

	if (!vnetd_path(dir, sizeof(dir), paths->confdir, "networks", NULL, NULL) ||
	    !vnetd_path(path, sizeof(path), paths->confdir, "networks", def->name, ".xml"))
		return -EINVAL;
	if ((r = mkdir_parents(dir, 0755)) < 0)
		return r;
	xml = netdef_format(def);
	if (!xml)
		return -ENOMEM;
	r = atomic_file_write(path, xml, strlen(xml), 0644);
	free(xml);
	return r;
}

static bool autostart_path(const struct vnetd_paths *paths, const char *name, char *buf,
			   size_t size)
{
	return vnetd_path(buf, size, paths->confdir, "networks/autostart", name, ".xml");
}

int store_remove(const struct vnetd_paths *paths, const char *name)
{
	char path[PATH_MAX];

	if (autostart_path(paths, name, path, sizeof(path)))
		unlink(path);
	if (!vnetd_path(path, sizeof(path), paths->confdir, "networks", name, ".xml"))
		return -EINVAL;
	return unlink(path) < 0 ? -errno : 0;
}

bool store_get_autostart(const struct vnetd_paths *paths, const char *name)
{
	char path[PATH_MAX];

	/* a dangling link does not count: stat follows it */
	struct stat st;

	return autostart_path(paths, name, path, sizeof(path)) && stat(path, &st) == 0;
}

int store_set_autostart(const struct vnetd_paths *paths, const char *name, bool on)
{
	char path[PATH_MAX], dir[PATH_MAX], target[PATH_MAX];
	int r;

	if (!autostart_path(paths, name, path, sizeof(path)) ||
	    !vnetd_path(dir, sizeof(dir), paths->confdir, "networks/autostart", NULL, NULL))
		return -EINVAL;
	if (!on)
		return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
	if ((r = mkdir_parents(dir, 0755)) < 0)
		return r;
	snprintf(target, sizeof(target), "../%s.xml", name);
	if (symlink(target, path) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

static bool is_autostart(const char *name, void *ctx)
{
	return store_get_autostart(ctx, name);
}

int store_list(const struct vnetd_paths *paths, bool autostart_only, char ***names,
	       size_t *count)
{
	char dir[PATH_MAX];

	*names = NULL;
	*count = 0;
	if (!vnetd_path(dir, sizeof(dir), paths->confdir,
			autostart_only ? "networks/autostart" : "networks", NULL, NULL))
		return -EINVAL;
	return vnetd_list_names(dir, ".xml", autostart_only ? is_autostart : NULL,
				(void *)paths, names, count);
}

/* Is this bridge name used by another definition or an existing interface? */
static bool bridge_name_taken(const struct vnetd_paths *paths, const char *self,
			      const char *bridge)
{
	char **names;
	size_t n, i;
	bool taken = if_nametoindex(bridge) != 0;

	if (taken || store_list(paths, false, &names, &n) < 0)
		return taken;
	for (i = 0; i < n && !taken; i++) {
		struct netdef *other = NULL;

		if (!strcmp(names[i], self))
			continue;
		if (store_load(paths, names[i], &other, NULL) == 0 &&
		    !strcmp(other->bridge_name, bridge))
			taken = true;
		netdef_free(other);
	}
	vnetd_free_names(names, n);
	return taken;
}

static int pick_bridge_name(const struct vnetd_paths *paths, struct netdef *def,
			    char *msg, size_t msg_size)
{
	char tmpl[NETDEF_IFNAME_MAX + 1], name[NETDEF_IFNAME_MAX + 8];
	const char *pct;
	int i;

	snprintf(tmpl, sizeof(tmpl), "%s", def->bridge_name[0] ? def->bridge_name : "virbr%d");
	pct = strchr(tmpl, '%');
	for (i = 0; i < 256; i++) {
		/* the parser allows exactly one "%d" and nothing else after '%' */
		snprintf(name, sizeof(name), "%.*s%d%s", (int)(pct - tmpl), tmpl, i, pct + 2);
		if (strlen(name) > NETDEF_IFNAME_MAX)
			break;
		if (!bridge_name_taken(paths, def->name, name)) {
			snprintf(def->bridge_name, sizeof(def->bridge_name), "%s", name);
			def->bridge_given = true;
			return 0;
		}
	}
	snprintf(msg, msg_size, "no free bridge name for template '%s'", tmpl);
	return -EADDRINUSE;
}

int store_complete(const struct vnetd_paths *paths, struct netdef *def, bool *changed,
		   char *msg, size_t msg_size)
{
	int r;

	*changed = false;
	if (!def->bridge_name[0] || strchr(def->bridge_name, '%')) {
		if ((r = pick_bridge_name(paths, def, msg, msg_size)) < 0)
			return r;
		*changed = true;
	}
	if (!def->has_mac) {
		/* libvirt's choice: QEMU's prefix, which is locally administered */
		def->mac[0] = 0x52;
		def->mac[1] = 0x54;
		def->mac[2] = 0x00;
		if (getrandom(def->mac + 3, 3, 0) != 3) {
			snprintf(msg, msg_size, "cannot get random bytes for a MAC address");
			return -EIO;
		}
		def->has_mac = true;
		*changed = true;
	}
	if (!def->uuid_given) {
		/* the parser generated one; saving it makes it stable */
		def->uuid_given = true;
		*changed = true;
	}
	return 0;
}
