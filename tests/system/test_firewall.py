# SPDX-License-Identifier: GPL-2.0-or-later
"""The firewall of each forward mode (issue 4), shown with real traffic.

Topology, all in namespaces made here (never the root namespace):

    guest1 (192.168.122.10) --+
                              virbr0 [host: vnetd] uplink0 (198.51.100.2)
    guest2 (192.168.122.11) --+                        |
                                            up0 (198.51.100.1) [upstream]

`upstream` plays the router and runs a listener that writes down the source
address and port of every TCP connection, UDP datagram and ICMP echo request
it gets. Guests connect from source port 700, so a masquerade that keeps
ports 1024-65535 has to move it. `nft` only ever runs inside the host
namespace. Networks use stp='off' so that bridge ports forward at once.
"""

import os
import re
import signal
import time
from pathlib import Path

import pytest

from helpers import (GW, PY, UP, UPLINK, Topology, assert_injected_fault, built,
                     network_xml, wait_for)

GOLDEN = Path(__file__).resolve().parent / "golden"

SUBNET = "192.168.122.0/24"
G1, G2 = "192.168.122.10", "192.168.122.11"
PORT = 5555          # listeners' TCP and UDP port
SPORT = 700          # guests' source port: below the masquerade range
OK_TIMEOUT = 3       # seconds, for what must work
FAIL_TIMEOUT = 1.5   # seconds, for what must not
TABLE = "vnetd-default"

# A listener that exits by itself after `life` seconds. It records
#   tcp ADDR PORT / udp ADDR PORT / icmp ADDR
# one line per connection, datagram or echo request, and answers TCP with
# "hello\n" and UDP with the datagram itself.
LISTENER = r'''
import select, socket, sys, time
out, port, life = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("0.0.0.0", port))
t.listen(16)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("0.0.0.0", port))
ic = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
f = open(out, "a", buffering=1)
f.write("ready\n")
end = time.monotonic() + life
while True:
    left = end - time.monotonic()
    if left <= 0:
        break
    r, _, _ = select.select([t, u, ic], [], [], left)
    for s in r:
        if s is t:
            c, a = t.accept()
            f.write("tcp %s %d\n" % a)
            c.sendall(b"hello\n")
            c.close()
        elif s is u:
            d, a = u.recvfrom(2048)
            f.write("udp %s %d\n" % a)
            u.sendto(d, a)
        else:
            d, a = ic.recvfrom(2048)
            ihl = (d[0] & 15) * 4
            if len(d) > ihl and d[ihl] == 8:
                f.write("icmp %s\n" % a[0])
'''

# A client: exit 0 only when the listener's answer came back.
CLIENT = r'''
import socket, sys
proto, dst, port, sport, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", sport))
s.settimeout(timeout)
try:
    if proto == "tcp":
        s.connect((dst, port))
        got = s.recv(64)
        ok = got == b"hello\n"
    else:
        msg = b"vnetd-udp-probe"
        s.connect((dst, port))      # so that an ICMP error ends the wait
        s.send(msg)
        got = s.recv(2048)
        ok = got == msg
except OSError as e:
    print("%s %s:%d: %r" % (proto, dst, port, e))
    sys.exit(1)
print("%s %s:%d: got %r" % (proto, dst, port, got))
sys.exit(0 if ok else 2)
'''


# --- helpers ----------------------------------------------------------------

def net_xml(forward=None, forward_attrs="", inner="", name="default",
            bridge="virbr0", addr=GW, prefix=24):
    return network_xml(name, bridge, ((addr, prefix),), forward=forward,
                       forward_attrs=forward_attrs, forward_inner=inner)


def nft(host, *args, check=True):
    """`nft ARGS` inside the host namespace (never anywhere else)."""
    return host.exec("nft", *args, check=check)


def nft_tables(host):
    """['inet vnetd-default', ...] as `nft list tables` shows them."""
    out = nft(host, "list", "tables").stdout
    return [l.split(None, 1)[1].strip() for l in out.splitlines()
            if l.startswith("table ")]


def vnetd_tables(host):
    return [t for t in nft_tables(host) if t.split()[-1].startswith("vnetd-")]


