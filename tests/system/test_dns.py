# SPDX-License-Identifier: GPL-2.0-or-later
"""The serving daemon's DNS service (issue 6), shown with real clients.

Topology, all in namespaces made here (never the root namespace):

    guestN (udhcpc, MAC 52:54:00:06:..) --+
                                          virbr0 [host: vnetd] uplink0 (198.51.100.2)
    guestM (192.168.122.11, asks) --------+   192.168.122.1          |
                                                        up0 (198.51.100.1) [upstream]

dig runs only inside guest namespaces (and, for the one check that the
server is not an open resolver, in `upstream`). `upstream` runs a small
DNS responder of ours (UDP and TCP, hand-built packets) that writes down
every query it gets (transport, source address and port, ID, name, type),
answers names under outside.test and corp.test, NXDOMAIN for the rest,
delays its answer for names starting with "slow", and exits by itself after
a while. vnetd is pointed at it with a resolv.conf of the host namespace's
own (/etc/netns/NS/resolv.conf, which `ip netns exec` puts over
/etc/resolv.conf), so nothing ever depends on the machine's own resolv.conf. Forged replies are sent from the
upstream namespace through a raw socket (so their source port can be
chosen), built by hand too. Every process started here is killed by PID;
the namespace fixtures kill whatever is left before deleting a namespace.

Networks use stp='off' so that a port forwards at once, and `start
--no-probe` so that the first DHCP offer is not held by an ARP probe.
"""

import json
import re
import shutil
import signal
import time

import pytest

from helpers import (GW, PY, UP, UPLINK, Topology, built, host_resolv_conf, kill_proc,
                     network_xml, wait_for)

DIG = shutil.which("dig")
SS = shutil.which("ss") or "/usr/bin/ss"

G1 = "192.168.122.11"            # the static guest that asks
DOMAIN = "example.test"
OUTSIDE_A = "203.0.113.5"       # every name under outside.test, from upstream
SLOW_A = "203.0.113.6"          # slow*.outside.test, answered after SLOW_DELAY
CORP_A = "203.0.113.7"          # every name under corp.test
FORGED_A = "6.6.6.6"            # what the forged replies carry
CONTROL_A = "203.0.113.99"      # a forged reply right in every field (control)
SLOW_DELAY = 1.2                # seconds; vnetd's forward timeout is 2 s
UPSTREAM_LIFE = 40              # the responder exits by itself after this


# --- the fake upstream resolver ----------------------------------------------

