# SPDX-License-Identifier: GPL-2.0-or-later
"""IPv6 through the network's firewall and IPv6 host routes (issue 17).

Topology, all in namespaces made here (never the root namespace):

    guest1 (2001:db8:ca2:2::10) --+
                                  virbr0 [host: vnetd] uplink0 (2001:db8:ff::2)
    guest2 (2001:db8:ca2:2::11) --+    2001:db8:ca2:2::1          |
                                                      up0 (2001:db8:ff::1) [upstream]

The guests get their addresses and a default route via the bridge by hand
(nodad), so that only vnetd's rules decide what passes. `upstream` runs a
listener that writes down the source address and port of every TCP
connection, UDP datagram and ICMPv6 echo request. Guests connect from
source port 700, so a masquerade with libvirt's ports 1024-65535 moves it.
As libvirt: in nat mode IPv6 is routed (no NAT) unless <nat ipv6='yes'>;
route mode routes both ways; an isolated network forwards nothing.
"""

from pathlib import Path

import pytest

from helpers import PY, Topology, built, wait_for

GOLDEN = Path(__file__).resolve().parent / "golden"

GW6, SUBNET6 = "2001:db8:ca2:2::1", "2001:db8:ca2:2::/64"
G1, G2 = "2001:db8:ca2:2::10", "2001:db8:ca2:2::11"
UP6, UPLINK6 = "2001:db8:ff::1", "2001:db8:ff::2"
PORT = 5555          # listeners' TCP and UDP port
SPORT = 700          # guests' source port: below the masquerade range
OK_TIMEOUT = 3       # seconds, for what must work
FAIL_TIMEOUT = 1.5   # seconds, for what must not
TABLE = "vnetd-default"

# A listener (IPv6 only) that exits by itself after `life` seconds. It
# records  tcp ADDR PORT / udp ADDR PORT / icmp ADDR  one line each, and
# answers TCP with "hello\n" and UDP with the datagram itself.
LISTENER = r'''
import select, socket, sys, time
out, port, life = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
t = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("::", port))
t.listen(16)
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.bind(("::", port))
ic = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
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
            f.write("tcp %s %d\n" % a[:2])
            c.sendall(b"hello\n")
            c.close()
        elif s is u:
            d, a = u.recvfrom(2048)
            f.write("udp %s %d\n" % a[:2])
            u.sendto(d, a)
        else:
            d, a = ic.recvfrom(2048)
            if d and d[0] == 128:
                f.write("icmp %s\n" % a[0])
'''

# A client: exit 0 only when the listener's answer came back.
CLIENT = r'''
import socket, sys
proto, dst, port, sport, timeout = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
kind = socket.SOCK_STREAM if proto == "tcp" else socket.SOCK_DGRAM
s = socket.socket(socket.AF_INET6, kind)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("::", sport))
s.settimeout(timeout)
try:
    if proto == "tcp":
        s.connect((dst, port))
        got = s.recv(64)
        ok = got == b"hello\n"
    else:
        msg = b"vnetd-udp-probe"
        s.connect((dst, port))
        s.send(msg)
        got = s.recv(2048)
        ok = got == msg
except OSError as e:
    print("%s [%s]:%d: %r" % (proto, dst, port, e))
    sys.exit(1)
print("%s [%s]:%d: got %r" % (proto, dst, port, got))
sys.exit(0 if ok else 2)
'''


