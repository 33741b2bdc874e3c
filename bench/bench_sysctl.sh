#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# rp_filter=0 on all, default and every interface of a namespace of veth
# pairs, `vxlantune sysctl set` (full report) against the runbook's loop
# run by sh:
#   for f in /proc/sys/net/ipv4/conf/*/rp_filter; do echo 0 > $f; done
# Before every run all files are put back to the scenario's state (not
# timed): "all differ" (every file 1: both write every file), "mixed"
# (0/1/2 in turn, as on a Calico node: a third already right) and
# "converged" (everything already 0: the periodic re-apply case).
# Then reading: `vxlantune sysctl show` (rp_filter, configured and
# effective, of all, default and every interface; then 10 IPv4 keys)
# against `grep . /proc/sys/net/ipv4/conf/*/rp_filter` (one key, no
# effective value).
# Usage: bench/bench_sysctl.sh     (root; RUNS, LINKS, BUILD: bench/lib.sh)
. "$(dirname "$0")/lib.sh"
conf=/proc/sys/net/ipv4/conf
prep() { # the scenario's state of every rp_filter file (shell text for interleave.sh)
	echo "i=0; for f in $conf/*/rp_filter; do echo $1 >\$f; i=\$((i + 1)); done"
}
all_zero="! grep -L '^0\$' $conf/*/rp_filter | grep -q ."
loop="sh -c 'for f in $conf/*/rp_filter; do echo 0 > \$f; done'"
set_cmd="'$V' sysctl set rp_filter=0 --iface all --iface default --iface '*'"
keys10="--key rp_filter --key arp_ignore --key arp_announce --key accept_local --key forwarding"
keys10="$keys10 --key proxy_arp --key log_martians --key send_redirects --key accept_redirects --key src_valid_mark"
grep10="cd $conf && grep . */rp_filter */arp_ignore */arp_announce */accept_local */forwarding */proxy_arp */log_martians */send_redirects */accept_redirects */src_valid_mark"
echo "sysctl: $RUNS runs per side, interleaved; ms as min / median / max"
for n in $LINKS; do
	bench_ns ns sysctl
	bench_veths "$ns" "$n"
	files=$(ip netns exec "$ns" sh -c "ls -d $conf/*/rp_filter | wc -l")
	bench_pair "$ns" "rp_filter=0, every file differs" "$files" "$(prep 1)" "$all_zero" \
		"shell loop" "$loop" "vxlantune sysctl set" "$set_cmd"
	bench_pair "$ns" "rp_filter=0, mixed" "$files" "$(prep '$((i % 3))')" "$all_zero" \
		"shell loop" "$loop" "vxlantune sysctl set" "$set_cmd"
	bench_pair "$ns" "rp_filter=0, converged" "$files" "$(prep 0)" "$all_zero" \
		"shell loop" "$loop" "vxlantune sysctl set" "$set_cmd"
	bench_pair "$ns" "show rp_filter" "$files" : : \
		"grep" "grep . $conf/*/rp_filter" "vxlantune sysctl show" "'$V' sysctl show"
	bench_pair "$ns" "show 10 keys" "$files" : : \
		"grep" "$grep10" "vxlantune sysctl show (10 keys)" "'$V' sysctl show $keys10"
	bench_cleanup
done
