#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune diagnose on one node of the emulated-NIC lab (tests/lab), with
# a responder on each node.  Every outcome is checked against the node's
# state as ethtool -k and /proc/sys show it, not against diagnose's report:
#   healthy lab: nothing changes, exit 0; check with two peers: the mesh table
#   encap-csum on node 2's NIC only: fixed on node 2 by exactly one
#     transmit checksum off (plus what the kernel drops with it)
#   encap-csum on both: no local change suffices, names the peer's transmit
#     path, node 2 exactly as before
#   tnl-gso on node 1's NIC: fixed on node 1 by tunnel segmentation off
#   --dry-run: the plan, nothing changes
#   SIGTERM in the middle of a trial: exit 143, node restored
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
V=$VXLANTUNE
OUT=$(mktemp -d)
LAB_UNDERLAY=nic
stop_all() {
	local f
	for f in "$OUT"/resp.*.pid "$OUT"/iperf3.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	lab_down >/dev/null 2>&1
	rm -rf "$OUT"
}
LAB_NO_TRAP=1 lab_up "vxtdg-$$" >/dev/null || { t_fail "lab up"; t_done; exit 1; }
trap 'stop_all; t_cleanup' EXIT
trap 'stop_all; t_cleanup; exit 130' INT TERM
N1_TUN=203.0.113.1 N2_TUN=203.0.113.65
for n in n1 n2; do
	addr=$N1_TUN; [ $n = n2 ] && addr=$N2_TUN
	setsid ip netns exec "$(lab_ns $n)" "$V" responder --listen "$addr" </dev/null >"$OUT/resp.$n.log" 2>&1 &
	echo $! >"$OUT/resp.$n.pid"
done
for _ in $(seq 50); do lab_exec n1 ss -ltn | grep -q ":9475" && lab_exec n2 ss -ltn | grep -q ":9475" && break; sleep 0.1; done

