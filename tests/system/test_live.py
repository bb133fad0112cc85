# SPDX-License-Identifier: GPL-2.0-or-later
"""Changing a running network (issue 15): the control socket, `update`,
`reload`, `stats` and `events`, shown with real clients.

Topology, all in namespaces made here (never the root namespace):

    guestN (eth0) --- vtgN --+ virbr0 [host: vnetd] uplink0 --- up0 [upstream]

The guest's DHCP client is busybox udhcpc; the TCP connection through NAT
is a small Python client in a guest talking to a Python echo server in the
upstream namespace; the non-root peer of the control socket is a Python
client run as `nobody` by setpriv. Every process is killed by its PID at
the end. Networks use stp='off' so that a port forwards at once.
"""

import json
import os
import re
import signal
import subprocess

import pytest

from helpers import (GW, PY, UP, UDHCPC, Topology, built, kill_proc, need, network_xml,
                     wait_for)

NAME = "live"
MAC1 = "52:54:00:00:15:01"
STATIC_IP = "192.168.122.50"
RANGE = ("192.168.122.100", "192.168.122.200")


def live_xml(forward_attrs="", bridge="virbr0", addr=GW, hosts=()):
    return network_xml(NAME, bridge, ((addr, 24),), forward="nat", forward_attrs=forward_attrs,
                       dhcp_range=RANGE, hosts=hosts)


class LiveNet(Topology):
    def __init__(self, host, guest):
        super().__init__(host, guest, "live")

    def start(self, xml=None):
        self.host.define(xml or live_xml())
        self.host.run("start", NAME)
        return self.host.running_pid(NAME, "Daemon")

    def running_xml(self):
        return (self.host.rundir / (NAME + ".xml")).read_text()


@pytest.fixture
def net(host, guest):
    yield from built(LiveNet(host, guest))


@pytest.fixture
def upnet(host, guest):
    yield from built(LiveNet(host, guest), upstream=True)


def host_frag(mac=MAC1, name="static1", ip=STATIC_IP):
    return "<host mac='%s' name='%s' ip='%s'/>" % (mac, name, ip)


# --- update -----------------------------------------------------------------------

def test_update_live_static_host_is_served_without_restart(host, net):
    need(UDHCPC, "busybox udhcpc")
    pid = net.start()
    stored = host.defined_file(NAME).read_text()
    cp = host.run("update", NAME, "add", "ip-dhcp-host", host_frag())
    assert cp.stdout == ("changed live: DHCP static hosts\n"
                         "Updated network %s live state\n" % NAME)
    assert cp.stderr == ""
    g = net.plug(mac=MAC1)
    c = net.udhcpc_bg(g)
    assert c.wait_event("bound") == ["bound", STATIC_IP]
    assert host.running_pid(NAME, "Daemon") == pid
    # live only: the stored definition is as it was, what runs has the host
    assert host.defined_file(NAME).read_text() == stored
    assert host_frag() in net.running_xml()


def test_update_config_changes_only_the_stored_definition(host, net):
    net.start()
    running = net.running_xml()
    cp = host.run("update", NAME, "add", "ip-dhcp-host", host_frag(), "--config")
    assert cp.stdout == "Updated network %s persistent config\n" % NAME
    assert host_frag() in host.defined_file(NAME).read_text()
    assert net.running_xml() == running
    # and both at once: delete it from the stored one and from what runs
    host.run("update", NAME, "add", "dns-host",
             "<host ip='192.168.122.7'><hostname>box</hostname></host>")
    cp = host.run("update", NAME, "delete", "dns-host",
                  "<host ip='192.168.122.7'><hostname>box</hostname></host>",
                  "--live", "--config", check=False)
    # the stored definition never had that record: nothing changes anywhere
    assert cp.returncode == 1
    assert cp.stderr == ("vnetd: update: <host>: couldn't locate a matching DNS HOST "
                         "record in network %s\n" % NAME)
    assert "box" in net.running_xml()


