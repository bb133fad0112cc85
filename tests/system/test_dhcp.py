# SPDX-License-Identifier: GPL-2.0-or-later
"""The serving daemon's DHCPv4 service (issue 5), shown with real clients.

Topology, all in namespaces made here (never the root namespace):

    guestN (eth0, MAC chosen by the test) --- vtgN --+ virbr0 [host: vnetd]

Real clients run only inside guest namespaces: busybox udhcpc, ISC dhclient
and dhcpcd, each with a script of ours that writes down what it was given
and private pid/lease/config files (dhcpcd's fixed /run/dhcpcd and
/var/lib/dhcpcd are covered by tmpfs mounts inside the private mount
namespace `ip netns exec` gives it). Hand-made packets come from scapy
(malformed ones, INIT-REBOOT) or from a small raw-socket client (the storm
for the crash test), both inside a guest namespace too. Every client
process is killed by PID at the end, and the guest fixture kills whatever
is still inside a guest namespace before removing it.

Networks use stp='off' so that a port forwards at once.
"""

import json
import os
import re
import shutil
import signal
import time
from pathlib import Path

import pytest

from helpers import (GW, PY, UDHCPC, UDHCPC_SCRIPT, Topology, built, kill_proc, need,
                     network_xml, read_env, wait_for)

MASK = "255.255.255.0"
DOMAIN = "example.test"
RANGE_START, RANGE_END = 100, 200          # 192.168.122.100 - .200
STATIC_MAC, STATIC_IP, STATIC_NAME = "52:54:00:00:00:50", "192.168.122.50", "static1"
FLUSH_WAIT = 3.0        # the lease file lags memory by ~250 ms; be generous


DHCLIENT = shutil.which("dhclient")
DHCPCD = shutil.which("dhcpcd")


def in_range(addr):
    parts = addr.split(".")
    return ".".join(parts[:3]) == "192.168.122" and RANGE_START <= int(parts[3]) <= RANGE_END


def dhcp_xml(name="default", bridge="virbr0", addr=GW, prefix=24,
             start="192.168.122.%d" % RANGE_START, end="192.168.122.%d" % RANGE_END,
             hosts=((STATIC_MAC, STATIC_NAME, STATIC_IP),), domain=DOMAIN, lease=None):
    return network_xml(name, bridge, ((addr, prefix),), forward="nat", domain=domain,
                       dhcp_range=(start, end), lease=lease, hosts=hosts)


def parse_lease_file(text):
    """dnsmasq lease lines as {mac: (expiry, ip, hostname, clientid)}; every
    line must have exactly five fields."""
    out = {}
    for line in text.splitlines():
        f = line.split()
        assert len(f) == 5, "bad lease file line: %r" % line
        assert f[1] not in out, "two lease lines for %s:\n%s" % (f[1], text)
        out[f[1]] = (int(f[0]), f[2], f[3], f[4])
    return out


# --- scripts the clients run (udhcpc's: helpers.UDHCPC_SCRIPT) -------------

# dhclient / dhcpcd: dump the environment per reason; configure nothing.
REASON_SCRIPT = r'''#!/bin/sh
env > "%(dir)s/$reason.env"
echo "$reason" >> "%(dir)s/events"
exit 0
'''

DHCLIENT_CONF = '''send host-name "%(name)s";
request subnet-mask, broadcast-address, routers, domain-name, domain-name-servers, host-name;
'''

DHCPCD_CONF = '''option domain_name_servers, domain_name, routers, subnet_mask
noarp
noipv4ll
ipv4only
hostname %(name)s
'''

# INIT-REBOOT probes with scapy: argv iface, JSON [[mac, reqip, xid, with_cid]].
# Prints a JSON list with, per probe, the reply's type/yiaddr/server id or null.
INIT_REBOOT = r'''
import json, sys, threading
from scapy.all import Ether, IP, UDP, BOOTP, DHCP, AsyncSniffer, sendp, conf, mac2str
conf.verb = 0
iface, probes = sys.argv[1], json.loads(sys.argv[2])
out = []
for mac, reqip, xid, with_cid in probes:
    def mine(p, xid=xid):
        return (UDP in p and p[UDP].dport == 68 and BOOTP in p and p[BOOTP].op == 2
                and p[BOOTP].xid == xid)
    ready = threading.Event()
    sn = AsyncSniffer(iface=iface, lfilter=mine, count=1, timeout=3, store=True,
                      started_callback=ready.set)
    sn.start()
    ready.wait(3)
    opts = [("message-type", "request"), ("requested_addr", reqip)]
    if with_cid:
        opts.append(("client_id", b"\x01" + mac2str(mac)))
    sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255")
          / UDP(sport=68, dport=67) / BOOTP(op=1, chaddr=mac2str(mac), xid=xid, ciaddr="0.0.0.0")
          / DHCP(options=opts + ["end"]), iface=iface)
    sn.join()
    res = sn.results
    if not res:
        out.append(None)
        continue
    p = res[0]
    o = dict(x for x in p[DHCP].options if isinstance(x, tuple) and len(x) == 2)
    out.append({"type": o.get("message-type"), "yiaddr": p[BOOTP].yiaddr,
                "server_id": o.get("server_id")})
print(json.dumps(out))
'''

