# SPDX-License-Identifier: GPL-2.0-or-later
"""Kea's DHCPv4 server (kea-dhcp4) in the DHCP section of `make bench`, on
the same bridge layout, relay-mode perfdhcp runs and preloaded leases as
vnetd and dnsmasq (bench.py's ProcServer and DhcpCase do the work).

Kea keeps its leases in memory and appends each one to a CSV file (memfile
backend, persist true) without an fsync per lease: it does less for each
exchange than vnetd, whose every lease is fdatasync'ed before its ACK. The
lease file cleanup (kea-lfc) is left at its default interval, longer than
any run here."""

import json
import os
import shutil

import bench

KEA = shutil.which("kea-dhcp4") or "/usr/sbin/kea-dhcp4"
# the memfile CSV columns of Kea 2.x (schema 2.1); Kea reads older ones too
CSV_HEADER = ("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,"
              "hostname,state,user_context\n")
SUBNET_ID = 1


def csv_leases(dnsmasq_text):
    """dnsmasq's lease lines (EXPIRY MAC IP NAME CLIENT-ID) as Kea's CSV."""
    rows = [CSV_HEADER]
    for line in dnsmasq_text.splitlines():
        expiry, mac, addr, _name, cid = line.split()[:5]
        rows.append("%s,%s,%s,%d,%s,%d,0,0,,0,\n" % (
            addr, mac, "" if cid == "*" else cid, bench.DHCP_LEASE_S, expiry, SUBNET_ID))
    return "".join(rows)


def kea_config(work, bridge):
    net = "%s/%d" % (bench.ip4_text(bench.ip4(bench.DHCP_SERVER_ADDR)
                                     & (0xFFFFFFFF << (32 - bench.DHCP_PREFIX))
                                     & 0xFFFFFFFF), bench.DHCP_PREFIX)
    return {"Dhcp4": {
        # relayed traffic only: plain UDP sockets suffice (no raw socket)
        "interfaces-config": {"interfaces": [bridge], "dhcp-socket-type": "udp"},
        "lease-database": {"type": "memfile", "persist": True,
                           "name": str(work / "kea-leases4.csv")},
        "valid-lifetime": bench.DHCP_LEASE_S,
        "authoritative": True,
        "subnet4": [{"id": SUBNET_ID, "subnet": net,
                     "pools": [{"pool": "%s - %s" % bench.DHCP_RANGE}],
                     "option-data": [{"name": "routers", "data": bench.DHCP_SERVER_ADDR}]}],
        "loggers": [{"name": "kea-dhcp4", "severity": "WARN",
                     "output_options": [{"output": "stderr"}]}],
    }}


class KeaServer(bench.ProcServer):
    """kea-dhcp4 2.x with the memfile backend (persist true, no fsync per
    lease), as its packaging runs it but in the foreground."""
    label = "Kea"
    bridge = "vbench2"

    def write_files(self, leases):
        (self.work / "kea-leases4.csv").write_text(csv_leases(leases))
        conf = self.work / "kea-dhcp4.conf"
        conf.write_text(json.dumps(kea_config(self.work, self.bridge), indent=1))
        env = dict(os.environ, KEA_PIDFILE_DIR=str(self.work), KEA_LOCKFILE_DIR=str(self.work),
                   KEA_LOGGER_DESTINATION="stderr")
        return [KEA, "-c", conf], env

    @staticmethod
    def available():
        return os.access(KEA, os.X_OK)


def version():
    return bench.tool_version([KEA, "-v"], r"(\S+)")


NOTE = ("   Kea %s: kea-dhcp4, memfile lease backend with persist true -- it appends "
        "each lease to its CSV file\n   but does NOT fsync it (vnetd fdatasyncs every "
        "lease before its ACK); no host reservations, no hooks.")
