#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The libvxlantune demo (the README's first command: tests/quickstart.sh
# demo).  Builds the two-node lab (tests/lab/lab.sh) on its emulated-NIC
# underlay (tests/lab/README.md) and replays the incident as it happened:
# ICMP passes while TCP/UDP time out; offloads off on one node: still
# broken, and the check says the other node's sender is at fault; off on
# both: healthy.  Then a NIC that loses tunnel-segmentation frames (bulk
# transfers stall), an underlay MTU too small, offloads kept as a policy
# wants while calico-node re-creates its device, and strict rp_filter.
# Every outcome is shown twice: by independent clients in the pods (ping,
# curl, labsrv) and by vxlantune check on node 2, probing node 1 through
# the responder running there.  Nothing on the host is touched; everything
# is removed on exit, also on Ctrl-C.  Under a minute.
#
# Binaries: $VXLANTUNE, $LABSRV and $NICEMU, else the build directory
# tests/quickstart.sh uses (./build), else $top_builddir.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (the lab creates network namespaces)" >&2; exit 4; }
for b in "${top_builddir:-}" "$top/build" "$top"; do
	[ -n "$b" ] && [ -x "$b/tools/vxlantune" ] && { build=$b; break; }
done
VXLANTUNE=${VXLANTUNE:-${build:+$build/tools/vxlantune}}
LABSRV=${LABSRV:-${build:+$build/tests/lab/labsrv}}
NICEMU=${NICEMU:-${build:+$build/tests/lab/nicemu}}
[ -n "$VXLANTUNE" ] && [ -x "$VXLANTUNE" ] || { echo "demo: vxlantune not found: build first (tests/quickstart.sh demo) or set VXLANTUNE" >&2; exit 2; }
export LABSRV NICEMU
. "$top/tests/lab/lab.sh"
LAB_UNDERLAY=nic
V=$VXLANTUNE
T0=$(date +%s%N)
TMP=$(mktemp -d)
SUMMARY=""
RESPONDER=""

if [ -t 1 ]; then B=$'\e[1m'; G=$'\e[32m'; Y=$'\e[33m'; R=$'\e[31m'; N=$'\e[0m'; else B='' G='' Y='' R='' N=''; fi
# feature NS IF NAME: on/off as ethtool -k shows it.
feature() { ip netns exec "$1" ethtool -k "$2" | awk -v f="$3" '{ sub(/^[ \t]+/, "") } $1 == f ":" { print $2; exit }'; }
heading() { echo; echo "${B}== $*${N}"; }
say() { echo "   $*"; }
run() { echo "   ${B}\$ $*${N}"; }
# on NODE CMD...: show and run a vxlantune command on a node; its report's
# last line (the counts) is shown.
on() {
	local n=$1; shift
	run "vxlantune $*   (on node ${n#n})"
	lab_exec "$n" "$V" "$@" | tail -1 | sed 's/^/      /'
}

# check NAME [ARGS...]: vxlantune check on node 2, by default probing node
# 1's overlay address, where a responder runs; prints the verdict, the
# summary, the remedies, the counters and the probes.
PEER=$LAB_N1_TUN
check() {
	local name=$1 rc=0; shift
	local args=(--peer "$PEER" "$@")
	run "vxlantune check ${args[*]}   (on node 2)"
	lab_exec n2 "$V" check "${args[@]}" --timeout "${CHECK_TIMEOUT:-500}" >"$TMP/out" 2>&1 || rc=$?
	local color=$G
	[ "$rc" -eq 1 ] && color=$Y
	[ "$rc" -ge 2 ] && color=$R
	awk -v c="$color" -v n="$N" -v rc="$rc" '
		NR == 1 { print "   -> " c $0 n "  (exit " rc ")"; next }
		/^(FINDINGS|LOCALIZATION)/ { f = 1; next }
		/^PROBES/ { p = 1; f = 0; next }
		/^$/ { next }
		p { printf "%s%s %s", (np++ ? ", " : "probes: "), ($3 == "underlay" ? "underlay-tcp" : $1),
		    $(NF) == "ms" ? $(NF - 2) " " $(NF - 1) " ms" : $(NF - 1); next }
		f { next }
		/^  evidence: / && (!/InCsumErrors/ || /^  evidence: findings/) { next }
		{ sub(/^  /, ""); print }
		END { if (np) print "" }' "$TMP/out" | fold -s -w 94 | sed '2,$s/^/      /'
	SUMMARY="$SUMMARY$(printf '   %-46s %s' "$name" "$(head -1 "$TMP/out")")"$'\n'
	return 0
}

