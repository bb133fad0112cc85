# SPDX-License-Identifier: GPL-2.0-or-later
"""The host's view of its networks (issue 15): `leases --mac --wait --json`,
`list --json`, `import` of a libvirt network with its dnsmasq leases, the
NSS module and bash completion. Every network runs in a namespace of ours."""

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest

from helpers import (GW, UDHCPC, UDHCPC_SCRIPT, Topology, built, kill_proc, need,
                     network_xml, read_env, wait_for)

NAME = "viewnet"
RANGE = ("192.168.122.100", "192.168.122.199")


class ViewNet(Topology):
    def __init__(self, host, guest_factory, name=NAME):
        super().__init__(host, guest_factory, "view")
        self.name = name

    def start(self, xml=None):
        self.host.define(xml or network_xml(self.name, self.bridge, [(GW, 24)],
                                            forward="nat", dhcp_range=RANGE))
        self.host.run("start", self.name)

    def udhcpc(self, g, *extra, timeout=30):
        """One udhcpc run that exits once bound; returns its bound env."""
        need(UDHCPC, "busybox udhcpc")
        d = self.workdir("udhcpc")
        script = self.script(d, UDHCPC_SCRIPT)
        cp = g.exec(*UDHCPC, "-f", "-q", "-n", "-t", 5, "-T", 1, "-i", "eth0",
                    "-s", script, *extra, check=False, timeout=timeout)
        assert cp.returncode == 0 and (d / "bound.env").exists(), (
            "udhcpc got no lease (exit %d):\n%s%s" % (cp.returncode, cp.stdout, cp.stderr))
        return read_env(d / "bound.env")


@pytest.fixture
def net(host, guest):
    yield from built(ViewNet(host, guest))


# --- leases --wait ------------------------------------------------------------

def test_leases_wait_returns_when_the_lease_lands(net):
    h = net.host
    h.define(network_xml(NAME, net.bridge, [(GW, 24)], forward="nat", dhcp_range=RANGE))
    mac = "52:54:00:51:00:01"
    # waiting from before the first start: the network's state directory is not there yet
    assert not (h.statedir / NAME).exists()
    waiter = net.popen(h.ns, h.argv("leases", NAME, "--mac", mac.upper(), "--wait", 60,
                                    "--json")[4:])
    h.run("start", NAME)
    g = net.plug(mac)
    # nothing asked yet: it must still be waiting
    time.sleep(0.5)
    assert waiter.poll() is None, waiter.stdout.read()
    got = net.udhcpc(g)
    wait_for(lambda: waiter.poll() is not None, 30, "leases --wait to return")
    out = waiter.stdout.read()
    assert waiter.returncode == 0, out
    rows = json.loads(out)
    assert len(rows) == 1, rows
    row = rows[0]
    assert (row["mac-address"], row["ip-address"], row["prefix"]) == (mac, got["ip"], 24)
    assert row["expiry"] == time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                          time.gmtime(row["expiry-time"])), row
    assert set(row) == {"expiry-time", "expiry", "mac-address", "protocol", "ip-address",
                        "prefix", "hostname", "client-id"}, row


def test_leases_wait_times_out_with_its_own_status(net):
    net.start()
    cp = net.host.run("leases", NAME, "--mac", "52:54:00:51:00:09", "--wait", 1,
                      check=False)
    assert (cp.returncode, cp.stdout, cp.stderr) == (
        3, "", "vnetd: 52:54:00:51:00:09 has no lease on '%s' after waiting 1 s\n" % NAME)


def test_leases_mac_filters_and_table_aligns(net):
    net.start()
    macs = ["52:54:00:51:00:0%d" % i for i in (2, 3)]
    long_name = "a-rather-long-guest-name"
    ips = [net.udhcpc(net.plug(macs[0]))["ip"],
           net.udhcpc(net.plug(macs[1]), "-x", "hostname:" + long_name)["ip"]]
    cp = net.host.run("leases", NAME, "--mac", macs[1], "--wait", 30)
    lines = cp.stdout.splitlines()
    assert len(lines) == 4 and lines[3] == "", cp.stdout
    # the host name column is as wide as the longest name
    assert lines[0] == " %-20s %-18s %-9s %-19s %-24s %s" % (
        "Expiry Time", "MAC address", "Protocol", "IP address", "Hostname", "Client ID")
    assert re.fullmatch(r" \d{4}-\d\d-\d\d \d\d:\d\d:\d\d ", lines[2][:21]), lines[2]
    assert lines[2][21:] == " %-18s %-9s %-19s %-24s %s" % (
        macs[1], "ipv4", ips[1] + "/24", long_name, "01:" + macs[1]), lines[2]
    both = json.loads(net.host.run("leases", NAME, "--json").stdout)
    assert sorted((r["mac-address"], r["ip-address"]) for r in both) == sorted(zip(macs, ips))
    one = json.loads(net.host.run("leases", NAME, "--json", "--mac", macs[0]).stdout)
    assert [(r["mac-address"], r["ip-address"]) for r in one] == [(macs[0], ips[0])]


