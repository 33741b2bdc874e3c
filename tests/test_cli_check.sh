#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune check against the two-node lab (tests/lab/lab.sh).
#
# Where it runs: on node 2, probing the client pod on node 1 (which serves
# TCP 8080 and UDP 5353 too).  The lab's checksum fault corrupts VXLAN
# packets on node 2's ingress, so node 2 is where the replies die and where
# Udp InCsumErrors rises: the check reads the counters of its own network
# namespace, so it must run where the errors are counted.  The rpfilter
# fault is node 2's too (strict rp_filter with the route back via the
# underlay), and so is the MTU fault (node 2's underlay shrinks).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
V=$VXLANTUNE
PEER=203.0.113.2
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"; lab_down; t_cleanup' EXIT
trap 'rm -rf "$OUT"; lab_down; t_cleanup; exit 130' INT TERM

# check ARGS...: vxlantune check on node 2; output in $OUT/out, exit in $rc.
check() {
	rc=0
	lab_exec n2 "$V" check "$@" >"$OUT/out" 2>"$OUT/err" || rc=$?
}
has() { grep -q -- "$1" "$OUT/out"; }
jqe() { jq -e "$@" >/dev/null; }
probe() { check --peer "$PEER" --tcp-port 8080 --udp-port 5353 --timeout 500 "$@"; }

lab_up "vxtlab-$$-chk" || { t_fail "lab up"; t_done; exit 1; }
t_ok "lab up"

# ---- usage
t_expect_rc 2 "usage: --udp-port and --dns together" lab_exec n2 "$V" check --peer "$PEER" --udp-port 1 --dns 192.0.2.53
t_expect_rc 2 "usage: a peer name is refused (no lookups)" lab_exec n2 "$V" check --peer example.org
t_expect_rc 2 "usage: --tcp-port without --peer" lab_exec n2 "$V" check --tcp-port 80
t_expect_rc 2 "usage: bad timeout" lab_exec n2 "$V" check --timeout 0
t_expect_rc 2 "usage: malformed underlay method" lab_exec n2 "$V" check --underlay-method 'interface=('
t_expect_rc 2 "usage: unknown preset" lab_exec n2 "$V" check --preset nosuch
t_check "help documents exit status and the JSON schema" \
	eval '"$V" check --help | grep -q "2 unhealthy -- or a usage error" && "$V" check --help | grep -q vxlantune-check/1'

# ---- healthy
probe
t_check "healthy: exit 0 (got $rc)" [ "$rc" -eq 0 ]
t_check "healthy: verdict first" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: HEALTHY (healthy)"'
t_check "healthy: four probes ok with RTTs" [ "$(grep -cE '^  (icmp|tcp|udp|large) .* ok +[0-9.]+ ms$' "$OUT/out")" -eq 4 ]
t_check "healthy: underlay found (default-route: u2)" eval 'lab_exec n2 "$V" check --json | jq -e ".underlay == \"u2\"" >/dev/null'

# ---- JSON schema (doc/check.md), validated with jq
probe --json
t_check "json: exit 0 as text" [ "$rc" -eq 0 ]
t_check "json: top-level schema" jqe '
	.schema == "vxlantune-check/1" and (.verdict|type) == "string" and
	(.status|IN(0,1,2)) and (.status_name|IN("healthy","warnings","unhealthy")) and
	(.summary|type) == "string" and (.remedy|type) == "string" and
	(.evidence|type) == "array" and (.underlay|type|IN("string","null")) and
	(.duration_ms|type) == "number" and (keys|length) == 12' "$OUT/out"
t_check "json: findings schema" jqe '.findings|length > 0 and all(
	(keys == ["code","message","object","remedy","severity"]) and
	(.severity|IN("ok","info","warning","error")) and (.code|test("^[a-z][a-z0-9-]*$")))' "$OUT/out"
t_check "json: probes schema" jqe '(.probes|length) == 4 and (.probes|all(
	(keys == ["detail","errno","kind","method","ok","outcome","peer","port","rtt_ms","size"]) and
	(.kind|IN("icmp","tcp","udp","dns","large")) and (.ok|type) == "boolean" and
	(.rtt_ms|type|IN("number","null")) and .peer == "203.0.113.2"))' "$OUT/out"
