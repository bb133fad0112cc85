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


def _stats(vnetd_argv, net):
    cp = _run(list(vnetd_argv) + ["stats", net, "--json"])
    if cp is None or cp.returncode != 0:
        return None
    try:
        got = json.loads(cp.stdout)
    except ValueError:
        return None
    return got if isinstance(got, dict) else None


def counter(vnetd_argv, net, key):
    """One number of `vnetd stats --json`, wherever it sits, or None."""
    todo = [_stats(vnetd_argv, net)]
    while todo:
        o = todo.pop()
        if isinstance(o, dict):
            if isinstance(o.get(key), (int, float)):
                return o[key]
            todo += list(o.values())
    return None


def read(vnetd_argv, net):
    """{"turns", "max_us", "p99_us"} since the last reset, or None."""
    loop = (_stats(vnetd_argv, net) or {}).get("loop")
    if not isinstance(loop, dict):
        return None
    got = {k: loop.get(k) for k in ("turns", "max_us", "p99_us")}
    return got if all(isinstance(v, (int, float)) for v in got.values()) else None


def fmt_ms(us):
    return "n/a" if us is None else "%.2f" % (us / 1000.0)


def fmt(loop, unit=""):
    """"max/p99" (in ms) of one run's loop figures."""
    if not loop:
        return "n/a"
    return "%s/%s%s" % (fmt_ms(loop["max_us"]), fmt_ms(loop["p99_us"]), unit)


def worst(loops):
    """The longest turn and the highest p99 over several runs (None if any
    run lacked them)."""
    if not loops or any(not x for x in loops):
        return None
    return {"turns": sum(x["turns"] for x in loops),
            "max_us": max(x["max_us"] for x in loops),
            "p99_us": max(x["p99_us"] for x in loops)}
