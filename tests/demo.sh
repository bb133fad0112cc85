#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `make demo`: the stock default network, started in a throwaway network
# namespace, a "guest" plugged into it, then everything removed again.
# Nothing here touches the host's own network namespace.
set -eu

: "${VNETD:=build/vnetd}"
case "$VNETD" in /*) ;; *) VNETD="$(pwd)/$VNETD" ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DEFAULT_XML="$ROOT/conf/default.xml"

NS="vnetd-demo-$$"
GUEST="vnetd-demo-guest-$$"
TMP=""
ns_made=""
guest_made=""

cleanup() {
	rc=$?
	set +e
	if [ -n "$guest_made" ]; then
		# a DHCP client still running in the guest (interrupted demo)
		for pid in $(ip netns pids "$GUEST" 2>/dev/null); do kill "$pid" 2>/dev/null; done
		ip netns del "$GUEST"
	fi
	if [ -n "$ns_made" ]; then
		vnetd stop default >/dev/null 2>&1
		ip netns del "$NS"
	fi
	[ -n "$TMP" ] && rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '\n== %s\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
vnetd() {
	ip netns exec "$NS" "$VNETD" --confdir "$TMP/conf" --rundir "$TMP/run" \
		--statedir "$TMP/state" "$@"
}

[ -x "$VNETD" ] || { echo "demo: $VNETD is not built (run make)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "demo: needs root (it creates network namespaces)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/vnetd-demo.XXXXXX")
mkdir "$TMP/conf" "$TMP/run" "$TMP/state"

say "a throwaway network namespace '$NS' plays the host"
ip netns add "$NS"
ns_made=1
ip -n "$NS" link set lo up

say "define and start the stock default network ($DEFAULT_XML)"
sed 's/^/    /' "$DEFAULT_XML"
printf '$ vnetd define conf/default.xml\n'
vnetd define "$DEFAULT_XML"
printf '$ vnetd start default\n'
vnetd start default

say "a guest: namespace '$GUEST', its eth0 (MAC 52:54:00:de:00:01) a veth port of virbr0"
ip netns add "$GUEST"
guest_made=1
ip -n "$GUEST" link set lo up
ip -n "$NS" link add vnet0 type veth peer name eth0 netns "$GUEST"
ip -n "$NS" link set vnet0 master virbr0 up
ip -n "$GUEST" link set eth0 address 52:54:00:de:00:01 up

say "the guest asks vnetd for an address with udhcpc"
echo "   STP is on: a new port listens and learns for 2 s each before it forwards,"
echo "   so the first DISCOVERs go unanswered (about 4 s)"
if command -v udhcpc >/dev/null 2>&1; then UDHCPC=udhcpc; else UDHCPC="busybox udhcpc"; fi
IPBIN=$(command -v ip)
# udhcpc's script: configure what the lease says, and show it.
cat >"$TMP/udhcpc.script" <<EOF
#!/bin/sh
case "\$1" in
bound|renew)
	$IPBIN addr flush dev "\$interface"
	$IPBIN addr add "\$ip/\$mask" dev "\$interface"
	[ -n "\$router" ] && $IPBIN route replace default via "\$router" dev "\$interface"
	echo "   lease: ip=\$ip mask=\$subnet router=\$router dns=\$dns lease=\${lease}s server=\$serverid"
	;;
esac
exit 0
EOF
chmod 755 "$TMP/udhcpc.script"
# -q: exit once bound, so nothing is left running in the guest.
# shellcheck disable=SC2086
run ip netns exec "$GUEST" $UDHCPC -f -q -n -t 10 -T 1 -i eth0 -x hostname:guest1 \
	-s "$TMP/udhcpc.script"
GUEST_IP=$(ip -n "$GUEST" -4 -o addr show dev eth0 | awk '{ split($4, a, "/"); print a[1] }')
[ -n "$GUEST_IP" ] || { echo "demo: the guest got no address" >&2; exit 1; }
run ip -n "$GUEST" -4 addr show dev eth0

say "the lease file (EXPIRY MAC IP HOSTNAME CLIENTID, as dnsmasq writes it)"
# rewritten from memory at most ~250 ms after a change (the journal is what
# was fdatasync'ed before the ACK left)
i=0
while ! grep -q " $GUEST_IP " "$TMP/state/default.leases" 2>/dev/null && [ $i -lt 40 ]; do
	sleep 0.05
	i=$((i + 1))
done
run cat "$TMP/state/default.leases"
grep -q "52:54:00:de:00:01 $GUEST_IP guest1 " "$TMP/state/default.leases" || {
	echo "demo: the lease file has no line for the guest" >&2; exit 1; }
say "vnetd leases default"
vnetd leases default

say "vnetd list"
vnetd list
say "vnetd info default"
vnetd info default
say "ip -d link show virbr0 (bridge attributes, abridged)"
ip -n "$NS" -d link show virbr0 | head -n 3 | cut -c1-160
say "ip addr show virbr0"
ip -n "$NS" addr show virbr0

say "ping the bridge from the guest"
# PING may be two words ("busybox ping"): left unquoted on purpose below.
if command -v ping >/dev/null 2>&1; then PING=ping; else PING="busybox ping"; fi
# shellcheck disable=SC2086
run ip netns exec "$GUEST" $PING -c 1 -W 2 192.168.122.1 || {
	echo "demo: the guest could not reach 192.168.122.1" >&2; exit 1; }

say "vnetd stop default"
vnetd stop default
say "virbr0 is gone"
if ip -n "$NS" link show virbr0 >/dev/null 2>&1; then
	echo "demo: virbr0 still exists after stop" >&2
	exit 1
fi
echo "   ip link show virbr0: no such device"
vnetd list --all

say "removing the namespaces and temporary files"
ip netns del "$GUEST"
guest_made=""
ip netns del "$NS"
ns_made=""
rm -rf "$TMP"
TMP=""
echo "done"
