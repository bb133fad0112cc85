# SPDX-License-Identifier: GPL-2.0-or-later
"""Restarts that keep guests, attaching VMs, the bridge helper and hooks.

    guest (udhcpc) --- eth0/vtgN --+ vkbr0 10.55.0.1/24 [host: vnetd start keep]

A serving daemon killed with SIGKILL comes back by itself (its supervisor, or
`start --foreground` under systemd) while the bridge, its address, the
firewall and the guests' ports stay; a lease granted before is still there
and the guest renews it. `attach` puts a tap (a veth end here) on the bridge,
`stop` + `start` put it back, and with --mac a guest forging MACs takes no
lease. The qemu bridge helper hands back a tap that is a port of the bridge.
Hook scripts run with libvirt's arguments; a failing `start` hook leaves
nothing behind. No test asserts a time: every wait polls with a generous
limit."""

import json
import os
import shutil
import signal
import subprocess

import pytest

from conftest import netns_add, netns_del, Guest, IP
from helpers import (PY, Topology, built, daemon_restarted, kill_proc, network_xml, wait_for)

NAME, BR, GW = "keep", "vkbr0", "10.55.0.1"
POOL = ("10.55.0.100", "10.55.0.200")
HELPER = os.environ.get("VNETD_BRIDGE_HELPER")
QEMU = shutil.which("qemu-system-x86_64")


def keep_xml():
    return network_xml(NAME, BR, [(GW, 24)], forward="nat", dhcp_range=POOL)


@pytest.fixture
def net(host, guest):
    t = Topology(host, guest, "keep", bridge=BR)
    yield from built(t)


def started(net):
    net.host.define(keep_xml())
    cp = net.host.run("start", NAME)
    assert cp.stdout == "Network %s started\n" % NAME
    return net


def ifindex(host):
    link = host.link_json(BR)
    assert link is not None, "%s is gone" % BR
    return link["ifindex"]


def daemon_pid(host):
    return host.running_pid(NAME, "Daemon")




def lease_ips(host):
    rows = json.loads(host.run("leases", NAME, "--json").stdout)
    return {r["mac-address"]: r["ip-address"] for r in rows}


def state_lines(host, word):
    return [l for l in host.state_file(NAME).read_text().splitlines()
            if l.startswith(word + " ")]


def table_present(host, family, table="vnetd-" + NAME):
    return host.exec("nft", "list", "table", family, table, check=False).returncode == 0


def master_of(host, ifname):
    link = host.link_json(ifname)
    return link.get("master") if link else None


# --- restarts that keep guests ---------------------------------------------------

def test_kill9_keeps_bridge_address_and_leases(net):
    host = started(net).host
    g = net.plug("52:54:00:4b:00:01")
    client = net.udhcpc_bg(g)
    ip = client.wait_event("bound")[1]
    wait_for(lambda: lease_ips(host).get("52:54:00:4b:00:01") == ip, 10, "the lease listed")
    before = ifindex(host)
    first = daemon_pid(host)
    info = host.info(NAME)
    assert info["Restarts"] == "0 (last: none)"
    # from the lease file, which the daemon rewrites a moment after the grant
    wait_for(lambda: host.info(NAME)["Leases"] == "1/101", 10, "Leases: 1/101")

    os.kill(first, signal.SIGKILL)
    second = daemon_restarted(host, NAME, first)
    info = host.info(NAME)
    assert info["Active"] == "yes"
    # the first daemon was not the supervisor's child: how it ended is read from
    # its zombie, unless its new parent (init) reaped it first
    assert info["Restarts"] in ("1 (last: killed-by-KILL)", "1 (last: ended)"), info
    assert info["Firewall"] == "installed"
    assert ifindex(host) == before, "the bridge was made again"
    assert host.addrs(BR, 4) == ["%s/24" % GW]
    assert master_of(host, g.host_if) == BR
    assert state_lines(host, "daemon")[0].startswith("daemon pid=%d " % second)
    assert (host.rundir / (NAME + ".pid")).read_text() == "%d\n" % second
    # the lease came back from the journal; the guest kept and renews its address
    assert lease_ips(host)["52:54:00:4b:00:01"] == ip
    assert "%s/24" % ip in [a for a in g_addrs(g)]
    client.signal(signal.SIGUSR1)
    assert client.wait_event("renew")[1] == ip

    # the new daemon is the supervisor's own child: now it knows how it ended
    os.kill(second, signal.SIGKILL)
    daemon_restarted(host, NAME, second)
    assert host.info(NAME)["Restarts"] == "2 (last: killed-by-KILL)"
    assert ifindex(host) == before
    cp = host.run("stop", NAME)
    assert cp.stdout == "Network %s stopped\n" % NAME
    assert host.link_json(BR) is None
    assert not table_present(host, "inet")


