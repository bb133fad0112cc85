# SPDX-License-Identifier: GPL-2.0-or-later
"""Router advertisements (issue 17): the serving daemon advertises each IPv6
prefix of the network on its bridge as libvirt's dnsmasq does (SLAAC without
a DHCPv6 range, the M and O flags with one), with the MTU, the bridge's
addresses as RDNSS and the domain as DNSSL; answers router solicitations
(rdisc6 from a guest); a guest's kernel configures an address and a default
route from them; an isolated network is no default router; a stop sends a
final advertisement with router lifetime 0, a daemon restarted by its
supervisor does not. Guests are namespaces on the bridge; the guests' own
accept_ra/autoconf sysctls are set in their namespaces only."""

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time

import pytest

from helpers import Topology, built, need, wait_for

RDISC6 = shutil.which("rdisc6")
BR = "vra0"

# M and O (a DHCPv6 range on the first prefix), a second prefix for SLAAC
FULL = """<network>
  <name>ra6</name>
  <forward mode='nat'/>
  <bridge name='vra0' stp='off' delay='0'/>
  <mtu size='1400'/>
  <domain name='lab.example'/>
  <ip address='192.168.61.1' prefix='24'/>
  <ip family='ipv6' address='2001:db8:61::1' prefix='64'>
    <dhcp>
      <range start='2001:db8:61::100' end='2001:db8:61::1ff'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00:61::1' prefix='64'/>
</network>
"""

SLAAC = """<network>
  <name>slaac</name>
  <forward mode='nat'/>
  <bridge name='vra0' stp='off' delay='0'/>
  <ip family='ipv6' address='fd00:1::1' prefix='64'/>
</network>
"""

ISOLATED = """<network>
  <name>iso</name>
  <bridge name='vra0' stp='off' delay='0'/>
  <ip family='ipv6' address='fd00:2::1' prefix='64'/>
</network>
"""

# In a guest: every router advertisement that reaches eth0, one line each:
# "ra ROUTER-LIFETIME HEX" (the ICMPv6 message as received).
CAPTURE = r'''
import socket, sys
log = open(sys.argv[1], "a", buffering=1)
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
log.write("ready\n")
while True:
    data, src = s.recvfrom(2048)
    if len(data) >= 16 and data[0] == 134:
        log.write("ra %s %d %s\n" % (src[0].split("%")[0], int.from_bytes(data[6:8], "big"),
                                     data.hex()))
'''


@pytest.fixture
def topo(host, guest):
    yield from built(Topology(host, guest, "ra", bridge=BR))


def link_local(ns_obj, dev):
    """The link-local address of dev once it is usable (not tentative), or None."""
    cp = ns_obj.ip("-j", "-6", "addr", "show", "dev", dev, "scope", "link", check=False)
    if cp.returncode != 0:
        return None
    for link in json.loads(cp.stdout or "[]"):
        for a in link.get("addr_info", []):
            if a.get("family") == "inet6" and a.get("scope") == "link" and \
                    not a.get("tentative") and not a.get("dadfailed"):
                return a["local"]
    return None


def plug_v6(topo):
    """A guest whose kernel takes router advertisements (its own sysctls),
    once its link-local address can send solicitations."""
    g = topo.plug()
    for key in ("accept_ra", "autoconf"):
        g.exec("sysctl", "-qw", "net.ipv6.conf.eth0.%s=1" % key)
    g.exec("sysctl", "-qw", "net.ipv6.conf.eth0.forwarding=0")
    wait_for(lambda: link_local(g, "eth0"), 20, "the guest's link-local address")
    return g


def rdisc6(g):
    need(RDISC6, "rdisc6 (ndisc6)")
    cp = g.exec(RDISC6, "-1", "-n", "-r", "5", "-w", "4000", "eth0", check=False)
    assert cp.returncode == 0, "rdisc6 got no advertisement:\n%s%s" % (cp.stdout, cp.stderr)
    # an answer may wait 3 s after the last multicast one (RFC 4861 section 6.2.6):
    # rdisc6 then says so and asks again
    return cp.stdout.replace("Timed out.\n", "")