# Malformed and hostile packets with scapy: argv iface, source MAC.
MALFORMED = r'''
import random, struct, sys, threading
from scapy.all import Ether, IP, UDP, BOOTP, DHCP, Raw, AsyncSniffer, sendp, conf, mac2str
conf.verb = 0
iface, mac = sys.argv[1], sys.argv[2]
COOKIE = b"\x63\x82\x53\x63"
rnd = random.Random(20240605)

def hdr(op=1, htype=1, hlen=6, xid=0x5eed, flags=0, ciaddr=b"\0" * 4, giaddr=b"\0" * 4,
        chaddr=mac2str(mac), sname=b"", file=b""):
    return (struct.pack("!BBBBIHH", op, htype, hlen, 0, xid, 0, flags) + ciaddr
            + b"\0" * 8 + giaddr + chaddr.ljust(16, b"\0")[:16]
            + sname.ljust(64, b"\0")[:64] + file.ljust(128, b"\0")[:128])

def dhcp(opts, **kw):
    return hdr(**kw) + COOKIE + bytes(opts)

DISCOVER = [53, 1, 1]
loop = [52, 1, 3, 255]                     # "options continue in file and sname"
every = list(range(1, 255))
big = [224, 255] + [0x41] * 255
pkts = [
    b"", b"\x01", hdr()[:100], hdr()[:235],
    hdr(),                                   # BOOTP, no magic cookie
    hdr() + COOKIE[:3],                      # torn cookie
    hdr() + COOKIE,                          # DHCP without options
    dhcp([53]), dhcp([53, 1]), dhcp([53, 255, 1]), dhcp([53, 0, 255]),
    dhcp(DISCOVER + [12]), dhcp(DISCOVER + [12, 200, 0x41]),
    dhcp(DISCOVER + [61, 0, 255]), dhcp(DISCOVER + [61, 200] + [1] * 10),
    dhcp([53, 1, 3, 50, 3, 1, 2, 3, 54, 2, 1, 2, 255]),      # bad address lengths
    dhcp([53, 1, 3, 50, 4, 10, 9, 9, 9, 54, 4, 192, 168, 122, 1, 255], ciaddr=b"\xff" * 4),
    dhcp(DISCOVER + [57, 2, 0, 0, 55, 254] + every + [255]),  # max size 0, wants all
    dhcp(DISCOVER + [57, 2, 1, 0, 55, 254] + every + [255]),  # max size 256
    dhcp(DISCOVER + [57, 1, 5, 255]),
    dhcp(DISCOVER + loop, sname=bytes(loop), file=bytes(loop)),
    dhcp(DISCOVER + [52, 1, 3], sname=bytes([52, 1, 1]), file=bytes([52, 1, 2])),
    dhcp(DISCOVER + [52, 1, 3, 52, 1, 3, 255], sname=b"\x34\x01\x03", file=b"\x34\x01\x03"),
    dhcp(DISCOVER + [52, 1, 1, 255], file=b"\x0c\x7f" + b"A" * 126),   # runs past file
    dhcp(DISCOVER + [52, 1, 2, 255], sname=b"\x0c\xff" + b"B" * 62),   # runs past sname
    dhcp(DISCOVER + [52, 1, 0, 52, 1, 4, 52, 1, 255, 52, 0, 255]),
    dhcp(DISCOVER + [52, 1, 3, 255], sname=b"\x00" * 64, file=b"\x00" * 128),  # no end
    dhcp(DISCOVER + big * 4 + [255]),                               # ~1300 bytes of options
    dhcp([0] * (1472 - 240 - 3) + DISCOVER),                         # 1472 bytes, no end
    dhcp(DISCOVER + [55, 255] + every + [255] * 40),
    dhcp(DISCOVER + [255], op=2),                                   # BOOTREPLY
    dhcp([53, 1, 5, 54, 4, 192, 168, 122, 1, 255], op=2),           # a spoofed ACK
    dhcp(DISCOVER + [255], op=0), dhcp(DISCOVER + [255], op=3),
    dhcp(DISCOVER + [255], hlen=0), dhcp(DISCOVER + [255], hlen=17),
    dhcp(DISCOVER + [255], hlen=255, htype=0),
    dhcp([53, 1, 0, 255]), dhcp([53, 1, 9, 255]), dhcp([53, 1, 13, 255]), dhcp([53, 1, 255, 255]),
    dhcp([53, 1, 4, 50, 4, 192, 168, 122, 150, 255]),                # DECLINE of nothing
    dhcp([53, 1, 7, 255], ciaddr=bytes([192, 168, 122, 150])),       # RELEASE of nothing
    dhcp([53, 1, 8, 255]),                                           # INFORM without ciaddr
    dhcp(DISCOVER + [82, 6, 1, 4, 0, 0, 0, 1, 255], giaddr=bytes([192, 168, 122, 7])),
    dhcp(DISCOVER + [82, 200, 1, 255, 255]),
    # A hostile host name and a 255-byte client id, in a request that may bind.
    dhcp([53, 1, 3, 50, 4, 192, 168, 122, 177, 12, 20] + list(b"a b\n1 2 3 4 5\x00x;$(x)")
         + [61, 255] + [0xff] * 255 + [255], chaddr=b"\x52\x54\x00\xee\xee\x01"),
    dhcp([53, 1, 3, 50, 4, 192, 168, 122, 178, 81, 30, 0, 0, 0] + list(b"\xff\x00..evil\n.name" * 2)[:27]
         + [255], chaddr=b"\x52\x54\x00\xee\xee\x02"),
]
# Random option soup behind a good header, and random byte flips of a DISCOVER.
for i in range(300):
    pkts.append(hdr(xid=i) + COOKIE + bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 1200))))
base = bytearray(dhcp(DISCOVER + [61, 7, 1] + list(mac2str(mac)) + [12, 4] + list(b"fuzz") + [255]))
for i in range(300):
    b = bytearray(base)
    for _ in range(rnd.randrange(1, 8)):
        b[rnd.randrange(236, len(b))] = rnd.randrange(256)
    pkts.append(bytes(b[:rnd.randrange(236, len(b) + 1)]))
frames = [Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255")
          / UDP(sport=68, dport=67) / Raw(p) for p in pkts]
sendp(frames, iface=iface)
# A canary behind them in the same socket queue: its OFFER shows the daemon
# went through every packet above and still answers.
canary = "52:54:00:ee:ee:ca"
ready = threading.Event()
sn = AsyncSniffer(iface=iface, count=1, timeout=5, started_callback=ready.set,
                  lfilter=lambda p: UDP in p and p[UDP].dport == 68 and BOOTP in p
                  and p[BOOTP].op == 2 and p[BOOTP].xid == 0xca0a)
sn.start()
ready.wait(3)
sendp(Ether(src=canary, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255")
      / UDP(sport=68, dport=67) / BOOTP(op=1, chaddr=mac2str(canary), xid=0xca0a)
      / DHCP(options=[("message-type", "discover"), "end"]), iface=iface)
sn.join()
offer = sn.results[0][BOOTP].yiaddr if sn.results else "none"
print(len(frames), offer)
'''

