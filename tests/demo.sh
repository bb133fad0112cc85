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
	if [ -n "$ns_made" ]; then
		vnetd stop default >/dev/null 2>&1
		ip netns del "$NS"
	fi
	[ -n "$guest_made" ] && ip netns del "$GUEST"
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

say "a guest: namespace '$GUEST', its eth0 a veth port of virbr0, 192.168.122.10/24"
echo "   (static address: vnetd's DHCP service does not exist yet)"
ip netns add "$GUEST"
guest_made=1
ip -n "$GUEST" link set lo up
ip -n "$NS" link add vnet0 type veth peer name eth0 netns "$GUEST"
ip -n "$NS" link set vnet0 master virbr0 up
ip -n "$GUEST" addr add 192.168.122.10/24 dev eth0
ip -n "$GUEST" link set eth0 up

say "vnetd list"
vnetd list
say "vnetd info default"
vnetd info default
say "ip -d link show virbr0 (bridge attributes, abridged)"
ip -n "$NS" -d link show virbr0 | head -n 3 | cut -c1-160
say "ip addr show virbr0"
ip -n "$NS" addr show virbr0

say "ping the bridge from the guest"
echo "   STP is on: a new port listens and learns for 2 s each before it forwards;"
echo "   waiting about 4 s"
# PING may be two words ("busybox ping"): left unquoted on purpose below.
if command -v ping >/dev/null 2>&1; then PING=ping; else PING="busybox ping"; fi
ok=""
i=0
while [ $i -lt 10 ]; do
	# shellcheck disable=SC2086
	if ip netns exec "$GUEST" $PING -c 1 -W 1 192.168.122.1 >/dev/null 2>&1; then
		ok=1
		break
	fi
	sleep 1
	i=$((i + 1))
done
# shellcheck disable=SC2086
run ip netns exec "$GUEST" $PING -c 1 -W 2 192.168.122.1 || ok=""
[ -n "$ok" ] || { echo "demo: the guest could not reach 192.168.122.1" >&2; exit 1; }

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
