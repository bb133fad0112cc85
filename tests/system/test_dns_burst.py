# SPDX-License-Identifier: GPL-2.0-or-later
"""Local DNS answers under a burst (issue 18): the daemon takes UDP queries a
batch at a time (recvmmsg) and sends the answers a batch at a time
(sendmmsg), so a burst from several client sockets, with malformed datagrams
in the middle, must still get every good query's whole answer, once, on the
socket that asked, under its own ID.

The topology and helpers are test_dns.py's; the client is a small Python
program in the guest's namespace that sends everything before it reads
anything. No timing is asserted: the client waits as long as a loaded
machine may need and reports what came.
"""

import json
import os
import signal
import socket
import struct

import pytest

from helpers import GW, PY, built, wait_for
from test_dns import DnsNet, net_xml, DOMAIN

G1 = "192.168.122.11"
DB = "192.168.122.60"
SOCKS, PER_SOCK = 4, 24         # 96 datagrams at once: three batches and more

# argv: server, sockets, datagrams per socket, then the datagrams of every
# socket as hex, socket by socket. Sends them all (socket after socket, one
# datagram each turn), then reads until every socket is quiet for 3 s (at most
# 30 s in all). Prints [[socket, answer as hex, from address, from port], ...]
# as JSON.
CLIENT = r'''
import json, select, socket, sys, time
srv, n, per = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
pkts = [bytes.fromhex(h) for h in sys.argv[4:]]
socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
for k in range(per):
    for i, s in enumerate(socks):
        s.sendto(pkts[i * per + k], (srv, 53))
got, end = [], time.monotonic() + 30
while time.monotonic() < end:
    ready, _, _ = select.select(socks, [], [], 3.0)
    if not ready:
        break
    for s in ready:
        d, src = s.recvfrom(4096)
        got.append([socks.index(s), d.hex(), src[0], src[1]])
print(json.dumps(got))
'''


@pytest.fixture
def dnsnet(host, guest):
    yield from built(DnsNet(host, guest), upstream=True)


def wire_name(name):
    return b"".join(bytes([len(l)]) + l.encode() for l in name.split(".") if l) + b"\0"


def query(qid, name, qtype, flags=0x0100):
    return struct.pack("!HHHHHH", qid, flags, 1, 0, 0, 0) + wire_name(name) + \
        struct.pack("!HH", qtype, 1)


def answer(qid, name, qtype, rdata):
    """A local answer as vnetd writes it: authoritative, the question echoed,
    one record owned by a pointer to it, TTL 0."""
    return struct.pack("!HHHHHH", qid, 0x8580, 1, 1, 0, 0) + wire_name(name) + \
        struct.pack("!HH", qtype, 1) + struct.pack("!HHHIH", 0xc00c, qtype, 1, 0, len(rdata)) + \
        rdata


def nxdomain(qid, label):
    """localOnly: NXDOMAIN with the zone's SOA (RFC 2308), its owner a pointer
    to the domain inside the question."""
    dom = 12 + 1 + len(label)
    ptr = struct.pack("!H", 0xc000 | dom)
    soa = ptr + b"\x0ahostmaster" + ptr + struct.pack("!IIIII", 1, 1200, 180, 1209600, 0)
    name = "%s.%s" % (label, DOMAIN)
    return struct.pack("!HHHHHH", qid, 0x8583, 1, 0, 1, 0) + wire_name(name) + \
        struct.pack("!HH", 1, 1) + ptr + struct.pack("!HHIH", 6, 1, 0, len(soa)) + soa


