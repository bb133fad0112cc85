/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * start and stop against a fake host (a host_ops table that keeps a bridge,
 * a table and processes in memory and logs every change): a start that
 * fails at step k, for every k, undoes exactly the steps before k, in
 * reverse; stop, and a start that finds a stale record, replay the recorded
 * list; a failed undo keeps what is left on record; a hostile run state is
 * refused before anything is touched. The definition, the run directory and
 * the state file are real (a temporary directory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "netd/host/host-internal.h"

#define SEEDS_DIR TESTDATA_DIR "/../../fuzz/fuzz_state.seeds"
#define MAX_CALLS 64

static const char NET_XML[] =
	"<network>\n"
	"  <name>vt</name>\n"
	"  <uuid>0b7c7e3a-5d2b-4c55-9d7e-2f00c0ffee01</uuid>\n"
	"  <forward mode='nat'/>\n"
	"  <bridge name='vtbr9' stp='off'/>\n"
	"  <mac address='52:54:00:00:00:09'/>\n"
	"  <ip address='10.9.0.1' prefix='24'/>\n"
	"  <ip address='10.19.0.1' prefix='24'/>\n"
	"</network>\n";

/* The changes a whole start of NET_XML makes, in order. */
static const char *const START_CALLS[] = {
	"create vtbr9", "sysctl ipv6/conf/vtbr9/disable_ipv6", "addr vtbr9 10.9.0.1/24",
	"addr vtbr9 10.19.0.1/24", "nat_install vt", "up vtbr9", "sysctl ipv4/ip_forward",
	"spawn daemon", "spawn keeper", "spawn supervisor", "save",
};
#define N_START_CALLS (sizeof(START_CALLS) / sizeof(START_CALLS[0]))

/* What undoes each of them ("" for what needs no undo of its own). */
static const char *const UNDO_CALLS[] = {
	"delete vtbr9", "", "", "", "nat_remove vt", "", "", "terminate 1000",
	"terminate 1001", "terminate 1002", "",
};

struct fake {
	char calls[MAX_CALLS][80];
	size_t n_calls;
	unsigned changes;       /* changes attempted */
	unsigned fail_at;       /* the change (from 1) that fails; 0: none */
	const char *fail_undo;  /* an undo call that fails, e.g. "nat_remove" */
	bool no_ipv6;
	bool bridge;            /* the bridge exists */
	int ifindex, next_ifindex;
	bool table;
	pid_t next_pid;
	bool alive[16];         /* pids 1000.. */
	int services;           /* what resolved and firewalld answer: 0 absent, 1, -EACCES */
	unsigned routes;        /* host routes in place */
};

struct env {
	char dir[64];
	char confdir[96], rundir[96], statedir[96];
	struct vnetd_paths paths;
	struct fake fake;
	struct host_sys sys;
	char msg[1024];
};

static void logf_(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void logf_(struct fake *f, const char *fmt, ...)
{
	va_list ap;

	assert_true(f->n_calls < MAX_CALLS);
	va_start(ap, fmt);
	vsnprintf(f->calls[f->n_calls++], sizeof(f->calls[0]), fmt, ap);
	va_end(ap);
}

/* A change: logged, and -EIO when it is the one the test wants to fail. */
static int change(struct fake *f, char *msg, size_t size, const char *what)
{
	logf_(f, "%s", what);
	if (++f->changes != f->fail_at)
		return 0;
	snprintf(msg, size, "fake failure at '%s'", what);
	return -EIO;
}

static int undo_call(struct fake *f, char *msg, size_t size, const char *what)
{
	logf_(f, "%s", what);
	if (!f->fail_undo || strncmp(what, f->fail_undo, strlen(f->fail_undo)))
		return 0;
	snprintf(msg, size, "fake undo failure at '%s'", what);
	return -EBUSY;
}

#define FAKE(sys) ((struct fake *)(sys)->data)

static int fake_open(struct host_sys *sys, struct bridge_error *err)
{
	return 0;
}

static void fake_close(struct host_sys *sys)
{
}

static int fake_query(struct host_sys *sys, const char *name, struct bridge_link_info *out,
		      struct bridge_error *err)
{
	struct fake *f = FAKE(sys);

	memset(out, 0, sizeof(*out));
	out->exists = f->bridge && !strcmp(name, "vtbr9");
	out->ifindex = out->exists ? f->ifindex : 0;
	return 0;
}

static int fake_conflict(struct host_sys *sys, const struct run_addr *net, char *ifname_out,
			 struct bridge_error *err)
{
	return 0;
}

static int fake_create(struct host_sys *sys, const struct bridge_config *cfg, int *ifindex,
		       struct bridge_error *err)
{
	struct fake *f = FAKE(sys);
	char what[64];
	int r;

	snprintf(what, sizeof(what), "create %s", cfg->name);
	if ((r = change(f, err->message, sizeof(err->message), what)) < 0)
		return r;
	f->bridge = true;
	*ifindex = f->ifindex = f->next_ifindex++;
	return 0;
}

static int fake_delete(struct host_sys *sys, const char *name, struct bridge_error *err)
{
	struct fake *f = FAKE(sys);
	char what[64];
	int r;

	snprintf(what, sizeof(what), "delete %s", name);
	if ((r = undo_call(f, err->message, sizeof(err->message), what)) < 0)
		return r;
	f->bridge = false;
	return 0;
}

static int fake_addr(struct host_sys *sys, const char *name, const struct run_addr *addr,
		     struct bridge_error *err)
{
	char what[96], a[INET6_ADDRSTRLEN];
	const void *bytes = addr->family == AF_INET6 ? (const void *)&addr->addr6
						      : (const void *)&addr->addr;

	snprintf(what, sizeof(what), "addr %s %s/%u", name,
		 inet_ntop(addr->family, bytes, a, sizeof(a)), addr->prefix);
	return change(FAKE(sys), err->message, sizeof(err->message), what);
}

static int fake_up(struct host_sys *sys, const char *name, struct bridge_error *err)
{
	char what[64];

	snprintf(what, sizeof(what), "up %s", name);
	return change(FAKE(sys), err->message, sizeof(err->message), what);
}

static int fake_sysctl(struct host_sys *sys, const char *path, const char *value,
		       struct bridge_error *err)
{
	char what[96];

	if (FAKE(sys)->no_ipv6 && !strncmp(path, "ipv6/", 5))
		return -ENOENT;
	snprintf(what, sizeof(what), "sysctl %s", path);
	return change(FAKE(sys), err->message, sizeof(err->message), what);
}

static int fake_install(struct host_sys *sys, const struct nat_config *cfg,
			struct nat_error *err)
{
	char what[96];
	int r;

	snprintf(what, sizeof(what), "nat_install %s", cfg->network);
	if ((r = change(FAKE(sys), err->message, sizeof(err->message), what)) == 0)
		FAKE(sys)->table = true;
	return r;
}

static int fake_remove(struct host_sys *sys, const char *network, struct nat_error *err)
{
	char what[96];
	int r;

	snprintf(what, sizeof(what), "nat_remove %s", network);
	if ((r = undo_call(FAKE(sys), err->message, sizeof(err->message), what)) < 0)
		return r;
	FAKE(sys)->table = false;
	return 0;
}

static int fake_spawn(struct host_sys *sys, enum host_proc which, spawn_fn fn, void *arg,
		      bool keep_stderr, pid_t *pid, uint64_t *start, char *msg, size_t msg_size)
{
	struct fake *f = FAKE(sys);
	int r;

	r = change(f, msg, msg_size, which == HOST_PROC_KEEPER ? "spawn keeper" :
		   which == HOST_PROC_SUPERVISOR ? "spawn supervisor" : "spawn daemon");
	if (r < 0)
		return r;
	*pid = f->next_pid++;
	*start = 100 + (uint64_t)*pid;
	f->alive[*pid - 1000] = true;
	return 0;
}

static int fake_terminate(struct host_sys *sys, pid_t pid, uint64_t start)
{
	struct fake *f = FAKE(sys);
	char what[64], msg[64];
	int r;

	snprintf(what, sizeof(what), "terminate %d", (int)pid);
	assert_int_equal(start, 100 + (uint64_t)pid);
	if ((r = undo_call(f, msg, sizeof(msg), what)) < 0)
		return r;
	f->alive[pid - 1000] = false;
	return 0;
}

static bool fake_alive(struct host_sys *sys, pid_t pid, uint64_t start)
{
	return pid >= 1000 && pid < 1016 && FAKE(sys)->alive[pid - 1000] &&
	       start == 100 + (uint64_t)pid;
}

/* The record goes to the real file: stop reads it back from there. */
static int fake_save(struct host_sys *sys, const struct vnetd_paths *paths,
		     const struct run_state *st, char *msg, size_t msg_size)
{
	int r;

	if ((r = change(FAKE(sys), msg, msg_size, "save")) < 0)
		return r;
	return host_ops_linux.save(sys, paths, st, msg, msg_size);
}

static int fake_route(struct host_sys *sys, const char *ifname, const struct bridge_route *rt,
		      bool add, struct bridge_error *err)
{
	char what[96], d[INET_ADDRSTRLEN], g[INET_ADDRSTRLEN];
	int r;

	snprintf(what, sizeof(what), "route%s %s/%u via %s metric %u", add ? "" : "_delete",
		 inet_ntop(AF_INET, &rt->dest, d, sizeof(d)), rt->prefix,
		 inet_ntop(AF_INET, &rt->gateway, g, sizeof(g)), rt->metric);
	r = add ? change(FAKE(sys), err->message, sizeof(err->message), what)
		: undo_call(FAKE(sys), err->message, sizeof(err->message), what);
	if (r == 0)
		FAKE(sys)->routes += add ? 1 : -1;
	return r;
}

static int fake_route_add(struct host_sys *sys, const char *ifname,
			  const struct bridge_route *rt, struct bridge_error *err)
{
	return fake_route(sys, ifname, rt, true, err);
}

static int fake_route_delete(struct host_sys *sys, const char *ifname,
			     const struct bridge_route *rt, struct bridge_error *err)
{
	return fake_route(sys, ifname, rt, false, err);
}

static int fake_route6(struct host_sys *sys, const struct bridge_route6 *rt, bool add,
		       struct bridge_error *err)
{
	char what[160], d[INET6_ADDRSTRLEN], g[INET6_ADDRSTRLEN];
	int r;

	snprintf(what, sizeof(what), "route6%s %s/%u via %s metric %u", add ? "" : "_delete",
		 inet_ntop(AF_INET6, &rt->dest, d, sizeof(d)), rt->prefix,
		 inet_ntop(AF_INET6, &rt->gateway, g, sizeof(g)), rt->metric);
	r = add ? change(FAKE(sys), err->message, sizeof(err->message), what)
		: undo_call(FAKE(sys), err->message, sizeof(err->message), what);
	if (r == 0)
		FAKE(sys)->routes += add ? 1 : -1;
	return r;
}

static int fake_route6_add(struct host_sys *sys, const char *ifname,
			   const struct bridge_route6 *rt, struct bridge_error *err)
{
	return fake_route6(sys, rt, true, err);
}

static int fake_route6_delete(struct host_sys *sys, const char *ifname,
			      const struct bridge_route6 *rt, struct bridge_error *err)
{
	return fake_route6(sys, rt, false, err);
}

/* resolved and firewalld: absent unless the test says otherwise */
static int fake_service(struct host_sys *sys, const char *what, char *msg, size_t size)
{
	if (FAKE(sys)->services == 0)
		return 0;
	logf_(FAKE(sys), "%s", what);
	if (FAKE(sys)->services < 0)
		snprintf(msg, size, "fake refusal of '%s'", what);
	return FAKE(sys)->services;
}

static int fake_dns_register(struct host_sys *sys, int ifindex, struct in_addr server,
			     const char *domain, char *msg, size_t msg_size)
{
	char what[96], a[INET_ADDRSTRLEN];

	snprintf(what, sizeof(what), "dns %d %s ~%s", ifindex,
		 inet_ntop(AF_INET, &server, a, sizeof(a)), domain);
	return fake_service(sys, what, msg, msg_size);
}

static int fake_dns_revert(struct host_sys *sys, int ifindex, char *msg, size_t msg_size)
{
	char what[64];

	snprintf(what, sizeof(what), "dns_revert %d", ifindex);
	return fake_service(sys, what, msg, msg_size);
}

static int fake_zone_add(struct host_sys *sys, const char *ifname, char *zone, char *msg,
			 size_t msg_size)
{
	char what[64];

	snprintf(what, sizeof(what), "zone %s", ifname);
	snprintf(zone, RUN_STATE_ZONE_MAX, "libvirt");
	return fake_service(sys, what, msg, msg_size);
}

static int fake_zone_remove(struct host_sys *sys, const char *zone, const char *ifname,
			    char *msg, size_t msg_size)
{
	char what[64];

	snprintf(what, sizeof(what), "zone_remove %s %s", zone, ifname);
	return fake_service(sys, what, msg, msg_size);
}

/* Ports: every one the fake knows is a port of vtbr9 (ifindex 50 + its digit). */
static int fake_port_master(struct host_sys *sys, const char *port, int *ifindex, int *master,
			    struct bridge_error *err)
{
	*ifindex = 50 + (port[strlen(port) - 1] - '0');
	*master = FAKE(sys)->ifindex;
	return 0;
}

static int fake_port_release(struct host_sys *sys, const char *port, int ifindex,
			     struct bridge_error *err)
{
	char what[64];

	snprintf(what, sizeof(what), "release %s", port);
	return undo_call(FAKE(sys), err->message, sizeof(err->message), what);
}

static int fake_portsec_install(struct host_sys *sys, const char *network,
				const struct nat_port *ports, size_t n, struct nat_error *err)
{
	char what[96];

	snprintf(what, sizeof(what), "portsec %s %zu %s", network, n, n ? ports[0].ifname : "");
	return change(FAKE(sys), err->message, sizeof(err->message), what);
}

static int fake_portsec_remove(struct host_sys *sys, const char *network, struct nat_error *err)
{
	char what[96];

	snprintf(what, sizeof(what), "portsec_remove %s", network);
	return undo_call(FAKE(sys), err->message, sizeof(err->message), what);
}

static const struct host_ops fake_ops = {
	.open = fake_open, .close = fake_close, .link_query = fake_query,
	.subnet_conflict = fake_conflict, .bridge_create = fake_create,
	.bridge_delete = fake_delete, .addr_add = fake_addr, .set_up = fake_up,
	.sysctl_set = fake_sysctl, .nat_install = fake_install, .nat_remove = fake_remove,
	.spawn = fake_spawn, .terminate = fake_terminate, .alive = fake_alive,
	.route_add = fake_route_add, .route_delete = fake_route_delete,
	.route6_add = fake_route6_add, .route6_delete = fake_route6_delete,
	.dns_register = fake_dns_register, .dns_revert = fake_dns_revert,
	.zone_add = fake_zone_add, .zone_remove = fake_zone_remove,
	.save = fake_save, .port_master = fake_port_master, .port_release = fake_port_release,
	.portsec_install = fake_portsec_install, .portsec_remove = fake_portsec_remove,
};

/* ---- the environment: a definition, a run directory, a fresh fake ---- */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static void reset_fake(struct env *e)
{
	memset(&e->fake, 0, sizeof(e->fake));
	e->fake.next_ifindex = 40;
	e->fake.next_pid = 1000;
	e->sys.ops = &fake_ops;
	e->sys.data = &e->fake;
	e->msg[0] = '\0';
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	char path[160];

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/vnetd-lifecycle-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->confdir, sizeof(e->confdir), "%s/conf", e->dir);
	snprintf(e->rundir, sizeof(e->rundir), "%s/run", e->dir);
	snprintf(e->statedir, sizeof(e->statedir), "%s/state", e->dir);
	snprintf(path, sizeof(path), "%s/networks", e->confdir);
	assert_int_equal(mkdir_parents(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/networks/vt.xml", e->confdir);
	write_file(path, NET_XML);
	e->paths = (struct vnetd_paths){ e->confdir, e->rundir, e->statedir };
	reset_fake(e);
	*state = e;
	return 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int teardown(void **state)
{
	struct env *e = *state;

	nftw(e->dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
	free(e);
	return 0;
}

static bool run_file_exists(const struct env *e, const char *ext)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/vt%s", e->rundir, ext);
	return access(path, F_OK) == 0;
}

static int start(struct env *e)
{
	return lifecycle_start_on(&e->sys, &e->paths, "vt", NULL, NULL, e->msg, sizeof(e->msg));
}

static int stop(struct env *e)
{
	return lifecycle_stop_on(&e->sys, &e->paths, "vt", e->msg, sizeof(e->msg));
}

/* The fake host holds nothing of the network. */
static void assert_host_clean(const struct env *e)
{
	size_t i;

	assert_false(e->fake.bridge);
	assert_false(e->fake.table);
	for (i = 0; i < 16; i++)
		assert_false(e->fake.alive[i]);
}

static void assert_calls(const struct fake *f, size_t from, const char *const *want, size_t n)
{
	size_t i;

	for (i = 0; i < n && from + i < f->n_calls; i++)
		assert_string_equal(f->calls[from + i], want[i]);
	assert_int_equal(f->n_calls, from + n);
}

/* ---- start, and its rollback at every step ---- */

static void test_start_records_every_step(void **state)
{
	struct env *e = *state;
	struct run_state st;
	char msg[256];

	assert_int_equal(start(e), 0);
	assert_calls(&e->fake, 0, START_CALLS, N_START_CALLS);
	assert_int_equal(state_read(&e->paths, "vt", &st, msg, sizeof(msg)), 0);
	assert_int_equal(st.n_undo, 8);
	assert_int_equal(st.undo[7].kind, UNDO_SUPERVISOR);
	assert_int_equal(st.undo[7].pid, 1002);
	assert_int_equal(st.undo[7].restarts, 0);
	assert_string_equal(st.undo[7].mode, "background");
	assert_int_equal(st.undo[0].kind, UNDO_BRIDGE);
	assert_string_equal(st.undo[0].ifname, "vtbr9");
	assert_int_equal(st.undo[0].ifindex, 40);
	assert_int_equal(st.undo[1].kind, UNDO_SYSCTL);
	assert_int_equal(st.undo[2].kind, UNDO_ADDRESS);
	assert_int_equal(st.undo[3].address.prefix, 24);
	assert_string_equal(st.undo[4].table, "vnetd-vt");
	assert_int_equal(st.undo[5].pid, 1000);
	assert_int_equal(st.undo[6].kind, UNDO_KEEPER);
	assert_int_equal(st.undo[6].start, 1101);
	assert_string_equal(st.uuid, "0b7c7e3a-5d2b-4c55-9d7e-2f00c0ffee01");
	assert_int_equal(st.mode, NETDEF_FWD_NAT);
	assert_true(run_file_exists(e, ".pid"));
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_ACTIVE);
}

static void test_failure_at_each_step_undoes_the_earlier_ones(void **state)
{
	struct env *e = *state;
	unsigned k;
	size_t i;

	for (k = 1; k <= N_START_CALLS; k++) {
		const char *want[N_START_CALLS];
		size_t n = 0;

		reset_fake(e);
		e->fake.fail_at = k;
		assert_int_equal(start(e), -EIO);
		assert_non_null(strstr(e->msg, "fake failure at"));
		assert_non_null(strstr(e->msg, START_CALLS[k - 1]));
		/* the steps up to k as asked, then the undo of those before k, last first */
		for (i = k - 1; i-- > 0;)
			if (UNDO_CALLS[i][0])
				want[n++] = UNDO_CALLS[i];
		for (i = 0; i < k; i++)
			assert_string_equal(e->fake.calls[i], START_CALLS[i]);
		assert_calls(&e->fake, k, want, n);
		assert_host_clean(e);
		assert_false(run_file_exists(e, ".state"));
		assert_false(run_file_exists(e, ".pid"));
	}
}

static void test_no_ipv6_no_sysctl_step(void **state)
{
	struct env *e = *state;
	struct run_state st;

	e->fake.no_ipv6 = true;
	assert_int_equal(lifecycle_start_on(&e->sys, &e->paths, "vt", NULL, &st, e->msg,
					    sizeof(e->msg)), 0);
	assert_null(run_state_find(&st, UNDO_SYSCTL));
	assert_int_equal(st.n_undo, 7);
}

/* ---- IPv6 on the bridge ---- */

static const char DUAL_XML[] =
	"<network>\n"
	"  <name>vt</name>\n"
	"  <forward mode='nat'/>\n"
	"  <bridge name='vtbr9' stp='off'/>\n"
	"  <ip address='10.9.0.1' prefix='24'/>\n"
	"  <ip family='ipv6' address='fd00:9::1' prefix='64'/>\n"
	"  <ip family='ipv6' address='2001:db8:9::1' prefix='48'/>\n"
	"</network>\n";

static void use_xml(struct env *e, const char *xml)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/networks/vt.xml", e->confdir);
	write_file(path, xml);
}

/*
 * IPv6 enabled on the bridge but no RAs taken, both families' addresses,
 * IPv6 forwarding beside IPv4's; the record holds the IPv6 addresses.
 */
static void test_dual_stack_start(void **state)
{
	static const char *const calls[] = {
		"create vtbr9", "sysctl ipv6/conf/vtbr9/disable_ipv6",
		"sysctl ipv6/conf/vtbr9/accept_ra", "sysctl ipv6/conf/vtbr9/autoconf",
		"addr vtbr9 10.9.0.1/24", "addr vtbr9 fd00:9::1/64", "addr vtbr9 2001:db8:9::1/48",
		"nat_install vt", "up vtbr9", "sysctl ipv4/ip_forward",
		"sysctl ipv6/conf/all/forwarding", "spawn daemon", "spawn keeper",
		"spawn supervisor", "save",
	};
	struct env *e = *state;
	struct run_state st;
	char msg[256], text[64];

	use_xml(e, DUAL_XML);
	assert_int_equal(start(e), 0);
	assert_calls(&e->fake, 0, calls, sizeof(calls) / sizeof(calls[0]));
	assert_int_equal(state_read(&e->paths, "vt", &st, msg, sizeof(msg)), 0);
	assert_int_equal(st.undo[5].kind, UNDO_ADDRESS);
	assert_int_equal(st.undo[5].address.family, AF_INET6);
	assert_string_equal(host_addr_text(&st.undo[5].address, text, sizeof(text)),
			    "fd00:9::1/64");
	assert_string_equal(host_addr_text(&st.undo[6].address, text, sizeof(text)),
			    "2001:db8:9::1/48");
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	assert_host_clean(e);
}

/* A host without IPv6 refuses an IPv6 network, naming why, and keeps nothing. */
static void test_ipv6_network_on_host_without_ipv6(void **state)
{
	struct env *e = *state;

	use_xml(e, DUAL_XML);
	e->fake.no_ipv6 = true;
	assert_int_equal(start(e), -ENOENT);
	assert_string_equal(e->msg, "network 'vt' has IPv6, but this host has no IPv6 (no "
			    "/proc/sys/net/ipv6/conf/vtbr9/disable_ipv6)");
	assert_host_clean(e);
	assert_false(run_file_exists(e, ".state"));
}

static void test_start_twice_changes_nothing(void **state)
{
	struct env *e = *state;

	assert_int_equal(start(e), 0);
	e->fake.n_calls = 0;
	assert_int_equal(start(e), 1);
	assert_int_equal(e->fake.n_calls, 0);
}

/* ---- stop and stale records: the same replay ---- */

static void test_stop_replays_the_record(void **state)
{
	static const char *const want[] = {
		"terminate 1002", "terminate 1001", "terminate 1000", "nat_remove vt",
		"delete vtbr9",
	};
	struct env *e = *state;

	assert_int_equal(start(e), 0);
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	assert_calls(&e->fake, 0, want, 5);
	assert_host_clean(e);
	assert_false(run_file_exists(e, ".state"));
	assert_false(run_file_exists(e, ".pid"));
	assert_int_equal(stop(e), 1);
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_INACTIVE);
}

/* Someone deleted the bridge and made another of that name: not ours to delete. */
static void test_stop_spares_a_namesake(void **state)
{
	static const char *const want[] = {
		"terminate 1002", "terminate 1001", "terminate 1000", "nat_remove vt",
	};
	struct env *e = *state;

	assert_int_equal(start(e), 0);
	e->fake.ifindex = 77;
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_STALE);
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	assert_calls(&e->fake, 0, want, 4);
	assert_true(e->fake.bridge);
	assert_false(run_file_exists(e, ".state"));
}

