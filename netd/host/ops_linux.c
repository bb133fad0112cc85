/* SPDX-License-Identifier: GPL-2.0-or-later */
/* host_ops_linux: the host itself — bridge/, nat/, base's processes, the run-state file. */
#include "netd/host/host-internal.h"
#include "netd/host/sysbus.h"

#include <errno.h>
#include <string.h>

static int linux_open(struct host_sys *sys, struct bridge_error *err)
{
	struct bridge_ctx *nl;
	int r = bridge_open(&nl, err);

	if (r == 0)
		sys->data = nl;
	return r;
}

static void linux_close(struct host_sys *sys)
{
	bridge_close(sys->data);
	sys->data = NULL;
	nat_release(sys->nat);
	sys->nat = NULL;
}

static int linux_link_query(struct host_sys *sys, const char *name,
			    struct bridge_link_info *out, struct bridge_error *err)
{
	return bridge_link_query(sys->data, name, out, err);
}

static int linux_subnet_conflict(struct host_sys *sys, const struct run_addr *net,
				 char *ifname_out, struct bridge_error *err)
{
	if (net->family == AF_INET6)
		return bridge_subnet6_conflict(sys->data, &net->addr6, net->prefix, NULL,
					       ifname_out, err);
	return bridge_subnet_conflict(sys->data, net->addr, net->prefix, NULL, ifname_out,
				      err);
}

/*
 * Created and then asked for its ifindex: if the asking fails, the bridge
 * just made goes again, so the caller never holds a bridge it cannot record.
 */
static int linux_bridge_create(struct host_sys *sys, const struct bridge_config *cfg,
			       int *ifindex, struct bridge_error *err)
{
	struct bridge_link_info li;
	int r;

	if ((r = bridge_create(sys->data, cfg, err)) < 0)
		return r;
	r = bridge_link_query(sys->data, cfg->name, &li, err);
	if (r == 0 && !li.exists) {
		err->code = r = -ENODEV;
		snprintf(err->message, sizeof(err->message), "bridge %s vanished as it was made",
			 cfg->name);
	}
	if (r < 0) {
		bridge_delete(sys->data, cfg->name, NULL);
		return r;
	}
	*ifindex = li.ifindex;
	return 0;
}

static int linux_bridge_delete(struct host_sys *sys, const char *name, struct bridge_error *err)
{
	return bridge_delete(sys->data, name, err);
}

static int linux_addr_add(struct host_sys *sys, const char *name, const struct run_addr *a,
			  struct bridge_error *err)
{
	if (a->family == AF_INET6)
		return bridge_addr6_add(sys->data, name, &a->addr6, a->prefix, err);
	return bridge_addr_add(sys->data, name, a->addr, a->prefix, err);
}

static int linux_set_up(struct host_sys *sys, const char *name, struct bridge_error *err)
{
	return bridge_set_up(sys->data, name, true, err);
}

static int linux_sysctl_set(struct host_sys *sys, const char *path, const char *value,
			    struct bridge_error *err)
{
	return bridge_sysctl_set(path, value, NULL, 0, err);
}

static int linux_nat_install(struct host_sys *sys, const struct nat_config *cfg,
			     struct nat_error *err)
{
	return nat_install_held(cfg, &sys->nat, err);
}

static int linux_nat_remove(struct host_sys *sys, const char *network, struct nat_error *err)
{
	return nat_remove(network, err);
}

static int linux_spawn(struct host_sys *sys, enum host_proc which, spawn_fn fn, void *arg,
		       bool keep_stderr, pid_t *pid, uint64_t *start, char *msg, size_t msg_size)
{
	return spawn_process(fn, arg, keep_stderr, pid, start, msg, msg_size);
}

static int linux_terminate(struct host_sys *sys, pid_t pid, uint64_t start)
{
	return proc_terminate(pid, start, HOST_STOP_TIMEOUT_MS);
}

static bool linux_alive(struct host_sys *sys, pid_t pid, uint64_t start)
{
	return proc_alive(pid, start);
}

static int linux_route_add(struct host_sys *sys, const char *ifname,
			   const struct bridge_route *rt, struct bridge_error *err)
{
	return bridge_route_add(sys->data, ifname, rt, err);
}