# argv: log, listen address (IPv4 or IPv6), life (s), slow delay (s), "mute" or "answer".
# One line per query:
#   udp|tcp SRCADDR SRCPORT ID QNAME QTYPE
# (QNAME exactly as received). "ready" first. Answers: A for names under
# outside.test (40 of them for big*.outside.test, cut with TC over UDP when
# they exceed the asker's EDNS0 size or 512), under corp.test, NXDOMAIN for
# the rest; slow*.outside.test answered after the delay; "mute": none at all.
UPSTREAM = r'''
import select, socket, struct, sys, time
logpath, addr, life, delay = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
mute = sys.argv[5] == "mute"
log = open(logpath, "a", buffering=1)

def lookup(name):
    n = name.lower()
    if n.startswith("big") and n.endswith(".outside.test"):
        return ["203.0.113.%d" % (100 + k) for k in range(40)]
    if n.startswith("slow") and n.endswith(".outside.test"):
        return "203.0.113.6"
    if n == "outside.test" or n.endswith(".outside.test"):
        return "203.0.113.5"
    if n == "corp.test" or n.endswith(".corp.test"):
        return "203.0.113.7"
    return None

def parse(d):
    if len(d) < 17:
        return None
    qid, flags, qd, _, _, ar = struct.unpack("!HHHHHH", d[:12])
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
    # The UDP size the asker takes: its EDNS0 OPT record's, else 512.
    size = 512
    if ar and d[i + 4:i + 7] == b"\x00\x00\x29" and len(d) >= i + 9:
        size = max(512, struct.unpack("!H", d[i + 7:i + 9])[0])
    return qid, flags, ".".join(labels), qtype, d[12:i + 4], size

def answer(qid, flags, name, qtype, question, size):
    ips = lookup(name)
    ips = [ips] if isinstance(ips, str) else ips
    if ips is None:
        rcode, ips = 3, []
    else:
        rcode, ips = 0, ips if qtype in (1, 255) else []
    an = b"".join(b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + socket.inet_aton(ip)
                  for ip in ips)
    hdr = 0x8080 | (flags & 0x0100) | rcode
    if 12 + len(question) + len(an) > size:         # cut, with TC
        return struct.pack("!HHHHHH", qid, hdr | 0x0200, 1, 0, 0, 0) + question
    return struct.pack("!HHHHHH", qid, hdr, 1, len(ips), 0, 0) + question + an

fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
u = socket.socket(fam, socket.SOCK_DGRAM)
u.bind((addr, 53))
t = socket.socket(fam, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((addr, 53))
t.listen(16)
conns = {}          # socket -> (peer, bytes so far)
later = []          # (due, send function)
log.write("ready\n")
end = time.monotonic() + life

def handle(kind, peer, d, send):
    q = parse(d)
    if q is None:
        log.write("%s %s %d bad %d\n" % (kind, peer[0], peer[1], len(d)))
        return
    qid, flags, name, qtype, question, size = q
    log.write("%s %s %d %d %s %d\n" % (kind, peer[0], peer[1], qid, name, qtype))
    if mute:
        return
    out = answer(qid, flags, name, qtype, question, size if kind == "udp" else 65535)
    if name.lower().startswith("slow"):
        later.append((time.monotonic() + delay, lambda: send(out)))
    else:
        send(out)

while time.monotonic() < end:
    now = time.monotonic()
    for item in [x for x in later if x[0] <= now]:
        later.remove(item)
        try:
            item[1]()
        except OSError:
            pass
    wait = min([end - now] + [x[0] - now for x in later])
    r, _, _ = select.select([u, t] + list(conns), [], [], max(wait, 0))
    for s in r:
        if s is u:
            d, peer = u.recvfrom(4096)
            handle("udp", peer, d, lambda out, peer=peer: u.sendto(out, peer))
        elif s is t:
            c, peer = t.accept()
            conns[c] = (peer, b"")
        else:
            peer, buf = conns[s]
            try:
                d = s.recv(4096)
            except OSError:
                d = b""
            if not d:
                del conns[s]
                s.close()
                continue
            buf += d
            while len(buf) >= 2 and len(buf) >= 2 + (buf[0] << 8 | buf[1]):
                n = buf[0] << 8 | buf[1]
                msg, buf = buf[2:2 + n], buf[2 + n:]
                handle("tcp", peer, msg,
                       lambda out, s=s: s.sendall(struct.pack("!H", len(out)) + out))
            conns[s] = (peer, buf)
'''

# Forged replies through a raw UDP socket, so that the source port is ours to
# choose (the source address is the upstream's own). argv: destination
# address, destination port, JSON list of [source port, ID, qname, address].
FORGE = r'''
import json, socket, struct, sys
dst, dport, forged = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
for sport, qid, qname, ip in forged:
    q = b"".join(bytes([len(l)]) + l.encode() for l in qname.split(".")) + b"\0"
    q += struct.pack("!HH", 1, 1)
    dns = struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + q
    dns += b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 3600, 4) + socket.inet_aton(ip)
    udp = struct.pack("!HHHH", sport, dport, 8 + len(dns), 0) + dns   # checksum 0: none
    r.sendto(udp, (dst, 0))
print("sent", len(forged))
'''


# --- helpers ----------------------------------------------------------------

def net_xml(dns="", domain=DOMAIN, local_only=False, dhcp=True, forward="nat",
            hosts=(), local_ptr=False):
    return network_xml("default", "virbr0", ((GW, 24),), forward=forward, domain=domain,
                       local_only=local_only, dns=dns, local_ptr=local_ptr,
                       dhcp_range=("192.168.122.100", "192.168.122.200") if dhcp else None,
                       hosts=hosts)


