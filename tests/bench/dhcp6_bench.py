# SPDX-License-Identifier: GPL-2.0-or-later
"""The DHCPv6 section of `make bench`: perfdhcp -6 against vnetd and against
dnsmasq in the same run, 200 and 60 000 clients.

bench.py calls section_dhcp6(b) inside its namespace (the servers' bridges
live there) with b.client_ns, a second namespace for perfdhcp; the DHCPv4
section's pieces do the work: the servers (subclassed here for an IPv6
network), the rate search, the CPU accounting and pinning (the server on
one CPU, perfdhcp on the other) and the table. Only the section:

    make bench  (all sections), or
    VNETD=build/vnetd /usr/bin/python3 tests/bench/bench.py --only dhcp6

perfdhcp is a crowd of on-link clients, not a relay: it sends to ff02::1:2
on a veth (link-local fe80::2, no DAD) whose peer is a port of the server's
bridge, and the server answers that link-local address; perfdhcp's clients
differ by DUID only (a DUID-LL per client: perfdhcp's MAC template plus the
client's number), each with IAID 1. Both servers start from the same lease
file holding a live lease for every one of those clients, so every exchange
is a SOLICIT/ADVERTISE/REQUEST/REPLY (SARR) of a known client in a table of
that size. A REPLY whose IA_NA holds no address (perfdhcp's "rejected
leases") counts as a failed exchange.

The search is the DHCPv4 one with shorter runs. The section takes about 4
minutes, half of it dnsmasq loading its 60 000 leases (~110 s of CPU).
"""

import copy
import time

import bench
from bench import IP, PERFDHCP, run_ok

NET = "dhcp6bench"                      # vnetd's network name
BRIDGE = "vbench6"                      # vnetd's bridge; dnsmasq's is vbench7
PREFIX = "fd99:6::"
PREFIX_LEN = 64
SERVER_ADDR = PREFIX + "1"
RANGE = (PREFIX + "10", PREFIX + "ffff")
POOL = 0xFFFF - 0x10 + 1
CLIENT_LL = "fe80::2"                   # perfdhcp's link-local source
LEASE_S = 3600                          # the preloaded leases' remaining life
SERVER_DUID = "00:03:00:01:02:00:5e:00:06:01"     # the lease file's "duid" line
# perfdhcp -b duid=: a DUID-LL (type 3, hardware type 1) on perfdhcp's own MAC
# template; with -R N it varies the last bytes exactly as it varies MACs in -4
DUID_PREFIX = (0x00, 0x03, 0x00, 0x01)
DUID_BASE = "".join("%02x" % x for x in DUID_PREFIX + bench.PERFDHCP_MAC_BASE)

XML = """<network>
  <name>%s</name>
  <bridge name='%s' stp='off' delay='0'/>
  <ip family='ipv6' address='%s' prefix='%d'>
    <dhcp>
      <range start='%s' end='%s'/>
    </dhcp>
  </ip>
</network>
""" % (NET, BRIDGE, SERVER_ADDR, PREFIX_LEN, RANGE[0], RANGE[1])


def preload_leases(n):
    """The IPv6 part of a dnsmasq-format lease file: the server DUID line,
    then a live lease (IAID 1, an address of its own) for perfdhcp's first
    n clients."""
    expiry = int(time.time()) + LEASE_S
    first = int(RANGE[0].rsplit(":", 1)[1], 16)
    duid = ":".join("%02x" % x for x in DUID_PREFIX)
    lines = ["duid %s\n" % SERVER_DUID]
    for k in range(n):
        lines.append("%d 1 %s%x * %s:%s\n" % (expiry, PREFIX, first + k, duid,
                                             bench.perfdhcp_mac(k)))
    return "".join(lines)


class Vnetd6Server(bench.VnetdServer):
    net, bridge, xml = NET, BRIDGE, XML


class Dnsmasq6Server(bench.DnsmasqServer):
    """dnsmasq with the DHCPv6 range libvirt would give it (without RAs:
    --enable-ra is left off, perfdhcp needs none)."""
    bridge = "vbench7"

    def address_bridge(self):
        run_ok([IP, "addr", "add", "%s/%d" % (SERVER_ADDR, PREFIX_LEN), "dev", self.bridge,
                "nodad"], "ip addr add")

    def range_args(self):
        return ["--dhcp-range=%s,%s,%d" % (RANGE[0], RANGE[1], PREFIX_LEN),
                "--dhcp-lease-max=%d" % POOL]


