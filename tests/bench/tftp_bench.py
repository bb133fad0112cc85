# SPDX-License-Identifier: GPL-2.0-or-later
"""The TFTP section of `make bench`: one 64 MiB file fetched from vnetd's
TFTP server and from dnsmasq's, side by side.

bench.py calls section_tftp(b); b needs only .vnetd and .base. On its own:

    /usr/bin/python3 tests/bench/tftp_bench.py --vnetd build/vnetd

Layout, built afresh for each server, in namespaces this module creates
and always removes (the root network namespace is never touched):

    client ns: curl, 10.97.0.2/24 on a veth whose peer is a port of
    host ns: bridge vbtftp0 10.97.0.1/24, vnetd or dnsmasq serving ROOT

The client is curl (its TFTP client asks for blksize and tsize; the same
client for both servers), fetching ROOT/big to /dev/null, RUNS times after
one warm-up (the file is then in the page cache for both). The server is
pinned to one CPU and curl to the other. Reported: the median throughput,
and the server's CPU time (utime + stime of every process in the host
namespace) per MiB sent.
"""

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cpustat import TASKSET, pinned, proc_cpu_s

IP = shutil.which("ip") or "/usr/sbin/ip"
DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
CURL = shutil.which("curl") or "/usr/bin/curl"

NET, BRIDGE = "tftpbench", "vbtftp0"
SERVER_ADDR, CLIENT_ADDR, PREFIX = "10.97.0.1", "10.97.0.2", 24
SIZE_MIB = 64
RUNS = 3
BLKSIZES = (512, 1468)                  # RFC 1350's default, and the most 1500 bytes carry

XML = """<network>
  <name>%s</name>
  <bridge name='%s' stp='off' delay='0'/>
  <ip address='%s' prefix='%d'>
    <tftp root='%%s'/>
  </ip>
</network>
""" % (NET, BRIDGE, SERVER_ADDR, PREFIX)


def run_ok(argv, what):
    cp = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True, timeout=120)
    if cp.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (what, cp.returncode, cp.stdout.strip()))
    return cp.stdout


