/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The system bus for resolved and firewalld, through libsystemd's sd-bus.
 * Both are optional on a host: no bus, or no owner of the service's name,
 * means "not running", which is no error.
 */
#include "netd/host/sysbus.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* sd_bus_open_system honours DBUS_SYSTEM_BUS_ADDRESS, as every D-Bus client does. */
struct sysbus sysbus_open(bool any_netns)
{
	struct sysbus sb = { NULL, any_netns };

	if (sd_bus_open_system(&sb.bus) < 0)
		sb.bus = NULL;
	return sb;
}

void sysbus_close(struct sysbus *sb)
{
	sb->bus = sd_bus_flush_close_unref(sb->bus);
}

/* Does pid run in this process's network namespace? No when that cannot be told. */
static bool same_netns(pid_t pid)
{
	struct stat self, other;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat("/proc/self/ns/net", &self) == 0 && stat(path, &other) == 0 &&
	       self.st_dev == other.st_dev && self.st_ino == other.st_ino;
}

int sysbus_serves(const struct sysbus *sb, const char *name)
{
	sd_bus_creds *creds = NULL;
	pid_t pid = 0;
	int r;

	if (!sb->bus)
		return 0;
	/* fails (ENXIO) when nobody owns the name: the service does not run */
	r = sd_bus_get_name_creds(sb->bus, name, SD_BUS_CREDS_PID, &creds);
	if (r >= 0 && !sb->any_netns && (sd_bus_creds_get_pid(creds, &pid) < 0 ||
					 !same_netns(pid)))
		r = -EXDEV;
	sd_bus_creds_unref(creds);
	return r >= 0;
}

int sysbus_fail(int r, const sd_bus_error *e, char *msg, size_t msg_size, const char *what)
{
	if (e && sd_bus_error_is_set(e))
		snprintf(msg, msg_size, "%s: %s", what, e->message ? e->message : e->name);
	else
		snprintf(msg, msg_size, "%s: %s", what, strerror(r < 0 ? -r : EIO));
	return r < 0 ? r : -EIO;
}