def normalise(text):
    """Rule listing lines, whitespace collapsed, handle comments dropped."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"\s*# handle \d+\s*$", "", line)
        line = " ".join(line.split())
        if line:
            out.append(line)
    return out


def golden(name):
    return normalise((GOLDEN / ("nat-%s.nft" % name)).read_text())


def add_own_table(host):
    """A table of the test's own, with a base chain and a rule; returns its
    listing with handles, to compare byte for byte later."""
    nft(host, "add", "table", "inet", "mine")
    nft(host, "add", "chain", "inet", "mine", "mychain",
        "{ type filter hook forward priority 10; policy accept; }")
    nft(host, "add", "rule", "inet", "mine", "mychain", "tcp", "dport", "9", "counter", "accept")
    return nft(host, "-a", "list", "table", "inet", "mine").stdout


class FirewallNet(Topology):
    """Guests on virbr0 and the upstream namespace with its listeners."""

    def __init__(self, host, guest):
        super().__init__(host, guest, "listen")
        self.guests = []

    def start(self, xml, name="default", guests=2):
        """Define and start the network, then plug guests into virbr0."""
        self.host.define(xml)
        self.host.run("start", name)
        for addr in (G1, G2)[:guests]:
            g = self.plug(addr=addr + "/24")
            g.ip("route", "add", "default", "via", GW)
            self.guests.append(g)
        # Wait until every guest's port forwards and ARP is done.
        for g in self.guests:
            assert ping_ok(g, GW), "guest %s cannot reach the bridge" % g.ns
        return self.guests

    def route_subnet_upstream(self):
        """Give upstream a route back to the guests, via the host."""
        self.upstream.ip("route", "add", SUBNET, "via", UPLINK)

    def listen(self, ns, life=20):
        """Start a listener in namespace `ns`; returns its record file."""
        out = self.tmp / ("listen%d.txt" % len(self.procs))
        self.start_ready(ns, LISTENER, out, PORT, life, what="listener in %s" % ns)
        return out


@pytest.fixture
def topo(host, guest):
    yield from built(FirewallNet(host, guest), upstream=True)


def ping_ok(node, addr, tries=3):
    return node.ping(addr, wait=1, tries=tries).returncode == 0


def connect(node, proto, dst, timeout=OK_TIMEOUT, sport=SPORT):
    """Run the client in node's namespace; True when the answer came back."""
    cp = node.exec(PY, "-c", CLIENT, proto, dst, PORT, sport, timeout,
                   check=False, timeout=timeout + 10)
    return cp.returncode == 0, cp.stdout + cp.stderr


def reach_upstream(topo, g):
    """g gets answers from upstream over TCP and UDP, and pings it; returns
    the record file of upstream's listener, to check what it saw."""
    log = topo.listen(topo.upstream.ns)
    ok, msg = connect(g, "tcp", UP)
    assert ok, msg
    ok, msg = connect(g, "udp", UP)
    assert ok, msg
    assert ping_ok(g, UP)
    return log


def assert_guests_talk(topo, g1, g2):
    """guest1 and guest2 ping each other, and guest1's TCP connection
    reaches guest2 from its own address and port (not masqueraded)."""
    assert ping_ok(g1, G2)
    assert ping_ok(g2, G1)
    glog = topo.listen(g2.ns)
    ok, msg = connect(g1, "tcp", G2)
    assert ok, msg
    assert records(glog, "tcp") == [["tcp", G1, str(SPORT)]]


def records(path, kind=None):
    out = []
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if not f or f[0] == "ready":
            continue
        if kind is None or f[0] == kind:
            out.append(f)
    return out


# --- nat ----------------------------------------------------------------------

def test_nat_guest_reaches_upstream_masqueraded(host, topo):
    assert host.sysctl("net.ipv4.ip_forward") == "0"   # a fresh namespace
    g1, g2 = topo.start(net_xml("nat"))
    assert host.sysctl("net.ipv4.ip_forward") == "1"
    log = reach_upstream(topo, g1)

    tcp = records(log, "tcp")
    udp = records(log, "udp")
    icmp = records(log, "icmp")
    assert len(tcp) == 1 and len(udp) == 1, records(log)
    for kind, addr, port in tcp + udp:
        assert addr == UPLINK, "%s source is %s, not the uplink's address" % (kind, addr)
        assert 1024 <= int(port) <= 65535, "%s source port %s" % (kind, port)
    assert icmp and all(r[1] == UPLINK for r in icmp), icmp


def test_nat_upstream_cannot_connect_to_guest(host, topo):
    g1, g2 = topo.start(net_xml("nat"))
    topo.route_subnet_upstream()
    glog = topo.listen(g1.ns)
    # The route really takes packets for the subnet to the host.
    assert ping_ok(topo.upstream, GW)
    ok, msg = connect(topo.upstream, "tcp", G1, timeout=FAIL_TIMEOUT, sport=40000)
    assert not ok, "upstream opened a connection to guest1 through nat: " + msg
    assert records(glog) == []
    # ... while guest1 itself still gets out (and the reply back in).
    ulog = topo.listen(topo.upstream.ns)
    ok, msg = connect(g1, "tcp", UP)
    assert ok, msg
    assert records(ulog, "tcp")[0][1] == UPLINK