# clients [BULK]: what the pods see, with tools that are not vxlantune:
# ping, curl (HTTP) and a UDP echo from the client pod on node 1 to the
# server pod on node 2, all at once; BULK: a 4 MiB download by curl too.
clients() {
	local url="http://$LAB_SERVER_IP:$LAB_TCP_PORT" pids=""
	{ lab_ping && echo ok || echo timeout; } >"$TMP/c.ping" & pids="$pids $!"
	{ lab_exec client curl -s -o /dev/null -m 1 -w '%{http_code}\n' "$url/" >/dev/null && echo ok || echo timeout; } >"$TMP/c.http" & pids="$pids $!"
	{ lab_udp "" 1000 && echo ok || echo timeout; } >"$TMP/c.udp" & pids="$pids $!"
	if [ -n "${1:-}" ]; then
		lab_exec client curl -s -o /dev/null -m 2 -w '%{size_download}\n' "$url/bytes/4194304" >"$TMP/c.bulk" &
		pids="$pids $!"
	fi
	# shellcheck disable=SC2086
	wait $pids
	local line
	line="client pod -> server pod: ping $(cat "$TMP/c.ping"), HTTP (curl) $(cat "$TMP/c.http"), UDP echo $(cat "$TMP/c.udp")"
	if [ -n "${1:-}" ]; then
		local got
		got=$(cat "$TMP/c.bulk")
		if [ "$got" = 4194304 ]; then line="$line, 4 MiB download ok"
		else line="$line, 4 MiB download stalled after $((got / 1024)) KiB"; fi
	fi
	say "$line"
}

