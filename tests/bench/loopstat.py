# SPDX-License-Identifier: GPL-2.0-or-later
"""vnetd's event-loop turns during a benchmark run, from `vnetd stats NAME
--json` ("loop": {"turns", "max_us", "p99_us", "buckets_us"}), zeroed with
`vnetd stats NAME --reset-loop` before each run. A vnetd without them gives
None, printed "n/a": a figure the daemon did not report is never made up."""

import json
import subprocess


def _run(argv):
    try:
        return subprocess.run([str(a) for a in argv], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None


def reset(vnetd_argv, net):
    """Zero the loop's counters; a vnetd without --reset-loop refuses it, and
    read() then finds no "loop" either."""
    _run(list(vnetd_argv) + ["stats", net, "--reset-loop"])


def read(vnetd_argv, net):
    """{"turns", "max_us", "p99_us"} since the last reset, or None."""
    cp = _run(list(vnetd_argv) + ["stats", net, "--json"])
    if cp is None or cp.returncode != 0:
        return None
    try:
        loop = json.loads(cp.stdout).get("loop")
    except (ValueError, AttributeError):
        return None
    if not isinstance(loop, dict):
        return None
    got = {k: loop.get(k) for k in ("turns", "max_us", "p99_us")}
    return got if all(isinstance(v, (int, float)) for v in got.values()) else None


def fmt_ms(us):
    return "n/a" if us is None else "%.2f" % (us / 1000.0)


def fmt(loop):
    """"max/p99 ms" of one run's loop figures."""
    if not loop:
        return "n/a"
    return "%s/%s" % (fmt_ms(loop["max_us"]), fmt_ms(loop["p99_us"]))


def worst(loops):
    """The longest turn and the highest p99 over several runs (None if any
    run lacked them)."""
    if not loops or any(not x for x in loops):
        return None
    return {"turns": sum(x["turns"] for x in loops),
            "max_us": max(x["max_us"] for x in loops),
            "p99_us": max(x["p99_us"] for x in loops)}
