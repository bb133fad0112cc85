# SPDX-License-Identifier: GPL-2.0-or-later
"""The DNS section of `make bench`: dnsperf and dns_blast against vnetd,
dnsmasq and (local names) a stateless responder.

bench.py calls section_dns(b); b needs only .vnetd (the binary) and .base (a
private working directory). Run on its own for debugging:

    /usr/bin/python3 tests/bench/dns_bench.py --vnetd build/vnetd [--seconds 3]

Layout, built afresh for each server (never both at once), in namespaces
this module creates and always removes -- the root network namespace is
never touched (every `ip` command names a namespace):

    client ns: the load generator, 10.98.0.2/16 on a veth whose peer is a port of
    host ns: bridge vbdns0 10.98.0.1/16, vnetd or dnsmasq on its port 53;
             uplink veth vbdnsu0 192.0.2.1/24 to
    upstream ns: 192.0.2.53/24, the fake upstream resolver (a dnsmasq
             answering every *.fwd.test with --address)

Three workloads: a local name (local1.bench.test A, a <dns><host>, answered
from the server's own table; also against dns_responder.c, a stateless
answerer built here, the yardstick), forwarded names (a1.fwd.test ...
a50000.fwd.test A, each distinct, answered by the fake upstream) and one
forwarded name repeated (a1.fwd.test, again and again: the cache's case).
dnsmasq runs as libvirt runs it for such a network (the host record in an
addn-hosts file, domain + expand-hosts, strict-order); for the distinct
forwarded names with --cache-size=0, so that both servers really forward
them, and for the repeated name with its default cache, as libvirt runs it.
vnetd's event-loop turns (longest, p99) are read per run from `vnetd stats
--json` after a `--reset-loop`.

Like with like: vnetd loads its network's nftables table (input accepts for
DNS/DHCP, forward rules, an output chain), and the kernel runs it for every
query and answer -- work of the network, not of the server, and libvirt
loads a firewall for dnsmasq's networks too. So the table vnetd loaded (as
`nft list table` prints it) is loaded unchanged into the host namespace of
dnsmasq and of the responder as well, before they are timed; a run without
it says so in the notes.

The server is pinned to one CPU, the generator and the fake upstream to the
other. For each server and workload: two max-throughput runs with dnsperf
(it keeps DNSPERF_OUTSTANDING queries in flight; the better run is
reported), two with dns_blast (dns_blast.c, built here: as many queries in
flight, but a fraction of dnsperf's CPU per query), and one dnsperf run at
a fixed, moderate rate (latency without queueing). Two generators because
on one core dnsperf's own limit (~200 000 q/s here, its core 99 % busy)
lies below the fastest servers' rate: its figures are what a dnsperf user
sees, dns_blast's are the servers' own limits (whose core runs out first
is printed with every run). CPU per answer is
the server's utime+stime (all processes in its namespace, from
/proc/PID/stat) over the NOERROR answers the generator received. Every other
program's CPU time is summed over each run too (those that lived through it
from /proc/PID/stat, all of them from /proc/stat's task time less ours): a
run where they used more than OTHER_MAX % of a core is marked disturbed and repeated (RERUNS per
server and workload, keeping the section under ~3 minutes).
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cpustat import TASKSET, cpu_times, pct, pinned, proc_cpu_s, wait_quiet
import loopstat

IP = shutil.which("ip") or "/usr/sbin/ip"
NFT = shutil.which("nft") or "/usr/sbin/nft"
DNSPERF = shutil.which("dnsperf") or "/usr/bin/dnsperf"
DNSMASQ = shutil.which("dnsmasq") or "/usr/sbin/dnsmasq"
DIG = shutil.which("dig")

NET = "dnsbench"                        # vnetd's network name
BRIDGE = "vbdns0"
SERVER_ADDR, PREFIX = "10.98.0.1", 16
CLIENT_ADDR = "10.98.0.2"               # the generator's address, inside the subnet
DOMAIN = "bench.test"
LOCAL_NAME, LOCAL_IP = "local1", "10.98.0.50"
UPLINK_ADDR, UP_ADDR, UP_PREFIX = "192.0.2.1", "192.0.2.53", 24    # host side, upstream
FWD_DOMAIN, FWD_ANSWER = "fwd.test", "203.0.113.5"
FWD_NAMES = 50000

RUN_S = 8                               # one max-throughput run
MAX_RUNS = 2                            # ... per server and workload, the best kept
FIXED_S = 5
FIXED_RATE = 10000                      # q/s: well under every server's limit
DNSPERF_CLIENTS = 8
DNSPERF_OUTSTANDING = 100               # under both servers' 150 pending forwards
DNSPERF_TIMEOUT_S = 2
GENERATORS = ("dnsperf", "dns_blast")
OTHER_MAX = 15.0                        # % of a core used by others: a disturbed run
RERUNS = 1                              # disturbed runs repeated, per server and workload

XML = """<network>
  <name>%s</name>
  <bridge name='%s' stp='off' delay='0'/>
  <domain name='%s'/>
  <dns>
    <host ip='%s'><hostname>%s</hostname></host>
  </dns>
  <ip address='%s' prefix='%d'/>
