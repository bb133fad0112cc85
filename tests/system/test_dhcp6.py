# SPDX-License-Identifier: GPL-2.0-or-later
"""The serving daemon's DHCPv6 service (issue 17), shown with real clients.

Topology, all in namespaces made here (never the root namespace):

    guestN (eth0) --- vtgN --+ virbr0 [host: vnetd, fd00:122::1/64 + 192.168.122.1/24]

Real clients run only inside guest namespaces (`ip netns exec` gives each a
private mount namespace too): ISC dhclient -6 and dhcpcd, each with a script
of ours that writes down what it was given and its own pid/lease/DUID files
under the test's directory (dhcpcd's fixed /run and /var/lib/dhcpcd are
tmpfs mounts inside that private mount namespace). Every client process is
killed by PID at the end; the guest fixture removes its namespace.

The guests' eth0 must have a link-local address that is no longer
tentative before a client may solicit: each guest waits for it (DAD on a
veth takes about a second).

Networks use stp='off' so that a port forwards at once. dhclient -6
solicits without a router advertisement; dhcpcd is run both ways: told not
to wait for one (noipv6rs + ia_na), and started by the managed flag of the
daemon's RA. busybox udhcpc6 is not in Debian 12's busybox (nor
busybox-static), so it is not run.
"""

import json
import os
import re
import shutil
import signal
import time

import subprocess

import pytest

from helpers import (PY, UDHCPC, UDHCPC_SCRIPT, Topology, built, kill_proc, need, read_env,
                     wait_for)
from test_view import getent

DIG = shutil.which("dig")

DHCLIENT = shutil.which("dhclient")
DHCPCD = shutil.which("dhcpcd")

PREFIX6 = "fd00:122::"
GW6 = "fd00:122::1"
RANGE6 = ("fd00:122::100", "fd00:122::1ff")
DOMAIN = "example.test"
# A DUID-LLT of 52:54:00:00:06:50, as libvirt writes a <host id>.
STATIC_DUID = "00:01:00:01:2c:0f:3a:10:52:54:00:00:06:50"
STATIC_IP6, STATIC_NAME6 = "fd00:122::50", "static6"
FLUSH_WAIT = 5.0        # the lease file lags memory by ~250 ms; be generous


def dhcp6_xml(name="default", bridge="virbr0", hosts=((STATIC_DUID, STATIC_NAME6, STATIC_IP6),),
              v4=True):
    lines = ["<network>", "  <name>%s</name>" % name, "  <forward mode='nat'/>",
             "  <bridge name='%s' stp='off' delay='0'/>" % bridge,
             "  <domain name='%s'/>" % DOMAIN]
    if v4:
        lines += ["  <ip address='192.168.122.1' prefix='24'>",
                  "    <dhcp><range start='192.168.122.100' end='192.168.122.200'/></dhcp>",
                  "  </ip>"]
    lines += ["  <ip family='ipv6' address='%s' prefix='64'>" % GW6, "    <dhcp>",
              "      <range start='%s' end='%s'/>" % RANGE6]
    for duid, hname, hip in hosts:
        lines.append("      <host id='%s' name='%s' ip='%s'/>" % (duid, hname, hip))
    lines += ["    </dhcp>", "  </ip>", "</network>"]
    return "\n".join(lines) + "\n"


def in_range6(addr):
    if not addr.startswith(PREFIX6):
        return False
    low = int(addr[len(PREFIX6):] or "0", 16)
    return 0x100 <= low <= 0x1ff


def hexduid(text):
    """'0:1:0:1:..' (libvirt's, one or two digits a byte) as '00:01:00:01:..'."""
    return ":".join("%02x" % int(b, 16) for b in text.split(":"))


LEASE6_RE = re.compile(r"^(\d+) (\d+) ([0-9a-f:]+) (\S+) ([0-9a-f]{2}(:[0-9a-f]{2})*)$")
DUID_RE = re.compile(r"^duid ([0-9a-f]{2}(:[0-9a-f]{2})*)$")


def parse_lease_file6(text):
    """dnsmasq's lease file: v4 lines (five fields, MAC second), then one
    'duid HEX' line, then v6 lines 'EXPIRY IAID ADDRESS NAME DUID'.
    Returns (v4 lines, server duid or None, {address: (expiry, iaid, name, duid)});
    every line must be whole and in its place."""
    v4, duid, v6 = [], None, {}
    for line in text.splitlines():
        if duid is None:
            m = DUID_RE.match(line)
            if m:
                duid = m.group(1)
                continue
            f = line.split()
            assert len(f) == 5 and re.match(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$", f[1]), (
                "bad v4 lease line: %r" % line)
            v4.append(line)
            continue
        m = LEASE6_RE.match(line)
        assert m, "bad v6 lease line: %r\n%s" % (line, text)
        assert m.group(3) not in v6, "two lease lines for %s:\n%s" % (m.group(3), text)
        v6[m.group(3)] = (int(m.group(1)), int(m.group(2)), m.group(4), m.group(5))
    return v4, duid, v6


