#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune apply as one plan: every write that cannot succeed is found
# before the first change (a read-only key, no CAP_NET_ADMIN, a read-only
# /proc/sys), in dry runs too; a write the kernel refuses anyway rolls back
# everything the run changed (features with their side effects, sysctls),
# and the report (text, --json, Python) says what was rolled back and what
# failed.  The watcher's per-device apply rolls back the same way and does
# not loop on it.  Real veths in a namespace; checked with ethtool -k and
# /proc/sys.
. "${top_srcdir:-.}/tests/lib.sh"
V=$VXLANTUNE
PY=${PYTHON:-/usr/bin/python3}
tmp=$(mktemp -d /tmp/vxt-plan.XXXXXX)
ns=$(t_netns plan)
wpid=""
trap '[ -n "$wpid" ] && kill "$wpid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; t_cleanup' EXIT

for i in 1 2 3; do
	ip -n "$ns" link add "cali$i" type veth peer name "vp$i"
	ip netns exec "$ns" ethtool -K "cali$i" gro on
done
state() { # everything the policies below touch, as independent tools see it
	for i in 1 2 3; do
		ip netns exec "$ns" ethtool -k "cali$i" | grep -E '^(generic-receive-offload|tx-checksumming|tcp-segmentation-offload|	tx-checksum-ip-generic):'
		ip netns exec "$ns" cat "/proc/sys/net/ipv4/conf/cali$i/rp_filter" "/proc/sys/net/ipv6/conf/cali$i/mtu" \
			"/proc/sys/net/ipv6/conf/cali$i/accept_ra"
	done
}
orig=$(state)
unchanged() { test "$(state)" = "$orig"; }
run() { # NAME RC PATTERN cmd...: exit code, message, and nothing changed
	local name=$1 want=$2 pat=$3; shift 3
	local out rc=0
	out=$("$@" 2>&1) || rc=$?
	if [ "$rc" -eq "$want" ] && echo "$out" | grep -q -- "$pat" && unchanged; then
		t_ok "$name (exit $rc)"
	else
		t_fail "$name (exit $rc, want $want; '$pat')"; echo "$out" | sed 's/^/  /' | tail -5
	fi
}
A() { ip netns exec "$ns" "$V" apply "$@"; }

# --- refused before the first change, the dry run exactly like the real run
printf '[interface cali*]\nfeatures = gro off tx off\n[sysctl cali*]\nrp_filter = 2\n[sysctl cali2]\nipv4.mc_forwarding = 1\n' >"$tmp/ro.conf"
msg="cannot set net.ipv4.conf.cali2.mc_forwarding: the kernel makes this sysctl read-only (mode 0444); nothing was changed"
run "read-only key (0444): dry run refused" 4 "$msg" A --dry-run --config "$tmp/ro.conf"
run "read-only key: apply refused, no offload changed first" 4 "$msg" A --config "$tmp/ro.conf"
printf '[interface cali*]\nfeatures = gro off\n' >"$tmp/f.conf"
msg="changing features needs CAP_NET_ADMIN (run as root); nothing was changed"
run "no CAP_NET_ADMIN: dry run refused" 4 "$msg" ip netns exec "$ns" capsh --drop=cap_net_admin -- -c "'$V' apply --dry-run --config '$tmp/f.conf'"
run "no CAP_NET_ADMIN: apply refused" 4 "$msg" ip netns exec "$ns" capsh --drop=cap_net_admin -- -c "'$V' apply --config '$tmp/f.conf'"
printf '[interface cali*]\nfeatures = gro off\n[sysctl cali1]\nipv6.accept_ra = 0\n' >"$tmp/rofs.conf"
rofs() { ip netns exec "$ns" unshare -m sh -c "mount --bind -o ro /proc/sys /proc/sys && '$V' apply $1 --config '$tmp/rofs.conf'"; }
run "read-only /proc/sys (IPv6 key): dry run refused" 4 "read-only" rofs --dry-run
run "read-only /proc/sys: apply refused, no offload changed first" 4 "read-only" rofs ""
printf '[interface cali*]\nfeatures = gro off\n[interface cali1]\nfeatures = gro on\n' >"$tmp/conflict.conf"
run "contradicting rules: refused" 2 "conflict.conf:4: \[interface cali1\] 'gro on' conflicts with" A --dry-run --config "$tmp/conflict.conf"

