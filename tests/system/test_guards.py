# SPDX-License-Identifier: GPL-2.0-or-later
"""What a hostile guest, a full disk or a subverted daemon can do (issue 13).

Each test shows one hole of the DHCP side closed, with real clients where
they exist (busybox udhcpc, dig) and scapy or a raw-socket client for what a
normal client would never send. Topology as in test_dhcp.py:

    guestN --- vtgN --+ virbr0 [host: vnetd]   (stp='off', all in our namespaces)

Tests that look at the daemon's log run `vnetd start --foreground` (the log
goes to its stderr, kept in a file). The disk-full test mounts a small tmpfs
over the test's own state directory (never anything of the host's), and
unmounts it at the end, pass or fail.
"""

import json
import os
import pwd
import re
import signal
import subprocess
import time

import pytest

from helpers import GW, PY, Topology, built, kill_proc, wait_for
from test_dhcp import DhcpNet, STORM, dhcp_xml, parse_lease_file

DIG = "/usr/bin/dig"
DOMAIN = "example.test"


# --- helpers -----------------------------------------------------------------

class GuardNet(DhcpNet):
    """DhcpNet plus DNS lookups, a foreground start with its log, and files."""

    def start_fg(self, xml, *opts):
        """`vnetd start --foreground`; the daemons' log goes to self.log_path."""
        self.host.define(xml)
        self.log_path = self.tmp / "daemon.log"
        err = open(self.log_path, "w")
        p = subprocess.Popen(self.host.argv("start", "--foreground", *opts, self.name),
                             stdout=subprocess.PIPE, stderr=err, text=True)
        err.close()
        self.procs.append(p)
        self.host.started.add(self.name)
        wait_for(lambda: p.poll() is not None or self.host.state_file(self.name).exists(),
                 10, "the foreground start")
        assert p.poll() is None, "start --foreground ended:\n%s" % self.log()
        wait_for(lambda: "serving network" in self.log(), 10, "the daemon to serve")
        return p

    def log(self):
        return self.log_path.read_text()

    def dig(self, g, name, qtype="A"):
        """The addresses `name` resolves to at the bridge, from guest g."""
        cp = g.exec(DIG, "+short", "+time=1", "+tries=2", "@" + GW, name, qtype, check=False)
        return sorted(cp.stdout.split())

    def net_dir(self):
        return self.host.statedir / self.name


@pytest.fixture
def net(host, guest):
    yield from built(GuardNet(host, guest))


def name_xml(hosts=(), **kw):
    return dhcp_xml(hosts=hosts, **kw)


# Forged requests with scapy, all at once: argv iface, JSON [[mac, type, reqip]]
# (type "request": INIT-REBOOT for reqip; "discover"). Listens 3 s and prints
# {"xid": message type} of the replies.
FORGE = r'''
import json, random, sys, threading
from scapy.all import Ether, IP, UDP, BOOTP, DHCP, AsyncSniffer, sendp, conf, mac2str
conf.verb = 0
iface, reqs = sys.argv[1], json.loads(sys.argv[2])
xid0 = random.randrange(1 << 30)
frames = []
for i, (mac, typ, reqip) in enumerate(reqs):
    opts = [("message-type", typ)] + ([("requested_addr", reqip)] if reqip else [])
    frames.append(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255")
                  / UDP(sport=68, dport=67) / BOOTP(op=1, chaddr=mac2str(mac), xid=xid0 + i)
                  / DHCP(options=opts + ["end"]))
ready = threading.Event()
sn = AsyncSniffer(iface=iface, timeout=3, started_callback=ready.set,
                  lfilter=lambda p: UDP in p and p[UDP].dport == 68 and BOOTP in p
                  and p[BOOTP].op == 2 and xid0 <= p[BOOTP].xid < xid0 + len(frames))
sn.start()
ready.wait(3)
sendp(frames, iface=iface)
sn.join()
out = {}
for p in sn.results:
    o = dict(x for x in p[DHCP].options if isinstance(x, tuple) and len(x) == 2)
    out[str(p[BOOTP].xid - xid0)] = o.get("message-type")
print(json.dumps(out))
'''