# dhclient / dhcpcd: dump the environment per reason; configure nothing.
REASON_SCRIPT = r'''#!/bin/sh
env > "%(dir)s/$reason.env"
echo "$reason" >> "%(dir)s/events"
exit 0
'''

DHCLIENT6_CONF = '''send fqdn.fqdn "%(name)s";
send fqdn.server-update on;
request dhcp6.name-servers, dhcp6.domain-search;
'''

DHCLIENT6_NONAME_CONF = '''request dhcp6.name-servers, dhcp6.domain-search;
'''

DHCPCD6_CONF = '''duid
noipv6rs
ipv6only
noarp
option domain_name_servers, domain_search
hostname %(name)s
fqdn both
interface eth0
  ia_na 1
'''


def age_lease_file(path, seconds):
    """dhclient's lease file as if its lease had started `seconds` earlier."""
    text = path.read_text()
    text = re.sub(r"starts (\d+);", lambda m: "starts %d;" % (int(m.group(1)) - seconds), text)
    path.write_text(text)


def octal(duid_hex):
    return "".join("\\%03o" % int(b, 16) for b in duid_hex.split(":"))


class Dhcp6Net(Topology):
    def __init__(self, host, guest_factory, name="default", bridge="virbr0"):
        super().__init__(host, guest_factory, "clients6", bridge)
        self.name = name

    def start(self, xml=None):
        self.host.define(xml or dhcp6_xml())
        self.host.run("start", self.name)
        return self

    @property
    def lease_path(self):
        return self.host.statedir / self.name / ("%s.leases" % self.name)

    @property
    def status_path(self):
        return self.host.statedir / self.name / ("%s.status" % self.bridge)

    def lease_text(self):
        try:
            return self.lease_path.read_text()
        except FileNotFoundError:
            return ""

    def leases6(self):
        return parse_lease_file6(self.lease_text())[2]

    def wait_leases6(self, pred, what, timeout=FLUSH_WAIT):
        last = {}

        def check():
            nonlocal last
            last = self.leases6()
            return pred(last)
        try:
            wait_for(check, timeout, what)
        except AssertionError as e:
            raise AssertionError("%s\nlease file:\n%s" % (e, self.lease_text()))
        return last

    def status(self):
        return json.loads(self.status_path.read_text())

    def daemon_pid(self):
        return self.host.running_pid(self.name, "Daemon")

    def plug6(self, mac):
        """A guest whose eth0 has a usable (not tentative) link-local address."""
        g = self.plug(mac)
        self.link_local(g)
        return g

    @staticmethod
    def link_local(g):
        def ready():
            out = g.ip("-6", "addr", "show", "dev", "eth0", "scope", "link").stdout
            return "fe80::" in out and "tentative" not in out
        wait_for(ready, 10, "the guest's link-local address")

    def dhclient6(self, g, hostname, duid=None, lease_file=None, timeout=30, until=None):
        """dhclient -6 in the foreground until BOUND6 (then killed); with
        `duid` its lease file names that DUID (default-duid); hostname None:
        no Client FQDN option. Returns
        (the BOUND6 environment, the workdir)."""
        need(DHCLIENT, "isc-dhcp-client (dhclient)")
        d = self.workdir("dhclient6")
        script = self.script(d, REASON_SCRIPT)
        conf = d / "dhclient6.conf"
        conf.write_text(DHCLIENT6_CONF % {"name": hostname} if hostname
                        else DHCLIENT6_NONAME_CONF)
        leases = lease_file or (d / "dhclient6.leases")
        if duid and not lease_file:
            leases.write_text('default-duid "%s";\n' % octal(duid))
        p = self.popen(g.ns, [DHCLIENT, "-6", "-d", "-v", "-1", "-cf", conf,
                              "-pf", d / "dhclient6.pid", "-lf", leases,
                              "-sf", script, "eth0"])

        def bound():
            if until:
                return p.poll() is not None or (d / ("%s.env" % until)).exists()
            return p.poll() is not None or ((d / "BOUND6.env").exists() or
                                            (d / "RENEW6.env").exists() or
                                            (d / "REBOOT6.env").exists())
        try:
            wait_for(bound, timeout, "dhclient -6 to bind")
            time.sleep(0.3)     # its lease file is written right after the script
        finally:
            kill_proc(p)
        out = p.stdout.read()
        for reason in (until,) if until else ("BOUND6", "REBOOT6", "RENEW6"):
            if (d / ("%s.env" % reason)).exists():
                return read_env(d / ("%s.env" % reason)), d, leases
        events = (d / "events").read_text() if (d / "events").exists() else ""
        raise AssertionError("dhclient -6 got no lease (%s):\n%s\nevents:\n%s"
                             % (until or "bound", out, events))

    def dhcpcd6(self, g, hostname, duid=None, ra=False):
        """dhcpcd -6 -1 without waiting for an RA (with ra: started by the
        RA's managed flag instead); its DUID from a file of ours."""
        need(DHCPCD, "dhcpcd5 (dhcpcd)")
        d = self.workdir("dhcpcd6")
        script = self.script(d, REASON_SCRIPT)
        conf = d / "dhcpcd.conf"
        text = DHCPCD6_CONF % {"name": hostname}
        conf.write_text(text.replace("noipv6rs\n", "").replace("  ia_na 1\n", "")
                        if ra else text)
        duid_cmd = ""
        if duid:
            (d / "duid").write_text(duid + "\n")
            duid_cmd = "cp %s /var/lib/dhcpcd/duid && " % (d / "duid")
        shell = ("mount -t tmpfs vnetd-test /run && "
                 "mount -t tmpfs vnetd-test /var/lib/dhcpcd && " + duid_cmd +
                 "mount -t tmpfs vnetd-test /etc/dhcpcd.duid 2>/dev/null; "
                 "exec %s -6 -1 -B -t 20 --config %s --script %s eth0" % (DHCPCD, conf, script))
        p = self.popen(g.ns, ["sh", "-c", shell])
        try:
            out, _ = p.communicate(timeout=30)
        finally:
            kill_proc(p)
        for reason in ("BOUND6", "REBOOT6", "INFORM6"):
            if (d / ("%s.env" % reason)).exists():
                return read_env(d / ("%s.env" % reason)), out
        raise AssertionError("dhcpcd got no DHCPv6 lease (exit %s):\n%s" % (p.returncode, out))