# The storm: DORA for N distinct MACs over a raw packet socket, `window` at a
# time; each ACK is written down ("MAC IP") the moment it arrives. Runs until
# every client is bound or `life` seconds passed. argv: iface out n window life
STORM = r'''
import os, random, select, socket, struct, sys, time
iface, out, n, window, life = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
s.bind((iface, 0))
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
s.setblocking(False)
fd = os.open(out, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
rnd = random.Random()
base = rnd.randrange(1 << 20)
xid0 = rnd.randrange(1 << 31)
COOKIE = b"\x63\x82\x53\x63"

def csum(b):
    s_ = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s_ >> 16:
        s_ = (s_ & 0xffff) + (s_ >> 16)
    return ~s_ & 0xffff

def frame(mac, payload):
    udp = struct.pack("!HHHH", 68, 67, 8 + len(payload), 0) + payload
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, b"\0" * 4, b"\xff" * 4)
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp

def msg(c, typ):
    p = (struct.pack("!BBBBIHH", 1, 1, 6, 0, c["xid"], 0, 0) + b"\0" * 16
         + c["mac"] + b"\0" * 10 + b"\0" * 192 + COOKIE + bytes([53, 1, typ]))
    if typ == 3:
        p += bytes([50, 4]) + c["ip"] + bytes([54, 4]) + c["sid"]
    p += bytes([55, 3, 1, 3, 6, 255])
    return frame(c["mac"], p.ljust(300, b"\0"))

def send(c):
    c["sent"] = time.monotonic()
    c["tries"] += 1
    try:
        s.send(c["pkt"])
    except OSError:
        pass

def parse(d):
    if len(d) < 14 + 20 + 8 + 240 or d[12:14] != b"\x08\x00":
        return None
    ihl = (d[14] & 15) * 4
    if d[14 + 9] != 17:
        return None
    u = 14 + ihl
    if struct.unpack("!H", d[u + 2:u + 4])[0] != 68:
        return None
    b = d[u + 8:]
    if len(b) < 240 or b[0] != 2 or b[236:240] != COOKIE:
        return None
    xid = struct.unpack("!I", b[4:8])[0]
    yi, mac = b[16:20], b[28:34]
    typ, sid, i = None, None, 240
    while i < len(b) and b[i] != 255:
        if b[i] == 0:
            i += 1
            continue
        if i + 1 >= len(b):
            break
        code, ln = b[i], b[i + 1]
        val = b[i + 2:i + 2 + ln]
        if code == 53 and ln == 1:
            typ = val[0]
        elif code == 54 and ln == 4:
            sid = val
        i += 2 + ln
    return xid, typ, yi, sid, mac

active, nxt, acked, naks = {}, 0, 0, 0
end = time.monotonic() + life
while time.monotonic() < end:
    while len(active) < window and nxt < n:
        v = base + nxt
        mac = bytes([0x52, 0x54, 0x01, (v >> 16) & 255, (v >> 8) & 255, v & 255])
        c = {"mac": mac, "xid": (xid0 + nxt) & 0xffffffff, "tries": 0, "state": 1}
        c["pkt"] = msg(c, 1)
        active[c["xid"]] = c
        send(c)
        nxt += 1
    if not active:
        break
    select.select([s], [], [], 0.05)
    while True:
        try:
            d = s.recv(2048)
        except BlockingIOError:
            break
        r = parse(d)
        if not r:
            continue
        xid, typ, yi, sid, mac = r
        c = active.get(xid)
        if c is None or mac != c["mac"]:
            continue
        if typ == 2 and c["state"] == 1 and sid:
            c.update(state=3, ip=yi, sid=sid, tries=0)
            c["pkt"] = msg(c, 3)
            send(c)
        elif typ == 5 and c["state"] == 3:
            os.write(fd, ("%s %s\n" % (":".join("%02x" % x for x in mac),
                                       socket.inet_ntoa(yi))).encode())
            acked += 1
            del active[xid]
        elif typ == 6:
            naks += 1
            del active[xid]
    now = time.monotonic()
    for xid, c in list(active.items()):
        if now - c["sent"] > 0.4:
            if c["tries"] >= 8:
                del active[xid]
            else:
                send(c)
print("acked %d naks %d started %d" % (acked, naks, nxt))
'''