def net_xml(forward=None, nat_ipv6=False, ipv4=True, ipv6_addr=True, network_ipv6=False,
            routes6=()):
    """A network on virbr0 (stp off): 192.168.122.1/24 unless ipv4=False,
    GW6/64 unless ipv6_addr=False; routes6: (address, prefix, gateway, metric
    or None) for <route family='ipv6'>."""
    lines = ["<network%s>" % (" ipv6='yes'" if network_ipv6 else ""), "  <name>default</name>"]
    if forward and nat_ipv6:
        lines += ["  <forward mode='%s'>" % forward, "    <nat ipv6='yes'/>", "  </forward>"]
    elif forward:
        lines.append("  <forward mode='%s'/>" % forward)
    lines.append("  <bridge name='virbr0' stp='off' delay='0'/>")
    if ipv4:
        lines.append("  <ip address='192.168.122.1' prefix='24'/>")
    if ipv6_addr:
        lines.append("  <ip family='ipv6' address='%s' prefix='64'/>" % GW6)
    for addr, prefix, gw, metric in routes6:
        lines.append("  <route family='ipv6' address='%s' prefix='%d' gateway='%s'%s/>"
                     % (addr, prefix, gw, " metric='%d'" % metric if metric else ""))
    lines.append("</network>")
    return "\n".join(lines) + "\n"


def nft(host, *args, check=True):
    """`nft ARGS` inside the host namespace (never anywhere else)."""
    return host.exec("nft", *args, check=check)


def normalise(text):
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


class Ipv6Net(Topology):
    """Guests with IPv6 addresses on virbr0, an upstream reached over IPv6."""

    def __init__(self, host, guest):
        super().__init__(host, guest, "listen6")
        self.guests = []

    def build_upstream(self):
        super().build_upstream()
        self.host.ip("-6", "addr", "add", UPLINK6 + "/64", "dev", "uplink0", "nodad")
        self.host.ip("-6", "route", "add", "default", "via", UP6)
        self.upstream.ip("-6", "addr", "add", UP6 + "/64", "dev", "up0", "nodad")

    def start(self, xml, guests=2, gateway=True):
        """Define and start the network, then plug guests with G1, G2."""
        self.host.define(xml)
        self.host.run("start", "default")
        for addr in (G1, G2)[:guests]:
            g = self.plug()
            g.ip("-6", "addr", "add", addr + "/64", "dev", "eth0", "nodad")
            if gateway:
                g.ip("-6", "route", "add", "default", "via", GW6)
            self.guests.append(g)
        return self.guests

    def route_subnet_upstream(self):
        """Give upstream a route back to the guests, via the host."""
        self.upstream.ip("-6", "route", "add", SUBNET6, "via", UPLINK6)

    def listen(self, ns, life=20):
        out = self.tmp / ("listen%d.txt" % len(self.procs))
        self.start_ready(ns, LISTENER, out, PORT, life, what="listener in %s" % ns)
        return out


@pytest.fixture
def topo(host, guest):
    yield from built(Ipv6Net(host, guest), upstream=True)


def ping6_ok(node, addr, tries=3):
    """Neighbour discovery may take the first echo: a few tries."""
    return node.ping(addr, wait=1, tries=tries).returncode == 0


def connect(node, proto, dst, timeout=OK_TIMEOUT, sport=SPORT):
    cp = node.exec(PY, "-c", CLIENT, proto, dst, PORT, sport, timeout,
                   check=False, timeout=timeout + 10)
    return cp.returncode == 0, cp.stdout + cp.stderr


def records(path, kind=None):
    out = []
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if f and f[0] != "ready" and (kind is None or f[0] == kind):
            out.append(f)
    return out


def reach_upstream(topo, g):
    """g gets answers from upstream over TCP, UDP and ICMPv6; returns the
    listener's record file."""
    log = topo.listen(topo.upstream.ns)
    assert ping6_ok(g, GW6), "guest cannot reach the bridge over IPv6"
    ok, msg = connect(g, "tcp", UP6)
    assert ok, msg
    ok, msg = connect(g, "udp", UP6)
    assert ok, msg
    assert ping6_ok(g, UP6)
    return log


def cannot_cross(topo, g):
    """Nothing passes between g and upstream, either way (upstream routes
    the subnet to the host, so only the host can be what stops it)."""
    topo.route_subnet_upstream()
    ulog = topo.listen(topo.upstream.ns)
    glog = topo.listen(g.ns)
    ok, msg = connect(g, "tcp", UP6, timeout=FAIL_TIMEOUT)
    assert not ok, "guest reached upstream: " + msg
    ok, msg = connect(g, "udp", UP6, timeout=FAIL_TIMEOUT)
    assert not ok, "guest reached upstream: " + msg
    ok, msg = connect(topo.upstream, "tcp", G1, timeout=FAIL_TIMEOUT, sport=40000)
    assert not ok, "upstream reached the guest: " + msg
    assert records(ulog) == []
    assert records(glog) == []


