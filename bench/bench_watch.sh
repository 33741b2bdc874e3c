#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The policy/watch benchmarks, in throw-away namespaces:
#  1. re-apply latency of `vxlantune watch --preset calico-incident`:
#     RTM_NEWLINK of a re-created vxlan.calico -> its offloads off, measured
#     outside the watcher by bench/watch_latency, which reads them with the
#     legacy SIOCETHTOOL ioctl (no libvxlantune); p50/p90/p99 over
#     WATCH_COUNT re-creations (default 1000);
#  2. an idle watcher: wake-ups over IDLE_SECONDS (default 60) and its RSS;
#  3. `vxlantune apply --preset calico-incident` vs the incident's shell
#     script (ethtool -K on the underlay and vxlan.calico, rp_filter=0 on
#     every interface), both from the same snapshot (restored before every
#     run, not timed), at LINKS links.
# Usage: bench/bench_watch.sh     (root; RUNS, LINKS, BUILD: bench/lib.sh)
. "$(dirname "$0")/lib.sh"
LAT=$BUILD/bench/watch_latency
[ -x "$LAT" ] || { echo "build first: $LAT missing" >&2; exit 2; }
count=${WATCH_COUNT:-1000}
idle=${IDLE_SECONDS:-60}
tmp=$(mktemp -d /tmp/vxt-bench-watch.XXXXXX)
pid=""
watch_cleanup() { [ -z "$pid" ] || kill "$pid" 2>/dev/null || true; rm -rf "$tmp"; bench_cleanup; }
trap watch_cleanup EXIT INT TERM

# node NS: an underlay eth0 with the default route, vxlan.calico on it.
node() {
	ip netns exec "$1" sh -e -c '
	ip link add eth0 type veth peer name eth0p; ip link set eth0 up; ip link set eth0p up
	ip addr add 198.51.100.10/24 dev eth0; ip route add default via 198.51.100.1 dev eth0
	ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0'
}

# 1. latency
bench_ns ns watch
node "$ns"
# Not through a subshell: $! must be the watcher itself (ip netns exec
# execs it), or killing it would leave the watcher running.
ip netns exec "$ns" "$V" watch --preset calico-incident >"$tmp/watch.log" 2>&1 &
pid=$!
for _ in $(seq 50); do grep -q watching "$tmp/watch.log" && break; sleep 0.1; done
out=$(ip netns exec "$ns" "$LAT" "$count" eth0)
echo "watch: $out" | sed '2s/^/watch: /'
p=$(echo "$out" | sed -n 's/.*p50 \([0-9.]*\) ms, p90 \([0-9.]*\) ms, p99 \([0-9.]*\) ms, max \([0-9.]*\) ms.*/\1 \2 \3 \4/p')
missed=$(echo "$out" | sed -n 's/.*within 1 s: \([0-9]*\).*/\1/p')
set -- $p
bench_row "watch: re-apply after re-creation" "1 vxlan" "reader: SIOCETHTOOL ioctl, $count re-creations, $missed missed" \
	"p50 **$1** / p90 **$2** / p99 **$3** / max $4 ms" "—"

# 2. idle
sleep 1
sw() { awk '/^(voluntary|nonvoluntary)_ctxt_switches/ { n += $2 } END { print n }' "/proc/$pid/status"; }
s0=$(sw)
sleep "$idle"
s1=$(sw)
rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
echo "watch: idle ${idle} s: $((s1 - s0)) context switches, RSS $rss MiB"
bench_row "watch: idle" "1 vxlan" "${idle} s idle" "$((s1 - s0)) wake-ups, RSS $rss MiB" "—"
kill "$pid"
wait "$pid" 2>/dev/null || true
pid=""
bench_cleanup

# 3. apply vs the incident's script
script='IFACE="$(ip route show default | awk "/default/ {print \$5; exit}")"
for DEV in "$IFACE" vxlan.calico; do
  if ip link show "$DEV" >/dev/null 2>&1; then ethtool -K "$DEV" rx off tx off tso off gso off gro off || true; fi
done
echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter || true
echo 0 > /proc/sys/net/ipv4/conf/default/rp_filter || true
for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > "$f" || true; done'
echo "$script" >"$tmp/incident.sh"
done_check='! grep -q -v "^0$" /proc/sys/net/ipv4/conf/*/rp_filter && ethtool -k vxlan.calico | grep -q "^generic-receive-offload: off"'
for n in $LINKS; do
	bench_ns ns apply
	ip netns exec "$ns" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 1 > /proc/sys/net/ipv4/conf/default/rp_filter'
	node "$ns"
	bench_veths "$ns" "$n" cali
	nlinks=$(ip -n "$ns" -o link show | wc -l)
	ip netns exec "$ns" "$V" snapshot --preset calico-incident -o "$tmp/snap.json" >/dev/null 2>&1 ||
		{ echo "bench_watch.sh: snapshot failed" >&2; exit 1; }
	bench_pair "$ns" "apply calico-incident" "$nlinks" "'$V' restore '$tmp/snap.json'" "$done_check" \
		"incident shell script" "sh '$tmp/incident.sh'" \
		"vxlantune apply" "'$V' apply --preset calico-incident"
	bench_cleanup
done
