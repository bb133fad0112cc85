"""CPU accounting shared by the benchmark sections: pinning commands to a
core, a process's CPU time, per-core utilisation from /proc/stat, and waiting
until other programs leave our cores alone."""

import os
import re
import shutil
import time

TASKSET = shutil.which("taskset") or "/usr/bin/taskset"


def pinned(cpu, argv):
    return ([TASKSET, "-c", str(cpu)] if cpu is not None else []) + list(argv)


def proc_cpu_s(pid):
    """utime + stime of a process (all its threads) and of the children it
    has reaped (cutime + cstime: vnetd's forked lease-file writers, any
    helper a server forks and waits for), in seconds; 0 if gone. Work a
    server hands to a child is still its cost per exchange."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def cpu_times():
    """{cpu index: (busy, total, task)} jiffies from /proc/stat: busy includes
    irq and softirq, task is user + nice + system only."""
    out = {}
    with open("/proc/stat") as f:
        for line in f:
            m = re.match(r"cpu(\d+) (.*)", line)
            if m:
                v = [int(x) for x in m.group(2).split()]
                idle = v[3] + v[4]
                out[int(m.group(1))] = (sum(v[:8]) - idle, sum(v[:8]), v[0] + v[1] + v[2])
    return out


def busy_pct(t0, t1, cpu):
    if cpu is None or cpu not in t0 or cpu not in t1:
        return None
    db, dt = t1[cpu][0] - t0[cpu][0], t1[cpu][1] - t0[cpu][1]
    return 100.0 * db / dt if dt > 0 else None


def wait_quiet(cpus, limit_s=30.0, busy_max=10.0):
    """Wait (bounded) until nothing else keeps our CPUs busy; return the busiest
    core's utilisation over the last second (percent)."""
    want = [c for c in cpus if c is not None] or sorted(cpu_times())
    deadline = time.monotonic() + limit_s
    while True:
        t0 = cpu_times()
        time.sleep(1.0)
        t1 = cpu_times()
        busiest = max((busy_pct(t0, t1, c) or 0.0) for c in want)
        if busiest <= busy_max or time.monotonic() >= deadline:
            return busiest


def pct(v):
    return "  -" if v is None else "%3.0f%%" % v
