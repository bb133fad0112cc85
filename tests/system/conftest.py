# SPDX-License-Identifier: GPL-2.0-or-later
"""Fixtures for vnetd's system tests.

Every test runs vnetd inside network namespaces it creates itself and removes
afterwards, pass or fail; nothing here ever touches the root network
namespace (the only commands run outside a namespace are `ip netns add/del/
list/pids`). Namespace names start with a per-run prefix, and a session-level
guard checks at the end that none of them is left.

Fixtures:
  vnetd_bin  path of the binary under test (env VNETD)
  vnetd_test_bin  the same program built with its test hooks (env VNETD_TEST,
             build/vnetd-test; VNETD_FAULT works only there): Host.run(...,
             test_build=True) runs it
  host       a fresh namespace + private confdir/rundir/statedir, see Host
  guest      factory: guest(bridge="virbr0", addr="192.168.122.10/24") makes
             a namespace joined by a veth pair to `bridge` in the host ns

What the test files share beyond these is in helpers.py.
"""

import itertools
import json
import os
import pwd
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

IP = shutil.which("ip") or "/usr/sbin/ip"
PREFIX = "vt%d-" % os.getpid()          # every namespace of this run
# `ip netns exec NS` bind-mounts what is in /etc/netns/NS/ over /etc/ for the
# command it runs: how a test gives vnetd its own resolv.conf (helpers.py).
NETNS_ETC = Path("/etc/netns")
_serial = itertools.count(1)
CMD_TIMEOUT = 60


# --- namespaces -------------------------------------------------------------

def _run(argv, check=True, timeout=CMD_TIMEOUT, **kw):
    cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                        text=True, timeout=timeout, **kw)
    if check and cp.returncode != 0:
        raise AssertionError("command failed (exit %d): %s\nstdout:\n%s\nstderr:\n%s"
                             % (cp.returncode, " ".join(map(str, argv)),
                                cp.stdout, cp.stderr))
    return cp


def netns_list():
    out = _run([IP, "netns", "list"]).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def netns_add(kind):
    """Create a namespace named PREFIX + kind + serial, with lo up."""
    name = "%s%s%d" % (PREFIX, kind, next(_serial))
    _run([IP, "netns", "add", name])
    _run([IP, "-n", name, "link", "set", "lo", "up"])
    return name


def _is_zombie(pid):
    # An ended daemon whose parent is init stays a zombie until init reaps it:
    # it has stopped, it just has not been collected yet.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def netns_pids(name):
    cp = _run([IP, "netns", "pids", name], check=False)
    return [int(p) for p in cp.stdout.split()
            if p.isdigit() and not _is_zombie(int(p))]


def netns_del(name):
    """Delete a namespace of ours. Processes still inside it (vnetd's own
    children, which a correct `stop` would have ended) are killed first, or
    the namespace would outlive its mount point. Returns those PIDs."""
    leftover = netns_pids(name)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in netns_pids(name):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 2
        while netns_pids(name) and time.monotonic() < deadline:
            time.sleep(0.05)
    _run([IP, "netns", "del", name], check=False)
    return leftover


def parse_info(text):
    """`vnetd info` "Key: value" lines as a dict."""
    out = {}
    for line in text.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k.strip()] = v.strip()
    return out


class Netns:
    """A namespace of ours: commands run inside it."""

    def __init__(self, ns):
        self.ns = ns

    def exec(self, *argv, check=True, timeout=CMD_TIMEOUT):
        return _run([IP, "netns", "exec", self.ns] + [str(a) for a in argv],
                    check=check, timeout=timeout)

    def ip(self, *args, check=True):
        return _run([IP, "-n", self.ns] + [str(a) for a in args], check=check)


# --- the host namespace -----------------------------------------------------

