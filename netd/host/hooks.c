/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Hook scripts and events, as libvirt's network hook has them: CONFDIR/
 * hooks/network (/etc/vnetd/hooks/network) runs as
 *
 *   network NAME start begin -      before start changes anything (non-zero: no start)
 *   network NAME started begin -    once it runs
 *   network NAME stopped end -      once stop is done
 *   network NAME port-created begin -     a port was attached
 *   network NAME port-deleted begin -     a port was detached
 *
 * with the network's XML on its standard input and VNETD_PORT (and
 * VNETD_PORT_MAC) in its environment for the port events. Port events also
 * go to `vnetd events` subscribers, published through the network's control
 * socket (started and stopped they see for themselves, from the run
 * directory).
 */
#include "netd/host/host-internal.h"
#include "netd/ctl/ctl.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* The hook's child: stdin from the socket, the port in the environment. */
static void exec_hook(const char *path, int in, const char *const argv[], const char *port,
		      const char *mac)
{
	int null = open("/dev/null", O_RDWR);

	dup2(in, 0);
	if (null >= 0)
		dup2(null, 1);
	close_range(3, ~0u, 0);
	if (port)
		setenv("VNETD_PORT", port, 1);
	if (mac)
		setenv("VNETD_PORT_MAC", mac, 1);
	execv(path, (char *const *)argv);
	_exit(127);
}

int host_hook(const struct vnetd_paths *paths, const char *name, const char *op,
	      const char *subop, const char *xml, const char *port, const char *mac)
{
	const char *argv[] = { "network", name, op, subop, "-", NULL };
	char path[PATH_MAX];
	struct stat sb;
	int sv[2], status;
	pid_t child;

	if (snprintf(path, sizeof(path), "%s/hooks/network", paths->confdir) >= (int)sizeof(path) ||
	    stat(path, &sb) < 0 || !S_ISREG(sb.st_mode) || !(sb.st_mode & S_IXUSR))
		return 0;       /* no hook: nothing to run */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	fflush(NULL);
	if ((child = fork()) < 0) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	if (child == 0)
		exec_hook(path, sv[1], argv, port, mac);
	close(sv[1]);
	/* a hook that does not read its input is fine: no SIGPIPE, no wait */
	if (xml && send(sv[0], xml, strlen(xml), MSG_NOSIGNAL | MSG_DONTWAIT) < 0)
		status = 0;
	close(sv[0]);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

void host_event(const struct vnetd_paths *paths, const char *name, const char *event,
		const char *port, const char *mac)
{
	char line[512], msg[256], *reply = NULL;
	int n;

	/* the names are checked (network, interface) and a MAC is hex: no escaping needed */
	n = snprintf(line, sizeof(line), "{\"time\":%lld,\"network\":\"%s\",\"event\":\"%s\"",
		     (long long)time(NULL), name, event);
	if (port)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"port\":\"%s\"", port);
	if (mac)
		n += snprintf(line + n, sizeof(line) - (size_t)n, ",\"mac\":\"%s\"", mac);
	n += snprintf(line + n, sizeof(line) - (size_t)n, "}");
	if (n >= (int)sizeof(line))
		return;
	/* best effort: without a daemon there is nobody subscribed to tell */
	if (ctl_request(paths, name, CTL_PUBLISH, NULL, 0, line, (size_t)n, &reply, msg,
			sizeof(msg)) == 0)
		free(reply);
}

/* The network's XML as stored, for a hook's input ("" when it is gone). */
static char *network_xml(const struct vnetd_paths *paths, const char *name)
{
	struct netdef *def = NULL;
	char *xml = NULL;

	if (store_load(paths, name, &def, NULL) == 0)
		xml = netdef_format(def);
	netdef_free(def);
	return xml;
}

void host_port_event(const struct vnetd_paths *paths, const struct run_state *st,
		     const char *port, bool attached)
{
	const struct undo_rec *u = NULL;
	char mac[18] = "", *xml;
	size_t i;

	for (i = 0; i < st->n_undo; i++)
		if (st->undo[i].kind == UNDO_PORT && !strcmp(st->undo[i].ifname, port))
			u = &st->undo[i];
	if (u && u->mac.set)
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", u->mac.b[0],
			 u->mac.b[1], u->mac.b[2], u->mac.b[3], u->mac.b[4], u->mac.b[5]);
	host_event(paths, st->name, attached ? "port-attached" : "port-detached", port,
		   mac[0] ? mac : NULL);
	xml = network_xml(paths, st->name);
	host_hook(paths, st->name, attached ? "port-created" : "port-deleted", "begin", xml, port,
		  mac[0] ? mac : NULL);
	free(xml);
}

void host_network_hook(const struct vnetd_paths *paths, const char *name, const char *op,
		       const char *subop)
{
	char *xml = network_xml(paths, name);

	host_hook(paths, name, op, subop, xml, NULL, NULL);
	free(xml);
}