state() { # NODE: every feature and sysctl diagnose may touch, as ethtool and /proc show them
	local u=u${1#n}
	lab_exec "$1" ethtool -k vxlan.calico
	lab_exec "$1" ethtool -k "$u"
	lab_exec "$1" sh -c 'cd /proc/sys/net/ipv4/conf && grep -r . */rp_filter'
}
# Lines that differ from the starting state, features the kernel turned
# off as a consequence ("off [requested on]") and ethtool's group lines
# (which follow their members) left out.
changed() { # BEFORE AFTER
	diff "$1" "$2" | grep '^>' | grep -v 'requested on\]' | sed 's/^> *//' |
		grep -Ev '^(tcp-segmentation-offload|scatter-gather|tx-checksumming):' | sort -u
}
same() { # BEFORE AFTER: identical, else the diff in the log
	cmp -s "$1" "$2" && return 0
	diff "$1" "$2" | sed 's/^/# /'
	return 1
}
# Put a node's features back as a state file shows them, with ethtool -K
# (independent of the library's restore).
reset_to() { # NODE STATEFILE
	local dev feat val now
	awk '/^Features for / { dev = $3; sub(":", "", dev); next }
	     /:/ && $0 !~ /\[fixed\]/ { f = $1; sub(":", "", f); gsub(/^[ \t]+/, "", f); print dev, f, $2 }' "$2" |
	while read -r dev feat val; do
		now=$(lab_exec "$1" ethtool -k "$dev" | awk -v f="$feat:" '{ sub(/^[ \t]+/, "") } $1 == f { print $2; exit }')
		[ "$now" = "$val" ] || lab_exec "$1" ethtool -K "$dev" "$feat" "$val" >/dev/null 2>&1 || true
	done
}
diag() { # NODE PEER ARGS...: run diagnose, output in $OUT/out, exit status in $rc
	local n=$1 peer=$2; shift 2
	rc=0
	lab_exec "$n" "$V" diagnose --peer "$peer" --timeout 400 --bulk-size 262144 "$@" >"$OUT/out" 2>&1 || rc=$?
}

# ---- healthy lab: nothing changes, exit 0
state n2 >"$OUT/n2.0"
diag n2 $N1_TUN
t_check "healthy: exit 0" [ "$rc" -eq 0 ]
t_check "healthy: says so" grep -q '^DIAGNOSE: healthy' "$OUT/out"
state n2 >"$OUT/n2.1"
t_check "healthy: node 2 unchanged (ethtool -k, /proc/sys)" same "$OUT/n2.0" "$OUT/n2.1"

# ---- mesh health: check with two peers, one table (a row per peer)
rc=0; lab_exec n2 "$V" check --peer $N1_TUN --peer "$LAB_CLIENT_IP" --timeout 400 --bulk-size 262144 >"$OUT/mesh" 2>&1 || rc=$?
t_check "mesh: a MESH table" grep -q '^MESH' "$OUT/mesh"
t_check "mesh: node 1's row: probes ok, both directions ok, fault none" \
	grep -Eq "^  $N1_TUN +ok +ok .* ok +ok +none$" "$OUT/mesh"
t_check "mesh: the client pod's row (no responder there: its TCP refused)" \
	grep -Eq "^  $LAB_CLIENT_IP +ok +refused " "$OUT/mesh"

# ---- node 2's NIC breaks encapsulated checksums: fixed on node 2
lab_nic encap-csum n2 >/dev/null
t_check "encap-csum n2: TCP across the overlay fails before" eval '! lab_tcp'
diag n2 $N1_TUN --write-policy "$OUT/policy.conf"
t_check "encap-csum n2: exit 1 (fixed)" [ "$rc" -eq 1 ]
t_check "encap-csum n2: fixed by one candidate" grep -q '^  fixed by [a-z-]* (' "$OUT/out"
state n2 >"$OUT/n2.2"
ch=$(changed "$OUT/n2.0" "$OUT/n2.2")
# one checksum change, on vxlan.calico or u2 (both print these two lines)
t_check "encap-csum n2: the only change is one tx checksum off (ethtool -k): $(echo $ch)" \
	[ "$(echo $ch)" = "tx-checksum-ip-generic: off" ]
t_check "encap-csum n2: TCP across the overlay passes after (labsrv)" lab_tcp
t_check "encap-csum n2: the policy file says it" grep -Eq '^features = (tx-checksum-ip-generic|tx) off$' "$OUT/policy.conf"
t_check "encap-csum n2: the policy is loadable and already in effect (apply --dry-run: nothing to change)" \
	eval 'lab_exec n2 "$V" apply -c "$OUT/policy.conf" --dry-run --json | python3 -c "import json,sys; r=json.load(sys.stdin); sys.exit(r[\"changed\"] or not r[\"entries\"])"'
diag n2 $N1_TUN
t_check "encap-csum n2: rerun: healthy, exit 0" [ "$rc" -eq 0 ]
reset_to n2 "$OUT/n2.0"
state n2 >"$OUT/n2.3"
t_check "reset: node 2 back at the start" same "$OUT/n2.0" "$OUT/n2.3"

# ---- both NICs break encapsulated checksums: no local change suffices
lab_nic encap-csum both >/dev/null
diag n2 $N1_TUN
t_check "encap-csum both: exit 2 (no local fix)" [ "$rc" -eq 2 ]
t_check "encap-csum both: says no local change suffices" grep -q 'no local change suffices' "$OUT/out"
t_check "encap-csum both: names the peer's transmit path" grep -q "the peer's transmit path corrupts" "$OUT/out"
state n2 >"$OUT/n2.4"
t_check "encap-csum both: node 2 exactly as before (ethtool -k, /proc/sys)" same "$OUT/n2.3" "$OUT/n2.4"

# ---- the same through Python (Context.diagnose)
pydiag() { # NODE PEER: outcome and fix as Python sees them
	lab_exec "$1" env PYTHONPATH="$top_builddir/bindings/python/.libs:$top_srcdir/bindings/python" \
		LD_LIBRARY_PATH="$top_builddir/lib/.libs" ${PYTHON:-/usr/bin/python3} -c '
import sys, vxlantune
with vxlantune.Context() as ctx:
    r = ctx.diagnose([sys.argv[1]], timeout=0.4, bulk_size=262144)
print(r.outcome, "+".join(r.fix), len(r.trials), "peer" if "the peer" in r.summary else "-")' "$2"
}
t_check "python: encap-csum both: no-local-fix, the peer named ($(pydiag n2 $N1_TUN))" \
	eval '[ "$(pydiag n2 $N1_TUN | cut -d" " -f1,4)" = "no-local-fix peer" ]'
state n2 >"$OUT/n2.4p"
t_check "python: node 2 exactly as before" same "$OUT/n2.3" "$OUT/n2.4p"

# ---- --dry-run: a plan, nothing changes
diag n2 $N1_TUN --dry-run
t_check "dry-run: exit 0, a plan" eval '[ "$rc" -eq 0 ] && grep -q "^PLAN" "$OUT/out" && ! grep -q "^TRIALS" "$OUT/out"'
state n2 >"$OUT/n2.5"
t_check "dry-run: node 2 unchanged" same "$OUT/n2.4" "$OUT/n2.5"

# ---- SIGTERM in the middle of a trial: restored
ip netns exec "$(lab_ns n2)" "$V" diagnose --peer $N1_TUN --timeout 1500 >"$OUT/term" 2>&1 &
dpid=$!
# the baseline takes a few seconds; the first trial's change shows in ethtool -k
for _ in $(seq 150); do state n2 >"$OUT/n2.t"; cmp -s "$OUT/n2.5" "$OUT/n2.t" || break; sleep 0.1; done
t_check "sigterm: a trial is running (its change shows in ethtool -k)" eval '! cmp -s "$OUT/n2.5" "$OUT/n2.t"'
sleep 0.3
kill -TERM $dpid
trc=0; wait $dpid || trc=$?
t_check "sigterm: exit 143 ($trc)" [ "$trc" -eq 143 ]
t_check "sigterm: reports cancelled" grep -q 'cancelled' "$OUT/term"
state n2 >"$OUT/n2.6"
t_check "sigterm: node 2 restored (ethtool -k, /proc/sys)" same "$OUT/n2.5" "$OUT/n2.6"

# ---- node 1's NIC loses VXLAN GSO frames: fixed on node 1 (the sender)
lab_nic good both >/dev/null
lab_nic tnl-gso n1 >/dev/null
state n1 >"$OUT/n1.0"
diag n1 $N2_TUN
t_check "tnl-gso n1: exit 1 (fixed on the sender)" [ "$rc" -eq 1 ]
state n1 >"$OUT/n1.1"
ch=$(changed "$OUT/n1.0" "$OUT/n1.1")
t_check "tnl-gso n1: only tunnel segmentation changed on u1: $(echo $ch)" \
	eval '[ -n "$ch" ] && ! echo "$ch" | grep -qv "udp_tnl"'
lab_exec server iperf3 -s -1 -D -B "$LAB_SERVER_IP" --pidfile "$OUT/iperf3.pid" >/dev/null 2>&1; sleep 0.3
t_check "tnl-gso n1: a 4 MiB transfer client -> server completes (iperf3)" \
	eval 'timeout 10 ip netns exec "$(lab_ns client)" iperf3 -c "$LAB_SERVER_IP" -n 4M >/dev/null 2>&1'
t_done
