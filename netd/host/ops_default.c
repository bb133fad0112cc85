/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which host_ops `start` and `stop` use. This file is compiled twice: into
 * the host module (so build/vnetd) as just the kernel's table, and with
 * -DVNETD_TEST_HOOKS into build/vnetd-test, which the system tests run and
 * which is never installed. There, VNETD_FAULT=step[,step...] makes the
 * named steps fail as if the kernel had refused them, so the rollback is
 * tested against the real kernel: bridge, sysctl, address, firewall, up,
 * route, daemon, keeper, supervisor, state; and `attach`'s attach and
 * portsec. The binary root runs is never steered by its environment: it
 * holds no trace of VNETD_FAULT.
 */
#include "netd/host/host-internal.h"

#ifndef VNETD_TEST_HOOKS

void host_sys_default(struct host_sys *sys)
{
	sys->ops = &host_ops_linux;
	sys->data = NULL;
	sys->nat = NULL;
}

#else

#include "netd/host/sysbus.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Does VNETD_FAULT name `step`? */
static bool faulty(const char *step)
{
	const char *p = getenv("VNETD_FAULT");
	size_t len = strlen(step);

	for (; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] ? 1 : 0))
		if (!strncmp(p, step, len) && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

#define INJECTED "injected fault at step '%s' (VNETD_FAULT)"

static int fault_bridge(const char *step, struct bridge_error *err)
{
	err->code = -EIO;
	snprintf(err->message, sizeof(err->message), INJECTED, step);
	return -EIO;
}

static int fault_create(struct host_sys *sys, const struct bridge_config *cfg, int *ifindex,
			struct bridge_error *err)
{
	if (faulty("bridge"))
		return fault_bridge("bridge", err);
	return host_ops_linux.bridge_create(sys, cfg, ifindex, err);
}

static int fault_addr(struct host_sys *sys, const char *name, const struct run_addr *addr,
		      struct bridge_error *err)
{
	if (faulty("address"))
		return fault_bridge("address", err);
	return host_ops_linux.addr_add(sys, name, addr, err);
}

static int fault_up(struct host_sys *sys, const char *name, struct bridge_error *err)
{
	if (faulty("up"))
		return fault_bridge("up", err);
	return host_ops_linux.set_up(sys, name, err);
}

static int fault_sysctl(struct host_sys *sys, const char *path, const char *value,
			struct bridge_error *err)
{
	if (faulty("sysctl"))
		return fault_bridge("sysctl", err);
	return host_ops_linux.sysctl_set(sys, path, value, err);
}

static int fault_nat(struct host_sys *sys, const struct nat_config *cfg, struct nat_error *err)
{
	if (faulty("firewall")) {
		err->code = -EIO;
		snprintf(err->message, sizeof(err->message), INJECTED, "firewall");
		return -EIO;
	}
	return host_ops_linux.nat_install(sys, cfg, err);
}

static int fault_spawn(struct host_sys *sys, enum host_proc which, spawn_fn fn, void *arg,
		       bool keep_stderr, pid_t *pid, uint64_t *start, char *msg, size_t msg_size)
{
	const char *step = which == HOST_PROC_KEEPER ? "keeper" :
			   which == HOST_PROC_SUPERVISOR ? "supervisor" : "daemon";

	if (faulty(step)) {
		snprintf(msg, msg_size, INJECTED, step);
		return -EIO;
	}
	return host_ops_linux.spawn(sys, which, fn, arg, keep_stderr, pid, start, msg, msg_size);
}

static int fault_save(struct host_sys *sys, const struct vnetd_paths *paths,
		      const struct run_state *st, char *msg, size_t msg_size)
{
	if (faulty("state")) {
		snprintf(msg, msg_size, INJECTED, "state");
		return -EIO;
	}
	return host_ops_linux.save(sys, paths, st, msg, msg_size);
}

static int fault_route(struct host_sys *sys, const char *ifname, const struct bridge_route *rt,
		       struct bridge_error *err)
{
	if (faulty("route"))
		return fault_bridge("route", err);
	return host_ops_linux.route_add(sys, ifname, rt, err);
}

static int fault_route6(struct host_sys *sys, const char *ifname, const struct bridge_route6 *rt,
			struct bridge_error *err)
{
	if (faulty("route"))
		return fault_bridge("route", err);
	return host_ops_linux.route6_add(sys, ifname, rt, err);
}

static int fault_port_attach(struct host_sys *sys, const char *bridge, const char *port,
			     int *ifindex, struct bridge_error *err)
{
	if (faulty("attach"))
		return fault_bridge("attach", err);
	return host_ops_linux.port_attach(sys, bridge, port, ifindex, err);
}

static int fault_portsec(struct host_sys *sys, const char *network,
			 const struct nat_port *ports, size_t n, struct nat_error *err)
{
	if (faulty("portsec")) {
		err->code = -EIO;
		snprintf(err->message, sizeof(err->message), INJECTED, "portsec");
		return -EIO;
	}
	return host_ops_linux.portsec_install(sys, network, ports, n, err);
}

/* What is not a step of start, or only undoes one, is the kernel's as it is. */

static int pass_release(struct host_sys *sys, const char *port, int ifindex,
			struct bridge_error *err)
{
	return host_ops_linux.port_release(sys, port, ifindex, err);
}

static int pass_master(struct host_sys *sys, const char *port, int *ifindex, int *master,
		       struct bridge_error *err)
{
	return host_ops_linux.port_master(sys, port, ifindex, master, err);
}

static int pass_portsec_remove(struct host_sys *sys, const char *network,
			       struct nat_error *err)
{
	return host_ops_linux.portsec_remove(sys, network, err);
}

static int pass_open(struct host_sys *sys, struct bridge_error *err)
{
	return host_ops_linux.open(sys, err);
}

static void pass_close(struct host_sys *sys)
{
	host_ops_linux.close(sys);
}

static int pass_query(struct host_sys *sys, const char *name, struct bridge_link_info *out,
		      struct bridge_error *err)
{
	return host_ops_linux.link_query(sys, name, out, err);
}

static int pass_conflict(struct host_sys *sys, const struct run_addr *net, char *ifname_out,
			 struct bridge_error *err)
{
	return host_ops_linux.subnet_conflict(sys, net, ifname_out, err);
}

static int pass_delete(struct host_sys *sys, const char *name, struct bridge_error *err)
{
	return host_ops_linux.bridge_delete(sys, name, err);
}

static int pass_remove(struct host_sys *sys, const char *network, struct nat_error *err)
{
	return host_ops_linux.nat_remove(sys, network, err);
}

static int pass_terminate(struct host_sys *sys, pid_t pid, uint64_t start)
{
	return host_ops_linux.terminate(sys, pid, start);
}

static bool pass_alive(struct host_sys *sys, pid_t pid, uint64_t start)
{
	return host_ops_linux.alive(sys, pid, start);
}

static int pass_route_delete(struct host_sys *sys, const char *ifname,
			     const struct bridge_route *rt, struct bridge_error *err)
{
	return host_ops_linux.route_delete(sys, ifname, rt, err);
}

static int pass_route6_delete(struct host_sys *sys, const char *ifname,
			      const struct bridge_route6 *rt, struct bridge_error *err)
{
	return host_ops_linux.route6_delete(sys, ifname, rt, err);
}

/*
 * resolved and firewalld: the same calls, but on the bus whatever the
 * network namespace, so that the system tests (always in a namespace) can
 * put fakes on a private bus (DBUS_SYSTEM_BUS_ADDRESS; the tests point it
 * at a dead address unless they run fakes). Nothing to inject: a refusal
 * is a warning.
 */
static int bus_dns_register(struct host_sys *sys, int ifindex, struct in_addr server,
			    const char *domain, char *msg, size_t msg_size)
{
	struct sysbus sb = sysbus_open(true);
	int r = resolved_register(&sb, ifindex, server, domain, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static int bus_dns_revert(struct host_sys *sys, int ifindex, char *msg, size_t msg_size)
{
	struct sysbus sb = sysbus_open(true);
	int r = resolved_revert(&sb, ifindex, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static int bus_zone_add(struct host_sys *sys, const char *ifname, char *zone, char *msg,
			size_t msg_size)
{
	struct sysbus sb = sysbus_open(true);
	int r = firewalld_add(&sb, ifname, zone, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static int bus_zone_remove(struct host_sys *sys, const char *zone, const char *ifname,
			   char *msg, size_t msg_size)
{
	struct sysbus sb = sysbus_open(true);
	int r = firewalld_remove(&sb, zone, ifname, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static const struct host_ops fault_ops = {
	.open = pass_open,
	.close = pass_close,
	.link_query = pass_query,
	.subnet_conflict = pass_conflict,
	.bridge_create = fault_create,
	.bridge_delete = pass_delete,
	.addr_add = fault_addr,
	.set_up = fault_up,
	.sysctl_set = fault_sysctl,
	.nat_install = fault_nat,
	.nat_remove = pass_remove,
	.spawn = fault_spawn,
	.terminate = pass_terminate,
	.alive = pass_alive,
	.route_add = fault_route,
	.route_delete = pass_route_delete,
	.route6_add = fault_route6,
	.route6_delete = pass_route6_delete,
	.dns_register = bus_dns_register,
	.dns_revert = bus_dns_revert,
	.zone_add = bus_zone_add,
	.zone_remove = bus_zone_remove,
	.save = fault_save,
	.port_attach = fault_port_attach,
	.port_release = pass_release,
	.port_master = pass_master,
	.portsec_install = fault_portsec,
	.portsec_remove = pass_portsec_remove,
};

void host_sys_default(struct host_sys *sys)
{
	sys->ops = &fault_ops;
	sys->data = NULL;
	sys->nat = NULL;
}

#endif