@pytest.fixture
def net6(host, guest):
    yield from built(Dhcp6Net(host, guest))


def dhclient_addr(env):
    return env.get("new_ip6_address")


def udhcpc_v4(net6, g, hostname):
    """One busybox udhcpc run (client id 01:MAC) that exits once bound; its address."""
    need(UDHCPC, "busybox udhcpc")
    d = net6.workdir("udhcpc")
    script = net6.script(d, UDHCPC_SCRIPT)
    cp = g.exec(*UDHCPC, "-f", "-q", "-n", "-t", 5, "-T", 1, "-i", "eth0", "-s", script,
                "-x", "hostname:" + hostname, check=False, timeout=25)
    assert cp.returncode == 0 and (d / "bound.env").exists(), cp.stdout + cp.stderr
    return read_env(d / "bound.env")["ip"]


def dig(g, *args):
    need(DIG, "bind9-dnsutils (dig)")
    return g.exec(DIG, "+short", "+time=2", "+tries=3", *args, check=False).stdout.split()


# --- real clients get addresses from the range ------------------------------

def test_dhclient6_gets_address_dns_and_domain(net6):
    net6.start()
    g = net6.plug6("52:54:00:20:00:01")
    env, _, _ = net6.dhclient6(g, "guest6a")
    ip = dhclient_addr(env)
    assert in_range6(ip), env
    assert env.get("new_ip6_prefixlen") == "128"
    assert env.get("new_dhcp6_name_servers") == GW6
    assert env.get("new_dhcp6_domain_search") == DOMAIN + "."
    leases = net6.wait_leases6(lambda l: ip in l, "the lease in the file")
    expiry, iaid, name, duid = leases[ip]
    assert name == "guest6a"
    assert expiry > time.time() + 3000
    # the client's own DUID and IAID, as it sent them
    assert duid == hexduid(env["new_dhcp6_client_id"]), env
    assert iaid == int(env["new_iaid"].replace(":", ""), 16), env
    # its name from the Client FQDN option is its AAAA in the network's DNS (asked
    # over IPv4 here: DNS on the bridge's IPv6 address is another part's)
    g.ip("addr", "add", "192.168.122.77/24", "dev", "eth0")
    assert wait_for(lambda: dig(g, "@192.168.122.1", "AAAA", "guest6a.%s" % DOMAIN) == [ip],
                    5), dig(g, "@192.168.122.1", "AAAA", "guest6a.%s" % DOMAIN)
    assert dig(g, "@192.168.122.1", "-x", ip) == ["guest6a.%s." % DOMAIN]
    # the NSS module finds it by name, for AF_INET6 (getent hosts asks that first)
    assert getent(net6.host, "hosts", "guest6a") == (0, "%-15s %s\n" % (ip, "guest6a"))
    assert getent(net6.host, "ahostsv6", "guest6a.example.test")[1].split()[0] == ip
    # the daemon counted it
    stats = net6.host.run("stats", net6.name).stdout
    assert re.search(r"^dhcp6_reply +1$", stats, re.M), stats
    assert re.search(r"^dhcp6_leases_used +1$", stats, re.M), stats


