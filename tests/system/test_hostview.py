# SPDX-License-Identifier: GPL-2.0-or-later
"""The host's view of a network (issue 15): <route> as a host route via a
guest, and the warnings about other firewalls that would drop the
network's traffic. All in namespaces made here:

    host [vnetd] virbr0 (192.168.122.1) --- guest (192.168.122.10) --- behind (10.77.0.2)
                                                  10.77.0.1 /

The guest routes between the bridge and `behind`'s subnet 10.77.0.0/24,
which a <route> in the definition names.
"""

import json
import shutil

import pytest

from conftest import IP, _run, netns_add, netns_del
from helpers import GW, UP, Topology, assert_injected_fault, built, network_xml, wait_for

G1 = "192.168.122.10"
BEHIND_NET, BEHIND_GW, BEHIND = "10.77.0.0/24", "10.77.0.1", "10.77.0.2"


def route_xml(name="rt", metric=None):
    xml = network_xml(name, "virbr0", [(GW, 24)])
    m = " metric='%d'" % metric if metric else ""
    return xml.replace("</network>", "  <route address='10.77.0.0' prefix='24' "
                       "gateway='%s'%s/>\n</network>" % (G1, m))


def routes_to(host, dest):
    """`ip -j route show DEST` in the host namespace, as dicts."""
    return json.loads(host.ip("-j", "route", "show", dest).stdout)


def behind_the_guest(host, guest):
    """A guest on virbr0 that routes to a namespace behind it; returns (guest, behind-ns)."""
    g = guest(addr=G1 + "/24")
    ns = netns_add("behind")
    g.ip("link", "add", "in0", "type", "veth", "peer", "name", "eth0", "netns", ns)
    g.ip("addr", "add", BEHIND_GW + "/24", "dev", "in0")
    g.ip("link", "set", "in0", "up")
    g.exec("sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward")
    for args in (("addr", "add", BEHIND + "/24", "dev", "eth0"), ("link", "set", "eth0", "up"),
                 ("route", "add", "default", "via", BEHIND_GW)):
        _run([IP, "-n", ns] + list(args))
    return g, ns


def ping_argv():
    p = shutil.which("ping")
    return [p] if p else [shutil.which("busybox") or "busybox", "ping"]


def test_route_is_a_host_route_via_the_guest(host, guest):
    host.define(route_xml(metric=7))
    host.run("start", "rt")
    g, ns = behind_the_guest(host, guest)
    try:
        got = routes_to(host, BEHIND_NET)
        assert len(got) == 1, got
        r = got[0]
        assert (r["dst"], r["gateway"], r["dev"], r["protocol"], r["metric"]) == \
            (BEHIND_NET, G1, "virbr0", "static", 7), r
        assert "route ifname=virbr0 address=10.77.0.0/24 gateway=%s metric=7" % G1 in \
            host.state_file("rt").read_text().splitlines()
        # the host reaches the subnet behind the guest, through the guest
        ok = wait_for(lambda: host.exec(*ping_argv(), "-c", "1", "-W", "2", BEHIND,
                                        check=False).returncode == 0, 15)
        assert ok, "the host cannot reach %s through the guest" % BEHIND
        host.run("stop", "rt")
        assert routes_to(host, BEHIND_NET) == []
    finally:
        netns_del(ns)


def test_route_default_metric_is_libvirts(host):
    host.define(route_xml())
    host.run("start", "rt")
    r = routes_to(host, BEHIND_NET)
    assert [(x["gateway"], x["metric"]) for x in r] == [(G1, 1)]
    host.run("stop", "rt")
    assert routes_to(host, BEHIND_NET) == []


def test_failed_route_rolls_back_the_start(host):
    host.define(route_xml())
    cp = host.run("start", "rt", check=False, env={"VNETD_FAULT": "route"}, test_build=True)
    assert_injected_fault(cp)
    assert cp.stderr == ("vnetd: cannot start network 'rt': injected fault at step 'route' "
                         "(VNETD_FAULT)\n")
    assert routes_to(host, BEHIND_NET) == []
    assert host.link_json("virbr0") is None
    assert host.rundir_leftovers("rt") == []


def test_route_already_there_refuses_the_start(host):
    """A route that is not vnetd's is never taken over (nor removed at stop)."""
    host.define(route_xml())
    host.veth("vx0", "vx1")
    host.ip("addr", "add", "192.168.50.1/24", "dev", "vx0")
    host.ip("route", "add", BEHIND_NET, "via", "192.168.50.2", "metric", "1")
    cp = host.run("start", "rt", check=False)
    assert cp.returncode != 0
    assert cp.stderr == ("vnetd: cannot start network 'rt': cannot add route 10.77.0.0/24 via "
                         "%s dev virbr0 metric 1: File exists\n" % G1)
    assert [x["gateway"] for x in routes_to(host, BEHIND_NET)] == ["192.168.50.2"]
    assert host.link_json("virbr0") is None