# --- the network under test -------------------------------------------------

class DhcpNet(Topology):
    """A started network plus the guests and client processes of one test."""

    def __init__(self, host, guest_factory, name="default", bridge="virbr0"):
        super().__init__(host, guest_factory, "clients", bridge)
        self.name = name

    def start(self, xml):
        self.host.define(xml)
        self.host.run("start", self.name)
        return self

    # files and verbs ---------------------------------------------------------
    @property
    def lease_path(self):
        return self.host.statedir / self.name / ("%s.leases" % self.name)

    @property
    def status_path(self):
        return self.host.statedir / self.name / ("%s.status" % self.bridge)

    def leases(self):
        try:
            return parse_lease_file(self.lease_path.read_text())
        except FileNotFoundError:
            return {}

    def wait_leases(self, pred, what, timeout=FLUSH_WAIT):
        """Poll the lease file until pred(leases) holds; returns the leases."""
        last = {}

        def check():
            nonlocal last
            last = self.leases()
            return pred(last)
        try:
            wait_for(check, timeout, what)
        except AssertionError as e:
            raise AssertionError("%s\nlease file:\n%s" % (e, self.lease_path.read_text()
                                                          if self.lease_path.exists() else "(none)"))
        return last

    def status(self):
        return json.loads(self.status_path.read_text())

    def leases_json(self):
        return json.loads(self.host.run("leases", self.name, "--json").stdout)

    def leases_table(self):
        return self.host.run("leases", self.name).stdout

    def info(self):
        return self.host.info(self.name)

    def daemon_pid(self):
        return self.host.running_pid(self.name, "Daemon")

    def keeper_pid(self):
        return self.host.running_pid(self.name, "Keeper")

    # guests and clients (plug, popen, udhcpc_bg: Topology) -------------------
    def udhcpc(self, g, *extra, timeout=20):
        """One udhcpc run that exits once bound (-q); returns its bound env."""
        need(UDHCPC, "busybox udhcpc")
        d = self.workdir("udhcpc")
        script = self.script(d, UDHCPC_SCRIPT)
        cp = g.exec(*UDHCPC, "-f", "-q", "-n", "-t", 5, "-T", 1, "-i", "eth0",
                    "-s", script, *extra, check=False, timeout=timeout)
        assert cp.returncode == 0 and (d / "bound.env").exists(), (
            "udhcpc got no lease (exit %d):\n%s%s" % (cp.returncode, cp.stdout, cp.stderr))
        return read_env(d / "bound.env")

    def udhcpc_release(self, g):
        """A resident udhcpc binds, releases (SIGUSR2) and is killed;
        returns the address it had."""
        c = self.udhcpc_bg(g)
        ip = c.wait_event("bound")[1]
        c.signal(signal.SIGUSR2)
        c.wait_event("deconfig", count=2)   # one at start, one at release
        kill_proc(c.proc)
        return ip

    def dhclient(self, g, hostname):
        """dhclient in the foreground (-d) until BOUND; then it is killed."""
        need(DHCLIENT, "isc-dhcp-client (dhclient)")
        d = self.workdir("dhclient")
        script = self.script(d, REASON_SCRIPT)
        conf = d / "dhclient.conf"
        conf.write_text(DHCLIENT_CONF % {"name": hostname})
        p = self.popen(g.ns, [DHCLIENT, "-4", "-d", "-v", "-1", "-cf", conf,
                              "-pf", d / "dhclient.pid", "-lf", d / "dhclient.leases",
                              "-sf", script, "eth0"])
        lease_file = d / "dhclient.leases"

        def bound():
            # dhclient writes its lease file right after running the script.
            return p.poll() is not None or ((d / "BOUND.env").exists() and lease_file.exists()
                                            and "}" in lease_file.read_text())
        try:
            wait_for(bound, 20, "dhclient to bind")
        finally:
            kill_proc(p)
        out = p.stdout.read()
        assert (d / "BOUND.env").exists(), "dhclient got no lease:\n%s" % out
        env = read_env(d / "BOUND.env")
        # Its own lease file says the same as what the script saw.
        assert "fixed-address %s;" % env.get("new_ip_address") in lease_file.read_text()
        return env

    def dhcpcd(self, g, hostname):
        """dhcpcd -1 (one shot), private /run and /var/lib/dhcpcd."""
        need(DHCPCD, "dhcpcd5 (dhcpcd)")
        d = self.workdir("dhcpcd")
        script = self.script(d, REASON_SCRIPT)
        conf = d / "dhcpcd.conf"
        conf.write_text(DHCPCD_CONF % {"name": hostname})
        shell = ("mount -t tmpfs vnetd-test /run && "
                 "mount -t tmpfs vnetd-test /var/lib/dhcpcd && "
                 "exec %s -4 -1 -B -t 15 --config %s --script %s eth0" % (DHCPCD, conf, script))
        p = self.popen(g.ns, ["sh", "-c", shell])
        try:
            out, _ = p.communicate(timeout=25)
        finally:
            kill_proc(p)
        assert (d / "BOUND.env").exists(), "dhcpcd got no lease (exit %s):\n%s" % (
            p.returncode, out)
        return read_env(d / "BOUND.env")

    def scapy(self, g, code, *args, timeout=60):
        cp = g.exec(PY, "-c", code, *args, check=False, timeout=timeout)
        assert cp.returncode == 0, "scapy script failed:\n%s%s" % (cp.stdout, cp.stderr)
        return cp.stdout


