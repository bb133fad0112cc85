# SPDX-License-Identifier: GPL-2.0-or-later
"""The firewall keeper as a program of its own (issue 18: "a few hundred kB").

vnetd execs build/vnetd-keeper (musl, static) as user vnetd-keeper with
CAP_NET_ADMIN only; it puts back the batch vnetd wrote to RUNDIR/NAME.fw
when the network's table is deleted, reads that file again on SIGHUP (reload),
and refuses a file that is not one batch of its own table, keeping the old.
Tests that read the keeper's log run `vnetd start --foreground` (the log goes
to its stderr, kept in a file). Everything happens in the test's namespace.
"""

import grp
import os
import pwd
import re
import shutil
import signal
import subprocess

import pytest

from helpers import GW, kill_proc, network_xml, wait_for

NAME = "default"
TABLE = "vnetd-" + NAME
CAP_NET_ADMIN = 1 << 12
PREFIX = "vnetd[%s]: " % NAME


def xml(forward="nat"):
    return network_xml(NAME, "virbr0", ((GW, 24),), forward=forward,
                       dhcp_range=("192.168.122.100", "192.168.122.200"))


def nft(host, *args, check=True):
    return host.exec("nft", *args, check=check)


def listing(host):
    """The table as `nft list` shows it, handles left out (they change when it is put back)."""
    cp = nft(host, "list", "table", "inet", TABLE, check=False)
    return cp.stdout if cp.returncode == 0 else None


def status(pid):
    with open("/proc/%d/status" % pid) as f:
        return dict(line.rstrip("\n").split(":\t", 1) for line in f if ":\t" in line)


def fw_file(host):
    return host.rundir / (NAME + ".fw")


def delete_and_see_back(host, want):
    nft(host, "delete", "table", "inet", TABLE)
    wait_for(lambda: listing(host) is not None, 10, "the keeper to put the table back")
    assert listing(host) == want


class Foreground:
    """`vnetd start --foreground NAME`, its log (the daemons' and the keeper's) in a file."""

    def __init__(self, host):
        self.host = host
        self.log_path = host.base / "fg.log"
        err = open(self.log_path, "w")
        self.proc = subprocess.Popen(host.argv("start", "--foreground", NAME),
                                     stdout=subprocess.DEVNULL, stderr=err, text=True)
        err.close()
        host.started.add(NAME)
        wait_for(lambda: self.proc.poll() is not None or host.state_file(NAME).exists(),
                 10, "the foreground start")
        assert self.proc.poll() is None, "start --foreground ended:\n%s" % self.log()
        wait_for(lambda: self.lines(), 10, "the first log line")

    def log(self):
        return self.log_path.read_text()

    def lines(self):
        return [l[len(PREFIX):] for l in self.log().splitlines() if l.startswith(PREFIX)]

    def keeper_says(self, line, timeout=10):
        wait_for(lambda: line in self.lines(), timeout, "the keeper to log %r; log:\n%s"
                 % (line, self.log()))

    def stop(self):
        self.host.run("stop", NAME)
        try:
            self.proc.wait(timeout=10)
        finally:
            kill_proc(self.proc)


@pytest.fixture
def fg(host):
    host.define(xml())
    f = Foreground(host)
    yield f
    kill_proc(f.proc)


def test_keeper_is_the_small_program(host, vnetd_bin):
    host.define(xml())
    host.run("start", NAME)
    keeper = host.running_pid(NAME, "Keeper")
    daemon = host.running_pid(NAME, "Daemon")
    assert os.readlink("/proc/%d/exe" % keeper) == \
        os.path.join(os.path.dirname(os.path.realpath(vnetd_bin)), "vnetd-keeper")
    with open("/proc/%d/cmdline" % keeper, "rb") as f:
        argv = f.read().decode().split("\0")[:-1]
    assert argv[0] == "vnetd-keeper"
    assert argv[argv.index("--daemon-pid") + 1] == str(daemon)
    assert argv[argv.index("--network") + 1] == NAME
    # its own account, CAP_NET_ADMIN alone: nothing inheritable or ambient is left
    st = status(keeper)
    user = pwd.getpwnam("vnetd-keeper")
    assert st["Uid"].split() == [str(user.pw_uid)] * 4
    assert st["Gid"].split() == [str(user.pw_gid)] * 4
    assert int(st["CapEff"], 16) == int(st["CapPrm"], 16) == CAP_NET_ADMIN
    assert int(st["CapInh"], 16) == int(st["CapAmb"], 16) == 0
    assert st["NoNewPrivs"] == "1"
    # nothing of vnetd's leaked through the exec: stdio on /dev/null, the run
    # directory, its signalfd and the daemon's pidfd, two netfilter sockets
    fds = sorted(re.sub(r"socket:\[\d+\]", "socket", os.readlink("/proc/%d/fd/%s" % (keeper, fd)))
                 for fd in os.listdir("/proc/%d/fd" % keeper))
    assert fds == sorted(["/dev/null"] * 3 + [str(host.rundir), "anon_inode:[signalfd]",
                                               "anon_inode:[pidfd]", "socket", "socket"]), fds
    assert int(st["CapBnd"], 16) == 0
    # what it keeps: root's, readable by its group only
    s = os.stat(fw_file(host))
    assert (s.st_uid, s.st_gid, s.st_mode & 0o7777) == \
        (0, grp.getgrnam("vnetd-keeper").gr_gid, 0o640)
    delete_and_see_back(host, listing(host))
    host.run("stop", NAME)
    wait_for(lambda: not os.path.exists("/proc/%d" % keeper), 10, "the keeper to end")
    assert not fw_file(host).exists()
    assert listing(host) is None