def g_addrs(g):
    out = json.loads(g.ip("-j", "-4", "addr", "show", "dev", "eth0").stdout)
    return ["%s/%d" % (a["local"], a["prefixlen"]) for l in out for a in l.get("addr_info", [])]


def test_undefined_while_running_still_restarts(net):
    host = started(net).host
    host.run("undefine", NAME)
    first = daemon_pid(host)
    os.kill(first, signal.SIGKILL)
    daemon_restarted(host, NAME, first)
    assert host.info(NAME)["Restarts"] in ("1 (last: killed-by-KILL)", "1 (last: ended)")
    host.run("stop", NAME)
    assert host.link_json(BR) is None


def test_info_json_has_every_fact(net):
    host = started(net).host
    info = json.loads(host.run("info", NAME, "--json").stdout)
    assert info["name"] == NAME and info["bridge"] == BR and info["active"] == "yes"
    assert info["daemon_pid"] == daemon_pid(host)
    assert info["restarts"] == 0 and info["last_restart_reason"] == "none"
    assert info["leases_used"] == 0 and info["pool_size"] == 101
    assert info["firewall"] == "installed" and info["ports"] == "none"
    assert isinstance(info["uptime_seconds"], int)


def test_info_sees_a_changed_firewall(net):
    host = started(net).host
    assert host.info(NAME)["Firewall"] == "installed"
    listing = host.exec("nft", "-a", "list", "chain", "inet", "vnetd-" + NAME, "forward").stdout
    handle = listing.rsplit("# handle ", 1)[1].split()[0]
    host.exec("nft", "delete", "rule", "inet", "vnetd-" + NAME, "forward", "handle", handle)
    want = host.info(NAME)["Firewall"]
    assert want.startswith("installed, but changed (") and want.endswith(" expected)"), want
    have, expected = [int(w) for w in want[len("installed, but changed ("):].split()[::2][:2]]
    assert have == expected - 1


def foreground(host):
    p = subprocess.Popen(host.argv("start", "--foreground", NAME), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, env=host.env())
    host.started.add(NAME)
    wait_for(lambda: p.poll() is not None or
             any(l.startswith("supervisor pid=%d " % p.pid) for l in
                 (host.state_file(NAME).read_text().splitlines()
                  if host.state_file(NAME).exists() else [])),
             10, "the foreground start")
    assert p.poll() is None, "start --foreground ended:\n%s" % p.stdout.read()
    return p


def test_foreground_restarts_the_daemon_and_is_taken_over(host):
    host.define(keep_xml())
    fg = foreground(host)
    try:
        before = ifindex(host)
        first = daemon_pid(host)
        os.kill(first, signal.SIGKILL)
        second = daemon_restarted(host, NAME, first)
        assert host.info(NAME)["Restarts"] == "1 (last: killed-by-KILL)"
        assert ifindex(host) == before
        # systemd's process itself dies (KillMode=process leaves the daemon)
        kill_proc(fg)
        assert host.info(NAME)["Active"] == "yes"
        fg = foreground(host)       # what Restart=on-failure runs
        assert daemon_pid(host) == second, "a running daemon was replaced"
        assert ifindex(host) == before, "a new, empty bridge"
        assert host.info(NAME)["Supervisor"] == "running (pid %d)" % fg.pid
        # now the daemon dies too while nobody supervises: taken over the same way
        kill_proc(fg)
        os.kill(second, signal.SIGKILL)
        wait_for(lambda: host.info(NAME)["Daemon"].startswith("dead"), 10, "the daemon gone")
        assert host.info(NAME)["Active"].startswith("no")
        fg = foreground(host)
        third = daemon_pid(host)
        assert third != second and ifindex(host) == before
        assert host.info(NAME)["Restarts"] == "2 (last: started-again)"
        # a second instance does not pretend to run it
        cp = host.run("start", "--foreground", NAME, check=False)
        assert (cp.returncode, cp.stdout) == (1, "Network %s is already active\n" % NAME)
        fg.send_signal(signal.SIGTERM)
        assert fg.wait(timeout=20) == 0
        assert host.link_json(BR) is None
        assert not host.state_file(NAME).exists()
    finally:
        kill_proc(fg)