def mac_of(g):
    return json.loads(g.ip("-j", "link", "show", "eth0").stdout)[0]["address"]


def eui64(prefix, mac):
    """The SLAAC address of mac in a /64 (RFC 4291 appendix A)."""
    b = bytes.fromhex(mac.replace(":", ""))
    iid = bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]
    words = [iid[i:i + 2].hex().lstrip("0") or "0" for i in range(0, 8, 2)]
    return prefix + ":".join(words)


def default_routes(g):
    return json.loads(g.ip("-j", "-6", "route", "show", "default").stdout or "[]")


def expected_rdisc6(mac, lifetime, flags, mtu, prefixes, dns, search, source):
    """rdisc6's whole report of one advertisement. flags: (M, O); prefixes:
    (prefix, autonomous) pairs."""
    yes = lambda b: "Yes" if b else "No"
    lines = ["Soliciting ff02::2 (ff02::2) on eth0...", "",
             "Hop limit                 :           64 (      0x40)",
             "Stateful address conf.    : %12s" % yes(flags[0]),
             "Stateful other conf.      : %12s" % yes(flags[1]),
             "Mobile home agent         :           No",
             "Router preference         :       medium",
             "Neighbor discovery proxy  :           No",
             "Router lifetime           : %12d (0x%08x) seconds" % (lifetime, lifetime),
             "Reachable time            :  unspecified (0x00000000)",
             "Retransmit time           :  unspecified (0x00000000)",
             " Source link-layer address: %s" % mac.upper()]
    if mtu:
        lines.append(" MTU                      : %12d bytes (valid)" % mtu)
    for prefix, auto in prefixes:
        lines += [" Prefix                   : %s" % prefix,
                  "  On-link                 :          Yes",
                  "  Autonomous address conf.: %12s" % yes(auto),
                  "  Valid time              :        86400 (0x00015180) seconds",
                  "  Pref. time              :        14400 (0x00003840) seconds"]
    for d in dns:
        lines.append(" Recursive DNS server     : %s" % d)
    if dns:
        lines.append("  DNS server%s lifetime %s:         1800 (0x00000708) seconds"
                     % (("s", "   ") if len(dns) > 1 else ("", "    ")))
    if search:
        lines += [" DNS search list          : %s " % search,
                  "  DNS search list lifetime:         1800 (0x00000708) seconds"]
    lines.append(" from %s" % source)
    return "\n".join(lines) + "\n"


def daemon_caps(host, name):
    pid = host.running_pid(name, "Daemon")
    status = open("/proc/%d/status" % pid).read()
    return re.search(r"^CapEff:\s*(\S+)$", status, re.M).group(1)


def test_rdisc6_sees_prefixes_flags_mtu_dns(host, topo):
    host.define(FULL)
    host.run("start", "ra6")
    # the bridge has no port yet: no link-local address, the first ones wait for it
    time.sleep(1)
    g = plug_v6(topo)
    br_ll = wait_for(lambda: link_local(host, BR), 20, "the bridge's link-local address")
    mac = host.link_json(BR)["address"]
    out = rdisc6(g)
    assert out == expected_rdisc6(
        mac, 1800, (True, True), 1400,
        (("2001:db8:61::/64", False), ("fd00:61::/64", True)),
        ("2001:db8:61::1", "fd00:61::1"), "lab.example", br_ll)
    # sent by a daemon without any capability: the socket was opened before the drop
    assert daemon_caps(host, "ra6") == "0000000000000000"