def gone(pid):
    """True once pid has exited (a zombie counts as gone)."""
    try:
        return Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


@pytest.fixture
def net(host, guest):
    yield from built(DhcpNet(host, guest))


def started(net, xml=None):
    return net.start(xml or dhcp_xml())


def normalise(kind, env):
    """What a client was given, as {ip, mask, router, dns, domain}."""
    if kind == "udhcpc":
        return {"ip": env.get("ip"), "mask": env.get("subnet"), "router": env.get("router"),
                "dns": env.get("dns"), "domain": env.get("domain"),
                "server": env.get("serverid")}
    return {"ip": env.get("new_ip_address"), "mask": env.get("new_subnet_mask"),
            "router": env.get("new_routers"), "dns": env.get("new_domain_name_servers"),
            "domain": env.get("new_domain_name"),
            "server": env.get("new_dhcp_server_identifier")}


# --- every client gets a lease with the right options ----------------------

@pytest.mark.parametrize("kind", ["udhcpc", "dhclient", "dhcpcd"])
def test_client_gets_lease_with_options(net, kind):
    started(net)
    mac = {"udhcpc": "52:54:00:10:00:01", "dhclient": "52:54:00:10:00:02",
           "dhcpcd": "52:54:00:10:00:03"}[kind]
    hostname = "guest-" + kind
    g = net.plug(mac)
    if kind == "udhcpc":
        env = net.udhcpc(g, "-x", "hostname:" + hostname)
    elif kind == "dhclient":
        env = net.dhclient(g, hostname)
    else:
        env = net.dhcpcd(g, hostname)
    got = normalise(kind, env)
    assert in_range(got["ip"]), "address outside the range: %s" % got
    assert got["mask"] == MASK, got
    assert got["router"] == GW, got
    assert got["dns"] == GW, got
    assert got["domain"] == DOMAIN, got
    assert got["server"] == GW, got

    leases = net.wait_leases(lambda l: mac in l, "a lease line for %s" % mac)
    expiry, ip, name, _cid = leases[mac]
    assert ip == got["ip"]
    assert name == hostname
    assert 3500 < expiry - time.time() <= 3600 + 5, "default lease is 1 hour: %d" % expiry
    rows = [r for r in net.leases_json() if r["mac-address"] == mac]
    assert len(rows) == 1 and rows[0]["ip-address"] == ip and rows[0]["hostname"] == hostname
    table = net.leases_table()
    assert re.search(r"%s\s+ipv4\s+%s/24\s+%s" % (mac, re.escape(ip), hostname), table), table


# --- renew, release, the same address back ----------------------------------

