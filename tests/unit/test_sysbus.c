/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * resolved and firewalld over D-Bus, against fakes: the test runs its own
 * dbus-daemon on a private socket (never the host's system bus), a child
 * process owns org.freedesktop.resolve1 and org.fedoraproject.FirewallD1
 * there and writes down every call it gets, and the real host_ops_linux
 * calls find that bus through DBUS_SYSTEM_BUS_ADDRESS, as every sd-bus
 * client does. What is checked is what the services were sent, whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <systemd/sd-bus.h>

#include "netd/host/host-internal.h"

struct env {
	char dir[64], bus_path[96], log_path[96], address[128];
	pid_t daemon, fake;
	const char *zones;      /* what the fake firewalld's getZones lists, comma-separated */
	bool no_names;          /* the fake owns no name: the services do not run */
	bool other_netns;       /* the fake runs in a network namespace of its own */
};

static void note(void *userdata, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void note(void *userdata, const char *fmt, ...)
{
	FILE *f = fopen(((struct env *)userdata)->log_path, "a");
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fputc('\n', f);
	fclose(f);
}

/* SetLinkDNS(ia(iay)): ifindex 666 is refused, as resolved refuses a link it does not know. */
static int on_set_dns(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const uint8_t *a;
	size_t len = 0;
	int32_t ifindex, family;

	if (sd_bus_message_read(m, "i", &ifindex) < 0 ||
	    sd_bus_message_enter_container(m, 'a', "(iay)") < 0 ||
	    sd_bus_message_enter_container(m, 'r', "iay") < 0 ||
	    sd_bus_message_read(m, "i", &family) < 0 ||
	    sd_bus_message_read_array(m, 'y', (const void **)&a, &len) < 0 || len != 4)
		return sd_bus_error_set(e, SD_BUS_ERROR_INVALID_ARGS, "bad SetLinkDNS");
	if (ifindex == 666)
		return sd_bus_error_set(e, SD_BUS_ERROR_ACCESS_DENIED, "no such link here");
	note(userdata, "SetLinkDNS %d %d %u.%u.%u.%u", ifindex, family, a[0], a[1], a[2], a[3]);
	return sd_bus_reply_method_return(m, "");
}

static int on_set_domains(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const char *d;
	int32_t ifindex;
	int routing, r;

	if (sd_bus_message_read(m, "i", &ifindex) < 0 ||
	    sd_bus_message_enter_container(m, 'a', "(sb)") < 0)
		return sd_bus_error_set(e, SD_BUS_ERROR_INVALID_ARGS, "bad SetLinkDomains");
	while ((r = sd_bus_message_read(m, "(sb)", &d, &routing)) > 0)
		note(userdata, "SetLinkDomains %d %s %d", ifindex, d, routing);
	return sd_bus_reply_method_return(m, "");
}

static int on_revert(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	int32_t ifindex;

	if (sd_bus_message_read(m, "i", &ifindex) < 0)
		return sd_bus_error_set(e, SD_BUS_ERROR_INVALID_ARGS, "bad RevertLink");
	note(userdata, "RevertLink %d", ifindex);
	return sd_bus_reply_method_return(m, "");
}

static int on_get_zones(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const struct env *env = userdata;
	char zones[128], *save = NULL, *z;
	sd_bus_message *reply = NULL;
	int r;

	note(userdata, "getZones");
	snprintf(zones, sizeof(zones), "%s", env->zones);
	if ((r = sd_bus_message_new_method_return(m, &reply)) < 0 ||
	    (r = sd_bus_message_open_container(reply, 'a', "s")) < 0)
		return r;
	for (z = strtok_r(zones, ",", &save); z; z = strtok_r(NULL, ",", &save))
		if ((r = sd_bus_message_append(reply, "s", z)) < 0)
			return r;
	if ((r = sd_bus_message_close_container(reply)) >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int on_zone_call(sd_bus_message *m, void *userdata, sd_bus_error *e)
{
	const char *zone, *ifname;

	if (sd_bus_message_read(m, "ss", &zone, &ifname) < 0)
		return sd_bus_error_set(e, SD_BUS_ERROR_INVALID_ARGS, "bad zone call");
	note(userdata, "%s %s %s", sd_bus_message_get_member(m), zone, ifname);
	return sd_bus_reply_method_return(m, "s", zone);
}

static const sd_bus_vtable resolve_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("SetLinkDNS", "ia(iay)", "", on_set_dns, 0),
	SD_BUS_METHOD("SetLinkDomains", "ia(sb)", "", on_set_domains, 0),
	SD_BUS_METHOD("RevertLink", "i", "", on_revert, 0),
	SD_BUS_VTABLE_END
};

static const sd_bus_vtable zone_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("getZones", "", "as", on_get_zones, 0),
	SD_BUS_METHOD("changeZoneOfInterface", "ss", "s", on_zone_call, 0),
	SD_BUS_METHOD("removeInterface", "ss", "s", on_zone_call, 0),
	SD_BUS_VTABLE_END
};

/* The child: both services on the private bus until killed. */
static void run_fake(struct env *env, int ready)
{
	sd_bus *bus = NULL;

	if (env->other_netns && unshare(CLONE_NEWNET) < 0)
		_exit(6);
	if (sd_bus_new(&bus) < 0 || sd_bus_set_address(bus, env->address) < 0 ||
	    sd_bus_set_bus_client(bus, 1) < 0 || sd_bus_start(bus) < 0)
		_exit(2);
	if (sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/resolve1",
				     "org.freedesktop.resolve1.Manager", resolve_vtable, env) < 0 ||
	    sd_bus_add_object_vtable(bus, NULL, "/org/fedoraproject/FirewallD1",
				     "org.fedoraproject.FirewallD1.zone", zone_vtable, env) < 0)
		_exit(3);
	if (!env->no_names &&
	    (sd_bus_request_name(bus, "org.freedesktop.resolve1", 0) < 0 ||
	     sd_bus_request_name(bus, "org.fedoraproject.FirewallD1", 0) < 0))
		_exit(4);
	if (write(ready, "1", 1) != 1)
		_exit(5);
	for (;;)
		if (sd_bus_process(bus, NULL) == 0)
			sd_bus_wait(bus, (uint64_t)-1);
}

static void write_config(const struct env *e, const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fprintf(f, "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration "
		"1.0//EN\" \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
		"<busconfig><type>session</type><listen>unix:path=%s</listen>"
		"<auth>EXTERNAL</auth><policy context=\"default\"><allow send_destination=\"*\"/>"
		"<allow own=\"*\"/><allow receive_sender=\"*\"/></policy></busconfig>\n",
		e->bus_path);
	assert_int_equal(fclose(f), 0);
}

static void start_daemon(struct env *e)
{
	char conf[128], arg[160];
	struct stat sb;
	int i;

	snprintf(conf, sizeof(conf), "%s/bus.conf", e->dir);
	write_config(e, conf);
	snprintf(arg, sizeof(arg), "--config-file=%s", conf);
	e->daemon = fork();
	assert_true(e->daemon >= 0);
	if (e->daemon == 0) {
		int null = open("/dev/null", O_WRONLY);

		/* it says it cannot raise its fd limit in a container: noise here */
		if (null >= 0)
			dup2(null, STDERR_FILENO);
		execlp("dbus-daemon", "dbus-daemon", arg, "--nofork", "--nopidfile", (char *)NULL);
		_exit(127);
	}
	for (i = 0; i < 500 && stat(e->bus_path, &sb) < 0; i++)
		usleep(10000);
	assert_int_equal(stat(e->bus_path, &sb), 0);
}

static void start_fake(struct env *e)
{
	int p[2];
	char c;

	assert_int_equal(pipe(p), 0);
	e->fake = fork();
	assert_true(e->fake >= 0);
	if (e->fake == 0) {
		close(p[0]);
		run_fake(e, p[1]);
	}
	close(p[1]);
	assert_int_equal(read(p[0], &c, 1), 1);
	close(p[0]);
}

static void stop_child(pid_t *pid)
{
	if (*pid > 0) {
		kill(*pid, SIGTERM);
		waitpid(*pid, NULL, 0);
		*pid = 0;
	}
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));

	assert_non_null(e);
	snprintf(e->dir, sizeof(e->dir), "/tmp/vnetd-sysbus-XXXXXX");
	assert_non_null(mkdtemp(e->dir));
	snprintf(e->bus_path, sizeof(e->bus_path), "%s/bus", e->dir);
	snprintf(e->log_path, sizeof(e->log_path), "%s/calls", e->dir);
	snprintf(e->address, sizeof(e->address), "unix:path=%s", e->bus_path);
	e->zones = "block,public,libvirt,vnetd";
	start_daemon(e);
	setenv("DBUS_SYSTEM_BUS_ADDRESS", e->address, 1);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	struct env *e = *state;
	char path[128];

	stop_child(&e->fake);
	stop_child(&e->daemon);
	unsetenv("DBUS_SYSTEM_BUS_ADDRESS");
	snprintf(path, sizeof(path), "%s/bus.conf", e->dir);
	unlink(path);
	unlink(e->log_path);
	unlink(e->bus_path);
	rmdir(e->dir);
	free(e);
	return 0;
}

