#!/bin/bash
# vxlantune check against the emulated faulty NIC (tests/lab, nic underlay):
# the acceptance of issue 12.  A responder runs on node 1 (watch
# --responder, as the DaemonSet runs it); the check runs on node 2 and
# probes node 1's overlay address.  Outcomes are checked with independent
# clients too (labsrv from the pods, /proc/net/snmp of each node).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
V=$VXLANTUNE
OUT=$(mktemp -d)
RESP=""
start_responder() {
	# --dry-run: the watcher changes nothing, only the responder is wanted
	ip netns exec "$LAB_N1" "$V" watch --preset checksum --dry-run --quiet \
		--responder="$LAB_N1_TUN" >"$OUT/responder.log" 2>&1 &
	RESP=$!
	for _ in $(seq 50); do lab_exec n1 ss -ltn | grep -q "$LAB_N1_TUN:9475" && return 0; sleep 0.1; done
	return 1
}
finish() { [ -n "$RESP" ] && kill "$RESP" 2>/dev/null; rm -rf "$OUT"; lab_down; t_cleanup; }
trap finish EXIT
trap 'finish; exit 130' INT TERM

check() { rc=0; lab_exec n2 "$V" check --peer "$LAB_N1_TUN" --timeout 500 "$@" >"$OUT/out" 2>"$OUT/err" || rc=$?; }
jcheck() { check --json "$@"; jq -c '[.verdict, .remedies, .localization[0].out, .localization[0].in]' "$OUT/out"; }
jqe() { jq -e "$@" "$OUT/out" >/dev/null; }
has() { grep -q -- "$1" "$OUT/out"; }
set_vx() { lab_exec "$1" "$V" offloads set vxlan.calico tx-checksum-ip-generic "$2" >/dev/null; }

LAB_UNDERLAY=nic
lab_up "vxtlab-$$-nic" >/dev/null || { t_fail "nic lab up"; t_done; exit 1; }
t_ok "nic lab up"
t_check "responder on node 1 (watch --responder=$LAB_N1_TUN)" start_responder

check
t_check "good NIC: exit 0 (got $rc)" [ "$rc" -eq 0 ]

# ---- acceptance 1: encap-csum on both NICs
lab_nic encap-csum both
s1=$(lab_snmp n1 Udp InCsumErrors); s2=$(lab_snmp n2 Udp InCsumErrors)
jcheck
e1=$(lab_snmp n1 Udp InCsumErrors); e2=$(lab_snmp n2 Udp InCsumErrors)
t_check "encap-csum: exit 2 (got $rc)" [ "$rc" -eq 2 ]
t_check "encap-csum: ICMP passes while TCP/UDP fail" jqe '(.summary | startswith("ICMP passes but TCP/UDP fail")) and
	(.probes | map(select(.kind == "icmp"))[0].ok) and (.probes | map(select(.kind == "tcp" and .path == "overlay"))[0].ok | not) and
	(.probes | map(select(.kind == "udp"))[0].ok | not)'
t_check "encap-csum: both nodes' transmit paths named" jqe --arg p "$LAB_N1_TUN" '.localization[0].fault == "both" and
	.remedies == [{"node":"this","peer":null,"kind":"feature","device":"vxlan.calico","key":"tx-checksum-ip-generic","value":"off"},
	              {"node":"peer","peer":$p,"kind":"feature","device":"vxlan.calico","key":"tx-checksum-ip-generic","value":"off"}]'