def test_plain_start_takes_over_after_the_supervisor_died(net):
    host = started(net).host
    before = ifindex(host)
    sup = host.running_pid(NAME, "Supervisor")
    os.kill(sup, signal.SIGKILL)
    wait_for(lambda: host.info(NAME)["Supervisor"].startswith("dead"), 10, "the supervisor gone")
    cp = host.run("start", NAME)
    assert cp.stdout == "Network %s is running on; its bridge was kept\n" % NAME
    assert ifindex(host) == before
    new = host.running_pid(NAME, "Supervisor")
    assert new != sup
    first = daemon_pid(host)
    os.kill(first, signal.SIGKILL)
    daemon_restarted(host, NAME, first)
    assert host.run("start", NAME).stdout == "Network %s is already active\n" % NAME


# --- attach and detach ----------------------------------------------------------------

@pytest.fixture
def tap_guest(host):
    """A guest namespace whose eth0's peer `vtap0` is in the host, on no bridge."""
    ns = netns_add("guest")
    try:
        host.veth("vtap0", "eth0", netns=ns)
        g = Guest(ns, "vtap0")
        g.ip("link", "set", "eth0", "address", "52:54:00:4b:01:01")
        g.ip("addr", "add", "10.55.0.9/24", "dev", "eth0")
        g.ip("link", "set", "eth0", "up")
        g.mac = "52:54:00:4b:01:01"
        yield g
    finally:
        netns_del(ns)


def subscribers(host):
    out = host.run("stats", NAME, "--json").stdout
    return json.loads(out)["counters"]["ctl_subscribers"]


