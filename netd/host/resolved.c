/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * systemd-resolved: the bridge's DNS server and domain for the bridge link,
 * so that the host resolves guests by name (`resolvectl query
 * guest1.DOMAIN`).
 */
#include "netd/host/sysbus.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/socket.h>

#define RESOLVED_PATH "/org/freedesktop/resolve1"
#define RESOLVED_MANAGER "org.freedesktop.resolve1.Manager"

/* SetLinkDNS(i ifindex, a(iay) addresses): one IPv4 server. */
static int set_link_dns(sd_bus *bus, int ifindex, struct in_addr server, sd_bus_error *e)
{
	sd_bus_message *m = NULL;
	int r;

	r = sd_bus_message_new_method_call(bus, &m, RESOLVED_NAME, RESOLVED_PATH,
					   RESOLVED_MANAGER, "SetLinkDNS");
	if (r >= 0)
		r = sd_bus_message_append(m, "i", ifindex);
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'a', "(iay)");
	if (r >= 0)
		r = sd_bus_message_open_container(m, 'r', "iay");
	if (r >= 0)
		r = sd_bus_message_append(m, "i", AF_INET);
	if (r >= 0)
		r = sd_bus_message_append_array(m, 'y', &server.s_addr, sizeof(server.s_addr));
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (r >= 0)
		r = sd_bus_call(bus, m, 0, e, NULL);
	sd_bus_message_unref(m);
	return r;
}

int resolved_register(const struct sysbus *sb, int ifindex, struct in_addr server,
		      const char *domain, char *msg, size_t msg_size)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (!sysbus_serves(sb, RESOLVED_NAME))
		return 0;
	if ((r = set_link_dns(sb->bus, ifindex, server, &e)) < 0) {
		r = sysbus_fail(r, &e, msg, msg_size, "systemd-resolved: SetLinkDNS");
		sd_bus_error_free(&e);
		return r;
	}
	/* a routing-only domain (resolvectl's "~domain"): only its names go there */
	r = sd_bus_call_method(sb->bus, RESOLVED_NAME, RESOLVED_PATH, RESOLVED_MANAGER,
			       "SetLinkDomains", &e, NULL, "ia(sb)", ifindex, 1, domain, true);
	if (r < 0) {
		r = sysbus_fail(r, &e, msg, msg_size, "systemd-resolved: SetLinkDomains");
		sd_bus_error_free(&e);
		return r;
	}
	return 1;
}

int resolved_revert(const struct sysbus *sb, int ifindex, char *msg, size_t msg_size)
{
	sd_bus_error e = SD_BUS_ERROR_NULL;
	int r;

	if (!sysbus_serves(sb, RESOLVED_NAME))
		return 0;
	r = sd_bus_call_method(sb->bus, RESOLVED_NAME, RESOLVED_PATH, RESOLVED_MANAGER, "RevertLink",
			       &e, NULL, "i", ifindex);
	if (r < 0) {
		r = sysbus_fail(r, &e, msg, msg_size, "systemd-resolved: RevertLink");
		sd_bus_error_free(&e);
		return r;
	}
	return 1;
}