def test_another_guest_resolves_a_dhcpv6_guest_over_ipv6(net6):
    """`dig AAAA` and an ip6.arpa PTR, asked by another guest over IPv6 to the
    bridge's IPv6 address, answer for a DHCPv6 guest's name."""
    net6.start()
    a = net6.plug6("52:54:00:20:00:0b")
    env, _, _ = net6.dhclient6(a, "guest6b")
    ip = dhclient_addr(env)
    assert in_range6(ip), env
    b = net6.plug6("52:54:00:20:00:0c")
    b.ip("-6", "addr", "add", PREFIX6 + "99/64", "dev", "eth0", "nodad")
    name = "guest6b.%s" % DOMAIN
    assert wait_for(lambda: dig(b, "@" + GW6, "AAAA", name) == [ip], 5), \
        dig(b, "@" + GW6, "AAAA", name)
    assert dig(b, "@" + GW6, "-x", ip) == [name + "."]
    # and a name nobody holds is not made up
    assert dig(b, "@" + GW6, "AAAA", "nobody6.%s" % DOMAIN) == []


def test_events_show_dhcpv6_leases(net6):
    h = net6.host
    net6.start()
    ev = net6.popen(h.ns, [h.vnetd, "--confdir", h.confdir, "--rundir", h.rundir,
                           "--statedir", h.statedir, "events", net6.name, "--json",
                           "--timeout", "60"])
    time.sleep(0.5)         # subscribed before the lease
    g = net6.plug6("52:54:00:20:00:05")
    env, _, _ = net6.dhclient6(g, "evt6")
    ip = dhclient_addr(env)
    while True:
        line = ev.stdout.readline()
        assert line, "events ended before the lease"
        obj = json.loads(line)
        if obj["event"] == "lease-granted":
            break
    kill_proc(ev)
    assert obj["ip"] == ip and obj["hostname"] == "evt6" and obj["renewed"] is False
    assert obj["duid"] == hexduid(env["new_dhcp6_client_id"])
    assert obj["iaid"] == int(env["new_iaid"].replace(":", ""), 16)
    # dhclient's default DUID is a DUID-LLT of eth0's MAC: the daemon knows the MAC
    assert obj["mac"] == "52:54:00:20:00:05"
    assert obj["expires"] > time.time() + 3000


def test_dhcpcd_solicits_on_the_managed_flag_of_the_ra(net6):
    net6.start()
    g = net6.plug6("52:54:00:20:00:0b")
    env, out = net6.dhcpcd6(g, "guest6m", ra=True)
    ip = env.get("new_dhcp6_ia_na1_ia_addr1")
    assert ip and in_range6(ip), "%r\n%s" % (env, out)
    net6.wait_leases6(lambda l: ip in l, "dhcpcd's lease in the file")


def test_release_frees_the_lease(net6):
    net6.start()
    g = net6.plug6("52:54:00:20:00:08")
    env, d, leases_file = net6.dhclient6(g, "rel6")
    ip = dhclient_addr(env)
    net6.wait_leases6(lambda l: ip in l, "the lease")
    g.ip("addr", "add", "192.168.122.78/24", "dev", "eth0")
    assert dig(g, "@192.168.122.1", "AAAA", "rel6.%s" % DOMAIN) == [ip]
    # dhclient -6 -r: a RELEASE for what its lease file holds
    conf = d / "dhclient6.conf"
    cp = g.exec(DHCLIENT, "-6", "-r", "-v", "-cf", conf, "-pf", d / "release.pid",
                "-lf", leases_file, "-sf", d / "script", "eth0", check=False, timeout=30)
    assert cp.returncode == 0, cp.stdout + cp.stderr
    net6.wait_leases6(lambda l: ip not in l, "the lease gone from the file")
    assert [r for r in json.loads(net6.host.run("leases", net6.name, "--json").stdout)
            if r["ip-address"] == ip] == []
    stats = net6.host.run("stats", net6.name).stdout
    assert re.search(r"^dhcp6_release +1$", stats, re.M), stats
    # and its name left DNS with it
    assert dig(g, "@192.168.122.1", "AAAA", "rel6.%s" % DOMAIN) == []


def test_dhcpcd_gets_address(net6):
    net6.start()
    g = net6.plug6("52:54:00:20:00:02")
    env, out = net6.dhcpcd6(g, "guest6b")
    ip = env.get("new_dhcp6_ia_na1_ia_addr1")
    assert ip and in_range6(ip), "%r\n%s" % (env, out)
    assert env.get("new_dhcp6_name_servers") == GW6
    net6.wait_leases6(lambda l: ip in l, "dhcpcd's lease in the file")


# --- a DUID static host, renew, leases, the lease file's layout -------------