def test_attach_detach_and_reattach_at_start(net, tap_guest):
    host = started(net).host
    # a `vnetd events` follower, subscribed before the first attach
    follower = subprocess.Popen(host.argv("events", NAME, "--json", "--timeout", 120),
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        wait_for(lambda: subscribers(host) >= 1, 10, "the events follower subscribed")
        attach_detach_reattach(host, tap_guest)
    finally:
        follower.terminate()
        out = follower.communicate(timeout=10)[0]
    events = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
    seen = [(e["event"], e.get("port")) for e in events if not e["event"].startswith("lease")]
    assert seen[0] == ("port-attached", "vtap0"), out
    assert seen[-1] == ("port-detached", "vtap0"), out
    assert ("stopped", None) in seen and ("started", None) in seen, out
    assert seen.index(("stopped", None)) < len(seen) - 1 - seen[::-1].index(("started", None)), out


def attach_detach_reattach(host, tap_guest):
    cp = host.run("attach", NAME, "vtap0")
    assert cp.stdout == "Port vtap0 attached to network %s\n" % NAME
    assert master_of(host, "vtap0") == BR
    assert host.info(NAME)["Ports"] == "vtap0"
    assert state_lines(host, "port") == ["port ifname=vtap0 ifindex=%d mac=none"
                                         % host.link_json("vtap0")["ifindex"]]
    assert tap_guest.ping(GW, tries=5).returncode == 0
    # stop releases it, start puts it back (from the state directory's list)
    host.run("stop", NAME)
    assert master_of(host, "vtap0") is None
    assert (host.statedir / (NAME + ".ports")).is_file()
    host.run("start", NAME)
    assert master_of(host, "vtap0") == BR
    assert host.info(NAME)["Ports"] == "vtap0"
    assert tap_guest.ping(GW, tries=5).returncode == 0
    cp = host.run("detach", NAME, "vtap0")
    assert cp.stdout == "Port vtap0 detached from network %s\n" % NAME
    assert master_of(host, "vtap0") is None
    assert host.info(NAME)["Ports"] == "none"
    assert not (host.statedir / (NAME + ".ports")).exists()
    cp = host.run("detach", NAME, "vtap0", check=False)
    assert (cp.returncode, cp.stderr) == (
        1, "vnetd: cannot detach vtap0 from network '%s': vtap0 is not attached to network "
           "'%s'\n" % (NAME, NAME))
    cp = host.run("attach", NAME, "nosuch0", check=False)
    assert (cp.returncode, cp.stderr) == (
        1, "vnetd: cannot attach nosuch0 to network '%s': there is no interface nosuch0\n"
           % NAME)


def test_attach_failure_leaves_nothing(net, tap_guest):
    host = started(net).host
    cp = host.run("attach", NAME, "vtap0", "--mac", "52:54:00:4b:01:01", check=False,
                  env={"VNETD_FAULT": "portsec"}, test_build=True)
    assert cp.returncode == 1 and "injected fault at step 'portsec'" in cp.stderr, cp.stderr
    assert master_of(host, "vtap0") is None
    assert state_lines(host, "port") == [] and state_lines(host, "portsec") == []
    assert not table_present(host, "bridge")
    assert not (host.statedir / (NAME + ".ports")).exists()


# A DHCP storm from one port: for each of `count` random chaddrs a DISCOVER and
# a REQUEST for an address of the pool (with the server's id, as a client in
# SELECTING sends it), half of them also from that random source MAC, half
# from the port's own MAC (argv: iface, own MAC, count, server). Prints how
# many frames it sent.
STORM = r'''
import random, sys
from scapy.all import Ether, IP, UDP, BOOTP, DHCP, sendp, conf, mac2str
conf.verb = 0
iface, own, n, server = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rnd = random.Random(7)
frames = []
for i in range(n):
    mac = "52:54:%02x:%02x:%02x:%02x" % tuple(rnd.randrange(256) for _ in range(4))
    src = mac if i % 2 else own
    want = "10.55.0.%d" % (100 + i % 100)
    for typ, opts in (("discover", []), ("request", [("server_id", server)])):
        frames.append(Ether(src=src, dst="ff:ff:ff:ff:ff:ff")
                      / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67)
                      / BOOTP(chaddr=mac2str(mac), xid=i + 1)
                      / DHCP(options=[("message-type", typ), ("requested_addr", want)] + opts
                             + ["end"]))
sendp(frames, iface=iface)
print(len(frames))
'''


def test_forged_mac_storm_takes_no_lease(net, tap_guest):
    host = started(net).host
    cp = host.run("attach", NAME, "vtap0", "--mac", tap_guest.mac)
    assert cp.stdout == "Port vtap0 attached to network %s (port security on)\n" % NAME
    rules = host.exec("nft", "list", "table", "bridge", "vnetd-" + NAME).stdout
    assert rules.count('iifname "vtap0"') == 3, rules
    cp = tap_guest.exec(PY, "-c", STORM, "eth0", tap_guest.mac, 200, GW, timeout=120)
    assert cp.stdout.strip() == "400", cp.stdout + cp.stderr
    # the guest's own DHCP works through the filter; nothing forged got a lease
    client = net.udhcpc_bg(tap_guest)
    ip = client.wait_event("bound")[1]
    leases = wait_for(lambda: lease_ips(host) or None, 10, "the guest's lease")
    assert leases == {tap_guest.mac: ip}
    assert host.info(NAME)["Ports"] == "vtap0 (mac %s)" % tap_guest.mac
    # the filter goes with the last filtered port, and comes back with start
    host.run("stop", NAME)
    assert not table_present(host, "bridge")
    host.run("start", NAME)
    assert table_present(host, "bridge")
    host.run("detach", NAME, "vtap0")
    assert not table_present(host, "bridge")


# --- the qemu bridge helper -------------------------------------------------------------

# Run the helper as qemu does, over a socketpair; print the tap's name (from
# the fd, TUNGETIFF) once the helper exited. argv: helper, bridge.
QEMU_SIDE = r'''
import array, fcntl, os, socket, struct, subprocess, sys
helper, bridge = sys.argv[1], sys.argv[2]
ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
p = subprocess.run([helper, "--use-vnet", "--br=" + bridge, "--fd=%d" % theirs.fileno()],
                   pass_fds=[theirs.fileno()], stderr=subprocess.PIPE, text=True)
theirs.close()
if p.returncode != 0:
    print("helper failed: %d %s" % (p.returncode, p.stderr.strip()))
    sys.exit(0)
msg, anc, flags, addr = ours.recvmsg(1, socket.CMSG_SPACE(4))
fds = array.array("i")
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds.frombytes(data[:4])
ifr = fcntl.ioctl(fds[0], 0x800454d2, b"\0" * 40)       # TUNGETIFF
print(ifr[:16].rstrip(b"\0").decode())
sys.stdout.flush()
sys.stdin.readline()            # hold the tap open until told
'''


def test_bridge_helper_hands_back_a_port_of_the_bridge(net):
    if not HELPER:
        pytest.fail("VNETD_BRIDGE_HELPER is not set (make system sets it)", pytrace=False)
    host = started(net).host
    env = host.env({"VNETD_CONFDIR": str(host.confdir), "VNETD_RUNDIR": str(host.rundir),
                    "VNETD_STATEDIR": str(host.statedir)})
    q = subprocess.Popen([IP, "netns", "exec", host.ns, PY, "-c", QEMU_SIDE, HELPER, BR],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        tap = q.stdout.readline().strip()
        assert tap.startswith("vnet"), tap
        assert master_of(host, tap) == BR
        assert host.link_json(tap)["linkinfo"]["info_kind"] == "tun"
        assert host.info(NAME)["Ports"] == tap
        q.stdin.write("\n")
        q.stdin.flush()
        q.wait(timeout=20)
        wait_for(lambda: host.link_json(tap) is None, 10, "the tap to go with its fd")
    finally:
        kill_proc(q)
    # a bridge that is not one of vnetd's networks is refused
    host.ip("link", "add", "other0", "type", "bridge")
    q = subprocess.run([IP, "netns", "exec", host.ns, PY, "-c", QEMU_SIDE, HELPER, "other0"],
                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True, env=env,
                       timeout=60)
    assert q.stdout == ("helper failed: 1 vnetd-bridge-helper: other0 is not the bridge of a "
                        "network vnetd runs\n")


def test_real_qemu_joins_through_the_helper(net):
    """Optional: qemu itself (qemu-system-x86 is not in the test packages),
    with no machine at all, only its `-netdev bridge` backend."""
    if not QEMU:
        pytest.skip("qemu-system-x86 is not installed")
    if not HELPER:
        pytest.fail("VNETD_BRIDGE_HELPER is not set (make system sets it)", pytrace=False)
    host = started(net).host
    env = host.env({"VNETD_CONFDIR": str(host.confdir), "VNETD_RUNDIR": str(host.rundir),
                    "VNETD_STATEDIR": str(host.statedir)})
    q = subprocess.Popen([IP, "netns", "exec", host.ns, QEMU, "-machine", "none", "-S",
                          "-display", "none", "-nodefaults", "-netdev",
                          "bridge,id=n0,br=%s,helper=%s" % (BR, HELPER)],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    net.procs.append(q)
    taps = wait_for(lambda: q.poll() is None and
                    [l for l in host.links() if l.startswith("vnet")], 20, "qemu's tap")
    assert master_of(host, taps[0]) == BR
    assert host.info(NAME)["Ports"] == taps[0]
    kill_proc(q)
    wait_for(lambda: host.link_json(taps[0]) is None, 10, "the tap to go with qemu")


# --- hooks --------------------------------------------------------------------------------

HOOK = r'''#!/bin/sh
# the arguments, and the network's name from the XML on stdin
name=$(sed -n 's:.*<name>\(.*\)</name>.*:\1:p' | head -n 1)
echo "$* xml=$name port=${VNETD_PORT:-}" >> %(log)s
[ "$2 $3" != "start begin" ] || [ ! -e %(refuse)s ]
'''


def test_hooks_run_with_libvirts_arguments(net, tap_guest):
    host = net.host
    log, refuse = net.tmp / "hook.log", net.tmp / "refuse"
    hooks = host.confdir / "hooks"
    hooks.mkdir()
    (hooks / "network").write_text(HOOK % {"log": log, "refuse": refuse})
    (hooks / "network").chmod(0o755)
    started(net)
    host.run("attach", NAME, "vtap0")
    host.run("detach", NAME, "vtap0")
    host.run("stop", NAME)
    assert log.read_text().splitlines() == [
        "keep start begin - xml=keep port=",
        "keep started begin - xml=keep port=",
        "keep port-created begin - xml=keep port=vtap0",
        "keep port-deleted begin - xml=keep port=vtap0",
        "keep stopped end - xml=keep port=",
    ]
    # a start hook that fails aborts the start: nothing is left behind
    refuse.write_text("")
    cp = host.run("start", NAME, check=False)
    assert (cp.returncode, cp.stderr) == (
        1, "vnetd: cannot start network '%s': the hook %s/network refused the start (exit "
           "status 1)\n" % (NAME, hooks))
    assert host.link_json(BR) is None
    assert not host.state_file(NAME).exists()
    assert not table_present(host, "inet")
    assert host.rundir_leftovers(NAME) == []