</network>
""" % (NET, BRIDGE, DOMAIN, LOCAL_IP, LOCAL_NAME, SERVER_ADDR, PREFIX)

# (workload, a name dig checks before timing, the address it must get)
WORKLOADS = (
    ("local", "%s.%s" % (LOCAL_NAME, DOMAIN), LOCAL_IP),
    ("forwarded", "a1.%s" % FWD_DOMAIN, FWD_ANSWER),
    ("repeated", "a1.%s" % FWD_DOMAIN, FWD_ANSWER),     # one forwarded name, again and again
)
RESPONDER_SRC = Path(__file__).resolve().parent / "dns_responder.c"
BLAST_SRC = Path(__file__).resolve().parent / "dns_blast.c"
CC = shutil.which("cc") or "/usr/bin/cc"


class Stop(Exception):
    """SIGTERM while the section runs: unwind through the clean-ups."""


# --- small helpers -----------------------------------------------------------

def run_ok(argv, what, timeout=60, env=None):
    cp = subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True, timeout=timeout, env=env)
    if cp.returncode != 0:
        raise RuntimeError("%s failed (exit %d): %s\n%s%s" % (
            what, cp.returncode, " ".join(map(str, argv)), cp.stdout, cp.stderr))
    return cp


def quiet(argv, timeout=60):
    try:
        subprocess.run([str(a) for a in argv], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timeout)
    except (OSError, subprocess.TimeoutExpired):
        pass


def version(argv, pattern):
    try:
        out = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "?"
    m = re.search(pattern, out)
    return m.group(1) if m else "?"


# --- namespaces ----------------------------------------------------------------

class Layout:
    """host, client and upstream namespaces for one server, and their links."""

    def __init__(self, tag):
        base = "vnetd-dnsb-%d-%s" % (os.getpid(), tag)
        self.host, self.client, self.up = base + "-h", base + "-c", base + "-u"
        self.made = []

    def exec(self, ns, argv):
        return [IP, "netns", "exec", ns] + [str(a) for a in argv]

    def pids(self, ns):
        cp = subprocess.run([IP, "netns", "pids", ns], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
        return [int(p) for p in cp.stdout.split() if p.isdigit()]

    def build(self):
        for ns in (self.host, self.client, self.up):
            run_ok([IP, "netns", "add", ns], "ip netns add")
            self.made.append(ns)
            run_ok([IP, "-n", ns, "link", "set", "lo", "up"], "ip link set lo up")
        # uplink: host <-> upstream
        run_ok([IP, "-n", self.host, "link", "add", "vbdnsu0", "type", "veth", "peer",
                "name", "vbdnsu1", "netns", self.up], "ip link add uplink veth")
        run_ok([IP, "-n", self.host, "addr", "add", "%s/%d" % (UPLINK_ADDR, UP_PREFIX),
                "dev", "vbdnsu0"], "ip addr add uplink")
        run_ok([IP, "-n", self.host, "link", "set", "vbdnsu0", "up"], "ip link set uplink up")
        run_ok([IP, "-n", self.up, "addr", "add", "%s/%d" % (UP_ADDR, UP_PREFIX),
                "dev", "vbdnsu1"], "ip addr add upstream")
        run_ok([IP, "-n", self.up, "link", "set", "vbdnsu1", "up"], "ip link set upstream up")

    def plug_client(self):
        """the generator's veth into the server's bridge (after the bridge exists)."""
        run_ok([IP, "-n", self.host, "link", "add", "vbdnsc0", "type", "veth", "peer",
                "name", "vbdnsc1", "netns", self.client], "ip link add client veth")
        run_ok([IP, "-n", self.host, "link", "set", "vbdnsc0", "master", BRIDGE, "up"],
               "ip link set client veth master")
        run_ok([IP, "-n", self.client, "addr", "add", "%s/%d" % (CLIENT_ADDR, PREFIX),
                "dev", "vbdnsc1"], "ip addr add client")
        run_ok([IP, "-n", self.client, "link", "set", "vbdnsc1", "up"], "ip link set client up")

    def etc_resolv(self, text):
        """The resolv.conf of what runs in the host namespace."""
        d = Path("/etc/netns") / self.host
        d.mkdir(parents=True, exist_ok=True)
        (d / "resolv.conf").write_text(text)

    def teardown(self):
        """End whatever still runs in our namespaces (all started by this
        section, or forked by what it started), then remove them (and
        /etc/netns/HOST)."""
        problems = []
        shutil.rmtree(Path("/etc/netns") / self.host, ignore_errors=True)
        for ns in reversed(self.made):
            left = self.pids(ns)
            if left:
                problems.append("processes left in %s: %s" % (ns, left))
            for sig in (signal.SIGTERM, signal.SIGKILL):
                for pid in self.pids(ns):
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                deadline = time.monotonic() + 2
                while self.pids(ns) and time.monotonic() < deadline:
                    time.sleep(0.05)
            cp = subprocess.run([IP, "netns", "del", ns], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
            if cp.returncode != 0:
                problems.append("ip netns del %s: %s" % (ns, cp.stdout.strip()))
        self.made = []
        return problems


# --- the processes -------------------------------------------------------------

class Proc:
    """A process this section started (dnsmasq), ended by its PID."""

    def __init__(self, argv, log, what):
        self.what, self.log = what, log
        self.errlog = open(log, "w")
        self.proc = subprocess.Popen([str(a) for a in argv], stdout=self.errlog,
                                     stderr=subprocess.STDOUT)
        time.sleep(0.3)
        if self.proc.poll() is not None:
            self.errlog.close()
            raise RuntimeError("%s exited at start (%d): %s" % (
                what, self.proc.returncode, Path(log).read_text()))

    def stop(self):
        problems = []
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                problems.append("%s ignored SIGTERM; killed" % self.what)
                self.proc.kill()
                self.proc.wait()
        self.errlog.close()
        return problems


def start_upstream(lay, work, cpu):
    """The fake upstream resolver: answers every *.fwd.test A at once."""
    argv = lay.exec(lay.up, pinned(cpu, [
        DNSMASQ, "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
        "--bind-interfaces", "--listen-address=" + UP_ADDR, "--except-interface=lo",
        "--port=53", "--address=/%s/%s" % (FWD_DOMAIN, FWD_ANSWER),
        # a real TTL: vnetd never caches TTL 0 (dnsmasq does), so the repeated name
        # would otherwise compare a cache with none
        "--local-ttl=300",
        "--dns-forward-max=1000", "--pid-file=", "--user=nobody"]))
    return Proc(argv, work / "upstream.log", "the fake upstream (dnsmasq)")


class VnetdServer:
    label = "vnetd"

    def __init__(self, b, work, cpu, fw):
        self.b, self.work, self.cpu, self.fw = b, work, cpu, fw
        self.conf, self.run, self.state = work / "conf", work / "run", work / "state"
        self.lay = None
        self.defined = self.started = False

    def argv(self, *args):
        return [self.b.vnetd, "--confdir", self.conf, "--rundir", self.run,
                "--statedir", self.state] + list(args)

    def start(self, lay, workload):
        self.lay = lay
        for d in (self.conf, self.run, self.state):
            d.mkdir(parents=True)
        xml = self.work / (NET + ".xml")
        xml.write_text(XML)
        # `ip netns exec` bind-mounts /etc/netns/HOST/resolv.conf over
        # /etc/resolv.conf for `start`, so for the daemon it leaves running
        lay.etc_resolv("nameserver %s\n" % UP_ADDR)
        run_ok(lay.exec(lay.host, self.argv("define", xml)), "vnetd define")
        self.defined = True
        # the daemon (and its keeper) inherit the pin from `start`
        run_ok(lay.exec(lay.host, pinned(self.cpu, self.argv("start", "--no-probe", NET))),
               "vnetd start")
        self.started = True
        # the network's firewall, for the other servers' runs (like with like)
        cp = subprocess.run(lay.exec(lay.host, [NFT, "list", "table", "inet", "vnetd-" + NET]),
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        if cp.returncode == 0 and cp.stdout.strip():
            self.fw["rules"] = cp.stdout

    def stop(self):
        problems = []
        if self.started:
            cp = subprocess.run(self.lay.exec(self.lay.host, self.argv("stop", NET)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                timeout=60)
            if cp.returncode != 0:
                problems.append("vnetd stop: %s" % (cp.stderr.strip() or cp.returncode))
            self.started = False
        if self.defined:
            quiet(self.lay.exec(self.lay.host, self.argv("undefine", NET)))
            self.defined = False
        return problems

    def loop_reset(self):
        loopstat.reset(self.lay.exec(self.lay.host, self.argv()), NET)

    def loop_stats(self):
        return loopstat.read(self.lay.exec(self.lay.host, self.argv()), NET)

    def coalesce_counters(self):
        """(queries, answers sent coalesced) so far: how many answers left
        in UDP_SEGMENT messages, the share a run's figures owe to it."""
        argv = self.lay.exec(self.lay.host, self.argv())
        return (loopstat.counter(argv, NET, "dns_queries"),
                loopstat.counter(argv, NET, "dns_answers_coalesced"))

    @staticmethod
    def note():
        return ("vnetd: isolated network (its nftables table loaded), --no-probe, upstream "
                "from the host namespace's /etc/netns/NS/resolv.conf")