# DHCPDECLINE of `ip` from `mac` (client id 01+MAC, as udhcpc sends).
DECLINE = r'''
import sys
from scapy.all import Ether, IP, UDP, BOOTP, DHCP, sendp, conf, mac2str
conf.verb = 0
iface, mac, ip = sys.argv[1:4]
sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255")
      / UDP(sport=68, dport=67) / BOOTP(op=1, chaddr=mac2str(mac), xid=0xdec1)
      / DHCP(options=[("message-type", "decline"), ("requested_addr", ip),
                      ("server_id", "192.168.122.1"), ("client_id", b"\x01" + mac2str(mac)),
                      "end"]), iface=iface)
'''


def mac_n(base, i):
    return "52:54:%02x:%02x:%02x:%02x" % (base, (i >> 16) & 255, (i >> 8) & 255, i & 255)


# --- names guests claim ------------------------------------------------------

def test_a_renamed_guest_keeps_one_name(net):
    """Renewals with h1, h2, h3... leave one record, not one per name."""
    net.start(name_xml())
    g = net.plug("52:54:00:a1:00:01")
    for n in range(1, 6):
        ip = net.udhcpc(g, "-x", "hostname:h%d" % n)["ip"]
    asker = net.plug("52:54:00:a1:00:02", addr="192.168.122.9/24")
    assert net.dig(asker, "h5.%s" % DOMAIN) == [ip]
    for n in range(1, 5):
        assert net.dig(asker, "h%d.%s" % (n, DOMAIN)) == [], "old name h%d still answers" % n
    # the reverse name follows the newest too
    rev = net.dig(asker, ".".join(reversed(ip.split("."))) + ".in-addr.arpa", "PTR")
    assert rev == ["h5.%s." % DOMAIN], rev


def test_decline_and_moved_binding_take_their_names_along(net):
    net.start(name_xml())
    asker = net.plug("52:54:00:a2:00:09", addr="192.168.122.9/24")
    # DECLINE: the address is someone else's; its name goes with the lease
    mac = "52:54:00:a2:00:01"
    g = net.plug(mac)
    ip = net.udhcpc(g, "-x", "hostname:dec1")["ip"]
    assert net.dig(asker, "dec1." + DOMAIN) == [ip]
    net.scapy(g, DECLINE, "eth0", mac, ip)
    wait_for(lambda: net.dig(asker, "dec1." + DOMAIN) == [], 5, "dec1 to leave DNS")

    # a binding moved by a new DISCOVER (its static address changed on reload)
    mac2 = "52:54:00:a2:00:02"
    g2 = net.plug(mac2)
    old = net.udhcpc(g2, "-x", "hostname:mover")["ip"]
    assert net.dig(asker, "mover." + DOMAIN) == [old]
    os.chmod(net.host.base, 0o755)
    os.chmod(net.host.confdir, 0o755)
    net.host.define(name_xml(hosts=((mac2, "", "192.168.122.77"),)).replace(" name=''", ""))
    os.kill(net.daemon_pid(), signal.SIGHUP)
    wait_for(lambda: net.udhcpc(g2, "-x", "hostname:mover")["ip"] == "192.168.122.77", 10,
             "the guest to move to its static address")
    assert net.dig(asker, "mover." + DOMAIN) == ["192.168.122.77"]


def test_reload_brings_static_names_to_dns(net):
    """SIGHUP: <dhcp><host name ip> and <dns><host> names of the new definition answer."""
    net.start(name_xml())
    asker = net.plug("52:54:00:a3:00:09", addr="192.168.122.9/24")
    assert net.dig(asker, "newstatic." + DOMAIN) == []
    os.chmod(net.host.base, 0o755)
    os.chmod(net.host.confdir, 0o755)
    net.host.define(name_xml(hosts=(("52:54:00:a3:00:01", "newstatic", "192.168.122.70"),)))
    os.kill(net.daemon_pid(), signal.SIGHUP)
    wait_for(lambda: net.dig(asker, "newstatic." + DOMAIN) == ["192.168.122.70"], 5,
             "the reloaded static name to answer")