def guests_talk(topo, g1, g2):
    """guest1's TCP connection reaches guest2 from its own address and port."""
    assert ping6_ok(g1, G2)
    glog = topo.listen(g2.ns)
    ok, msg = connect(g1, "tcp", G2)
    assert ok, msg
    assert records(glog, "tcp") == [["tcp", G1, str(SPORT)]]


# --- nat ----------------------------------------------------------------------

def test_nat_ipv6_yes_masquerades(host, topo):
    host.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
    g1, g2 = topo.start(net_xml("nat", nat_ipv6=True))
    assert host.sysctl("net.ipv6.conf.all.forwarding") == "1"
    # upstream has no route to the guests: only a masquerade gets answers back
    log = reach_upstream(topo, g1)
    tcp, udp, icmp = records(log, "tcp"), records(log, "udp"), records(log, "icmp")
    assert len(tcp) == 1 and len(udp) == 1, records(log)
    for kind, addr, port in tcp + udp:
        assert addr == UPLINK6, "%s source is %s, not the uplink's address" % (kind, addr)
        assert 1024 <= int(port) <= 65535, "%s source port %s" % (kind, port)
    assert icmp and all(r[1] == UPLINK6 for r in icmp), icmp
    guests_talk(topo, g1, g2)


def test_nat_ipv6_yes_lets_only_replies_in(host, topo):
    g1, _ = topo.start(net_xml("nat", nat_ipv6=True))
    topo.route_subnet_upstream()
    glog = topo.listen(g1.ns)
    assert ping6_ok(topo.upstream, GW6)      # the route takes packets to the host
    ok, msg = connect(topo.upstream, "tcp", G1, timeout=FAIL_TIMEOUT, sport=40000)
    assert not ok, "upstream opened a connection to guest1 through nat: " + msg
    assert records(glog) == []


def test_nat_without_ipv6_yes_routes_ipv6(host, topo):
    # libvirt: "IPv6 has no NAT": nat mode routes it, both ways
    g1, _ = topo.start(net_xml("nat"))
    assert host.sysctl("net.ipv6.conf.all.forwarding") == "1"
    topo.route_subnet_upstream()
    log = reach_upstream(topo, g1)
    assert records(log, "tcp") == [["tcp", G1, str(SPORT)]]
    assert records(log, "udp") == [["udp", G1, str(SPORT)]]
    assert records(log, "icmp") and all(r[1] == G1 for r in records(log, "icmp"))
    glog = topo.listen(g1.ns)
    ok, msg = connect(topo.upstream, "tcp", G1, sport=40000)
    assert ok, msg
    assert records(glog, "tcp") == [["tcp", UP6, "40000"]]


def test_nat_without_ipv6_yes_needs_a_route_back(host, topo):
    # Not masqueraded: without a route back upstream's answers go nowhere.
    g1, _ = topo.start(net_xml("nat"))
    log = topo.listen(topo.upstream.ns)
    assert ping6_ok(g1, GW6)
    ok, msg = connect(g1, "tcp", UP6, timeout=FAIL_TIMEOUT)
    assert not ok, "answered without a route back: masqueraded? " + msg
    # the SYN arrived, from the guest's own address
    assert records(log, "tcp") == [] or all(r[1] == G1 for r in records(log, "tcp"))
    ok, msg = connect(g1, "udp", UP6, timeout=FAIL_TIMEOUT)
    assert not ok, msg
    assert records(log, "udp") == [["udp", G1, str(SPORT)]]


# --- route ------------------------------------------------------------------