def test_nat_guest_to_guest(host, topo):
    g1, g2 = topo.start(net_xml("nat"))
    # Not masqueraded inside the subnet.
    assert_guests_talk(topo, g1, g2)


# --- route ------------------------------------------------------------------

def test_route_upstream_sees_guest_address(host, topo):
    assert host.sysctl("net.ipv4.ip_forward") == "0"
    g1, g2 = topo.start(net_xml("route"))
    assert host.sysctl("net.ipv4.ip_forward") == "1"
    topo.route_subnet_upstream()
    log = reach_upstream(topo, g1)
    assert records(log, "tcp") == [["tcp", G1, str(SPORT)]]
    assert records(log, "udp") == [["udp", G1, str(SPORT)]]
    assert all(r[1] == G1 for r in records(log, "icmp"))
    assert records(log, "icmp")
    assert ping_ok(g1, G2)


def test_route_upstream_can_connect_to_guest(host, topo):
    # The inbound counterpart of the nat test: in route mode the outside may
    # open connections to guests (libvirt's route mode does the same).
    g1, _ = topo.start(net_xml("route"))
    topo.route_subnet_upstream()
    glog = topo.listen(g1.ns)
    ok, msg = connect(topo.upstream, "tcp", G1, sport=40000)
    assert ok, msg
    assert records(glog, "tcp") == [["tcp", UP, "40000"]]


# --- isolated and open ------------------------------------------------------

