#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Python bindings' cost: Context.features_all() over 2,000 links (one
# netlink dump, one dict per device) vs the C CLI reading the same links
# (`vxlantune offloads show`), in a throw-away namespace.  Target: within
# 2x of the CLI.  Usage: bench/bench_python.sh [PAIRS]  (root, after building)
set -eu
pairs=${1:-1000}
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
V=$build/tools/.libs/vxlantune; [ -x "$V" ] || V=$build/tools/vxlantune
PY=${PYTHON:-/usr/bin/python3}
export LD_LIBRARY_PATH="$build/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTHONPATH="$build/bindings/python/.libs:$top/bindings/python"
ns="vxt-bp-$$"
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT INT TERM
batch=$(mktemp)
for i in $(seq 1 "$pairs"); do echo "link add p${i}a type veth peer name p${i}b"; done >"$batch"
ip -n "$ns" -batch "$batch"; rm -f "$batch"
best() { sort -n | head -n 1; }
cli=$(for _ in 1 2 3 4 5; do ip netns exec "$ns" sh -c 's=$(date +%s%N); "$1" offloads show >/dev/null; e=$(date +%s%N); echo $((e - s))' x "$V"; done | best)
cli_json=$(for _ in 1 2 3; do ip netns exec "$ns" sh -c 's=$(date +%s%N); "$1" offloads show --json >/dev/null; e=$(date +%s%N); echo $((e - s))' x "$V"; done | best)
py=$(ip netns exec "$ns" "$PY" -c '
import time, vxlantune
ctx = vxlantune.Context()
best = None
for _ in range(5):
    t = time.perf_counter_ns(); d = ctx.features_all(); t = time.perf_counter_ns() - t
    best = t if best is None or t < best else best
assert len(d) == 2 * '"$pairs"' + 1
print(best)')
ms() { echo "scale=1; $1 / 1000000" | bc; }
printf 'links: %d\n' $((2 * pairs + 1))
printf 'C CLI   vxlantune offloads show (process, text):   %7s ms\n' "$(ms "$cli")"
printf 'C CLI   vxlantune offloads show --json:            %7s ms\n' "$(ms "$cli_json")"
printf 'Python  Context.features_all() (in process):       %7s ms   = %sx the CLI (target <= 2x)\n' \
	"$(ms "$py")" "$(echo "scale=2; $py / $cli" | bc)"