def load_firewall(lay, fw):
    """vnetd's table for this network (VnetdServer.start kept it) into the
    host namespace of a server that loads none itself; noted when missing."""
    rules = fw.get("rules")
    if not rules:
        fw["missing"] = True
        return
    p = subprocess.run(lay.exec(lay.host, [NFT, "-f", "-"]), input=rules, text=True,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    if p.returncode != 0:
        raise RuntimeError("nft -f (vnetd's table): %s" % p.stdout.strip())


def make_bridge(lay):
    """The server's bridge and address, for a server that makes none itself."""
    run_ok([IP, "-n", lay.host, "link", "add", BRIDGE, "type", "bridge", "stp_state",
            "0", "forward_delay", "0"], "ip link add bridge")
    run_ok([IP, "-n", lay.host, "addr", "add", "%s/%d" % (SERVER_ADDR, PREFIX),
            "dev", BRIDGE], "ip addr add bridge")
    run_ok([IP, "-n", lay.host, "link", "set", BRIDGE, "up"], "ip link set bridge up")


class DnsmasqServer:
    """dnsmasq as libvirt runs it for this network (its conf file's DNS lines:
    strict-order, domain + expand-hosts, the <dns><host> in an addn-hosts
    file, bind-interfaces + listen-address), the upstream given with
    --no-resolv --server= instead of a resolv.conf. No DHCP (neither server
    serves DHCP here)."""
    label = "dnsmasq"

    def __init__(self, b, work, cpu, fw):
        self.b, self.work, self.cpu, self.fw = b, work, cpu, fw
        self.proc = None

    def start(self, lay, workload):
        """Local names: libvirt's defaults (cache on). Forwarded names:
        --cache-size=0 (50 000 names cycle through vnetd's 1 000-entry cache, so it never hits)."""
        self.work.mkdir(parents=True)
        make_bridge(lay)
        load_firewall(lay, self.fw)
        hosts = self.work / "addnhosts"
        hosts.write_text("%s\t%s\n" % (LOCAL_IP, LOCAL_NAME))
        argv = [DNSMASQ, "--no-daemon", "--conf-file=/dev/null", "--strict-order",
                "--domain=" + DOMAIN, "--expand-hosts", "--except-interface=lo",
                "--bind-interfaces", "--interface=" + BRIDGE, "--listen-address=" + SERVER_ADDR,
                "--addn-hosts=%s" % hosts, "--no-hosts", "--no-resolv",
                "--server=" + UP_ADDR, "--pid-file=", "--user=nobody"]
        if workload == "forwarded":
            argv.append("--cache-size=0")
        self.proc = Proc(lay.exec(lay.host, pinned(self.cpu, argv)),
                         self.work / "dnsmasq.log", "dnsmasq")

    def stop(self):
        problems = []
        if self.proc is not None:
            problems += self.proc.stop()
            self.proc = None
        return problems

    def loop_reset(self):
        pass

    def loop_stats(self):
        return None

    def coalesce_counters(self):
        return None

    @staticmethod
    def note():
        return ("dnsmasq %s: as libvirt runs it, --no-resolv --server=%s; forwarded "
                "workload with --cache-size=0, repeated name with its default cache" % (version([DNSMASQ, "--version"],
                                                          r"version (\S+)"), UP_ADDR))


class ResponderServer:
    """The stateless responder (dns_responder.c, built here): every query
    answered with one A record, batched, nothing looked up or kept -- the
    yardstick for local answers."""
    label = "responder"

    def __init__(self, b, work, cpu, fw):
        self.b, self.work, self.cpu, self.fw = b, work, cpu, fw
        self.proc = None

    def start(self, lay, workload):
        self.work.mkdir(parents=True)
        exe = self.work / "dns_responder"
        run_ok([CC, "-O2", "-o", exe, RESPONDER_SRC], "cc dns_responder.c")
        make_bridge(lay)
        load_firewall(lay, self.fw)
        self.proc = Proc(lay.exec(lay.host, pinned(self.cpu, [exe, SERVER_ADDR, LOCAL_IP])),
                         self.work / "responder.log", "the stateless responder")

    stop = DnsmasqServer.stop
    loop_reset = DnsmasqServer.loop_reset
    loop_stats = DnsmasqServer.loop_stats
    coalesce_counters = DnsmasqServer.coalesce_counters

    @staticmethod
    def note():
        return ("responder: tests/bench/dns_responder.c, a stateless answerer (recvmmsg/sendmmsg "
                "batches of 32, one A record to every query, no lookup)")


# --- the load generators -------------------------------------------------------

class Result:
    def __init__(self, out, wall, rate, srv_s, cli_s, up_s, other_s):
        def num(pattern, default=0.0):
            m = re.search(pattern, out)
            return float(m.group(1)) if m else default
        self.rate = rate
        self.out = out
        self.sent = int(num(r"Queries sent:\s+(\d+)"))
        self.completed = int(num(r"Queries completed:\s+(\d+)"))
        self.lost = int(num(r"Queries lost:\s+(\d+)"))
        self.noerror = int(num(r"NOERROR (\d+)"))
        self.runtime = num(r"Run time \(s\):\s+([0-9.]+)")
        self.parsed = "Queries per second" in out
        # answered: NOERROR only (a SERVFAIL for a full pending table is fast,
        # but it is no service)
        self.qps = self.noerror / self.runtime if self.runtime > 0 else 0.0
        self.bad = self.completed - self.noerror
        self.lost_pct = 100.0 * self.lost / self.sent if self.sent else 100.0
        self.lat_ms = num(r"Average Latency \(s\):\s+([0-9.]+)") * 1000.0
        self.srv_us = 1e6 * srv_s / self.noerror if self.noerror else None
        # percent of a core, over the run
        self.srv_pct = 100.0 * srv_s / wall
        self.cli_pct = 100.0 * cli_s / wall
        self.up_pct = 100.0 * up_s / wall
        self.other = 100.0 * other_s / wall
        self.loop = None                # vnetd's event-loop turns, set by measure()
        self.coalesced = None           # vnetd: share of answers sent coalesced (measure())

    @property
    def disturbed(self):
        return self.other > OTHER_MAX


def user_cpu():
    """{pid: utime+stime} of every user-space process (kernel threads left
    out: softirq work for our own packets runs in them too)."""
    out = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[6]) & 0x00200000:         # PF_KTHREAD
            continue
        out[int(d)] = int(fields[11]) + int(fields[12])
    return out