/* The bridge went: the record is replayed, then a whole start. */
static void test_stale_record_replayed_by_start(void **state)
{
	static const char *const cleanup[] = {
		"terminate 1002", "terminate 1001", "terminate 1000", "nat_remove vt",
	};
	struct env *e = *state;

	assert_int_equal(start(e), 0);
	e->fake.bridge = false;         /* deleted by hand */
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_STALE);
	e->fake.n_calls = 0;
	e->fake.changes = 0;
	assert_int_equal(start(e), 0);
	assert_int_equal(e->fake.n_calls, 4 + N_START_CALLS);
	e->fake.n_calls = 4;
	assert_calls(&e->fake, 0, cleanup, 4);
	assert_string_equal(e->fake.calls[4], START_CALLS[0]);
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_ACTIVE);
}

/*
 * The daemon died but the bridge stayed: start takes the network over —
 * a new daemon and keeper, the restart counted — and touches nothing else.
 */
static void test_dead_daemon_taken_over_by_start(void **state)
{
	static const char *const takeover[] = {
		"terminate 1001", "spawn daemon", "spawn keeper", "save",
	};
	struct env *e = *state;
	struct run_state st;
	char msg[256];

	assert_int_equal(start(e), 0);
	e->fake.alive[0] = false;       /* the daemon died; its supervisor (1002) runs */
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_RESTARTING);
	e->fake.n_calls = 0;
	assert_int_equal(start(e), 2);
	assert_calls(&e->fake, 0, takeover, 4);
	assert_int_equal(state_read(&e->paths, "vt", &st, msg, sizeof(msg)), 0);
	assert_int_equal(run_state_find(&st, UNDO_DAEMON)->pid, 1003);
	assert_int_equal(run_state_find(&st, UNDO_KEEPER)->pid, 1004);
	assert_int_equal(run_state_find(&st, UNDO_SUPERVISOR)->pid, 1002);
	assert_int_equal(run_state_find(&st, UNDO_SUPERVISOR)->restarts, 1);
	assert_string_equal(run_state_find(&st, UNDO_SUPERVISOR)->reason, "started-again");
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_ACTIVE);
	/* and with its supervisor gone too, a new supervisor as well */
	e->fake.alive[2] = false;
	e->fake.n_calls = 0;
	assert_int_equal(start(e), 2);
	assert_string_equal(e->fake.calls[0], "spawn supervisor");
	assert_true(e->fake.bridge);
	assert_int_equal(stop(e), 0);
	assert_host_clean(e);
}

