#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`make bench`: vnetd's timings, in a throwaway network namespace.

The outer process makes the namespace and temporary directories, re-executes
this script inside the namespace (`ip netns exec NS python3 bench.py --inner`)
so the timed commands pay no `ip netns exec` of their own, and always removes
the namespace and the directories afterwards.

Sections run in order inside the namespace; each is a function taking a
Bench and printing its own table. Later sections (DNS side by side with
dnsmasq) are added to SECTIONS.

The DHCP section needs a second namespace for the load generator (perfdhcp
plays a relay agent on a veth into the server's bridge); the outer process
makes that one too and removes it with the first. Working files live under
/var/tmp (on disk, not tmpfs): every lease vnetd grants is fdatasync'ed, and
that cost belongs in the figures.
"""

import argparse
import os
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cpustat import TASKSET, busy_pct, cpu_times, pct, pinned, proc_cpu_s, wait_quiet

import dns_bench
import tftp_bench
import live_bench
import loopstat

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
DEFAULT_XML = ROOT / "conf" / "default.xml"
PYTHON = "/usr/bin/python3"
IP = shutil.which("ip") or "/usr/sbin/ip"

# Reference, NOT measured here: libvirt's `virsh net-start default`
# median wall time on a 2-core Debian 12 machine.
LIBVIRT_NET_START_MS = 290.0


class Bench:
    """What a section needs: the binary, private dirs, and how to run vnetd."""

    def __init__(self, vnetd, base, cycles, client_ns=None, dhcp_clients=(200, 1000, 60000),
                 quick=False):
        self.vnetd = vnetd
        self.quick = quick              # short runs: to test the harness, not to quote
        self.results = {}               # what the sections measured, for bench_report
        self.base = Path(base)
        self.cycles = cycles
        self.client_ns = client_ns      # a second namespace, for load generators
        self.dhcp_clients = dhcp_clients
        self.confdir = self.base / "conf"
        self.rundir = self.base / "run"
        self.statedir = self.base / "state"

    def argv(self, *args):
        return [self.vnetd, "--confdir", str(self.confdir), "--rundir", str(self.rundir),
                "--statedir", str(self.statedir)] + [str(a) for a in args]

    def vnetd_run(self, *args):
        """Run vnetd; return its wall time in ms. Fails loudly on error."""
        t0 = time.perf_counter()
        cp = subprocess.run(self.argv(*args), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
        ms = (time.perf_counter() - t0) * 1000.0
        if cp.returncode != 0:
            raise SystemExit("bench: vnetd %s failed (exit %d):\n%s%s"
                             % (" ".join(map(str, args)), cp.returncode,
                                cp.stdout, cp.stderr))
        return ms


def summary(samples):
    return statistics.median(samples), min(samples), max(samples)


def print_table(title, rows, note=None):
    """rows: (label, [ms samples], reference_ms or None)."""
    print("\n== %s" % title)
    print("%-28s %9s %9s %9s  %s" % ("", "median", "min", "max", "vs reference"))
    for label, samples, ref in rows:
        med, lo, hi = summary(samples)
        vs = ""
        if ref:
            r = ref / med
            vs = ("%.1fx faster" % r) if r >= 1 else ("%.1fx slower" % (1 / r))
            vs += " than %.0f ms (reference)" % ref
        print("%-28s %7.2f ms %6.2f ms %6.2f ms  %s" % (label, med, lo, hi, vs))
    if note:
        print(note)


# --- sections ---------------------------------------------------------------

def section_start_stop(b):
    """Wall time of `vnetd start default` and `vnetd stop default`."""
    b.vnetd_run("define", DEFAULT_XML)
    starts, stops = [], []
    for _ in range(b.cycles):
        starts.append(b.vnetd_run("start", "default"))
        stops.append(b.vnetd_run("stop", "default"))
    b.vnetd_run("undefine", "default")
    b.results["start_ms"] = statistics.median(starts)
    print_table("network start/stop (%d cycles, conf/default.xml)" % b.cycles, [
        ("vnetd start default", starts, LIBVIRT_NET_START_MS),
        ("vnetd stop default", stops, None),
    ], note="   reference: libvirt `virsh net-start default` median ~%.0f ms on a\n"
            "   2-core Debian 12 machine -- a quoted figure, not measured here."
            % LIBVIRT_NET_START_MS)


# --- DHCP: perfdhcp against vnetd and dnsmasq -------------------------------
#
# perfdhcp plays a DHCP relay agent in its own namespace, on a veth whose
# other end is a port of the server's bridge: it sends from RELAY_ADDR:67
# with giaddr = RELAY_ADDR (inside the served subnet) to the server's
# address, and the server answers to giaddr:67. Clients are perfdhcp's
# `-R N` distinct MACs, walked in order, each with client id 01+MAC. For the
# 60 000-client figure both servers start from the same lease file holding a
# live lease for each of those clients, so every exchange is served with a
# 60 000-lease table (a warm-up run could not fill dnsmasq's table in
# reasonable time; dnsmasq alone needs ~50 s of CPU to load it). The server
# is pinned to one CPU and perfdhcp to the other.
#
# Rate search per server: one overloading probe, then up to DHCP_MAX_STEPS
# runs bracketing the highest -r with < 1 % of DISCOVERs left without an ACK,
# then that rate must pass a second time (else the next lower one is tried).
# A run during which other programs used our CPUs is flagged and retried
# once: the figures are only as good as the machine is quiet.

PERFDHCP = shutil.which("perfdhcp") or "/usr/sbin/perfdhcp"
DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"

DHCP_NET = "dhcpbench"                  # vnetd's network name
DHCP_BRIDGE = "vbench0"
DHCP_SERVER_ADDR = "10.99.0.1"
DHCP_PREFIX = 16
DHCP_RELAY_ADDR = "10.99.0.2"           # perfdhcp's address = giaddr
DHCP_RANGE = ("10.99.0.10", "10.99.255.250")
DHCP_LEASE_S = 3600                     # both servers' default: 1 hour
DHCP_PERIOD_S = 5                       # one search step
DHCP_PROBE_S = 2                        # the first, overloading, step
DHCP_PROBE_RATE = 40000
DHCP_MAX_STEPS = 6
DHCP_CONFIRM_RUNS = 5                   # runs to confirm the best rate (or a lower one)
DHCP_MIN_EXCHANGES = 100                # low rates run longer, up to DHCP_MAX_PERIOD_S
DHCP_MAX_PERIOD_S = 15
DHCP_LOAD_LIMIT_S = 180                 # dnsmasq needs ~50 s for 60 000 leases
DHCP_DROP_LIMIT = 1.0                   # percent
DHCP_OTHER_MAX = 15.0                   # % of a core used by others: a disturbed step
PERFDHCP_MAC_BASE = (0x00, 0x0C, 0x01, 0x02, 0x03, 0x04)   # perfdhcp's default -b mac=

DHCP_XML = """<network>
  <name>%s</name>
  <bridge name='%s' stp='off' delay='0'/>
  <ip address='%s' prefix='%d'>
    <dhcp>
      <range start='%s' end='%s'/>
    </dhcp>
  </ip>
</network>
""" % (DHCP_NET, DHCP_BRIDGE, DHCP_SERVER_ADDR, DHCP_PREFIX, DHCP_RANGE[0], DHCP_RANGE[1])
# The ARP-probing case gives every offer to a new client, a one-hour lease
# each: a /12 (a million addresses) so that its overloading first step
# cannot fill the pool and leave the later steps nothing to offer.
PROBE_PREFIX = 12
PROBE_RANGE = ("10.96.0.10", "10.111.255.250")
PROBE_XML = DHCP_XML.replace("prefix='%d'" % DHCP_PREFIX, "prefix='%d'" % PROBE_PREFIX) \
    .replace(DHCP_RANGE[0], PROBE_RANGE[0]).replace(DHCP_RANGE[1], PROBE_RANGE[1])


def ip4(text):
    a, b_, c, d = (int(x) for x in text.split("."))
    return a << 24 | b_ << 16 | c << 8 | d


def ip4_text(n):
    return "%d.%d.%d.%d" % (n >> 24, n >> 16 & 255, n >> 8 & 255, n & 255)


DHCP_POOL = ip4(DHCP_RANGE[1]) - ip4(DHCP_RANGE[0]) + 1


def perfdhcp_mac(k):
    """The MAC of perfdhcp's client k (0 <= k < -R): its template plus k,
    added byte by byte from the last octet, without carry (perfdhcp 2.2
    walks k sequentially from 0)."""
    mac = list(PERFDHCP_MAC_BASE)
    i = 5
    while i >= 0:
        mac[i] = (mac[i] + k) & 255
        if k < 256:
            break
        k >>= 8
        i -= 1
    return ":".join("%02x" % x for x in mac)


def preload_leases(n):
    """A dnsmasq-format lease file with a live lease for perfdhcp's first n
    clients. perfdhcp sends a client identifier (61) of 01 + MAC, and a
    server that prefers it over chaddr must find it in the lease."""
    if n == 0:
        return ""
    expiry = int(time.time()) + DHCP_LEASE_S
    first = ip4(DHCP_RANGE[0])
    lines = []
    for k in range(n):
        mac = perfdhcp_mac(k)
        lines.append("%d %s %s * 01:%s\n" % (expiry, mac, ip4_text(first + k), mac))
    return "".join(lines)


def run_ok(argv, what):
    cp = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True, timeout=60)
    if cp.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s\n%s%s" % (
            what, cp.returncode, " ".join(map(str, argv)), cp.stdout, cp.stderr))
    return cp


def proc_status(pid, key):
    """A kB figure from /proc/PID/status (VmHWM, VmRSS), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def sum_status(pids, key):
    """A kB figure summed over processes (None if none of them reports it)."""
    got = [v for v in (proc_status(p, key) for p in pids) if v is not None]
    return sum(got) if got else None


def other_load_pct(t0, t1, cpus, ours_s, wall):
    """CPU time on our cores that neither the server nor perfdhcp used, as a
    percentage of one core: other programs (or kernel threads) disturbing
    the run."""
    cs = [c for c in cpus if c is not None and c in t0 and c in t1]
    if not cs or wall <= 0:
        return None
    task_s = sum(t1[c][2] - t0[c][2] for c in cs) / os.sysconf("SC_CLK_TCK")
    return max(0.0, 100.0 * (task_s - ours_s) / wall)


class VnetdServer:
    label = "vnetd"
    net, bridge, xml = DHCP_NET, DHCP_BRIDGE, DHCP_XML
    probe = False                       # --no-probe, as dnsmasq's --no-ping
    start_opts = ()
    reports_loop = True                 # its event-loop turns (`vnetd stats`)

    def __init__(self, b, work, cpu):
        self.b, self.work, self.cpu = b, work, cpu
        self.conf, self.run, self.state = work / "conf", work / "run", work / "state"
        self.defined = self.started = False
        self.pid = None

    def argv(self, *args):
        return [self.b.vnetd, "--confdir", self.conf, "--rundir", self.run,
                "--statedir", self.state] + list(args)

    def start(self, leases):
        for d in (self.conf, self.run, self.state):
            d.mkdir(parents=True)
        (self.state / (self.net + ".leases")).write_text(leases)
        xml = self.work / (self.net + ".xml")
        xml.write_text(self.xml)
        run_ok(self.argv("define", xml), "vnetd define")
        self.defined = True
        # the serving daemon and its keeper inherit the CPU pin from `start`;
        # --no-probe: no ARP probe before first offers, as dnsmasq's --no-ping
        start = (["start"] + ([] if self.probe else ["--no-probe"]) + list(self.start_opts)
                 + [self.net])
        run_ok(pinned(self.cpu, self.argv(*start)), "vnetd start")
        self.started = True
        self.pid = int((self.run / (self.net + ".pid")).read_text().split()[0])
        return self.bridge

    def all_pids(self):
        """Every process of the network: the pid file's and the run state's."""
        self.counted = sorted(set(["daemon"] + [k for k, _ in self._state_procs()]))
        return sorted(set([self.pid] + self._state_pids()))

    def loop_reset(self):
        loopstat.reset(self.argv(), self.net)

    def loop_stats(self):
        return loopstat.read(self.argv(), self.net)

    def _state_procs(self):
        """[(kind, pid)] of the run state's "daemon pid=N start=T", "keeper
        pid=N ..." and "supervisor pid=N ..." steps."""
        procs = []
        try:
            for line in (self.run / (self.net + ".state")).read_text().splitlines():
                words = line.split()
                if words[:1] in (["daemon"], ["keeper"], ["supervisor"]):
                    for w in words[1:]:
                        k, _, v = w.partition("=")
                        if k == "pid" and v.isdigit() and int(v) > 0:
                            procs.append((words[0], int(v)))
        except OSError:
            pass
        return procs

    def _state_pids(self):
        return [pid for _, pid in self._state_procs()]

    def stop(self):
        problems = []
        if self.started:
            pids = self._state_pids()
            cp = subprocess.run(self.argv("stop", self.net), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=60)
            if cp.returncode != 0:
                problems.append("vnetd stop: %s" % (cp.stderr.strip() or cp.returncode))
                for pid in pids:            # ours: started by this section
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            self.started = False
        if self.defined:
            subprocess.run(self.argv("undefine", self.net), stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL, timeout=60)
            self.defined = False
        subprocess.run([IP, "link", "del", self.bridge], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return problems


class ProcServer:
    """A server this section runs as one foreground process on a bridge of its
    own (dnsmasq, Kea): subclasses give the bridge, the command and the files
    it reads."""
    label = bridge = None
    reports_loop = False

    def __init__(self, b, work, cpu):
        self.b, self.work, self.cpu = b, work, cpu
        self.proc = None
        self.pid = None
        self.bridge_made = False

    def start(self, leases):
        """leases: dnsmasq-format lease lines, converted by write_files."""
        self.work.mkdir(parents=True)
        argv, env = self.write_files(leases)
        run_ok([IP, "link", "add", self.bridge, "type", "bridge"], "ip link add bridge")
        self.bridge_made = True
        self.address_bridge()
        run_ok([IP, "link", "set", self.bridge, "up"], "ip link set up")
        log = self.work / (self.label + ".stderr")
        self.errlog = open(log, "w")
        self.proc = subprocess.Popen(pinned(self.cpu, argv), stdout=self.errlog,
                                     stderr=subprocess.STDOUT, env=env)
        self.pid = self.proc.pid        # taskset execs the server: same process
        time.sleep(0.3)
        if self.proc.poll() is not None:
            self.errlog.flush()
            raise RuntimeError("%s exited at start (%d): %s" % (
                self.label, self.proc.returncode, log.read_text()))
        return self.bridge

    def stop(self):
        problems = []
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    problems.append("%s ignored SIGTERM; killed" % self.label)
                    self.proc.kill()
                    self.proc.wait()
            self.errlog.close()
            self.proc = None
        if self.bridge_made:
            subprocess.run([IP, "link", "del", self.bridge], stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            self.bridge_made = False
        return problems

    def address_bridge(self):
        run_ok([IP, "addr", "add", "%s/%d" % (DHCP_SERVER_ADDR, DHCP_PREFIX), "dev",
                self.bridge], "ip addr add")

    def all_pids(self):
        return [self.pid]

    def loop_reset(self):
        pass

    def loop_stats(self):
        return None


class DnsmasqServer(ProcServer):
    """dnsmasq as libvirt runs it for a network (minus the lease helper script),
    with --no-ping."""
    label = "dnsmasq"
    bridge = "vbench1"

    def write_files(self, leases):
        leasefile = self.work / "dnsmasq.leases"
        leasefile.write_text(leases)
        return [DNSMASQ, "--no-daemon", "--conf-file=/dev/null", "--no-ping", "--no-resolv",
                "--no-hosts", "--port=0", "--interface=" + self.bridge, "--bind-interfaces",
                "--except-interface=lo"] + self.range_args() + [
                "--dhcp-leasefile=%s" % leasefile,
                "--dhcp-authoritative", "--dhcp-no-override",
                "--pid-file=%s" % (self.work / "dnsmasq.pid"), "--user=nobody"], None

    def range_args(self):
        mask = ip4_text((0xFFFFFFFF << (32 - DHCP_PREFIX)) & 0xFFFFFFFF)
        return ["--dhcp-range=%s,%s,%s" % (DHCP_RANGE[0], DHCP_RANGE[1], mask),
                "--dhcp-lease-max=%d" % DHCP_POOL]



def perfdhcp_counts(out, exchange, *keys):
    """Counters ("sent packets", ...) of one of perfdhcp's "Statistics for:
    EXCHANGE" blocks, 0 each when the block is missing."""
    m = re.search(r"Statistics for: %s\*+(.*?)(\*\*\*|\Z)" % exchange, out, re.S)
    found = [m and re.search(r"%s: (\d+)" % k, m.group(1)) for k in keys]
    return [int(f.group(1)) if f else 0 for f in found]


class DhcpResult:
    """One perfdhcp run: sent is the first message of the exchange, acks the
    replies that granted a lease."""
    unit = "DORA"

    def __init__(self, rate, out, wall, srv_cpu, cli_cpu, t0, t1, cpus):
        self.rate = rate
        self.count(out)
        m = re.search(r"Rate: ([0-9.]+) 4-way exchanges/second", out)
        self.xchg_s = float(m.group(1)) if m else 0.0
        self.parsed = bool(self.sent)
        # an exchange counts only when its ACK came back
        self.drop = 100.0 * (1 - self.acks / self.sent) if self.sent else 100.0
        self.wall = wall
        self.srv_us = 1e6 * srv_cpu / self.acks if self.acks else None
        self.srv_busy = busy_pct(t0, t1, cpus[0])
        self.cli_busy = busy_pct(t0, t1, cpus[1])
        self.other = other_load_pct(t0, t1, cpus, srv_cpu + cli_cpu, wall)
        self.out = out

    @property
    def ok(self):
        return self.parsed and self.drop < DHCP_DROP_LIMIT

    def remark(self):
        return ""

    def count(self, out):
        self.sent, self.offers = perfdhcp_counts(out, "DISCOVER-OFFER", "sent packets",
                                                 "received packets")
        self.requests, self.acks = perfdhcp_counts(out, "REQUEST-ACK", "sent packets",
                                                   "received packets")


class DhcpCase:
    """One server at one client count: plug perfdhcp in, search the rate.
    The DHCPv6 section's subclass changes the attributes below."""
    result_class = DhcpResult
    period_s, probe_s, probe_rate = DHCP_PERIOD_S, DHCP_PROBE_S, DHCP_PROBE_RATE
    max_steps, confirm_runs = DHCP_MAX_STEPS, DHCP_CONFIRM_RUNS
    max_period_s, load_limit_s = DHCP_MAX_PERIOD_S, DHCP_LOAD_LIMIT_S
    quiet_wait_s = 15.0                 # the longest wait for a quiet machine

    def __init__(self, b, server, clients, cpus):
        self.b, self.server, self.clients, self.cpus = b, server, clients, cpus
        self.veth = "vbdhcp0"           # in the server's namespace
        self.peer = "vbdhcp1"
        self.steps = []
        self.best = None
        self.hwm_kb = self.rss_kb = None
        self.error = None
        self.background = 0.0
        self.ready_s = None

    def plug(self, bridge):
        ns = self.b.client_ns
        run_ok([IP, "link", "add", self.veth, "type", "veth", "peer", "name", self.peer,
                "netns", ns], "ip link add veth")
        run_ok([IP, "link", "set", self.veth, "master", bridge, "up"], "ip link set master")
        run_ok([IP, "-n", ns, "addr", "add", "%s/%d" % (DHCP_RELAY_ADDR, DHCP_PREFIX), "dev",
                self.peer], "ip addr add (client)")
        run_ok([IP, "-n", ns, "link", "set", self.peer, "up"], "ip link set up (client)")

    def unplug(self):
        subprocess.run([IP, "link", "del", self.veth], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)

    def wait_idle(self, limit_s=20.0):
        """Let the server finish what it has queued (a step's backlog, loading
        its lease file); return when it is idle, or False after limit_s."""
        deadline = time.monotonic() + limit_s
        last = proc_cpu_s(self.server.pid)
        while time.monotonic() < deadline:
            time.sleep(0.3)
            now = proc_cpu_s(self.server.pid)
            if now - last < 0.02:
                return True
            last = now
        return False

    def perfdhcp_argv(self, rate, period):
        return [PERFDHCP, "-4", "-l", DHCP_RELAY_ADDR, "-L", "67", "-R", str(self.clients),
                "-r", str(rate), "-p", str(period), DHCP_SERVER_ADDR]

    def leases(self):
        """The lease file both servers start from (the large counts only)."""
        return preload_leases(self.clients if self.clients > 1000 else 0)

    def perfdhcp(self, rate, period):
        rate = int(rate)
        argv = [IP, "netns", "exec", self.b.client_ns] + pinned(
            self.cpus[1], self.perfdhcp_argv(rate, period))
        self.server.loop_reset()
        srv0 = proc_cpu_s(self.server.pid)
        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = cpu_times()
        w0 = time.monotonic()
        p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            out, _ = p.communicate(timeout=period + 30)
        except subprocess.TimeoutExpired:
            p.kill()
            p.communicate()
            raise RuntimeError("perfdhcp did not finish (rate %d)" % rate)
        except BaseException:           # interrupted: leave no perfdhcp behind
            p.kill()
            p.wait()
            raise
        wall = time.monotonic() - w0
        t1 = cpu_times()
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        srv1 = proc_cpu_s(self.server.pid)
        cli = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
        res = self.result_class(rate, out, wall, srv1 - srv0, cli, t0, t1, self.cpus)
        res.loop = self.server.loop_stats()
        if not res.parsed and p.returncode not in (0, 3):
            raise RuntimeError("perfdhcp failed (exit %d):\n%s" % (p.returncode, out))
        return res

    def step(self, rate, period=None):
        if period is None:
            period = min(self.max_period_s, max(self.period_s,
                                                -(-DHCP_MIN_EXCHANGES // max(1, int(rate)))))
        for attempt in (1, 2):
            self.wait_idle()
            res = self.perfdhcp(rate, period)
            self.steps.append(res)
            disturbed = res.other is not None and res.other > DHCP_OTHER_MAX
            print("   %-8s %6d clients  -r %-6d -> %7.0f %s/s  drops %6.2f%%  "
                  "%7s us/%s  cores: server %s perfdhcp %s other %s%s%s%s" % (
                      self.server.label, self.clients, res.rate, res.xchg_s, res.unit,
                      res.drop, "-" if res.srv_us is None else "%.1f" % res.srv_us, res.unit,
                      pct(res.srv_busy), pct(res.cli_busy), pct(res.other),
                      ("  loop %s ms" % loopstat.fmt(res.loop)) if self.server.reports_loop
                      else "", "  (disturbed)" if disturbed else "", res.remark()))
            # a failure while something else ate our CPUs is not the server's
            # (the probe too: a disturbed probe misleads the whole search)
            if res.ok or not disturbed or attempt == 2:
                return res
            self.wait_quiet_note()
        return res

    def wait_quiet_note(self):
        busy = wait_quiet(self.cpus, limit_s=self.quiet_wait_s)
        if busy > 10.0:
            print("   (other processes still keep a core %.0f%% busy)" % busy)

    def search(self):
        """The highest -r with < 1 % drops, in at most DHCP_MAX_STEPS runs, then
        confirmed by a second run at that rate (a pass that does not repeat is
        luck, not capacity; vnetd's periodic lease-file rewrite makes passes
        depend on when it falls)."""
        probe = self.step(self.probe_rate, self.probe_s)
        rate = max(2.0, 0.75 * probe.xchg_s)
        passes, hi = [], None           # passing results; lowest failing rate
        tried = set()
        for _ in range(self.max_steps):
            rate = float(round_rate(rate))
            if rate in tried:           # the bracket is as narrow as rounding allows
                break
            tried.add(rate)
            res = self.step(rate)
            if res.ok:
                passes.append(res)
            elif hi is None or rate < hi:
                hi = rate
            below = [p.rate for p in passes if hi is None or p.rate < hi]
            lo = max(below) if below else None
            if lo is not None and hi is not None:
                if hi <= lo * 1.08:
                    break
                rate = (lo + hi) / 2
            elif lo is not None:
                # an overloaded server can answer far less than it can serve
                # (dnsmasq's probe rate is near zero): climb fast while far
                # below the probe's rate or while the server's core idles
                idle = res.ok and res.srv_busy is not None and res.srv_busy < 50
                rate = rate * (2.0 if idle or rate < 0.7 * probe.xchg_s else 1.3)
            else:
                rate = rate * 0.6
            if rate < 1:
                break
        # confirm: the best pass must hold on a second run; if it does not,
        # that rate counts as failed and the next lower pass (or a lower
        # rate) gets its turn
        self.best = None
        for _ in range(self.confirm_runs):
            below = [p for p in passes if hi is None or p.rate < hi]
            if below:
                best = max(below, key=lambda p: p.rate)
                again = self.step(best.rate)
                if again.ok:
                    # report the worse of the two runs
                    self.best = best if best.drop >= again.drop else again
                    return
                hi = best.rate
            elif hi is not None and hi > 1:
                rate = float(round_rate(0.6 * hi))
                res = self.step(rate)
                if res.ok:
                    passes.append(res)
                else:
                    hi = rate
            else:
                return

    def run(self):
        problems = []
        self.background = wait_quiet(self.cpus, limit_s=2 * self.quiet_wait_s)
        if self.background > 10.0:
            print("   warning: other processes keep a core %.0f%% busy before %s/%d: "
                  "figures below are disturbed" % (self.background, self.server.label,
                                                   self.clients))
        try:
            leases = self.leases()
            t0 = time.monotonic()
            bridge = self.server.start(leases)
            # ready = started and done loading its leases (dnsmasq loads them
            # after it has started, and serves nobody meanwhile)
            if not self.wait_idle(self.load_limit_s):
                raise RuntimeError("%s still busy %d s after start (loading %d leases?)"
                                   % (self.server.label, self.load_limit_s, self.clients))
            self.ready_s = time.monotonic() - t0
            self.plug(bridge)
            # warm-up: ARP, bridge port, and (small pools) every client's first lease
            warm = None
            for _ in range(3):
                warm = self.perfdhcp(min(self.clients, 500), 1)
                if warm.acks:
                    break
                time.sleep(1)
            if not warm.acks:
                raise RuntimeError("%s answered no request at all (%d %s exchanges "
                                   "begun, %d answered, %d granted); perfdhcp said:\n%s"
                                   % (self.server.label, warm.sent, warm.unit, warm.offers,
                                      warm.acks, warm.out))
            self.search()
            self.hwm_kb = sum_status(self.server.all_pids(), "VmHWM")
            self.rss_kb = sum_status(self.server.all_pids(), "VmRSS")
        except Exception as e:       # report it in the table, keep benchmarking
            self.error = str(e)
        finally:
            self.unplug()
            problems += self.server.stop()
        if problems:
            self.error = ((self.error + "; ") if self.error else "") + "; ".join(problems)
        return self


def round_rate(r):
    """Round a rate: 3456 -> 3500, 123 -> 120, 12345 -> 12500 (steps of 500)."""
    if r < 100:
        return max(1, int(round(r)))
    mag = 10 ** (len(str(int(r))) - 2)
    if r >= 10000:
        mag = 10 ** (len(str(int(r))) - 3) * 5
    return int(round(r / mag) * mag)


def fmt_s(sec):
    return "-" if sec is None else ("%.1f s" % sec if sec >= 1 else "%.0f ms" % (sec * 1000))


def fmt_mb(kb):
    return "-" if kb is None else "%.1f MB" % (kb / 1024.0)


def dhcp_cpus(b, title):
    """The (server, perfdhcp) CPUs, or None when the section cannot run here
    (and says why)."""
    if not b.client_ns:
        print("\n== %s: skipped (no client namespace)" % title)
        return None
    for tool in (PERFDHCP, DNSMASQ, TASKSET):
        if not os.access(tool, os.X_OK):
            print("\n== %s: skipped, %s not installed (make deps-bench)" % (title, tool))
            return None
    allowed = sorted(os.sched_getaffinity(0))
    return (allowed[0], allowed[1]) if len(allowed) >= 2 else (None, None)


def run_dhcp_cases(b, cpus, servers, case_class, tag):
    """Every server at every client count, one after the other:
    {(label, clients): case}."""
    if cpus[0] is None:
        print("   only one CPU: server and perfdhcp share it (figures not comparable)")
    else:
        print("   server pinned to CPU %d, perfdhcp to CPU %d; lease files under %s"
              % (cpus[0], cpus[1], b.base))
    cases = {}
    for n in b.dhcp_clients:
        for cls in servers:
            srv = cls(b, b.base / ("%s-%s-%d" % (tag, cls.label, n)), cpus[0])
            cases[(cls.label, n)] = case_class(b, srv, n, cpus).run()
    return cases


class VnetdProbeServer(VnetdServer):
    """vnetd as `vnetd start` runs it by default: each new client's first
    address is ARP-probed before it is offered."""
    label = "vnetd+probe"
    probe = True
    # Every client of this case is new: left on, the new-client guard (a
    # token bucket of the pool's size every two minutes, ~550/s here) would
    # be what is measured, not the probing.
    start_opts = ("--new-client-rate", "unlimited")
    xml = PROBE_XML


class NewClientsCase(DhcpCase):
    """Every run a batch of clients the server has never seen (perfdhcp's MAC
    template changes from run to run; the lease file starts empty): each
    first offer waits for its address's ARP probe. The runs fill the pool (a
    one-hour lease each), so this case takes few steps."""
    max_steps, confirm_runs = 4, 2
    base_octet = 0x10

    def leases(self):
        return ""

    def search(self):
        DhcpCase.search(self)
        self.probes = loopstat.counter(self.server.argv(), self.server.net, "dhcp_probes")

    def perfdhcp_argv(self, rate, period):
        NewClientsCase.base_octet = (self.base_octet + 1) & 0xFF or 0x10
        mac = list(PERFDHCP_MAC_BASE)
        mac[2] = self.base_octet
        argv = DhcpCase.perfdhcp_argv(self, rate, period)
        return argv[:1] + ["-b", "mac=" + ":".join("%02x" % x for x in mac)] + argv[1:]


def dhcp_servers(b):
    """The servers the dhcp section compares (--dhcp-servers), in order."""
    import kea_bench                    # imported here: it builds on this module
    servers = [VnetdServer, kea_bench.KeaServer, DnsmasqServer]
    if not kea_bench.KeaServer.available():
        print("   Kea (kea-dhcp4) not installed: its rows are missing (make deps-bench)")
        servers.remove(kea_bench.KeaServer)
    want = getattr(b, "dhcp_server_labels", None)
    return tuple(s for s in servers if want is None or s.label in want), kea_bench


def section_dhcp(b):
    """perfdhcp (relay mode) against vnetd, Kea and dnsmasq, N distinct clients,
    then vnetd with ARP probing on for new clients."""
    cpus = dhcp_cpus(b, "DHCP")
    if cpus is None:
        return
    t0 = time.monotonic()
    print("\n== DHCP: perfdhcp in relay mode (giaddr %s, subnet %s/%d, pool %d), "
          "%d s runs" % (DHCP_RELAY_ADDR, DHCP_SERVER_ADDR, DHCP_PREFIX, DHCP_POOL,
                         DhcpCase.period_s))
    print("   machine at the start: %s" % machine_state())
    servers, kea_bench = dhcp_servers(b)
    cases = run_dhcp_cases(b, cpus, servers, DhcpCase, "dhcp")
    n_new = max(b.dhcp_clients)
    srv = VnetdProbeServer(b, b.base / ("dhcp-probe-%d" % n_new), cpus[0])
    probe = NewClientsCase(b, srv, n_new, cpus).run()
    notes = ["   vnetd: isolated network (its nftables table loaded), --no-probe, every lease "
             "fdatasync'ed before its ACK (group commit);",
             "   its peak RSS sums every process of the network the run state names (counted "
             "here: %s; `vnetd start` itself has exited)." % counted(cases),
             "   dnsmasq %s: --no-ping, as libvirt runs it but without libvirt's "
             "lease helper script." % dnsmasq_version()]
    if kea_bench.KeaServer in servers:
        notes.append(kea_bench.NOTE % kea_bench.version())
    if max(b.dhcp_clients) > 1000:
        notes.append("   %d clients: every server starts from the same lease file (Kea: "
                     "the same leases in its CSV), holding a lease for each of them."
                     % max(b.dhcp_clients))
    notes.append("   loop max/p99: vnetd's longest event-loop turn and its 99th percentile "
                 "during the reported run (`vnetd stats --json`, reset before each run; "
                 "n/a: this vnetd does not report them).")
    print_dhcp_results(b, cases, "DHCP: 4-way exchanges (DORA)", "DORA", None, notes)
    print_probe_row(probe)
    dhcp_floors(b, cases)
    print("   machine at the end: %s; DHCP section took %.0f s"
          % (machine_state(), time.monotonic() - t0))
    import bench_report
    bench_report.dhcp_results(b, cases, probe, [s.label for s in servers])


def counted(cases):
    """Which of vnetd's processes the RSS figures summed."""
    kinds = set()
    for c in cases.values():
        kinds.update(getattr(c.server, "counted", ()))
    return ", ".join(sorted(kinds)) or "?"


def machine_state():
    """What else the machine is doing: the figures are ratios from one run on
    whatever the machine was at the time."""
    load = os.getloadavg()
    return "%d CPUs, load average %.2f %.2f %.2f" % (os.cpu_count() or 0, *load)


def print_probe_row(c):
    print("\n== DHCP with ARP probing on (vnetd without --no-probe, --new-client-rate "
          "unlimited, pool %s-%s), %d new clients a run, empty lease file"
          % (PROBE_RANGE[0], PROBE_RANGE[1], c.clients))
    c.probes = getattr(c, "probes", None)
    if c.best is None:
        print("   vnetd+probe: -   %s" % (c.error or "no rate with < %g %% drops"
                                         % DHCP_DROP_LIMIT))
        return
    r = c.best
    print("   vnetd+probe: %.0f DORA/s, %.2f%% drops, %.1f us CPU/DORA, loop max/p99 %s ms"
          % (r.xchg_s, r.drop, r.srv_us or 0, loopstat.fmt(r.loop)))
    print("   offers that waited for an ARP probe, over all %d runs: %s (`vnetd stats`: "
          "dhcp_probes; an offer with no probe slot free goes out unprobed)"
          % (len(c.steps), "n/a" if c.probes is None else c.probes))


def dhcp_floors(b, cases):
    """Issue 18's DHCP floors, checked against this run's figures."""
    lo, hi = min(b.dhcp_clients), max(b.dhcp_clients)
    v_lo, v_hi = cases[("vnetd", lo)].best, cases[("vnetd", hi)].best
    k_hi = cases.get(("Kea", hi))
    k_hi = k_hi.best if k_hi else None
    if not v_lo or not v_hi or lo == hi:
        return
    out = ["at %d clients %.0f%% of its own rate at %d (floor 80%%)"
           % (hi, 100.0 * v_hi.xchg_s / v_lo.xchg_s, lo)]
    if v_lo.srv_us and v_hi.srv_us:
        out.append("CPU/DORA %.2fx that at %d (floor <= 1.5x)" % (v_hi.srv_us / v_lo.srv_us, lo))
    if k_hi:
        out.append("%.2fx Kea's rate at %d (floor >= 1x)" % (v_hi.xchg_s / k_hi.xchg_s, hi))
    turns = loopstat.worst([s.loop for n in b.dhcp_clients for s in cases[("vnetd", n)].steps])
    out.append("longest loop turn over all its runs: %s ms (floor <= 10 ms)"
               % loopstat.fmt_ms(turns and turns["max_us"]))
    print("   vnetd against issue 18's floors: " + ";\n      ".join(out))


def server_labels(cases):
    """The servers of a results table, in the order they ran."""
    labels = []
    for label, _ in cases:
        if label not in labels:
            labels.append(label)
    return labels


def print_dhcp_rows(b, cases, unit, target_of):
    """The table's rows: each server at each client count, then vnetd's
    ratios to each other server."""
    labels = server_labels(cases)
    for n in b.dhcp_clients:
        for label in labels:
            c = cases[(label, n)]
            if c.best is None:
                lowest = min(s.rate for s in c.steps) if c.steps else 0
                why = c.error or ("no rate with < %g %% drops twice in a row (lowest "
                                  "tried: -r %d)" % (DHCP_DROP_LIMIT, lowest))
                print("%8d  %-8s %9s %7s %11s %9s %8s %11s   %s" % (
                    n, label, "-", "-", "-", fmt_mb(c.hwm_kb), fmt_s(c.ready_s), "-", why))
                continue
            r = c.best
            print("%8d  %-8s %9.0f %6.2f%% %8.1f us %9s %8s %11s   %s / %s" % (
                n, label, r.xchg_s, r.drop, r.srv_us or 0, fmt_mb(c.hwm_kb),
                fmt_s(c.ready_s), loopstat.fmt(r.loop) if label.startswith("vnetd") else "",
                pct(r.srv_busy), pct(r.cli_busy)))
            if c.error:
                print("%8s  %-8s problem: %s" % ("", "", c.error))
            nd = sum(1 for s in c.steps if s.other is not None and s.other > DHCP_OTHER_MAX)
            if nd:
                print("%8s  %-8s (%d of %d runs disturbed by other programs on these CPUs)"
                      % ("", "", nd, len(c.steps)))
        for other in labels[1:]:
            print_ratio(n, cases[(labels[0], n)], cases[(other, n)], unit,
                        target_of and target_of(n))


def print_ratio(n, v, d, unit, target):
    """vnetd's figures over another server's at one client count."""
    if not (v.best and d.best):
        return
    ratio = v.best.xchg_s / d.best.xchg_s
    rss = ("peak RSS %.2fx" % (v.hwm_kb / d.hwm_kb)) if v.hwm_kb and d.hwm_kb else ""
    met = "" if target is None else " (target >= %dx: %s)" % (
        target, "met" if ratio >= target else "NOT met")
    cpu = (v.best.srv_us / d.best.srv_us) if v.best.srv_us and d.best.srv_us else 0
    print("%8s  %s/%s: %.2fx the %s/s%s, CPU/%s %.2fx, %s" % (
        "", v.server.label, d.server.label, ratio, unit, met, unit, cpu, rss))


def print_dhcp_results(b, cases, title, unit, target_of, notes):
    print("\n== %s per second at < %g %% drops" % (title, DHCP_DROP_LIMIT))
    print("%8s  %-8s %9s %7s %11s %9s %8s %11s   %s" % (
        "clients", "server", unit + "/s", "drops", "CPU/" + unit, "peak RSS", "ready",
        "loop max/p99", "core busy: server / perfdhcp"))
    print_dhcp_rows(b, cases, unit, target_of)
    # perfdhcp's own ceiling: its best rate against any server
    bests = [(c.best.xchg_s, c) for c in cases.values() if c.best]
    if bests:
        top, topc = max(bests, key=lambda x: x[0])
        print("   perfdhcp's ceiling here: %.0f %s/s (its best rate at < %g %% drops, "
              "against %s, %d clients)" % (top, unit, DHCP_DROP_LIMIT, topc.server.label,
                                           topc.clients))
        runs = [(s, c) for c in cases.values() for s in c.steps]
        if runs:
            s, c = max(runs, key=lambda x: x[0].xchg_s)
            print("   most exchanges perfdhcp completed in any run: %.0f %s/s (against %s, "
                  "%d clients, -r %d, %.1f %% drops, perfdhcp core %s)"
                  % (s.xchg_s, unit, c.server.label, c.clients, s.rate, s.drop,
                     pct(s.cli_busy).strip()))
        for n in b.dhcp_clients:
            v = cases[("vnetd", n)]
            if v.best:
                # the lowest failing step tells who ran out of CPU first
                fails = [s for s in v.steps if not s.ok and s.rate > v.best.rate]
                f = min(fails, key=lambda s: s.rate) if fails else None
                sat = ""
                if f is not None and f.cli_busy is not None:
                    sat = "; at -r %d (failed): server core %s, perfdhcp core %s" % (
                        f.rate, pct(f.srv_busy).strip(), pct(f.cli_busy).strip())
                    if f.cli_busy >= 95 and (f.srv_busy or 0) < 95:
                        sat += " -- perfdhcp, not vnetd, ran out of CPU"
                    elif (f.srv_busy or 0) < 90 and f.cli_busy < 90:
                        sat += " -- neither core saturated: drops from stalls"
                print("   vnetd at %d clients: %.0f%% of that ceiling%s"
                      % (n, 100.0 * v.best.xchg_s / top, sat))
    print("   RSS at the end (VmRSS): %s" % ", ".join(
        "%s/%d %s" % (c.server.label, c.clients, fmt_mb(c.rss_kb)) for c in cases.values()))
    print("   CPU/%s: the server process's user+system time per completed exchange, with "
          "that of the children it reaped\n   (vnetd's forked lease-file writers; softirq not "
          "included);\n"
          "   peak RSS: VmHWM at the end, summed over the server's processes; ready: from launch until "
          "it has loaded its leases and gone idle;\n"
          "   core busy: whole-core utilisation over the best run, softirq included." % unit)
    for line in notes:
        print(line)


def tool_version(argv, pattern):
    try:
        out = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True).stdout
        m = re.search(pattern, out)
        return m.group(1) if m else "?"
    except OSError:
        return "?"


def dnsmasq_version():
    return tool_version([DNSMASQ, "--version"], r"version (\S+)")


def section_dhcp6(b):
    # imported here: dhcp6_bench builds on this module's DHCP pieces
    import dhcp6_bench
    dhcp6_bench.section_dhcp6(b)


SECTIONS = [
    ("start-stop", section_start_stop),
    ("dhcp", section_dhcp),
    ("dhcp6", section_dhcp6),
    ("dns", lambda b: dns_bench.section_dns(b, seconds=2 if b.quick else dns_bench.RUN_S)),
    ("tftp", tftp_bench.section_tftp),
    ("live", live_bench.section_live),
]


# --- inner: runs inside the namespace ---------------------------------------

def quicken():
    """--quick: short runs and few of them, to try the harness (figures too
    rough to quote)."""
    DhcpCase.period_s, DhcpCase.probe_s = 2, 1
    DhcpCase.max_steps, DhcpCase.confirm_runs, DhcpCase.max_period_s = 2, 1, 3
    NewClientsCase.max_steps, NewClientsCase.confirm_runs = 2, 1
    DhcpCase.quiet_wait_s = 3.0
    import dhcp6_bench
    dhcp6_bench.Dhcp6Case.max_steps, dhcp6_bench.Dhcp6Case.confirm_runs = 2, 1
    tftp_bench.RUNS = 1

def inner(args):
    b = Bench(args.vnetd, args.base, args.cycles, client_ns=args.client_ns,
              dhcp_clients=tuple(int(x) for x in args.dhcp_clients.split(",")),
              quick=args.quick)
    b.dhcp_server_labels = set(args.dhcp_servers.split(","))
    if args.quick:
        quicken()
        b.cycles = min(b.cycles, 3)
    for d in (b.confdir, b.rundir, b.statedir):
        d.mkdir(exist_ok=True)
    chosen = set(args.only.split(",")) if args.only else None
    try:
        for name, fn in SECTIONS:
            if chosen is None or name in chosen:
                fn(b)
        import bench_report
        bench_report.print_summary(b)
        bench_report.write_dhcp_files(b, Path(args.results))
    finally:
        # Whatever a section left running is stopped before the namespace goes.
        if (b.confdir / "networks").is_dir():
            for p in (b.confdir / "networks").glob("*.xml"):
                subprocess.run(b.argv("stop", p.stem), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    return 0


# --- outer: makes and removes the namespace ---------------------------------

def netns_pids(ns):
    cp = subprocess.run([IP, "netns", "pids", ns], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL, text=True)
    return [int(p) for p in cp.stdout.split() if p.isdigit()]


def outer(args):
    vnetd = args.vnetd
    if not vnetd or not os.access(vnetd, os.X_OK):
        print("bench: set VNETD to the vnetd binary (make bench does)", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("bench: needs root (it creates a network namespace)", file=sys.stderr)
        return 1
    if not DEFAULT_XML.is_file():
        print("bench: missing %s" % DEFAULT_XML, file=sys.stderr)
        return 1
    results = Path(args.results)
    results.mkdir(parents=True, exist_ok=True)
    report = open(results / "report.txt", "w")
    ns = "vnetd-bench-%d" % os.getpid()
    client_ns = ns + "-c"               # load generators (perfdhcp)
    # on disk, not tmpfs: lease journals are fdatasync'ed and that is measured
    base = tempfile.mkdtemp(prefix="vnetd-bench.", dir="/var/tmp")
    made = []
    child = None
    began = time.monotonic()
    try:
        for n in (ns, client_ns):
            subprocess.run([IP, "netns", "add", n], check=True)
            made.append(n)
            subprocess.run([IP, "-n", n, "link", "set", "lo", "up"], check=True)
        head = "vnetd bench: %s, namespaces %s %s, %s%s\n" % (
            vnetd, ns, client_ns, time.strftime("%Y-%m-%d %H:%M"), " (--quick)" if args.quick
            else "")
        head += "machine: %s, %s\n" % (os.uname().release, machine_state())
        sys.stdout.write(head)
        report.write(head)
        argv = [IP, "netns", "exec", ns, PYTHON, str(Path(__file__).resolve()), "--inner",
                "--vnetd", vnetd, "--base", base, "--cycles", str(args.cycles),
                "--client-ns", client_ns, "--dhcp-clients", args.dhcp_clients,
                "--results", str(results), "--dhcp-servers", args.dhcp_servers]
        if args.only:
            argv += ["--only", args.only]
        if args.quick:
            argv.append("--quick")
        child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        copy_report(child.stdout, report)
        return child.wait()
    except KeyboardInterrupt:
        if child is not None and child.poll() is None:
            child.terminate()           # the inner run stops what it started
            try:
                child.wait(timeout=60)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        return 130
    finally:
        for n in reversed(made):
            # Only processes in our own namespaces: what vnetd forked there,
            # or a dnsmasq/perfdhcp the inner run could not stop.
            for sig in (signal.SIGTERM, signal.SIGKILL):
                for pid in netns_pids(n):
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                deadline = time.monotonic() + 2
                while netns_pids(n) and time.monotonic() < deadline:
                    time.sleep(0.05)
            subprocess.run([IP, "netns", "del", n])
        shutil.rmtree(base, ignore_errors=True)
        report.write("whole run: %.0f s\n" % (time.monotonic() - began))
        report.close()
        print("bench: whole run %.0f s; report in %s" % (time.monotonic() - began,
                                                          results / "report.txt"))


def copy_report(stream, report):
    """The inner run's output, to the terminal and to report.txt."""
    for line in iter(stream.readline, b""):
        text = line.decode(errors="replace")
        sys.stdout.write(text)
        report.write(text)
        report.flush()


def _interrupted(signum, frame):
    raise KeyboardInterrupt


def main():
    # SIGTERM (and SIGINT even when started in the background, where it is
    # ignored) unwind through the finally blocks that stop servers and remove
    # the namespaces
    signal.signal(signal.SIGTERM, _interrupted)
    signal.signal(signal.SIGINT, _interrupted)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vnetd", default=os.environ.get("VNETD"))
    ap.add_argument("--cycles", type=int, default=11)
    ap.add_argument("--only", help="comma-separated sections: %s"
                    % ",".join(n for n, _ in SECTIONS))
    ap.add_argument("--quick", action="store_true",
                    help="few short runs, to try the harness (figures too rough to quote)")
    ap.add_argument("--results", default=str(ROOT / "bench-results"),
                    help="where report.txt, dhcp.dat and dhcp.png go")
    ap.add_argument("--dhcp-clients", default="200,1000,60000",
                    help="comma-separated perfdhcp -R values for the dhcp section")
    ap.add_argument("--dhcp-servers", default="vnetd,Kea,dnsmasq",
                    help="comma-separated servers for the dhcp and dhcp6 sections (A/B runs of "
                    "two vnetd builds: vnetd alone)")
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--client-ns", help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.vnetd:
        args.vnetd = os.path.abspath(args.vnetd)
    sys.stdout.reconfigure(line_buffering=True)
    # modules that `import bench` get this very module, not a second copy
    sys.modules.setdefault("bench", sys.modules[__name__])
    if not args.inner:
        return outer(args)
    try:
        return inner(args)
    except KeyboardInterrupt:           # stopped by the outer run: already cleaned up
        print("bench: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