def test_duid_static_host_gets_its_address_and_renew_keeps_it(net6):
    net6.start()
    g = net6.plug6("52:54:00:00:06:50")
    env, d, leases_file = net6.dhclient6(g, "whatever", duid=hexduid(STATIC_DUID))
    assert dhclient_addr(env) == STATIC_IP6, env
    leases = net6.wait_leases6(lambda l: STATIC_IP6 in l, "the static lease in the file")
    assert leases[STATIC_IP6][2] == STATIC_NAME6
    assert leases[STATIC_IP6][3] == hexduid(STATIC_DUID)
    first_expiry = leases[STATIC_IP6][0]

    # dhclient started again with its lease file, whose renewal time has come
    # (its start moved back by 2000 s, T1 is 1800 s): it confirms, then renews
    time.sleep(1.1)
    age_lease_file(leases_file, 2000)
    env2, d2, _ = net6.dhclient6(g, "whatever", lease_file=leases_file, until="RENEW6")
    assert dhclient_addr(env2) == STATIC_IP6, env2
    leases = net6.wait_leases6(lambda l: l.get(STATIC_IP6, (0,))[0] > first_expiry,
                               "the renewal in the lease file")
    assert list(leases) == [STATIC_IP6]

    # `vnetd leases` shows it, in both forms
    js = json.loads(net6.host.run("leases", net6.name, "--json").stdout)
    mine = [e for e in js if e.get("ip-address") == STATIC_IP6]
    assert len(mine) == 1, js
    assert mine[0]["hostname"] == STATIC_NAME6
    assert mine[0]["client-id"] == hexduid(STATIC_DUID)
    table = net6.host.run("leases", net6.name).stdout
    rows = [l for l in table.splitlines() if STATIC_IP6 in l]
    assert len(rows) == 1 and STATIC_NAME6 in rows[0], table
    header = table.splitlines()[0]
    # the columns line up: address and name where the header names them
    assert rows[0].index(STATIC_IP6 + "/64") == header.index("IP address"), table
    assert rows[0].index(STATIC_NAME6) == header.index("Hostname"), table
    # the MAC is the one in the DUID-LLT
    assert rows[0].split() == [rows[0].split()[0], rows[0].split()[1], "52:54:00:00:06:50", "ipv6",
                               STATIC_IP6 + "/64", STATIC_NAME6, hexduid(STATIC_DUID)], table
    # the status JSON has the same lease
    st = [e for e in net6.status() if e.get("ip-address") == STATIC_IP6]
    assert len(st) == 1 and st[0]["hostname"] == STATIC_NAME6, net6.status()


def test_update_adds_a_duid_host_live(net6):
    """virsh net-update's ip-dhcp-host on the IPv6 <ip> (--parent-index 1: the
    IPv4 <ip>s come first) changes the running server: the new DUID host gets
    its address and its name in DNS without a restart, and the stored
    definition has it; a DHCPv6 range cannot change live and says so."""
    duid = "00:01:00:01:2c:0f:3a:11:52:54:00:00:06:51"
    host6 = "<host id='%s' name='late6' ip='%s'/>" % (duid, PREFIX6 + "51")
    net6.start()
    pid = net6.daemon_pid()
    cp = net6.host.run("update", net6.name, "add", "ip-dhcp-host", host6, "--live", "--config",
                       "--parent-index", "1")
    assert cp.stdout == ("changed live: DHCP static hosts\n"
                         "Updated network default persistent config and live state\n"), cp.stdout
    assert net6.daemon_pid() == pid
    assert host6 in net6.host.run("dumpxml", net6.name).stdout
    assert host6 in net6.host.defined_file(net6.name).read_text()
    g = net6.plug6("52:54:00:00:06:51")
    env, _, _ = net6.dhclient6(g, "whatever", duid=hexduid(duid))
    assert dhclient_addr(env) == PREFIX6 + "51", env
    g.ip("addr", "add", "192.168.122.78/24", "dev", "eth0")
    assert wait_for(lambda: dig(g, "@192.168.122.1", "AAAA", "late6.%s" % DOMAIN)
                    == [PREFIX6 + "51"], 5)
    cp = net6.host.run("update", net6.name, "add", "ip-dhcp-range",
                       "<range start='fd00:122::300' end='fd00:122::3ff'/>", "--live",
                       "--parent-index", "1", check=False)
    assert cp.returncode == 1
    assert cp.stderr == ("vnetd: this change cannot be made live (DHCPv6 ranges and lease "
                         "times); use --config and restart the network\n")


def test_reload_of_the_domain_reaches_dhcpv6(net6):
    """A new <domain> taken by reload is the domain search list (option 24)
    that DHCPv6 clients get next, without a restart."""
    net6.start()
    pid = net6.daemon_pid()
    net6.host.defined_file(net6.name).write_text(
        dhcp6_xml().replace("<domain name='%s'/>" % DOMAIN, "<domain name='lab.test'/>"))
    cp = net6.host.run("reload", net6.name)
    assert cp.stdout == "changed live: domain\nNetwork %s reloaded\n" % net6.name
    assert net6.daemon_pid() == pid
    g = net6.plug6("52:54:00:20:00:0d")
    env, _, _ = net6.dhclient6(g, "guest6d")
    assert env.get("new_dhcp6_domain_search") == "lab.test.", env