/* A port record: its place in the list, the filter that goes with a MAC, its undo. */
static void test_port_record(void **state)
{
	static const char *const undo[] = {
		"release vtap1", "release vtap0", "portsec_remove vt", "terminate 1002",
		"terminate 1001", "terminate 1000", "nat_remove vt", "delete vtbr9",
	};
	struct env *e = *state;
	struct run_state st, back;
	struct undo_rec *u;
	char msg[256];
	size_t i;

	assert_int_equal(lifecycle_start_on(&e->sys, &e->paths, "vt", NULL, &st, e->msg,
					    sizeof(e->msg)), 0);
	for (i = 0; i < 2; i++) {
		u = undo_insert(&st, UNDO_PORT);
		snprintf(u->ifname, sizeof(u->ifname), "vtap%zu", i);
		u->ifindex = 50 + (int)i;
		u->mac = (struct run_mac){ i == 1, { 0x52, 0x54, 0, 0, 0, 9 } };
	}
	e->fake.n_calls = 0;
	assert_int_equal(ports_filter(&e->sys, &st, msg, sizeof(msg)), 0);
	assert_string_equal(e->fake.calls[0], "portsec vt 1 vtap1");
	/* the filter's step goes before the ports, where start's order puts it */
	assert_int_equal(st.undo[st.n_undo - 3].kind, UNDO_PORTSEC);
	assert_string_equal(st.undo[st.n_undo - 3].table, "vnetd-vt");
	assert_int_equal(state_write(&e->paths, &st), 0);
	assert_int_equal(state_read(&e->paths, "vt", &back, msg, sizeof(msg)), 0);
	assert_int_equal(back.n_undo, st.n_undo);
	assert_true(back.undo[back.n_undo - 1].mac.set);
	assert_false(back.undo[back.n_undo - 2].mac.set);
	assert_int_equal(back.undo[back.n_undo - 1].mac.b[5], 9);
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	assert_calls(&e->fake, 0, undo, 8);
	/* the last filtered port gone: so is the filter and its step */
	st.undo[st.n_undo - 1].mac.set = false;
	e->fake.n_calls = 0;
	assert_int_equal(ports_filter(&e->sys, &st, msg, sizeof(msg)), 0);
	assert_string_equal(e->fake.calls[0], "portsec_remove vt");
	assert_null(run_state_find(&st, UNDO_PORTSEC));
}