def test_route_ipv6_shows_guest_address(host, topo):
    host.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
    g1, g2 = topo.start(net_xml("route"))
    assert host.sysctl("net.ipv6.conf.all.forwarding") == "1"
    topo.route_subnet_upstream()
    log = reach_upstream(topo, g1)
    assert records(log, "tcp") == [["tcp", G1, str(SPORT)]]
    assert records(log, "udp") == [["udp", G1, str(SPORT)]]
    assert records(log, "icmp") and all(r[1] == G1 for r in records(log, "icmp"))
    glog = topo.listen(g2.ns)
    ok, msg = connect(topo.upstream, "tcp", G2, sport=40000)
    assert ok, msg
    assert records(glog, "tcp") == [["tcp", UP6, "40000"]]


def test_route_ipv4_only_network_rejects_ipv6(host, topo):
    # An IPv6 subnet that is not the network's is not forwarded, as with IPv4.
    host.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    g1, = topo.start(net_xml("route", ipv6_addr=False), guests=1, gateway=False)
    # IPv6 on the bridge by hand (vnetd leaves it off there, as libvirt)
    host.exec("sysctl", "-qw", "net.ipv6.conf.virbr0.disable_ipv6=0")
    host.ip("-6", "addr", "add", GW6 + "/64", "dev", "virbr0", "nodad")
    g1.ip("-6", "route", "add", "default", "via", GW6)
    assert ping6_ok(g1, GW6)
    cannot_cross(topo, g1)


# --- isolated -----------------------------------------------------------------

def test_isolated_ipv6_forwards_nothing(host, topo):
    # Forwarding on beforehand, so that only vnetd's rules can stop traffic.
    host.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=1")
    g1, g2 = topo.start(net_xml())
    assert ping6_ok(g1, GW6)
    cannot_cross(topo, g1)
    guests_talk(topo, g1, g2)


def test_network_ipv6_yes_guests_talk(host, topo):
    # <network ipv6='yes'> without an IPv6 address: guest<->guest IPv6 only
    g1, g2 = topo.start(net_xml(ipv6_addr=False, network_ipv6=True), gateway=False)
    guests_talk(topo, g1, g2)
    lines = normalise(nft(host, "list", "table", "inet", TABLE).stdout)
    assert not [l for l in lines if "ip6" in l or "nfproto ipv6" in l], lines


# --- the table as nftables reads it back ---------------------------------------

def test_dual_stack_nat_ipv6_rules_match_golden(host):
    host.define(net_xml("nat", nat_ipv6=True))
    host.run("start", "default")
    got = normalise(nft(host, "list", "table", "inet", TABLE).stdout)
    assert got == normalise((GOLDEN / "nat-nat-ipv6.nft").read_text())
    assert host.info("default")["Firewall"] == "installed"
    # the keeper puts it back whole, IPv6 rules too
    nft(host, "delete", "table", "inet", TABLE)
    assert wait_for(lambda: normalise(nft(host, "list", "table", "inet", TABLE,
                                          check=False).stdout) == got, 5, "the table put back")
    # the IPv6 rules count: one gone shows in info
    listing = nft(host, "-a", "list", "chain", "inet", TABLE, "postrouting").stdout
    handle = [l.split("# handle ")[1] for l in listing.splitlines() if "ff02::/16" in l]
    nft(host, "delete", "rule", "inet", TABLE, "postrouting", "handle", handle[0])
    assert host.info("default")["Firewall"] == "installed, but changed (21 rules, 22 expected)"
    host.run("stop", "default")
    assert nft(host, "list", "table", "inet", TABLE, check=False).returncode != 0


# --- host routes ----------------------------------------------------------------

ROUTES6 = (("2001:db8:77::", 48, G1, None), ("fd00:78::", 64, G2, 20))


def host_routes6(host):
    """The host's routes through virbr0 other than the kernel's own."""
    out = host.ip("-6", "route", "show", "dev", "virbr0", "proto", "static").stdout
    return sorted(" ".join(l.split()) for l in out.splitlines() if l.strip())


