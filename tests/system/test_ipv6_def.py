# SPDX-License-Identifier: GPL-2.0-or-later
"""IPv6 on the bridge (issue 17): libvirt's IPv6 networks define and
round-trip; a start puts each IPv6 address on the bridge (usable at once, no
DAD), sets the bridge's IPv6 sysctls as libvirt does (no router
advertisements or autoconfiguration taken from guests), turns IPv6
forwarding on for a forwarding network, refuses an IPv6 subnet already in
use, and stop takes it all away. In a namespace made here."""

import json
import subprocess

from conftest import IP

XML = """<network>
  <name>dual</name>
  <forward mode='nat'/>
  <bridge name='vdual0' stp='off' delay='0'/>
  <ip address='192.168.50.1' prefix='24'/>
  <ip family='ipv6' address='2001:db8:ac10:fd01::1' prefix='64'>
    <dhcp>
      <range start='2001:db8:ac10:fd01::1:10' end='2001:db8:ac10:fd01::1:ff'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00:50::1' prefix='48'/>
</network>
"""

ISOLATED = """<network>
  <name>iso6</name>
  <bridge name='viso6' stp='off' delay='0'/>
  <ip family='ipv6' address='fd00:60::1' prefix='64'/>
</network>
"""


def v6_addrs(host, dev):
    """The bridge's IPv6 addresses with their flags."""
    cp = host.ip("-j", "-6", "addr", "show", "dev", dev)
    out = {}
    for link in json.loads(cp.stdout):
        for a in link.get("addr_info", []):
            flags = {k for k in ("tentative", "dadfailed", "nodad") if a.get(k)}
            out["%s/%d" % (a["local"], a["prefixlen"])] = flags
    return out


def test_ipv6_addresses_and_sysctls(host):
    host.define(XML)
    out = host.run("dumpxml", "dual").stdout
    assert "<ip family='ipv6' address='2001:db8:ac10:fd01::1' prefix='64'>" in out
    assert "<range start='2001:db8:ac10:fd01::1:10' end='2001:db8:ac10:fd01::1:ff'/>" in out
    host.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
    host.run("start", "dual")
    addrs = v6_addrs(host, "vdual0")
    # usable at once although the bridge has no port (and so no carrier) yet
    assert addrs["2001:db8:ac10:fd01::1/64"] == {"nodad"}
    assert addrs["fd00:50::1/48"] == {"nodad"}
    assert host.addrs("vdual0", family=4) == ["192.168.50.1/24"]
    for key, want in (("disable_ipv6", "0"), ("accept_ra", "0"), ("autoconf", "0")):
        assert host.sysctl("net.ipv6.conf.vdual0." + key) == want, key
    assert host.sysctl("net.ipv6.conf.all.forwarding") == "1"
    state = host.state_file("dual").read_text()
    assert "address ifname=vdual0 address=2001:db8:ac10:fd01::1/64\n" in state
    assert "address ifname=vdual0 address=fd00:50::1/48\n" in state
    host.run("stop", "dual")
    assert host.link_json("vdual0") is None
    assert not host.state_file("dual").exists()


def test_isolated_ipv6_keeps_forwarding_off(host):
    host.exec("sysctl", "-qw", "net.ipv6.conf.all.forwarding=0")
    host.define(ISOLATED)
    host.run("start", "iso6")
    assert "fd00:60::1/64" in v6_addrs(host, "viso6")
    assert host.sysctl("net.ipv6.conf.all.forwarding") == "0"
    host.run("stop", "iso6")


def test_ipv6_subnet_in_use_is_refused(host):
    host.ip("link", "add", "vused0", "type", "veth", "peer", "name", "vused1")
    host.ip("-6", "addr", "add", "fd00:60::99/64", "dev", "vused0", "nodad")
    host.define(ISOLATED)
    cp = host.run("start", "iso6", check=False)
    assert cp.returncode == 1
    assert cp.stderr.strip() == (
        "vnetd: cannot start network 'iso6': subnet fd00:60::/64 is already in use by "
        "interface vused0")
    assert host.link_json("viso6") is None
    assert not host.state_file("iso6").exists()
    nft = subprocess.run([IP, "netns", "exec", host.ns, "nft", "list", "tables"],
                         capture_output=True, text=True)
    assert "vnetd-iso6" not in nft.stdout


def test_reload_keeps_ipv6_addresses_and_changes_dhcpv6_hosts_live(host):
    """reload: another IPv6 address needs a restart (the running ones stay,
    the daemon too); a new DHCPv6 host is changed live."""
    host.define(XML)
    host.run("start", "dual")
    pid = host.running_pid("dual", "Daemon")
    with_host = XML.replace(
        "      <range start='2001:db8:ac10:fd01::1:10' end='2001:db8:ac10:fd01::1:ff'/>\n",
        "      <range start='2001:db8:ac10:fd01::1:10' end='2001:db8:ac10:fd01::1:ff'/>\n"
        "      <host id='0:1:0:1:2c:0:0:1:52:54:0:0:0:1' name='v6host' "
        "ip='2001:db8:ac10:fd01::50'/>\n")
    host.defined_file("dual").write_text(with_host)
    cp = host.run("reload", "dual")
    assert cp.stdout == "changed live: DHCP static hosts\nNetwork dual reloaded\n"
    host.defined_file("dual").write_text(with_host.replace(
        "<ip family='ipv6' address='fd00:50::1' prefix='48'/>",
        "<ip family='ipv6' address='fd00:51::1' prefix='48'/>"))
    cp = host.run("reload", "dual")
    assert cp.stdout == "needs a restart: addresses and subnets\nNetwork dual reloaded\n"
    on_bridge = {a for a in v6_addrs(host, "vdual0") if not a.startswith("fe80:")}
    assert on_bridge == {"2001:db8:ac10:fd01::1/64", "fd00:50::1/48"}
    assert host.running_pid("dual", "Daemon") == pid
    # what runs (RUNDIR/NAME.xml) has the new host and still the old address
    running = (host.rundir / "dual.xml").read_text()
    assert "name='v6host'" in running and "fd00:50::1" in running and "fd00:51" not in running
    host.run("stop", "dual")
