# SPDX-License-Identifier: GPL-2.0-or-later
"""DNS over IPv6 (issue 17), shown with dig from guests.

The topology of test_dns.py (whose fake upstream resolver, Dig and DnsNet
these tests use), with IPv6 on top:

    guest (fd00:1::11/64 and 192.168.122.11/24) --+
                                                  virbr0 [host: vnetd] uplink0 (UPLINK6)
                                   192.168.122.1, fd00:1::1           |
                                                            up0 (UP6) [upstream]

The network has an IPv6 prefix with a DHCPv6 static host by name and
address (its AAAA comes from the definition: no DHCPv6 client is needed),
a <dns><host> with an IPv6 address, and, where a test asks, localPtr on
the IPv6 prefix or a <forwarder> to the upstream's IPv6 address. Guests'
IPv6 addresses are added with nodad so that they are usable at once.
Every process started here is killed by PID; namespaces and /etc/netns/NS
go with the fixtures.
"""

import json

import pytest

from helpers import GW, built
from test_dns import OUTSIDE_A, CORP_A, DnsNet, dig

GW6 = "fd00:1::1"               # the bridge's IPv6 address
G6 = "fd00:1::11"               # the asking guest's
WEB6 = "fd00:1::60"             # <dns><host ip> web6
PAUL6 = "fd00:1::21"            # <dhcp><host name='paul' ip> in the IPv6 <ip>
UP6, UPLINK6 = "2001:db8:100::1", "2001:db8:100::2"
DOMAIN = "example.test"


def net6_xml(local_ptr=False, forwarders=""):
    ptr = " localPtr='yes'" if local_ptr else ""
    return """<network>
  <name>default</name>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='off' delay='0'/>
  <domain name='%s'/>
  <dns>
    %s
    <host ip='%s'><hostname>web6</hostname></host>
  </dns>
  <ip address='%s' prefix='24'/>
  <ip family='ipv6' address='%s' prefix='64'%s>
    <dhcp>
      <range start='fd00:1::100' end='fd00:1::1ff'/>
      <host name='paul' ip='%s'/>
    </dhcp>
  </ip>
</network>
""" % (DOMAIN, forwarders, WEB6, GW, GW6, ptr, PAUL6)


@pytest.fixture
def dnsnet(host, guest):
    yield from built(DnsNet(host, guest), upstream=True)


def uplink_v6(net):
    net.host.ip("addr", "add", UPLINK6 + "/64", "dev", "uplink0", "nodad")
    net.upstream.ip("addr", "add", UP6 + "/64", "dev", "up0", "nodad")


def guest6(net, addr6=G6, addr4="192.168.122.11/24"):
    """A guest with an IPv4 and an IPv6 address in the network's subnets."""
    g = net.plug(addr=addr4)
    g.ip("-6", "addr", "add", addr6 + "/64", "dev", "eth0", "nodad")
    return g


def dig6(g, name, qtype="A", *opts, wait=2):
    return dig(g, name, qtype, *opts, server=GW6, wait=wait)


def assert_local(d, rtype, rdata, name):
    """NOERROR, authoritative, exactly one record `rdata` for `name`, TTL 0."""
    assert d.status == "NOERROR", d
    assert "aa" in d.flags, d
    assert d.answers == [(name, 0, rtype, rdata)], d


def started(net, xml=None, resolv=None):
    net.start(xml or net6_xml(), **({"resolv": resolv} if resolv else {}))
    return guest6(net)


# --- local names over IPv6 ------------------------------------------------------

def test_aaaa_and_ptr_over_ipv6(host, dnsnet):
    net = dnsnet
    g = started(net)
    for tcp in ((), ("+tcp",)):
        assert_local(dig6(g, "web6.%s" % DOMAIN, "AAAA", *tcp), "AAAA", WEB6,
                     "web6.%s." % DOMAIN)
        # the DHCPv6 static host's name is in the table from the definition
        assert_local(dig6(g, "paul.%s" % DOMAIN, "AAAA", *tcp), "AAAA", PAUL6,
                     "paul.%s." % DOMAIN)
        assert_local(dig6(g, PAUL6, "PTR", *tcp), "PTR", "paul.%s." % DOMAIN,
                     "1.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa.")
        assert_local(dig6(g, WEB6, "PTR", *tcp), "PTR", "web6.%s." % DOMAIN,
                     "0.6.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa.")
    # the bare name, and the same records over IPv4
    assert_local(dig6(g, "paul", "AAAA"), "AAAA", PAUL6, "paul.")
    assert_local(dig(g, "paul.%s" % DOMAIN, "AAAA"), "AAAA", PAUL6, "paul.%s." % DOMAIN)
    # an A question for an IPv6-only name: the name exists, no A
    d = dig6(g, "web6.%s" % DOMAIN, "A")
    assert d.status == "NOERROR" and d.answers == [], d

    # the host itself may ask the bridge's IPv6 address too, as the IPv4 one
    assert_local(dig6(net.host, "web6.%s" % DOMAIN, "AAAA"), "AAAA", WEB6, "web6.%s." % DOMAIN)

    # Port 53 on both addresses, each bound to the bridge (udp and tcp); two
    # UDP sockets each: the listener and the socket its answers leave from.
    socks = sorted((s[0], s[-2]) for s in net.ss_53())
    assert socks == sorted([("tcp", GW + "%virbr0:53"), ("udp", GW + "%virbr0:53"),
                            ("udp", GW + "%virbr0:53"),
                            ("tcp", "[%s]%%virbr0:53" % GW6),
                            ("udp", "[%s]%%virbr0:53" % GW6),
                            ("udp", "[%s]%%virbr0:53" % GW6)]), socks


