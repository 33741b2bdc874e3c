#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The libvxlantune demo (the README's first command: tests/quickstart.sh
# demo).  Builds the two-node lab (tests/lab/lab.sh) in network namespaces,
# checks it, injects each fault, shows the verdict, fixes what the tool can
# fix (offloads with apply, a re-created device with watch, rp_filter with
# apply) and checks again.  Nothing on the host is touched; everything is
# removed on exit, also on Ctrl-C.  Under a minute.
#
# Binaries: $VXLANTUNE and $LABSRV, else the build directory tests/quickstart.sh
# uses (./build), else $top_builddir.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (the lab creates network namespaces)" >&2; exit 4; }
for b in "${top_builddir:-}" "$top/build" "$top"; do
	[ -n "$b" ] && [ -x "$b/tools/vxlantune" ] && { build=$b; break; }
done
VXLANTUNE=${VXLANTUNE:-${build:+$build/tools/vxlantune}}
LABSRV=${LABSRV:-${build:+$build/tests/lab/labsrv}}
[ -n "$VXLANTUNE" ] && [ -x "$VXLANTUNE" ] || { echo "demo: vxlantune not found: build first (tests/quickstart.sh demo) or set VXLANTUNE" >&2; exit 2; }
export LABSRV
. "$top/tests/lab/lab.sh"
V=$VXLANTUNE
PEER=203.0.113.2
T0=$(date +%s%N)
TMP=$(mktemp -d)
SUMMARY=""

if [ -t 1 ]; then B=$'\e[1m'; G=$'\e[32m'; Y=$'\e[33m'; R=$'\e[31m'; N=$'\e[0m'; else B= G= Y= R= N=; fi
# feature NS IF NAME: on/off as ethtool -k shows it.
feature() { ip netns exec "$1" ethtool -k "$2" | awk -v f="$3" '{ sub(/^[ \t]+/, "") } $1 == f ":" { print $2; exit }'; }
heading() { echo; echo "${B}== $*${N}"; }
say() { echo "   $*"; }
run() { echo "   ${B}\$ $*${N}"; }

# check NAME [ARGS...]: vxlantune check on node 2, probing the client pod
# on node 1; prints the verdict, the evidence, the problems and the probes.
check() {
	local name=$1 rc=0; shift
	run "vxlantune check${*:+ $*} --peer $PEER --tcp-port 8080 --udp-port 5353   (on node 2)"
	lab_exec n2 "$V" check "$@" --peer "$PEER" --tcp-port 8080 --udp-port 5353 --timeout 700 \
		>"$TMP/out" 2>&1 || rc=$?
	local color=$G
	[ "$rc" -eq 1 ] && color=$Y
	[ "$rc" -ge 2 ] && color=$R
	awk -v c="$color" -v n="$N" -v rc="$rc" '
		NR == 1 { print "   -> " c $0 n "  (exit " rc ")"; next }
		/^FINDINGS/ { f = 1; next }
		/^PROBES/ { p = 1; f = 0; next }
		/^$/ { next }
		p { printf "%s%s %s", (np++ ? ", " : "      probes: "), $1, $(NF) == "ms" ? $(NF - 2) " " $(NF - 1) " ms" : $(NF - 1); next }
		f && /^  (ERROR|WARNING)/ { if (nf++ < 4) { sub(/^  /, ""); print "      " substr($0, 1, 150) (length($0) > 150 ? "..." : "") } next }
		f && /fix:/ { if (nf <= 4) { sub(/^ +/, ""); print "                                " $0 } next }
		f { next }
		{ print "     " $0 }
		END { if (np) print "" }' "$TMP/out"
	SUMMARY="$SUMMARY$(printf '   %-44s %s' "$name" "$(head -1 "$TMP/out")")"$'\n'
	return 0
}

cleanup() { rm -rf "$TMP"; }
trap cleanup EXIT

heading "libvxlantune demo: a Calico-like VXLAN overlay between two 'nodes'"
say "Two network namespaces joined by a veth 'underlay', vxlan.calico (VNI 4096,"
say "port 4789) in each, a 'pod' namespace behind each node.  Documentation"
say "addresses only; the host's own interfaces and sysctls are never touched."
say "vxlantune check runs on node 2 and probes the client pod on node 1 across"
say "the overlay (ICMP, TCP 8080, UDP 5353, a 1450-byte DF ping), and reads"
say "node 2's kernel drop counters before and after."
lab_up "vxtlab-demo-$$" >/dev/null || { echo "demo: could not build the lab" >&2; exit 1; }
say "lab up: node 1 $LAB_N1, node 2 $LAB_N2, client pod $LAB_CLIENT_IP, server pod $LAB_SERVER_IP"