class Dig:
    """One dig run: status (NOERROR, NXDOMAIN, ... or None when no answer
    came), flags, the answer records as (name, ttl, type, rdata), the text."""

    def __init__(self, cp):
        self.text = cp.stdout + cp.stderr
        self.rc = cp.returncode
        m = re.search(r"->>HEADER<<- opcode: \w+, status: (\w+), id: (\d+)", cp.stdout)
        self.status = m.group(1) if m else None
        self.id = int(m.group(2)) if m else None
        m = re.search(r";; flags: ([^;]*);", cp.stdout)
        self.flags = m.group(1).split() if m else []
        self.answers = []
        for line in cp.stdout.splitlines():
            if not line.strip() or line.startswith(";"):
                continue
            f = line.split(None, 4)
            if len(f) == 5 and f[2] == "IN":
                self.answers.append((f[0], int(f[1]), f[3], f[4]))

    def rdata(self, rtype=None):
        return sorted(r[3] for r in self.answers if rtype is None or r[2] == rtype)

    def __repr__(self):
        return "dig exit %d:\n%s" % (self.rc, self.text)


def dig(node, name, qtype="A", *opts, server=GW, wait=2, tries=1):
    """dig inside node's namespace (a guest, or upstream for one check)."""
    if not DIG:
        pytest.fail("dig is not installed (bind9-dnsutils)", pytrace=False)
    argv = [DIG, "@" + server, "+time=%d" % wait, "+tries=%d" % tries, "+nocmd",
            "+noall", "+comments", "+answer", "+nostats"] + list(opts)
    argv += ["-x", name] if qtype == "PTR" else [name, qtype]
    return Dig(node.exec(*argv, check=False, timeout=wait * tries + 10))


class DnsNet(Topology):
    """A network with DNS, its upstream namespace with the fake resolver, the
    guests and every process the test started."""

    def __init__(self, host, guest_factory):
        super().__init__(host, guest_factory, "dns")
        self.resolv = None

    def set_resolv(self, text):
        """The host's resolv.conf as vnetd reads it (a running daemon follows it)."""
        self.resolv = host_resolv_conf(self.host, text)

    def start(self, xml, resolv="nameserver %s\n" % UP):
        """Define and start `default`; the daemon reads `resolv` as the
        host's resolv.conf."""
        self.set_resolv(resolv)
        self.host.define(xml)
        self.host.run("start", "--no-probe", "default")
        return self

    def serve_upstream(self, addr=UP, mute=False):
        """Start the fake resolver on addr:53; returns its query log (the
        first one started becomes self.log)."""
        log = self.tmp / ("upstream%d.log" % len(self.procs))
        self.start_ready(self.upstream.ns, UPSTREAM, log, addr, UPSTREAM_LIFE, SLOW_DELAY,
                         "mute" if mute else "answer", what="the fake upstream")
        if not hasattr(self, "log"):
            self.log = log
        return log

    def queries(self, name=None, log=None):
        """An upstream's log (self.log by default) as (transport, addr, port,
        id, qname, qtype); only those for `name` (case-insensitively) when given."""
        out = []
        for line in (log or self.log).read_text().splitlines():
            f = line.split()
            if len(f) != 6 or f[0] not in ("udp", "tcp"):
                continue
            rec = (f[0], f[1], int(f[2]), int(f[3]), f[4], int(f[5]))
            if name is None or rec[4].lower() == name.lower():
                out.append(rec)
        return out

    def udhcpc(self, g, *extra):
        """A resident udhcpc in g (releases on SIGUSR2); returns it once bound."""
        c = self.udhcpc_bg(g, *extra)
        c.wait_event("bound")
        return c

    def ss_53(self):
        """Every socket on port 53 in the host namespace (UDP and TCP listeners)."""
        out = self.host.exec(SS, "-H", "-n", "-l", "-u", "-t", "sport = :53").stdout
        return [l.split() for l in out.splitlines() if l.strip()]


@pytest.fixture
def dnsnet(host, guest):
    yield from built(DnsNet(host, guest), upstream=True)


