# SPDX-License-Identifier: GPL-2.0-or-later
"""What `make bench` keeps of a run: the sections put their figures in
b.results, and at the end this module prints them side by side (vnetd, Kea,
dnsmasq, the stateless responder, with ratios), writes the DHCP figures to
bench-results/dhcp.dat and draws them with gnuplot into bench-results/dhcp.png
(rate and CPU per exchange against the number of clients, a line a server).
The whole printed report goes to bench-results/report.txt (bench.py's outer
run copies its output there)."""

import os
import shutil
import subprocess

import loopstat

GNUPLOT = shutil.which("gnuplot") or "/usr/bin/gnuplot"
DHCP_SERVERS = ("vnetd", "Kea", "dnsmasq")


def dhcp_results(b, cases, probe, labels):
    """Keep the DHCP section's figures: {clients: {server: case.best, hwm}}."""
    out, loops = {}, {}
    for (label, n), c in cases.items():
        out.setdefault(n, {})[label] = (c.best, c.hwm_kb)
        if label == "vnetd":
            loops[n] = loopstat.worst([s.loop for s in c.steps])
    b.results["dhcp"] = out
    b.results["dhcp_loops"] = loops
    b.results["dhcp_probe"] = (probe.clients, probe.best)
    b.results["dhcp_labels"] = labels


def x_of(a, b):
    return "" if not a or not b else " (%.2fx)" % (a / b)


def _dhcp_cell(best, hwm, ref=None):
    if best is None:
        return "-"
    us = "%.1f us" % best.srv_us if best.srv_us else "- us"
    return "%.0f (%s)%s" % (best.xchg_s, us, x_of(ref and ref.xchg_s, best.xchg_s))


def summary_rows(b):
    """(label, vnetd, Kea, dnsmasq, responder) cells; ratios are vnetd's over
    the other server's, from this run."""
    rows = []
    dhcp = b.results.get("dhcp", {})
    for n in sorted(dhcp):
        per = dhcp[n]
        v = per.get("vnetd", (None, None))[0]
        cells = [_dhcp_cell(*per.get("vnetd", (None, None)))]
        for other in DHCP_SERVERS[1:]:
            cells.append(_dhcp_cell(*per[other], ref=v) if other in per else "n/a")
        loop = b.results.get("dhcp_loops", {}).get(n)
        rows.append(["DHCP %d clients, DORA/s (CPU each)" % n] + cells + [""])
        rows.append(["  vnetd loop turn max/p99 at %d, worst of all runs" % n,
                     loopstat.fmt(loop, " ms"), "", "", ""])
    if "dhcp_probe" in b.results:
        n, best = b.results["dhcp_probe"]
        rows.append(["DHCP ARP probing on, %d new clients" % n, _dhcp_cell(best, None),
                     "", "", ""])
    rows += b.results.get("dns_rows", [])
    if dhcp:
        rss = [[], [], []]
        for n in sorted(dhcp):
            for i, label in enumerate(DHCP_SERVERS):
                hwm = dhcp[n].get(label, (None, None))[1]
                if hwm:
                    rss[i].append("%.1f MB (%d)" % (hwm / 1024.0, n))
        rows.append(["peak RSS (all processes of the server)"] +
                    [", ".join(x) or "-" for x in rss] + [""])
    if "start_ms" in b.results:
        rows.append(["vnetd start default, median", "%.1f ms" % b.results["start_ms"],
                     "", "", ""])
    return rows


def print_summary(b):
    rows = summary_rows(b)
    if not rows:
        return
    print("\n== Summary, side by side (one run; in parentheses: CPU per exchange or "
          "answer, and vnetd's figure over that server's)")
    print("| | vnetd | Kea 2.2 memfile (no fsync) | dnsmasq | stateless responder |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print("| " + " | ".join(r) + " |")


def write_dhcp_files(b, outdir):
    """dhcp.dat (clients, then rate and CPU/DORA a server) and dhcp.png."""
    dhcp = b.results.get("dhcp")
    if not dhcp:
        return
    outdir.mkdir(parents=True, exist_ok=True)
    labels = [x for x in DHCP_SERVERS if any(x in dhcp[n] for n in dhcp)]
    lines = ["# clients " + " ".join("%s_DORA/s %s_CPU_us" % (x, x) for x in labels)]
    for n in sorted(dhcp):
        cols = []
        for x in labels:
            best = dhcp[n].get(x, (None, None))[0]
            cols += ["%.0f" % best.xchg_s if best else "NaN",
                     "%.1f" % best.srv_us if best and best.srv_us else "NaN"]
        lines.append("%d %s" % (n, " ".join(cols)))
    dat = outdir / "dhcp.dat"
    dat.write_text("\n".join(lines) + "\n")
    print("   DHCP figures written to %s" % dat)
    plot(dat, outdir / "dhcp.png", labels)


def plot(dat, png, labels):
    if not os.access(GNUPLOT, os.X_OK):
        print("   no gnuplot: %s not drawn (make deps-bench installs gnuplot-nox)" % png)
        return
    series = lambda col: ", ".join(  # noqa: E731 (one line a server)
        "'%s' using 1:%d with linespoints title '%s'" % (dat, 2 + 2 * i + col, x)
        for i, x in enumerate(labels))
    script = "\n".join([
        "set terminal pngcairo size 1000,460 noenhanced" if _has_cairo() else
        "set terminal png size 1000,460 noenhanced",
        "set output '%s'" % png,
        "set datafile missing 'NaN'",
        "set logscale x", "set xlabel 'clients (distinct perfdhcp MACs)'", "set grid",
        "set key below", "set offsets graph 0.05, graph 0.05, graph 0.1, graph 0.1",
        "set multiplot layout 1,2 title 'DHCPv4 DORA, perfdhcp relay mode, one run'",
        "set ylabel 'DORA/s at < 1 % drops'", "set logscale y",
        "plot " + series(0),
        "set ylabel 'server CPU per DORA (us)'",
        "plot " + series(1),
        "unset multiplot", ""])
    cp = subprocess.run([GNUPLOT], input=script, text=True, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT)
    if cp.returncode != 0:
        print("   gnuplot failed: %s" % cp.stdout.strip())
    else:
        print("   DHCP plot drawn: %s" % png)


def _has_cairo():
    cp = subprocess.run([GNUPLOT, "-e", "set terminal"], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
    return "pngcairo" in cp.stdout