/* Every call the fakes got, one a line ("" when none). */
static const char *calls(const struct env *e, char *buf, size_t size)
{
	FILE *f = fopen(e->log_path, "r");
	size_t n = 0;

	buf[0] = '\0';
	if (f) {
		n = fread(buf, 1, size - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	return buf;
}

static struct in_addr addr(const char *text)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, text, &a), 1);
	return a;
}

static void test_resolved_register_and_revert(void **state)
{
	struct env *e = *state;
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", buf[1024];

	start_fake(e);
	assert_int_equal(sys.ops->dns_register(&sys, 7, addr("192.168.122.1"), "default", msg,
					       sizeof(msg)), 1);
	assert_int_equal(sys.ops->dns_revert(&sys, 7, msg, sizeof(msg)), 1);
	assert_string_equal(msg, "");
	assert_string_equal(calls(e, buf, sizeof(buf)),
			    "SetLinkDNS 7 2 192.168.122.1\n"
			    "SetLinkDomains 7 default 1\n"
			    "RevertLink 7\n");
}

static void test_resolved_refusal_is_one_message(void **state)
{
	struct env *e = *state;
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", buf[256];

	start_fake(e);
	assert_int_equal(sys.ops->dns_register(&sys, 666, addr("10.0.0.1"), "x.test", msg,
					       sizeof(msg)), -EACCES);
	assert_string_equal(msg, "systemd-resolved: SetLinkDNS: no such link here");
	assert_string_equal(calls(e, buf, sizeof(buf)), "");
}