/* An undo that fails keeps it and everything before it on record; stop finishes later. */
static void test_failed_undo_keeps_the_rest(void **state)
{
	static const char *const rest[] = { "nat_remove vt", "delete vtbr9" };
	struct env *e = *state;
	struct run_state st;
	char msg[256];

	assert_int_equal(start(e), 0);
	e->fake.fail_undo = "nat_remove";
	assert_int_equal(stop(e), -EBUSY);
	assert_non_null(strstr(e->msg, "fake undo failure"));
	assert_non_null(strstr(e->msg, "stays recorded"));
	assert_int_equal(state_read(&e->paths, "vt", &st, msg, sizeof(msg)), 0);
	assert_int_equal(st.n_undo, 5);
	assert_int_equal(st.undo[4].kind, UNDO_FIREWALL);
	assert_false(run_file_exists(e, ".pid"));
	assert_int_equal(lifecycle_status_on(&e->sys, &e->paths, "vt", NULL), NET_STALE);
	e->fake.fail_undo = NULL;
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	assert_calls(&e->fake, 0, rest, 2);
	assert_host_clean(e);
	assert_false(run_file_exists(e, ".state"));
}

static void test_failed_rollback_is_recorded(void **state)
{
	static const char *const rest[] = { "nat_remove vt", "delete vtbr9" };
	struct env *e = *state;

	e->fake.fail_at = 8;            /* spawn daemon */
	e->fake.fail_undo = "nat_remove";
	assert_int_equal(start(e), -EIO);
	assert_non_null(strstr(e->msg, "fake failure at 'spawn daemon'"));
	assert_non_null(strstr(e->msg, "undoing it failed too"));
	assert_true(run_file_exists(e, ".state"));
	e->fake.fail_undo = NULL;
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	assert_calls(&e->fake, 0, rest, 2);
	assert_host_clean(e);
}

