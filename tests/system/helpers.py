# SPDX-License-Identifier: GPL-2.0-or-later
"""Helpers shared by the system test files (the fixtures are in conftest.py).

  network_xml     a <network> definition with any of the elements the tests use
  wait_for        poll a predicate until it holds (or time runs out)
  kill_proc       end a process a test started, by its PID, and reap it
  Topology        what a test builds around its host: guests on the bridge,
                  an optional `upstream` namespace behind a veth uplink, and
                  every process the test started; each test file's set-up
                  derives from it, and `built` runs it as a fixture
  Udhcpc          a resident busybox udhcpc and what its script wrote down
  host_resolv_conf  the resolv.conf vnetd (started afterwards) reads
  read_env, need, assert_injected_fault

Like conftest.py, nothing here touches the root network namespace.
"""

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import Guest, IP, NETNS_ETC, netns_add, netns_del

PY = "/usr/bin/python3" if os.access("/usr/bin/python3", os.X_OK) else sys.executable

GW = "192.168.122.1"                            # the bridge's address
UP, UPLINK = "198.51.100.1", "198.51.100.2"     # upstream's up0, the host's uplink0


# --- definitions --------------------------------------------------------------

def network_xml(name, bridge, ips, forward=None, forward_attrs="", forward_inner="",
                stp="off", delay="0", mac=None, mtu=None, domain=None, local_only=False,
                dns="", local_ptr=False, dhcp_range=None, lease=None, hosts=()):
    """A network definition. ips: (address, prefix) pairs, one <ip> each; the
    first one carries localPtr and, with dhcp_range=(start, end), a <dhcp>
    with that range (its <lease expiry unit> from lease=(expiry, unit)) and
    `hosts` as (mac, name, ip). forward_inner goes inside <forward>, dns (a
    whole <dns> element) after <domain>. stp/delay None: attribute left out."""
    lines = ["<network>", "  <name>%s</name>" % name]
    if forward:
        if forward_inner:
            lines += ["  <forward mode='%s'%s>" % (forward, forward_attrs),
                      "    " + forward_inner, "  </forward>"]
        else:
            lines.append("  <forward mode='%s'%s/>" % (forward, forward_attrs))
    br = "  <bridge name='%s'" % bridge
    if stp is not None:
        br += " stp='%s'" % stp
    if delay is not None:
        br += " delay='%s'" % delay
    lines.append(br + "/>")
    if mac:
        lines.append("  <mac address='%s'/>" % mac)
    if mtu:
        lines.append("  <mtu size='%d'/>" % mtu)
    if domain:
        lines.append("  <domain name='%s'%s/>" % (domain, " localOnly='yes'" if local_only else ""))
    if dns:
        lines.append("  " + dns)
    for i, (addr, prefix) in enumerate(ips):
        ptr = " localPtr='yes'" if local_ptr and i == 0 else ""
        ip = "  <ip address='%s' prefix='%d'%s" % (addr, prefix, ptr)
        if not (dhcp_range and i == 0):
            lines.append(ip + "/>")
            continue
        lines += [ip + ">", "    <dhcp>"]
        rng = "      <range start='%s' end='%s'" % dhcp_range
        if lease:
            lines += [rng + ">", "        <lease expiry='%d' unit='%s'/>" % lease, "      </range>"]
        else:
            lines.append(rng + "/>")
        for hmac, hname, hip in hosts:
            lines.append("      <host mac='%s' name='%s' ip='%s'/>" % (hmac, hname, hip))
        lines += ["    </dhcp>", "  </ip>"]
    lines.append("</network>")
    return "\n".join(lines) + "\n"


# --- waiting, processes, small parsers --------------------------------------