def start_serving(net, xml=None, **start_kw):
    """The network (net_xml() unless given), then the fake upstream."""
    net.start(xml or net_xml(), **start_kw)
    net.serve_upstream()


def started_with_asker(net, xml=None, **start_kw):
    """The usual start: start_serving, then the static guest G1 that asks;
    returns G1."""
    start_serving(net, xml, **start_kw)
    return net.plug(addr=G1 + "/24")


def assert_local(d, rtype, rdata, name=None):
    """A local answer: NOERROR, authoritative, exactly `rdata`, TTL 0
    (local-ttl as dnsmasq under libvirt)."""
    assert d.status == "NOERROR", d
    assert "aa" in d.flags, d
    assert d.rdata(rtype) == sorted(rdata if isinstance(rdata, list) else [rdata]), d
    for rname, ttl, _, _ in d.answers:
        assert ttl == 0, d
        if name:
            assert rname.lower() == name.lower().rstrip(".") + ".", d


# --- local names --------------------------------------------------------------

def test_lease_name_resolves_then_goes_with_release(host, dnsnet):
    net = dnsnet
    start_serving(net)
    web = net.plug(mac="52:54:00:06:00:01")
    other = net.plug(addr=G1 + "/24")
    c = net.udhcpc(web, "-x", "hostname:web1")
    ip = c.env()["ip"]
    assert c.env().get("dns") == GW, c.env()
    assert c.env().get("domain") == DOMAIN, c.env()

    # The name is in the table by the time udhcpc runs its bound script
    # (the ACK left after the lease event); allow a moment all the same.
    def named():
        d = dig(other, "web1")
        return d if d.rdata("A") == [ip] else None
    assert_local(wait_for(named, 2, "web1 in DNS"), "A", ip, "web1")
    assert_local(dig(other, "web1." + DOMAIN), "A", ip, "web1." + DOMAIN)
    assert_local(dig(other, "WEB1.Example.Test"), "A", ip)
    d = dig(other, ip, "PTR")
    assert_local(d, "PTR", "web1.%s." % DOMAIN)
    # Answered here: nothing about web1 went upstream.
    assert not [q for q in net.queries() if "web1" in q[4].lower()], net.queries()

    # A second guest asking for the same name does not take it.
    thief = net.plug(mac="52:54:00:06:00:02")
    c2 = net.udhcpc(thief, "-x", "hostname:web1")
    ip2 = c2.env()["ip"]
    assert ip2 != ip
    assert_local(dig(other, "web1"), "A", ip)
    assert dig(other, ip2, "PTR").rdata("PTR") != ["web1.%s." % DOMAIN]
    kill_proc(c2.proc)

    # Release (SIGUSR2): the name and its PTR go with the lease.
    c.proc.send_signal(signal.SIGUSR2)
    c.wait_event("deconfig", count=2)       # one at start, one at release

    def gone():
        d = dig(other, "web1." + DOMAIN)
        return d if d.status is not None and ip not in d.rdata() else None
    d = wait_for(gone, 3, "web1 to leave DNS after the release")
    # The domain is not localOnly, so the unknown name is now asked upstream,
    # which has never heard of it.
    assert d.status == "NXDOMAIN" and d.answers == [], d
    d = dig(other, "web1")
    assert d.status == "NXDOMAIN" and d.answers == [], d
    d = dig(other, ip, "PTR")
    assert "web1.%s." % DOMAIN not in d.rdata(), d