def test_static_host_renews_quietly_and_names_are_guarded(net):
    """A static host renewing logs nothing about its name; reserved and taken
    names are refused with one log line per client."""
    hosts = (("52:54:00:a4:00:50", "static1", "192.168.122.50"),
             ("52:54:00:a4:00:51", "noaddr", None))
    xml = name_xml()
    extra = "".join("      <host mac='%s' name='%s'%s/>\n" % (m, n, " ip='%s'" % i if i else "")
                    for m, n, i in hosts)
    xml = xml.replace("    </dhcp>", extra + "    </dhcp>")
    net.start_fg(xml)
    asker = net.plug("52:54:00:a4:00:09", addr="192.168.122.9/24")
    s = net.plug("52:54:00:a4:00:50")
    for _ in range(3):
        assert net.udhcpc(s)["ip"] == "192.168.122.50"
    assert net.dig(asker, "static1." + DOMAIN) == ["192.168.122.50"]

    first = net.plug("52:54:00:a4:00:01")
    first_ip = net.udhcpc(first, "-x", "hostname:web")["ip"]
    claims = {"localhost": "52:54:00:a4:00:02", "wpad": "52:54:00:a4:00:03",
              "static1": "52:54:00:a4:00:04", "noaddr": "52:54:00:a4:00:05",
              "web": "52:54:00:a4:00:06", os.uname().nodename.split(".")[0]: "52:54:00:a4:00:07"}
    for name, mac in claims.items():
        g = net.plug(mac)
        for _ in range(2 if name in ("localhost", "web") else 1):
            ip = net.udhcpc(g, "-x", "hostname:" + name)["ip"]
        assert ip not in net.dig(asker, name + "." + DOMAIN), "%s was given to a guest" % name
    assert net.dig(asker, "web." + DOMAIN) == [first_ip]
    log = net.log()
    assert "is taken" not in log.replace("is taken by another lease", ""), log
    assert "static1" not in "".join(l for l in log.splitlines() if "DHCPNAMEREFUSED" in l
                                    and "a4:00:50" in l)
    refused = [l for l in log.splitlines() if "DHCPNAMEREFUSED" in l]
    for name, mac in claims.items():
        mine = [l for l in refused if mac in l]
        assert len(mine) == 1, "refusal of %s logged %d times:\n%s" % (name, len(mine), log)


# --- the pool ----------------------------------------------------------------

def test_forged_init_reboots_cannot_take_the_pool(net):
    """60 INIT-REBOOTs from invented clients: a few get in (the rate limit),
    the rest hear nothing; an address in use answers its probe and is NAKed."""
    net.start_fg(name_xml())          # with conflict probing (no --no-probe)
    g = net.plug("52:54:00:a5:00:01")
    # an address that answers ARP is not granted to a stranger
    net.plug("52:54:00:a5:00:02", addr="192.168.122.150/24")
    got = json.loads(net.scapy(g, FORGE, "eth0",
                               json.dumps([["52:54:00:a5:01:50", "request", "192.168.122.150"]])))
    assert got.get("0") == 6, "an address in use was not NAKed to a stranger: %r" % got
    reqs = [[mac_n(0xa5, 0x100 + i), "request", "192.168.122.%d" % (101 + i)]
            for i in range(40)]
    got = json.loads(net.scapy(g, FORGE, "eth0", json.dumps(reqs)))
    acks = [k for k, t in got.items() if t == 5]
    assert 0 < len(acks) <= 30, "forged INIT-REBOOTs ACKed: %d of 40 (%r)" % (len(acks), got)
    wait_for(lambda: "requests of new clients dropped" in net.log(), 15, "the summary line")