def test_link_local_asker_is_answered(host, dnsnet):
    """A guest with no global address yet asks from its link-local one."""
    net = dnsnet
    net.start(net6_xml())
    g = net.plug()
    # one link-local address usable at once (the kernel's own may still be
    # in DAD) and no global one: the query can only leave from fe80::11
    g.ip("-6", "addr", "add", "fe80::11/64", "dev", "eth0", "nodad")
    g.ip("-6", "route", "add", "fd00:1::/64", "dev", "eth0")
    d = dig6(g, "web6.%s" % DOMAIN, "AAAA", wait=3)
    assert_local(d, "AAAA", WEB6, "web6.%s." % DOMAIN)
    addrs = json.loads(g.exec("ip", "-j", "-6", "addr", "show", "dev", "eth0").stdout)
    assert all(a["scope"] == "link" for a in addrs[0]["addr_info"]), addrs


def test_localptr_ipv6_not_forwarded(host, dnsnet):
    """localPtr on the IPv6 prefix: unknown names in it are NXDOMAIN here;
    reverse names outside every prefix still go upstream, as for IPv4."""
    net = dnsnet
    g = started(net, net6_xml(local_ptr=True))
    net.serve_upstream()
    d = dig6(g, "fd00:1::99", "PTR")
    assert d.status == "NXDOMAIN" and "aa" in d.flags and d.answers == [], d
    assert_local(dig6(g, PAUL6, "PTR"), "PTR", "paul.%s." % DOMAIN,
                 "1.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa.")
    d = dig6(g, "2001:db8:ffff::1", "PTR", wait=3)
    assert d.status == "NXDOMAIN", d      # the fake upstream's answer
    got = [q[4].lower() for q in net.queries()]
    assert got == ["1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.f.f.f.f.8.b.d.0.1.0.0.2.ip6.arpa"], \
        got


def test_ptr_in_prefix_without_localptr_is_forwarded(host, dnsnet):
    """Without localPtr an unknown address in the prefix is asked upstream,
    as dnsmasq under libvirt does (and as vnetd does for IPv4)."""
    net = dnsnet
    g = started(net)
    net.serve_upstream()
    d = dig6(g, "fd00:1::99", "PTR", wait=3)
    assert d.status == "NXDOMAIN" and "aa" not in d.flags, d
    got = [q[4].lower() for q in net.queries()]
    assert got == ["9.9.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa"], \
        got


# --- who may ask ----------------------------------------------------------------

def test_ipv6_source_outside_prefix_refused(host, dnsnet):
    net = dnsnet
    g = started(net)
    net.serve_upstream()
    g.ip("-6", "addr", "add", "2001:db8:77::5/64", "dev", "eth0", "nodad")
    # the way back to 2001:db8:77::5 is the bridge, as in the IPv4 test
    host.ip("-6", "route", "add", "2001:db8:77::/64", "dev", "virbr0")
    d = dig6(g, "outside.test", "A", "-b", "2001:db8:77::5")
    assert d.status == "REFUSED" and d.answers == [], d
    d = dig6(g, "outside.test", "A", "-b", "2001:db8:77::5", "+tcp")
    assert d.status == "REFUSED" and d.answers == [], d
    assert net.queries() == [], net.queries()
    # the same guest from its address in the prefix is served
    assert dig6(g, "outside.test").rdata("A") == [OUTSIDE_A]
    assert len(net.queries("outside.test")) == 1, net.queries()


def test_ipv6_listener_not_served_to_the_uplink(host, dnsnet):
    """Aimed at fd00:1::1 through the host's uplink: no answer at all (the
    sockets are bound to the bridge), and nothing forwarded."""
    net = dnsnet
    uplink_v6(net)
    g = started(net)
    net.serve_upstream()
    net.upstream.ip("-6", "route", "add", "fd00:1::/64", "via", UPLINK6)
    for tcp in ((), ("+tcp",)):
        d = dig(net.upstream, "outside.test", "A", *tcp, server=GW6, wait=1)
        assert d.status is None, d
    assert net.queries() == [], net.queries()
    assert dig6(g, "outside.test").rdata("A") == [OUTSIDE_A]


# --- forwarding to IPv6 upstreams -------------------------------------------------