def test_static_host_srv_txt(host, dnsnet):
    net = dnsnet
    dns = ("<dns>"
           "<host ip='192.168.122.60'><hostname>db</hostname><hostname>db-alias</hostname></host>"
           "<srv service='ldap' protocol='tcp' domain='%s' target='db.%s' port='389' "
           "priority='10' weight='20'/>"
           "<txt name='info' value='hello world'/>"
           "</dns>" % (DOMAIN, DOMAIN))
    g = started_with_asker(net, net_xml(dns=dns, hosts=[("52:54:00:06:00:50", "static1",
                                                         "192.168.122.50")]))

    assert_local(dig(g, "db"), "A", "192.168.122.60", "db")
    assert_local(dig(g, "db." + DOMAIN), "A", "192.168.122.60")
    assert_local(dig(g, "db-alias"), "A", "192.168.122.60")
    assert_local(dig(g, "static1." + DOMAIN), "A", "192.168.122.50")   # <dhcp><host name>
    assert_local(dig(g, "192.168.122.60", "PTR"), "PTR",
                 ["db.%s." % DOMAIN, "db-alias.%s." % DOMAIN])
    assert_local(dig(g, "_ldap._tcp." + DOMAIN, "SRV"), "SRV", "10 20 389 db.%s." % DOMAIN)
    assert_local(dig(g, "info", "TXT"), "TXT", '"hello world"')
    # A name we hold but a type we do not: NODATA, answered here.
    d = dig(g, "db", "AAAA")
    assert d.status == "NOERROR" and d.answers == [] and "aa" in d.flags, d
    assert net.queries() == [], "local names went upstream: %s" % net.queries()


def test_local_only_domain_never_leaves(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net, net_xml(
        local_only=True,
        dns="<dns><host ip='192.168.122.60'><hostname>db</hostname></host></dns>"))
    d = dig(g, "nosuch." + DOMAIN)
    assert d.status == "NXDOMAIN" and d.answers == [] and "aa" in d.flags, d
    d = dig(g, "deeper.nosuch." + DOMAIN, "TXT", "+tcp")
    assert d.status == "NXDOMAIN" and d.answers == [], d
    assert_local(dig(g, "db." + DOMAIN), "A", "192.168.122.60")
    # The upstream is there and listening: a name outside reaches it ...
    assert dig(g, "outside.test").rdata("A") == [OUTSIDE_A]
    # ... but nothing of the localOnly domain ever did.
    assert [q[4].lower() for q in net.queries()] == ["outside.test"], net.queries()


def test_local_ptr_and_plain_names_stay_local(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net, net_xml(
        local_ptr=True, dns="<dns forwardPlainNames='no'>"
        "<host ip='192.168.122.60'><hostname>db</hostname></host></dns>"))
    # localPtr='yes': the subnet's reverse names are ours, known or not.
    assert_local(dig(g, "192.168.122.60", "PTR"), "PTR", "db.%s." % DOMAIN)
    d = dig(g, "192.168.122.77", "PTR")
    assert d.status == "NXDOMAIN" and d.answers == [] and "aa" in d.flags, d
    # forwardPlainNames='no': an unknown single label is not asked upstream.
    d = dig(g, "plainname")
    assert d.status == "NXDOMAIN" and d.answers == [] and "aa" in d.flags, d
    assert_local(dig(g, "db"), "A", "192.168.122.60")
    # Reverse names outside the subnet and dotted names still go upstream.
    assert dig(g, "outside.test").rdata("A") == [OUTSIDE_A]
    d = dig(g, "203.0.113.5", "PTR")
    assert d.status == "NXDOMAIN" and "aa" not in d.flags, d
    assert sorted(q[4].lower() for q in net.queries()) == \
        ["5.113.0.203.in-addr.arpa", "outside.test"], net.queries()


def test_lease_names_come_back_after_restart(host, dnsnet):
    net = dnsnet
    start_serving(net)
    web = net.plug(mac="52:54:00:06:00:04")
    c = net.udhcpc(web, "-x", "hostname:web2")
    ip = c.env()["ip"]
    kill_proc(c.proc)               # no release: the lease stays
    host.run("stop", "default")
    host.run("start", "--no-probe", "default")
    g = net.plug(addr=G1 + "/24")
    assert_local(dig(g, "web2." + DOMAIN), "A", ip)
    assert_local(dig(g, ip, "PTR"), "PTR", "web2.%s." % DOMAIN)


# --- forwarding ---------------------------------------------------------------

def test_forward_udp_and_tcp(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net)

    d = dig(g, "outside.test")
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    assert "aa" not in d.flags, d
    assert [q[:2] for q in net.queries("outside.test")] == [("udp", UPLINK)], net.queries()

    d = dig(g, "tcp.outside.test", "A", "+tcp")
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    assert [q[:2] for q in net.queries("tcp.outside.test")] == [("tcp", UPLINK)], \
        "a TCP query must be forwarded over TCP: %s" % net.queries()

    # NXDOMAIN from upstream is passed on.
    d = dig(g, "nosuch.invalid")
    assert d.status == "NXDOMAIN" and d.answers == [], d
    assert net.queries("nosuch.invalid"), net.queries()


