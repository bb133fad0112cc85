#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`make soak`: one network under DHCP and DNS load for minutes, then checks.

    VNETD=build/vnetd SOAK_SECONDS=480 /usr/bin/python3 tests/bench/soak.py

Layout (dns_bench's, in namespaces made here and always removed; the root
network namespace is never touched):

    client ns: perfdhcp (relay agent 10.98.0.2, -R SOAK_DHCP_CLIENTS clients)
               and dnsperf (a local name and forwarded names, alternating)
    probe ns:  our own DHCP client, a relay agent at 10.98.0.3: full
               exchanges for SOAK_PROBE_MACS clients over and over, every
               ACK written down (MAC, address, expiry)
    host ns:   vnetd, bridge vbdns0 10.98.0.1/16 with a DHCP pool, its DNS
               forwarding to
    upstream:  192.0.2.53, a dnsmasq answering every *.fwd.test

The upstream reaches vnetd the way a host's resolver does: `ip netns exec`
puts /etc/netns/HOSTNS/resolv.conf over /etc/resolv.conf.

While the load runs, the serving daemon's and keeper's RSS and open fds are
sampled every SAMPLE_S seconds. Then: the load stops, the fds must come back
to their idle count, `vnetd stop` must succeed, the daemon must have kept its
PID and exit 0 (this process is their subreaper, so it collects their exit
status), RSS after warm-up must stay within RSS_SLACK of its level at the end
of warm-up, and every ACK the probe got must be on disk with its address
and that expiry or later (what `vnetd leases --json` reports once the
network is stopped). Only what users see is used: `vnetd info` for the
PIDs, `vnetd leases` for the leases, /proc for RSS and fds. Prints a
summary; exits 1 on any failure.
"""

import ctypes
import json
import re
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import dns_bench as dnsb
from bench import DhcpResult, proc_status

IP = dnsb.IP
PERFDHCP = shutil.which("perfdhcp") or "/usr/sbin/perfdhcp"
PYTHON = "/usr/bin/python3"
HERE = Path(__file__).resolve()

DEFAULT_S = 480                 # 8 minutes of load; the whole run stays under 10
MAX_S = 540
SAMPLE_S = 5
RSS_SLACK = 0.10
DHCP_CLIENTS = 5000             # perfdhcp -R
DHCP_RATE = 300                 # DORA/s asked of perfdhcp
DNS_RATE = 2000                 # queries/s asked of dnsperf
PROBE_ADDR = "10.98.0.3"
PROBE_MACS = 100
POOL = ("10.98.1.0", "10.98.255.250")
QUIET_LIMIT_S = 20              # after the load: time for pending forwards to end

XML = """<network>
  <name>%s</name>
  <bridge name='%s' stp='off' delay='0'/>
  <domain name='%s'/>
  <dns>
    <host ip='%s'><hostname>%s</hostname></host>
  </dns>
  <ip address='%s' prefix='%d'>
    <dhcp>
      <range start='%s' end='%s'/>
    </dhcp>
  </ip>
</network>
""" % (dnsb.NET, dnsb.BRIDGE, dnsb.DOMAIN, dnsb.LOCAL_IP, dnsb.LOCAL_NAME, dnsb.SERVER_ADDR,
       dnsb.PREFIX, POOL[0], POOL[1])


class Stop(Exception):
    """SIGTERM or SIGINT: unwind through the clean-ups."""


def _stop(signum, frame):
    raise Stop()


# --- the daemons, as /proc shows them ---------------------------------------------

def fd_count(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def proc_state(pid):
    """The process's state letter (R, S, Z...), or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return None


def alive(pid):
    return proc_state(pid) not in (None, "Z", "X")


class Sample:
    def __init__(self, t, pids):
        self.t = t
        self.rss = {k: proc_status(p, "VmRSS") for k, p in pids.items()}
        self.fds = {k: fd_count(p) for k, p in pids.items()}
        self.alive = {k: alive(p) for k, p in pids.items()}


