# SPDX-License-Identifier: GPL-2.0-or-later
"""The serving daemon's log under a flood of packets (issue 13).

A guest on the bridge sends thousands of DHCPINFORMs as fast as it can; each
one is a log line (DHCPINFORM). The daemon runs `start --foreground`, so its
log lines come to our pipe as well as to syslog. The log must stay bounded
(a burst of 200 lines, then 50 a second) and say how many lines it dropped.
The bound is computed from the time the test actually took, so a slow
machine only loosens it.

    guest (192.168.122.10) --- vtg1 --+ virbr0 [host: vnetd start --foreground]
"""

import re
import signal
import subprocess
import time

from helpers import GW, PY, kill_proc, network_xml, wait_for

BURST, PER_S = 200, 50
FLOOD = 10000

# argv: server, own address, count. Unicast INFORMs from our own address
# (ciaddr), as a configured client asking for its options would.
FLOODER = r'''
import socket, struct, sys
server, me, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((me, 68))
mac = bytes.fromhex("525400aa0001") + bytes(10)
for i in range(count):
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 0, 0x10000 + i, 0, 0,
                       socket.inet_aton(me), bytes(4), bytes(4), bytes(4), mac,
                       bytes(64), bytes(128))
    s.sendto(head + b"\x63\x82\x53\x63\x35\x01\x08\xff", (server, 67))
print("sent", count)
'''


def read_log(path):
    try:
        return path.read_text().splitlines()
    except FileNotFoundError:
        return []


def test_inform_flood_log_is_bounded(host, guest):
    host.define(network_xml("vtlog", "virbr0", ((GW, 24),),
                            dhcp_range=("192.168.122.100", "192.168.122.200")))
    log = host.base / "foreground.log"
    with open(log, "w") as f:
        fg = subprocess.Popen(host.argv("start", "--foreground", "--no-probe", "vtlog"),
                              stdout=f, stderr=subprocess.STDOUT, env=host.env())
    host.started.add("vtlog")
    try:
        wait_for(lambda: any("serving network" in l for l in read_log(log)), 20,
                 "the daemon's 'serving network' line")
        g = guest(bridge="virbr0", addr="192.168.122.10/24")
        before = len(read_log(log))
        t0 = time.monotonic()
        cp = g.exec(PY, "-c", FLOODER, GW, "192.168.122.10", FLOOD, timeout=120)
        assert "sent %d" % FLOOD in cp.stdout

        # until the daemon has worked through the flood and reported the rest
        seen = []

        def settled():
            seen.append(len(read_log(log)))
            return len(seen) > 1 and seen[-1] == seen[-2]
        wait_for(settled, 60, "the log to stop growing", step=1.0)
        elapsed = time.monotonic() - t0
        lines = read_log(log)[before:]
    finally:
        fg.send_signal(signal.SIGTERM)          # the supervisor stops the network
        try:
            fg.wait(timeout=30)
        except subprocess.TimeoutExpired:
            kill_proc(fg)
    informs = [l for l in lines if "DHCPINFORM" in l]
    counts = [int(m.group(1)) for l in lines
              for m in [re.search(r"(\d+) messages suppressed", l)] if m]
    assert informs, "no DHCPINFORM line at all:\n%s" % "\n".join(lines[-20:])
    # every line but the counts took a token: a burst, then PER_S a second
    bound = BURST + PER_S * (elapsed + 1)
    assert len(lines) - len(counts) <= bound, \
        "%d log lines in %.1f s for %d INFORMs (bound %d)" % (
            len(lines) - len(counts), elapsed, FLOOD, bound)
    # what was dropped is counted, not lost silently
    assert counts, "lines were dropped without saying so:\n%s" % "\n".join(lines[-5:])
    assert sum(counts) >= 1000, counts