# --- other firewalls ------------------------------------------------------------

FWD_WARNING = ('table ip filter chain forward (policy drop) drops forwarded traffic of virbr0: '
               'nft insert rule ip filter forward iifname "virbr0" accept; '
               'nft insert rule ip filter forward oifname "virbr0" accept')
INPUT_WARNING = ('table ip filter chain INPUT (a rule drops) drops DHCP and DNS from the guests '
                 'of virbr0: iptables -t filter -I INPUT -i virbr0 -j ACCEPT')


def info_warnings(host, name):
    return [l[len("Warning:"):].strip() for l in host.run("info", name).stdout.splitlines()
            if l.startswith("Warning:")]


def nft(host, *args):
    host.exec("nft", *args)


@pytest.fixture
def topo(host, guest):
    yield from built(Topology(host, guest, "coexist"), upstream=True)


def test_foreign_drop_policy_is_named_and_true(host, topo):
    """A foreign forward chain with policy drop: named on start and in info, the
    guest's traffic to upstream is indeed dropped, and accepting the bridge
    there silences the warning and lets the traffic through."""
    nft(host, "add", "table", "ip", "filter")
    nft(host, "add", "chain", "ip", "filter", "forward",
        "{ type filter hook forward priority 0; policy drop; }")
    host.define(network_xml("default", "virbr0", [(GW, 24)], forward="nat"))
    cp = host.run("start", "default")
    assert cp.stdout == "Network default started\n"
    assert cp.stderr == "vnetd: warning: " + FWD_WARNING + "\n"
    assert info_warnings(host, "default") == [FWD_WARNING]

    g = topo.plug(addr=G1 + "/24")
    g.ip("route", "add", "default", "via", GW)
    assert g.ping(GW, tries=3).returncode == 0
    assert g.ping(UP, wait=1, tries=2).returncode != 0, "the warning was not true"

    nft(host, "insert", "rule", "ip", "filter", "forward", "iifname", "virbr0", "accept")
    nft(host, "insert", "rule", "ip", "filter", "forward", "oifname", "virbr0", "accept")
    assert info_warnings(host, "default") == []
    assert g.ping(UP, tries=3).returncode == 0
    host.run("stop", "default")


def test_foreign_rule_dropping_dhcp_is_named(host):
    """An iptables-nft style INPUT chain whose rule drops DHCP from the bridge
    (by a wildcard name); an isolated network is not warned about forwarding,
    and vnetd's own table is never counted."""
    nft(host, "add", "table", "ip", "filter")
    nft(host, "add", "chain", "ip", "filter", "INPUT",
        "{ type filter hook input priority 0; policy accept; }")
    nft(host, "add", "chain", "ip", "filter", "forward",
        "{ type filter hook forward priority 0; policy drop; }")
    nft(host, "add", "rule", "ip", "filter", "INPUT", "iifname", "virbr*", "udp", "dport", "67",
        "drop")
    host.define(network_xml("iso", "virbr0", [(GW, 24)]))
    cp = host.run("start", "iso")
    assert cp.stderr == "vnetd: warning: " + INPUT_WARNING + "\n"
    assert info_warnings(host, "iso") == [INPUT_WARNING]
    host.run("stop", "iso")


def test_no_foreign_chains_no_warning(host):
    host.define(network_xml("default", "virbr0", [(GW, 24)], forward="nat"))
    cp = host.run("start", "default")
    assert cp.stderr == ""
    assert info_warnings(host, "default") == []


# --- option 121 -------------------------------------------------------------------

OPTION_121 = "18:0a:4d:00:c0:a8:7a:0a"          # 10.77.0.0/24 via 192.168.122.10


@pytest.mark.parametrize("explicit", [False, True])
def test_route_is_option_121_only_when_asked(host, topo, explicit):
    """<route> is the host's: a guest is sent option 121 only for an explicit
    <option number='121'>, as libvirt's dnsmasq config does."""
    xml = network_xml("default", "virbr0", [(GW, 24)], forward="nat",
                      dhcp_range=("192.168.122.100", "192.168.122.110"))
    xml = xml.replace("</network>", "  <route address='10.77.0.0' prefix='24' gateway='%s'/>\n"
                      "</network>" % G1)
    if explicit:
        xml = xml.replace("<dhcp>", "<dhcp>\n      <option number='121' value='%s'/>"
                          % OPTION_121)
    host.define(xml)
    host.run("start", "default")
    g = topo.plug()
    u = topo.udhcpc_bg(g, "-O", "staticroutes")
    u.wait_event("bound", timeout=20)
    env = u.env("bound")
    if explicit:
        assert env.get("staticroutes") == "10.77.0.0/24 %s" % G1, env
    else:
        assert "staticroutes" not in env, env
    assert [(r["dst"], r["gateway"]) for r in routes_to(host, BEHIND_NET)] == [(BEHIND_NET, G1)]


# --- resolved and firewalld, faked on a private bus ------------------------------