# --- the kernel refuses a write the plan could not know about: roll back
# (an IPv6 MTU below 1280 passes every check but the kernel's own)
cat >"$tmp/rb.conf" <<'EOF'
[interface cali*]
features = gro off
[interface cali1]
features = tx off
[sysctl cali*]
rp_filter = 2
[sysctl cali3]
ipv6.mtu = 1000
EOF
out=$(A --config "$tmp/rb.conf" 2>&1); rc=$?
t_check "a refused write: exit 1 (got $rc)" test "$rc" -eq 1
t_check "everything is as before (ethtool -k, /proc/sys)" unchanged
t_check "text: the refused write" sh -c "echo \"\$1\" | grep -q 'net.ipv6.conf.cali3.mtu: failed: Invalid argument'" _ "$out"
t_check "text: what was rolled back" sh -c "echo \"\$1\" | grep -q 'rx-gro: on -> off, rolled back to on (another write failed)'" _ "$out"
t_check "text: the summary counts it" sh -c "echo \"\$1\" | grep -q '0 changed, .* 1 failed, [0-9]* rolled back'" _ "$out"
A --config "$tmp/rb.conf" --json >"$tmp/rb.json"
j() { "$PY" -c "import json, sys; r = json.load(open(sys.argv[1])); print($1)" "$tmp/rb.json"; }
t_check "json: 3 rx-gro and 3 rp_filter entries rolled back" test "$(j "sum(e['status'] == 'rolled-back' and e['key'].endswith(('rx-gro', 'rp_filter')) for e in r['entries'])")" = 6
t_check "json: tx off's side effects on cali1 rolled back too" test "$(j "sum(e['status'] == 'rolled-back' and e['object'] == 'cali1' and e['via'] == '' for e in r['entries']) > 0")" = True
t_check "json: the refused write is failed with its errno" test "$(j "[(e['key'], e['errno']) for e in r['entries'] if e['status'] == 'failed']")" = "[('net.ipv6.conf.cali3.mtu', 22)]"
t_check "json: summary and unmet" test "$(j "(r['changed'], r['summary']['changed'], r['summary']['failed'], r['unmet'] > 0)")" = "(False, 0, 1, True)"
t_check "json: before/after of a rolled-back entry" test "$(j "[(e['before'], e['after'], e['requested']) for e in r['entries'] if e['key'] == 'net.ipv4.conf.cali2.rp_filter']")" = "[('0', '0', '2')]"
t_check "still as before after the JSON run" unchanged
out=$(ip netns exec "$ns" env PYTHONPATH="$top_builddir/bindings/python/.libs:$top_srcdir/bindings/python" \
	LD_LIBRARY_PATH="$top_builddir/lib/.libs" "$PY" -c "
import vxlantune
with vxlantune.Context() as ctx:
    r = ctx.apply(ctx.policy(file='$tmp/rb.conf'))
    print(sorted({e.status for e in r} - {'unchanged'}), r.unmet > 0, r.changed)
" 2>&1)
t_check "python: the same report ($out)" test "$out" = "['failed', 'rolled-back'] True False"
t_check "still as before after the Python run" unchanged

# --- the watcher: a new device whose apply fails is rolled back, and the
# rollback's own events do not start a loop
printf '[interface cali*]\nfeatures = gro off\n[sysctl cali*]\nipv6.mtu = 1000\n' >"$tmp/w.conf"
ip netns exec "$ns" "$V" watch --config "$tmp/w.conf" >"$tmp/w.log" 2>&1 &
wpid=$!
for _ in $(seq 100); do grep -q watching "$tmp/w.log" && break; sleep 0.05; done
t_check "watch started (its first apply rolled back)" grep -q "rolled back" "$tmp/w.log"
ip -n "$ns" link add cali7 type veth peer name vp7
ip netns exec "$ns" ethtool -K cali7 gro on
sleep 10
n=$(grep -c cali7 "$tmp/w.log")
echo "# watch, a device whose apply always fails: $n log lines about it in 10 s"
t_check "no loop: at most 15 log lines about it in 10 s ($n)" test "$n" -le 15
t_check "the new device is as before (gro on)" test "$(feature "$ns" cali7 generic-receive-offload)" = on
t_check "the watcher backs off from it, saying why" grep -q "cali7: re-applied 5 times within a second and each apply failed and was rolled back" "$tmp/w.log"
t_check "its rollback is logged" grep -q "cali7:.*rolled back to on" "$tmp/w.log"
kill "$wpid"; wait "$wpid" 2>/dev/null; wpid=""
t_check "and the others are as before" unchanged
t_done