t_check "encap-csum: counter evidence from both nodes (n1 $s1->$e1, n2 $s2->$e2 in /proc/net/snmp)" eval '
	[ "$e1" -gt "$s1" ] && [ "$e2" -gt "$s2" ] &&
	jq -e "(.localization[0].counters[] | select(.name == \"Udp:InCsumErrors\") | .delta > 0) and
	       (.counters[] | select(.name == \"Udp:InCsumErrors\") | .delta > 0)" "$OUT/out" >/dev/null'
check
t_check "encap-csum: the text shows both nodes' counters" eval 'has "evidence: Udp InCsumErrors +" && has "evidence: peer $LAB_N1_TUN: Udp InCsumErrors +"'
t_check "encap-csum: a pod's TCP to the other node times out (labsrv)" eval '! lab_tcp "$LAB_SERVER_IP" 500'

# ---- acceptance 2: the fix on node 2 only
lab_exec n2 "$V" offloads set vxlan.calico tx-checksum-ip-generic off >/dev/null
jcheck
t_check "fix on node 2: exit 2 (got $rc)" [ "$rc" -eq 2 ]
t_check "fix on node 2: the remaining corruption is node 1's transmit path; this side clean" jqe --arg p "$LAB_N1_TUN" '
	.localization[0].fault == "peer" and .localization[0].out == "ok" and .localization[0].in == "checksum" and
	(.summary | test("transmit path is clean.*" + $p + ".s transmit path"))'
t_check "fix on node 2: the change already made is not recommended" jqe '
	(.remedies | length == 1 and .[0].node == "peer") and
	([.findings[].remedies[] | select(.node == "this")] | length == 0)'
t_check "fix on node 2: still broken for a pod (labsrv)" eval '! lab_tcp "$LAB_SERVER_IP" 500'

# ---- acceptance 3: the fix on node 1 too
lab_exec n1 "$V" offloads set vxlan.calico tx-checksum-ip-generic off >/dev/null
check --bulk-size 4194304
t_check "fix on both: exit 0 (got $rc)" [ "$rc" -eq 0 ]
t_check "fix on both: 4 MiB each way across the overlay (bulk probes)" eval 'grep -qE "^  bulk-out .* ok " "$OUT/out" && grep -qE "^  bulk-in .* ok " "$OUT/out"'
t_check "fix on both: a pod's TCP works (labsrv), and 4 MiB from node 1 with a plain Python socket" eval 'lab_tcp "$LAB_SERVER_IP" 1000 &&
	lab_exec server python3 -c "
import socket,sys
s=socket.create_connection((\"$LAB_N1_TUN\", 9475), timeout=5); s.sendall(b\"VXT1 GET 4194304\n\"); n=0
while True:
    d=s.recv(65536)
    if not d: break
    n+=len(d)
sys.exit(n != 4194304)"'
set_vx n1 on; set_vx n2 on
lab_nic good both

# ---- acceptance 4: tunnel segmentation lost on node 1's NIC (the sender of bulk-in)
lab_nic tnl-gso n1
jcheck
t_check "tnl-gso on node 1: exit 1 or 2 (got $rc), verdict segmentation" eval '[ "$rc" -ge 1 ] && [ "$rc" -le 2 ] && jq -e ".verdict == \"segmentation\"" "$OUT/out" >/dev/null'
t_check "tnl-gso on node 1: the finding names tunnel segmentation on the sender (node 1's u1)" jqe --arg p "$LAB_N1_TUN" '
	(.findings | map(select(.code == "tx-segmentation" and .object == $p and (.message | test("tx-udp_tnl-segmentation")))) | length == 1) and
	(.remedies | map(.node + " " + .device + " " + .key) == ["peer u1 tx-udp_tnl-segmentation", "peer u1 tx-udp_tnl-csum-segmentation"])'
t_check "tnl-gso on node 1: small requests pass, the bulk flow from node 1 stalls" jqe '
	(.probes[] | select(.kind == "bulk-in") | .outcome == "stalled" and .bytes < .size) and (.probes[] | select(.kind == "tcp" and .path == "overlay") | .ok)'
lab_exec n1 "$V" offloads set u1 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off >/dev/null
check --bulk-size 4194304
t_check "tnl-gso fixed on the sender: exit 0 and 4 MiB completes (got $rc)" eval '[ "$rc" -eq 0 ] && grep -qE "^  bulk-in .* ok " "$OUT/out"'
lab_exec n1 "$V" offloads set u1 tx-udp_tnl-segmentation on tx-udp_tnl-csum-segmentation on >/dev/null
lab_nic good both

# ---- the same NIC on this node: the sender is node 2
lab_nic tnl-gso n2
jcheck
t_check "tnl-gso on node 2: remedy on this node's u2" jqe '
	.verdict == "segmentation" and (.remedies | map(.node + " " + .device + " " + .key) == ["this u2 tx-udp_tnl-segmentation", "this u2 tx-udp_tnl-csum-segmentation"])'
lab_exec n2 "$V" offloads set u2 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off >/dev/null
check
t_check "tnl-gso fixed here: exit 0 (got $rc)" [ "$rc" -eq 0 ]
lab_exec n2 "$V" offloads set u2 tx-udp_tnl-segmentation on tx-udp_tnl-csum-segmentation on >/dev/null
lab_nic good both

# ---- no offloaded checksum completed: without outer UDP checksums ICMP
# passes and the underlay's plain TCP breaks: the underlay's tx
kill "$RESP"; RESP=""
lab_down
LAB_UDPCSUM=0
lab_up "vxtlab-$$-nnc" >/dev/null || { t_fail "noudpcsum nic lab up"; t_done; exit 1; }
start_responder
lab_nic no-csum both
jcheck
t_check "no-csum, noudpcsum: exit 2, plain underlay TCP fails too (got $rc)" eval '[ "$rc" -eq 2 ] && jq -e "(.probes[] | select(.path == \"underlay\") | .ok | not)" "$OUT/out" >/dev/null'
t_check "no-csum, noudpcsum: the underlay's tx checksum on both nodes, not vxlan.calico" jqe --arg p "$LAB_N1_TUN" '
	.remedies == [{"node":"this","peer":null,"kind":"feature","device":"u2","key":"tx","value":"off"},
	              {"node":"peer","peer":$p,"kind":"feature","device":"u1","key":"tx","value":"off"}]'
lab_exec n1 "$V" offloads set u1 tx off >/dev/null
lab_exec n2 "$V" offloads set u2 tx off >/dev/null
check
t_check "no-csum fixed by tx off on both underlays: exit 0 (got $rc)" [ "$rc" -eq 0 ]
t_done