static void test_firewalld_prefers_libvirts_zone(void **state)
{
	struct env *e = *state;
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", zone[RUN_STATE_ZONE_MAX] = "", buf[512];

	start_fake(e);
	assert_int_equal(sys.ops->zone_add(&sys, "virbr0", zone, msg, sizeof(msg)), 1);
	assert_string_equal(zone, "libvirt");
	assert_int_equal(sys.ops->zone_remove(&sys, zone, "virbr0", msg, sizeof(msg)), 1);
	assert_string_equal(calls(e, buf, sizeof(buf)),
			    "getZones\n"
			    "changeZoneOfInterface libvirt virbr0\n"
			    "removeInterface libvirt virbr0\n");
}

static void test_firewalld_vnetd_zone_else(void **state)
{
	struct env *e = *state;
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", zone[RUN_STATE_ZONE_MAX] = "", buf[512];

	e->zones = "public,vnetd";
	start_fake(e);
	assert_int_equal(sys.ops->zone_add(&sys, "virbr3", zone, msg, sizeof(msg)), 1);
	assert_string_equal(zone, "vnetd");
	assert_string_equal(calls(e, buf, sizeof(buf)),
			    "getZones\nchangeZoneOfInterface vnetd virbr3\n");
}

static void test_firewalld_without_either_zone(void **state)
{
	struct env *e = *state;
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", zone[RUN_STATE_ZONE_MAX] = "", buf[512];

	e->zones = "public,block";
	start_fake(e);
	assert_int_equal(sys.ops->zone_add(&sys, "virbr0", zone, msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "firewalld has neither zone 'libvirt' nor 'vnetd', so virbr0 is "
			    "in its default zone (install vnetd's zone: make install, then "
			    "firewall-cmd --reload)");
	assert_string_equal(calls(e, buf, sizeof(buf)), "getZones\n");
}

/* A bus where nobody owns the names: the services do not run; nothing is called. */
static void test_services_absent_say_nothing(void **state)
{
	struct env *e = *state;
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", zone[RUN_STATE_ZONE_MAX] = "", buf[256];

	e->no_names = true;
	start_fake(e);
	assert_int_equal(sys.ops->dns_register(&sys, 7, addr("10.0.0.1"), "d", msg, sizeof(msg)),
			 0);
	assert_int_equal(sys.ops->zone_add(&sys, "virbr0", zone, msg, sizeof(msg)), 0);
	assert_int_equal(sys.ops->dns_revert(&sys, 7, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	assert_string_equal(calls(e, buf, sizeof(buf)), "");
}

/*
 * Services in another network namespace than vnetd's (vnetd started with
 * `ip netns exec` on a host whose resolved and firewalld run in the main
 * one): never told, as their ifindex and names are of other links.
 */
static void test_services_of_another_netns_are_left_alone(void **state)
{
	struct env *e = *state;
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", zone[RUN_STATE_ZONE_MAX] = "", buf[256];

	e->other_netns = true;
	start_fake(e);
	assert_int_equal(sys.ops->dns_register(&sys, 7, addr("10.0.0.1"), "d", msg, sizeof(msg)),
			 0);
	assert_int_equal(sys.ops->zone_add(&sys, "virbr0", zone, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
	assert_string_equal(calls(e, buf, sizeof(buf)), "");
}

/* No bus at all (a host without D-Bus): the same. */
static void test_no_bus_says_nothing(void **state)
{
	struct host_sys sys = { .ops = &host_ops_linux };
	char msg[300] = "", zone[RUN_STATE_ZONE_MAX] = "";

	setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/vnetd-test-bus", 1);
	assert_int_equal(sys.ops->dns_register(&sys, 7, addr("10.0.0.1"), "d", msg, sizeof(msg)),
			 0);
	assert_int_equal(sys.ops->zone_add(&sys, "virbr0", zone, msg, sizeof(msg)), 0);
	assert_string_equal(msg, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_resolved_register_and_revert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolved_refusal_is_one_message, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_firewalld_prefers_libvirts_zone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_firewalld_vnetd_zone_else, setup, teardown),
		cmocka_unit_test_setup_teardown(test_firewalld_without_either_zone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_services_absent_say_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_services_of_another_netns_are_left_alone,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_bus_says_nothing, setup, teardown),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
