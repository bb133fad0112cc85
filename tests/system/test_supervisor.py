# SPDX-License-Identifier: GPL-2.0-or-later
"""The supervisor is vnetd-supervise, a small program of its own.

    vnetd start sup  ->  daemon, keeper, vnetd-supervise (background)
    vnetd start --foreground sup  ->  the same pid becomes vnetd-supervise

It waits on the serving daemon; when the daemon dies it runs `vnetd
__respawn` (which starts it again and records why it ended), on SIGHUP
`vnetd reload`, and in the foreground on SIGTERM `vnetd stop`. A stand-in
for systemd listens on NOTIFY_SOCKET. No test asserts a time: every wait
polls with a generous limit."""

import os
import signal
import socket
import subprocess

from helpers import daemon_restarted, kill_proc, network_xml, wait_for

NAME, BR, GW = "sup", "vsupbr0", "10.56.0.1"


def sup_xml(dns=""):
    return network_xml(NAME, BR, [(GW, 24)], dhcp_range=("10.56.0.100", "10.56.0.150"),
                       dns=dns)


def exe(pid):
    return os.path.basename(os.readlink("/proc/%d/exe" % pid))


def ppid(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return None




def test_background_supervisor_is_the_small_program(host):
    host.define(sup_xml())
    assert host.run("start", NAME).stdout == "Network %s started\n" % NAME
    sup = host.running_pid(NAME, "Supervisor")
    assert exe(sup) == "vnetd-supervise"
    first = host.running_pid(NAME, "Daemon")
    # a daemon killed by SIGABRT: restarted, and why it ended is on record
    os.kill(first, signal.SIGABRT)
    second = daemon_restarted(host, NAME, first)
    assert host.info(NAME)["Restarts"] in ("1 (last: killed-by-ABRT)", "1 (last: ended)")
    # the daemon `vnetd __respawn` started is the subreaper's child now
    assert ppid(second) == sup
    assert ppid(host.running_pid(NAME, "Keeper")) == sup
    assert exe(second) == "vnetd"
    os.kill(second, signal.SIGKILL)
    third = daemon_restarted(host, NAME, second)
    assert host.info(NAME)["Restarts"] == "2 (last: killed-by-KILL)"
    assert host.running_pid(NAME, "Supervisor") == sup
    assert ppid(third) == sup
    # stop ends the supervisor first, then everything else
    assert host.run("stop", NAME).stdout == "Network %s stopped\n" % NAME
    wait_for(lambda: not os.path.exists("/proc/%d" % sup), 20, "the supervisor to end")
    assert host.link_json(BR) is None


def test_sighup_to_the_background_supervisor_reloads(host):
    host.define(sup_xml())
    host.run("start", NAME)
    sup = host.running_pid(NAME, "Supervisor")
    running = host.rundir / (NAME + ".xml")
    assert "hup.test" not in running.read_text()
    host.defined_file(NAME).write_text(sup_xml(
        dns="<dns><host ip='10.56.0.9'><hostname>hup.test</hostname></host></dns>"))
    os.kill(sup, signal.SIGHUP)
    wait_for(lambda: "hup.test" in running.read_text(), 20, "the reloaded definition")
    assert host.running_pid(NAME, "Supervisor") == sup
    host.run("stop", NAME)


class Systemd:
    """The part of systemd a Type=notify service talks to: a datagram socket."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)
        self.sock.settimeout(30)

    def next(self):
        return self.sock.recv(4096).decode()

    def until(self, prefix):
        """Messages up to the first that starts with prefix; returns that one."""
        while True:
            m = self.next()
            if m.startswith(prefix):
                return m


def test_foreground_under_systemd(host):
    host.define(sup_xml())
    sd = Systemd(host.base / "notify")
    fg = subprocess.Popen(host.argv("start", "--foreground", NAME), stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True,
                          env=host.env({"NOTIFY_SOCKET": sd.path}))
    host.started.add(NAME)
    try:
        ready = sd.until("READY=1")
        assert ready == "READY=1\nMAINPID=%d\nSTATUS=network %s active on %s" % (
            fg.pid, NAME, BR)
        # the process systemd watches became vnetd-supervise: the same pid
        wait_for(lambda: exe(fg.pid) == "vnetd-supervise", 20, "the exec")
        assert host.info(NAME)["Supervisor"] == "running (pid %d)" % fg.pid
        first = host.running_pid(NAME, "Daemon")
        assert ppid(first) == fg.pid
        os.kill(first, signal.SIGKILL)
        assert sd.until("STATUS=") == ("STATUS=network %s active; daemon restarted "
                                       "(killed-by-KILL)" % NAME)
        second = daemon_restarted(host, NAME, first)
        assert host.info(NAME)["Restarts"] == "1 (last: killed-by-KILL)"
        fg.send_signal(signal.SIGHUP)
        assert sd.next() == "RELOADING=1"
        assert sd.next() == "READY=1"
        fg.send_signal(signal.SIGTERM)
        assert sd.next() == "STOPPING=1"
        assert fg.wait(timeout=30) == 0
        # what start, the supervisor and the vnetd it ran said (the daemons' own lines aside)
        daemons = ("vnetd[sup]: DHCP on ", "vnetd[sup]: serving network ", "vnetd[sup]: stopping")
        said = [l for l in fg.stdout.read().splitlines() if not l.startswith(daemons)]
        assert said == ["Network sup started",
                        "vnetd[sup]: supervisor: the daemon of sup ended (killed-by-KILL); it "
                        "runs again as pid %d" % second,
                        "nothing to change", "Network sup reloaded", "Network sup stopped"]
        assert host.link_json(BR) is None
        assert not host.state_file(NAME).exists()
        assert not os.path.exists("/proc/%d" % second) or exe(second) != "vnetd"
    finally:
        kill_proc(fg)
        sd.sock.close()


def test_respawn_verb_is_the_supervisors_only(host):
    """`vnetd __respawn` is internal: not in --help, and it acts only for the
    supervisor the record names (its parent), never for another caller."""
    host.define(sup_xml())
    host.run("start", NAME)
    assert "__respawn" not in host.run("--help").stdout
    daemon = host.running_pid(NAME, "Daemon")
    cp = host.run("__respawn", NAME, "--reason", "killed-by-KILL", check=False)
    assert (cp.returncode, cp.stdout, cp.stderr) == (3, "", "")
    cp = host.run("__respawn", NAME, "--reason", "not a word", check=False)
    assert (cp.returncode, cp.stdout) == (2, "")
    assert cp.stderr == ("vnetd: usage: vnetd __respawn NAME --reason WORD [--check] "
                         "[--foreground] [--no-probe] [--new-client-rate N|unlimited] (run by "
                         "vnetd-supervise)\n")
    assert host.running_pid(NAME, "Daemon") == daemon
    assert host.info(NAME)["Restarts"] == "0 (last: none)"
    host.run("stop", NAME)