def generate(lay, qfile, seconds, cpus, server_pids, rate=None, ours=(), blast=None):
    """One run of dnsperf (or of dns_blast, the binary BLAST, when given)
    from the client namespace. CPU time, all from /proc/PID/stat (exact in
    total: the kernel scales its tick samples to the scheduler's runtime):
    the server's processes, the generator's, the fake upstream's (ours), and
    every other program's on the machine."""
    if blast:
        # -g: queries of one length leave as one UDP_SEGMENT send (the server
        # still receives each as a datagram of its own): the generator's
        # cheapest way through its own kernel
        argv = lay.exec(lay.client, pinned(cpus[1], [
            blast, "-s", SERVER_ADDR, "-d", qfile, "-l", seconds, "-c", DNSPERF_CLIENTS,
            "-q", DNSPERF_OUTSTANDING, "-t", DNSPERF_TIMEOUT_S, "-g"]))
    else:
        argv = lay.exec(lay.client, pinned(cpus[1], [
            DNSPERF, "-s", SERVER_ADDR, "-d", qfile, "-l", seconds, "-c", DNSPERF_CLIENTS,
            "-T", 1, "-q", DNSPERF_OUTSTANDING, "-t", DNSPERF_TIMEOUT_S]
            + (["-Q", int(rate)] if rate else [])))
    tck = float(os.sysconf("SC_CLK_TCK"))
    mine = set(server_pids) | set(ours) | {os.getpid()}
    a0 = user_cpu()
    m0 = cpu_times()
    s0 = sum(proc_cpu_s(p) for p in server_pids)
    u0 = sum(proc_cpu_s(p) for p in ours)
    c0 = os.times()
    w0 = time.monotonic()
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    mine.add(p.pid)                     # ip netns exec and taskset exec dnsperf
    try:
        out, _ = p.communicate(timeout=seconds + DNSPERF_TIMEOUT_S + 30)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise RuntimeError("%s did not finish" % ("dns_blast" if blast else "dnsperf"))
    wall = time.monotonic() - w0
    c1 = os.times()
    s1 = sum(proc_cpu_s(p_) for p_ in server_pids)
    u1 = sum(proc_cpu_s(p_) for p_ in ours)
    a1 = user_cpu()
    m1 = cpu_times()
    other = sum(t - a0.get(pid, 0) for pid, t in a1.items() if pid not in mine) / tck
    # Programs that started and ended within the run (a compiler's cc1, a test's
    # ip and nft) are in no snapshot: the machine's task time (user + system of
    # every CPU, from /proc/stat) less ours catches them too.
    cli_s = (c1.children_user - c0.children_user) + (c1.children_system - c0.children_system)
    machine = sum(m1[c][2] - m0[c][2] for c in m1 if c in m0) / tck
    other = max(other, machine - (s1 - s0) - (u1 - u0) - cli_s
                - (c1.user - c0.user) - (c1.system - c0.system))
    cli = cli_s
    if p.returncode != 0 and "Queries per second" not in out:
        raise RuntimeError("%s failed (exit %d):\n%s" % ("dns_blast" if blast else "dnsperf",
                                                         p.returncode, out))
    return Result(out, wall, rate, s1 - s0, cli, u1 - u0, max(0.0, other))