def test_lease_file_layout_v4_then_duid_then_v6(net6):
    net6.start()
    a = net6.plug6("52:54:00:20:00:03")
    env, _, _ = net6.dhclient6(a, "layout6")
    ip = dhclient_addr(env)
    net6.wait_leases6(lambda l: ip in l, "the v6 lease")
    text = net6.lease_text()
    v4, duid, v6 = parse_lease_file6(text)
    assert v4 == []
    assert duid is not None and duid.startswith("00:01:00:01:"), text   # a DUID-LLT
    lines = text.splitlines()
    assert lines[0] == "duid " + duid
    exp, iaid, name, cduid = v6[ip]
    assert lines[1] == "%d %d %s layout6 %s" % (exp, iaid, ip, cduid)
    assert len(lines) == 2
    # info counts the v6 lease (not the duid line) of both pools: 101 + 256
    info = net6.host.info(net6.name)
    assert info["Leases"] == "1/357", info
    # the daemon's replies name the same server DUID
    assert hexduid(env["new_dhcp6_server_id"]) == duid


def test_ipv6_only_network_serves_dhcpv6(net6):
    net6.start(dhcp6_xml(v4=False, hosts=()))
    g = net6.plug6("52:54:00:20:00:06")
    env, _, _ = net6.dhclient6(g, "only6")
    ip = dhclient_addr(env)
    assert in_range6(ip), env
    net6.wait_leases6(lambda l: ip in l, "the lease")
    lines = net6.lease_text().splitlines()
    assert lines[0].startswith("duid ") and len(lines) == 2, lines
    st = net6.status()
    assert [e["ip-address"] for e in st] == [ip], st
    # --wait --mac finds a DHCPv6 lease by the MAC in the client's DUID-LLT
    out = net6.host.run("leases", net6.name, "--mac", "52:54:00:20:00:06", "--wait", 10,
                        "--json").stdout
    rows = json.loads(out)
    assert [(r["protocol"], r["ip-address"], r["mac-address"], r["prefix"]) for r in rows] == \
        [("ipv6", ip, "52:54:00:20:00:06", 64)], out
    net6.host.run("stop", net6.name)
    net6.host.run("start", net6.name)
    assert net6.lease_text().splitlines() == lines


def test_sighup_rereads_the_duid_hosts(net6):
    net6.start(dhcp6_xml(hosts=()))
    g = net6.plug6("52:54:00:00:06:50")
    pid = net6.daemon_pid()
    # the host is added to the stored definition; the daemon's SIGHUP re-reads it,
    # as the service user (as it would /etc/vnetd/networks, 0755; the base is 0700)
    os.chmod(net6.host.base, 0o755)
    os.chmod(net6.host.confdir, 0o755)
    net6.host.define(dhcp6_xml())
    os.kill(pid, signal.SIGHUP)
    time.sleep(0.5)
    assert net6.daemon_pid() == pid
    env, _, _ = net6.dhclient6(g, "x", duid=hexduid(STATIC_DUID))
    assert dhclient_addr(env) == STATIC_IP6, env
    leases = net6.wait_leases6(lambda l: STATIC_IP6 in l, "the static lease")
    assert leases[STATIC_IP6][2] == STATIC_NAME6


# --- restarts keep every lease and the server DUID ---------------------------

def test_stop_start_keeps_leases_and_server_duid(net6):
    net6.start()
    a, b = net6.plug6("52:54:00:20:00:04"), net6.plug6("52:54:00:00:06:50")
    env_a, _, lf_a = net6.dhclient6(a, "keep-a")
    ip_a = dhclient_addr(env_a)
    env_b, _, lf_b = net6.dhclient6(b, "x", duid=hexduid(STATIC_DUID))
    assert dhclient_addr(env_b) == STATIC_IP6
    net6.wait_leases6(lambda l: ip_a in l and STATIC_IP6 in l, "two leases")
    text = net6.lease_text()
    _, duid, before = parse_lease_file6(text)

    net6.host.run("stop", net6.name)
    assert net6.lease_text() == text
    net6.host.run("start", net6.name)
    _, duid2, after = parse_lease_file6(net6.lease_text())
    assert duid2 == duid, "the server DUID changed across a restart"
    assert after == before
    # the bridge was made anew: plug the ports back in, ask again
    for g in (a, b):
        net6.host.ip("link", "set", g.host_if, "master", "virbr0")
    # dhclient again with its lease file (the same DUID), renewal time come
    age_lease_file(lf_a, 2000)
    env_a2 = net6.dhclient6(a, "keep-a", lease_file=lf_a, until="RENEW6")[0]
    assert dhclient_addr(env_a2) == ip_a, "the same client's renewal moved it"
    assert hexduid(env_a2["new_dhcp6_server_id"]) == duid


