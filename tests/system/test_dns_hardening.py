# SPDX-License-Identifier: GPL-2.0-or-later
"""DNS forwarding under a hostile guest or a changing host (issue 13).

The same topology and fake upstream resolver as test_dns.py (whose helpers
these tests use), plus, where a test needs them: IPv6 addresses on the
uplink, a stub resolver of the test's on 127.0.0.1 in the host namespace, a
guest that relays every query back to vnetd, a guest that floods random
names, a guest that sits on TCP connections. Each of these tests fails on
the code before the fix (the docstrings say how). Every process started
here is killed by PID; namespaces and /etc/netns/NS go with the fixtures.
"""

import json
import shutil
import time

import pytest

from helpers import GW, PY, UP, UPLINK, wait_for
from test_dns import (DIG, OUTSIDE_A, UPSTREAM, UPSTREAM_LIFE, SLOW_DELAY, DnsNet, dig,
                      net_xml)
from helpers import built

UP6, UPLINK6 = "2001:db8:100::1", "2001:db8:100::2"
UP2 = "198.51.100.3"            # a second upstream address on up0
RELAY = "192.168.122.11"        # a guest that sends every query back to vnetd
ASKER = "192.168.122.12"


@pytest.fixture
def dnsnet(host, guest):
    yield from built(DnsNet(host, guest), upstream=True)


def uplink_v6(net):
    """IPv6 on the uplink: UPLINK6 on the host's uplink0, UP6 on up0."""
    net.host.ip("addr", "add", UPLINK6 + "/64", "dev", "uplink0", "nodad")
    net.upstream.ip("addr", "add", UP6 + "/64", "dev", "up0", "nodad")


# --- IPv6 upstreams --------------------------------------------------------------

def test_ipv6_upstream_gets_the_query_over_ipv6(host, dnsnet):
    """Before: the first 4 bytes of 2001:db8:100::1 (32.1.13.184) were asked."""
    net = dnsnet
    uplink_v6(net)
    net.start(net_xml(), resolv="nameserver %s\n" % UP6)
    net.serve_upstream(addr=UP6)
    g = net.plug(addr="192.168.122.11/24")
    d = dig(g, "v6.outside.test", wait=3)
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    d = dig(g, "v6tcp.outside.test", "A", "+tcp", wait=3)
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    got = [q[:2] + (q[4],) for q in net.queries()]
    assert got == [("udp", UPLINK6, "v6.outside.test"),
                   ("tcp", UPLINK6, "v6tcp.outside.test")], got


# --- listeners bound to the bridge -------------------------------------------------

def test_dns_not_served_to_the_uplink(host, dnsnet):
    """Before: a query for 192.168.122.1 that came in on the uplink was
    answered (REFUSED, but answered: the listener was not bound to the bridge)."""
    net = dnsnet
    net.start(net_xml())
    net.serve_upstream()
    g = net.plug(addr="192.168.122.11/24")
    # The outside aims at the bridge address through the host's uplink.
    net.upstream.ip("route", "add", "192.168.122.0/24", "via", UPLINK)
    for tcp in ((), ("+tcp",)):
        d = dig(net.upstream, "outside.test", "A", *tcp, wait=1)
        assert d.status is None, d
    assert net.queries() == [], net.queries()
    # The bridge's guests are served as before, and so is the host itself
    # (a stub on the host may send the network's domain to 192.168.122.1).
    assert dig(g, "outside.test").rdata("A") == [OUTSIDE_A]
    d = dig(net.host, "outside.test", wait=2)
    assert d.rdata("A") == [OUTSIDE_A], d


# --- TCP clients --------------------------------------------------------------------

# argv: server, connections, seconds to watch. Opens the connections at once;
# half of them then send one byte every 2 s (the start of a query that never
# ends), the other half a whole query every 2 s (busy, never idle). Prints
# JSON: which were closed within the first 3 s (before any idle timeout),
# and when each was closed (seconds from the start, null when it was still
# open at the end).
TCP_HOG = r'''
import json, select, socket, struct, sys, time
srv, n, watch = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
q = struct.pack("!HHHHHH", 7, 0x0100, 1, 0, 0, 0) + b"\x02gw\x00\x00\x01\x00\x01"
t0 = time.monotonic()
socks = []
for i in range(n):
    s = socket.create_connection((srv, 53), timeout=2)
    s.setblocking(False)
    socks.append(s)
closed = [None] * n
def poll():
    r, _, _ = select.select([s for i, s in enumerate(socks) if closed[i] is None], [], [], 0.2)
    for s in r:
        i = socks.index(s)
        try:
            data = s.recv(65536)
        except OSError:
            data = b""
        if not data:
            closed[i] = round(time.monotonic() - t0, 1)
early_end = time.monotonic() + 3
while time.monotonic() < early_end:
    poll()
early = [i for i in range(n) if closed[i] is not None]
step = 0
next_send = time.monotonic()
while time.monotonic() - t0 < watch and any(c is None for c in closed):
    if time.monotonic() >= next_send:
        for i, s in enumerate(socks):
            if closed[i] is not None:
                continue
            try:
                if i % 2:
                    s.send(struct.pack("!H", len(q)) + q)
                else:
                    s.send(b"\x01" if step == 0 else b"\x00")   # length 256..., then a byte at a time
            except OSError:
                closed[i] = round(time.monotonic() - t0, 1)
        step += 1
        next_send += 2
    poll()
print(json.dumps({"early": early, "closed": closed}))
'''