def test_forward_random_port_and_id(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net)
    names = ["q%d.outside.test" % i for i in range(6)]
    client_ids = []
    for n in names:
        d = dig(g, n)
        assert d.rdata("A") == [OUTSIDE_A], d
        client_ids.append(d.id)
    qs = [net.queries(n) for n in names]
    assert all(len(q) == 1 for q in qs), net.queries()
    ports = [q[0][2] for q in qs]
    ids = [q[0][3] for q in qs]
    assert len(set(ports)) == len(ports), "source ports repeat: %s" % ports
    assert len(set(ids)) == len(ids), "IDs repeat: %s" % ids
    assert all(1024 <= p <= 65535 for p in ports), ports
    # The upstream does not see the client's ID (a fresh random one instead).
    assert sum(a == b for a, b in zip(ids, client_ids)) <= 1, (ids, client_ids)
    # Many more: a few sockets per upstream carry them (dns_io_fwd.c), each
    # for a bounded number of queries, and queries in a row never share one.
    more = ["r%d.outside.test" % i for i in range(80)]
    for n in more:
        assert dig(g, n).rdata("A") == [OUTSIDE_A], n
    ports += [net.queries(n)[0][2] for n in more]
    assert all(a != b for a, b in zip(ports, ports[1:])), "a port twice in a row: %s" % ports
    counts = {p: ports.count(p) for p in ports}
    assert max(counts.values()) <= 32, "a port carried more than 32 queries: %s" % counts
    assert len(counts) >= 8, "fewer than 8 ports for %d queries: %s" % (len(ports), counts)
    out = net.host.exec(SS, "-H", "-n", "-u", "-a", "dst", "%s:53" % UP).stdout
    socks = [l for l in out.splitlines() if l.strip()]
    assert len(socks) <= 8, "forward sockets left open to the upstream: %s" % socks


def test_forged_replies_are_not_accepted(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net)
    # Two queries wait at the upstream for SLOW_DELAY. For each, while it
    # waits, forged replies reach vnetd's forward socket: a wrong ID from the
    # right address and port, the right ID from a wrong port, the right ID
    # and port with another question. The second query then also gets a
    # forgery right in every field (the control: it shows the forged packets
    # do reach the socket, so that the other three were really refused).
    digs = {}
    for name in ("slow1.outside.test", "slow2.outside.test"):
        digs[name] = net.popen(g.ns, [DIG, "@" + GW, "+time=4", "+tries=1", "+short", name, "A"])
    for name in digs:
        q = wait_for(lambda: net.queries(name), 3, "the upstream to get " + name)
        assert len(q) == 1, q
        _, src, port, qid, qname, _ = q[0]
        assert src == UPLINK
        forged = [[53, qid ^ 0x8001, qname, FORGED_A],
                  [5353, qid, qname, FORGED_A],
                  [53, qid, "evil." + qname, FORGED_A]]
        if name.startswith("slow2"):
            forged.append([53, qid, qname, CONTROL_A])
        cp = net.upstream.exec(PY, "-c", FORGE, UPLINK, port, json.dumps(forged))
        assert cp.stdout.split() == ["sent", str(len(forged))], cp.stdout + cp.stderr
    out = {name: p.communicate(timeout=10)[0] for name, p in digs.items()}
    assert FORGED_A not in "".join(out.values()), "a forged reply was accepted: %s" % out
    assert out["slow1.outside.test"].split() == [SLOW_A], out
    assert out["slow2.outside.test"].split() == [CONTROL_A], out


