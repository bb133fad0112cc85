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
#include <stdbool.h>
#include <stddef.h>
#include <systemd/sd-bus.h>

struct sysbus {
	sd_bus *bus;            /* NULL: no bus to talk to (nothing to say then) */
	bool any_netns;         /* talk to services in other network namespaces too */
};

/*
 * The system bus. resolved and firewalld act on their own network
 * namespace: for a network started in another one (`ip netns exec`), an
 * ifindex or an interface name would name some other link of theirs, so a
 * service is only talked to when it runs in this process's namespace,
 * unless any_netns (the test build, whose fakes sit on a private bus).
 */
struct sysbus sysbus_open(bool any_netns);
void sysbus_close(struct sysbus *sb);

/*
 * 1 when someone owns that well-known name on the bus and (unless
 * any_netns) runs in this network namespace; else 0, also when that cannot
 * be told.
 */
int sysbus_serves(const struct sysbus *sb, const char *name);

/* msg = "what: the service's error (or strerror)"; returns a negative errno. */
int sysbus_fail(int r, const sd_bus_error *e, char *msg, size_t msg_size, const char *what);

#define RESOLVED_NAME "org.freedesktop.resolve1"
#define FIREWALLD_NAME "org.fedoraproject.FirewallD1"

/*
 * resolved: SetLinkDNS(ifindex, [(AF_INET, server)]) then
 * SetLinkDomains(ifindex, [(domain, routing-only)]); revert: RevertLink.
 * 1 done, 0 when resolved does not run, negative errno with msg.
 */
int resolved_register(const struct sysbus *sb, int ifindex, struct in_addr server,
		      const char *domain, char *msg, size_t msg_size);
int resolved_revert(const struct sysbus *sb, int ifindex, char *msg, size_t msg_size);

/*
 * firewalld: the bridge into zone "libvirt" when firewalld has it, else
 * "vnetd" (conf/firewalld/vnetd.xml), with changeZoneOfInterface; the
 * chosen zone goes to `zone` (32 bytes). Removal: removeInterface.
 * 1 done, 0 when firewalld does not run, negative errno with msg.
 */
int firewalld_add(const struct sysbus *sb, const char *ifname, char *zone, char *msg,
		  size_t msg_size);
int firewalld_remove(const struct sysbus *sb, const char *zone, const char *ifname, char *msg,
		     size_t msg_size);

#endif