def test_renew_keeps_address_release_frees_it_and_same_address_back(net):
    started(net)
    mac = "52:54:00:20:00:01"
    g = net.plug(mac)
    c = net.udhcpc_bg(g)
    ip = c.wait_event("bound")[1]
    assert in_range(ip)
    first = net.wait_leases(lambda l: l.get(mac, (0, None))[1] == ip, "the lease of %s" % ip)
    assert c.env("bound")["router"] == GW

    time.sleep(1.1)                 # so that a renewal moves the expiry
    c.signal(signal.SIGUSR1)        # renew: a unicast REQUEST from ciaddr
    renewed = c.wait_event("renew")
    assert renewed[1] == ip, "renewal changed the address: %s -> %s" % (ip, renewed[1])
    net.wait_leases(lambda l: mac in l and l[mac][0] > first[mac][0] and l[mac][1] == ip,
                    "the renewal to move the expiry of %s" % ip)

    c.signal(signal.SIGUSR2)        # release
    c.wait_event("deconfig", count=2)   # udhcpc deconfigures at start and at release
    net.wait_leases(lambda l: mac not in l, "the released lease to leave the file")
    assert ip not in [r["ip-address"] for r in net.leases_json()]
    assert ip not in net.leases_table()
    assert all(e["ip-address"] != ip for e in net.status())
    kill_proc(c.proc)

    # The same guest asks again (a plain DISCOVER, no requested address).
    again = net.udhcpc(g)
    assert again["ip"] == ip, "released guest got %s, had %s" % (again["ip"], ip)
    net.wait_leases(lambda l: l.get(mac, (0, None))[1] == ip, "the lease back")


def test_expired_lease_leaves_the_files_and_same_address_back(net):
    started(net, dhcp_xml(lease=(3, "seconds")))
    mac = "52:54:00:20:00:02"
    g = net.plug(mac)
    env = net.udhcpc(g)
    ip = env["ip"]
    assert env["lease"] == "3", env
    leases = net.wait_leases(lambda l: mac in l, "the 3 s lease")
    assert abs(leases[mac][0] - (time.time() + 3)) <= 2, leases[mac]
    # The daemon's timer expires it; the files follow.
    net.wait_leases(lambda l: mac not in l, "the expired lease to leave the file", timeout=8)
    assert all(e["ip-address"] != ip for e in net.status())
    assert net.leases_json() == []
    again = net.udhcpc(g)
    assert again["ip"] == ip, "guest with an expired lease got %s, had %s" % (again["ip"], ip)


# --- ARP probes of a burst of new clients ------------------------------------

def test_burst_of_new_clients_with_probing_all_get_distinct_addresses(net):
    """Probing is on (no --no-probe): new clients arriving at once are each
    probed on an address of their own, so none waits on another's probe.
    A pool of 10 for 8 clients: most would pick the same first free address
    were it not claimed for the first one. Only outcomes are asserted."""
    started(net, dhcp_xml(start="192.168.122.100", end="192.168.122.109", hosts=()))
    macs = ["52:54:00:21:00:%02x" % i for i in range(1, 9)]
    guests = [net.plug(m) for m in macs]
    clients = [net.udhcpc_bg(g) for g in guests]
    got = [c.wait_event("bound", timeout=30)[1] for c in clients]
    assert len(set(got)) == len(got), "two clients got one address: %r" % got
    assert all(100 <= int(a.split(".")[3]) <= 109 for a in got), got
    leases = net.wait_leases(lambda l: all(m in l for m in macs), "the 8 leases")
    assert sorted(leases[m][1] for m in macs) == sorted(got)


# --- static hosts -----------------------------------------------------------

def test_static_host_gets_its_address_and_name(net):
    started(net)
    g = net.plug(STATIC_MAC)
    env = net.udhcpc(g)
    assert env["ip"] == STATIC_IP
    assert env.get("hostname") == STATIC_NAME, "option 12 not the static name: %r" % env
    leases = net.wait_leases(lambda l: STATIC_MAC in l, "the static lease")
    assert leases[STATIC_MAC][1] == STATIC_IP
    assert leases[STATIC_MAC][2] == STATIC_NAME
    assert re.search(r"%s\s+ipv4\s+%s/24\s+%s" % (STATIC_MAC, re.escape(STATIC_IP), STATIC_NAME),
                     net.leases_table())

    # Nobody else gets it, even when asking for it.
    other = net.plug("52:54:00:30:00:02")
    env2 = net.udhcpc(other, "-r", STATIC_IP)
    assert env2["ip"] != STATIC_IP and in_range(env2["ip"]), env2


def test_sighup_rereads_static_hosts(net):
    started(net)
    pid = net.daemon_pid()
    mac, ip, name = "52:54:00:30:00:03", "192.168.122.60", "static2"
    # The daemon re-reads the definition as the unprivileged service user,
    # as it would /etc/vnetd/networks (0755); the fixture's base is 0700.
    os.chmod(net.host.base, 0o755)
    os.chmod(net.host.confdir, 0o755)
    # The definition gains a host; the running daemon learns it on SIGHUP.
    net.host.define(dhcp_xml(hosts=((STATIC_MAC, STATIC_NAME, STATIC_IP), (mac, name, ip))))
    os.kill(pid, signal.SIGHUP)
    time.sleep(0.3)
    assert net.daemon_pid() == pid
    env = net.udhcpc(net.plug(mac))
    assert (env["ip"], env.get("hostname")) == (ip, name), env
    leases = net.wait_leases(lambda l: mac in l, "the new static lease")
    assert leases[mac][1:3] == (ip, name)