def test_slaac_address_and_default_route(host, topo):
    host.define(SLAAC)
    host.run("start", "slaac")
    g = plug_v6(topo)
    br_ll = wait_for(lambda: link_local(host, BR), 20, "the bridge's link-local address")
    want = eui64("fd00:1::", mac_of(g))

    def slaac_addr():
        cp = g.ip("-j", "-6", "addr", "show", "dev", "eth0", "scope", "global")
        return [a for l in json.loads(cp.stdout or "[]") for a in l.get("addr_info", [])
                if a.get("local")]
    addrs = wait_for(slaac_addr, 30, "an autoconfigured address in the guest")
    assert [(a["local"], a["prefixlen"], a.get("dynamic", False)) for a in addrs] == \
        [(want, 64, True)]
    routes = wait_for(lambda: default_routes(g), 30, "the guest's default route")
    assert [(r["gateway"], r["dev"], r["protocol"]) for r in routes] == \
        [(br_ll, "eth0", "ra")]
    # and the guest reaches the bridge's address over it
    assert g.ping("fd00:1::1", tries=5).returncode == 0


def test_isolated_network_is_no_default_router(host, topo):
    host.define(ISOLATED)
    host.run("start", "iso")
    g = plug_v6(topo)
    br_ll = wait_for(lambda: link_local(host, BR), 20, "the bridge's link-local address")
    out = rdisc6(g)
    assert out == expected_rdisc6(host.link_json(BR)["address"], 0, (False, False), 0,
                                  (("fd00:2::/64", True),), ("fd00:2::1",), None, br_ll)
    # the guest took the advertisement (its address), but no default route from it
    want = eui64("fd00:2::", mac_of(g))
    wait_for(lambda: want in g.ip("-6", "addr", "show", "dev", "eth0").stdout, 30,
             "the guest's autoconfigured address")
    assert default_routes(g) == []


def captured(path):
    """The advertisements the guest's capture saw: (source, lifetime, bytes)."""
    out = []
    for line in path.read_text().splitlines():
        if line.startswith("ra "):
            _, src, life, data = line.split()
            out.append((src, int(life), bytes.fromhex(data)))
    return out


def final_bytes(mac):
    """The final advertisement of SLAAC: lifetimes 0, the prefix kept (checksum zeroed)."""
    return (bytes([134, 0, 0, 0, 64, 0, 0, 0]) + bytes(8)
            + bytes([1, 1]) + bytes.fromhex(mac.replace(":", ""))
            + bytes([3, 4, 64, 0xc0]) + (86400).to_bytes(4, "big")
            + (14400).to_bytes(4, "big") + bytes(4) + socket.inet_pton(socket.AF_INET6, "fd00:1::")
            + bytes([25, 3, 0, 0]) + bytes(4) + socket.inet_pton(socket.AF_INET6, "fd00:1::1"))


def test_final_advertisement_at_stop_not_at_restart(host, topo):
    host.define(SLAAC)
    log = topo.tmp / "foreground.log"
    with open(log, "w") as f:
        fg = subprocess.Popen(host.argv("start", "--foreground", "slaac"), stdout=f,
                              stderr=subprocess.STDOUT, env=host.env())
    topo.procs.append(fg)
    host.started.add("slaac")
    wait_for(lambda: "serving network" in log.read_text(), 20, "the daemon's start")
    g = plug_v6(topo)
    cap = topo.tmp / "capture.log"
    topo.start_ready(g.ns, CAPTURE, cap, what="the guest's capture of advertisements")
    wait_for(lambda: default_routes(g), 30, "the guest's default route")
    br_ll = link_local(host, BR)
    mac = host.link_json(BR)["address"]

    # the daemon dies; its supervisor starts another: no final advertisement,
    # the guests keep their default route, the new daemon advertises at once
    pid = host.running_pid("slaac", "Daemon")
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: host.info("slaac")["Daemon"] not in ("running (pid %d)" % pid,), 30,
             "a new daemon")
    seen = len(captured(cap))
    wait_for(lambda: len(captured(cap)) > seen, 30, "an advertisement from the new daemon")
    assert [life for _, life, _ in captured(cap)] == [1800] * len(captured(cap))
    assert [(r["gateway"], r["dev"]) for r in default_routes(g)] == [(br_ll, "eth0")]

    host.run("stop", "slaac")
    finals = wait_for(lambda: [c for c in captured(cap) if c[1] == 0], 20,
                      "the final advertisement")
    src, _, data = finals[0]
    assert (src, len(finals)) == (br_ll, 1)
    assert data[:2] + b"\0\0" + data[4:] == final_bytes(mac)
    # and the guest's kernel dropped its default route through the bridge at once
    wait_for(lambda: default_routes(g) == [], 20, "the guest's default route to go")
    fg.wait(timeout=30)
    said = [l for l in log.read_text().splitlines() if "router advertisement" in l]
    start = "vnetd[slaac]: router advertisements on vra0: fd00:1::/64 (SLAAC); a default router"
    wait = ("vnetd[slaac]: router advertisements on vra0 wait for its link-local address "
            "(a bridge without a port has none)")
    went = "vnetd[slaac]: router advertisements on vra0 go out from %s" % br_ll
    # the first daemon started before the guest was plugged: its first advertisement
    # (due within 0.5 s) waited for the bridge's link-local address, said once
    if wait in said:
        assert said[said.index(wait) + 1] == went
        said = [l for l in said if l not in (wait, went)]
    assert said == [start, start,
                    "vnetd[slaac]: sent the final router advertisement on vra0 "
                    "(router lifetime 0)"]