@pytest.mark.parametrize("args,error", [
    (("add", "ip-dhcp-host", "<host mac='zz' name='g' ip='192.168.122.9'/>"),
     "fragment:1: <host mac>: not a MAC address: 'zz'"),
    (("add", "ip-dhcp-host", "<host mac='52:54:00:00:15:09' ip='10.0.0.9'/>"),
     "fragment:1: <host ip>: 10.0.0.9 is not a usable address of 192.168.122.1/24"),
    (("add", "ip-dhcp-host", "<range start='192.168.122.2' end='192.168.122.3'/>"),
     "fragment:1: this section takes one <host> element, not <range>"),
    (("add", "bridge", "<bridge name='virbr9'/>"),
     "update: section bridge cannot be changed by update (edit the definition, then "
     "reload or restart the network)"),
    (("add", "ip-dhcp-host", "<host mac='52:54:00:00:15:01' name='static1'"),
     None),
    (("modify", "ip-dhcp-range", "<range start='192.168.122.2' end='192.168.122.3'/>"),
     "update: <range>: dhcp ranges cannot be modified, only added or deleted"),
    (("add", "ip-dhcp-host", "<host mac='52:54:00:00:00:99' name='other' ip='%s'/>"
      % STATIC_IP),
     "update: <host>: there is an existing dhcp host entry in network 'live' that "
     "matches \"<host mac='52:54:00:00:00:99' name='other' ip='192.168.122.50'/>\""),
])
def test_bad_fragment_changes_nothing_and_says_why(host, net, args, error):
    pid = net.start(live_xml(hosts=((MAC1, "static1", STATIC_IP),)))
    stored, running = host.defined_file(NAME).read_text(), net.running_xml()
    cp = host.run("update", NAME, *args, "--live", "--config", check=False)
    assert cp.returncode == 1
    assert cp.stdout == ""
    if error is None:       # libxml2's own words: the line and that it is malformed
        assert re.fullmatch(r"vnetd: fragment:1: malformed XML: .+\n", cp.stderr), cp.stderr
    else:
        assert cp.stderr == "vnetd: %s\n" % error
    assert host.defined_file(NAME).read_text() == stored
    assert net.running_xml() == running
    assert host.running_pid(NAME, "Daemon") == pid


# --- reload -----------------------------------------------------------------------

ECHO_SERVER = r'''
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7007))
s.listen(1)
open(sys.argv[1], "w").write("ready\n")
s.settimeout(60)
c, _ = s.accept()
c.settimeout(60)
while True:
    d = c.recv(100)
    if not d:
        break
    c.sendall(d)
'''

# One connection; for each line on stdin, send it and print what comes back.
ECHO_CLIENT = r'''
import socket, sys
c = socket.create_connection((sys.argv[1], 7007), timeout=10)
print("connected", flush=True)
for line in sys.stdin:
    c.sendall(line.strip().encode())
    print(c.recv(100).decode(), flush=True)
'''


