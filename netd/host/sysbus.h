/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysbus: the host's services that vnetd tells about its bridge over the
 * system bus (sd-bus): systemd-resolved (resolved.c) and firewalld
 * (firewalld.c). Each call takes the bus, so a test can hand it a private
 * bus with a fake service on it.
 */
#ifndef VNETD_HOST_SYSBUS_H
#define VNETD_HOST_SYSBUS_H

#include <netinet/in.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

/* The system bus, or NULL when there is none to talk to (nothing to say then). */
sd_bus *sysbus_open(void);

/* 1 when someone owns that well-known name on the bus, else 0. */
int sysbus_has_name(sd_bus *bus, const char *name);

/* msg = "what: the service's error (or strerror)"; returns a negative errno. */
int sysbus_fail(int r, const sd_bus_error *e, char *msg, size_t msg_size, const char *what);

#define RESOLVED_NAME "org.freedesktop.resolve1"
#define FIREWALLD_NAME "org.fedoraproject.FirewallD1"

/*
 * resolved: SetLinkDNS(ifindex, [(AF_INET, server)]) then
 * SetLinkDomains(ifindex, [(domain, routing-only)]); revert: RevertLink.
 * 1 done, 0 when resolved does not run, negative errno with msg.
 */
int resolved_register(sd_bus *bus, int ifindex, struct in_addr server, const char *domain,
		      char *msg, size_t msg_size);
int resolved_revert(sd_bus *bus, int ifindex, char *msg, size_t msg_size);

/*
 * firewalld: the bridge into zone "libvirt" when firewalld has it, else
 * "vnetd" (conf/firewalld/vnetd.xml), with changeZoneOfInterface; the
 * chosen zone goes to `zone` (32 bytes). Removal: removeInterface.
 * 1 done, 0 when firewalld does not run, negative errno with msg.
 */
int firewalld_add(sd_bus *bus, const char *ifname, char *zone, char *msg, size_t msg_size);
int firewalld_remove(sd_bus *bus, const char *zone, const char *ifname, char *msg,
		     size_t msg_size);

#endif