# --- INIT-REBOOT with a foreign address -------------------------------------

def test_init_reboot_with_foreign_address_is_naked(net):
    started(net)
    a_mac, b_mac = "52:54:00:40:00:01", "52:54:00:40:00:02"
    a = net.plug(a_mac)
    a_ip = net.udhcpc(a)["ip"]
    net.wait_leases(lambda l: a_mac in l, "A's lease")
    before = net.leases()
    probes = [
        [a_mac, a_ip, 0x1001, True],      # control: A asks for its own address
        [b_mac, "10.9.9.9", 0x1002, False],   # another network's address
        [b_mac, a_ip, 0x1003, False],     # an address another client holds
        [b_mac, "192.168.122.1", 0x1004, False],  # the server's own
    ]
    res = json.loads(net.scapy(a, INIT_REBOOT, "eth0", json.dumps(probes)))
    assert res[0] is not None and res[0]["type"] == 5 and res[0]["yiaddr"] == a_ip, (
        "control INIT-REBOOT of the lease holder was not ACKed: %r" % res[0])
    for probe, r in zip(probes[1:], res[1:]):
        assert r is not None, "no reply to INIT-REBOOT for %s" % probe[1]
        assert r["type"] == 6, "INIT-REBOOT for %s answered %r, not NAK" % (probe[1], r)
        assert r["yiaddr"] == "0.0.0.0" and r["server_id"] == GW, r
    time.sleep(0.4)
    after = net.leases()
    assert b_mac not in after, after
    assert after[a_mac][1] == before[a_mac][1] == a_ip


# --- the lease file and the status JSON list exactly the live leases -------

def test_lease_file_and_status_list_exactly_the_live_leases(net):
    started(net)
    a_mac, b_mac = "52:54:00:50:00:01", "52:54:00:50:00:02"
    a, b = net.plug(a_mac), net.plug(b_mac)
    a_ip = net.udhcpc(a)["ip"]
    b_ip = net.udhcpc(b, "-x", "hostname:bee")["ip"]
    assert a_ip != b_ip
    net.wait_leases(lambda l: set(l) == {a_mac, b_mac}, "two leases")
    # A releases its lease. (busybox 1.35's `udhcpc -q -R` sends no RELEASE,
    # so a resident udhcpc is told to release with SIGUSR2.)
    assert net.udhcpc_release(a) == a_ip
    leases = net.wait_leases(lambda l: set(l) == {b_mac}, "only B's lease")
    expiry, ip, name, cid = leases[b_mac]
    assert (ip, name) == (b_ip, "bee")
    assert cid == "01:" + b_mac     # udhcpc sends 61 = 01 + MAC

    def status_ok():
        st = net.status()
        return st if len(st) == 1 else None
    st = wait_for(status_ok, FLUSH_WAIT, "the status file to follow")
    assert st == [{"ip-address": b_ip, "mac-address": b_mac, "hostname": "bee",
                   "client-id": cid, "expiry-time": expiry}], st
    js = net.leases_json()
    assert len(js) == 1
    assert (js[0]["mac-address"], js[0]["ip-address"], js[0]["expiry-time"]) == (b_mac, b_ip, expiry)
    rows = [l for l in net.leases_table().splitlines()[2:] if l.strip()]
    assert len(rows) == 1 and b_mac in rows[0] and b_ip + "/24" in rows[0], rows


# --- stop then start keeps every lease --------------------------------------

def test_stop_start_keeps_every_lease(net):
    started(net)
    a_mac, b_mac = "52:54:00:60:00:01", "52:54:00:60:00:02"
    a, b = net.plug(a_mac), net.plug(b_mac)
    a_ip = net.udhcpc(a, "-r", "192.168.122.150")["ip"]
    assert a_ip == "192.168.122.150", "a free requested address was not given"
    b_ip = net.udhcpc(b, "-x", "hostname:bee")["ip"]
    s_ip = net.udhcpc(net.plug(STATIC_MAC))["ip"]
    assert s_ip == STATIC_IP
    net.wait_leases(lambda l: len(l) == 3, "three leases")
    text = sorted(net.lease_path.read_text().splitlines())
    table = sorted(net.leases_table().splitlines())
    status = sorted(net.status(), key=lambda e: e["ip-address"])

    net.host.run("stop", "default")
    assert sorted(net.lease_path.read_text().splitlines()) == text
    assert sorted(net.leases_table().splitlines()) == table, "leases differs while stopped"
    net.host.run("start", "default")
    assert sorted(net.lease_path.read_text().splitlines()) == text
    assert sorted(net.leases_table().splitlines()) == table
    assert sorted(net.status(), key=lambda e: e["ip-address"]) == status

    # The bridge was made anew: plug the guests' ports back in (as libvirt
    # re-adds a VM's tap), then they ask again without naming an address.
    for g in (a, b):
        net.host.ip("link", "set", g.host_if, "master", "virbr0")
    assert net.udhcpc(a)["ip"] == a_ip
    assert net.udhcpc(b)["ip"] == b_ip
    leases = net.wait_leases(lambda l: len(l) == 3 and l[a_mac][1] == a_ip, "the same leases")
    assert leases[b_mac][1] == b_ip and leases[b_mac][2] == "bee"