def burst():
    """Every socket's datagrams, and what each ID must get back (None: nothing)."""
    pkts, want = [], {}
    for s in range(SOCKS):
        for k in range(PER_SOCK):
            qid = 0x4000 + s * 256 + k
            kind = k % 8
            if kind == 0:
                p, a = query(qid, "db", 1), answer(qid, "db", 1, socket.inet_aton(DB))
            elif kind == 1:
                name = "db." + DOMAIN
                p, a = query(qid, name, 1), answer(qid, name, 1, socket.inet_aton(DB))
            elif kind == 2:
                name = "60.122.168.192.in-addr.arpa"
                p, a = query(qid, name, 12), answer(qid, name, 12, wire_name("db." + DOMAIN))
            elif kind == 3:
                # cut inside the question: FORMERR, the question not echoed
                p = query(qid, "www.outside.test", 1)[:20]
                a = struct.pack("!HHHHHH", qid, 0x8181, 0, 0, 0, 0)
            elif kind == 4:
                p, a = query(qid, "nosuch%d.%s" % (k, DOMAIN), 1), nxdomain(qid, "nosuch%d" % k)
            elif kind == 5:
                p, a = query(qid, "info", 16), answer(qid, "info", 16, b"\x0bhello world")
            elif kind == 6:
                p, a = query(qid, "db", 1, flags=0x8180), None      # a response: dropped
            else:
                p, a = struct.pack("!HH", qid, 0x0100), None        # no whole header
            pkts.append(p)
            want[(s, qid)] = a
    return pkts, want


def test_burst_from_many_sockets_gets_every_answer_once(host, dnsnet):
    net = dnsnet
    dns = ("<dns><host ip='%s'><hostname>db</hostname></host>"
           "<txt name='info' value='hello world'/></dns>" % DB)
    net.start(net_xml(dns=dns, local_only=True))
    net.serve_upstream()
    g = net.plug(addr=G1 + "/24")
    pkts, want = burst()
    cp = g.exec(PY, "-c", CLIENT, GW, str(SOCKS), str(PER_SOCK), *[p.hex() for p in pkts],
                timeout=60)
    got = {}
    for s, h, src, port in json.loads(cp.stdout):
        assert (src, port) == (GW, 53), (src, port)
        d = bytes.fromhex(h)
        key = (s, struct.unpack("!H", d[:2])[0])
        assert key not in got, "answered twice: %r" % (key,)
        got[key] = d
    expected = {k: a for k, a in want.items() if a is not None}
    assert sorted(got) == sorted(expected), (sorted(set(expected) - set(got)),
                                             sorted(set(got) - set(expected)))
    for k, a in expected.items():
        assert got[k] == a, (k, got[k].hex(), a.hex())
    # nothing of a localOnly domain, nor a local name, went upstream
    assert net.queries() == [], net.queries()


def udp_53(net):
    """(Recv-Q, local address) of each UDP socket on port 53."""
    return sorted((int(l[2]), l[-2]) for l in net.ss_53() if l[0] == "udp")


def started_with_db(net):
    """The network with the static name db (localOnly domain), its upstream,
    and the guest G1, returned."""
    dns = "<dns><host ip='%s'><hostname>db</hostname></host></dns>" % DB
    net.start(net_xml(dns=dns, local_only=True))
    net.serve_upstream()
    return net.plug(addr=G1 + "/24")


def test_every_asker_is_answered_from_port_53_by_the_listener(host, dnsnet):
    """The answers leave through a second socket on GW:53 that is not in epoll
    (dns_io.c): a SO_REUSEPORT group whose steering program gives every query
    to the listener. Were the steering lost, about half of these 64 askers
    (64 source ports, so 64 hashes) would land on the reply socket and never
    be answered."""
    net = dnsnet
    g = started_with_db(net)
    n = 64
    pkts = [query(0x6000 + i, "db", 1) for i in range(n)]
    cp = g.exec(PY, "-c", CLIENT, GW, str(n), "1", *[p.hex() for p in pkts], timeout=60)
    got = sorted((s, h, src, port) for s, h, src, port in json.loads(cp.stdout))
    assert got == [(i, answer(0x6000 + i, "db", 1, socket.inet_aton(DB)).hex(), GW, 53)
                   for i in range(n)], got
    # the listener and the reply socket, both bound to the bridge, nothing left queued
    assert udp_53(net) == [(0, GW + "%virbr0:53"), (0, GW + "%virbr0:53")], net.ss_53()