def test_reload_with_firewall_change_keeps_a_tcp_connection(host, upnet):
    upnet.start()
    g = upnet.plug(addr="192.168.122.30/24")
    g.ip("route", "add", "default", "via", GW)
    upnet.start_ready(upnet.upstream.ns, ECHO_SERVER, upnet.tmp / "echo.log",
                      what="echo server")
    client = subprocess.Popen(["ip", "netns", "exec", g.ns, PY, "-c", ECHO_CLIENT, UP],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert client.stdout.readline() == "connected\n"
        client.stdin.write("before\n")
        client.stdin.flush()
        assert client.stdout.readline() == "before\n"
        # the stored definition now sends NAT out of uplink0 only: a new table
        host.defined_file(NAME).write_text(live_xml(forward_attrs=" dev='uplink0'"))
        cp = host.run("reload", NAME)
        assert cp.stdout == ("changed live: firewall (forward mode nat -> nat, dev uplink0)\n"
                             "Network %s reloaded\n" % NAME)
        client.stdin.write("after\n")
        client.stdin.flush()
        assert client.stdout.readline() == "after\n"
    finally:
        kill_proc(client)
    table = host.exec("nft", "list", "table", "inet", "vnetd-" + NAME).stdout
    assert "uplink0" in table
    # the keeper keeps the new table, not the one start installed
    host.exec("nft", "delete", "table", "inet", "vnetd-" + NAME)
    wait_for(lambda: host.exec("nft", "list", "table", "inet", "vnetd-" + NAME,
                               check=False).returncode == 0, 10, "the keeper's repair")
    assert host.exec("nft", "list", "table", "inet", "vnetd-" + NAME).stdout == table


def test_reload_names_what_needs_a_restart_and_changes_the_rest(host, net):
    pid = net.start()
    host.defined_file(NAME).write_text(
        live_xml(bridge="virbr7", hosts=((MAC1, "static1", STATIC_IP),))
        .replace("<ip address='192.168.122.1' prefix='24'>",
                 "<ip address='192.168.122.1' prefix='24'>"))
    cp = host.run("reload", NAME)
    assert cp.stdout == ("needs a restart: bridge name (virbr0 -> virbr7)\n"
                         "changed live: DHCP static hosts\n"
                         "Network %s reloaded\n" % NAME)
    assert host.link_json("virbr0") is not None
    assert host.link_json("virbr7") is None
    assert host.running_pid(NAME, "Daemon") == pid
    host.defined_file(NAME).write_text(live_xml(addr="192.168.123.1").replace(
        RANGE[0], "192.168.123.100").replace(RANGE[1], "192.168.123.200"))
    cp = host.run("reload", NAME)
    assert cp.stdout == ("needs a restart: addresses and subnets\n"
                         "Network %s reloaded\n" % NAME)
    assert host.addrs("virbr0", 4) == ["192.168.122.1/24"]


# --- the control socket --------------------------------------------------------------

PEER = r'''
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print("connect:", e.strerror)
    sys.exit(0)
try:
    s.send(b"ping\n")
except OSError:
    pass            # refused: the daemon said why and closed
s.settimeout(5)
print(s.recv(1000).decode())
'''


def test_control_socket_refuses_non_root(host, net):
    net.start()
    sock = str(host.rundir / (NAME + ".ctl"))
    st = os.stat(sock)
    assert (st.st_uid, oct(st.st_mode & 0o777)) == (0, "0o600")
    as_root = host.exec(PY, "-c", PEER, sock).stdout
    assert as_root == "ok\nvnetd-ctl 1\n\n"
    # nobody cannot even connect (the socket is root's, mode 0600) ...
    setpriv = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    # the run directory's parents are private to root: pass the socket by a
    # descriptor-free path the peer can reach only with DAC override
    out = host.exec(*setpriv, PY, "-c", PEER, sock).stdout
    assert out.startswith("connect: ")
    # ... and with the right to bypass file modes, SO_PEERCRED still says nobody
    out = host.exec(*setpriv, "--inh-caps=+dac_override,+dac_read_search",
                    "--ambient-caps=+dac_override,+dac_read_search",
                    PY, "-c", PEER, sock).stdout
    assert out == "error permission denied: the control socket serves root only\n"


def stats(host):
    return json.loads(host.run("stats", NAME, "--json").stdout)["counters"]


def test_stats_counters_move_with_a_dhcp_exchange(host, net):
    need(UDHCPC, "busybox udhcpc")
    net.start()
    before = stats(host)
    assert (before["dhcp_discover"], before["dhcp_ack"], before["dhcp_leases_used"],
            before["dhcp_pool_size"], before["dhcp_pool_free"]) == (0, 0, 0, 101, 101)
    g = net.plug(mac=MAC1)
    net.udhcpc_bg(g).wait_event("bound")
    after = wait_for(lambda: (lambda s: s if s["dhcp_ack"] >= 1 else None)(stats(host)), 10,
                     "the ACK counted")
    assert after["dhcp_discover"] >= 1 and after["dhcp_request"] >= 1
    assert (after["dhcp_leases_used"], after["dhcp_pool_free"]) == (1, 100)
    assert after["journal_syncs"] >= 1
    # the lease file is rewritten by a forked writer, which ends well
    files = wait_for(lambda: (lambda s: s if s["lease_file_writes"] >= 1 else None)(stats(host)),
                     10, "the lease file written")
    assert files["lease_file_write_failures"] == 0
    prom = host.run("stats", NAME, "--prometheus").stdout.splitlines()
    i = prom.index("# TYPE vnetd_dhcp_ack_total counter")
    assert re.fullmatch(r'vnetd_dhcp_ack_total\{network="live"\} [1-9]\d*', prom[i + 1])
    assert 'vnetd_dhcp_leases_used{network="live"} 1' in prom
    text = host.run("stats", NAME).stdout.splitlines()
    assert re.fullmatch(r"dhcp_leases_used +1", [l for l in text
                                                  if l.startswith("dhcp_leases_used")][0])
    # the loop's turn times: a histogram whose buckets add up to the turns
    whole = json.loads(host.run("stats", NAME, "--json").stdout)
    loop = whole["loop"]
    assert sorted(loop) == ["buckets_us", "busy_us", "max_us", "p99_us", "turns"]
    assert loop["turns"] > 0 and loop["turns"] == sum(c for _, c in loop["buckets_us"])
    bounds = [b for b, _ in loop["buckets_us"]]
    assert bounds == sorted(bounds) and bounds[-1] == 2**64 - 1
    assert 0 < loop["max_us"] <= loop["busy_us"] and loop["p99_us"] <= loop["max_us"]
    assert not any(k.startswith("loop_") for k in whole["counters"])
    assert "# TYPE vnetd_loop_turn_us histogram" in prom
    assert any(re.fullmatch(r'vnetd_loop_turn_us_bucket\{network="live",le="\+Inf"\} \d+', l)
               for l in prom)
    assert [l for l in text if l.startswith("loop_turns ")]
    # --reset-loop: this reading still counts, the next starts from (almost) nothing
    host.run("stats", NAME, "--reset-loop")
    again = json.loads(host.run("stats", NAME, "--json").stdout)["loop"]
    assert again["turns"] < loop["turns"]


def test_events_show_start_lease_and_stop(host, net):
    need(UDHCPC, "busybox udhcpc")
    ev = net.popen(host.ns, [host.vnetd, "--confdir", host.confdir, "--rundir", host.rundir,
                             "--statedir", host.statedir, "events", "--json",
                             "--timeout", "60"])
    human = net.popen(host.ns, [host.vnetd, "--confdir", host.confdir, "--rundir", host.rundir,
                                "--statedir", host.statedir, "events", NAME, "--timeout", "60"])
    lines = []

    def read_until(event):
        while True:
            line = ev.stdout.readline()
            assert line, "events ended before %s: %s" % (event, lines)
            obj = json.loads(line)
            lines.append(obj)
            if obj["event"] == event:
                return obj
    wait_for(lambda: os.path.isdir(host.rundir), 5)
    import time
    time.sleep(0.5)         # let it watch the run directory first
    net.start()
    started = read_until("started")
    assert set(started) == {"time", "network", "event"} and started["network"] == NAME
    g = net.plug(mac=MAC1)
    ip = net.udhcpc_bg(g).wait_event("bound")[1]
    granted = read_until("lease-granted")
    assert (granted["network"], granted["ip"], granted["mac"], granted["renewed"]) == \
        (NAME, ip, MAC1, False)
    host.run("stop", NAME)
    stopped = read_until("stopped")
    assert stopped["network"] == NAME
    kill_proc(ev)
    # for people: local time, network, event, and a lease's address, MAC and name
    wait_for(lambda: False, 0.5)
    kill_proc(human)
    out = human.stdout.read().splitlines()
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d  "
    assert re.fullmatch(stamp + r"live +started *", out[0]), out
    assert re.fullmatch(stamp + r"live +lease-granted +%s +%s -" % (re.escape(ip), MAC1),
                        out[1]), out
    assert re.fullmatch(stamp + r"live +stopped *", out[-1]), out


# --- DNS changed live -------------------------------------------------------------

def dig_short(node, name, qtype="A"):
    cp = node.exec("dig", "@" + GW, "+time=2", "+tries=2", "+short", name, qtype, check=False)
    return cp.stdout.split()


def test_dns_records_and_domain_change_live_keeping_lease_names(host, net):
    need(UDHCPC, "busybox udhcpc")
    xml = network_xml(NAME, "virbr0", ((GW, 24),), forward="nat", domain="one.test",
                      dhcp_range=RANGE)
    pid = net.start(xml)
    g = net.plug(mac=MAC1)
    ip = net.udhcpc_bg(g, "-x", "hostname:g1").wait_event("bound")[1]
    wait_for(lambda: dig_short(g, "g1.one.test") == [ip], 10, "the lease's name")
    cp = host.run("update", NAME, "add", "dns-host",
                  "<host ip='192.168.122.7'><hostname>box</hostname></host>")
    assert cp.stdout == ("changed live: DNS host records\n"
                         "Updated network %s live state\n" % NAME)
    assert dig_short(g, "box.one.test") == ["192.168.122.7"]
    host.defined_file(NAME).write_text(xml.replace("one.test", "two.test").replace(
        "<ip ", "<dns><txt name='t' value='v'/></dns>\n  <ip ", 1))
    cp = host.run("reload", NAME)
    assert cp.stdout == ("changed live: domain\n"
                         "changed live: DNS host records\n"
                         "changed live: DNS TXT records\n"
                         "Network %s reloaded\n" % NAME)
    assert dig_short(g, "g1.two.test") == [ip]         # the lease name stayed
    assert dig_short(g, "t.two.test", "TXT") == ['"v"']
    assert dig_short(g, "box.two.test") == []           # only in what ran before
    assert host.running_pid(NAME, "Daemon") == pid


def test_sighup_to_the_supervisor_reloads(host, net):
    """`systemctl reload vnetd@NAME` is ExecReload=kill -HUP $MAINPID."""
    host.define(live_xml())
    sup = net.popen(host.ns, [host.vnetd, "--confdir", host.confdir, "--rundir", host.rundir,
                              "--statedir", host.statedir, "start", "--foreground", NAME])
    wait_for(lambda: (host.rundir / (NAME + ".ctl")).exists() and
             host.state_file(NAME).exists(), 10, "the network to start")
    table = "vnetd-" + NAME
    assert "virbr9" not in host.exec("nft", "list", "table", "inet", table).stdout
    host.defined_file(NAME).write_text(live_xml(forward_attrs=" dev='virbr9'"))
    sup.send_signal(signal.SIGHUP)
    wait_for(lambda: "virbr9" in host.exec("nft", "list", "table", "inet", table).stdout, 10,
             "the reloaded table")
    wait_for(lambda: "<forward dev='virbr9' mode='nat'/>" in net.running_xml(), 10,
             "the record of what runs")
    sup.send_signal(signal.SIGTERM)
    assert sup.wait(timeout=20) == 0
    out = sup.stdout.read()
    assert "changed live: firewall (forward mode nat -> nat, dev virbr9)\n" in out, out
    assert not host.state_file(NAME).exists()


def test_range_added_live_serves_next_guest_and_keeps_the_lease(host, net):
    need(UDHCPC, "busybox udhcpc")
    only = ("192.168.122.100", "192.168.122.100")      # a pool of one address
    pid = net.start(network_xml(NAME, "virbr0", ((GW, 24),), forward="nat", dhcp_range=only))
    g1 = net.plug(mac=MAC1)
    c1 = net.udhcpc_bg(g1)
    assert c1.wait_event("bound") == ["bound", "192.168.122.100"]
    cp = host.run("update", NAME, "add", "ip-dhcp-range",
                  "<range start='192.168.122.150' end='192.168.122.150'/>")
    assert cp.stdout == ("changed live: DHCP ranges and lease times\n"
                         "Updated network %s live state\n" % NAME)
    g2 = net.plug(mac="52:54:00:00:15:02")
    assert net.udhcpc_bg(g2).wait_event("bound") == ["bound", "192.168.122.150"]
    # the first guest's lease was kept through the change: its renewal is ACKed
    c1.signal(signal.SIGUSR1)
    assert c1.wait_event("renew") == ["renew", "192.168.122.100"]
    assert host.running_pid(NAME, "Daemon") == pid


SLOW_SUBSCRIBER = r'''
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"subscribe\n")
print(s.recv(100).decode().strip(), flush=True)
sys.stdin.readline()            # do not read until told: the daemon must not wait for us
n = 0
s.settimeout(10)
while True:
    m = s.recv(2000)
    if not m:
        break
    n += 1
print("events", n, "then closed", flush=True)
'''


def test_a_subscriber_that_does_not_read_is_dropped(host, net):
    need(UDHCPC, "busybox udhcpc")
    net.start()
    slow = subprocess.Popen(["ip", "netns", "exec", host.ns, PY, "-c", SLOW_SUBSCRIBER,
                             str(host.rundir / (NAME + ".ctl"))], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True)
    try:
        assert slow.stdout.readline() == "ok\n"
        g = net.plug(mac=MAC1)
        c = net.udhcpc_bg(g)
        c.wait_event("bound")
        for i in range(1, 400):     # a lease event each, until more than it may queue
            c.signal(signal.SIGUSR1)
            c.wait_event("renew", count=i)
            if stats(host)["ctl_dropped_subscribers"]:
                break
        assert stats(host)["ctl_dropped_subscribers"] == 1
        renewals = i
        slow.stdin.write("\n")
        slow.stdin.flush()
        line = slow.stdout.readline()
        assert re.fullmatch(r"events \d+ then closed\n", line), line
        # it got what fitted, not every grant; the daemon went on serving meanwhile
        acks = stats(host)["dhcp_ack"]
        assert acks > renewals
        assert 0 < int(line.split()[1]) < acks
    finally:
        kill_proc(slow)


def test_live_verbs_on_a_network_that_does_not_run(host, net):
    host.define(live_xml())
    cp = host.run("update", NAME, "add", "ip-dhcp-host", host_frag(), "--live", check=False)
    assert (cp.returncode, cp.stdout, cp.stderr) == (
        1, "", "vnetd: network 'live' is not running (use --config to change its "
               "definition)\n")
    cp = host.run("reload", NAME, check=False)
    assert (cp.returncode, cp.stderr) == (1, "vnetd: network 'live' is not running\n")
    cp = host.run("stats", NAME, check=False)
    assert (cp.returncode, cp.stderr) == (
        1, "vnetd: network 'live' has no control socket (%s/live.ctl): is it running?\n"
        % host.rundir)
    # without --live or --config a stopped network's definition is what changes
    cp = host.run("update", NAME, "add", "ip-dhcp-host", host_frag())
    assert cp.stdout == "Updated network live persistent config\n"
    assert host_frag() in host.defined_file(NAME).read_text()


def test_reload_changes_the_lease_time_for_the_next_renewal(host, net):
    need(UDHCPC, "busybox udhcpc")
    xml = network_xml(NAME, "virbr0", ((GW, 24),), forward="nat", dhcp_range=RANGE,
                      lease=(1, "hours"))
    net.start(xml)
    g = net.plug(mac=MAC1)
    c = net.udhcpc_bg(g)
    c.wait_event("bound")
    assert c.env("bound")["lease"] == "3600"
    host.defined_file(NAME).write_text(xml.replace("expiry='1' unit='hours'",
                                                   "expiry='2' unit='hours'"))
    cp = host.run("reload", NAME)
    assert cp.stdout == ("changed live: DHCP ranges and lease times\n"
                         "Network %s reloaded\n" % NAME)
    c.signal(signal.SIGUSR1)
    c.wait_event("renew")
    assert c.env("renew")["lease"] == "7200"


PUBLISH = r'''
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(("publish\n\n" + sys.argv[2]).encode())
print(s.recv(1000).decode())
'''


def test_root_tools_publish_events_to_subscribers(host, net):
    """How other parts of vnetd (e.g. `attach`) add events: `publish` on the socket."""
    net.start()
    ev = net.popen(host.ns, [host.vnetd, "--confdir", host.confdir, "--rundir", host.rundir,
                             "--statedir", host.statedir, "events", NAME, "--json",
                             "--timeout", "30"])
    sock = str(host.rundir / (NAME + ".ctl"))
    wait_for(lambda: stats(host)["ctl_subscribers"] == 1, 10, "the subscription")
    event = '{"time":1,"network":"live","event":"port-attached","port":"vnet0"}'
    assert host.exec(PY, "-c", PUBLISH, sock, event).stdout == "ok\n\n"
    assert ev.stdout.readline() == event + "\n"
    bad = host.exec(PY, "-c", PUBLISH, sock, '{"network":"other","event":"x"}').stdout
    assert bad == ('error publish takes one flat JSON object of at most 1000 bytes with '
                   '"event" and this network\'s "network"\n')
    kill_proc(ev)