/* ---- what the run state file may say ---- */

static void write_state(const struct env *e, const char *text)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/vt.state", e->rundir);
	assert_int_equal(mkdir_parents(e->rundir, 0755), 0);
	write_file(path, text);
}

/* Neither stop nor start touches anything on a record it cannot trust. */
static void test_hostile_state_refused(void **state)
{
	static const char *const files[] = {
		/* the previous format */
		"name=vt\nbridge=vtbr9\nbridge_created=1\nifindex=7\nfirewall=1\n",
		/* another link's address, another network's table, another name */
		"vnetd-run-state 2\nnetwork name=vt uuid=0b7c7e3a-5d2b-4c55-9d7e-2f00c0ffee01 "
		"forward=nat started=1\nbridge ifname=vtbr9 ifindex=7\n"
		"address ifname=eth0 address=10.0.0.1/8\n",
		"vnetd-run-state 2\nnetwork name=vt uuid=0b7c7e3a-5d2b-4c55-9d7e-2f00c0ffee01 "
		"forward=nat started=1\nbridge ifname=vtbr9 ifindex=7\n"
		"firewall table=vnetd-other\n",
		"vnetd-run-state 2\nnetwork name=other uuid=0b7c7e3a-5d2b-4c55-9d7e-2f00c0ffee01 "
		"forward=nat started=1\nbridge ifname=vtbr9 ifindex=7\n",
	};
	struct env *e = *state;
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		reset_fake(e);
		write_state(e, files[i]);
		assert_int_equal(stop(e), -EINVAL);
		assert_non_null(strstr(e->msg, "vt.state: "));
		assert_int_equal(start(e), -EINVAL);
		assert_non_null(strstr(e->msg, "cannot read the run state"));
		assert_int_equal(e->fake.n_calls, 0);
		assert_true(run_file_exists(e, ".state"));
	}
	assert_non_null(strstr(e->msg, "names network 'other'"));
}