BUS_CONF = '''<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:path=%s</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*"/><allow own="*"/>
<allow receive_sender="*"/></policy></busconfig>
'''

# Both services: every call is written down; getZones lists public and vnetd.
FAKE_SERVICES = r'''
import sys
import dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib
log_path, address, life = sys.argv[1], sys.argv[2], int(sys.argv[3])
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
bus = dbus.bus.BusConnection(address)
log = open(log_path, "a", buffering=1)

class Resolve(dbus.service.Object):
    @dbus.service.method("org.freedesktop.resolve1.Manager", in_signature="ia(iay)")
    def SetLinkDNS(self, ifindex, addrs):
        log.write("SetLinkDNS %d %s\n" % (ifindex, " ".join(
            "%d:%s" % (f, ".".join(str(int(b)) for b in a)) for f, a in addrs)))
    @dbus.service.method("org.freedesktop.resolve1.Manager", in_signature="ia(sb)")
    def SetLinkDomains(self, ifindex, domains):
        log.write("SetLinkDomains %d %s\n" % (ifindex, " ".join(
            ("~" if r else "") + str(d) for d, r in domains)))
    @dbus.service.method("org.freedesktop.resolve1.Manager", in_signature="i")
    def RevertLink(self, ifindex):
        log.write("RevertLink %d\n" % ifindex)

class Zone(dbus.service.Object):
    @dbus.service.method("org.fedoraproject.FirewallD1.zone", out_signature="as")
    def getZones(self):
        return ["public", "vnetd"]
    @dbus.service.method("org.fedoraproject.FirewallD1.zone", in_signature="ss",
                         out_signature="s")
    def changeZoneOfInterface(self, zone, iface):
        log.write("changeZoneOfInterface %s %s\n" % (zone, iface))
        return zone
    @dbus.service.method("org.fedoraproject.FirewallD1.zone", in_signature="ss",
                         out_signature="s")
    def removeInterface(self, zone, iface):
        log.write("removeInterface %s %s\n" % (zone, iface))
        return zone

names = [dbus.service.BusName(n, bus) for n in
         ("org.freedesktop.resolve1", "org.fedoraproject.FirewallD1")]
objs = [Resolve(bus, "/org/freedesktop/resolve1"), Zone(bus, "/org/fedoraproject/FirewallD1")]
loop = GLib.MainLoop()
GLib.timeout_add_seconds(life, loop.quit)
log.write("ready\n")
loop.run()
'''


@pytest.fixture
def fake_bus(host, topo):
    """A private dbus-daemon with fake resolved and firewalld on it; yields
    (address, log path). Both processes end with the test."""
    import subprocess
    d = topo.workdir("bus")
    sock = d / "bus"
    (d / "bus.conf").write_text(BUS_CONF % sock)
    daemon = subprocess.Popen(["dbus-daemon", "--config-file=%s" % (d / "bus.conf"),
                               "--nofork", "--nopidfile"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    topo.procs.append(daemon)
    wait_for(sock.exists, 10, "the private dbus-daemon")
    address = "unix:path=%s" % sock
    log = d / "calls"
    topo.start_ready(host.ns, FAKE_SERVICES, log, address, 60, what="fake services")
    yield address, log


def test_resolved_and_firewalld_told_at_start_and_stop(host, topo, fake_bus):
    """The test build talks to the bus whatever its namespace (build/vnetd
    only to services in its own, see tests/unit/test_sysbus.c)."""
    address, log = fake_bus
    env = {"DBUS_SYSTEM_BUS_ADDRESS": address}
    host.define(network_xml("default", "virbr0", [(GW, 24)], forward="nat", domain="vt.test"))
    cp = host.run("start", "default", env=env, test_build=True)
    assert cp.stderr == ""
    ifindex = host.link_json("virbr0")["ifindex"]
    calls = [l for l in log.read_text().splitlines() if l != "ready"]
    assert calls == ["changeZoneOfInterface vnetd virbr0",
                     "SetLinkDNS %d 2:%s" % (ifindex, GW),
                     "SetLinkDomains %d ~vt.test" % ifindex]
    lines = host.state_file("default").read_text().splitlines()
    assert "zone ifname=virbr0 zone=vnetd" in lines
    assert "resolved ifname=virbr0 ifindex=%d" % ifindex in lines
    host.run("stop", "default", env=env, test_build=True)
    calls = [l for l in log.read_text().splitlines() if l != "ready"]
    assert calls[3:] == ["RevertLink %d" % ifindex, "removeInterface vnetd virbr0"]


def test_services_absent_nothing_said_nothing_recorded(host):
    host.define(network_xml("default", "virbr0", [(GW, 24)], forward="nat", domain="vt.test"))
    cp = host.run("start", "default", test_build=True)
    assert cp.stderr == ""
    lines = host.state_file("default").read_text().splitlines()
    assert not [l for l in lines if l.startswith(("zone ", "resolved "))]
    host.run("stop", "default", test_build=True)