# --- list ---------------------------------------------------------------------

def test_list_table_and_json(net):
    h = net.host
    net.start()
    h.define(network_xml("a-much-longer-network-name", "vbr7", [("10.77.0.1", 16)]))
    h.run("autostart", "a-much-longer-network-name")
    rows = json.loads(h.run("list", "--all", "--json").stdout)
    assert rows == [
        {"name": "a-much-longer-network-name", "state": "inactive", "autostart": True,
         "persistent": True, "bridge": "vbr7", "subnets": ["10.77.0.0/16"]},
        {"name": NAME, "state": "active", "autostart": False, "persistent": True,
         "bridge": "virbr0", "subnets": ["192.168.122.0/24"]},
    ], rows
    assert json.loads(h.run("list", "--json").stdout) == rows[1:]
    w = len("a-much-longer-network-name")
    assert h.run("list", "--all").stdout == (
        "%-*s  State     Autostart  Bridge  Subnet\n" % (w, "Name") +
        "%s  inactive  yes        vbr7    10.77.0.0/16\n" % "a-much-longer-network-name" +
        "%-*s  active    no         virbr0  192.168.122.0/24\n" % (w, NAME))
    cp = h.run("list", "--bogus", check=False)
    assert (cp.returncode, cp.stderr) == (1, "vnetd: usage: vnetd list [--all] [--json]\n")


# --- bash completion ------------------------------------------------------------

COMPLETION = Path(__file__).resolve().parents[2] / "conf" / "vnetd.bash-completion"


def complete(host, *words):
    """What bash offers for the last of `words` (the word being completed) after
    `vnetd --confdir .. --rundir .. --statedir .. WORDS...`."""
    cmd = [host.vnetd, "--confdir", host.confdir, "--rundir", host.rundir,
           "--statedir", host.statedir] + list(words)
    script = ('source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); '
              '_vnetd; printf "%s\\n" "${COMPREPLY[@]}"')
    cp = subprocess.run(["bash", "--norc", "-c", script, "bash", COMPLETION]
                        + [str(w) for w in cmd], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True, timeout=30)
    assert cp.returncode == 0 and cp.stderr == "", cp.stderr
    return sorted(w for w in cp.stdout.split("\n") if w)


def test_bash_completion_verbs_options_names(net):
    h = net.host
    net.start()
    h.define(network_xml("other", "vbr8", [("10.78.0.1", 24)]))
    verbs = complete(h, "")
    helped = [l.split()[0] for l in h.run("--help").stdout.split("Verbs:\n")[1]
              .split("\n\n")[0].splitlines() if l.startswith("  ") and l[2] != " "]
    assert verbs == sorted(helped) and "define" in verbs and "__complete" not in verbs
    assert complete(h, "st") == ["start", "stats", "stop"]
    assert complete(h, "start", "") == ["other", NAME]
    assert complete(h, "stop", "") == [NAME]            # only what runs
    assert complete(h, "stats", "") == [NAME]
    assert complete(h, "leases", "v") == [NAME]
    assert complete(h, "leases", NAME, "--") == ["--json", "--mac", "--wait"]
    assert complete(h, "leases", NAME, "--mac", "") == []
    assert complete(h, "info", NAME, "") == []          # one name per verb
    assert complete(h, "list", "--") == ["--all", "--json"]
    d = h.base / "compl"
    (d / "sub").mkdir(parents=True)
    (d / "net.xml").write_text("<network/>")
    (d / "notes.txt").write_text("")
    assert complete(h, "define", str(d) + "/") == [str(d / "net.xml"), str(d / "sub")]
    # import: the libvirt networks in --from DIR
    (d / "default.xml").write_text("<network/>")
    assert complete(h, "import", "--from", d, "") == ["default", "net"]
    assert complete(h, "import", "--from", d, "d") == ["default"]
    cp = h.run("__complete", "bogus", check=False)
    assert (cp.returncode, cp.stdout, cp.stderr) == (
        1, "", "vnetd: usage: vnetd __complete verbs|options VERB|defined|running\n")


# --- import -----------------------------------------------------------------------