# In a guest: router solicitations to ff02::2, argv: "HOPLIMIT:HEX" each.
SOLICIT = r'''
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
for arg in sys.argv[1:]:
    hops, data = arg.split(":")
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, int(hops))
    s.sendto(bytes.fromhex(data), ("ff02::2", 0, 0, socket.if_nametoindex("eth0")))
print("sent", len(sys.argv) - 1)
'''


def ra_stats(host, name):
    c = json.loads(host.run("stats", name, "--json").stdout)["counters"]
    return {k: v for k, v in c.items() if k.startswith("ra_")}


def test_solicitations_are_checked(host, topo):
    """RFC 4861 section 6.1.1: hop limit 255, code 0, whole options; others are counted
    and get nothing."""
    host.define(ISOLATED)
    host.run("start", "iso")
    g = plug_v6(topo)
    mac = bytes.fromhex(mac_of(g).replace(":", "")).hex()
    rs = "85000000" + "00000000"
    before = ra_stats(host, "iso")
    cp = g.exec("/usr/bin/python3", "-c", SOLICIT,
                "64:" + rs + "0101" + mac,          # not from this link (hop limit 64)
                "255:" + "85010000" + "00000000",   # code 1
                "255:" + rs + "0100" + mac,         # an option of length 0
                "255:" + rs + "0101" + mac)         # a good one
    assert cp.stdout == "sent 4\n"

    def moved():
        now = ra_stats(host, "iso")
        return now if now["ra_solicitations"] > before["ra_solicitations"] and \
            now["ra_invalid"] >= before["ra_invalid"] + 3 else None
    after = wait_for(moved, 20, "the daemon to count the solicitations")
    assert after["ra_invalid"] - before["ra_invalid"] == 3
    # and it answered: an advertisement went out after the good one
    wait_for(lambda: ra_stats(host, "iso")["ra_sent"] > before["ra_sent"], 20,
             "an advertisement after the solicitation")


def test_domain_changed_live(host, topo):
    """`reload` after a new <domain>: the advertisements' search list follows, no restart."""
    host.define(FULL)
    host.run("start", "ra6")
    pid = host.running_pid("ra6", "Daemon")
    g = plug_v6(topo)
    assert " DNS search list          : lab.example \n" in rdisc6(g)
    host.define(FULL.replace("lab.example", "other.example"))
    host.run("reload", "ra6")
    out = rdisc6(g)
    assert host.running_pid("ra6", "Daemon") == pid
    br_ll = link_local(host, BR)
    assert out == expected_rdisc6(
        host.link_json(BR)["address"], 1800, (True, True), 1400,
        (("2001:db8:61::/64", False), ("fd00:61::/64", True)),
        ("2001:db8:61::1", "fd00:61::1"), "other.example", br_ll)
