# SPDX-License-Identifier: GPL-2.0-or-later
"""The live-change section of `make bench`: `vnetd update` and `vnetd reload`.

bench.py calls section_live(b); b needs .vnetd, .base and .cycles. Run on
its own for debugging:

    /usr/bin/python3 tests/bench/live_bench.py --vnetd build/vnetd [--cycles 11]

Layout, in namespaces this module creates and always removes (the root
network namespace is never touched; every `ip` command names a namespace):

    guest ns: 10.97.0.50/24 on a veth whose peer is a port of
    host ns:  bridge vblive0 10.97.0.1/24 (vnetd, forward mode nat),
              uplink veth vbliveu0 203.0.113.2/24, default route via
    up ns:    203.0.113.1/24, a UDP receiver

Figures: the wall time of `vnetd update NAME add ip-dhcp-host ...` (the
whole command: a new process, the control socket, the daemon's change, the
record of what runs; `ip netns exec` into the host namespace is included
and shown on its own line) and of `vnetd reload NAME` where every reload changes
the firewall (the stored definition alternates between a <forward dev> and
none, so each one replaces the nftables table). While the reloads run, the
guest sends numbered UDP datagrams through NAT to the receiver at a steady
rate; lost datagrams and the longest run of missing numbers show whether
forwarding had a gap. libvirt's net-update (~400 ms) is a quoted reference,
not measured here.
"""

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IP = shutil.which("ip") or "/usr/sbin/ip"
PYTHON = "/usr/bin/python3"
NAME = "livebench"
BRIDGE = "vblive0"
LIBVIRT_NET_UPDATE_MS = 400.0
RATE = 2000                     # datagrams per second during the reloads

XML = """<network>
  <name>%s</name>
  <uuid>3e1f7d9c-9a53-4c2e-8f4e-0c6f2b8a1d01</uuid>
  <forward mode='nat'%s/>
  <bridge name='%s' stp='off' delay='0'/>
  <mac address='52:54:00:97:00:01'/>
  <ip address='10.97.0.1' prefix='24'>
    <dhcp>
      <range start='10.97.0.100' end='10.97.0.200'/>
    </dhcp>
  </ip>
</network>
"""

SENDER = r'''
import socket, sys, time
dst, rate, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
n, t0 = 0, time.monotonic()
while time.monotonic() - t0 < secs:
    due = t0 + n / rate
    now = time.monotonic()
    if due > now:
        time.sleep(due - now)
    try:
        s.sendto(n.to_bytes(4, "big"), (dst, 9999))
    except OSError:
        pass                    # counted as lost: the receiver never sees it
    n += 1
print(n, flush=True)
'''

RECEIVER = r'''
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 9999))
s.settimeout(3)
open(sys.argv[1], "w").write("ready\n")
seen = set()
try:
    while True:
        seen.add(int.from_bytes(s.recv(16)[:4], "big"))
except socket.timeout:
    pass
gap = run = 0
top = max(seen) if seen else -1
for i in range(top + 1):
    run = 0 if i in seen else run + 1
    gap = max(gap, run)
print(len(seen), gap, flush=True)
'''


def run_ok(argv, what):
    cp = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
    if cp.returncode != 0:
        raise RuntimeError("%s failed: %s" % (what, cp.stdout.strip()))
    return cp.stdout