class Host(Netns):
    """One namespace in which vnetd runs, with private config/run/state dirs."""

    def __init__(self, vnetd, ns, base, vnetd_test=None):
        super().__init__(ns)
        self.vnetd = vnetd
        self.vnetd_test = vnetd_test
        self.base = Path(base)
        self.confdir = self.base / "conf"
        self.rundir = self.base / "run"
        self.statedir = self.base / "state"
        for d in (self.confdir, self.rundir, self.statedir):
            d.mkdir()
        self.started = set()
        self._xml_serial = itertools.count(1)

    # vnetd -----------------------------------------------------------------
    def argv(self, *args, test_build=False):
        return [IP, "netns", "exec", self.ns, self.binary(test_build),
                "--confdir", str(self.confdir), "--rundir", str(self.rundir),
                "--statedir", str(self.statedir)] + [str(a) for a in args]

    def binary(self, test_build=False):
        """build/vnetd, or with test_build the test build (VNETD_TEST)."""
        if not test_build:
            return self.vnetd
        if not self.vnetd_test:
            pytest.fail("VNETD_TEST is not set: this test needs the test build "
                        "(build/vnetd-test, made by `make system`)", pytrace=False)
        return self.vnetd_test

    def env(self, env=None):
        """The environment vnetd runs with: ours, minus what would steer it."""
        full_env = dict(os.environ)
        full_env.pop("VNETD_FAULT", None)
        for k in ("VNETD_CONFDIR", "VNETD_RUNDIR", "VNETD_STATEDIR"):
            full_env.pop(k, None)
        # never the host's resolved or firewalld: a test that wants them runs fakes
        full_env["DBUS_SYSTEM_BUS_ADDRESS"] = "unix:path=/nonexistent/vnetd-tests-bus"
        if env:
            full_env.update(env)
        return full_env

    def run(self, *args, check=True, env=None, timeout=CMD_TIMEOUT, test_build=False):
        """Run `vnetd ARGS` in the namespace; returns the CompletedProcess
        (text). check=True raises with both output streams on failure.
        test_build: run the test build, whose hooks (VNETD_FAULT) work."""
        cp = _run(self.argv(*args, test_build=test_build), check=check, timeout=timeout,
                  env=self.env(env))
        if args and args[0] == "start" and cp.returncode == 0:
            self.started.update(a for a in args[1:] if not a.startswith("-"))
        return cp

    def define(self, xml_text, check=True):
        """Write xml_text to a temp file and `vnetd define` it."""
        path = self.base / ("def%d.xml" % next(self._xml_serial))
        path.write_text(xml_text)
        self.last_xml = path
        return self.run("define", path, check=check)

    def defined_file(self, name):
        return self.confdir / "networks" / ("%s.xml" % name)

    def state_file(self, name):
        return self.rundir / ("%s.state" % name)

    def rundir_leftovers(self, name):
        """NAME.* in the rundir but the lock file (flock; it may stay) and
        the events (a log of what happened, kept on purpose)."""
        return [f for f in os.listdir(self.rundir)
                if f.startswith(name + ".") and f != name + ".lock"]

    def info(self, name):
        """`vnetd info NAME` as a dict."""
        return parse_info(self.run("info", name).stdout)

    def running_pid(self, name, key):
        """The PID in info's "KEY: running (pid N)" line (Daemon, Keeper)."""
        value = self.info(name)[key]
        m = re.match(r"running \(pid (\d+)\)", value)
        assert m, "%s not running: %r" % (key.lower(), value)
        return int(m.group(1))

    # ip / generic commands -------------------------------------------------
    def link_json(self, name):
        """`ip -j -d link show NAME` as a dict, or None when there is none."""
        cp = self.ip("-j", "-d", "link", "show", "dev", name, check=False)
        if cp.returncode != 0:
            return None
        links = json.loads(cp.stdout)
        return links[0] if links else None

    def links(self):
        return [l["ifname"] for l in json.loads(self.ip("-j", "link", "show").stdout)]

    def addrs(self, name, family=None):
        """Addresses on NAME as 'ADDR/PREFIX' strings ([] when it is gone)."""
        args = ["-j"] + (["-4"] if family == 4 else ["-6"] if family == 6 else [])
        cp = self.ip(*args, "addr", "show", "dev", name, check=False)
        if cp.returncode != 0:
            return []
        out = []
        for link in json.loads(cp.stdout):
            for a in link.get("addr_info", []):
                out.append("%s/%d" % (a["local"], a["prefixlen"]))
        return out

    def sysctl(self, key):
        path = "/proc/sys/" + key.replace(".", "/")
        return self.exec("cat", path).stdout.strip()

    def veth(self, a, b, netns=None, master=None):
        """A veth pair a<->b, `a` here and up (a port of bridge `master` when
        given). `b` is here too and up, or, with netns, in that namespace
        and left for its owner to configure."""
        self.ip("link", "add", a, "type", "veth", "peer", "name", b,
                *(("netns", netns) if netns else ()))
        if master:
            self.ip("link", "set", a, "master", master)
        self.ip("link", "set", a, "up")
        if netns is None:
            self.ip("link", "set", b, "up")

    def teardown(self):
        names = set(self.started)
        netdir = self.confdir / "networks"
        if netdir.is_dir():
            names.update(p.stem for p in netdir.glob("*.xml"))
        for n in sorted(names):
            try:
                self.run("stop", n, check=False, timeout=20)
            except subprocess.TimeoutExpired:
                pass