def test_tcp_clients_cannot_hold_connections(host, dnsnet):
    """Before: any number of connections per guest, each kept for ever by a
    byte now and then."""
    net = dnsnet
    start_xml = net_xml(dns="<dns><host ip='192.168.122.60'><hostname>gw</hostname></host></dns>")
    net.start(start_xml)
    net.serve_upstream()
    hog = net.plug(addr="192.168.122.13/24")
    other = net.plug(addr="192.168.122.14/24")
    p = net.popen(hog.ns, [PY, "-c", TCP_HOG, GW, 8, 60])
    time.sleep(1.5)
    # While the hog holds what it may, another guest is served over TCP.
    d = dig(other, "gw", "A", "+tcp")
    assert d.rdata("A") == ["192.168.122.60"], d
    out, _ = p.communicate(timeout=90)
    res = json.loads(out.strip().splitlines()[-1])
    # At most 4 per address: the other 4 were closed as soon as they came.
    assert len(res["early"]) == 4, res
    held = [c for i, c in enumerate(res["closed"]) if i not in res["early"]]
    # And none of those it kept lived on: the idle (no whole query) and the
    # busy ones alike were closed well within the watch.
    assert all(c is not None for c in held), res


# argv: server, source address. One query over TCP from an address outside
# the subnet: prints the answer's rcode, then "closed" or "open" (whether the
# server ended the connection right after).
TCP_REFUSED = r'''
import socket, struct, sys
s = socket.create_connection((sys.argv[1], 53), timeout=3, source_address=(sys.argv[2], 0))
q = struct.pack("!HHHHHH", 9, 0x0100, 1, 0, 0, 0) + b"\x02gw\x00\x00\x01\x00\x01"
s.sendall(struct.pack("!H", len(q)) + q)
b = b""
while len(b) < 2 or len(b) < 2 + (b[0] << 8 | b[1]):
    b += s.recv(4096)
print(b[5] & 15)
try:
    print("closed" if s.recv(4096) == b"" else "open")
except socket.timeout:
    print("open")
except OSError:
    print("closed")
'''


def test_tcp_closed_after_refused(host, dnsnet):
    """Before: a refused TCP client kept its connection until it went idle."""
    net = dnsnet
    net.start(net_xml())
    g = net.plug(addr="192.168.122.11/24")
    g.ip("addr", "add", "10.66.0.5/24", "dev", "eth0")
    host.ip("route", "add", "10.66.0.0/24", "dev", "virbr0")
    cp = g.exec(PY, "-c", TCP_REFUSED, GW, "10.66.0.5")
    assert cp.stdout.split() == ["5", "closed"], cp.stdout + cp.stderr


# --- one guest's flood --------------------------------------------------------------

# argv: server, seconds, queries per second. Random names under flood.test,
# replies read and thrown away. Prints how many were sent.
FLOOD = r'''
import os, socket, struct, sys, time
srv, secs, rate = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setblocking(False)
sent = 0
t0 = time.monotonic()
while time.monotonic() - t0 < secs:
    name = b"\x08" + os.urandom(4).hex().encode() + b"\x05flood\x04test\x00"
    s.sendto(struct.pack("!HHHHHH", sent & 0xffff, 0x0100, 1, 0, 0, 0) + name + b"\x00\x01\x00\x01",
             (srv, 53))
    sent += 1
    try:
        while True:
            s.recv(4096)
    except BlockingIOError:
        pass
    time.sleep(max(0, t0 + sent / rate - time.monotonic()))
print("sent", sent)
'''