def test_keeper_puts_back_the_table_and_says_so(host, fg):
    before = listing(host)
    delete_and_see_back(host, before)
    fg.keeper_says("keeper: the nftables table of default was deleted; put back")
    fg.stop()


def test_keeper_follows_a_forward_mode_change(host, fg):
    nat = listing(host)
    assert "masquerade" in nat
    host.defined_file(NAME).write_text(xml("route"))
    cp = host.run("reload", NAME)
    assert cp.stdout == ("changed live: firewall (forward mode nat -> route)\n"
                         "Network %s reloaded\n" % NAME)
    route = listing(host)
    assert route != nat and "masquerade" not in route and "postrouting" not in route
    # every rule ends in its verdict; the chains' "policy accept;" lines do not
    rules = sum(1 for l in route.splitlines() if re.search(r"\b(accept|reject)$", l))
    fg.keeper_says("keeper: keeping the reloaded firewall (%d rules)" % rules)
    # deleted now, the table comes back as reloaded, not as started
    delete_and_see_back(host, route)
    fg.stop()


def corrupt_cases(host):
    """(how NAME.fw is spoiled, the keeper's reason for refusing it)."""
    good = fw_file(host).read_bytes()
    f = str(fw_file(host))

    def garbage():
        fw_file(host).write_bytes(b"not a batch")

    def other_table():
        # a real batch, but for another network's table (same length: vnetd-defaulx)
        fw_file(host).write_bytes(good.replace(b"vnetd-default\0", b"vnetd-defaulx\0"))

    def cut():
        # into the last rule (the batch's end is the last 20 bytes)
        fw_file(host).write_bytes(good[:len(good) - 30])

    def trailing():
        fw_file(host).write_bytes(good + good[:20])

    def too_big():
        fw_file(host).write_bytes(good + b"\0" * (1 << 20))

    def not_roots():
        fw_file(host).write_bytes(good)
        os.chown(f, pwd.getpwnam("nobody").pw_uid, grp.getgrnam("vnetd-keeper").gr_gid)

    def world_writable():
        os.chown(f, 0, grp.getgrnam("vnetd-keeper").gr_gid)
        os.chmod(f, 0o646)

    return [
        (garbage, "message 1: truncated or malformed"),
        (other_table, "message 1: not about the network's table"),
        (cut, "message %d: truncated or malformed" % good.count(b"vnetd-default\0")),
        (trailing, "message %d: follows the batch's end" % (good.count(b"vnetd-default\0") + 2)),
        (too_big, "larger than 1048576 bytes"),
        (not_roots, "not a plain file of root's that only root writes"),
        (world_writable, "not a plain file of root's that only root writes"),
    ]


def test_corrupt_firewall_file_is_refused_and_the_old_kept(host, fg):
    before = listing(host)
    keeper = host.running_pid(NAME, "Keeper")
    for spoil, reason in corrupt_cases(host):
        n = len(fg.lines())
        spoil()
        os.kill(keeper, signal.SIGHUP)
        head = "keeper: cannot learn the new firewall: default.fw: "
        got = wait_for(lambda: [l for l in fg.lines()[n:] if l.startswith(head)], 10,
                       "the keeper to refuse %s; log:\n%s" % (spoil.__name__, fg.log()))
        assert got == [head + reason + "; keeping the old"]
        delete_and_see_back(host, before)
    fg.stop()


def test_keeper_comes_back_with_the_daemon(host):
    host.define(xml())
    host.run("start", NAME)
    daemon = host.running_pid(NAME, "Daemon")
    keeper = host.running_pid(NAME, "Keeper")
    before = listing(host)
    os.kill(daemon, signal.SIGKILL)
    # the supervisor starts both again; the old keeper ended with its daemon

    def again():
        info = host.info(NAME)
        m = re.match(r"running \(pid (\d+)\)", info.get("Keeper", ""))
        d = re.match(r"running \(pid (\d+)\)", info.get("Daemon", ""))
        return m and d and int(d.group(1)) != daemon and int(m.group(1))

    new = wait_for(again, 20, "the daemon and its keeper to run again")
    assert new != keeper
    assert os.path.basename(os.readlink("/proc/%d/exe" % new)) == "vnetd-keeper"
    wait_for(lambda: not os.path.exists("/proc/%d" % keeper), 10, "the old keeper to end")
    delete_and_see_back(host, before)
    host.run("stop", NAME)


@pytest.mark.skipif(os.path.exists("/usr/local/libexec/vnetd/vnetd-keeper"),
                    reason="an installed vnetd-keeper would be found")
def test_start_fails_cleanly_without_the_keeper_program(host, vnetd_bin):
    lonely = host.base / "bin"
    lonely.mkdir()
    shutil.copy(vnetd_bin, lonely / "vnetd")
    host.vnetd = str(lonely / "vnetd")
    host.define(xml())
    cp = host.run("start", NAME, check=False)
    assert cp.returncode != 0
    assert ("cannot find vnetd-keeper (beside vnetd or in the libexec directory): "
            "No such file or directory") in cp.stderr, cp.stderr
    assert listing(host) is None
    assert not host.state_file(NAME).exists()
    assert host.rundir_leftovers(NAME) == []
