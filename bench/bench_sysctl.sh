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
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
files=$(ls -d $conf/*/rp_filter | wc -l)
verify() {
	local bad
	bad=$(grep -L '^0$' $conf/*/rp_filter | wc -l)
	[ "$bad" -eq 0 ] || { echo "BUG: $bad files not 0" >&2; exit 1; }
}
run() { # scenario
	local s=$1 t0 t1 r
	: >/tmp/vxt-bench-sh.$$; : >/tmp/vxt-bench-vxt.$$
	for r in $(seq "$RUNS"); do
		prep "$s"; t0=$(now_us)
		sh -c 'for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done'
		t1=$(now_us); verify; echo $((t1 - t0)) >>/tmp/vxt-bench-sh.$$
		prep "$s"; t0=$(now_us)
		"$V" sysctl set rp_filter=0 --iface all --iface default --iface '*' >/tmp/vxt-bench-report.$$
		t1=$(now_us); verify; echo $((t1 - t0)) >>/tmp/vxt-bench-vxt.$$
	done
	local a b
	a=$(median </tmp/vxt-bench-sh.$$); b=$(median </tmp/vxt-bench-vxt.$$)
	printf '%-10s shell loop %7.1f ms   vxlantune %7.1f ms   speed-up %.2fx   (%s)\n' \
		"$s" "$(echo "$a / 1000" | bc -l)" "$(echo "$b / 1000" | bc -l)" \
		"$(echo "$a / $b" | bc -l)" "$(tail -n 1 /tmp/vxt-bench-report.$$)"
	rm -f /tmp/vxt-bench-sh.$$ /tmp/vxt-bench-vxt.$$ /tmp/vxt-bench-report.$$
}
echo "rp_filter=0 on $files files (all, default, lo, $((files - 3)) veths); median of $RUNS runs"
run all
run mixed
run zero
tshow() { # label command...
	local l=$1 t0 t1 r; shift
	: >/tmp/vxt-bench-show.$$
	for r in $(seq "$RUNS"); do
		t0=$(now_us); "$@" >/dev/null; t1=$(now_us)
		echo $((t1 - t0)) >>/tmp/vxt-bench-show.$$
	done
	printf '%-44s %7.1f ms\n' "$l" "$(echo "$(median </tmp/vxt-bench-show.$$) / 1000" | bc -l)"
	rm -f /tmp/vxt-bench-show.$$
}
keys10="--key rp_filter --key arp_ignore --key arp_announce --key accept_local --key forwarding"
keys10="$keys10 --key proxy_arp --key log_martians --key send_redirects --key accept_redirects --key src_valid_mark"
tshow "show: grep . conf/*/rp_filter" sh -c 'grep . /proc/sys/net/ipv4/conf/*/rp_filter'
tshow "show: vxlantune sysctl show (rp_filter)" "$V" sysctl show
tshow "show: vxlantune sysctl show --json" "$V" sysctl show --json
tshow "show: grep 10 keys" sh -c 'cd /proc/sys/net/ipv4/conf && grep . */rp_filter */arp_ignore */arp_announce */accept_local */forwarding */proxy_arp */log_martians */send_redirects */accept_redirects */src_valid_mark'
tshow "show: vxlantune sysctl show, 10 keys" "$V" sysctl show $keys10
INNER