def test_discover_flood_is_bounded_and_leased_guests_renew(net):
    net.start_fg(name_xml(), "--no-probe")
    mac = "52:54:00:a6:00:01"
    g = net.plug(mac)
    c = net.udhcpc_bg(g)
    ip = c.wait_event("bound")[1]
    flooder = net.plug("52:54:00:a6:00:02")
    reqs = [[mac_n(0xa6, 0x1000 + i), "discover", None] for i in range(150)]
    got = json.loads(net.scapy(flooder, FORGE, "eth0", json.dumps(reqs)))
    offers = sum(1 for t in got.values() if t == 2)
    # a pool of 101: a quarter of it at once (plus refills), never all of it
    assert 10 <= offers <= 50, "the flood got %d offers" % offers
    c.signal(signal.SIGUSR1)
    assert c.wait_event("renew")[1] == ip
    kill_proc(c.proc)
    wait_for(lambda: "requests of new clients dropped" in net.log(), 15, "the summary line")
    lines = [l for l in net.log().splitlines() if "requests of new clients dropped" in l]
    assert len(lines) == 1, lines


# --- durability under faults ---------------------------------------------------

def test_leases_verb_sees_the_journal_after_a_crash(net):
    net.start(name_xml())
    g = net.plug("52:54:00:a7:00:01")
    pid = net.daemon_pid()
    ip = net.udhcpc(g, "-x", "hostname:fresh")["ip"]
    os.kill(pid, signal.SIGKILL)      # well before the lease file is rewritten
    rows = [r for r in net.leases_json() if r["mac-address"] == "52:54:00:a7:00:01"]
    assert rows and rows[0]["ip-address"] == ip and rows[0]["hostname"] == "fresh", rows


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


def storm(net, g, rec, n, life):
    p = net.popen(g.ns, [PY, "-c", STORM, "eth0", rec, n, 16, life])
    out, _ = p.communicate(timeout=life + 30)
    return out


def acked(rec):
    return dict(line.split() for line in rec.read_text().splitlines())


def test_full_disk_keeps_every_acked_lease(net, small_disk):
    net.start_fg(dhcp_xml(addr="10.45.0.1", prefix=16, start="10.45.1.1",
                          end="10.45.250.254", hosts=()), "--no-probe")
    pid = net.daemon_pid()
    g = net.plug("52:54:00:a8:00:01")
    first = net.udhcpc(g)["ip"]
    filler = fill(small_disk)
    # renewals go on in the room the journal keeps ahead...
    assert net.udhcpc(g)["ip"] == first
    # ...and once that is gone, nothing is ACKed that is not durable
    rec = net.tmp / "acked.txt"
    rec.write_text("")
    out = storm(net, net.plug("52:54:00:a8:00:02"), rec, 2500, 8)
    during = acked(rec)
    assert 0 < len(during) < 2500, out
    assert net.daemon_pid() == pid
    # no busy loop while the disk stays full
    t0 = sum(int(x) for x in open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[11:13])
    time.sleep(2)
    t1 = sum(int(x) for x in open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[11:13])
    assert t1 - t0 < 50, "the daemon spins on a full disk (%d ticks in 2 s)" % (t1 - t0)
    # room again: new clients are served by themselves
    filler.unlink()
    rec2 = net.tmp / "acked2.txt"
    rec2.write_text("")
    out2 = storm(net, net.plug("52:54:00:a8:00:03"), rec2, 40, 20)
    after = acked(rec2)
    assert len(after) == 40, out2
    # logged when the outage starts and when it ends (the lease file's temporary
    # copies come and go on the full disk, so an outage may flap once or twice)
    log = net.log()
    assert 1 <= log.count("no lease is granted or renewed until it works again") <= 3, log
    assert 1 <= log.count("works again; leases are granted") <= 3, log
    # a crash now: every ACKed lease comes back
    os.kill(pid, signal.SIGKILL)
    everyone = dict(during, **after)
    listed = {r["mac-address"]: r["ip-address"] for r in net.leases_json()}
    missing = {m: i for m, i in everyone.items() if listed.get(m) != i}
    assert not missing, "%d of %d ACKed leases lost, e.g. %r" % (
        len(missing), len(everyone), sorted(missing.items())[:3])