def test_truncated_answer_goes_on_with_tc_then_tcp(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net)
    want = ["203.0.113.%d" % (100 + k) for k in range(40)]     # ~680 bytes
    # A client without EDNS0 takes 512 bytes: it gets TC and retries over
    # TCP by itself (dig does), which vnetd forwards over TCP.
    d = dig(g, "big1.outside.test", "A", "+noedns")
    assert d.status == "NOERROR" and d.rdata("A") == sorted(want), d
    assert "Truncated, retrying in TCP mode" in d.text, d
    assert [q[0] for q in net.queries("big1.outside.test")][-1] == "tcp", net.queries()
    # With EDNS0 (dig offers 1232) the same answer fits in one datagram.
    d = dig(g, "big2.outside.test", "A")
    assert d.status == "NOERROR" and d.rdata("A") == sorted(want), d
    assert "Truncated" not in d.text, d
    assert [q[0] for q in net.queries("big2.outside.test")] == ["udp"], net.queries()


def started_with_first_upstream(net, first):
    """The network whose resolv.conf names `first` (a second address of the
    upstream namespace) before the answering upstream; the fake resolver on
    the usual address; returns the asking guest G1."""
    net.upstream.ip("addr", "add", first + "/24", "dev", "up0")
    net.start(net_xml(), resolv="nameserver %s\nnameserver %s\n" % (first, UP))
    net.serve_upstream()
    return net.plug(addr=G1 + "/24")


def test_failover_to_next_upstream_in_order(host, dnsnet):
    net = dnsnet
    second = "198.51.100.3"
    # The first upstream in resolv.conf hears queries but never answers.
    g = started_with_first_upstream(net, second)
    mute = net.serve_upstream(addr=second, mute=True)
    t0 = time.monotonic()
    d = dig(g, "fail.outside.test", "A", wait=6)
    took = time.monotonic() - t0
    assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
    assert [q[0] for q in net.queries("fail.outside.test", log=mute)] == ["udp"], \
        "the first upstream was not asked first"
    assert [q[0] for q in net.queries("fail.outside.test")] == ["udp"], net.queries()
    assert took >= 1.0, "answered after %.2f s: the first upstream was not waited for" % took


def test_refused_upstream_fails_over_at_once(host, dnsnet):
    net = dnsnet
    # Nothing listens on the first upstream: its ICMP port unreachable comes
    # back on the forward socket, and the query goes to the next one then,
    # not after the timeout; again for each query (the socket that got the
    # error takes no more).
    g = started_with_first_upstream(net, "198.51.100.3")
    for i in range(3):
        name = "refused%d.outside.test" % i
        t0 = time.monotonic()
        d = dig(g, name, "A", wait=6)
        took = time.monotonic() - t0
        assert d.status == "NOERROR" and d.rdata("A") == [OUTSIDE_A], d
        assert took < 0.9, "answered after %.2f s: the refusal was not seen" % took


def test_per_domain_forwarder_without_default_upstream(host, dnsnet):
    net = dnsnet
    g = started_with_asker(
        net, net_xml(dns="<dns><forwarder domain='corp.test' addr='%s'/></dns>" % UP), resolv="")
    d = dig(g, "www.corp.test")
    assert d.status == "NOERROR" and d.rdata("A") == [CORP_A], d
    # another name over TCP (www.corp.test's answer is kept in the cache now)
    d = dig(g, "tcp.corp.test", "A", "+tcp")
    assert d.status == "NOERROR" and d.rdata("A") == [CORP_A], d
    d = dig(g, "outside.test")
    assert d.status in ("REFUSED", "SERVFAIL") and d.answers == [], d
    assert [q[:2] + (q[4].lower(),) for q in net.queries()] == \
        [("udp", UPLINK, "www.corp.test"), ("tcp", UPLINK, "tcp.corp.test")], net.queries()


# --- who may ask, and where ---------------------------------------------------