static int linux_route6_add(struct host_sys *sys, const char *ifname,
			    const struct bridge_route6 *rt, struct bridge_error *err)
{
	return bridge_route6_add(sys->data, ifname, rt, err);
}

static int linux_route6_delete(struct host_sys *sys, const char *ifname,
			       const struct bridge_route6 *rt, struct bridge_error *err)
{
	return bridge_route6_delete(sys->data, ifname, rt, err);
}

static int linux_route_delete(struct host_sys *sys, const char *ifname,
			      const struct bridge_route *rt, struct bridge_error *err)
{
	return bridge_route_delete(sys->data, ifname, rt, err);
}

/* A bus per call: start and stop talk to each service once or twice. */
static int linux_dns_register(struct host_sys *sys, int ifindex, struct in_addr server,
			      const char *domain, char *msg, size_t msg_size)
{
	struct sysbus sb = sysbus_open(false);
	int r = resolved_register(&sb, ifindex, server, domain, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static int linux_dns_revert(struct host_sys *sys, int ifindex, char *msg, size_t msg_size)
{
	struct sysbus sb = sysbus_open(false);
	int r = resolved_revert(&sb, ifindex, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static int linux_zone_add(struct host_sys *sys, const char *ifname, char *zone, char *msg,
			  size_t msg_size)
{
	struct sysbus sb = sysbus_open(false);
	int r = firewalld_add(&sb, ifname, zone, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static int linux_zone_remove(struct host_sys *sys, const char *zone, const char *ifname,
			     char *msg, size_t msg_size)
{
	struct sysbus sb = sysbus_open(false);
	int r = firewalld_remove(&sb, zone, ifname, msg, msg_size);

	sysbus_close(&sb);
	return r;
}

static int linux_save(struct host_sys *sys, const struct vnetd_paths *paths,
		      const struct run_state *st, char *msg, size_t msg_size)
{
	int r = state_write(paths, st);

	if (r < 0)
		snprintf(msg, msg_size, "cannot write the run state in %s: %s", paths->rundir,
			 strerror(-r));
	return r;
}

static int linux_port_attach(struct host_sys *sys, const char *bridge, const char *port,
			     int *ifindex, struct bridge_error *err)
{
	return bridge_port_attach(sys->data, bridge, port, ifindex, err);
}

static int linux_port_release(struct host_sys *sys, const char *port, int ifindex,
			      struct bridge_error *err)
{
	return bridge_port_release(sys->data, port, ifindex, err);
}

static int linux_port_master(struct host_sys *sys, const char *port, int *ifindex,
			     int *master, struct bridge_error *err)
{
	return bridge_port_master(sys->data, port, ifindex, master, err);
}

static int linux_portsec_install(struct host_sys *sys, const char *network,
				 const struct nat_port *ports, size_t n, struct nat_error *err)
{
	return nat_portsec_install(network, ports, n, err);
}

static int linux_portsec_remove(struct host_sys *sys, const char *network,
				struct nat_error *err)
{
	return nat_portsec_remove(network, err);
}

const struct host_ops host_ops_linux = {
	.open = linux_open,
	.close = linux_close,
	.link_query = linux_link_query,
	.subnet_conflict = linux_subnet_conflict,
	.bridge_create = linux_bridge_create,
	.bridge_delete = linux_bridge_delete,
	.addr_add = linux_addr_add,
	.set_up = linux_set_up,
	.sysctl_set = linux_sysctl_set,
	.nat_install = linux_nat_install,
	.nat_remove = linux_nat_remove,
	.spawn = linux_spawn,
	.terminate = linux_terminate,
	.alive = linux_alive,
	.route_add = linux_route_add,
	.route_delete = linux_route_delete,
	.route6_add = linux_route6_add,
	.route6_delete = linux_route6_delete,
	.dns_register = linux_dns_register,
	.dns_revert = linux_dns_revert,
	.zone_add = linux_zone_add,
	.zone_remove = linux_zone_remove,
	.save = linux_save,
	.port_attach = linux_port_attach,
	.port_release = linux_port_release,
	.port_master = linux_port_master,
	.portsec_install = linux_portsec_install,
	.portsec_remove = linux_portsec_remove,
};
