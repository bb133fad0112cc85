#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""`make bench`: vnetd's timings, in a throwaway network namespace.

The outer process makes the namespace and temporary directories, re-executes
this script inside the namespace (`ip netns exec NS python3 bench.py --inner`)
so the timed commands pay no `ip netns exec` of their own, and always removes
the namespace and the directories afterwards.

Sections run in order inside the namespace; each is a function taking a
Bench and printing its own table. Later sections (DHCP and DNS side by side
with dnsmasq) are added to SECTIONS.
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

    def __init__(self, vnetd, base, cycles):
        self.vnetd = vnetd
        self.base = Path(base)
        self.cycles = cycles
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
    print_table("network start/stop (%d cycles, conf/default.xml)" % b.cycles, [
        ("vnetd start default", starts, LIBVIRT_NET_START_MS),
        ("vnetd stop default", stops, None),
    ], note="   reference: libvirt `virsh net-start default` median ~%.0f ms on a\n"
            "   2-core Debian 12 machine -- a quoted figure, not measured here."
            % LIBVIRT_NET_START_MS)


SECTIONS = [
    ("start-stop", section_start_stop),
]


# --- inner: runs inside the namespace ---------------------------------------

def inner(args):
    b = Bench(args.vnetd, args.base, args.cycles)
    for d in (b.confdir, b.rundir, b.statedir):
        d.mkdir(exist_ok=True)
    chosen = set(args.only.split(",")) if args.only else None
    try:
        for name, fn in SECTIONS:
            if chosen is None or name in chosen:
                fn(b)
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
    ns = "vnetd-bench-%d" % os.getpid()
    base = tempfile.mkdtemp(prefix="vnetd-bench.")
    made = False
    child = None
    try:
        subprocess.run([IP, "netns", "add", ns], check=True)
        made = True
        subprocess.run([IP, "-n", ns, "link", "set", "lo", "up"], check=True)
        print("vnetd bench: %s, namespace %s, %s" % (vnetd, ns, time.strftime("%Y-%m-%d %H:%M")))
        argv = [IP, "netns", "exec", ns, PYTHON, str(Path(__file__).resolve()), "--inner",
                "--vnetd", vnetd, "--base", base, "--cycles", str(args.cycles)]
        if args.only:
            argv += ["--only", args.only]
        child = subprocess.Popen(argv)
        return child.wait()
    except KeyboardInterrupt:
        if child is not None and child.poll() is None:
            child.terminate()
            child.wait()
        return 130
    finally:
        if made:
            # Only processes in our own namespace: what vnetd forked there.
            for sig in (signal.SIGTERM, signal.SIGKILL):
                for pid in netns_pids(ns):
                    try:
                        os.kill(pid, sig)
                    except ProcessLookupError:
                        pass
                deadline = time.monotonic() + 2
                while netns_pids(ns) and time.monotonic() < deadline:
                    time.sleep(0.05)
            subprocess.run([IP, "netns", "del", ns])
        shutil.rmtree(base, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vnetd", default=os.environ.get("VNETD"))
    ap.add_argument("--cycles", type=int, default=11)
    ap.add_argument("--only", help="comma-separated sections: %s"
                    % ",".join(n for n, _ in SECTIONS))
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.vnetd:
        args.vnetd = os.path.abspath(args.vnetd)
    sys.stdout.reconfigure(line_buffering=True)
    return inner(args) if args.inner else outer(args)


if __name__ == "__main__":
    sys.exit(main())
