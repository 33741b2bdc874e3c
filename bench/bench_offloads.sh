#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Offload features at fleet scale, vs the tools operators use today, in a
# throw-away namespace of veth pairs (2,000 and 10,000 links by default):
#   read:  `ethtool -k LINK` per link  vs  `vxlantune offloads show` (one dump)
#   json:  `vxlantune offloads show --json` vs the text (streamed: < 2x)
#   set:   `ethtool -K LINK rx off tx off tso off gso off gro off` per link
#          vs `vxlantune offloads set --all rx off ...` (batched), both from
#          all-on (put back before every run, not timed)
#   peak RSS of show, show --json and set --all (text and --json)
# Usage: bench/bench_offloads.sh     (root; RUNS, LINKS, BUILD: bench/lib.sh)
. "$(dirname "$0")/lib.sh"
words_off="rx off tx off tso off gso off gro off"
words_on="rx on tx on tso on gso on gro on"
# The five ethtool -k groups of the last link, as ethtool prints them.
groups_off='[ "$(ethtool -k LAST | grep -c -E "^(rx-checksumming|tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload): off")" -eq 5 ]'
echo "offloads: $RUNS runs per side, interleaved; ms as min / median / max"
for n in $LINKS; do
	bench_ns ns offloads
	bench_veths "$ns" "$n"
	links=$(ip -n "$ns" -o link show | awk -F': ' '{ print $2 }' | cut -d@ -f1 | tr '\n' ' ')
	nlinks=$(echo $links | wc -w)
	last=p$((n / 2))b
	check_off=${groups_off/LAST/$last}

	bench_pair "$ns" "read offloads" "$nlinks" : : \
		"ethtool -k per link" "for l in $links; do ethtool -k \$l; done" \
		"vxlantune offloads show" "'$V' offloads show"
	bench_pair "$ns" "show: --json vs text (< 2x)" "$nlinks" : : \
		"--json (streamed)" "'$V' offloads show --json" \
		"text" "'$V' offloads show"
	bench_pair "$ns" "set rx tx tso gso gro off" "$nlinks" "'$V' offloads set --all $words_on" "$check_off" \
		"ethtool -K per link" "for l in $links; do ethtool -K \$l $words_off; done" \
		"vxlantune offloads set --all" "'$V' offloads set --all $words_off"

	text=$(bench_peak_kb "$ns" "$V" offloads show)
	json=$(bench_peak_kb "$ns" "$V" offloads show --json)
	ip netns exec "$ns" "$V" offloads set --all $words_on >/dev/null || true
	set_text=$(bench_peak_kb "$ns" "$V" offloads set --all $words_off)
	ip netns exec "$ns" "$V" offloads set --all $words_on >/dev/null || true
	set_json=$(bench_peak_kb "$ns" "$V" offloads set --all $words_off --json)
	mb() { echo "$1" | awk '{ printf "%.1f MB", $1 / 1024 }'; }
	printf '%-28s %6s links  show %s, show --json %s; set --all %s, set --all --json %s\n' "peak RSS" "$nlinks" \
		"$(mb "$text")" "$(mb "$json")" "$(mb "$set_text")" "$(mb "$set_json")"
	bench_row "peak RSS (one run each)" "$nlinks" "show $(mb "$text"), show --json $(mb "$json")" \
		"set --all $(mb "$set_text"), with --json $(mb "$set_json")" "--json streamed; set keeps counts"
	bench_cleanup
done