def test_one_guest_cannot_fill_the_forward_table(host, dnsnet):
    """Before: the flood took all 150 pending places, and another guest's
    query got SERVFAIL without ever being forwarded."""
    net = dnsnet
    net.start(net_xml())
    net.serve_upstream(mute=True)       # nothing is ever answered: everything stays pending
    flooder = net.plug(addr="192.168.122.13/24")
    asker = net.plug(addr=ASKER + "/24")
    p = net.popen(flooder.ns, [PY, "-c", FLOOD, GW, 5, 300])
    wait_for(lambda: len(net.queries()) >= 10, 5, "the flood to reach the upstream")
    time.sleep(1)
    dig(asker, "victim.outside.test", wait=1)
    out, _ = p.communicate(timeout=30)
    assert out.split()[0] == "sent" and int(out.split()[1]) > 100, out
    assert net.queries("victim.outside.test"), \
        "the other guest's query was never forwarded: %d queries upstream" % len(net.queries())
    flood = [q for q in net.queries() if q[4].endswith("flood.test")]
    assert flood and all(q[1] == UPLINK for q in flood)


# --- loopback upstreams and loops --------------------------------------------------

def test_loopback_stub_is_an_upstream(host, dnsnet):
    """Before: nameserver 127.0.0.1 was skipped: the guests got REFUSED."""
    net = dnsnet
    net.start(net_xml(), resolv="nameserver 127.0.0.1\n")
    stub = net.tmp / "stub.log"
    net.start_ready(host.ns, UPSTREAM, stub, "127.0.0.1", UPSTREAM_LIFE, SLOW_DELAY, "answer",
                    what="the stub resolver on 127.0.0.1")
    g = net.plug(addr="192.168.122.11/24")
    d = dig(g, "stub.outside.test")
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    got = [q[:2] + (q[4],) for q in net.queries(log=stub)]
    assert got == [("udp", "127.0.0.1", "stub.outside.test")], got


# argv: log, vnetd's address. A forwarder that forwards everything back to
# vnetd, bytes unchanged (ID included), and relays the answers; one line per
# query it gets: "q SRCADDR QNAMELEN".
RELAY_SRC = r'''
import select, socket, sys
log = open(sys.argv[1], "a", buffering=1)
back = sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 53))
up = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
waiting = {}
log.write("ready\n")
while True:
    r, _, _ = select.select([s, up], [], [], 60)
    if not r:
        break
    if s in r:
        d, peer = s.recvfrom(4096)
        log.write("q %s %d\n" % (peer[0], len(d)))
        waiting[d[:2]] = peer
        up.sendto(d, (back, 53))
    if up in r:
        d, _ = up.recvfrom(4096)
        peer = waiting.pop(d[:2], None)
        if peer:
            s.sendto(d, peer)
'''


def test_forwarding_loop_is_cut(host, dnsnet):
    """Before: vnetd forwarded its own query, coming back through the relay,
    again and again (the relay counted hundreds)."""
    net = dnsnet
    net.start(net_xml(dns="<dns><forwarder addr='%s'/></dns>" % RELAY))
    relay = net.plug(addr=RELAY + "/24")
    log = net.tmp / "relay.log"
    net.start_ready(relay.ns, RELAY_SRC, log, GW, what="the relay")
    asker = net.plug(addr=ASKER + "/24")
    d = dig(asker, "loop.outside.test", wait=4)
    assert d.status in ("SERVFAIL", "REFUSED") and d.answers == [], d
    d = dig(asker, "loop2.outside.test", wait=4)
    assert d.status in ("SERVFAIL", "REFUSED") and d.answers == [], d
    time.sleep(1)                       # a spinning loop would go on counting
    got = [l for l in log.read_text().splitlines() if l.startswith("q ")]
    # vnetd's own forwards reached the relay at most once per guest query.
    assert 1 <= len(got) <= 2, "%d queries went round: %s" % (len(got), got[:10])


def test_resolv_conf_followed_live(host, dnsnet):
    """Before: resolv.conf was read once, at start."""
    net = dnsnet
    net.upstream.ip("addr", "add", UP2 + "/24", "dev", "up0")
    net.start(net_xml())
    net.serve_upstream()
    second = net.serve_upstream(addr=UP2)
    g = net.plug(addr="192.168.122.11/24")
    assert dig(g, "before.outside.test").rdata("A") == [OUTSIDE_A]
    assert net.queries("before.outside.test")
    net.set_resolv("# moved to another network\nnameserver %s\n" % UP2)
    n = iter(range(1000))

    def switched():
        name = "after%d.outside.test" % next(n)
        dig(g, name)
        return net.queries(name, log=second)
    wait_for(switched, 10, "forwarding to the new upstream")
    assert dig(g, "final.outside.test").rdata("A") == [OUTSIDE_A]
    assert net.queries("final.outside.test", log=second)
    assert not net.queries("final.outside.test"), "the old upstream is still asked"
