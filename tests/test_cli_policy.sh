#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune apply / snapshot / restore / watch in a namespace that looks
# like a Calico node, checked with ethtool -k and /proc/sys.
. "${top_srcdir:-.}/tests/lib.sh"
ns=$(t_netns pol)
in_ns "$ns" sh -e -c '
ip link add eth0 type veth peer name eth0p; ip link set eth0 up; ip link set eth0p up
ip addr add 198.51.100.10/24 dev eth0; ip route add default via 198.51.100.1 dev eth0
ip link add eth1 type veth peer name eth1p; ip addr add 203.0.113.10/24 dev eth1
ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0 local 198.51.100.10
ip link set vxlan.calico up
ip link add cali1 type veth peer name cali1p
echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 1 > /proc/sys/net/ipv4/conf/cali1/rp_filter'
V() { in_ns "$ns" "$VXLANTUNE" "$@"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; t_cleanup' EXIT
state() { in_ns "$ns" sh -c 'for d in eth0 eth1 vxlan.calico cali1; do ethtool -k $d; done; grep . /proc/sys/net/ipv4/conf/*/rp_filter'; }
off5() { # off5 IF: rx tx tso gso gro all off per one `ethtool -k`
	[ "$(in_ns "$ns" ethtool -k "$1" 2>/dev/null | grep -c -E '^(rx-checksumming|tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload): off')" -eq 5 ]
}

orig=$(state)
t_expect_rc 0 "snapshot before anything" V snapshot --preset calico-incident -o "$tmp/snap.json"
t_check "snapshot is JSON with vxlan.calico" python3 -c "
import json,sys; d=json.load(open(sys.argv[1])); assert d['format']=='vxlantune-snapshot'
assert d['features']['vxlan.calico']['rx-checksum']=='on'; assert d['underlay']=='eth0'" "$tmp/snap.json"

out=$(V apply --preset calico-incident --dry-run); rc=$?
t_check "dry run exits 0" test $rc -eq 0
t_check "dry run says what would change" sh -c "echo '$out' | grep -q 'rx-checksum: on -> off (would change)'"
t_check "dry run changed nothing" test "$orig" = "$(state)"

t_expect_rc 0 "apply calico-incident" V apply --preset calico-incident
t_check "underlay eth0 offloads off" off5 eth0
t_check "vxlan.calico offloads off" off5 vxlan.calico
t_check "eth1 (not the underlay) untouched" test "$(feature "$ns" eth1 tx-checksumming)" = on
for f in all default eth0 eth1 vxlan.calico cali1 lo; do
	t_check "rp_filter $f = 0" test "$(in_ns "$ns" cat /proc/sys/net/ipv4/conf/$f/rp_filter)" = 0
done
json=$(V apply --preset calico-incident --json)
t_check "second apply: changed false, nothing unmet" python3 -c "
import json,sys; d=json.loads(sys.argv[1]); assert d['changed'] is False and d['unmet']==0, d['summary']" "$json"

t_expect_rc 0 "restore --dry-run" V restore "$tmp/snap.json" --dry-run
t_check "restore dry run changed nothing" test "$(state)" != "$orig"
t_expect_rc 0 "restore" V restore "$tmp/snap.json"
t_check "restore gives back every feature and sysctl" test "$(state)" = "$orig"

# Policy files: errors name file, line and key; nothing is applied.
printf '[vxlan]\nfeatures = gro off\n[sysctl all]\nrp_filter = 9\n' > "$tmp/bad.conf"
msg=$(V apply --config "$tmp/bad.conf" 2>&1); rc=$?
t_check "out-of-range sysctl in a policy exits 2" test $rc -eq 2
t_check "message names rp_filter" sh -c "echo \"$msg\" | grep -q rp_filter"
t_check "nothing applied" test "$(state)" = "$orig"
printf '[vxlan]\nfeatures = gro\n' > "$tmp/bad2.conf"
msg=$(V apply --config "$tmp/bad2.conf" 2>&1); rc=$?
t_check "syntax error exits 2" test $rc -eq 2
t_check "syntax error names file:line and key" test "$msg" = "vxlantune: $tmp/bad2.conf:2: [vxlan] features: 'gro' needs 'on' or 'off' after it"
t_expect_rc 3 "missing config file exits 3" V apply --config "$tmp/nope.conf"
t_expect_rc 2 "unknown preset exits 2" V apply --preset nope
t_expect_rc 2 "no policy at all exits 2" V apply --config "$tmp/bad2.conf" --preset checksum
t_check "--show-policy prints the preset" sh -c "'$VXLANTUNE' apply --preset calico-incident --show-policy | grep -q '^rp_filter = 0'"
t_check "example policy file is valid" V apply --config "$top_srcdir/examples/vxlantune.conf" --dry-run

# The watcher: delete and re-create vxlan.calico; offloads off again fast.
in_ns "$ns" sh -c "'$VXLANTUNE' watch --preset calico-incident >'$tmp/watch.log' 2>&1 & echo \$! > '$tmp/watch.pid'"
for _ in $(seq 50); do grep -q "watching" "$tmp/watch.log" 2>/dev/null && break; sleep 0.1; done
t_check "watch started" grep -q "watching for link changes (underlay: eth0)" "$tmp/watch.log"
for i in 1 2 3 4 5; do
	in_ns "$ns" ip link del vxlan.calico
	in_ns "$ns" ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0
	t0=$(date +%s%N)
	until off5 vxlan.calico; do
		[ $(( $(date +%s%N) - t0 )) -gt 2000000000 ] && break
	done
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	t_check "re-created vxlan.calico #$i: offloads off per ethtool -k (${ms} ms after ip link add returned)" off5 vxlan.calico
done
# Timing, measured without forking a checker per poll: bench/watch_latency
# re-creates vxlan.calico itself and polls over ethtool netlink (quiet
# machine: p50 0.3 ms; CI runs suites in parallel, hence the median).
lat=$(in_ns "$ns" "$top_builddir/bench/watch_latency" 20 eth0); rc=$?
echo "$lat"
p50=$(echo "$lat" | sed -n 's/.*p50 \([0-9.]*\) ms.*/\1/p')
t_check "watch_latency: all 20 re-creations re-applied" test $rc -eq 0
t_check "re-apply within 20 ms of RTM_NEWLINK (p50 ${p50} ms)" awk -v x="${p50:-999}" 'BEGIN { exit !(x <= 20) }'
t_check "and ethtool agrees afterwards" off5 vxlan.calico
t_check "watch logged the re-apply" grep -q "re-applied: vxlan.calico:" "$tmp/watch.log"
in_ns "$ns" kill -TERM "$(cat "$tmp/watch.pid")"
for _ in $(seq 50); do kill -0 "$(cat "$tmp/watch.pid")" 2>/dev/null || break; sleep 0.1; done
wait "$(cat "$tmp/watch.pid")" 2>/dev/null; 
t_check "SIGTERM stops the watcher" sh -c "! kill -0 $(cat "$tmp/watch.pid") 2>/dev/null"
t_check "it said why it stopped" grep -q "Terminated: stopping" "$tmp/watch.log"
# exit status: run it in the foreground with a timeout that sends TERM
in_ns "$ns" timeout --preserve-status -s TERM 1 "$VXLANTUNE" watch --preset checksum --quiet >/dev/null; rc=$?
t_check "watch exits 0 on SIGTERM" test $rc -eq 0
# (after the first watcher is gone: two watchers with opposite policies
# would fight over the same device)
# SIGHUP reloads the policy file; readiness goes to $NOTIFY_SOCKET.
printf '[vxlan]\ninterfaces = vxlan.calico\nfeatures = gro on\n' > "$tmp/hup.conf"
"${PYTHON:-python3}" - "$tmp/notify.sock" > "$tmp/notify.out" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1]); s.settimeout(20)
msgs = []
try:
    while len(msgs) < 3:
        msgs.append(s.recv(256).decode())