STORM6 = r'''
import os, socket, struct, sys, time
log, n, ifname = sys.argv[1], int(sys.argv[2]), sys.argv[3]
end = time.monotonic() + (float(sys.argv[4]) if len(sys.argv) > 4 else 1e9)
tag = int(sys.argv[5]) if len(sys.argv) > 5 else 1      # clients of another run differ
idx = socket.if_nametoindex(ifname)
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.bind(("::", 546))
s.settimeout(0.5)
dst = ("ff02::1:2", 547, 0, idx)
out = open(log, "a", buffering=1)
def opt(code, data):
    return struct.pack("!HH", code, len(data)) + data
def duid(i):
    return struct.pack("!HH", 3, 1) + bytes([0x52, 0x54, tag]) + struct.pack("!I", i)[1:]
def msg(t, xid, i, extra=b""):
    return (bytes([t]) + struct.pack("!I", xid)[1:] + opt(1, duid(i)) + opt(8, b"\0\0")
            + opt(3, struct.pack("!III", i, 0, 0) + extra) + opt(14, b""))
def parse(d):
    if len(d) < 4 or d[0] != 7:
        return None
    xid, p, cid, addr, status = int.from_bytes(d[1:4], "big"), 4, None, None, 0
    while p + 4 <= len(d):
        code, ln = struct.unpack("!HH", d[p:p+4]); v = d[p+4:p+4+ln]; p += 4 + ln
        if code == 1:
            cid = v
        if code == 3 and len(v) >= 12:
            q = 12
            while q + 4 <= len(v):
                c2, l2 = struct.unpack("!HH", v[q:q+4]); w = v[q+4:q+4+l2]; q += 4 + l2
                if c2 == 5 and len(w) >= 24:
                    addr = socket.inet_ntop(socket.AF_INET6, w[:16])
                if c2 == 13:
                    status = struct.unpack("!H", w[:2])[0]
    return xid, cid, addr, status
active, nxt = {}, 0
while (nxt < n or active) and time.monotonic() < end:
    while nxt < n and len(active) < 32:
        nxt += 1
        active[nxt] = time.monotonic()
        s.sendto(msg(1, nxt, nxt), dst)      # SOLICIT with Rapid Commit
    try:
        d = s.recv(2048)
    except socket.timeout:
        for x, t0 in list(active.items()):
            if time.monotonic() - t0 > 1:
                active[x] = time.monotonic()
                s.sendto(msg(1, x, x), dst)
        continue
    r = parse(d)
    if r and r[0] in active and r[2] and r[3] == 0:
        out.write("%s %s\n" % (r[1].hex(":"), r[2]))
        del active[r[0]]
'''


def test_kill9_during_storm_keeps_every_replied_lease(net6):
    net6.start(dhcp6_xml(hosts=()))
    g = net6.plug6("52:54:00:20:00:09")
    rec = net6.tmp / "replied6.txt"
    rec.write_text("")
    storm = net6.popen(g.ns, [PY, "-c", STORM6, rec, 200, "eth0"])
    pid = net6.daemon_pid()

    def replied():
        if storm.poll() is not None and len(rec.read_text().splitlines()) < 60:
            raise AssertionError("storm client ended early:\n%s" % storm.stdout.read())
        return len(rec.read_text().splitlines()) >= 60
    wait_for(replied, 30, "60 Rapid Commit replies from the storm")
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)                     # replies already in flight may still land
    kill_proc(storm)
    got = {}
    for line in rec.read_text().splitlines():
        duid, ip = line.split()
        assert got.setdefault(duid, ip) == ip, "%s got two addresses" % duid
    assert len(got) >= 60

    wait_for(lambda: net6.host.info(net6.name)["Daemon"] not in ("running (pid %d)" % pid, "")
             and net6.host.info(net6.name)["Daemon"].startswith("running"), 15,
             "the daemon restarted")
    net6.host.run("stop", net6.name)
    net6.host.run("start", net6.name)
    by_duid = {v[3]: a for a, v in net6.leases6().items()}
    missing = {d: ip for d, ip in got.items() if by_duid.get(d) != ip}
    assert not missing, ("%d of %d replied leases missing after kill -9 + restart, e.g. %r"
                         % (len(missing), len(got), sorted(missing.items())[:3]))
    assert (net6.host.statedir / "default" / "default.journal6").stat().st_size == 0
    net6.daemon_pid()


def test_lease_without_fqdn_takes_the_ipv4_lease_name_in_dns(net6):
    """dnsmasq's rule: a DHCPv6 client that sends no name gets the name of the
    IPv4 lease of the same MAC (here from its DUID-LLT) for its AAAA."""
    net6.start()
    g = net6.plug6("52:54:00:20:00:07")
    ip4 = udhcpc_v4(net6, g, "dual1")
    # udhcpc's script flushed eth0, its link-local address too: make it anew
    g.ip("link", "set", "eth0", "down")
    g.ip("link", "set", "eth0", "up")
    net6.link_local(g)
    env, _, _ = net6.dhclient6(g, None)
    ip6 = dhclient_addr(env)
    assert in_range6(ip6), env
    leases = net6.wait_leases6(lambda l: ip6 in l, "the nameless v6 lease")
    assert leases[ip6][2] == "*"          # the lease itself has no name of its own
    assert dig(g, "@192.168.122.1", "A", "dual1.%s" % DOMAIN) == [ip4]
    assert wait_for(lambda: dig(g, "@192.168.122.1", "AAAA", "dual1.%s" % DOMAIN) == [ip6],
                    5) , "no AAAA for the IPv4 lease's name"