def test_forward_over_ipv6_to_ipv6_upstream(host, dnsnet):
    """resolv.conf with an IPv6 nameserver; the guest asks over IPv6, UDP and TCP."""
    net = dnsnet
    uplink_v6(net)
    g = started(net, resolv="nameserver %s\n" % UP6)
    net.serve_upstream(addr=UP6)
    d = dig6(g, "v6.outside.test", wait=3)
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    d = dig6(g, "v6tcp.outside.test", "A", "+tcp", wait=3)
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    got = [(q[0], q[1], q[4]) for q in net.queries()]
    assert got == [("udp", UPLINK6, "v6.outside.test"),
                   ("tcp", UPLINK6, "v6tcp.outside.test")], got


def test_ipv6_forwarder_for_a_domain(host, dnsnet):
    """<forwarder domain addr='IPv6'>: that domain goes to the IPv6 upstream,
    the rest to the host's (IPv4) one."""
    net = dnsnet
    uplink_v6(net)
    fwd = "<forwarder domain='corp.test' addr='%s'/>" % UP6
    g = started(net, net6_xml(forwarders=fwd))
    log4 = net.serve_upstream()
    log6 = net.serve_upstream(addr=UP6)
    d = dig6(g, "www.corp.test", wait=3)
    assert d.status == "NOERROR" and d.rdata("A") == [CORP_A], d
    d = dig6(g, "www.outside.test", wait=3)
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    assert [(q[0], q[1], q[4]) for q in net.queries(log=log6)] == \
        [("udp", UPLINK6, "www.corp.test")], net.queries(log=log6)
    assert [q[4] for q in net.queries(log=log4)] == ["www.outside.test"], \
        net.queries(log=log4)
    # the definition keeps the IPv6 forwarder as written
    out = host.run("dumpxml", "default").stdout
    assert fwd in out, out


def test_own_ipv6_address_in_resolv_conf_is_not_an_upstream(host, dnsnet):
    """The host's resolv.conf names the bridge's IPv6 address (a host that
    asks its own network): never forwarded to ourselves (the resolv.conf
    reader and the core's routes both leave the server's own addresses out)."""
    net = dnsnet
    g = started(net, resolv="nameserver %s\nnameserver 198.51.100.1\n" % GW6)
    net.serve_upstream()
    d = dig6(g, "self.outside.test", wait=3)
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    assert [q[4] for q in net.queries()] == ["self.outside.test"], net.queries()
    # Asked straight at the real upstream: had fd00:1::1 been one, the query
    # would have come back to us first (a second query, a retry).
    c = json.loads(host.run("stats", "default", "--json").stdout)["counters"]
    assert (c["dns_queries"], c["dns_forwarded"], c["dns_retries"]) == (1, 1, 0), c


# --- live changes -------------------------------------------------------------------

def test_ipv6_dns_host_added_and_deleted_live(host, dnsnet):
    net = dnsnet
    g = started(net)
    net.serve_upstream()
    frag = "<host ip='fd00:1::70'><hostname>box6</hostname></host>"
    cp = host.run("update", "default", "add", "dns-host", frag)
    assert cp.stdout == "changed live: DNS host records\nUpdated network default live state\n"
    assert_local(dig6(g, "box6.%s" % DOMAIN, "AAAA"), "AAAA", "fd00:1::70",
                 "box6.%s." % DOMAIN)
    # the same address again is a duplicate, as for IPv4
    cp = host.run("update", "default", "add", "dns-host",
                  "<host ip='fd00:1::70'><hostname>other</hostname></host>", check=False)
    assert cp.returncode == 1, cp
    # a delete by the IPv6 address finds it
    cp = host.run("update", "default", "delete", "dns-host",
                  "<host ip='fd00:1::70'><hostname>gone</hostname></host>")
    assert cp.stdout == "changed live: DNS host records\nUpdated network default live state\n"
    # no longer ours: asked upstream (which knows nothing of it)
    assert net.queries() == [], net.queries()
    d = dig6(g, "box6.%s" % DOMAIN, "AAAA", wait=3)
    assert d.status == "NXDOMAIN" and "aa" not in d.flags and d.answers == [], d
    assert [q[4] for q in net.queries()] == ["box6.%s" % DOMAIN], net.queries()
    assert_local(dig6(g, "web6.%s" % DOMAIN, "AAAA"), "AAAA", WEB6, "web6.%s." % DOMAIN)


def test_ipv6_only_network_serves_dns(host, dnsnet):
    """No IPv4 <ip> at all: the DNS server still runs, on the IPv6 address."""
    net = dnsnet
    xml = net6_xml().replace("  <ip address='%s' prefix='24'/>\n" % GW, "")
    assert "192.168" not in xml
    net.start(xml)
    g = net.plug()
    g.ip("-6", "addr", "add", G6 + "/64", "dev", "eth0", "nodad")
    assert_local(dig6(g, "paul.%s" % DOMAIN, "AAAA"), "AAAA", PAUL6, "paul.%s." % DOMAIN)
    assert sorted((s[0], s[-2]) for s in net.ss_53()) == \
        [("tcp", "[%s]%%virbr0:53" % GW6), ("udp", "[%s]%%virbr0:53" % GW6),
         ("udp", "[%s]%%virbr0:53" % GW6)]
