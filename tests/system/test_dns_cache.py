# SPDX-License-Identifier: GPL-2.0-or-later
"""The cache of forwarded answers (issue 18), shown with dig against a fake
upstream that writes down every query it gets.

The topology is test_dns.py's (guest G1 on virbr0, the upstream namespace
behind uplink0); the upstream here is a small responder of this file's:
  - NAME.cache.test A 203.0.113.5 with TTL 300; short*.cache.test with TTL 2;
  - nx*.cache.test NXDOMAIN with an SOA of TTL 3600 and MINIMUM 300;
    nxshort*.cache.test the same with MINIMUM 2;
every query logged as "udp|tcp SRCADDR SRCPORT ID QNAME QTYPE". No test
asserts a time: expiry is shown by asking again until the upstream hears
the name a second time, within a generous bound.
"""

import json

from helpers import PY, UP, wait_for
from test_dns import G1, DnsNet, dig, net_xml  # noqa: F401  (DnsNet: the fixture's)
from test_dns import dnsnet  # noqa: F401  (the fixture)

ANSWER_A = "203.0.113.5"
SECOND_UP = "198.51.100.3"      # another upstream on the upstream side, for resolv.conf

CACHE_UPSTREAM = r'''
import socket, struct, sys, time
logpath, addr, life = sys.argv[1], sys.argv[2], float(sys.argv[3])
log = open(logpath, "a", buffering=1)

def parse(d):
    if len(d) < 17:
        return None
    qid, flags, qd = struct.unpack("!HHH", d[:6])
    if flags & 0x8000 or qd != 1:
        return None
    i, labels = 12, []
    while i < len(d) and d[i]:
        n = d[i]
        if n & 0xc0 or i + 1 + n > len(d):
            return None
        labels.append(d[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    i += 1
    if i + 4 > len(d):
        return None
    qtype, = struct.unpack("!H", d[i:i + 2])
    return qid, flags, ".".join(labels), qtype, d[12:i + 4]

def soa(minimum):
    rd = b"\x03ns1\xc0\x0c" + b"\x0ahostmaster\xc0\x0c"
    rd += struct.pack("!IIIII", 2026120301, 7200, 3600, 1209600, minimum)
    return b"\xc0\x0c" + struct.pack("!HHIH", 6, 1, 3600, len(rd)) + rd

def answer(qid, flags, name, qtype, question):
    n = name.lower()
    an, ns, rcode = b"", b"", 0
    if n.startswith("nxshort"):
        rcode, ns = 3, soa(2)
    elif n.startswith("nx"):
        rcode, ns = 3, soa(300)
    elif qtype == 1:
        ttl = 2 if n.startswith("short") else 300
        an = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, ttl, 4) + socket.inet_aton("203.0.113.5")
    hdr = 0x8080 | (flags & 0x0100) | rcode
    return struct.pack("!HHHHHH", qid, hdr, 1, 1 if an else 0, 1 if ns else 0, 0) + \
        question + an + ns

u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((addr, 53))
u.settimeout(0.5)
log.write("ready\n")
end = time.monotonic() + life
while time.monotonic() < end:
    try:
        d, peer = u.recvfrom(4096)
    except socket.timeout:
        continue
    q = parse(d)
    if q is None:
        continue
    qid, flags, name, qtype, question = q
    log.write("udp %s %d %d %s %d\n" % (peer[0], peer[1], qid, name, qtype))
    u.sendto(answer(qid, flags, name, qtype, question), peer)
'''


def serve(net, addr=UP):
    """The caching test's upstream on addr:53; returns its query log."""
    log = net.tmp / ("cache-upstream-%s.log" % addr)
    net.start_ready(net.upstream.ns, CACHE_UPSTREAM, log, addr, 60,
                    what="the fake upstream")
    return log


def started(net):
    net.start(net_xml())
    log = serve(net)
    return net.plug(addr=G1 + "/24"), log


def stats(host):
    return json.loads(host.run("stats", "default", "--json").stdout)["counters"]


def test_second_query_from_cache_then_upstream_after_ttl(host, dnsnet):
    net = dnsnet
    g, log = started(net)
    d1 = dig(g, "www.cache.test")
    assert d1.status == "NOERROR" and d1.rdata("A") == [ANSWER_A], d1
    # Asked again, in another case: answered here, with the asker's case and
    # ID, the same data, a TTL no higher; the upstream heard it once.
    d2 = dig(g, "WWW.Cache.TEST")
    assert d2.status == "NOERROR" and d2.rdata("A") == [ANSWER_A], d2
    assert [a[0] for a in d2.answers] == ["WWW.Cache.TEST."], d2
    assert 0 < d2.answers[0][1] <= d1.answers[0][1] == 300, (d1, d2)
    assert len(net.queries("www.cache.test", log=log)) == 1, net.queries(log=log)
    c = stats(host)
    assert (c["dns_forwarded"], c["dns_cache_hits"], c["dns_cache_entries"]) == (1, 1, 1), c
    # A 2 s TTL: the name reaches the upstream again once it has run out.
    d = dig(g, "short.cache.test")
    assert d.status == "NOERROR" and d.answers[0][1] == 2, d

    def asked_again():
        dig(g, "short.cache.test")
        return len(net.queries("short.cache.test", log=log)) >= 2
    wait_for(asked_again, 20, "short.cache.test to be asked upstream again after its TTL")


def test_nxdomain_cached_for_soa_minimum(host, dnsnet):
    net = dnsnet
    g, log = started(net)
    d1 = dig(g, "nx1.cache.test", "A", "+authority")
    assert d1.status == "NXDOMAIN" and d1.answers[0][2] == "SOA", d1
    assert d1.answers[0][1] == 3600, d1                 # as the upstream sent it
    d2 = dig(g, "nx1.cache.test", "A", "+authority")
    # RFC 2308: kept, and given out, for min(SOA TTL 3600, MINIMUM 300)
    assert d2.status == "NXDOMAIN" and d2.answers[0][2] == "SOA", d2
    assert 0 < d2.answers[0][1] <= 300, d2
    assert len(net.queries("nx1.cache.test", log=log)) == 1, net.queries(log=log)
    # MINIMUM 2: asked upstream again soon (its SOA TTL of 3600 does not count)
    dig(g, "nxshort.cache.test")

    def asked_again():
        dig(g, "nxshort.cache.test")
        return len(net.queries("nxshort.cache.test", log=log)) >= 2
    wait_for(asked_again, 20, "nxshort.cache.test to be asked upstream again")


def test_changed_resolv_conf_flushes(host, dnsnet):
    net = dnsnet
    g, log = started(net)
    net.upstream.ip("addr", "add", SECOND_UP + "/24", "dev", "up0")
    log2 = serve(net, SECOND_UP)
    assert dig(g, "flush.cache.test").rdata("A") == [ANSWER_A]
    assert dig(g, "flush.cache.test").rdata("A") == [ANSWER_A]
    assert len(net.queries("flush.cache.test", log=log)) == 1, net.queries(log=log)
    net.set_resolv("nameserver %s\n" % SECOND_UP)
    # The daemon follows resolv.conf: the kept answer goes with the old upstream,
    # and the name is asked at the new one.

    def at_second():
        dig(g, "flush.cache.test")
        return len(net.queries("flush.cache.test", log=log2)) >= 1
    wait_for(at_second, 20, "flush.cache.test to be asked at the new upstream")
    assert len(net.queries("flush.cache.test", log=log)) == 1, net.queries(log=log)
    assert stats(host)["dns_cache_hits"] >= 1