@pytest.fixture
def small_disk(host):
    """A 1 MiB tmpfs over the test's own state directory."""
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "vnetd-test",
                    str(host.statedir)], check=True)
    try:
        yield host.statedir
    finally:
        host.teardown()     # the daemon must let go of the files first
        subprocess.run(["umount", "-l", str(host.statedir)], check=False)


def fill(d):
    """Fill the file system of d completely; returns the filler."""
    f = d / "filler"
    with open(f, "wb", buffering=0) as out:
        for size in (65536, 512):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return f


def replied6(rec):
    return dict(line.split() for line in rec.read_text().splitlines())


def test_full_disk_replies_only_what_is_durable(net6, small_disk):
    xml = dhcp6_xml(hosts=()).replace(RANGE6[0], "fd00:122::1000").replace(RANGE6[1],
                                                                            "fd00:122::ffff")
    net6.host.define(xml)
    net6.host.run("start", "--new-client-rate", "unlimited", net6.name)
    pid = net6.daemon_pid()
    g = net6.plug6("52:54:00:20:00:0a")
    filler = fill(small_disk)
    # the journal's room kept ahead takes some grants, then nothing is replied that
    # is not durable: the rest are rolled back and retried
    rec = net6.tmp / "during.txt"
    rec.write_text("")
    p = net6.popen(g.ns, [PY, "-c", STORM6, rec, 3000, "eth0", 8])
    p.wait(timeout=60)
    during = replied6(rec)
    assert 0 < len(during) < 3000, p.stdout.read()
    stats = net6.host.run("stats", net6.name).stdout
    assert re.search(r"^dhcp6_rolled_back +[1-9]\d*$", stats, re.M), stats
    assert net6.daemon_pid() == pid
    # room again: new clients are served
    filler.unlink()
    rec2 = net6.tmp / "after.txt"
    rec2.write_text("")
    p2 = net6.popen(g.ns, [PY, "-c", STORM6, rec2, 40, "eth0", 20, 2])
    p2.wait(timeout=60)
    after = replied6(rec2)
    assert len(after) == 40, p2.stdout.read()
    # a crash now: every replied lease is there for `vnetd leases`
    os.kill(pid, signal.SIGKILL)
    everyone = dict(during, **after)
    listed = {r["client-id"]: r["ip-address"]
              for r in json.loads(net6.host.run("leases", net6.name, "--json").stdout)}
    missing = {d: ip for d, ip in everyone.items() if listed.get(d) != ip}
    assert not missing, "%d of %d replied leases lost, e.g. %r" % (
        len(missing), len(everyone), sorted(missing.items())[:3])


def test_import_keeps_dhcpv6_leases_and_the_server_duid(net6):
    """`vnetd import` of a libvirt network with leaseshelper's status JSON:
    the DHCPv6 lease and dnsmasq's server DUID come along (the lease file's
    duid line), and the guest asking again gets its old address."""
    h = net6.host
    src = h.base / "libvirt"
    src.mkdir()
    (src / "default.xml").write_text(dhcp6_xml())
    server_duid = "00:01:00:01:2c:a1:b2:c3:52:54:00:ab:cd:ef"
    client_duid = "00:01:00:01:2c:0f:3a:12:52:54:00:00:06:52"
    old_ip = PREFIX6 + "1a0"
    now = int(time.time())
    status = src / "virbr0.status"
    status.write_text(json.dumps([
        {"ip-address": "192.168.122.150", "mac-address": "52:54:00:00:06:52",
         "hostname": "old6", "expiry-time": now + 1800},
        # dhclient's IAID is the last four bytes of the MAC
        {"iaid": str(0x00000652), "ip-address": old_ip, "mac-address": "52:54:00:00:06:52",
         "hostname": "old6", "client-id": client_duid, "server-duid": server_duid,
         "expiry-time": now + 1800},
    ], indent=2) + "\n")
    cp = h.run("import", "default", "--from", src, "--leases", status)
    assert cp.stdout == ("Network default imported from %s/default.xml with 2 of 2 leases "
                         "from %s\n" % (src, status)), cp.stdout
    assert cp.stderr == ""
    h.run("start", "default")
    lines = net6.lease_text().splitlines()
    assert "duid " + server_duid in lines, lines
    leases = net6.wait_leases6(lambda l: old_ip in l, "the imported lease")
    assert (leases[old_ip][2], leases[old_ip][3]) == ("old6", client_duid), leases
    g = net6.plug6("52:54:00:00:06:52")
    env, _, _ = net6.dhclient6(g, "old6", duid=hexduid(client_duid))
    assert dhclient_addr(env) == old_ip, env
    # the guest sees the same server as before: dnsmasq's DUID
    assert hexduid(env["new_dhcp6_server_id"]) == server_duid, env