# What libvirt keeps in /etc/libvirt/qemu/networks/NAME.xml, plus what
# `virsh net-dumpxml` adds for a running network (connections, metadata).
LIBVIRT_XML = """<!--
WARNING: THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE
OVERWRITTEN AND LOST. Changes to this xml configuration should be made using:
  virsh net-edit %(name)s
or other application using the libvirt API.
-->

<network connections='2'>
  <name>%(name)s</name>
  <uuid>6c6e7a0e-4d1a-4c2b-9a53-1f0b9e3c8d11</uuid>
  <title>lab network</title>
  <metadata>
    <app:owner xmlns:app='http://example.org/app/1'>team-a</app:owner>
  </metadata>
  <forward mode='nat'>
    <nat>
      <port start='1024' end='65535'/>
    </nat>
  </forward>
  <bridge name='virbr0' stp='off' delay='0'/>
  <mac address='52:54:00:4e:1a:22'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.100' end='192.168.122.199'/>
    </dhcp>
  </ip>
</network>
"""


def libvirt_status(now):
    """A leaseshelper status file: two live leases, an expired one, an IPv6 one."""
    return json.dumps([
        {"ip-address": "192.168.122.150", "mac-address": "52:54:00:61:00:01",
         "hostname": "web1", "client-id": "01:52:54:00:61:00:01",
         "expiry-time": now + 1800},
        {"ip-address": "192.168.122.160", "mac-address": "52:54:00:61:00:02",
         "hostname": "db1", "expiry-time": now + 60},
        {"ip-address": "192.168.122.170", "mac-address": "52:54:00:61:00:03",
         "expiry-time": now - 600},
        {"iaid": "1234", "ip-address": "fd00::5", "mac-address": "52:54:00:61:00:01",
         "expiry-time": now + 1800},
    ], indent=2) + "\n"


def test_import_keeps_every_guests_address(net):
    h = net.host
    src = h.base / "libvirt"
    src.mkdir()
    (src / (NAME + ".xml")).write_text(LIBVIRT_XML % {"name": NAME})
    status = src / "virbr0.status"
    status.write_text(libvirt_status(int(time.time())))
    cp = h.run("import", NAME, "--from", src, "--leases", status)
    assert cp.stdout == "Network %s imported from %s/%s.xml with 3 of 3 leases from %s\n" % (
        NAME, src, NAME, status), cp.stdout
    # an IPv6 lease is read too (test_dhcp6.py imports them); this one has no client DUID
    assert cp.stderr == ("vnetd: %s: line 20: no client-id (the client's DUID), or a bad one\n"
                         % status), cp.stderr
    dumped = h.run("dumpxml", NAME).stdout
    assert "  <title>lab network</title>\n" in dumped
    assert "<app:owner xmlns:app=\"http://example.org/app/1\">team-a</app:owner>" in dumped
    # a second import is refused and changes nothing
    cp = h.run("import", NAME, "--from", src, "--leases", status, check=False)
    assert (cp.returncode, cp.stdout, cp.stderr) == (
        1, "", "vnetd: network '%s' is already defined: --force replaces it\n" % NAME)
    h.run("start", NAME)
    # the guests ask afresh, requesting no address, and get their old ones: db1's
    # lease has no client-id, as a client sending none (udhcpc -C) leaves it
    for mac, ip, args in (("52:54:00:61:00:01", "192.168.122.150", ()),
                          ("52:54:00:61:00:02", "192.168.122.160", ("-C",))):
        assert net.udhcpc(net.plug(mac), *args)["ip"] == ip, mac
    rows = json.loads(h.run("leases", NAME, "--json").stdout)
    assert sorted((r["mac-address"], r["ip-address"]) for r in rows) == [
        ("52:54:00:61:00:01", "192.168.122.150"), ("52:54:00:61:00:02", "192.168.122.160")]