def test_isolated_guest_cannot_reach_upstream(host, topo):
    # Forwarding on beforehand (our own namespace), so that only vnetd's
    # rules can be what stops the traffic.
    host.exec("sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
    g1, g2 = topo.start(net_xml())
    assert host.sysctl("net.ipv4.ip_forward") == "1"   # not turned off
    topo.route_subnet_upstream()
    assert ping_ok(topo.upstream, GW)
    ulog = topo.listen(topo.upstream.ns)
    glog = topo.listen(g1.ns)

    ok, msg = connect(g1, "tcp", UP, timeout=FAIL_TIMEOUT)
    assert not ok, "isolated guest reached upstream: " + msg
    ok, msg = connect(g1, "udp", UP, timeout=FAIL_TIMEOUT)
    assert not ok, "isolated guest reached upstream: " + msg
    assert g1.ping(UP, wait=1).returncode != 0
    ok, msg = connect(topo.upstream, "tcp", G1, timeout=FAIL_TIMEOUT, sport=40000)
    assert not ok, "upstream reached an isolated guest: " + msg
    assert records(ulog) == []
    assert records(glog) == []

    # guest <-> guest still works, and so does the host itself.
    assert_guests_talk(topo, g1, g2)


def test_isolated_does_not_enable_forwarding(host):
    host.define(net_xml())
    host.run("start", "default")
    assert host.sysctl("net.ipv4.ip_forward") == "0"
    assert host.info("default")["Firewall"] == "installed"


def test_open_network_has_no_table(host):
    before = nft_tables(host)
    host.define(net_xml("open"))
    host.run("start", "default")
    assert vnetd_tables(host) == []
    assert nft_tables(host) == before
    assert nft(host, "list", "table", "inet", TABLE, check=False).returncode != 0
    info = host.info("default")
    assert info["Firewall"] == "none (open network)"
    host.run("stop", "default")
    assert nft_tables(host) == before


def test_open_network_forwards(host, topo):
    # libvirt switches IPv4 forwarding on for every <forward> mode, open
    # included (networkStartNetworkVirtual: forward.type != NONE); with no
    # rules of its own an open network is routed like `route`.
    g1, _ = topo.start(net_xml("open"))
    assert host.sysctl("net.ipv4.ip_forward") == "1", \
        "an open network must switch IPv4 forwarding on, as libvirt does"
    topo.route_subnet_upstream()
    log = topo.listen(topo.upstream.ns)
    ok, msg = connect(g1, "tcp", UP)
    assert ok, msg
    assert records(log, "tcp") == [["tcp", G1, str(SPORT)]]


# --- the rules as nftables reads them back ----------------------------------

@pytest.mark.parametrize("mode,xml", [
    ("nat", net_xml("nat")),
    ("route", net_xml("route")),
    ("isolated", net_xml()),
    ("outdev", net_xml("nat", " dev='eth1'")),
    ("snat", net_xml("nat", inner="<nat><address start='198.51.100.2' "
                                  "end='198.51.100.5'/></nat>")),
])
def test_rules_match_golden(host, mode, xml):
    host.define(xml)
    host.run("start", "default")
    assert vnetd_tables(host) == ["inet " + TABLE]
    got = normalise(nft(host, "list", "table", "inet", TABLE).stdout)
    assert got == golden(mode)
    # The whole ruleset holds nothing else of ours.
    ruleset = normalise(nft(host, "list", "ruleset").stdout)
    assert ruleset == golden(mode)
    host.run("stop", "default")
    assert vnetd_tables(host) == []


def test_open_golden_is_empty():
    assert golden("open") == []


def test_stop_leaves_other_tables_untouched(host):
    mine = add_own_table(host)
    host.define(net_xml("nat"))
    host.run("start", "default")
    assert nft(host, "-a", "list", "table", "inet", "mine").stdout == mine
    assert sorted(nft_tables(host)) == ["inet mine", "inet " + TABLE]
    host.run("stop", "default")
    assert vnetd_tables(host) == []
    assert nft_tables(host) == ["inet mine"]
    assert nft(host, "-a", "list", "table", "inet", "mine").stdout == mine


def test_stop_removes_only_its_own_network(host):
    host.define(net_xml("nat"))
    host.define(net_xml(name="other", bridge="vtbr1", addr="10.77.0.1"))
    host.run("start", "default")
    host.run("start", "other")
    assert sorted(vnetd_tables(host)) == ["inet vnetd-default", "inet vnetd-other"]
    other = nft(host, "-a", "list", "table", "inet", "vnetd-other").stdout
    host.run("stop", "default")
    assert vnetd_tables(host) == ["inet vnetd-other"]
    assert nft(host, "-a", "list", "table", "inet", "vnetd-other").stdout == other
    host.run("stop", "other")
    assert vnetd_tables(host) == []


# --- info, a deleted table, and faults --------------------------------------

def test_deleted_table_is_put_back(host):
    host.define(net_xml("nat"))
    host.run("start", "default")
    golden = nft(host, "list", "table", "inet", TABLE).stdout
    assert host.info("default")["Firewall"] == "installed"
    nft(host, "delete", "table", "inet", TABLE)
    # The keeper hears nftables' notification and reinstalls within a second.
    assert wait_for(lambda: vnetd_tables(host) == ["inet " + TABLE], 1.0, step=0.02), \
        vnetd_tables(host)
    assert nft(host, "list", "table", "inet", TABLE).stdout == golden
    assert host.info("default")["Firewall"] == "installed"
    # A second deletion is repaired too.
    nft(host, "delete", "table", "inet", TABLE)
    assert wait_for(lambda: vnetd_tables(host) == ["inet " + TABLE], 1.0, step=0.02)


def test_keeper_keeps_only_net_admin(host):
    host.define(net_xml("nat"))
    host.run("start", "default")
    keeper = host.running_pid("default", "Keeper")
    daemon = host.running_pid("default", "Daemon")
    caps = {}
    for pid in (keeper, daemon):
        with open("/proc/%d/status" % pid) as f:
            fields = dict(line.split(":", 1) for line in f if ":" in line)
        caps[pid] = {k: int(fields[k].strip(), 16)
                     for k in ("CapInh", "CapPrm", "CapEff", "CapAmb")}
        assert int(fields["Uid"].split()[0]) != 0
    assert caps[keeper]["CapEff"] == caps[keeper]["CapPrm"] == 1 << 12  # CAP_NET_ADMIN
    assert caps[keeper]["CapInh"] == caps[keeper]["CapAmb"] == 0
    assert all(v == 0 for v in caps[daemon].values())


def test_stop_after_keeper_killed(host):
    host.define(net_xml("nat"))
    host.run("start", "default")
    keeper = host.running_pid("default", "Keeper")
    os.kill(keeper, signal.SIGKILL)
    nft(host, "delete", "table", "inet", TABLE)
    time.sleep(0.3)
    assert host.info("default")["Firewall"] == "missing"
    cp = host.run("stop", "default")
    assert cp.stdout.strip() == "Network default stopped"
    assert host.link_json("virbr0") is None
    assert not host.state_file("default").exists()
    assert vnetd_tables(host) == []
    info = host.info("default")
    assert info["Active"] == "no"
    assert "Firewall" not in info


@pytest.mark.parametrize("step", ["firewall", "up"])
def test_fault_rolls_back_firewall(host, step):
    mine = add_own_table(host)
    host.define(net_xml("nat"))
    cp = host.run("start", "default", check=False, env={"VNETD_FAULT": step},
                  test_build=True)
    assert_injected_fault(cp)
    assert host.link_json("virbr0") is None
    assert vnetd_tables(host) == []
    assert not host.state_file("default").exists()
    assert host.rundir_leftovers("default") == []
    assert nft(host, "-a", "list", "table", "inet", "mine").stdout == mine
    # Nothing half-made blocks the next start.
    host.run("start", "default")
    assert normalise(nft(host, "list", "table", "inet", TABLE).stdout) == golden("nat")