def test_ipv6_routes_added_and_removed_at_stop(host, topo):
    g1, g2 = topo.start(net_xml("route", routes6=ROUTES6))
    assert host_routes6(host) == [
        "2001:db8:77::/48 via %s metric 1 pref medium" % G1,
        "fd00:78::/64 via %s metric 20 pref medium" % G2,
    ]
    state = host.state_file("default").read_text()
    assert ("route6 ifname=virbr0 address=2001:db8:77::/48 gateway=%s metric=1\n" % G1) in state
    # the route takes packets for it to guest1 (its neighbour entry proves it)
    host.exec("ping", "-c", "1", "-W", "1", "2001:db8:77::1", check=False)
    assert wait_for(lambda: G1 in host.ip("-6", "neigh", "show", "dev", "virbr0").stdout, 5,
                    "the host looking up the route's gateway")
    host.run("stop", "default")
    assert host.link_json("virbr0") is None
    assert host.ip("-6", "route", "show", "2001:db8:77::/48").stdout.strip() == ""


def test_ipv6_route_someone_removed_does_not_fail_stop(host, topo):
    topo.start(net_xml("route", routes6=ROUTES6[:1]), guests=1)
    host.ip("-6", "route", "del", "2001:db8:77::/48", "via", G1, "dev", "virbr0")
    cp = host.run("stop", "default")
    assert cp.stdout.strip() == "Network default stopped"
    assert not host.state_file("default").exists()


def test_ipv6_route_already_there_fails_start(host):
    # A route that is there already is not ours: start refuses, and undoes.
    host.define(net_xml("route", routes6=ROUTES6[:1]))
    host.ip("link", "add", "other0", "type", "veth", "peer", "name", "other1")
    host.ip("link", "set", "other0", "up")
    host.ip("-6", "route", "add", "2001:db8:77::/48", "dev", "other0", "metric", "1")
    cp = host.run("start", "default", check=False)
    assert cp.returncode != 0
    assert "route 2001:db8:77::/48 via %s dev virbr0 metric 1" % G1 in cp.stderr, cp.stderr
    assert host.link_json("virbr0") is None
    assert not host.state_file("default").exists()
    assert host.ip("-6", "route", "show", "2001:db8:77::/48").stdout.split()[:3] == \
        ["2001:db8:77::/48", "dev", "other0"]


# --- other firewalls ------------------------------------------------------------

FWD6_WARNING = ("table ip6 filter chain FORWARD (policy drop) drops forwarded traffic of "
                "virbr0: ip6tables -t filter -I FORWARD -i virbr0 -j ACCEPT; "
                "ip6tables -t filter -I FORWARD -o virbr0 -j ACCEPT")


def test_ip6_drop_policy_is_named_only_for_ipv6_networks(host, topo):
    """ip6tables-nft's FORWARD with policy drop: a dual-stack network is warned
    (and the warning is true), an IPv4-only one is not (ip6 never sees it)."""
    host.exec("nft", "add", "table", "ip6", "filter")
    host.exec("nft", "add", "chain", "ip6", "filter", "FORWARD",
              "{ type filter hook forward priority 0; policy drop; }")
    host.define(net_xml("route", ipv6_addr=False))
    cp = host.run("start", "default")
    assert cp.stderr == ""
    host.run("stop", "default")

    g1, = topo.start(net_xml("route"), guests=1)
    assert host.run("info", "default").stdout.count("Warning:") == 1
    assert ("Warning:        " + FWD6_WARNING) in host.run("info", "default").stdout
    topo.route_subnet_upstream()
    ok, msg = connect(g1, "tcp", UP6, timeout=FAIL_TIMEOUT)
    assert not ok, "the warning was not true: " + msg
    host.exec("nft", "insert", "rule", "ip6", "filter", "FORWARD", "iifname", "virbr0", "accept")
    host.exec("nft", "insert", "rule", "ip6", "filter", "FORWARD", "oifname", "virbr0", "accept")
    assert "Warning:" not in host.run("info", "default").stdout
    log = topo.listen(topo.upstream.ns)
    ok, msg = connect(g1, "tcp", UP6)
    assert ok, msg
    assert records(log, "tcp") == [["tcp", G1, str(SPORT)]]
