#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune watch against hostile conditions, with real devices in a
# namespace of its own: a policy whose feature rules contradict each other
# (refused at start), another program that keeps setting back what the
# policy wants (the watcher backs off; log lines and CPU are measured and
# bounded), a device renamed into a selector (gets its sysctls and
# features), and route changes that move the underlay (a default route
# added after start, a lower-metric default via another NIC).
# Timing numbers are printed; the bounds are loose on purpose (a shared,
# loaded machine), the fight itself is unbounded without the back-off.
. "${top_srcdir:-.}/tests/lib.sh"
V=$VXLANTUNE
tmp=$(mktemp -d /tmp/vxt-hwatch.XXXXXX)
KEEP_LOGS=${KEEP_LOGS:-}
ns=$(t_netns hwatch)
wpid=""; fpid=""
cleanup_all() {
	[ -n "$fpid" ] && kill "$fpid" 2>/dev/null
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	wait 2>/dev/null
	[ -n "$KEEP_LOGS" ] && cp "$tmp"/*.log "$KEEP_LOGS"/ 2>/dev/null; rm -rf "$tmp"
	t_cleanup
}
trap cleanup_all EXIT

# start_watch CONF LOG: a watcher in $ns; sets $wpid, waits for readiness.
start_watch() {
	ip netns exec "$ns" "$V" watch --config "$1" --state "$tmp/state.json" >"$2" 2>&1 &
	wpid=$!
	for _ in $(seq 100); do grep -q "watching" "$2" 2>/dev/null && return 0; sleep 0.05; done
	return 1
}
stop_watch() { kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; wpid=""; }
sysctl_of() { ip netns exec "$ns" cat "/proc/sys/net/ipv4/conf/$1/rp_filter"; }
# wait_for SECONDS CMD...: poll until CMD succeeds.
wait_for() {
	local n=$(($1 * 20)); shift
	for _ in $(seq "$n"); do "$@" && return 0; sleep 0.05; done
	return 1
}
is_feature() { test "$(feature "$ns" "$1" "$2")" = "$3"; }

# --- 1. contradicting feature rules: refused at start, both lines named
cat >"$tmp/conflict.conf" <<'EOF'
[interface cali*]
features = gro off

[interface cali1]
features = gro on
EOF
# veths start with gro off: turn it on, so that "off" is the policy's doing.
gro_on() { ip netns exec "$ns" ethtool -K "$1" gro on; }
ip -n "$ns" link add cali1 type veth peer name cali1p
gro_on cali1
out=$(ip netns exec "$ns" timeout 10 "$V" watch --config "$tmp/conflict.conf" 2>&1); rc=$?
t_check "conflicting rules: watch refuses to start (exit 2, got $rc)" test "$rc" -eq 2
t_check "the message names both rules by file:line" \
	sh -c "echo \"\$1\" | grep -q 'conflict.conf:5: \[interface cali1\] .gro on. conflicts with .*conflict.conf:2: \[interface cali\*\] .gro off.'" _ "$out"
t_check "and the interface both select" sh -c "echo \"\$1\" | grep -q \"interface 'cali1' would get two values\"" _ "$out"
out=$(ip netns exec "$ns" "$V" apply --dry-run --config "$tmp/conflict.conf" 2>&1); rc=$?
t_check "apply --dry-run refuses it too (exit 2, got $rc)" test "$rc" -eq 2
printf '[vxlan]\ninterfaces = cali1\nfeatures = tx off tx-checksum-ip-generic on\n' >"$tmp/idiom.conf"
out=$(ip netns exec "$ns" "$V" apply --dry-run --config "$tmp/idiom.conf" 2>&1); rc=$?
t_check "ethtool's idiom on one line (tx off tx-checksum-ip-generic on) is no conflict (exit $rc)" test "$rc" -eq 0
printf '[interface eth*]\nfeatures = gro off\n[interface cali*]\nfeatures = gro on\n' >"$tmp/disjoint.conf"
out=$(ip netns exec "$ns" "$V" apply --dry-run --config "$tmp/disjoint.conf" 2>&1); rc=$?
t_check "disjoint selectors with opposite values are fine (exit $rc)" test "$rc" -eq 0

# --- 2. another writer fights the policy: the watcher backs off
cat >"$tmp/gro.conf" <<'EOF'
[interface cali*]
features = gro off
[sysctl cali*]
rp_filter = 2
EOF
ip -n "$ns" link add tmpa type veth peer name tmpap
gro_on tmpa
start_watch "$tmp/gro.conf" "$tmp/fight.log" || t_fail "watcher started"
t_check "watch applied gro off on cali1" is_feature cali1 generic-receive-offload off
FIGHT=${FIGHT_SECONDS:-12}
ip netns exec "$ns" sh -c 'while :; do ethtool -K cali1 gro on 2>/dev/null; done' &
fpid=$!
lines0=$(wc -l <"$tmp/fight.log")
cpu0=$(awk '{ print $14 + $15 }' "/proc/$wpid/stat")
sleep "$FIGHT"
# check sees the back-off (from the state the watcher keeps)
ip netns exec "$ns" "$V" check --watch-state "$tmp/state.json" --json >"$tmp/check.json" 2>&1
kill "$fpid"; wait "$fpid" 2>/dev/null; fpid=""
cpu1=$(awk '{ print $14 + $15 }' "/proc/$wpid/stat")
lines1=$(wc -l <"$tmp/fight.log")
lines=$((lines1 - lines0))
per_min=$((lines * 60 / FIGHT))
cpu_pct=$(( (cpu1 - cpu0) * 100 / $(getconf CLK_TCK) / FIGHT ))
echo "# fight ${FIGHT} s: $lines log lines ($per_min per minute), watcher CPU ${cpu_pct}%"
t_check "fighting writer: at most 60 log lines per minute ($per_min)" test "$per_min" -le 60
t_check "fighting writer: the watcher uses under 25% of a CPU (${cpu_pct}%)" test "$cpu_pct" -lt 25
t_check "the back-off was logged once" test "$(grep -c 'backing off' "$tmp/fight.log")" -eq 1
t_check "the back-off names the device and the cause" \
	grep -q "warning: watch: cali1: re-applied 5 times within a second .*another program" "$tmp/fight.log"
t_check "after the fight the policy wins (gro off within 75 s: one delay, at most 60 s)" \
	wait_for 75 is_feature cali1 generic-receive-offload off
t_check "and the device settles (logged once)" wait_for 75 grep -q "cali1: settled (no change for" "$tmp/fight.log"
finding() { # FILE: "severity object" of the watch-backoff findings
	"${PYTHON:-/usr/bin/python3}" -c 'import json, sys
print(" ".join("%s:%s" % (f["severity"], f["object"]) for f in json.load(open(sys.argv[1]))["findings"] if f["code"] == "watch-backoff"))' "$1"
}
t_check "check during the fight: a watch-backoff warning for cali1 ($(finding "$tmp/check.json"))" \
	test "$(finding "$tmp/check.json")" = "warning:cali1"
t_check "check says why" grep -q "the watcher backs off from cali1 .*another program keeps changing it back" "$tmp/check.json"
ip netns exec "$ns" "$V" check --watch-state "$tmp/state.json" --json >"$tmp/check2.json" 2>&1
t_check "check after it settled: ok ($(finding "$tmp/check2.json"))" test "$(finding "$tmp/check2.json")" = "ok:"

# --- 3. rename into a selector: a new name gets sysctls and features
t_check "tmpa (not selected) keeps gro on" is_feature tmpa generic-receive-offload on
t_check "and rp_filter 0" test "$(sysctl_of tmpa)" = 0
ip -n "$ns" link set tmpa name cali9
t_check "renamed tmpa -> cali9: gro off" wait_for 5 is_feature cali9 generic-receive-offload off
t_check "renamed tmpa -> cali9: rp_filter 2" wait_for 5 sh -c "test \"\$(ip netns exec $ns cat /proc/sys/net/ipv4/conf/cali9/rp_filter)\" = 2"
ip -n "$ns" link set cali9 name tmpb
ip netns exec "$ns" sh -c 'echo 0 > /proc/sys/net/ipv4/conf/tmpb/rp_filter'
ip -n "$ns" link set tmpb name cali9
t_check "renamed away and back: rp_filter 2 again" wait_for 5 sh -c "test \"\$(ip netns exec $ns cat /proc/sys/net/ipv4/conf/cali9/rp_filter)\" = 2"
stop_watch
t_check "the watcher removes its state when it stops" test ! -e "$tmp/state.json"
out=$(ip netns exec "$ns" "$V" check --watch-state "$tmp/state.json" 2>&1); rc=$?
t_check "check --watch-state FILE that is not there: exit 3 (got $rc)" test "$rc" -eq 3

# --- 4. route changes move the underlay
cat >"$tmp/underlay.conf" <<'EOF'
[underlay]
method = default-route
features = gro off
[sysctl underlay]
rp_filter = 2
EOF
ip -n "$ns" link add eth0 type veth peer name eth0p
ip -n "$ns" link add eth1 type veth peer name eth1p
for d in eth0 eth0p eth1 eth1p; do ip -n "$ns" link set "$d" up; done
gro_on eth0; gro_on eth1
ip -n "$ns" addr add 198.51.100.10/24 dev eth0
ip -n "$ns" addr add 203.0.113.10/24 dev eth1
start_watch "$tmp/underlay.conf" "$tmp/route.log" || t_fail "underlay watcher started"
t_check "no default route yet: underlay none" grep -q "underlay: none" "$tmp/route.log"
ip -n "$ns" route add default via 198.51.100.1 dev eth0 metric 200
t_check "default route added after start: eth0 gets gro off" wait_for 5 is_feature eth0 generic-receive-offload off
t_check "and rp_filter 2" wait_for 5 sh -c "test \"\$(ip netns exec $ns cat /proc/sys/net/ipv4/conf/eth0/rp_filter)\" = 2"
t_check "eth1 untouched so far" is_feature eth1 generic-receive-offload on
ip -n "$ns" route add default via 203.0.113.1 dev eth1 metric 100
t_check "lower-metric default via eth1: eth1 gets gro off" wait_for 5 is_feature eth1 generic-receive-offload off
t_check "and rp_filter 2" wait_for 5 sh -c "test \"\$(ip netns exec $ns cat /proc/sys/net/ipv4/conf/eth1/rp_filter)\" = 2"
stop_watch
t_done
