# SPDX-License-Identifier: GPL-2.0-or-later
"""libvirt's IPv6 test networks, served as libvirt's dnsmasq configuration for
them says (issue 17). For each corpus network with IPv6 whose dnsmasq
configuration libvirt's tests keep (confdata/NAME.conf, and NAME.hostsfile
for static hosts), the unmodified XML is defined and started in a namespace
made here, a guest is plugged in, and:

  - the router advertisement (rdisc6) carries exactly the prefixes of the
    configuration's IPv6 dhcp-range lines: `ra-only` ones autonomous (SLAAC),
    the others for DHCPv6 (managed flag, not autonomous);
  - each DHCPv6 host of the hostsfile given by DUID (`id:DUID,[ADDR]`) is
    offered exactly its address when it solicits with that DUID.

The networks keep stp='on' as libvirt's files have it, so a guest's port
forwards only after the kernel's minimum forward delay: the RA is asked for
until it comes."""

import re
import time
from pathlib import Path

import pytest

from conftest import IP
from helpers import PY, need, wait_for

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "libvirt-network-xml"
CONF = CORPUS / "confdata"
CASES = [
    # (the XML, the dnsmasq configuration libvirt makes of it)
    ("confdata/dhcp6-network.xml", "dhcp6-network"),
    ("confdata/dhcp6-nat-network.xml", "dhcp6-nat-network"),
    ("confdata/dhcp6host-routed-network.xml", "dhcp6host-routed-network"),
    ("confdata/nat-network.xml", "nat-network"),
    ("confdata/ptr-domains-auto.xml", "ptr-domains-auto"),
    ("in/nat-network-forward-nat-ipv6.xml", "nat-network-forward-nat-ipv6"),
]

# A DHCPv6 SOLICIT with the given DUID (hex) for IAID 1 from the guest's
# eth0; prints the addresses of the ADVERTISE's IA_NA ("none" if none came).
SOLICIT = r"""
import os, socket, struct, sys
duid = bytes.fromhex(sys.argv[1])
ifindex = socket.if_nametoindex("eth0")
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, b"eth0")
s.bind(("::", 546))
s.settimeout(1.0)
def opt(code, body):
    return struct.pack("!HH", code, len(body)) + body
xid = os.urandom(3)
msg = (b"\x01" + xid + opt(1, duid) + opt(3, struct.pack("!III", 1, 0, 0))
       + opt(8, b"\x00\x00") + opt(6, struct.pack("!H", 23)))
def options(data):
    while len(data) >= 4:
        code, n = struct.unpack("!HH", data[:4])
        yield code, data[4:4 + n]
        data = data[4 + n:]
for attempt in range(8):
    s.sendto(msg, ("ff02::1:2", 547, 0, ifindex))
    try:
        reply = s.recv(2048)
    except socket.timeout:
        continue
    if reply[0] != 2 or reply[1:4] != xid:
        continue
    found = []
    for code, body in options(reply[4:]):
        if code == 3:
            for c2, b2 in options(body[12:]):
                if c2 == 5:
                    found.append(socket.inet_ntop(socket.AF_INET6, b2[:16]))
    print(" ".join(found) or "none")
    sys.exit(0)
print("no answer")
"""


def expected_prefixes(conf_text):
    """{prefix/64: autonomous} from the configuration's IPv6 dhcp-range lines."""
    out = {}
    for line in conf_text.splitlines():
        if not line.startswith("dhcp-range=") or ":" not in line:
            continue
        first, _, rest = line[len("dhcp-range="):].partition(",")
        words = first.split(":")
        prefix = ":".join(words[:4]) + "::/64"
        prefix = re.sub(r":0+([0-9a-f])", r":\1", prefix)
        out[prefix] = rest == "ra-only"
    return out


def static_duid_hosts(name):
    """[(duid hex, address)] of the hostsfile's `id:DUID,...,[ADDR]` lines."""
    path = CONF / (name + ".hostsfile")
    out = []
    if not path.exists():
        return out
    for line in path.read_text().splitlines():
        if not line.startswith("id:"):
            continue
        fields = line.split(",")
        duid = "".join("%02x" % int(b, 16) for b in fields[0][3:].split(":"))
        out.append((duid, fields[-1].strip("[]")))
    return out


def parse_rdisc6(text):
    """The RA's flags and {prefix: autonomous}."""
    ra = {"managed": None, "prefixes": {}}
    prefix = None
    for line in text.splitlines():
        key, _, value = (p.strip() for p in line.partition(":"))
        if key == "Stateful address conf.":
            ra["managed"] = value == "Yes"
        elif key == "Prefix":
            prefix = value
        elif key == "Autonomous address conf." and prefix:
            ra["prefixes"][prefix] = value == "Yes"
    return ra


def bridge_of(xml_text):
    return re.search(r"<bridge name=['\"]([^'\"]+)['\"]", xml_text).group(1)


@pytest.mark.parametrize("xml,name", CASES, ids=[c[1] for c in CASES])
def test_corpus_ipv6_network_served_as_libvirt_configures_it(host, guest, xml, name):
    need("rdisc6", "rdisc6 (ndisc6)")
    text = (CORPUS / xml).read_text()
    conf = (CONF / (name + ".conf")).read_text()
    net = re.search(r"<name>([^<]+)</name>", text).group(1)
    host.define(text)
    host.run("start", net)
    try:
        g = guest(bridge=bridge_of(text))
        g.exec("sysctl", "-qw", "net.ipv6.conf.eth0.accept_ra=0")
        wait_for(lambda: "tentative" not in g.ip("-6", "addr", "show", "dev", "eth0").stdout
                 and "fe80" in g.ip("-6", "addr", "show", "dev", "eth0").stdout, 10,
                 "the guest's link-local address")
        out = {}

        def advertised():
            cp = g.exec("rdisc6", "-1", "-r", "1", "-w", "1000", "eth0", check=False)
            out["text"] = cp.stdout
            return cp.returncode == 0

        wait_for(advertised, 20, "a router advertisement", step=0.5)
        ra = parse_rdisc6(out["text"])
        want = expected_prefixes(conf)
        assert ra["prefixes"] == want, out["text"]
        assert ra["managed"] == (not all(want.values())), out["text"]

        for duid, addr in static_duid_hosts(name):
            got = g.exec(PY, "-c", SOLICIT, duid).stdout.strip()
            assert got == addr, "DUID %s: %s" % (duid, got)
    finally:
        host.run("stop", net)
