#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: rp_filter=0 on all, default and every interface of a namespace
# with 1,000 veth pairs (2,003 files), `vxlantune sysctl set` (full report)
# against the runbook's loop run by sh:
#   for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done
# Before every timed run all files are put back to the starting state.
# Scenarios: "all differ" (every file 1: both must write 2,003 files),
# "mixed" (0/1/2 in turn, as on a Calico node: a third already right) and
# "converged" (everything already 0: the periodic re-apply case).
# Then reading: `vxlantune sysctl show` (rp_filter, configured and
# effective, of all, default and every interface; then 10 IPv4 keys) against
# `grep . /proc/sys/net/ipv4/conf/*/rp_filter` (one key, no effective value).
# Both sides run RUNS times, interleaved (the order alternates); min,
# median and max of each side and the ratio of the medians are printed.
# Usage: bench/bench_sysctl.sh [VXLANTUNE] [PAIRS] [RUNS]     (as root)
set -eu
V=$(readlink -f "${1:-${VXLANTUNE:-./tools/vxlantune}}")
PAIRS=${2:-1000}
RUNS=${3:-7}
[ -x "$V" ] || { echo "no vxlantune binary at $V" >&2; exit 2; }
# In a build tree tools/vxlantune is libtool's wrapper script, which costs
# ~10 ms of bash per run: time the real binary with the uninstalled library.
if head -c 2 "$V" | grep -q '#!' && [ -x "$(dirname "$V")/.libs/vxlantune" ]; then
	export LD_LIBRARY_PATH="$(dirname "$V")/../lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	V=$(dirname "$V")/.libs/vxlantune
fi
[ "$(id -u)" -eq 0 ] || { echo "run as root (creates a network namespace)" >&2; exit 2; }
ns=vxt-bench-$$
batch=$(mktemp /tmp/vxt-bench-XXXXXX)
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -f "$batch"; }
trap cleanup EXIT
ip netns add "$ns"
for i in $(seq 0 $((PAIRS - 1))); do echo "link add b${i}a type veth peer name b${i}b"; done >"$batch"
ip -n "$ns" -batch "$batch"

# Everything below runs inside the namespace, timed by bash itself
# ($EPOCHREALTIME), so that `ip netns exec` costs are not counted.
ip netns exec "$ns" bash -s "$V" "$RUNS" <<'INNER'
set -eu
V=$1 RUNS=$2
conf=/proc/sys/net/ipv4/conf
prep() { # all|mixed|zero
	local i=0 f
	for f in $conf/*/rp_filter; do
		case $1 in
		all) echo 1 >"$f" ;;
		mixed) echo $((i % 3)) >"$f" ;;
		zero) echo 0 >"$f" ;;
		esac
		i=$((i + 1))
	done
}
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
files=$(ls -d $conf/*/rp_filter | wc -l)
verify() { # after a set: every file 0
	local bad
	bad=$(grep -L '^0$' $conf/*/rp_filter | wc -l)
	[ "$bad" -eq 0 ] || { echo "BUG: $bad files not 0" >&2; exit 1; }
}
# stats FILE: "min median max" in ms of the microsecond counts in FILE.
stats() {
	sort -n "$1" | awk '{ v[NR] = $1 } END {
		printf "%6.1f %6.1f %6.1f", v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'
}
# pair LABEL PREP CHECK A B: RUNS timed runs of each side, interleaved
# (A first on odd runs, B first on even ones, so that neither side always
# comes after the other), PREP before every run, CHECK after it.
pair() {
	local label=$1 prep=$2 check=$3 a=$4 b=$5 r side t0 t1 out
	local ta=/tmp/vxt-bench-a.$$ tb=/tmp/vxt-bench-b.$$
	: >"$ta"; : >"$tb"
	for r in $(seq "$RUNS"); do
		for side in $([ $((r % 2)) = 1 ] && echo a b || echo b a); do
			$prep
			if [ "$side" = a ]; then # the runbook's way: a loop run by sh
				t0=$(now_us); sh -c "$a" >/dev/null; t1=$(now_us); out=$ta
			else
				t0=$(now_us); eval "$b" >/dev/null; t1=$(now_us); out=$tb
			fi
			$check
			echo $((t1 - t0)) >>"$out"
		done
	done
	local sa sb
	sa=$(stats "$ta"); sb=$(stats "$tb")
	printf '%-22s shell %s   vxlantune %s   median ratio %.2fx\n' "$label" "$sa" "$sb" \
		"$(echo "$(echo "$sa" | awk '{print $2}') / $(echo "$sb" | awk '{print $2}')" | bc -l)"
	rm -f "$ta" "$tb"
}
echo "rp_filter=0 on $files files (all, default, lo, $((files - 3)) veths)"
echo "$RUNS runs per side, interleaved; times in ms as min median max; ratio = shell / vxlantune"
loop='for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
set_cmd="'$V' sysctl set rp_filter=0 --iface all --iface default --iface '*'"
prep_all() { prep all; }
prep_mixed() { prep mixed; }
prep_zero() { prep zero; }
pair "set, all differ" prep_all verify "$loop" "$set_cmd"
pair "set, mixed" prep_mixed verify "$loop" "$set_cmd"
pair "set, converged" prep_zero verify "$loop" "$set_cmd"
keys10="--key rp_filter --key arp_ignore --key arp_announce --key accept_local --key forwarding"
keys10="$keys10 --key proxy_arp --key log_martians --key send_redirects --key accept_redirects --key src_valid_mark"
pair "show rp_filter" : : 'grep . /proc/sys/net/ipv4/conf/*/rp_filter' "'$V' sysctl show"
pair "show 10 keys" : : 'cd /proc/sys/net/ipv4/conf && grep . */rp_filter */arp_ignore */arp_announce */accept_local */forwarding */proxy_arp */log_martians */send_redirects */accept_redirects */src_valid_mark' "'$V' sysctl show $keys10"
INNER
