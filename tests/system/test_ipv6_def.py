# SPDX-License-Identifier: GPL-2.0-or-later
"""IPv6 in definitions (issue 17, first part): libvirt's IPv6 networks
define and round-trip; a start refuses them before it changes anything,
naming the line, because nothing serves IPv6 yet. In a namespace made here."""

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
</network>
"""


def test_ipv6_network_defines_and_start_refuses_cleanly(host):
    host.define(XML)
    out = host.run("dumpxml", "dual").stdout
    assert "<ip family='ipv6' address='2001:db8:ac10:fd01::1' prefix='64'>" in out
    assert "<range start='2001:db8:ac10:fd01::1:10' end='2001:db8:ac10:fd01::1:ff'/>" in out
    cp = host.run("start", "dual", check=False)
    assert cp.returncode == 1
    assert cp.stderr.strip() == ("vnetd: line 6: IPv6 is not served by vnetd yet: the "
                                 "definition is kept, but the network cannot start with it")
    assert host.link_json("vdual0") is None
    assert not host.state_file("dual").exists()
    nft = subprocess.run([IP, "netns", "exec", host.ns, "nft", "list", "tables"],
                         capture_output=True, text=True)
    assert "vnetd-dual" not in nft.stdout
