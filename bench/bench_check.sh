#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# `vxlantune check` against peers that all time out: PEERS (default "5 20")
# addresses behind a gateway whose frames the other end of the underlay
# drops (a static neighbour entry, so no ARP failure answers early: every
# probe waits its whole deadline), --timeout 500; with --tcp-port and
# --udp-port (ICMP, TCP, UDP, large a peer) and without (the responder
# mode: its counters query, ICMP, TCP connect, large).  A check is expected to take about one timeout, not
# peers x probes x timeout (targets: 5 peers < 1 s, 20 peers < 1.5 s).  One
# side only (nothing else does this check); RUNS runs.
# Usage: bench/bench_check.sh     (root; RUNS, BUILD: bench/lib.sh)
. "$(dirname "$0")/lib.sh"
bench_ns ns check
bench_ns drop check-drop
ip netns exec "$ns" sh -e -c "
ip link add eth0 type veth peer name eth0p netns $drop
ip link set eth0 up
ip addr add 198.51.100.10/24 dev eth0
ip route add default via 198.51.100.1 dev eth0
ip neigh add 198.51.100.1 lladdr 02:00:5e:00:53:01 dev eth0 nud permanent
ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0 local 198.51.100.10
ip addr add 192.0.2.10/32 dev vxlan.calico
ip link set vxlan.calico up"
ip -n "$drop" link set eth0p up # no address, another MAC: every frame is dropped
echo "check: $RUNS runs; ms as min / median / max"
for mode in ports responder; do
for peers in ${PEERS:-5 20}; do
	args=""
	for i in $(seq 1 "$peers"); do args="$args --peer 203.0.113.$i"; done
	# ports: ICMP, TCP, UDP, large a peer; responder (the default): the
	# responder's counters, ICMP, its TCP connect, large.
	[ "$mode" = ports ] && args="$args --tcp-port 8080 --udp-port 7"
	cmd="'$V' check $args --timeout 500"
	bench_run "$ns" : : ":" "$cmd"
	set -- $R
	printf '%-30s %6s        %-28s %s / %s / %s ms\n' "check ($mode), all time out" "$peers" "vxlantune check --timeout 500" "$4" "$5" "$6"
	bench_row "check ($mode), every probe times out, --timeout 500" "$peers peers" "—" \
		"vxlantune check: $4 / **$5** / $6 ms" "target < $([ "$peers" -le 5 ] && echo 1000 || echo 1500) ms"
	# The verdict must be "unreachable": every probe timed out.
	ip netns exec "$ns" sh -c "$cmd --json" | grep -q '"verdict": *"unreachable"' ||
		{ echo "bench_check.sh: verdict is not 'unreachable'" >&2; exit 1; }
done
done