def info_pids(info_text):
    """{"daemon": pid, "keeper": pid} from `vnetd info`'s "Daemon: running (pid N)"."""
    out = {}
    for line in info_text.splitlines():
        m = re.match(r"\s*(Daemon|Keeper):\s*running \(pid (\d+)\)", line)
        if m:
            out[m.group(1).lower()] = int(m.group(2))
    return out


def reap(pid, timeout=10):
    """The exit status of a process we are the subreaper of, or None."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            got, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if got == pid:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:
            return None
        time.sleep(0.05)


def become_subreaper():
    """Orphans we caused (the daemons `vnetd start` leaves) become our children."""
    libc = ctypes.CDLL(None, use_errno=True)
    return libc.prctl(36, 1, 0, 0, 0) == 0          # PR_SET_CHILD_SUBREAPER


# --- the run ------------------------------------------------------------------------

class Soak:
    def __init__(self, vnetd, base, seconds):
        self.vnetd, self.base, self.seconds = vnetd, Path(base), seconds
        self.conf, self.run, self.state = (self.base / d for d in ("conf", "run", "state"))
        self.lay = dnsb.Layout("soak")
        self.probe_ns = self.lay.host[:-2] + "-p"
        self.netns_etc = None
        self.procs = []
        self.started = False
        self.failures = []
        self.lines = []
        self.ended = {}         # load generator: when it ended (s after the load began)

    def argv(self, *args):
        return self.lay.exec(self.lay.host, [self.vnetd, "--confdir", self.conf, "--rundir",
                                             self.run, "--statedir", self.state] + list(args))

    def fail(self, what):
        self.failures.append(what)

    def say(self, text):
        self.lines.append(text)
        print(text)

    def build(self):
        self.lay.build()
        dnsb.run_ok([IP, "netns", "add", self.probe_ns], "ip netns add probe")
        self.lay.made.append(self.probe_ns)
        # the host's resolver, as `ip netns exec` shows it to vnetd
        self.netns_etc = Path("/etc/netns") / self.lay.host
        self.netns_etc.mkdir(parents=True)
        (self.netns_etc / "resolv.conf").write_text("nameserver %s\n" % dnsb.UP_ADDR)
        for d in (self.conf, self.run, self.state):
            d.mkdir(parents=True)
        xml = self.base / "soak.xml"
        xml.write_text(XML)
        dnsb.run_ok(self.argv("define", xml), "vnetd define")
        dnsb.run_ok(self.argv("start", "--no-probe", dnsb.NET), "vnetd start")
        self.started = True
        self.lay.plug_client()
        self.plug_probe()

    def plug_probe(self):
        h, p = self.lay.host, self.probe_ns
        dnsb.run_ok([IP, "-n", h, "link", "add", "vbsoakp0", "type", "veth", "peer", "name",
                     "vbsoakp1", "netns", p], "ip link add probe veth")
        dnsb.run_ok([IP, "-n", h, "link", "set", "vbsoakp0", "master", dnsb.BRIDGE, "up"],
                    "ip link set probe veth master")
        dnsb.run_ok([IP, "-n", p, "addr", "add", "%s/%d" % (PROBE_ADDR, dnsb.PREFIX), "dev",
                     "vbsoakp1"], "ip addr add probe")
        dnsb.run_ok([IP, "-n", p, "link", "set", "vbsoakp1", "up"], "ip link set probe up")
        dnsb.run_ok([IP, "-n", p, "link", "set", "lo", "up"], "ip link set lo up")

    def pids(self):
        cp = dnsb.run_ok(self.argv("info", dnsb.NET), "vnetd info")
        return info_pids(cp.stdout)

    def popen(self, argv, log):
        f = open(log, "w")
        p = subprocess.Popen([str(a) for a in argv], stdout=f, stderr=subprocess.STDOUT)
        self.procs.append((p, f))
        return p

    def start_load(self):
        qfile = self.base / "queries"
        qfile.write_text("".join("%s.%s A\na%d.%s A\n" % (dnsb.LOCAL_NAME, dnsb.DOMAIN, i,
                                                          dnsb.FWD_DOMAIN)
                                 for i in range(1, dnsb.FWD_NAMES + 1)))
        s = self.seconds
        perf = self.popen(self.lay.exec(self.lay.client, [
            PERFDHCP, "-4", "-l", dnsb.CLIENT_ADDR, "-L", "67", "-R", DHCP_CLIENTS,
            "-r", DHCP_RATE, "-p", s, dnsb.SERVER_ADDR]), self.base / "perfdhcp.out")
        dperf = self.popen(self.lay.exec(self.lay.client, [
            dnsb.DNSPERF, "-s", dnsb.SERVER_ADDR, "-d", qfile, "-l", s, "-Q", DNS_RATE,
            "-c", 8, "-q", 100, "-t", 2]), self.base / "dnsperf.out")
        probe = self.popen(self.lay.exec(self.probe_ns, [
            PYTHON, HERE.parent / "soak_probe.py", "--server", dnsb.SERVER_ADDR, "--relay",
            PROBE_ADDR, "--macs", PROBE_MACS, "--seconds", s, "--out",
            self.base / "acks.jsonl"]),
            self.base / "probe.out")
        return {"perfdhcp": perf, "dnsperf": dperf, "probe": probe}

    def check_answers(self):
        for name, want in (("%s.%s" % (dnsb.LOCAL_NAME, dnsb.DOMAIN), dnsb.LOCAL_IP),
                           ("a1.%s" % dnsb.FWD_DOMAIN, dnsb.FWD_ANSWER)):
            err = None
            for _ in range(5):
                err = dnsb.check_answer(self.lay, name, want)
                if not err:
                    break
                time.sleep(1)
            if err:
                raise RuntimeError("before the load: " + err)

    # sampling -------------------------------------------------------------------
    def sample_until_done(self, load, pids, t0):
        samples = []
        deadline = t0 + self.seconds + 60
        while True:
            samples.append(Sample(time.monotonic() - t0, pids))
            for k, p in load.items():
                if p.poll() is not None and k not in self.ended:
                    self.ended[k] = time.monotonic() - t0
            if len(self.ended) == len(load):
                break
            if time.monotonic() > deadline:
                self.fail("the load generators did not finish within %d s"
                          % (self.seconds + 60))
                break
            time.sleep(SAMPLE_S)
        return samples

    def wait_fds_back(self, pids, idle):
        """After the load: pending forwards time out; fds come back to idle."""
        deadline = time.monotonic() + QUIET_LIMIT_S
        while True:
            now = {k: fd_count(p) for k, p in pids.items()}
            if all(now[k] is not None and now[k] <= idle[k] for k in pids):
                return now
            if time.monotonic() > deadline:
                return now
            time.sleep(1)

    # the checks --------------------------------------------------------------------
    def check_memory(self, samples, idle, warm_s):
        for k in idle.rss:
            after = [s for s in samples if s.t >= warm_s and s.rss.get(k)]
            if not after:
                self.fail("%s: no RSS sample after warm-up" % k)
                continue
            level = after[0].rss[k]
            top = max(s.rss[k] for s in after)
            end = after[-1].rss[k]
            ok = top <= level * (1 + RSS_SLACK)
            self.say("   %-7s RSS: idle %s, after warm-up (%.0f s) %s, max after %s (%+.1f %%), "
                     "at the end %s%s" % (k, mb(idle.rss[k]), after[0].t, mb(level), mb(top),
                                          100.0 * (top - level) / level, mb(end),
                                          "" if ok else "  <-- more than %d %%"
                                          % (100 * RSS_SLACK)))
            if not ok:
                self.fail("%s RSS grew from %s to %s after warm-up" % (k, mb(level), mb(top)))

    def check_fds(self, samples, idle, after):
        for k in idle.fds:
            top = max((s.fds[k] or 0) for s in samples)
            grown = after[k] is None or after[k] > idle.fds[k]
            self.say("   %-7s fds: idle %s, max under load %d, idle again %s%s"
                     % (k, idle.fds[k], top, after[k], "  <-- grew" if grown else ""))
            if grown:
                self.fail("%s holds %s fds after the load, %s before" % (k, after[k],
                                                                         idle.fds[k]))

    def check_alive(self, samples, pids, starts):
        for k, pid in pids.items():
            dead = [s.t for s in samples if not s.alive[k]]
            if dead:
                self.fail("%s (pid %d) gone at %.0f s" % (k, pid, dead[0]))
            elif dnsb_start_time(pid) != starts[k]:
                self.fail("%s pid %d is another process now" % (k, pid))
        now = self.pids()
        if now != pids:
            self.fail("vnetd info names other processes now: %s, was %s" % (now, pids))

    def check_leases(self):
        acks, tries = [], 0
        for line in (self.base / "acks.jsonl").read_text().splitlines():
            rec = json.loads(line)
            if "tries" in rec:
                tries = rec["tries"]
            else:
                acks.append(rec)
        # after stop, `vnetd leases` can only have them from disk
        cp = dnsb.run_ok(self.argv("leases", dnsb.NET, "--json"), "vnetd leases")
        on_disk = {l["mac-address"].lower(): (int(l["expiry-time"]), l["ip-address"])
                   for l in json.loads(cp.stdout)}
        missing = [a for a in acks if a["mac"] not in on_disk
                   or on_disk[a["mac"]][1] != a["ip"] or on_disk[a["mac"]][0] < a["expiry"]]
        self.say("   probe: %d exchanges tried, %d ACKs for %d clients; %d of them not on disk "
                 "(vnetd leases, after stop) with their address and expiry"
                 % (tries, len(acks), len({a["mac"] for a in acks}), len(missing)))
        for a in missing[:5]:
            self.say("      ACKed %s %s until %d; on disk: %s" % (a["mac"], a["ip"], a["expiry"],
                                                                on_disk.get(a["mac"])))
        if missing:
            self.fail("%d ACKed leases not on disk as ACKed" % len(missing))
        if not acks:
            self.fail("the probe got no ACK at all")

    def report_load(self, load):
        perf = DhcpResult(DHCP_RATE, (self.base / "perfdhcp.out").read_text(), self.seconds,
                          0, 0, {}, {}, (None, None))
        self.say("   perfdhcp: %d DISCOVERs, %d OFFERs, %d REQUESTs, %d ACKs (%.0f DORA/s, "
                 "%.2f %% without an ACK), exit %s" % (perf.sent, perf.offers, perf.requests,
                                                      perf.acks, perf.acks / self.seconds,
                                                      perf.drop, load["perfdhcp"].returncode))
        dout = (self.base / "dnsperf.out").read_text()
        d = dnsb.Result(dout, self.seconds, DNS_RATE, 0, 0, 0, 0)
        self.say("   dnsperf: %d queries, %d answered (%d NOERROR, %.0f/s), %d lost, "
                 "avg latency %.2f ms" % (d.sent, d.completed, d.noerror, d.qps, d.lost,
                                          d.lat_ms))
        if not perf.acks:
            self.fail("perfdhcp got no ACK: the DHCP load did not run")
        if not d.noerror:
            self.fail("dnsperf got no answer: the DNS load did not run")

    def stop_network(self, pids):
        cp = subprocess.run([str(a) for a in self.argv("stop", dnsb.NET)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            timeout=60)
        self.started = cp.returncode != 0
        if cp.returncode != 0:
            self.fail("vnetd stop: exit %d: %s" % (cp.returncode, cp.stdout.strip()))
        for k, pid in pids.items():
            rc = reap(pid)
            self.say("   %-7s pid %d exit status %s" % (k, pid, "unknown" if rc is None else rc))
            if k == "daemon" and rc != 0:
                self.fail("the daemon exited with %s after stop" % rc)

    # ----------------------------------------------------------------------------------
    def go(self):
        warm_s = min(60, max(10, self.seconds // 8))
        self.build()
        pids = self.pids()
        starts = {k: dnsb_start_time(p) for k, p in pids.items()}
        upstream = dnsb.start_upstream(self.lay, self.base, None)
        try:
            self.check_answers()
            time.sleep(1)
            idle = Sample(0, pids)
            self.say("== soak: %d s of perfdhcp (relay, -R %d, -r %d) + dnsperf (-Q %d, local "
                     "and forwarded names) + a probe client; daemon pid %d, keeper pid %s"
                     % (self.seconds, DHCP_CLIENTS, DHCP_RATE, DNS_RATE, pids["daemon"],
                        pids.get("keeper")))
            t0 = time.monotonic()
            load = self.start_load()
            samples = self.sample_until_done(load, pids, t0)
            self.say("   load ran %.0f s (%s)" % (time.monotonic() - t0, ", ".join(
                "%s %.0f s" % (k, v) for k, v in self.ended.items())))
            after = self.wait_fds_back(pids, idle.fds)
            self.report_load(load)
        finally:
            upstream.stop()
        self.check_alive(samples, pids, starts)
        self.check_memory(samples, idle, warm_s)
        self.check_fds(samples, idle, after)
        (self.base / "samples.json").write_text(json.dumps(
            [{"t": s.t, "rss_kb": s.rss, "fds": s.fds} for s in samples]))
        self.stop_network(pids)
        self.check_leases()

    def teardown(self):
        for p, f in self.procs:
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
            f.close()
        if self.started:
            subprocess.run([str(a) for a in self.argv("stop", dnsb.NET)],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
        problems = self.lay.teardown()
        if self.netns_etc is not None:
            shutil.rmtree(self.netns_etc, ignore_errors=True)
        # whatever else was left to us as subreaper
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        return problems


def dnsb_start_time(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def mb(kb):
    return "-" if kb is None else "%.1f MB" % (kb / 1024.0)


def main():
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vnetd", default=os.environ.get("VNETD"))
    ap.add_argument("--seconds", type=int, default=int(os.environ.get("SOAK_SECONDS")
                                                        or DEFAULT_S))
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if not args.vnetd or not os.access(args.vnetd, os.X_OK):
        print("soak: set VNETD to the vnetd binary (make soak does)", file=sys.stderr)
        return 1
    if os.geteuid() != 0:
        print("soak: needs root (it creates network namespaces)", file=sys.stderr)
        return 1
    for tool in (PERFDHCP, dnsb.DNSPERF, dnsb.DNSMASQ):
        if not os.access(tool, os.X_OK):
            print("soak: %s is not installed (make deps-bench)" % tool, file=sys.stderr)
            return 1
    if not 10 <= args.seconds <= MAX_S:
        print("soak: SOAK_SECONDS must be 10..%d (the whole run stays under 10 minutes)"
              % MAX_S, file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if not become_subreaper():
        print("soak: cannot become a subreaper: the daemon's exit status will be unknown",
              file=sys.stderr)
    t_start = time.monotonic()
    base = tempfile.mkdtemp(prefix="vnetd-soak.", dir="/var/tmp")
    soak = Soak(os.path.abspath(args.vnetd), base, args.seconds)
    try:
        soak.go()
    except Stop:
        soak.fail("interrupted")
    except Exception as e:                  # report, clean up, fail
        soak.fail("%s: %s" % (type(e).__name__, e))
    finally:
        problems = soak.teardown()
        for p in problems:
            soak.fail(p)
    took = "%.0f s in all" % (time.monotonic() - t_start)
    if soak.failures:
        print("soak: FAILED (%s)" % took)
        for f in soak.failures:
            print("   - %s" % f)
        print("   (working files kept in %s)" % base)
        return 1
    shutil.rmtree(base, ignore_errors=True)
    print("soak: passed (%s)" % took)
    return 0


if __name__ == "__main__":
    sys.exit(main())