/* The fuzz seeds: the good ones round-trip, every other one is refused with a reason. */
static void check_seed(const char *name, const char *text)
{
	static const char *const good[] = {
		"nat-running", "isolated-three-addresses", "open-no-table",
		"remainder-after-failed-stop", "odd-bridge-name", "hostview-routes",
		"supervisor-ports", "dual-stack-nat", "dual-stack-routes",
	};
	struct run_state st, again;
	char msg[256] = "", *first, *second;
	size_t n1, n2, i;
	bool want = false;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		size_t n = strlen(good[i]);

		want |= !strncmp(name, good[i], n) && !strcmp(name + n, ".state");
	}
	if (!want) {
		if (state_parse(text, &st, msg, sizeof(msg)) == 0)
			fail_msg("seed %s was accepted", name);
		assert_true(msg[0] != '\0');
		return;
	}
	if (state_parse(text, &st, msg, sizeof(msg)) != 0)
		fail_msg("seed %s refused: %s", name, msg);
	assert_int_equal(state_format(&st, &first, &n1), 0);
	assert_int_equal(state_parse(first, &again, msg, sizeof(msg)), 0);
	assert_int_equal(state_format(&again, &second, &n2), 0);
	assert_int_equal(n1, n2);
	assert_memory_equal(first, second, n1);
	free(first);
	free(second);
}