def check_answer(lay, name, want):
    """One query with dig from the client: the right address comes back."""
    if not DIG:
        return None
    cp = subprocess.run(lay.exec(lay.client, [DIG, "@" + SERVER_ADDR, "+time=2", "+tries=2",
                                              "+short", name, "A"]),
                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                        timeout=20)
    got = cp.stdout.split()
    if want not in got:
        return "%s A -> %r, expected %s" % (name, cp.stdout.strip(), want)
    return None


class Case:
    """One server, one workload: its runs."""

    def __init__(self, label, workload):
        self.label, self.workload = label, workload
        self.max_runs = {g: [] for g in GENERATORS}
        self.fixed = None
        self.error = None

    def best_of(self, gen):
        ok = [r for r in self.max_runs[gen] if r.noerror]
        return max(ok, key=lambda r: r.qps) if ok else None

    @property
    def best(self):
        return self.best_of("dnsperf")


def show(case, res, kind):
    print("   %-8s %-10s %-10s -> %8.0f answers/s  lat %6.3f ms  %5s us/answer  lost %d  "
          "not NOERROR %d  CPU: server %s generator %s upstream %s others %s%s%s" % (
              case.label, case.workload, kind, res.qps, res.lat_ms,
              "-" if res.srv_us is None else "%.1f" % res.srv_us,
              res.lost, res.bad,
              pct(res.srv_pct), pct(res.cli_pct), pct(res.up_pct), pct(res.other),
              "  loop %s ms%s" % (loopstat.fmt(res.loop), "" if res.coalesced is None else
                                  "  coalesced %.0f%%" % res.coalesced)
              if case.label == "vnetd" else "",
              "  (disturbed)" if res.disturbed else ""))


