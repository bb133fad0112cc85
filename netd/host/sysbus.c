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

/* sd_bus_open_system honours DBUS_SYSTEM_BUS_ADDRESS, as every D-Bus client does. */
sd_bus *sysbus_open(void)
{
	sd_bus *bus = NULL;

	if (sd_bus_open_system(&bus) < 0)
		return NULL;
	return bus;
}

int sysbus_has_name(sd_bus *bus, const char *name)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	int has = 0, r;

	r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
			       "org.freedesktop.DBus", "NameHasOwner", &e, &reply, "s", name);
	if (r >= 0 && sd_bus_message_read(reply, "b", &has) < 0)
		has = 0;
	sd_bus_error_free(&e);
	sd_bus_message_unref(reply);
	return r < 0 ? 0 : has != 0;
}

int sysbus_fail(int r, const sd_bus_error *e, char *msg, size_t msg_size, const char *what)
{
	if (e && sd_bus_error_is_set(e))
		snprintf(msg, msg_size, "%s: %s", what, e->message ? e->message : e->name);
	else
		snprintf(msg, msg_size, "%s: %s", what, strerror(r < 0 ? -r : EIO));
	return r < 0 ? r : -EIO;
}
