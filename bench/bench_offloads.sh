#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: vxlantune vs the tools operators use today, on 1,000 veth
# pairs (2,000 links) in a throw-away network namespace.
#   read: `vxlantune offloads show` (one dump)  vs  `ethtool -k` per link
#   set:  `vxlantune offloads set --all rx tx tso gso gro off` (batched)
#         vs  `ethtool -K LINK rx off tx off tso off gso off gro off` per link
# Usage: bench/bench_offloads.sh [PAIRS]   (as root; build first)
set -eu
pairs=${1:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
# The real binary, not libtool's wrapper script (which costs a bash start).
V=${VXLANTUNE:-$build/tools/.libs/vxlantune}
[ -x "$V" ] || V=$build/tools/vxlantune
[ -x "$V" ] || { echo "build first (tests/quickstart.sh test, or make in $build): $V missing" >&2; exit 2; }
export LD_LIBRARY_PATH="$build/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
ns="vxt-bench-$$"
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT INT TERM
batch=$(mktemp)
for i in $(seq 1 "$pairs"); do echo "link add b${i}a type veth peer name b${i}b"; done >"$batch"
ip -n "$ns" -batch "$batch"
rm -f "$batch"
links=$(ip -n "$ns" -o link show | awk -F': ' '{print $2}' | cut -d@ -f1 | grep -v '^lo$')
nlinks=$(echo "$links" | wc -l)
# Every timed command runs inside the namespace (one `ip netns exec` for
# the whole measurement), so neither side pays its 3-4 ms start-up.
now() { date +%s%N; }
inns() { ip netns exec "$ns" "$@"; }

# Read.
timed() { # timed CMD...: run CMD in the namespace; print its wall time in ns
	inns sh -c 's=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo $((e - s))' timed "$@"
}
# vxlantune's side: the best of 3 runs (a run is tens of milliseconds, so one
# scheduling hiccup is a large share of it); the ethtool loops run once.
best3() { local b="" t; for _ in 1 2 3; do t=$("$@"); [ -z "$b" ] || [ "$t" -lt "$b" ] && b=$t; done; echo "$b"; }
read_v=$(echo "scale=1; $(best3 timed "$V" offloads show) / 1000000" | bc)
read_e=$(echo "scale=1; $(timed sh -c "for l in $(echo $links); do ethtool -k \$l; done") / 1000000" | bc)

# Set: ethtool's loop from all-on, then vxlantune from all-on again.
inns "$V" offloads set 'b*' rx on tx on tso on gso on gro on >/dev/null
set_e=$(echo "scale=1; $(timed sh -c "for l in $(echo $links); do ethtool -K \$l rx off tx off tso off gso off gro off; done") / 1000000" | bc)
set_once() { # from all-on, the same work as the ethtool loop
	inns "$V" offloads set 'b*' rx on tx on tso on gso on gro on >/dev/null
	timed "$V" offloads set 'b*' rx off tx off tso off gso off gro off
}
set_v=$(echo "scale=1; $(best3 set_once) / 1000000" | bc)
off=$(inns ethtool -k "b${pairs}b" | grep -c -E '^(rx-checksumming|tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload): off')

ratio() { echo "scale=1; $1 / $2" | bc; }
printf 'links: %d (%d veth pairs)\n' "$nlinks" "$pairs"
printf 'read  %-44s %8s ms\n' "ethtool -k per link:" "$read_e"
printf 'read  %-44s %8s ms   ratio %sx (target >= 50x)\n' "vxlantune offloads show (one dump):" "$read_v" "$(ratio "$read_e" "$read_v")"
printf 'set   %-44s %8s ms\n' "ethtool -K per link:" "$set_e"
printf 'set   %-44s %8s ms   ratio %sx (target >= 50x)\n' "vxlantune offloads set 'b*' (batched):" "$set_v" "$(ratio "$set_e" "$set_v")"
printf 'check: %d of 5 offload groups off on the last link (ethtool -k)\n' "$off"