def measure(b, cls, wl, name, want, cpus, qfile, seconds, fw, blast):
    """One server, one workload, in a layout of its own: start, check one
    answer, time, and take it all down again."""
    case = Case(cls.label, wl)
    work = Path(b.base) / ("dns-%s-%s" % (cls.label, wl))
    work.mkdir(parents=True)
    lay = Layout("%s-%s" % (cls.label[0], wl[0]))
    srv = cls(b, work / "server", cpus[0], fw)
    upstream = None
    problems = []
    try:
        lay.build()
        upstream = start_upstream(lay, work, cpus[1])
        srv.start(lay, wl)
        lay.plug_client()
        # the first answer may wait for the bridge port and ARP
        err = None
        for _ in range(5):
            err = check_answer(lay, name, want)
            if not err:
                break
            time.sleep(1)
        if err:
            raise RuntimeError("wrong answer before timing: " + err)
        pids = lay.pids(lay.host)
        if not pids:
            raise RuntimeError("no server process in %s" % lay.host)
        others = [upstream.proc.pid]
        # dirty pages of earlier sections (60 000-lease files) are written back by
        # kernel threads, which no "others" figure sees: flush them before timing
        os.sync()
        busy = wait_quiet(cpus, limit_s=10)
        if busy > 10.0:
            print("   warning: other processes keep a core %.0f%% busy" % busy)

        reruns = [RERUNS]

        def run(kind, secs, rate=None, gen="dnsperf"):
            """One run; a disturbed one is repeated (RERUNS per case, to
            bound the section's time), after a quiet spell, and the
            undisturbed (or better) one kept."""
            res = None
            while True:
                srv.loop_reset()
                c0 = srv.coalesce_counters()
                r = generate(lay, qfile, secs, cpus, pids, rate=rate, ours=others,
                             blast=blast if gen == "dns_blast" else None)
                r.loop = srv.loop_stats()
                c1 = srv.coalesce_counters()
                if c0 and c1 and None not in c0 + c1 and c1[0] > c0[0]:
                    r.coalesced = 100.0 * (c1[1] - c0[1]) / (c1[0] - c0[0])
                show(case, r, kind)
                if res is None or not r.disturbed or r.qps > res.qps:
                    res = r
                if not r.disturbed or reruns[0] <= 0:
                    return res
                reruns[0] -= 1
                busy = wait_quiet(cpus, limit_s=10)
                if busy > 10.0:
                    print("   (other processes still keep a core %.0f%% busy)" % busy)

        for gen in GENERATORS:
            for _ in range(MAX_RUNS):
                case.max_runs[gen].append(run("max" if gen == "dnsperf" else "blast",
                                              seconds, gen=gen))
        case.fixed = run("-Q %d" % FIXED_RATE, max(2, seconds * FIXED_S // RUN_S), FIXED_RATE)
    except (Stop, KeyboardInterrupt):
        raise
    except Exception as e:                  # report it in the table, go on
        case.error = str(e).strip()
        print("   %-8s %-10s error: %s" % (cls.label, wl, case.error))
    finally:
        problems += srv.stop()
        if upstream is not None:
            problems += upstream.stop()
        problems += lay.teardown()
    if problems:
        case.error = ((case.error + "; ") if case.error else "") + "; ".join(problems)
    return case


def ratio(a, b):
    return "-" if not a or not b else "%.2fx" % (a / b)


def section_dns(b, seconds=RUN_S, only=None):
    """dnsperf and dns_blast against vnetd and dnsmasq: a local name and
    forwarded names (only: the workloads to run, all when None)."""
    for tool in (DNSPERF, DNSMASQ, TASKSET):
        if not os.access(tool, os.X_OK):
            print("\n== DNS: skipped, %s not installed (make deps-bench)" % tool)
            return
    allowed = sorted(os.sched_getaffinity(0))
    cpus = (allowed[0], allowed[1]) if len(allowed) >= 2 else (None, None)
    work = Path(b.base) / "dns"
    work.mkdir(parents=True, exist_ok=True)
    blast = work / "dns_blast"
    run_ok([CC, "-O2", "-o", blast, BLAST_SRC], "cc dns_blast.c")
    qfiles = {}
    for wl, name, _ in WORKLOADS:
        f = work / ("queries-%s" % wl)
        if wl == "forwarded":
            f.write_text("".join("a%d.%s A\n" % (i, FWD_DOMAIN) for i in range(1, FWD_NAMES + 1)))
        else:
            f.write_text(name + " A\n")
        qfiles[wl] = f
    print("\n== DNS: dnsperf %s and dns_blast (UDP, -c %d -q %d), %d s runs; server on CPU "
          "%s, the generator and the fake upstream on CPU %s" % (
              version([DNSPERF, "-h"], r"Version (\S+)"), DNSPERF_CLIENTS,
              DNSPERF_OUTSTANDING, seconds, cpus[0], cpus[1]))
    if cpus[0] is None:
        print("   only one CPU: everything shares it (figures not comparable)")

    def on_term(signum, frame):
        raise Stop()
    old = signal.signal(signal.SIGTERM, on_term)
    cases = {}
    notes = {}
    fw = {}                             # vnetd's nftables table, for the others (load_firewall)
    try:
        # workload by workload, so that the two figures compared are minutes
        # apart at most (this machine's speed drifts)
        for wl, name, want in WORKLOADS:
            if only and wl not in only:
                continue
            for cls in (VnetdServer, DnsmasqServer) + ((ResponderServer,) if wl == "local"
                                                       else ()):
                cases[(cls.label, wl)] = measure(b, cls, wl, name, want, cpus, qfiles[wl],
                                                 seconds, fw, blast)
                notes[cls.label] = cls.note()
    except Stop:
        raise SystemExit("bench: DNS section stopped by SIGTERM (its namespaces removed)")
    finally:
        signal.signal(signal.SIGTERM, old)
    notes["firewall"] = ("dnsmasq and the responder ran behind vnetd's own nftables table for the "
                         "network, loaded unchanged into their namespace (like with like)"
                         if not fw.get("missing") else
                         "NOTE: vnetd's nftables table was not at hand for some runs: those of "
                         "dnsmasq and the responder ran without a firewall")
    report(cases, notes)
    if hasattr(b, "results"):
        b.results["dns_rows"] = summary_rows(cases)


SERVERS = ("vnetd", "dnsmasq", "responder")


def report(cases, notes):
    print("\n== DNS: answers/s at dnsperf's maximum (%d queries in flight; best of %d runs), "
          "and at a fixed %d q/s" % (DNSPERF_OUTSTANDING, MAX_RUNS, FIXED_RATE))
    print("%-10s %-9s %9s %9s %10s %6s %6s   %12s %10s  %s" % (
        "workload", "server", "answers/s", "latency", "CPU/answer", "lost", "other",
        "latency@%dk" % (FIXED_RATE // 1000), "CPU/answer", "loop max/p99 ms"))
    for wl, _, _ in WORKLOADS:
        for label in SERVERS:
            c = cases.get((label, wl))
            if c is not None:
                report_row(c, wl, label)
        v = cases.get(("vnetd", wl))
        for other in SERVERS[1:]:
            o = cases.get((other, wl))
            if v and o and v.best and o.best:
                vf, of = v.fixed, o.fixed
                print("%-10s vnetd/%s: answers/s %s, latency %s, CPU/answer %s; at %d q/s: "
                      "latency %s, CPU/answer %s" % (
                          "", other, ratio(v.best.qps, o.best.qps),
                          ratio(v.best.lat_ms, o.best.lat_ms),
                          ratio(v.best.srv_us, o.best.srv_us), FIXED_RATE,
                          ratio(vf and vf.lat_ms, of and of.lat_ms),
                          ratio(vf and vf.srv_us, of and of.srv_us)))
    print("\n== DNS: answers/s at dns_blast's maximum (%d queries in flight; best of %d runs): "
          "the servers' own limits" % (DNSPERF_OUTSTANDING, MAX_RUNS))
    print("%-10s %-9s %9s %9s %10s %6s   %s" % (
        "workload", "server", "answers/s", "latency", "CPU/answer", "lost",
        "core busy: server / generator; answers coalesced"))
    for wl, _, _ in WORKLOADS:
        for label in SERVERS:
            c = cases.get((label, wl))
            if c is not None:
                report_blast_row(c, wl, label)
        v = best_of(cases, "vnetd", wl, "dns_blast")
        for other in SERVERS[1:]:
            o = best_of(cases, other, wl, "dns_blast")
            if v and o:
                print("%-10s vnetd/%s: answers/s %s, latency %s, CPU/answer %s" % (
                    "", other, ratio(v.qps, o.qps), ratio(v.lat_ms, o.lat_ms),
                    ratio(v.srv_us, o.srv_us)))
    floors(cases)
    print("   answers/s: NOERROR answers per second of the generator's run time; latency: "
          "its average;\n"
          "   CPU/answer: utime+stime of the server's processes (all of them in its "
          "namespace) per NOERROR\n"
          "   answer (with the softirq work run in its context); other: CPU time of every "
          "other program\n"
          "   during the run, in percent of a core (> %.0f%%: disturbed); loop: vnetd's "
          "longest event-loop turn\n   and its p99 during the best run (n/a: this vnetd "
          "does not report them)." % OTHER_MAX)
    print("   dns_blast: tests/bench/dns_blast.c, 8 connected sockets, a new query as each "
          "answer comes (ID and question\n   checked), recvmmsg/sendmmsg, queries of one "
          "length sent as one UDP_SEGMENT message (each reaches\n   the server as a "
          "datagram of its own): its core runs out after the servers' do. Its bursts of "
          "same-size\n   queries from one socket let vnetd send same-size answers as one "
          "UDP_SEGMENT message\n   (answers coalesced: their share, from vnetd's stats); "
          "dnsperf's smaller bursts less so.")
    for label in SERVERS + ("firewall",):
        if label in notes:
            print("   " + notes[label])
    print("   forwarded: %d distinct names (a1..a%d.%s) answered by a dnsmasq upstream "
          "(--address) in its own namespace;\n   repeated: a1.%s over and over (answered "
          "from a cache where the server keeps one)." % (FWD_NAMES, FWD_NAMES, FWD_DOMAIN,
                                                         FWD_DOMAIN))


def report_row(c, wl, label):
    r, f = c.best, c.fixed
    if r is None:
        print("%-10s %-9s %9s   %s" % (wl, label, "-", c.error or "no answers"))
        return
    print("%-10s %-9s %9.0f %6.3f ms %7.1f us %5.1f%% %6s   %9s %10s  %s" % (
        wl, label, r.qps, r.lat_ms, r.srv_us or 0, r.lost_pct, pct(r.other),
        "%.3f ms" % f.lat_ms if f else "-",
        "%.1f us" % f.srv_us if f and f.srv_us else "-",
        loopstat.fmt(r.loop) if label == "vnetd" else ""))
    if r.disturbed or (f and f.disturbed):
        print("%-10s %-9s (disturbed: other programs used our CPUs during these "
              "runs)" % ("", ""))
    if c.error:
        print("%-10s %-9s problem: %s" % ("", "", c.error))
    if r.bad:
        print("%-10s %-9s %d answers were not NOERROR" % ("", "", r.bad))


def report_blast_row(c, wl, label):
    r = c.best_of("dns_blast")
    if r is None:
        print("%-10s %-9s %9s   %s" % (wl, label, "-", c.error or "no answers"))
        return
    print("%-10s %-9s %9.0f %6.3f ms %7.1f us %5.1f%%   %s / %s%s%s" % (
        wl, label, r.qps, r.lat_ms, r.srv_us or 0, r.lost_pct, pct(r.srv_pct),
        pct(r.cli_pct), "" if r.coalesced is None else "; %.0f%%" % r.coalesced,
        "  (disturbed)" if r.disturbed else ""))
    if r.bad:
        print("%-10s %-9s %d answers were not NOERROR" % ("", "", r.bad))


def best_of(cases, label, wl, gen="dnsperf"):
    c = cases.get((label, wl))
    return c.best_of(gen) if c else None


def floors(cases):
    """Issue 18's DNS floors, against this run's figures: for each generator,
    with whose core ran out (a rate bounded by the generator compares the
    generator with itself)."""
    for gen in GENERATORS:
        out = []
        v, r = best_of(cases, "vnetd", "local", gen), best_of(cases, "responder", "local", gen)
        if v and r:
            out.append("local name %.0f%% of the responder's answers/s (floor 95%%), CPU/answer "
                       "%.2fx its %.1f us (floor <= 1.2x)%s" % (
                           100 * v.qps / r.qps, (v.srv_us or 0) / (r.srv_us or 1),
                           r.srv_us or 0, bound(v, r)))
        for wl, floor in (("forwarded", 1.2), ("repeated", 1.5)):
            v, d = best_of(cases, "vnetd", wl, gen), best_of(cases, "dnsmasq", wl, gen)
            if v and d:
                out.append("%s %.2fx dnsmasq's answers/s (floor >= %.1fx)%s" % (
                    wl, v.qps / d.qps, floor, bound(v, d)))
        if out:
            print("   vnetd against issue 18's floors, %s: " % gen + ";\n      ".join(out))


def bound(v, o):
    """Whose core was busiest in the two runs compared."""
    def who(r):
        return "generator" if r.cli_pct >= r.srv_pct else "server"
    return " [cores busiest: %s %.0f%%/%.0f%%, %s %.0f%%/%.0f%%]" % (
        who(v), v.srv_pct, v.cli_pct, who(o), o.srv_pct, o.cli_pct)


def summary_rows(cases):
    """The DNS rows of bench_report's side-by-side table: vnetd, Kea (none),
    dnsmasq, the responder; in parentheses CPU per answer, and vnetd's
    answers/s over that server's; for each workload, dnsperf's figures,
    then dns_blast's."""
    titles = {"local": "DNS local name, answers/s", "forwarded":
              "DNS forwarded, distinct names", "repeated": "DNS forwarded, one name repeated"}
    rows = []
    for wl, _, _ in WORKLOADS:
        for gen in GENERATORS:
            v = best_of(cases, "vnetd", wl, gen)
            cells = []
            for label in SERVERS:
                b = best_of(cases, label, wl, gen)
                if b is None:
                    cells.append("" if (label, wl) not in cases else "-")
                    continue
                x = "" if label == "vnetd" or not v else " (%s)" % ratio(v.qps, b.qps)
                cells.append("%.0f (%.1f us)%s" % (b.qps, b.srv_us or 0, x))
            rows.append([titles[wl] + (", dnsperf" if gen == "dnsperf" else ", dns_blast"),
                         cells[0], "", cells[1], cells[2]])
        v = best_of(cases, "vnetd", wl)
        rows.append(["  vnetd loop turn max/p99, %s" % wl,
                     loopstat.fmt(v and v.loop, " ms"), "", "", ""])
    return rows


# --- on its own ---------------------------------------------------------------------

class _Bench:
    def __init__(self, vnetd, base):
        self.vnetd, self.base = vnetd, base


def main():
    import argparse
    ap = argparse.ArgumentParser(description="DNS benchmark: vnetd vs dnsmasq (dnsperf, "
                                 "dns_blast)")
    ap.add_argument("--vnetd", default=os.environ.get("VNETD"))
    ap.add_argument("--seconds", type=int, default=RUN_S)
    ap.add_argument("--workloads", help="comma-separated: %s (default: all)"
                    % ",".join(w for w, _, _ in WORKLOADS))
    args = ap.parse_args()
    if not args.vnetd or not os.access(args.vnetd, os.X_OK):
        print("dns_bench: --vnetd BINARY (or VNETD=)", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("dns_bench: needs root (it creates network namespaces)", file=sys.stderr)
        return 1
    sys.stdout.reconfigure(line_buffering=True)
    base = tempfile.mkdtemp(prefix="vnetd-dnsbench.", dir="/var/tmp")
    try:
        section_dns(_Bench(os.path.abspath(args.vnetd), base), args.seconds,
                    args.workloads.split(",") if args.workloads else None)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