def test_import_refusals(net):
    h = net.host
    src = h.base / "libvirt"
    src.mkdir()
    cp = h.run("import", NAME, "--from", src, check=False)
    assert (cp.returncode, cp.stderr) == (
        1, "vnetd: %s/%s.xml: cannot read: No such file or directory\n" % (src, NAME))
    (src / "other.xml").write_text(LIBVIRT_XML % {"name": NAME})
    cp = h.run("import", "other", "--from", src, check=False)
    assert (cp.returncode, cp.stderr) == (
        1, "vnetd: %s/other.xml defines network '%s', not 'other'\n" % (src, NAME))
    (src / (NAME + ".xml")).write_text(LIBVIRT_XML % {"name": NAME})
    bad = src / "bad.status"
    bad.write_text('[\n  {"ip-address": "192.168.122.150",\n')
    cp = h.run("import", NAME, "--from", src, "--leases", bad, check=False)
    assert (cp.returncode, cp.stderr) == (
        1, "vnetd: %s: line 3: expected a string\n"
           "vnetd: %s is not a lease status file: nothing imported\n" % (bad, bad))
    assert h.run("list", "--all", "--json").stdout == "[]\n"
    # dnsmasq's own lease lines are read too
    lines = src / "default.leases"
    lines.write_text("%d 52:54:00:61:00:05 192.168.122.155 vm5 *\n" % (time.time() + 900))
    cp = h.run("import", NAME, "--from", src, "--leases", lines)
    assert cp.stdout.endswith(" with 1 of 1 leases from %s\n" % lines), cp.stdout
    assert (h.statedir / NAME / (NAME + ".leases")).read_text() == lines.read_text()
    assert (h.statedir / NAME / (NAME + ".leases")).stat().st_uid != 0


# --- the NSS module -----------------------------------------------------------------

NSS_SO = Path(os.environ.get("VNETD", "build/vnetd")).resolve().parent / "libnss_vnetd.so.2"

# In a private mount namespace: our nsswitch.conf over /etc/nsswitch.conf and
# the module in the multiarch directory through an overlay (glibc loads NSS
# modules from the system's library path), then getent. Nothing outside
# that namespace sees either.
GETENT = r'''set -e
libdir=$(readlink -f /lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu))
mount -t overlay overlay -o "lowerdir=$libdir,upperdir=$1/upper,workdir=$1/work" "$libdir"
cp "$2" "$libdir/libnss_vnetd.so.2"
mount --bind "$1/nsswitch.conf" /etc/nsswitch.conf
shift 2
set +e
getent "$@"
echo "rc=$?"
'''


def getent(host, *args):
    need(NSS_SO.exists() or None, "build/libnss_vnetd.so.2 (make)")
    d = host.base / ("nss%d" % time.monotonic_ns())
    for sub in ("upper", "work"):
        (d / sub).mkdir(parents=True)
    (d / "nsswitch.conf").write_text("hosts: vnetd\n")
    env = dict(os.environ, VNETD_NSS_STATEDIR=str(host.statedir),
               VNETD_NSS_CONFDIR=str(host.confdir), VNETD_NSS_RUNDIR=str(host.rundir))
    cp = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", GETENT,
                         "sh", str(d), str(NSS_SO)] + list(args), env=env,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
    assert cp.stderr == "", cp.stderr
    out, rc = cp.stdout.rsplit("rc=", 1)
    return int(rc), out


def test_nss_module_finds_a_guest_by_its_lease(net):
    h = net.host
    net.start(network_xml(NAME, "virbr0", [(GW, 24)], forward="nat", domain="lab.example",
                          dhcp_range=RANGE))
    mac = "52:54:00:71:00:01"
    ip = net.udhcpc(net.plug(mac), "-x", "hostname:guest1")["ip"]
    h.run("leases", NAME, "--mac", mac, "--wait", 30)
    # the lease file (what the module reads) lags the journal by up to a quarter second
    wait_for(lambda: "guest1" in (h.statedir / NAME / (NAME + ".leases")).read_text(), 10,
             "the lease file to name guest1")
    for name in ("guest1", "GUEST1", "guest1.%s" % NAME, "guest1.lab.example",
                 "guest1.lab.example."):
        assert getent(h, "hosts", name) == (0, "%-15s %s\n" % (ip, name)), name
    assert getent(h, "ahostsv4", "guest1") == (
        0, "%-15s STREAM guest1\n%-15s DGRAM  \n%-15s RAW    \n" % (ip, ip, ip))
    assert getent(h, "hosts", "guest2") == (2, "")
    assert getent(h, "hosts", "guest1.other.example") == (2, "")
    # a stopped network answers nothing (its lease file stays)
    h.run("stop", NAME)
    assert "guest1" in (h.statedir / NAME / (NAME + ".leases")).read_text()
    assert getent(h, "hosts", "guest1") == (2, "")
    h.run("start", NAME)
    assert getent(h, "hosts", "guest1") == (0, "%-15s %s\n" % (ip, "guest1"))
    # a lease file the module cannot make sense of is no name, and no crash
    h.run("stop", NAME)
    (h.statedir / NAME / (NAME + ".leases")).write_text("garbage \x01\n1 2 3\n")
    fake = h.rundir / (NAME + ".state")     # "running", for the module only
    fake.write_text("")
    try:
        assert getent(h, "hosts", "guest1") == (2, "")
    finally:
        fake.unlink()