t_check "json: counters schema" jqe '.counters|length == 4 and all(
	(keys == ["after","before","delta","name"]) and (.delta|type|IN("number","null")))' "$OUT/out"
t_check "json: status matches the exit code, verdict healthy" jqe '.status == 0 and .verdict == "healthy"' "$OUT/out"

# ---- Prometheus file, parsed line by line against the exposition format
PROM="$OUT/node.prom"
probe --prometheus "$PROM"
t_check "prometheus: file written, no FILE.tmp left" eval '[ -s "$PROM" ] && [ ! -e "$PROM.tmp" ]'
prom_valid() { # a small parser: HELP/TYPE before samples, names, labels, floats, no duplicates
	awk '
	function fail(m) { print "line " NR ": " m ": " $0 > "/dev/stderr"; bad = 1 }
	/^# HELP / { if ($3 !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) fail("help name"); help[$3] = 1; next }
	/^# TYPE / { if ($4 !~ /^(counter|gauge|histogram|summary|untyped)$/) fail("type");
	             if ($3 in type) fail("second TYPE"); type[$3] = $4; next }
	/^#/ { next }
	/^$/ { fail("empty line"); next }
	{
		line = $0
		if (!match(line, /^[a-zA-Z_:][a-zA-Z0-9_:]*/)) { fail("metric name"); next }
		name = substr(line, 1, RLENGTH); rest = substr(line, RLENGTH + 1)
		if (substr(rest, 1, 1) == "{") {
			if (!match(rest, /^\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*")*\}/)) { fail("labels"); next }
			series = name substr(rest, 1, RLENGTH); rest = substr(rest, RLENGTH + 1)
		} else series = name
		if (rest !~ /^ [-+]?([0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|\.[0-9]+|NaN|[-+]?Inf)( [0-9]+)?$/) { fail("value"); next }
		if (!(name in type) || !(name in help)) fail("sample before its HELP/TYPE")
		if (series in seen) fail("duplicate series"); seen[series] = 1
		n++
	}
	END { if (n == 0) fail("no samples"); exit bad }' "$1"
}
t_check "prometheus: valid exposition format" prom_valid "$PROM"
t_check "prometheus: the parser rejects a bad line" eval '! { cat "$PROM"; echo "bad-name{x=1} one"; } >"$OUT/bad.prom" || ! prom_valid "$OUT/bad.prom" 2>/dev/null'
t_check "prometheus: verdict 0" grep -qx 'vxlantune_check_verdict{verdict="healthy"} 0' "$PROM"
t_check "prometheus: per-check status" grep -qx 'vxlantune_check_status{check="vxlan-up",object="vxlan.calico"} 0' "$PROM"
t_check "prometheus: probe success and RTT" eval 'grep -qx "vxlantune_probe_success{peer=\"$PEER\",probe=\"tcp\"} 1" "$PROM" && grep -q "^vxlantune_probe_rtt_seconds{peer=\"$PEER\",probe=\"udp\"} [0-9.]*$" "$PROM"'
t_check "prometheus: checksum-error counter = node 2's /proc/net/snmp" \
	grep -qx "vxlantune_udp_in_csum_errors_total $(lab_snmp n2 Udp InCsumErrors)" "$PROM"

# ---- acceptance 1: the checksum fault
lab_fault checksum on
c0=$(lab_snmp n2 Udp InCsumErrors)
start=$(date +%s%N)
probe --prometheus "$PROM"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
c1=$(lab_snmp n2 Udp InCsumErrors)
t_check "checksum: exit 2 (got $rc)" [ "$rc" -eq 2 ]
t_check "checksum: verdict overlay-data-path" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: UNHEALTHY (overlay-data-path)"'
t_check "checksum: says ICMP passes while TCP/UDP fail" has "ICMP passes but TCP/UDP fail"
t_check "checksum: names the offloads" has "suspect checksum/segmentation offloads"
t_check "checksum: shows the InCsumErrors delta" grep -qE "evidence: Udp InCsumErrors \+[1-9][0-9]* during the check" "$OUT/out"
t_check "checksum: node 2's counter really rose ($c0 -> $c1)" [ "$c1" -gt "$c0" ]
t_check "checksum: the error finding has a remedy" has "fix: ethtool -K vxlan.calico tx-checksum-ip-generic off"
t_check "checksum: icmp ok, tcp/udp timeout" eval 'grep -qE "^  icmp .* ok " "$OUT/out" && grep -qE "^  tcp .* timeout " "$OUT/out" && grep -qE "^  udp .* timeout " "$OUT/out"'
t_check "checksum: two 500 ms timeouts, done within 3 s (${ms} ms)" eval '[ "$ms" -ge 900 ] && [ "$ms" -lt 3000 ]'
t_check "checksum: prometheus says it too" eval 'grep -qx "vxlantune_check_verdict{verdict=\"overlay-data-path\"} 2" "$PROM" && grep -qx "vxlantune_probe_success{peer=\"$PEER\",probe=\"tcp\"} 0" "$PROM" && grep -qx "vxlantune_check_status{check=\"udp-csum-errors\",object=\"Udp:InCsumErrors\"} 2" "$PROM"'
t_check "checksum: prometheus file still valid" prom_valid "$PROM"
lab_fault checksum off
probe
t_check "checksum removed: exit 0 again" [ "$rc" -eq 0 ]

# ---- acceptance 2: the rpfilter fault, fixed by apply
lab_fault rpfilter on
probe
t_check "rpfilter: exit 2 without a policy (got $rc)" [ "$rc" -eq 2 ]
t_check "rpfilter: names rp_filter on vxlan.calico" eval 'grep -qE "ERROR +rp-filter +strict rp_filter on vxlan.calico" "$OUT/out"'
probe --preset calico-incident
t_check "rpfilter: with the preset, exit 2 (got $rc)" [ "$rc" -eq 2 ]
t_check "rpfilter: the policy's view names rp_filter and the fix" \
	eval 'grep -q "vxlan.calico: rp_filter not as the policy wants" "$OUT/out" && has "fix: vxlantune apply --preset calico-incident"'
for n in n1 n2; do
	t_check "rpfilter: vxlantune apply --preset calico-incident on $n" eval 'lab_exec $n "$V" apply --preset calico-incident >/dev/null'
done
t_check "rpfilter: rp_filter 0 on all and vxlan.calico (proc)" \
	[ "$(lab_exec n2 cat /proc/sys/net/ipv4/conf/all/rp_filter /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter | tr -d '\n')" = 00 ]
t_check "rpfilter: offloads off as the preset wants (ethtool)" [ "$(feature "$LAB_N2" vxlan.calico tx-checksum-ip-generic)" = off ]
probe --preset calico-incident
t_check "rpfilter fixed: check exits 0 (got $rc)" [ "$rc" -eq 0 ]
t_check "rpfilter fixed: healthy" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: HEALTHY (healthy)"'
lab_fault rpfilter off

# ---- the MTU fault
lab_fault mtu on
probe
t_check "mtu: exit 2" [ "$rc" -eq 2 ]
t_check "mtu: verdict mtu" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: UNHEALTHY (mtu)"'
t_check "mtu: finding with the MTU that fits" has "fix: ip link set vxlan.calico mtu 1350"
t_check "mtu: large probe fails, small ones pass" eval 'grep -qE "^  large .* (too-big|timeout) " "$OUT/out" && grep -qE "^  tcp .* ok " "$OUT/out"'
lab_fault mtu off

# ---- peers that do not exist: a clean verdict, no hang
start=$(date +%s%N)
check --peer 192.0.2.99 --peer 203.0.113.50 --tcp-port 8080 --udp-port 5353 --timeout 300
ms=$(( ($(date +%s%N) - start) / 1000000 ))
t_check "no such peer: exit 2" [ "$rc" -eq 2 ]
t_check "no such peer: verdict unreachable" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: UNHEALTHY (unreachable)"'
t_check "no such peer: 8 probes x 300 ms at most, done in ${ms} ms" [ "$ms" -lt 4000 ]
t_check "no such peer: timeouts/unreachable, never ok" eval '! grep -qE "^  (icmp|tcp|udp|large) .* ok " "$OUT/out"'

# ---- DNS probe (labsrv answers DNS on 5353)
check --peer "$PEER" --dns "$PEER:5353" --timeout 500 --json
t_check "dns: answered" jqe '.probes | map(select(.kind == "dns")) | .[0].ok == true and .[0].port == 5353' "$OUT/out"
t_done