static void test_state_seeds(void **state)
{
	DIR *d = opendir(SEEDS_DIR);
	struct dirent *de;
	unsigned n = 0;

	assert_non_null(d);
	while ((de = readdir(d))) {
		char path[512], *text;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", SEEDS_DIR, de->d_name);
		assert_int_equal(read_small_file(path, 1 << 16, &text, NULL), 0);
		check_seed(de->d_name, text);
		free(text);
		n++;
	}
	closedir(d);
	assert_true(n >= 20);
}

/* ---- the host's view: <route>, firewalld's zone, resolved ---- */

static const char VIEW_XML[] =
	"<network>\n"
	"  <name>vt</name>\n"
	"  <forward mode='nat'/>\n"
	"  <bridge name='vtbr9' stp='off'/>\n"
	"  <domain name='vt.test'/>\n"
	"  <ip address='10.9.0.1' prefix='24'/>\n"
	"  <route address='10.99.0.0' prefix='16' gateway='10.9.0.2'/>\n"
	"  <route address='10.98.0.0' prefix='24' gateway='10.9.0.3' metric='5'/>\n"
	"</network>\n";

static void use_view_xml(struct env *e)
{
	use_xml(e, VIEW_XML);
}

/* Routes after up, then zone and resolved; stop undoes them last first. */
static void test_routes_zone_and_dns_are_undo_records(void **state)
{
	static const char *const started[] = {
		"up vtbr9", "route 10.99.0.0/16 via 10.9.0.2 metric 1",
		"route 10.98.0.0/24 via 10.9.0.3 metric 5", "zone vtbr9",
		"dns 40 10.9.0.1 ~vt.test", "sysctl ipv4/ip_forward",
	};
	static const char *const stopped[] = {
		"terminate 1002", "terminate 1001", "terminate 1000", "dns_revert 40",
		"zone_remove libvirt vtbr9",
		"route_delete 10.98.0.0/24 via 10.9.0.3 metric 5",
		"route_delete 10.99.0.0/16 via 10.9.0.2 metric 1", "nat_remove vt", "delete vtbr9",
	};
	struct env *e = *state;
	size_t i;

	use_view_xml(e);
	e->fake.services = 1;
	assert_int_equal(start(e), 0);
	assert_int_equal(e->fake.routes, 2);
	for (i = 0; i < 6; i++)
		assert_string_equal(e->fake.calls[4 + i], started[i]);
	assert_string_equal(e->fake.calls[10], "spawn daemon");
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	assert_calls(&e->fake, 0, stopped, 9);
	assert_int_equal(e->fake.routes, 0);
	assert_host_clean(e);
}

/* A failing route fails the start and undoes the route before it. */
static void test_failed_route_undoes_the_first(void **state)
{
	struct env *e = *state;

	use_view_xml(e);
	e->fake.fail_at = 7;    /* create, sysctl, addr, nat, up, route, route */
	assert_int_equal(start(e), -EIO);
	assert_string_equal(e->msg, "fake failure at 'route 10.98.0.0/24 via 10.9.0.3 metric 5'");
	assert_string_equal(e->fake.calls[7], "route_delete 10.99.0.0/16 via 10.9.0.2 metric 1");
	assert_int_equal(e->fake.routes, 0);
	assert_host_clean(e);
}