# --- crash consistency ------------------------------------------------------

def test_kill9_during_storm_keeps_every_acked_lease(net):
    # A /16 so that the storm never runs out of addresses.
    net.start(dhcp_xml(addr="10.44.0.1", prefix=16, start="10.44.1.1",
                       end="10.44.250.254", hosts=()))
    g = net.plug("52:54:00:70:00:01")
    rec = net.tmp / "acked.txt"
    rec.write_text("")
    storm = net.popen(g.ns, [PY, "-c", STORM, "eth0", rec, 20000, 32, 20])
    pid = net.daemon_pid()

    def acked():
        if storm.poll() is not None:
            raise AssertionError("storm client ended early:\n%s" % storm.stdout.read())
        return len(rec.read_text().splitlines()) >= 300
    wait_for(acked, 20, "300 ACKs from the storm")
    os.kill(pid, signal.SIGKILL)          # in the middle of the storm
    at_kill = len(rec.read_text().splitlines())
    wait_for(lambda: gone(pid), 5, "the daemon to die")
    time.sleep(0.5)                       # replies already in flight may still land
    kill_proc(storm)
    got = {}
    for line in rec.read_text().splitlines():
        mac, ip = line.split()
        assert got.setdefault(mac, ip) == ip, "%s ACKed two addresses" % mac
    assert len(got) >= at_kill >= 300

    # its supervisor started it again (the bridge stayed); a stop + start as well
    wait_for(lambda: net.info()["Daemon"] not in ("running (pid %d)" % pid, "")
             and net.info()["Daemon"].startswith("running"), 10, "the daemon restarted")
    net.host.run("stop", "default")
    net.host.run("start", "default")
    leases = net.leases()
    missing = {m: ip for m, ip in got.items() if leases.get(m, (0, None))[1] != ip}
    assert not missing, ("%d of %d ACKed leases missing or different after kill -9 + "
                         "restart, e.g. %r" % (len(missing), len(got),
                                               sorted(missing.items())[:5]))
    # Nothing was handed out twice either.
    ips = [v[1] for v in leases.values()]
    assert len(ips) == len(set(ips))
    assert len(net.leases_json()) == len(leases)
    assert len(net.status()) == len(leases)
    # Start folded the journal into the lease file and emptied it.
    assert (net.host.statedir / "default" / "default.journal").stat().st_size == 0
    net.daemon_pid()                      # serving again


# --- malformed packets -------------------------------------------------------

def test_malformed_packets_do_not_crash_the_daemon(net):
    started(net)
    pid = net.daemon_pid()
    g = net.plug("52:54:00:80:00:01")
    n, offer = net.scapy(g, MALFORMED, "eth0", "52:54:00:80:00:01").split()
    assert int(n) > 600
    assert offer != "none", "no OFFER to a good DISCOVER sent right after the bad packets"
    assert in_range(offer), offer
    time.sleep(0.5)
    info = net.info()
    assert info["Daemon"] == "running (pid %d)" % pid, info
    assert info["Keeper"].startswith("running"), info
    # Still serving a normal client.
    good = net.plug("52:54:00:80:00:02")
    env = net.udhcpc(good)
    assert in_range(env["ip"]) and env["router"] == GW
    net.wait_leases(lambda l: "52:54:00:80:00:02" in l, "the good client's lease")
    # Whatever the hostile packets bound, the files stay well-formed.
    time.sleep(0.4)
    for mac, (expiry, ip, name, cid) in net.leases().items():
        assert re.fullmatch(r"[0-9A-Za-z-]{1,63}|\*", name), "unsafe name %r" % name
        assert ip.startswith("192.168.122."), ip
    net.leases_json()
    net.status()
    assert net.daemon_pid() == pid


# --- the serving daemon holds no netlink socket -----------------------------

def socket_inodes(pid):
    out = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        m = re.fullmatch(r"socket:\[(\d+)\]", target)
        if m:
            out.add(int(m.group(1)))
    return out


def netlink_inodes(pid):
    lines = Path("/proc/%d/net/netlink" % pid).read_text().splitlines()
    head = lines[0].split()
    col = head.index("Inode")
    return {int(l.split()[col]) for l in lines[1:] if l.strip()}


def test_daemon_holds_no_netlink_socket(net):
    started(net)
    pid, keeper = net.daemon_pid(), net.keeper_pid()
    # The pid file names the serving daemon.
    assert int((net.host.rundir / "default.pid").read_text().split()[0]) == pid
    nl = netlink_inodes(pid)
    mine = socket_inodes(pid)
    assert mine, "the daemon has no socket at all?"
    assert not (mine & nl), "the serving daemon holds netlink sockets: %s" % sorted(mine & nl)
    # The method works: the keeper listens to nftables over netlink.
    assert socket_inodes(keeper) & netlink_inodes(keeper), "keeper has no netlink socket"