def test_same_size_answers_to_one_asker_leave_coalesced(host, dnsnet):
    """Answers of one batch to the same asker that are all the same size
    leave as one datagram of the stack with UDP segmentation offload
    (dns_io_udp.c); the asker must still get each as a datagram of its own,
    once, under its own ID. The daemon is stopped while the queries are
    sent, so that they wait in its socket and come in one batch."""
    net = dnsnet
    g = started_with_db(net)
    n = 30
    pkts = [query(0x7000 + i, "db", 1) for i in range(n)]
    pid = host.running_pid("default", "Daemon")
    before = json.loads(host.run("stats", "default", "--json").stdout)["counters"]
    os.kill(pid, signal.SIGSTOP)
    try:
        p = net.popen(g.ns, [PY, "-c", CLIENT, GW, "1", str(n)] + [q.hex() for q in pkts])
        # the queries are in the daemon's socket once the client waits to read
        wait_for(lambda: any(r >= n * 20 for r, _ in udp_53(net)), 10,
                 "the queries to wait in the listener")
    finally:
        os.kill(pid, signal.SIGCONT)
    out, _ = p.communicate(timeout=60)
    got = sorted((s, h, src, port) for s, h, src, port in json.loads(out))
    assert got == sorted((0, answer(0x7000 + i, "db", 1, socket.inet_aton(DB)).hex(), GW, 53)
                         for i in range(n)), got
    after = json.loads(host.run("stats", "default", "--json").stdout)["counters"]
    coalesced = after["dns_answers_coalesced"] - before["dns_answers_coalesced"]
    assert coalesced >= 2, "no answers left coalesced: %d" % coalesced


def edns_query(qid, name, qtype):
    """A query with an OPT record offering 4096 bytes (RFC 6891)."""
    q = struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 1) + wire_name(name) + \
        struct.pack("!HH", qtype, 1)
    return q + b"\0" + struct.pack("!HHIH", 41, 4096, 0, 0)


def test_answers_too_big_to_coalesce_leave_alone(host, dnsnet):
    """An answer bigger than a segment may be (the path's MTU) is never
    coalesced. Before the fix six same-size 2 KB answers to one asker left
    as one segmented message the kernel accepted, and its segments, bigger
    than the bridge's MTU, were lost on the way: the asker got none of them.
    The small answers in the same burst must still leave coalesced."""
    net = dnsnet
    big = "".join("<host ip='192.168.122.%d'><hostname>big</hostname></host>" % i
                  for i in range(2, 122))           # 120 A records: ~2 KB > 1500
    net.start(net_xml(dns="<dns>%s<host ip='%s'><hostname>db</hostname></host></dns>"
                      % (big, DB), local_only=True))
    net.serve_upstream()
    g = net.plug(addr=G1 + "/24")
    pkts = [edns_query(0x7100 + i, "big", 1) for i in range(6)] + \
        [query(0x7200 + i, "db", 1) for i in range(20)]
    pid = host.running_pid("default", "Daemon")
    before = json.loads(host.run("stats", "default", "--json").stdout)["counters"]
    os.kill(pid, signal.SIGSTOP)
    try:
        p = net.popen(g.ns, [PY, "-c", CLIENT, GW, "1", str(len(pkts))] + [q.hex() for q in pkts])
        wait_for(lambda: any(r >= len(pkts) * 20 for r, _ in udp_53(net)), 10,
                 "the queries to wait in the listener")
    finally:
        os.kill(pid, signal.SIGCONT)
    out, _ = p.communicate(timeout=60)
    got = {}
    for _, h, src, port in json.loads(out):
        d = bytes.fromhex(h)
        got[struct.unpack("!H", d[:2])[0]] = d
    assert sorted(got) == sorted([0x7100 + i for i in range(6)] + [0x7200 + i for i in range(20)])
    for i in range(6):
        assert len(got[0x7100 + i]) > 1500 and struct.unpack("!H", got[0x7100 + i][6:8])[0] == 120
    for i in range(20):
        assert got[0x7200 + i] == answer(0x7200 + i, "db", 1, socket.inet_aton(DB))
    after = json.loads(host.run("stats", "default", "--json").stdout)["counters"]
    coalesced = after["dns_answers_coalesced"] - before["dns_answers_coalesced"]
    assert coalesced >= 2, "the small answers did not leave coalesced: %d" % coalesced