# --- files, users and processes --------------------------------------------------

def test_planted_files_in_the_state_directory_do_not_fool_root(net):
    """A subverted daemon owns its state directory: the links it leaves there
    make root neither read another file as leases nor truncate one."""
    stolen = net.tmp / "stolen.leases"         # root's, 0600: some other file
    stolen.write_text("1900000000 52:54:00:de:ad:01 192.168.122.99 stolen *\n")
    stolen.chmod(0o600)
    victim = net.tmp / "victim"
    victim.write_text("DO-NOT-TRUNCATE\n")
    vnetd = pwd.getpwnam("vnetd")
    # the flat layout of old and the per-network directory alike
    for d in (net.host.statedir, net.host.statedir / "default"):
        d.mkdir(exist_ok=True)
        os.chown(d, vnetd.pw_uid, vnetd.pw_gid)
        os.symlink(stolen, d / "default.leases")
        for tmp in (".default.leases.tmp", ".virbr0.status.tmp"):
            os.link(victim, d / tmp)
        (d / "default.journal").write_bytes(b"VJL1 not a record")
    net.host.define(name_xml())
    cp = net.host.run("start", "default", check=False, timeout=30)
    time.sleep(0.5)
    lv = net.host.run("leases", "default", check=False, timeout=30)
    assert "stolen" not in lv.stdout + lv.stderr, lv.stdout
    assert victim.read_text() == "DO-NOT-TRUNCATE\n"
    if cp.returncode != 0:
        assert cp.stderr.startswith("vnetd: ") and len(cp.stderr.splitlines()) == 1, cp.stderr
    assert lv.returncode != 0 and lv.stderr.startswith("vnetd: "), lv.stderr


def test_state_directory_given_is_never_chowned(net):
    st = os.stat(net.host.statedir)
    net.start(name_xml())
    assert (os.stat(net.host.statedir).st_uid, os.stat(net.host.statedir).st_gid) == \
        (st.st_uid, st.st_gid) == (0, 0)
    own = os.stat(net.net_dir())
    assert own.st_uid == pwd.getpwnam("vnetd").pw_uid


def uid_of(pid):
    for line in open("/proc/%d/status" % pid):
        if line.startswith("Uid:"):
            return int(line.split()[1])
    return None


def test_daemons_are_kept_apart(net):
    """The keeper has an account of its own; a daemon sees only its own state
    directory and cannot write anywhere else."""
    net.start(name_xml())
    net.host.define(dhcp_xml(name="other", bridge="virbr1", addr="192.168.123.1",
                             start="192.168.123.100", end="192.168.123.200", hosts=()))
    net.host.run("start", "other")
    daemon, keeper = net.daemon_pid(), net.keeper_pid()
    assert uid_of(daemon) == pwd.getpwnam("vnetd").pw_uid
    assert uid_of(keeper) == pwd.getpwnam("vnetd-keeper").pw_uid
    # what the daemon of "default" sees of the state directory
    seen = subprocess.run(["nsenter", "-t", str(daemon), "-m", "ls", "-A", str(net.host.statedir)],
                          stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    assert "other" not in seen and "other.leases" not in seen, seen
    assert "default.journal" in seen, seen
    wr = subprocess.run(["nsenter", "-t", str(daemon), "-m", "setpriv", "--reuid=vnetd",
                         "--regid=vnetd", "--clear-groups", "sh", "-c",
                         "echo x > /tmp/vnetd-sandbox-probe"],
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert wr.returncode != 0 and "Read-only" in wr.stdout, wr.stdout
    assert not os.path.exists("/tmp/vnetd-sandbox-probe")
