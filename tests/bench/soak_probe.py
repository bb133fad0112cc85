#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The soak's probe: a DHCP relay agent that writes down every ACK it gets.

    soak_probe.py --server 10.98.0.1 --relay 10.98.0.3 --macs 100 --seconds 480 --out FILE

Run inside a namespace whose address `relay` is in the server's subnet (soak.py
runs it with `ip netns exec`). Over and over until `seconds` pass (or
SIGTERM): a client picked among `macs` does a whole exchange (DISCOVER,
OFFER, REQUEST, ACK) through us as relay (giaddr = relay, replies to
relay:67). Each ACK goes to FILE as one JSON line {mac, ip, expiry,
lease_s}; the last line is {"tries": N}. soak.py then checks each ACK is in
the lease file.
"""

import argparse
import json
import random
import signal
import socket
import struct
import sys
import time

CLOCK_REALTIME_COARSE = 5       # Linux's clock id (not in Python's time module)
GAP_S = 0.2                     # between two exchanges


class Stop(Exception):
    pass


def _stop(signum, frame):
    raise Stop()


def dhcp_packet(msg_type, xid, mac, giaddr, requested=None, server_id=None):
    """A BOOTREQUEST as a relay agent forwards it (hops 1, giaddr set)."""
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 1, 1, 6, 1, xid, 0, 0,
                       bytes(4), bytes(4), bytes(4), socket.inet_aton(giaddr),
                       mac + bytes(10), bytes(64), bytes(128))
    opts = bytes([53, 1, msg_type])
    if requested:
        opts += bytes([50, 4]) + socket.inet_aton(requested)
    if server_id:
        opts += bytes([54, 4]) + socket.inet_aton(server_id)
    return head + b"\x63\x82\x53\x63" + opts + b"\xff"


def dhcp_parse(data):
    """(xid, chaddr, yiaddr, {option: bytes}) of a BOOTREPLY, or None."""
    if len(data) < 240 or data[0] != 2 or data[236:240] != b"\x63\x82\x53\x63":
        return None
    xid = struct.unpack("!I", data[4:8])[0]
    opts, i = {}, 240
    while i < len(data) and data[i] != 255:
        if data[i] == 0:
            i += 1
            continue
        if i + 1 >= len(data) or i + 2 + data[i + 1] > len(data):
            return None
        opts[data[i]] = data[i + 2:i + 2 + data[i + 1]]
        i += 2 + data[i + 1]
    return xid, data[28:34], socket.inet_ntoa(data[16:20]), opts


def probe_wait(sock, xid, want_type, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.01, deadline - time.monotonic()))
        try:
            data = sock.recv(2048)
        except socket.timeout:
            return None
        p = dhcp_parse(data)
        if p and p[0] == xid and p[3].get(53) == bytes([want_type]):
            return p
    return None


def exchange(sock, server, relay, mac):
    """DISCOVER, OFFER, REQUEST, ACK. The ACK as {mac, ip, expiry}, or None.
    expiry counts from before the REQUEST left, so the server's own (from
    when it handled it) is that or later."""
    xid = random.getrandbits(32)
    sock.sendto(dhcp_packet(1, xid, mac, relay), (server, 67))
    offer = probe_wait(sock, xid, 2, 2.0)
    if not offer:
        return None
    sid = offer[3].get(54)
    # the server reads time(2), which is the coarse realtime clock: read the
    # same one, or near a second boundary we would be a second ahead of it
    sent = int(time.clock_gettime(CLOCK_REALTIME_COARSE))
    sock.sendto(dhcp_packet(3, xid, mac, relay, requested=offer[2],
                            server_id=socket.inet_ntoa(sid) if sid else server), (server, 67))
    ack = probe_wait(sock, xid, 5, 2.0)
    if not ack or 51 not in ack[3]:
        return None
    lease = struct.unpack("!I", ack[3][51])[0]
    return {"mac": ":".join("%02x" % b for b in mac), "ip": ack[2],
            "expiry": sent + lease, "lease_s": lease}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--server", required=True)
    ap.add_argument("--relay", required=True)
    ap.add_argument("--macs", type=int, default=100)
    ap.add_argument("--seconds", type=float, required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, _stop)
    server, seconds, out = args.server, args.seconds, args.out
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((args.relay, 67))
    macs = [bytes([0x02, 0x50, 0x00, 0x00, k >> 8, k & 255]) for k in range(args.macs)]
    deadline = time.monotonic() + seconds
    tries = 0
    with open(out, "a") as f:
        try:
            while time.monotonic() < deadline:
                tries += 1
                ack = exchange(sock, server, args.relay, random.choice(macs))
                if ack:
                    f.write(json.dumps(ack) + "\n")
                    f.flush()
                time.sleep(GAP_S)
        except Stop:
            pass
        f.write(json.dumps({"tries": tries}) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
