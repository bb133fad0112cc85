/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * firewalld: when it runs, its own rules decide what reaches the host from
 * an interface in no zone (its default zone, often dropping DHCP and DNS
 * from guests). libvirt puts its bridges into its zone "libvirt"; vnetd
 * does the same, or uses the zone "vnetd" it installs
 * (conf/firewalld/vnetd.xml) when libvirt's is not there.
 */
#include "netd/host/sysbus.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define FIREWALLD_PATH "/org/fedoraproject/FirewallD1"
#define FIREWALLD_ZONE "org.fedoraproject.FirewallD1.zone"

/* getZones(): "libvirt" if firewalld has it, else "vnetd"; "" when it has neither. */
static int pick_zone(sd_bus *bus, char *zone, sd_bus_error *e)
{
	sd_bus_message *reply = NULL;
	const char *z;
	bool libvirt = false, vnetd = false;
	int r;

	r = sd_bus_call_method(bus, FIREWALLD_NAME, FIREWALLD_PATH, FIREWALLD_ZONE, "getZones",
			       e, &reply, "");
	if (r >= 0)
		r = sd_bus_message_enter_container(reply, 'a', "s");
	while (r >= 0 && (r = sd_bus_message_read(reply, "s", &z)) > 0) {
		libvirt |= !strcmp(z, "libvirt");
		vnetd |= !strcmp(z, "vnetd");
	}
	sd_bus_message_unref(reply);
	if (r < 0)
		return r;
	snprintf(zone, 32, "%s", libvirt ? "libvirt" : vnetd ? "vnetd" : "");
	return 0;
}

int firewalld_add(const struct sysbus *sb, const char *ifname, char *zone, char *msg,
		  size_t msg_size)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (!sysbus_serves(sb, FIREWALLD_NAME))
		return 0;
	if ((r = pick_zone(sb->bus, zone, &e)) < 0) {
		r = sysbus_fail(r, &e, msg, msg_size, "firewalld: getZones");
		sd_bus_error_free(&e);
		return r;
	}
	if (!zone[0]) {
		snprintf(msg, msg_size, "firewalld has neither zone 'libvirt' nor 'vnetd', so %s is "
			 "in its default zone (install vnetd's zone: make install, then "
			 "firewall-cmd --reload)", ifname);
		return -ENOENT;
	}
	r = sd_bus_call_method(sb->bus, FIREWALLD_NAME, FIREWALLD_PATH, FIREWALLD_ZONE,
			       "changeZoneOfInterface", &e, NULL, "ss", zone, ifname);
	if (r < 0) {
		r = sysbus_fail(r, &e, msg, msg_size, "firewalld: changeZoneOfInterface");
		sd_bus_error_free(&e);
		return r;
	}
	return 1;
}

int firewalld_remove(const struct sysbus *sb, const char *zone, const char *ifname, char *msg,
		     size_t msg_size)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (!sysbus_serves(sb, FIREWALLD_NAME))
		return 0;
	r = sd_bus_call_method(sb->bus, FIREWALLD_NAME, FIREWALLD_PATH, FIREWALLD_ZONE,
			       "removeInterface", &e, NULL, "ss", zone, ifname);
	if (r < 0) {
		r = sysbus_fail(r, &e, msg, msg_size, "firewalld: removeInterface");
		sd_bus_error_free(&e);
		return r;
	}
	return 1;
}