def _vnetd_path(var="VNETD", required=True):
    path = os.environ.get(var)
    if not path:
        if not required:
            return None
        pytest.fail("%s is not set: run as `VNETD=$PWD/build/vnetd "
                    "VNETD_TEST=$PWD/build/vnetd-test /usr/bin/python3 -m pytest "
                    "tests/system` (or `make system`)" % var, pytrace=False)
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        pytest.fail("%s=%s is not an executable file (run `make system`)" % (var, path),
                    pytrace=False)
    return os.path.abspath(path)


@pytest.fixture(scope="session")
def vnetd_bin():
    if os.geteuid() != 0:
        pytest.fail("the system tests need root (they create network namespaces)",
                    pytrace=False)
    for user in ("vnetd", "vnetd-keeper"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            pytest.fail("the daemons' system user %s does not exist: run `make users` "
                        "(`make system` and `make check` do)" % user, pytrace=False)
    return _vnetd_path()


def netns_etc_del(ns):
    """Remove /etc/netns/NS (a namespace of ours only)."""
    if ns.startswith(PREFIX):
        shutil.rmtree(NETNS_ETC / ns, ignore_errors=True)


@pytest.fixture(scope="session")
def vnetd_test_bin(vnetd_bin):
    """The test build, or None when VNETD_TEST is not set (Host.binary fails
    then, in the tests that need it only)."""
    return _vnetd_path("VNETD_TEST", required=False)


@pytest.fixture(scope="session", autouse=True)
def _no_namespace_left():
    """At the end of the session: nothing with this run's prefix is left."""
    yield
    left = [n for n in netns_list() if n.startswith(PREFIX)]
    for n in left:
        netns_del(n)
    etc = [n for n in (os.listdir(NETNS_ETC) if NETNS_ETC.is_dir() else [])
           if n.startswith(PREFIX)]
    for n in etc:
        netns_etc_del(n)
    assert not left, "namespaces left behind by the tests: %s" % left
    assert not etc, "/etc/netns entries left behind by the tests: %s" % etc


@pytest.fixture
def host(vnetd_bin, vnetd_test_bin):
    base = tempfile.mkdtemp(prefix=PREFIX + "dirs-")
    ns = None
    h = None
    try:
        ns = netns_add("host")
        h = Host(vnetd_bin, ns, base, vnetd_test_bin)
        yield h
    finally:
        leftover = []
        if h is not None:
            h.teardown()
        if ns is not None:
            leftover = netns_del(ns)
            netns_etc_del(ns)
        shutil.rmtree(base, ignore_errors=True)
    # After cleanup, so a failure here still leaves nothing behind.
    assert not leftover, ("processes still running in %s after `vnetd stop` "
                          "of every network: %s" % (ns, leftover))


class Guest(Netns):
    """A namespace standing in for a VM: its eth0 is a veth whose peer is a
    port of `bridge` in the host namespace."""

    def __init__(self, ns, host_if):
        super().__init__(ns)
        self.host_if = host_if
        self.ifname = "eth0"

    def ping(self, addr, count=1, wait=2, check=False, tries=1):
        """`ping -c COUNT -W WAIT ADDR`, up to `tries` times until one
        succeeds; the last run's CompletedProcess."""
        ping = shutil.which("ping")
        argv = [ping] if ping else [shutil.which("busybox") or "busybox", "ping"]
        for _ in range(tries):
            cp = self.exec(*argv, "-c", count, "-W", wait, addr, check=check)
            if cp.returncode == 0:
                break
        return cp


@pytest.fixture
def guest(host):
    made = []
    serial = itertools.count(1)

    def make(bridge="virbr0", addr=None):
        n = next(serial)
        ns = netns_add("guest")
        made.append(ns)
        host_if = "vtg%d" % n
        host.veth(host_if, "eth0", netns=ns, master=bridge)
        g = Guest(ns, host_if)
        if addr:
            g.ip("addr", "add", addr, "dev", "eth0")
        g.ip("link", "set", "eth0", "up")
        return g

    try:
        yield make
    finally:
        for ns in made:
            netns_del(ns)