except socket.timeout:
    pass
print(" ".join(msgs))
PY
npid=$!
for _ in $(seq 50); do [ -S "$tmp/notify.sock" ] && break; sleep 0.1; done
# ip netns exec, env and libtool's wrapper all exec: $! is the watcher.
ip netns exec "$ns" env NOTIFY_SOCKET="$tmp/notify.sock" "$VXLANTUNE" watch --config "$tmp/hup.conf" >"$tmp/hup.log" 2>&1 &
hpid=$!
for _ in $(seq 50); do grep -q watching "$tmp/hup.log" 2>/dev/null && break; sleep 0.1; done
t_check "config watch applied gro on" test "$(feature "$ns" vxlan.calico generic-receive-offload)" = on
printf '[vxlan]\ninterfaces = vxlan.calico\nfeatures = gro off\n' > "$tmp/hup.conf"
kill -HUP "$hpid"
for _ in $(seq 50); do [ "$(feature "$ns" vxlan.calico generic-receive-offload)" = off ] && break; sleep 0.1; done
t_check "SIGHUP reloaded the file (gro now off)" test "$(feature "$ns" vxlan.calico generic-receive-offload)" = off
t_check "the log says so" grep -q "SIGHUP: reloading the policy" "$tmp/hup.log"
printf '[vxlan]\nfeatures = grox off\n' > "$tmp/hup.conf"
kill -HUP "$hpid"
for _ in $(seq 50); do grep -q "reload failed" "$tmp/hup.log" && break; sleep 0.1; done
t_check "a broken file on SIGHUP keeps the previous policy" grep -q "reload failed: keeping the previous policy" "$tmp/hup.log"
t_check "and the watcher keeps running" kill -0 "$hpid"
kill -TERM "$hpid"; wait "$hpid"
wait "$npid"
t_check "sd_notify: READY=1, RELOADING=1, READY=1 sent to NOTIFY_SOCKET" grep -q "^READY=1 RELOADING=1 READY=1" "$tmp/notify.out"

t_done