def test_refused_outside_subnet_and_not_on_other_addresses(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net)
    g.ip("addr", "add", "10.66.0.5/24", "dev", "eth0")
    # The way back to 10.66.0.5 is the bridge (so the answer, whatever it is,
    # can reach the guest, and reverse-path filtering keeps the query).
    host.ip("route", "add", "10.66.0.0/24", "dev", "virbr0")
    d = dig(g, "outside.test", "A", "-b", "10.66.0.5")
    assert d.status == "REFUSED" and d.answers == [], d
    d = dig(g, "outside.test", "A", "-b", "10.66.0.5", "+tcp")
    assert d.status == "REFUSED" and d.answers == [], d
    # The same guest from its address in the subnet is served.
    assert dig(g, "outside.test").rdata("A") == [OUTSIDE_A]
    assert len(net.queries("outside.test")) == 1, net.queries()

    # Port 53 only on the bridge's address, and bound to the bridge itself ...
    socks = net.ss_53()
    assert socks and all(s[-2] == GW + "%virbr0:53" for s in socks), socks
    assert {s[0] for s in socks} == {"udp", "tcp"}, socks
    # ... so the uplink's address does not answer (not an open resolver).
    d = dig(net.upstream, "outside.test", "A", server=UPLINK, wait=1)
    assert d.status is None, d
    d = dig(net.upstream, "outside.test", "A", "+tcp", server=UPLINK, wait=1)
    assert d.status is None, d


def test_dns_disabled(host, dnsnet):
    net = dnsnet
    net.start(net_xml(dns="<dns enable='no'/>"))
    assert net.ss_53() == []
    g = net.plug(mac="52:54:00:06:00:03")
    c = net.udhcpc(g)
    env = c.env()
    assert env.get("router") == GW, env
    assert "dns" not in env, "DHCP advertises a DNS server: %s" % env
    d = dig(g, "web1", "A", wait=1)
    assert d.status is None, d
    d = dig(g, "web1", "A", "+tcp", wait=1)
    assert d.status is None, d


# Malformed queries from a guest: argv server. Prints one line per query:
# the reply's rcode, or "none".
MALFORMED = r'''
import socket, struct, sys
srv = sys.argv[1]
def hdr(flags=0x0100, qd=1, an=0, ns=0, ar=0, qid=0x1234):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)
q = b"\x03www\x07outside\x04test\x00\x00\x01\x00\x01"
pkts = [
    b"\x12",                                                        # shorter than a header
    hdr(),                                                          # question missing
    hdr() + b"\xc0\x0c\x00\x01\x00\x01",                            # pointer to itself
    hdr() + b"\x01a\xc0\x0c\x00\x01\x00\x01",                       # pointer loop
    hdr() + b"\x40" + b"a" * 64 + b"\x00\x00\x01\x00\x01",          # label of 64
    hdr() + (b"\x3f" + b"a" * 63) * 5 + b"\x00\x00\x01\x00\x01",    # name > 255
    hdr() + b"\x03www\x07outside",                                  # cut in the name
    hdr(qd=2) + q,                                                  # counts lie
    hdr(ar=1) + q + b"\x00\x00\x29\x10",                            # torn OPT
    hdr(flags=0x8180) + q,                                          # a response
    hdr() + q + b"\x00" * 2000,                                     # trailing junk
]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.5)
for p in pkts:
    s.sendto(p, (srv, 53))
    try:
        d, _ = s.recvfrom(4096)
        print(d[3] & 15 if len(d) >= 12 else "short")
    except socket.timeout:
        print("none")
'''


def test_malformed_queries_do_no_harm(host, dnsnet):
    net = dnsnet
    g = started_with_asker(net)
    daemon = host.info("default")["Daemon"]
    assert daemon.startswith("running"), daemon
    cp = g.exec(PY, "-c", MALFORMED, GW)
    got = cp.stdout.split()
    assert len(got) == 11, cp.stdout + cp.stderr
    # Nothing malformed is answered NOERROR: FORMERR (1) or silence. The
    # short one and the response are dropped. (The last one, a good question
    # behind 2000 bytes of padding, is too long to forward: vnetd refuses it.)
    assert got[0] == "none" and got[9] == "none", got
    assert all(r in ("1", "none") for r in got[1:9]), got
    assert got[10] in ("1", "5", "none"), got
    # The daemon is the same process and still serves.
    assert host.info("default")["Daemon"] == daemon
    assert dig(g, "outside.test").rdata("A") == [OUTSIDE_A]
    assert not [q for q in net.queries() if q[4].lower() == "www.outside"], net.queries()
