# SPDX-License-Identifier: GPL-2.0-or-later
"""The network's TFTP server (<tftp root>, issue 16), with real clients.

Topology, all in namespaces made here (never the root namespace):

    guestN (eth0 192.168.122.N) --- vtgN --+ virbr0 [host: vnetd, TFTP root]
    outside (o0 10.77.0.2) --- h0 (host, 10.77.0.1, not a bridge port)

Clients: busybox tftp (octet, -b for blksize), tftp-hpa (netascii by
default) and curl (tsize and blksize). The root is a world-readable
directory under /var/tmp, removed at the end.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from helpers import GW, Topology, built, need

BUSYBOX = shutil.which("busybox")
TFTP_HPA = shutil.which("tftp")
CURL = shutil.which("curl")


def tftp_xml(root, name="default", bridge="virbr0"):
    return "\n".join([
        "<network>",
        "  <name>%s</name>" % name,
        "  <bridge name='%s' stp='off' delay='0'/>" % bridge,
        "  <ip address='%s' prefix='24'>" % GW,
        "    <tftp root='%s'/>" % root,
        "  </ip>",
        "</network>",
    ])


@pytest.fixture
def root():
    d = tempfile.mkdtemp(prefix="vnetd-tftp-", dir="/var/tmp")
    os.chmod(d, 0o755)
    try:
        yield Path(d)
    finally:
        shutil.rmtree(d, ignore_errors=True)


def put(root, rel, data, mode=0o644):
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(p.parent, 0o755)
    p.write_bytes(data)
    os.chmod(p, mode)
    return p


@pytest.fixture
def served(host, guest, root):
    """A running network serving `root` and one guest on it."""
    host.define(tftp_xml(root))
    host.run("start", "default")
    g = guest(addr="192.168.122.10/24")
    return host, g, root


def busybox_get(g, remote, local, blksize=None, check=True):
    need(BUSYBOX, "busybox")
    argv = [BUSYBOX, "tftp", "-g", "-r", remote, "-l", str(local)]
    if blksize:
        argv += ["-b", str(blksize)]
    return g.exec(*(argv + [GW]), check=check, timeout=60)


def test_busybox_fetches_a_file(served, tmp_path):
    host, g, root = served
    data = os.urandom(5000)
    put(root, "pxelinux.0", data)
    busybox_get(g, "pxelinux.0", tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == data
    # a leading slash and DOS separators name the same file
    put(root, "boot/x86/kernel", data[:777])
    busybox_get(g, "\\boot\\x86\\kernel", tmp_path / "k1")
    busybox_get(g, "/boot/x86/kernel", tmp_path / "k2")
    assert (tmp_path / "k1").read_bytes() == data[:777]
    assert (tmp_path / "k2").read_bytes() == data[:777]


def test_blksize_and_exact_multiple(served, tmp_path):
    host, g, root = served
    data = os.urandom(1400 * 6)         # ends on a block boundary: an empty last block
    put(root, "f", data)
    busybox_get(g, "f", tmp_path / "a", blksize=1400)
    assert (tmp_path / "a").read_bytes() == data
    put(root, "empty", b"")
    busybox_get(g, "empty", tmp_path / "e")
    assert (tmp_path / "e").read_bytes() == b""


def test_curl_with_tsize_and_blksize(served, tmp_path):
    need(CURL, "curl")
    host, g, root = served
    data = os.urandom(100000)
    put(root, "ipxe.efi", data)
    g.exec(CURL, "-sS", "--max-time", "30", "--tftp-blksize", "1468",
           "tftp://%s/ipxe.efi" % GW, "-o", tmp_path / "c")
    assert (tmp_path / "c").read_bytes() == data


def test_netascii_with_tftp_hpa(served, tmp_path):
    need(TFTP_HPA, "tftp-hpa's tftp")
    host, g, root = served
    text = b"#!ipxe\r\necho marker\nchain http://x/y\rdone\n" * 300
    put(root, "boot.ipxe", text)
    out = tmp_path / "t"
    g.exec(TFTP_HPA, GW, "-m", "netascii", "-c", "get", "boot.ipxe", out, timeout=60)
    # the client turns CR LF back into LF and CR NUL into CR
    assert out.read_bytes() == text


def test_large_file_rolls_block_numbers_over(served, tmp_path):
    host, g, root = served
    # 66 000 blocks of 512 bytes (busybox's smallest): block 65536 goes out as 0
    data = os.urandom(512 * 66000 + 3)
    put(root, "big", data)
    busybox_get(g, "big", tmp_path / "big", blksize=512)
    assert (tmp_path / "big").read_bytes() == data


def test_refusals(served, tmp_path):
    host, g, root = served
    put(root, "ok", b"fine")
    put(root, "secret", b"no", mode=0o600)
    os.symlink("/etc/hostname", root / "escape")
    os.mkfifo(root / "fifo")
    os.chmod(root / "fifo", 0o644)
    (root / "dir").mkdir()
    for remote, why in (("../etc/passwd", "'..' is not allowed in file names"),
                        ("ok/../../x", "'..' is not allowed in file names"),
                        ("escape", "access denied"),
                        ("secret", "access denied"),
                        ("fifo", "access denied"),
                        ("dir", "access denied"),
                        ("missing", "file not found")):
        cp = busybox_get(g, remote, tmp_path / "r", check=False)
        assert cp.returncode != 0, remote
        assert why in cp.stderr, (remote, cp.stderr)
    src = tmp_path / "upload"
    src.write_bytes(b"data")
    cp = g.exec(BUSYBOX, "tftp", "-p", "-l", src, "-r", "up", GW, check=False, timeout=30)
    assert cp.returncode != 0
    assert "this server only sends files" in cp.stderr
    assert not (root / "up").exists()
    # and the server still serves afterwards
    busybox_get(g, "ok", tmp_path / "ok")
    assert (tmp_path / "ok").read_bytes() == b"fine"


def test_nothing_for_a_client_outside_the_bridge(served, tmp_path):
    """A host that reaches 192.168.122.1 through another interface (routed
    by the host) gets no answer: the listener is bound to the bridge."""
    host, g, root = served
    put(root, "f", b"x" * 100)
    from conftest import netns_add, netns_del
    ns = netns_add("outside")
    try:
        host.veth("h0", "o0", netns=ns)
        host.ip("addr", "add", "10.77.0.1/24", "dev", "h0")
        host.ip("link", "set", "h0", "up")
        subprocess.run(["ip", "-n", ns, "addr", "add", "10.77.0.2/24", "dev", "o0"], check=True)
        subprocess.run(["ip", "-n", ns, "link", "set", "o0", "up"], check=True)
        subprocess.run(["ip", "-n", ns, "route", "add", "192.168.122.0/24", "via", "10.77.0.1"],
                       check=True)
        # the path is there: the host answers ping on the bridge address
        cp = subprocess.run(["ip", "netns", "exec", ns, "ping", "-c", "1", "-W", "2", GW],
                            capture_output=True, text=True)
        assert cp.returncode == 0, cp.stdout + cp.stderr
        cp = subprocess.run(["ip", "netns", "exec", ns, BUSYBOX, "tftp", "-g", "-r", "f",
                             "-l", str(tmp_path / "o"), GW],
                            capture_output=True, text=True, timeout=60)
        assert cp.returncode != 0
        assert "timeout" in cp.stderr, cp.stderr        # no answer at all, not an error
        assert not (tmp_path / "o").exists() or (tmp_path / "o").stat().st_size == 0
    finally:
        netns_del(ns)


def test_vanished_client_frees_its_slot(served, tmp_path):
    """Eight requests that never acknowledge anything hold this client's
    eight slots: a ninth is refused; once their retries run out (1 s x 5)
    the slots are free and the server serves the client again."""
    host, g, root = served
    put(root, "f", b"y" * 2000)
    script = (
        "import socket\n"
        "socks = []\n"
        "for i in range(9):\n"
        "    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
        "    s.settimeout(5)\n"
        "    s.sendto(b'\\x00\\x01f\\x00octet\\x00', ('%s', 69))\n"
        "    socks.append(s)\n"
        "    print(s.recv(600)[:4].hex(), flush=True)\n"
        % GW)
    cp = g.exec("/usr/bin/python3", "-c", script, timeout=30)
    heads = cp.stdout.split()
    assert heads[:8] == ["00030001"] * 8, cp.stdout        # DATA block 1, eight times
    assert heads[8] == "00050000", cp.stdout                 # ERROR 0: too many transfers
    deadline = time.monotonic() + 20
    while True:
        cp = busybox_get(g, "f", tmp_path / "after", check=False)
        if cp.returncode == 0 or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert cp.returncode == 0, cp.stderr
    assert (tmp_path / "after").read_bytes() == b"y" * 2000


BOOT_NS = "http://vnetd.org/schemas/network/1.0"


def boot_xml(root):
    return "\n".join([
        "<network xmlns:vnetd='%s'>" % BOOT_NS,
        "  <name>default</name>",
        "  <bridge name='virbr0' stp='off' delay='0'/>",
        "  <ip address='%s' prefix='24'>" % GW,
        "    <tftp root='%s'/>" % root,
        "    <dhcp>",
        "      <range start='192.168.122.100' end='192.168.122.200'/>",
        "      <bootp file='undionly.kpxe'/>",
        "      <vnetd:boot userclass='iPXE' file='boot.ipxe'/>",
        "      <vnetd:boot arch='7' file='ipxe.efi'/>",
        "    </dhcp>",
        "  </ip>",
        "</network>",
    ])


@pytest.fixture
def boot_net(host, guest, root):
    """A network that boots guests from `root`, with the three files in it."""
    for name in ("undionly.kpxe", "ipxe.efi", "boot.ipxe"):
        put(root, name, name.encode() * 10)
    host.define(boot_xml(root))
    host.run("start", "default")
    yield from built(Topology(host, guest, "boot"))


@pytest.mark.parametrize("extra,want", [
    ((), "undionly.kpxe"),                          # a BIOS PXE ROM says nothing more
    (("-x", "0x5d:0007"), "ipxe.efi"),              # option 93 = 7: x86-64 UEFI
    (("-x", "0x4d:69505845", "-x", "0x5d:0007"), "boot.ipxe"),   # iPXE asks again
])
def test_boot_file_by_client_kind(boot_net, tmp_path, extra, want):
    """The chain a guest goes through: its DHCP answer names a boot file and
    the server (siaddr) to fetch it from, and that server sends it."""
    g = boot_net.plug(mac="52:54:00:00:10:01")
    c = boot_net.udhcpc_bg(g, *extra)
    c.wait_event("bound")
    env = c.env()
    assert env.get("boot_file") == want, env
    assert env.get("siaddr") == GW, env
    busybox_get(g, env["boot_file"], tmp_path / "boot")
    assert (tmp_path / "boot").read_bytes() == want.encode() * 10


QEMU = shutil.which("qemu-system-x86_64")
MARKER = "VNETD-IPXE-MARKER"


def test_qemu_ipxe_boots_from_the_network(boot_net, root):
    """A real network boot: QEMU (TCG) with its iPXE ROM on a tap in the
    network asks DHCP as iPXE, is sent boot.ipxe on this server, fetches it
    over TFTP and runs it; the script prints a marker on the serial console."""
    need(QEMU, "qemu-system-x86_64 (qemu-system-x86)")
    host = boot_net.host
    put(root, "boot.ipxe", ("#!ipxe\necho %s\n" % MARKER).encode())
    host.ip("tuntap", "add", "dev", "tapboot0", "mode", "tap")
    host.ip("link", "set", "tapboot0", "master", "virbr0", "up")
    serial = boot_net.tmp / "serial.log"
    p = boot_net.popen(host.ns, [QEMU, "-M", "pc", "-accel", "tcg", "-m", "128", "-nographic",
                                 "-nodefaults", "-serial", "file:%s" % serial,
                                 "-netdev", "tap,id=n0,ifname=tapboot0,script=no,downscript=no",
                                 "-device", "virtio-net-pci,netdev=n0,mac=52:54:00:00:b0:07",
                                 "-boot", "n"])
    deadline = time.monotonic() + 120
    text = ""
    while time.monotonic() < deadline and p.poll() is None:
        text = serial.read_text(errors="replace") if serial.exists() else ""
        if MARKER in text.replace("echo " + MARKER, ""):
            break
        time.sleep(0.5)
    assert p.poll() is None, "qemu exited:\n" + p.stdout.read()
    assert "Filename: boot.ipxe" in text, text
    assert "tftp://%s/boot.ipxe... ok" % GW in text, text
    assert MARKER in text.replace("echo " + MARKER, ""), text