static const char VIEW6_XML[] =
	"<network>\n"
	"  <name>vt</name>\n"
	"  <forward mode='route'/>\n"
	"  <bridge name='vtbr9' stp='off'/>\n"
	"  <ip address='10.9.0.1' prefix='24'/>\n"
	"  <ip family='ipv6' address='fd00:9::1' prefix='64'/>\n"
	"  <route address='10.99.0.0' prefix='16' gateway='10.9.0.2'/>\n"
	"  <route family='ipv6' address='fd00:99::' prefix='64' gateway='fd00:9::2'/>\n"
	"  <route family='ipv6' address='fd00:98::' prefix='48' gateway='fd00:9::3' "
	"metric='7'/>\n"
	"</network>\n";

static ssize_t call_at(const struct fake *f, const char *what)
{
	for (size_t i = 0; i < f->n_calls; i++)
		if (!strcmp(f->calls[i], what))
			return (ssize_t)i;
	fail_msg("no call '%s'", what);
	return -1;
}

/* IPv6 routes after the IPv4 ones, each an undo record ("route6"); stop removes them first. */
static void test_ipv6_routes_are_undo_records(void **state)
{
	struct env *e = *state;
	char path[256], *text;
	ssize_t v4, a, b;

	use_xml(e, VIEW6_XML);
	assert_int_equal(start(e), 0);
	assert_int_equal(e->fake.routes, 3);
	v4 = call_at(&e->fake, "route 10.99.0.0/16 via 10.9.0.2 metric 1");
	a = call_at(&e->fake, "route6 fd00:99::/64 via fd00:9::2 metric 1");
	b = call_at(&e->fake, "route6 fd00:98::/48 via fd00:9::3 metric 7");
	assert_true(call_at(&e->fake, "addr vtbr9 fd00:9::1/64") < v4);
	assert_true(v4 < a && a < b);
	snprintf(path, sizeof(path), "%s/vt.state", e->rundir);
	assert_int_equal(read_small_file(path, 1 << 16, &text, NULL), 0);
	assert_non_null(strstr(text, "\nroute ifname=vtbr9 address=10.99.0.0/16 gateway=10.9.0.2 "
			       "metric=1\nroute6 ifname=vtbr9 address=fd00:99::/64 "
			       "gateway=fd00:9::2 metric=1\nroute6 ifname=vtbr9 "
			       "address=fd00:98::/48 gateway=fd00:9::3 metric=7\n"));
	free(text);
	e->fake.n_calls = 0;
	assert_int_equal(stop(e), 0);
	a = call_at(&e->fake, "route6_delete fd00:98::/48 via fd00:9::3 metric 7");
	b = call_at(&e->fake, "route6_delete fd00:99::/64 via fd00:9::2 metric 1");
	v4 = call_at(&e->fake, "route_delete 10.99.0.0/16 via 10.9.0.2 metric 1");
	assert_true(a < b && b < v4);
	assert_int_equal(e->fake.routes, 0);
	assert_host_clean(e);
}

/* A failing IPv6 route fails the start and undoes the routes before it. */
static void test_failed_ipv6_route_undoes_the_others(void **state)
{
	struct env *e = *state;
	unsigned at;

	use_xml(e, VIEW6_XML);
	/* the change that adds the second IPv6 route: fail each in turn until it is that one */
	for (at = 1; at < 40; at++) {
		reset_fake(e);
		e->fake.fail_at = at;
		assert_int_equal(start(e), -EIO);
		if (strstr(e->msg, "route6 fd00:98::"))
			break;
		assert_host_clean(e);
	}
	assert_string_equal(e->msg, "fake failure at 'route6 fd00:98::/48 via fd00:9::3 metric 7'");
	assert_true(call_at(&e->fake, "route6_delete fd00:99::/64 via fd00:9::2 metric 1") <
		    call_at(&e->fake, "route_delete 10.99.0.0/16 via 10.9.0.2 metric 1"));
	assert_int_equal(e->fake.routes, 0);
	assert_host_clean(e);
}

/* resolved and firewalld refusing: the start goes on, and nothing of theirs is recorded. */
static void test_refusing_services_are_not_recorded(void **state)
{
	struct env *e = *state;
	struct run_state st;

	use_view_xml(e);
	e->fake.services = -EACCES;
	assert_int_equal(lifecycle_start_on(&e->sys, &e->paths, "vt", NULL, &st, e->msg,
					    sizeof(e->msg)), 0);
	assert_null(run_state_find(&st, UNDO_ZONE));
	assert_null(run_state_find(&st, UNDO_RESOLVED));
	assert_non_null(run_state_find(&st, UNDO_ROUTE));
	e->fake.services = 0;
	assert_int_equal(stop(e), 0);
	assert_host_clean(e);
}

/* build/vnetd's default is the kernel's table: the fault table is not in the library. */
static void test_default_table_is_the_kernel(void **state)
{
	struct host_sys sys;

	host_sys_default(&sys);
	assert_ptr_equal(sys.ops, &host_ops_linux);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_records_every_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failure_at_each_step_undoes_the_earlier_ones,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_ipv6_no_sysctl_step, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dual_stack_start, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_network_on_host_without_ipv6, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_start_twice_changes_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_replays_the_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_spares_a_namesake, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_record_replayed_by_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_undo_keeps_the_rest, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_rollback_is_recorded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_state_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv6_routes_are_undo_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_ipv6_route_undoes_the_others, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_routes_zone_and_dns_are_undo_records, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_route_undoes_the_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_refusing_services_are_not_recorded, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_dead_daemon_taken_over_by_start, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_port_record, setup, teardown),
		cmocka_unit_test(test_state_seeds),
		cmocka_unit_test(test_default_table_is_the_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
