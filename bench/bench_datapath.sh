#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Data-path cost of each change diagnose can make: TCP throughput (iperf3,
# one flow, client pod on node 1 -> server pod on node 2) across the veth
# lab's VXLAN overlay, with the change made on both nodes.  The veth lab,
# not the emulated NIC: nicemu's relay, not the kernel, would bound it.
#
#   all-on            every offload on (the lab's default)
#   seed              the seed's fix: rx tx tso gso gro off on vxlan.calico
#                     and the underlay
#   <candidate>       each candidate of `vxlantune diagnose` (the words are
#                     lib/diagnose_candidates.c's; printed by --help)
# Configurations are interleaved (round 1: every configuration, round 2:
# ...) so that load from elsewhere on the machine spreads over all of
# them; median/min/max over the rounds.  The ratio of diagnose's choice in
# the emulated-NIC lab (encapsulated-checksum mode: vxlan-tx-csum) to the
# seed's fix is printed last (--chosen NAME for another).
# Usage: bench/bench_datapath.sh [--rounds N] [--seconds S] [--chosen NAME]  (root)
set -eu
rounds=3 secs=2 chosen=underlay-tx-csum
while [ $# -gt 0 ]; do
	case "$1" in
	--rounds) rounds=$2; shift 2 ;;
	--seconds) secs=$2; shift 2 ;;
	--chosen) chosen=$2; shift 2 ;;
	*) echo "usage: $0 [--rounds N] [--seconds S] [--chosen NAME]" >&2; exit 2 ;;
	esac
done
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
export LABSRV=${LABSRV:-$build/tests/lab/labsrv}
command -v iperf3 >/dev/null || { echo "iperf3 missing (tests/install-deps.sh)" >&2; exit 2; }
# shellcheck source=../tests/lab/lab.sh
. "$top/tests/lab/lab.sh"
lab_up "vxtbdp-$$" >/dev/null

# ethtool -K words per configuration: "UNDERLAY_WORDS|VXLAN_WORDS".
declare -A words=(
	[all-on]="|"
	[seed]="rx off tx off tso off gso off gro off|rx off tx off tso off gso off gro off"
	[underlay-tnl-gso]="tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off|"
	[underlay-tx-csum]="tx off|"
	[vxlan-tx-csum]="|tx-checksum-ip-generic off"
	[tso-gso]="tso off gso off|tso off gso off"
	[gro-lro]="gro off|gro off"
	[rx-csum]="rx off|rx off"
)
configs="all-on seed rx-csum gro-lro underlay-tnl-gso underlay-tx-csum tso-gso vxlan-tx-csum"
all_on="rx on tx on tso on gso on gro on tx-udp_tnl-segmentation on tx-udp_tnl-csum-segmentation on"

set_config() {
	local n u v
	for n in n1 n2; do
		u=u${n#n}
		lab_exec "$n" ethtool -K "$u" $all_on >/dev/null 2>&1 || true
		lab_exec "$n" ethtool -K vxlan.calico rx on tx on tso on gso on gro on >/dev/null 2>&1 || true
		IFS='|' read -r uw vw <<<"${words[$1]}"
		[ -z "$uw" ] || lab_exec "$n" ethtool -K "$u" $uw >/dev/null 2>&1 || true
		[ -z "$vw" ] || lab_exec "$n" ethtool -K vxlan.calico $vw >/dev/null 2>&1 || true
	done
}

lab_exec server iperf3 -s -D -B "$LAB_SERVER_IP" --pidfile "$LAB_STATE/iperf3.pid" >/dev/null
sleep 0.3
cleanup() { kill "$(cat "$LAB_STATE/iperf3.pid" 2>/dev/null)" 2>/dev/null || true; lab_down >/dev/null 2>&1 || true; }
trap cleanup EXIT
res=$(mktemp)
for r in $(seq "$rounds"); do
	for c in $configs; do
		set_config "$c"
		bps=$(lab_exec client iperf3 -c "$LAB_SERVER_IP" -t "$secs" -J 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"])' 2>/dev/null || echo 0)
		echo "$c $bps" >>"$res"
	done
done
python3 - "$res" "$chosen" "$rounds" "$secs" "$configs" <<'PY'
import statistics, sys
path, chosen, rounds, secs, order = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5].split()
runs = {}
for line in open(path):
    c, b = line.split()
    runs.setdefault(c, []).append(float(b) / 1e9)
med = {c: statistics.median(v) for c, v in runs.items()}
print(f"TCP throughput across the veth lab overlay, both nodes, {rounds} interleaved rounds of {secs} s (Gbit/s)")
print(f"{'configuration':18} {'median':>7} {'min':>7} {'max':>7}  ratio to all-on")
for c in order:
    v = runs[c]
    print(f"{c:18} {med[c]:7.2f} {min(v):7.2f} {max(v):7.2f}  {med[c] / med['all-on']:.2f}x" if med['all-on'] else c)
if med.get("seed"):
    print(f"diagnose's choice ({chosen}) vs the seed's fix: {med[chosen] / med['seed']:.2f}x")
PY
rm -f "$res"
trap - EXIT
cleanup
exit 0