cleanup() { [ -n "$RESPONDER" ] && kill "$RESPONDER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT

heading "libvxlantune demo: a Calico-like VXLAN overlay between two 'nodes'"
say "Two network namespaces, vxlan.calico (VNI 4096, port 4789, outer UDP checksums)"
say "in each, a 'pod' namespace behind each node.  The nodes' NICs are emulated:"
say "TAP devices and a relay (nicemu) that completes the checksums and segments the"
say "frames the kernel offloads to them -- or gets them wrong, per node, the way"
say "real NICs did (tests/lab/README.md).  Documentation addresses only; the host's"
say "own interfaces and sysctls are never touched."
lab_up "vxtlab-demo-$$" >/dev/null || { echo "demo: could not build the lab" >&2; exit 1; }
lab_exec n1 "$V" responder --listen "$LAB_N1_TUN" --listen "$LAB_U1_IP" >"$TMP/responder.log" 2>&1 &
RESPONDER=$!
for _ in $(seq 50); do lab_exec n1 ss -ltn | grep -q "$LAB_N1_TUN:9475" && break; sleep 0.05; done
say "lab up: node 1 $LAB_N1, node 2 $LAB_N2, client pod $LAB_CLIENT_IP (node 1), server pod $LAB_SERVER_IP (node 2)"
say "vxlantune responder runs on node 1 ($LAB_N1_TUN and $LAB_U1_IP, port 9475);"
say "vxlantune check runs on node 2."

heading "1. Healthy overlay"
clients bulk
check "healthy"

heading "2. The incident: both NICs get the checksums of VXLAN packets wrong"
run "lab.sh nic encap-csum both"
lab_nic encap-csum both
say "(kubernetes#88986, calico#3145: the outer UDP checksum of VXLAN packets that"
say " carry TCP/UDP comes out wrong; ICMP's is fine.  The receiver drops them.)"
clients
check "both NICs faulty"

heading "3. Offloads off on one node: still broken"
on n2 offloads set vxlan.calico tx-checksum-ip-generic off
clients
check "offloads off on node 2 only"
say "${Y}Node 2's side is clean now; node 1's transmit path still breaks every reply.${N}"

heading "4. Offloads off on both nodes: healthy"
on n1 offloads set vxlan.calico tx-checksum-ip-generic off
clients bulk
check "offloads off on both nodes"

heading "5. A NIC that loses tunnel-segmentation frames: bulk transfers stall"
say "New NICs: checksums right, but the 64 KiB VXLAN frames they should segment"
say "(tx-udp_tnl-segmentation) are lost, as on vmxnet3.  Offloads back to defaults."
lab_nic tnl-gso both
for n in n1 n2; do lab_exec "$n" "$V" offloads set vxlan.calico tx-checksum-ip-generic on tso on >/dev/null; done
run "lab.sh nic tnl-gso both; vxlantune offloads set vxlan.calico tx-checksum-ip-generic on tso on   (both nodes)"
clients bulk
check "tunnel segmentation lost"
on n2 offloads set u2 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off
on n1 offloads set u1 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off
clients bulk
check "tunnel segmentation off on both"
lab_nic good both

heading "6. Underlay MTU smaller than the overlay assumes"
say "node 2's underlay u2 drops to MTU 1400 while vxlan.calico stays at 1450."
lab_fault mtu on
check "mtu fault"
say "The fix is configuration (Calico: vxlanMTU), not a tunable: restoring u2's MTU."
lab_fault mtu off
check "mtu fault removed"

heading "7. Offloads not as the policy wants (preset 'checksum')"
say "The preset wants tx-checksum-ip-generic off on the VXLAN devices (Calico Felix,"
say "kOps and Flannel's docs do this); step 5 turned it on again."
check "offloads vs preset checksum" --preset checksum
on n2 apply --preset checksum
check "after apply --preset checksum" --preset checksum

heading "8. calico-node re-creates vxlan.calico while 'vxlantune watch' runs"
run "vxlantune watch --preset checksum --quiet &   (on node 2)"
lab_exec n2 "$V" watch --preset checksum --quiet >"$TMP/watch.log" 2>&1 &
WATCH=$!
sleep 0.5
say "deleting vxlan.calico and creating it again (a new device has tx checksum offload on)"
t=$(date +%s%N)
ip -n "$LAB_N2" link del vxlan.calico
lab_vxlan_add n2 "$LAB_N2_VXMAC" "$LAB_U2_IP" u2
ip -n "$LAB_N2" addr add "$LAB_N2_TUN/32" dev vxlan.calico
ip -n "$LAB_N2" link set vxlan.calico up
_lab_peer_route n2 "$LAB_N1_BLOCK" "$LAB_N1_TUN" "$LAB_N1_VXMAC" "$LAB_U1_IP"
for _ in $(seq 200); do
	[ "$(feature "$LAB_N2" vxlan.calico tx-checksum-ip-generic)" = off ] && break
	sleep 0.01
done
ms=$(( ($(date +%s%N) - t) / 1000000 ))
say "ethtool -k on node 2: tx-checksum-ip-generic $(feature "$LAB_N2" vxlan.calico tx-checksum-ip-generic) (${ms} ms after the delete; watch log:)"
sed -n 's/^/      /; 1,3p' "$TMP/watch.log"
check "re-created device under watch" --preset checksum
kill "$WATCH" 2>/dev/null; wait "$WATCH" 2>/dev/null

heading "9. Strict rp_filter with an asymmetric return route"
say "node 2 routes node 1's pod block back via the underlay and has rp_filter=1"
say "on all and vxlan.calico: the kernel drops overlay packets from node 1's pods."
lab_fault rpfilter on
clients
check "rpfilter fault" --preset calico-incident
for n in n1 n2; do on "$n" apply --preset calico-incident; done
clients
check "after apply --preset calico-incident" --preset calico-incident

heading "Summary"
printf '%s' "$SUMMARY"
say "($(( ($(date +%s%N) - T0) / 1000000000 )) s; tearing the lab down)"