class Dhcp6Result(bench.DhcpResult):
    unit = "SARR"

    def count(self, out):
        self.sent, self.offers = bench.perfdhcp_counts(
            out, "SOLICIT-ADVERTISE", "sent packets", "received packets")
        self.requests, replies, self.rejected = bench.perfdhcp_counts(
            out, "REQUEST-REPLY", "sent packets", "received packets", "rejected leases")
        self.acks = max(0, replies - self.rejected)

    def remark(self):
        return ("  (%d REPLYs without an address)" % self.rejected) if self.rejected else ""


class Dhcp6Case(bench.DhcpCase):
    result_class = Dhcp6Result
    period_s, probe_s, probe_rate = 2, 1, 20000
    max_steps, confirm_runs = 4, 4
    max_period_s, load_limit_s = 4, 300
    quiet_wait_s = 3.0

    def plug(self, bridge):
        ns = self.b.client_ns
        run_ok([IP, "link", "add", self.veth, "type", "veth", "peer", "name", self.peer,
                "netns", ns], "ip link add veth")
        run_ok([IP, "link", "set", self.veth, "master", bridge, "up"], "ip link set master")
        # one fixed link-local address, usable at once (no DAD to wait for)
        run_ok([IP, "-n", ns, "link", "set", self.peer, "addrgenmode", "none"],
               "ip link set addrgenmode (client)")
        run_ok([IP, "-n", ns, "addr", "add", "%s/64" % CLIENT_LL, "dev", self.peer, "nodad"],
               "ip addr add (client)")
        run_ok([IP, "-n", ns, "link", "set", self.peer, "up"], "ip link set up (client)")

    def perfdhcp_argv(self, rate, period):
        return [PERFDHCP, "-6", "-l", self.peer, "-b", "duid=" + DUID_BASE,
                "-R", str(self.clients), "-r", str(rate), "-p", str(period)]

    def leases(self):
        return preload_leases(self.clients)


def section_dhcp6(b):
    """perfdhcp -6 (on-link clients) against vnetd and dnsmasq."""
    cpus = bench.dhcp_cpus(b, "DHCPv6")
    if cpus is None:
        return
    # the smallest and the largest client count only: the DHCPv4 section
    # covers the middle, and this section's dnsmasq runs are slow
    b = copy.copy(b)
    b.dhcp_clients = tuple(sorted({min(b.dhcp_clients), max(b.dhcp_clients)}))
    t0 = time.monotonic()
    print("\n== DHCPv6: perfdhcp -6 on a bridge port (from %s to ff02::1:2, prefix %s/%d, "
          "range of %d), %d s runs" % (CLIENT_LL, PREFIX, PREFIX_LEN, POOL, Dhcp6Case.period_s))
    print("   machine at the start: %s" % bench.machine_state())
    want = getattr(b, "dhcp_server_labels", None)         # --dhcp-servers, as the DHCP section
    servers = tuple(s for s in (Vnetd6Server, Dnsmasq6Server) if want is None or s.label in want)
    cases = bench.run_dhcp_cases(b, cpus, servers, Dhcp6Case, "dhcp6")
    notes = [
        "   vnetd: an isolated IPv6 network as `vnetd start` makes it; every lease journaled "
        "and fdatasync'ed before its REPLY (group commit).",
        "   dnsmasq %s: DHCPv6 only (no --enable-ra), no lease helper script; it sends its "
        "REPLY, then rewrites its whole lease file and fsyncs it." % bench.dnsmasq_version(),
        "   both servers start from the same lease file, holding a lease for each client; "
        "a REPLY without an address counts as a drop.",
        "   machine at the end: %s; section took %.0f s" % (bench.machine_state(),
                                                           time.monotonic() - t0)]
    bench.print_dhcp_results(b, cases, "DHCPv6: 4-way exchanges (SARR)", "SARR",
                             lambda n: None, notes)