heading "1. Healthy lab"
check "healthy lab"

heading "2. The incident's symptom: bad outer UDP checksums (SIMULATED)"
say "${Y}This fault is simulated with nftables, not a real NIC bug:${N} a rule on node 2's"
say "underlay ingress rewrites the outer UDP checksum of VXLAN packets that carry"
say "TCP or UDP, as a broken checksum offload would.  ICMP is left alone."
lab_fault checksum on
check "checksum fault (nftables)"
say "No setting on this node can repair a simulated fault: removing the nftables rule."
lab_fault checksum off
check "checksum fault removed"

heading "3. Underlay MTU smaller than the overlay assumes"
say "node 2's underlay u2 drops to MTU 1400 while vxlan.calico stays at 1450."
lab_fault mtu on
check "mtu fault"
say "The fix is configuration (Calico: vxlanMTU), not a tunable: restoring u2's MTU."
lab_fault mtu off
check "mtu fault removed"

heading "4. Offloads not as the policy wants (preset 'checksum')"
say "The preset wants tx-checksum-ip-generic off on the VXLAN devices (Calico Felix,"
say "kOps and Flannel's docs do this); the lab's vxlan.calico has it on."
check "offloads vs preset checksum" --preset checksum
run "vxlantune apply --preset checksum   (on node 2)"
lab_exec n2 "$V" apply --preset checksum | sed -n 's/^/      /; 1,4p'
check "after apply --preset checksum" --preset checksum

heading "5. calico-node re-creates vxlan.calico while 'vxlantune watch' runs"
run "vxlantune watch --preset checksum --quiet &   (on node 2)"
lab_exec n2 "$V" watch --preset checksum --quiet >"$TMP/watch.log" 2>&1 &
WATCH=$!
sleep 0.5
say "deleting vxlan.calico and creating it again (a new device has tx checksum offload on)"
t=$(date +%s%N)
ip -n "$LAB_N2" link del vxlan.calico
ip -n "$LAB_N2" link add vxlan.calico address "$LAB_N2_VXMAC" mtu "$LAB_VXMTU" type vxlan \
	id "$LAB_VNI" local "$LAB_U2_IP" dev u2 dstport "$LAB_VXPORT" nolearning
ip -n "$LAB_N2" addr add "$LAB_N2_TUN/32" dev vxlan.calico
ip -n "$LAB_N2" link set vxlan.calico up
_lab_peer_route n2 "$LAB_N1_BLOCK" "$LAB_N1_TUN" "$LAB_N1_VXMAC" "$LAB_U1_IP"
for i in $(seq 200); do
	[ "$(feature "$LAB_N2" vxlan.calico tx-checksum-ip-generic)" = off ] && break
	sleep 0.01
done
ms=$(( ($(date +%s%N) - t) / 1000000 ))
say "ethtool -k on node 2: tx-checksum-ip-generic $(feature "$LAB_N2" vxlan.calico tx-checksum-ip-generic) (${ms} ms after the delete; watch log:)"
sed -n 's/^/      /; 1,3p' "$TMP/watch.log"
check "re-created device under watch" --preset checksum
kill "$WATCH" 2>/dev/null; wait "$WATCH" 2>/dev/null

heading "6. Strict rp_filter with an asymmetric return route"
say "node 2 routes node 1's pod block back via the underlay and has rp_filter=1"
say "on all and vxlan.calico: the kernel drops overlay packets from node 1's pods."
lab_fault rpfilter on
check "rpfilter fault" --preset calico-incident
run "vxlantune apply --preset calico-incident   (on node 1 and node 2)"
for n in n1 n2; do
	lab_exec "$n" "$V" apply --preset calico-incident | tail -1 | sed "s/^/      $n: /"
done
check "after apply --preset calico-incident" --preset calico-incident

heading "Summary"
printf '%s' "$SUMMARY"
say "($(( ($(date +%s%N) - T0) / 1000000000 )) s; tearing the lab down)"