def wait_for(pred, timeout, what=None, step=0.05):
    """Call pred until it returns something true, and return that. When
    `timeout` seconds pass first: raise AssertionError naming `what`, or,
    with what=None, return pred's last (false) value for the caller's assert."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() >= deadline:
            if what is None:
                return v
            raise AssertionError("timed out after %.1f s waiting for %s" % (timeout, what))
        time.sleep(step)


def daemon_restarted(host, name, old, timeout=20):
    """Poll `vnetd info` until a serving daemon other than pid `old` runs
    (the supervisor is quick, the machine may not be); return its pid."""
    def new_pid():
        v = host.info(name)["Daemon"]
        if not v.startswith("running (pid "):
            return None
        pid = int(v[len("running (pid "):-1])
        return pid if pid != old else None
    return wait_for(new_pid, timeout, "the daemon to be restarted")


def kill_proc(p):
    """End a process the test started, by its PID (SIGKILL), and reap it.
    Its pipes stay open: what it wrote can still be read."""
    if p.poll() is None:
        try:
            p.kill()
        except ProcessLookupError:
            pass
    try:
        p.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def host_resolv_conf(host, text):
    """The host's resolv.conf as vnetd sees it: /etc/netns/NS/resolv.conf,
    which `ip netns exec` bind-mounts over /etc/resolv.conf for `vnetd start`
    and so for the daemon it leaves running. Write it before `start`; write it
    again (in place, the same file: a rename would leave the daemon's bind
    mount on the old one) to change it under a running daemon. The host
    fixture removes /etc/netns/NS, pass or fail. Returns the path."""
    d = NETNS_ETC / host.ns
    d.mkdir(parents=True, exist_ok=True)
    path = d / "resolv.conf"
    with open(path, "w") as f:          # truncates the same inode
        f.write(text)
    return path


def read_env(path):
    """A dumped environment (`env > FILE`) as a dict."""
    env = {}
    for line in Path(path).read_text().splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            env[k] = v.strip("'\"")
    return env


def need(tool, what):
    if not tool:
        pytest.fail("%s is not installed (Makefile DEB_TEST lists it; `make deps`)" % what,
                    pytrace=False)


def assert_injected_fault(cp):
    """`start` failed at the step VNETD_FAULT named."""
    assert cp.returncode != 0
    assert cp.stderr.startswith("vnetd: "), cp.stderr
    assert "injected fault" in cp.stderr


# --- udhcpc -------------------------------------------------------------------

def find_udhcpc():
    p = shutil.which("udhcpc")
    if p:
        return [p]
    bb = shutil.which("busybox")
    return [bb, "udhcpc"] if bb else None


UDHCPC = find_udhcpc()

# udhcpc: every event dumps the environment to DIR/EVENT.env and configures
# the address (a renew is sent from it), then appends "EVENT IP" to DIR/events.
UDHCPC_SCRIPT = r'''#!/bin/sh
d=%(dir)s
env > "$d/$1.env"
case "$1" in
bound|renew)
	%(ip)s addr flush dev "$interface"
	%(ip)s addr add "$ip/$mask" dev "$interface" ;;
deconfig)
	%(ip)s addr flush dev "$interface" ;;
esac
echo "$1 ${ip:-}" >> "$d/events"
'''


class Udhcpc:
    """A resident udhcpc (renews on SIGUSR1, releases on SIGUSR2) and the
    directory its script writes to."""

    def __init__(self, proc, d):
        self.proc = proc
        self.dir = d

    def events(self):
        try:
            return [l.split() for l in (self.dir / "events").read_text().splitlines()]
        except FileNotFoundError:
            return []

    def wait_event(self, name, count=1, timeout=10):
        """The count-th event `name` as [name, ip]; udhcpc exiting first fails."""
        def seen():
            if self.proc.poll() is not None:
                raise AssertionError("udhcpc exited (%s) before '%s':\n%s"
                                     % (self.proc.returncode, name, self.proc.stdout.read()))
            hits = [e for e in self.events() if e and e[0] == name]
            return hits[count - 1] if len(hits) >= count else None
        return wait_for(seen, timeout, "udhcpc event '%s' #%d" % (name, count))

    def env(self, event="bound"):
        return read_env(self.dir / ("%s.env" % event))

    def signal(self, sig):
        self.proc.send_signal(sig)


# --- a test's topology ----------------------------------------------------------

class Topology:
    """Around the `host` fixture: guests plugged into `bridge` (made by the
    `guest` fixture), optionally an `upstream` namespace

        host uplink0 (UPLINK/24, default route via UP) --- up0 (UP/24) upstream

    and every process the test started, each ended by its PID at teardown.
    Files go to host.base/TMPNAME."""

    def __init__(self, host, guest_factory, tmpname, bridge="virbr0"):
        self.host = host
        self._guest = guest_factory
        self.bridge = bridge
        self.upstream = None
        self.procs = []
        self._serial = 0
        self.tmp = host.base / tmpname
        self.tmp.mkdir()

    def build_upstream(self):
        ns = netns_add("up")
        self.upstream = Guest(ns, None)
        h = self.host
        h.veth("uplink0", "up0", netns=ns)
        h.ip("addr", "add", UPLINK + "/24", "dev", "uplink0")
        h.ip("route", "add", "default", "via", UP)
        self.upstream.ip("addr", "add", UP + "/24", "dev", "up0")
        self.upstream.ip("link", "set", "up0", "up")

    def plug(self, mac=None, addr=None):
        """A new guest on the bridge; its eth0 gets `addr` and/or `mac`."""
        g = self._guest(bridge=self.bridge, addr=addr)
        if mac:
            g.ip("link", "set", "eth0", "address", mac)
            g.mac = mac
        return g

    # files and processes -------------------------------------------------------
    def workdir(self, kind):
        """A fresh directory under tmp, KIND + serial."""
        self._serial += 1
        d = self.tmp / ("%s%d" % (kind, self._serial))
        d.mkdir()
        return d

    def script(self, d, text):
        """d/script, executable: text with %(dir)s and %(ip)s filled in."""
        p = d / "script"
        p.write_text(text % {"dir": d, "ip": IP})
        p.chmod(0o755)
        return p

    def popen(self, ns, argv):
        """argv in namespace ns, stdout and stderr together in p.stdout (text)."""
        p = subprocess.Popen([IP, "netns", "exec", ns] + [str(a) for a in argv],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.procs.append(p)
        return p

    def start_ready(self, ns, code, log, *args, what, timeout=5):
        """Python `code` in ns with argv LOG ARGS...; it writes "ready" to LOG
        once it listens. Returns the process once it has, still running."""
        log.write_text("")
        p = self.popen(ns, [PY, "-c", code, log] + list(args))
        wait_for(lambda: p.poll() is not None or "ready" in log.read_text(), timeout, what)
        assert p.poll() is None, "%s died:\n%s" % (what, p.stdout.read())
        return p

    def udhcpc_bg(self, g, *extra):
        """A resident udhcpc in guest g (UDHCPC_SCRIPT writes down its events)."""
        need(UDHCPC, "busybox udhcpc")
        d = self.workdir("udhcpc")
        script = self.script(d, UDHCPC_SCRIPT)
        p = self.popen(g.ns, UDHCPC + ["-f", "-t", 5, "-T", 1, "-i", "eth0", "-s", script]
                       + list(extra))
        return Udhcpc(p, d)

    def teardown(self):
        for p in self.procs:
            kill_proc(p)
            if p.stdout:
                p.stdout.close()
        self.procs = []
        if self.upstream is not None:
            netns_del(self.upstream.ns)


def built(topology, upstream=False):
    """Body of a fixture: yields topology (with its upstream built when
    asked) and tears it down afterwards, pass or fail."""
    try:
        if upstream:
            topology.build_upstream()
        yield topology
    finally:
        topology.teardown()
