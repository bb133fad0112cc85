/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vnetd-bridge-helper: what qemu runs for `-netdev bridge,br=BRIDGE,helper=...`
 * (the protocol of qemu-bridge-helper): `helper [--use-vnet] --br=BRIDGE
 * --fd=FD`. It creates a tap, attaches it to BRIDGE through vnetd's own
 * attach (recorded in the run state, shown by `info`, its hook and event
 * run), and hands the tap's descriptor back over the unix socket FD with
 * SCM_RIGHTS. Only the bridge of a network vnetd runs is allowed.
 *
 * It is installed setuid root (or with CAP_NET_ADMIN as a file capability)
 * so that an unprivileged qemu can use it: then the environment is not
 * trusted and the compiled-in directories are used; only when the real user
 * is root (the tests) do VNETD_CONFDIR, VNETD_RUNDIR and VNETD_STATEDIR count.
 */
#include "netd/host/host.h"
#include "netd/base/base.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct helper_args {
	bool vnet_hdr;
	const char *bridge;
	int fd;
};

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "vnetd-bridge-helper: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static bool parse_args(int argc, char **argv, struct helper_args *a)
{
	char *end;
	int i;

	memset(a, 0, sizeof(*a));
	a->fd = -1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--use-vnet")) {
			a->vnet_hdr = true;
		} else if (!strncmp(argv[i], "--br=", 5)) {
			a->bridge = argv[i] + 5;
		} else if (!strncmp(argv[i], "--fd=", 5)) {
			errno = 0;
			a->fd = (int)strtol(argv[i] + 5, &end, 10);
			if (errno || *end || end == argv[i] + 5 || a->fd < 0)
				return false;
		} else {
			return false;
		}
	}
	return a->bridge && a->bridge[0] && strlen(a->bridge) < IF_NAMESIZE && a->fd >= 0;
}

/* The network whose running bridge this is, into name (NETDEF_NAME_MAX + 1). */
static bool network_of(const struct vnetd_paths *paths, const char *bridge, char *name)
{
	struct run_state st;
	char **names;
	size_t n, i;
	bool found = false;

	if (state_list(paths, &names, &n) < 0)
		return false;
	for (i = 0; i < n && !found; i++) {
		enum lifecycle_status s = lifecycle_status(paths, names[i], &st);

		if ((s == NET_ACTIVE || s == NET_RESTARTING) && !strcmp(run_state_bridge(&st), bridge)) {
			snprintf(name, NETDEF_NAME_MAX + 1, "%s", names[i]);
			found = true;
		}
	}
	vnetd_free_names(names, n);
	return found;
}

/* A new tap (vnetN), its MTU the bridge's; the fd, or -1 with errno. */
static int make_tap(const char *bridge, bool vnet_hdr, char *ifname)
{
	struct ifreq ifr = { 0 }, mtu = { 0 };
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC), s;

	if (fd < 0)
		return -1;
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (vnet_hdr ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "vnet%%d");
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		close(fd);
		return -1;
	}
	snprintf(ifname, IF_NAMESIZE, "%s", ifr.ifr_name);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(mtu.ifr_name, sizeof(mtu.ifr_name), "%s", bridge);
	if (s >= 0 && ioctl(s, SIOCGIFMTU, &mtu) == 0) {
		snprintf(mtu.ifr_name, sizeof(mtu.ifr_name), "%s", ifname);
		ioctl(s, SIOCSIFMTU, &mtu);
	}
	if (s >= 0)
		close(s);
	return fd;
}

/* qemu's side reads one byte with the descriptor attached. */
static int send_fd(int sock, int fd)
{
	char byte = 0, ctl[CMSG_SPACE(sizeof(int))] = { 0 };
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	while (sendmsg(sock, &m, MSG_NOSIGNAL) < 0)
		if (errno != EINTR)
			return -1;
	return 0;
}

static const char *dir(const char *var, const char *fallback)
{
	const char *v = getuid() == 0 ? getenv(var) : NULL;

	return v && v[0] == '/' ? v : fallback;
}

/*
 * Run setuid by someone else: become root wholly, with nothing of the
 * caller's environment, before anything (a hook script) is run as root.
 */
static int become_root(void)
{
	if (getuid() == 0 || geteuid() != 0)
		return 0;
	if (clearenv() != 0 || setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1) < 0 ||
	    setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct vnetd_paths paths = {
		dir("VNETD_CONFDIR", VNETD_HELPER_CONFDIR), dir("VNETD_RUNDIR", "/run/vnetd"),
		dir("VNETD_STATEDIR", "/var/lib/vnetd"),
	};
	struct run_mac none = { 0 };
	struct helper_args a;
	char name[NETDEF_NAME_MAX + 1], ifname[IF_NAMESIZE], msg[700];
	int tap;

	if (become_root() < 0)
		return fail("cannot become root: %s", strerror(errno));
	if (!parse_args(argc, argv, &a))
		return fail("usage: vnetd-bridge-helper [--use-vnet] --br=BRIDGE --fd=FD");
	if (!network_of(&paths, a.bridge, name))
		return fail("%s is not the bridge of a network vnetd runs", a.bridge);
	if ((tap = make_tap(a.bridge, a.vnet_hdr, ifname)) < 0)
		return fail("cannot create a tap: %s", strerror(errno));
	if (host_attach(&paths, name, ifname, &none, msg, sizeof(msg)) < 0)
		return fail("cannot attach the tap: %s", msg);
	if (send_fd(a.fd, tap) < 0)
		return fail("cannot pass the tap to qemu: %s", strerror(errno));
	return 0;
}