class Layout:
    def __init__(self, vnetd, base):
        tag = "vnetd-liveb-%d" % os.getpid()
        self.host, self.guest, self.up = tag + "-h", tag + "-g", tag + "-u"
        self.vnetd, self.base = vnetd, Path(base)
        self.made = []
        self.procs = []

    def ns_ip(self, ns, *args):
        return run_ok([IP, "-n", ns] + list(args), "ip " + " ".join(map(str, args)))

    def vnetd_argv(self, *args):
        return [IP, "netns", "exec", self.host, self.vnetd, "--confdir", self.base / "conf",
                "--rundir", self.base / "run", "--statedir", self.base / "state"] + list(args)

    def vnetd_ms(self, *args):
        argv = [str(a) for a in self.vnetd_argv(*args)]
        t0 = time.perf_counter()
        cp = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ms = (time.perf_counter() - t0) * 1000.0
        if cp.returncode != 0:
            raise RuntimeError("vnetd %s: %s" % (" ".join(map(str, args)), cp.stdout))
        return ms

    def build(self):
        for ns in (self.host, self.guest, self.up):
            run_ok([IP, "netns", "add", ns], "ip netns add")
            self.made.append(ns)
            self.ns_ip(ns, "link", "set", "lo", "up")
        for d in ("conf", "run", "state"):
            (self.base / d).mkdir(parents=True, exist_ok=True)
        self.ns_ip(self.host, "link", "add", "vbliveu0", "type", "veth", "peer", "name",
                   "up0", "netns", self.up)
        self.ns_ip(self.host, "addr", "add", "203.0.113.2/24", "dev", "vbliveu0")
        self.ns_ip(self.host, "link", "set", "vbliveu0", "up")
        self.ns_ip(self.host, "route", "add", "default", "via", "203.0.113.1")
        self.ns_ip(self.up, "addr", "add", "203.0.113.1/24", "dev", "up0")
        self.ns_ip(self.up, "link", "set", "up0", "up")

    def plug_guest(self):
        self.ns_ip(self.host, "link", "add", "vblivg0", "type", "veth", "peer", "name",
                   "eth0", "netns", self.guest)
        self.ns_ip(self.host, "link", "set", "vblivg0", "master", BRIDGE, "up")
        self.ns_ip(self.guest, "addr", "add", "10.97.0.50/24", "dev", "eth0")
        self.ns_ip(self.guest, "link", "set", "eth0", "up")
        self.ns_ip(self.guest, "route", "add", "default", "via", "10.97.0.1")

    def popen(self, ns, code, *args):
        p = subprocess.Popen([IP, "netns", "exec", ns, PYTHON, "-c", code] +
                             [str(a) for a in args], stdout=subprocess.PIPE, text=True)
        self.procs.append(p)
        return p

    def teardown(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        if self.made:
            subprocess.run([str(a) for a in self.vnetd_argv("stop", NAME)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for ns in reversed(self.made):
            for sig in (signal.SIGTERM, signal.SIGKILL):
                cp = subprocess.run([IP, "netns", "pids", ns], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True)
                for pid in [int(x) for x in cp.stdout.split() if x.isdigit()]:
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
            subprocess.run([IP, "netns", "del", ns])
        self.made = []


def row(label, samples, ref=None):
    med = statistics.median(samples)
    vs = ""
    if ref:
        vs = "%.0fx faster than %.0f ms (reference)" % (ref / med, ref)
    print("%-34s %7.2f ms %6.2f ms %6.2f ms  %s" % (label, med, min(samples), max(samples), vs))


def measure_updates(lay, cycles):
    adds, deletes = [], []
    for i in range(cycles):
        frag = "<host mac='52:54:00:97:10:%02x' name='h%d' ip='10.97.0.%d'/>" % (i, i, 10 + i)
        adds.append(lay.vnetd_ms("update", NAME, "add", "ip-dhcp-host", frag))
        deletes.append(lay.vnetd_ms("update", NAME, "delete", "ip-dhcp-host", frag))
    return adds, deletes


def measure_reloads(lay, cycles):
    """Reloads that each replace the firewall, with traffic through NAT meanwhile."""
    stored = lay.base / "conf" / "networks" / (NAME + ".xml")
    log = lay.base / "receiver.log"
    log.write_text("")
    recv = lay.popen(lay.up, RECEIVER, log)
    deadline = time.monotonic() + 5
    while "ready" not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    secs = 2.0 + cycles * 0.25
    send = lay.popen(lay.guest, SENDER, "203.0.113.1", RATE, secs)
    time.sleep(1.0)                 # traffic flows before the first reload
    times = []
    for i in range(cycles):
        stored.write_text(XML % (NAME, " dev='vbliveu0'" if i % 2 == 0 else "", BRIDGE))
        times.append(lay.vnetd_ms("reload", NAME))
        time.sleep(0.2)
    sent = int(send.stdout.readline() or 0)
    got, gap = (int(x) for x in (recv.stdout.readline() or "0 0").split())
    return times, sent, got, gap


def section_live(b, cycles=None):
    """update and reload timings; forwarded traffic across reloads."""
    cycles = cycles or b.cycles
    lay = Layout(b.vnetd, Path(b.base) / "live")
    try:
        lay.build()
        (lay.base / "def.xml").write_text(XML % (NAME, "", BRIDGE))
        lay.vnetd_ms("define", lay.base / "def.xml")
        lay.vnetd_ms("start", NAME)
        lay.plug_guest()
        netns_exec = [lay.vnetd_ms("--version") for _ in range(cycles)]
        adds, deletes = measure_updates(lay, cycles)
        times, sent, got, gap = measure_reloads(lay, cycles)
    except RuntimeError as e:
        print("\n== live changes: failed: %s" % e)
        return
    finally:
        lay.teardown()
    print("\n== live changes (%d runs each; each reload replaces the nftables table)" % cycles)
    print("%-34s %9s %9s %9s  %s" % ("", "median", "min", "max", "vs reference"))
    row("vnetd update add ip-dhcp-host", adds, LIBVIRT_NET_UPDATE_MS)
    row("vnetd update delete ip-dhcp-host", deletes)
    row("vnetd reload (firewall change)", times)
    row("  (of which ip netns exec + exec)", netns_exec)
    print("   UDP through NAT during the reloads: %d sent at %d/s, %d received, %d lost, "
          "longest gap %d datagrams (%.1f ms)" % (sent, RATE, got, sent - got, gap,
                                                 gap * 1000.0 / RATE))
    print("   reference: libvirt `virsh net-update ... ip-dhcp-host` ~%.0f ms -- a quoted "
          "figure, not measured here." % LIBVIRT_NET_UPDATE_MS)


class _Args:
    pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vnetd", default=os.environ.get("VNETD"))
    ap.add_argument("--cycles", type=int, default=11)
    args = ap.parse_args()
    b = _Args()
    b.vnetd = os.path.abspath(args.vnetd)
    b.cycles = args.cycles
    b.base = tempfile.mkdtemp(prefix="vnetd-liveb.", dir="/var/tmp")
    try:
        section_live(b)
    finally:
        shutil.rmtree(b.base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