class Layout:
    def __init__(self, tag):
        base = "vnetd-tftpb-%d-%s" % (os.getpid(), tag)
        self.host, self.client = base + "-h", base + "-c"
        self.made = []

    def exec(self, ns, argv):
        return [IP, "netns", "exec", ns] + [str(a) for a in argv]

    def pids(self, ns):
        cp = subprocess.run([IP, "netns", "pids", ns], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
        return [int(p) for p in cp.stdout.split() if p.isdigit()]

    def build(self):
        for ns in (self.host, self.client):
            run_ok([IP, "netns", "add", ns], "ip netns add")
            self.made.append(ns)
            run_ok([IP, "-n", ns, "link", "set", "lo", "up"], "ip link set lo up")

    def bridge(self):
        run_ok([IP, "-n", self.host, "link", "add", BRIDGE, "type", "bridge", "stp_state", "0",
                "forward_delay", "0"], "ip link add bridge")
        run_ok([IP, "-n", self.host, "addr", "add", "%s/%d" % (SERVER_ADDR, PREFIX), "dev",
                BRIDGE], "ip addr add")
        run_ok([IP, "-n", self.host, "link", "set", BRIDGE, "up"], "ip link set up")

    def plug_client(self):
        run_ok([IP, "-n", self.host, "link", "add", "vbtftpc0", "type", "veth", "peer", "name",
                "vbtftpc1", "netns", self.client], "ip link add veth")
        run_ok([IP, "-n", self.host, "link", "set", "vbtftpc0", "master", BRIDGE, "up"],
               "ip link set master")
        run_ok([IP, "-n", self.client, "addr", "add", "%s/%d" % (CLIENT_ADDR, PREFIX), "dev",
                "vbtftpc1"], "ip addr add client")
        run_ok([IP, "-n", self.client, "link", "set", "vbtftpc1", "up"], "ip link set up")

    def teardown(self):
        for ns in reversed(self.made):
            for sig in (signal.SIGTERM, signal.SIGKILL):
                for pid in self.pids(ns):
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                deadline = time.monotonic() + 2
                while self.pids(ns) and time.monotonic() < deadline:
                    time.sleep(0.05)
            subprocess.run([IP, "netns", "del", ns])
        self.made = []


class Vnetd:
    label = "vnetd"

    def __init__(self, b, work, cpu):
        self.b, self.work, self.cpu = b, work, cpu

    def argv(self, *args):
        return [self.b.vnetd, "--confdir", self.work / "conf", "--rundir", self.work / "run",
                "--statedir", self.work / "state"] + list(args)

    def start(self, lay, root):
        for d in ("conf", "run", "state"):
            (self.work / d).mkdir(parents=True)
        xml = self.work / "net.xml"
        xml.write_text(XML % root)
        run_ok(lay.exec(lay.host, self.argv("define", xml)), "vnetd define")
        run_ok(lay.exec(lay.host, pinned(self.cpu, self.argv("start", NET))), "vnetd start")

    def stop(self, lay):
        subprocess.run(lay.exec(lay.host, self.argv("stop", NET)), stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=60)


class Dnsmasq:
    """dnsmasq as libvirt runs it for <tftp root>: enable-tftp, tftp-root,
    bound to the bridge; no DNS (port 0) and no DHCP, like the vnetd network
    here serves neither to this client."""
    label = "dnsmasq"

    def __init__(self, b, work, cpu):
        self.b, self.work, self.cpu = b, work, cpu
        self.proc = None

    def start(self, lay, root):
        self.work.mkdir(parents=True)
        lay.bridge()
        argv = [DNSMASQ, "--no-daemon", "--conf-file=/dev/null", "--port=0",
                "--bind-interfaces", "--interface=" + BRIDGE, "--except-interface=lo",
                "--enable-tftp", "--tftp-root=%s" % root, "--pid-file=", "--user=nobody"]
        self.log = open(self.work / "dnsmasq.log", "w")
        self.proc = subprocess.Popen(lay.exec(lay.host, pinned(self.cpu, argv)),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        time.sleep(0.3)
        if self.proc.poll() is not None:
            raise RuntimeError("dnsmasq exited at start: %s"
                               % (self.work / "dnsmasq.log").read_text())

    def stop(self, lay):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.log.close()


def server_cpu_s(lay):
    return sum(proc_cpu_s(p) for p in lay.pids(lay.host))


def fetch(lay, cpu, blksize):
    """One fetch: (seconds, bytes)."""
    t0 = time.monotonic()
    out = run_ok(lay.exec(lay.client, pinned(cpu, [
        CURL, "-sS", "--max-time", "120", "--tftp-blksize", str(blksize), "-o", "/dev/null",
        "-w", "%{size_download}", "tftp://%s/big" % SERVER_ADDR])), "curl")
    return time.monotonic() - t0, int(out.strip() or 0)


def measure(b, cls, root, cpus, blksize):
    lay = Layout(cls.label)
    work = Path(tempfile.mkdtemp(prefix="tftp-%s-" % cls.label, dir=b.base))
    server = cls(b, work / "srv", cpus[0])
    try:
        lay.build()
        server.start(lay, root)
        lay.plug_client()
        fetch(lay, cpus[1], blksize)            # warm-up: the page cache, ARP
        rates, cpu_per_mib = [], []
        for _ in range(RUNS):
            c0 = server_cpu_s(lay)
            secs, n = fetch(lay, cpus[1], blksize)
            c1 = server_cpu_s(lay)
            if n != SIZE_MIB << 20:
                raise RuntimeError("%s sent %d bytes of %d" % (cls.label, n, SIZE_MIB << 20))
            rates.append(SIZE_MIB / secs)
            cpu_per_mib.append((c1 - c0) * 1000.0 / SIZE_MIB)
        server.stop(lay)
        return statistics.median(rates), statistics.median(cpu_per_mib)
    finally:
        lay.teardown()


def section_tftp(b):
    for tool in (DNSMASQ, CURL, TASKSET):
        if not os.access(tool, os.X_OK):
            print("\n== TFTP: skipped, %s not installed (make deps-bench)" % tool)
            return
    allowed = sorted(os.sched_getaffinity(0))
    cpus = (allowed[0], allowed[1]) if len(allowed) >= 2 else (None, None)
    root = Path(tempfile.mkdtemp(prefix="tftp-root-", dir=b.base))
    os.chmod(root, 0o755)
    os.chmod(b.base, 0o755)
    big = root / "big"
    with open(big, "wb") as f:
        for _ in range(SIZE_MIB):
            f.write(os.urandom(1 << 20))
    os.chmod(big, 0o644)
    print("\n== TFTP: curl fetching a %d MiB file (%d runs after a warm-up, median); server "
          "on CPU %s, curl on CPU %s" % (SIZE_MIB, RUNS, cpus[0], cpus[1]))
    print("   blksize  server      MiB/s   CPU ms/MiB")
    results = {}
    for bs in BLKSIZES:
        for cls in (Vnetd, Dnsmasq):
            rate, cpu = measure(b, cls, root, cpus, bs)
            results[(cls.label, bs)] = (rate, cpu)
            print("   %7d  %-8s %8.1f %12.1f" % (bs, cls.label, rate, cpu))
        v, d = results[("vnetd", bs)], results[("dnsmasq", bs)]
        print("            vnetd/dnsmasq: %.2fx the throughput, %.2fx the CPU per MiB"
              % (v[0] / d[0], v[1] / d[1] if d[1] else float("nan")))
    print("   CPU ms/MiB: utime+stime of every process in the server's namespace per MiB "
          "(softirq not included); curl's TFTP client (window 1) for both.")


class _Bench:
    def __init__(self, vnetd, base):
        self.vnetd, self.base = vnetd, base


def main():
    import argparse
    ap = argparse.ArgumentParser(description="TFTP benchmark: vnetd vs dnsmasq (curl)")
    ap.add_argument("--vnetd", default=os.environ.get("VNETD"))
    args = ap.parse_args()
    if not args.vnetd or not os.access(args.vnetd, os.X_OK) or os.geteuid() != 0:
        print("tftp_bench: as root, --vnetd BINARY (or VNETD=)", file=sys.stderr)
        return 1
    sys.stdout.reconfigure(line_buffering=True)
    base = tempfile.mkdtemp(prefix="vnetd-tftpbench.", dir="/var/tmp")
    try:
        section_tftp(_Bench(os.path.abspath(args.vnetd), base))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
