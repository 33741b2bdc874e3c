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
t_expect_rc 3 "usage: --udp-port and --dns together" lab_exec n2 "$V" check --peer "$PEER" --udp-port 1 --dns 192.0.2.53
t_expect_rc 3 "usage: a peer name is refused (no lookups)" lab_exec n2 "$V" check --peer example.org
t_expect_rc 3 "usage: --tcp-port without --peer" lab_exec n2 "$V" check --tcp-port 80
t_expect_rc 3 "usage: bad timeout" lab_exec n2 "$V" check --timeout 0
t_expect_rc 3 "usage: malformed underlay method" lab_exec n2 "$V" check --underlay-method 'interface=('
t_expect_rc 3 "usage: unknown preset" lab_exec n2 "$V" check --preset nosuch
t_check "help documents exit status and the JSON schema" \
	eval '"$V" check --help | grep -q "3 UNKNOWN" && "$V" check --help | grep -q vxlantune-check/2'

# ---- healthy
probe
t_check "healthy: exit 0 (got $rc)" [ "$rc" -eq 0 ]
t_check "healthy: verdict first" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: OK (healthy)"'
t_check "healthy: four probes ok with RTTs" [ "$(grep -cE '^  (icmp|tcp|udp|large) .* ok +[0-9.]+ ms$' "$OUT/out")" -eq 4 ]
t_check "healthy: underlay found (default-route: u2)" eval 'lab_exec n2 "$V" check --json | jq -e ".underlay == \"u2\"" >/dev/null'

# ---- JSON schema (doc/check.md), validated with jq
probe --json
t_check "json: exit 0 as text" [ "$rc" -eq 0 ]
t_check "json: top-level schema" jqe '
	.schema == "vxlantune-check/2" and (.verdict|type) == "string" and
	(.status|IN(0,1,2,3)) and (.status_name|IN("OK","WARNING","CRITICAL","UNKNOWN")) and
	(.summary|type) == "string" and (.remedies|type) == "array" and
	(.evidence|type) == "array" and (.underlay|type|IN("string","null")) and
	(.duration_us|type) == "number"' "$OUT/out"
t_check "json: findings schema" jqe '.findings|length > 0 and all(
	(keys == ["code","message","object","remedies","severity"]) and
	(.severity|IN("ok","info","warning","error")) and (.code|test("^[a-z][a-z0-9-]*$")))' "$OUT/out"
t_check "json: probes schema" jqe '(.probes|length) == 4 and (.probes|all(
	(keys == ["bytes","detail","errno","kind","method","mtu","ok","outcome","path","peer","port","rcode","reporter","rtt_us","size"]) and
	(.kind|IN("icmp","tcp","udp","dns","large")) and (.ok|type) == "boolean" and
	(.rtt_us|type|IN("number","null")) and .peer == "203.0.113.2"))' "$OUT/out"
t_check "json: counters schema" jqe '.counters|length == 6 and all(
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
probe --prometheus "$OUT/no/such/dir/node.prom"
t_check "prometheus file not writable: exit 3 UNKNOWN, the message names the file (got $rc)" eval '[ "$rc" -eq 3 ] && grep -q "no/such/dir/node.prom" "$OUT/err"'
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
t_check "checksum: verdict overlay-data-path" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: CRITICAL (overlay-data-path)"'
t_check "checksum: says ICMP passes while TCP/UDP fail" has "ICMP passes but TCP/UDP fail"
t_check "checksum: blames the peer's transmit path (errors counted here)" has "203.0.113.2's transmit path is at fault"
t_check "checksum: says what it cannot know without a responder" has "No vxlantune responder answered on the peer (not asked"
t_check "checksum: shows the InCsumErrors delta" grep -qE "evidence: Udp InCsumErrors \+[1-9][0-9]* during the check" "$OUT/out"
t_check "checksum: node 2's counter really rose ($c0 -> $c1)" [ "$c1" -gt "$c0" ]
t_check "checksum: the verdict recommends the change on the peer's node" has "try: on the peer's node (203.0.113.2): vxlantune offloads set vxlan.calico tx-checksum-ip-generic off"
t_check "checksum: icmp ok, tcp/udp timeout" eval 'grep -qE "^  icmp .* ok " "$OUT/out" && grep -qE "^  tcp .* timeout " "$OUT/out" && grep -qE "^  udp .* timeout " "$OUT/out"'
t_check "checksum: two 500 ms timeouts at once, done within 3 s (${ms} ms)" eval '[ "$ms" -ge 480 ] && [ "$ms" -lt 3000 ]'
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
t_check "rpfilter fixed: healthy" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: OK (healthy)"'
lab_fault rpfilter off

# ---- the MTU fault
lab_fault mtu on
probe
t_check "mtu: exit 2" [ "$rc" -eq 2 ]
t_check "mtu: verdict mtu" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: CRITICAL (mtu)"'
t_check "mtu: finding with the MTU that fits" has "fix: ip link set vxlan.calico mtu 1350"
t_check "mtu: large probe fails, small ones pass" eval 'grep -qE "^  large .* (too-big|timeout) " "$OUT/out" && grep -qE "^  tcp .* ok " "$OUT/out"'
lab_fault mtu off

# ---- peers that do not exist: a clean verdict, no hang
start=$(date +%s%N)
check --peer 192.0.2.99 --peer 203.0.113.50 --tcp-port 8080 --udp-port 5353 --timeout 300
ms=$(( ($(date +%s%N) - start) / 1000000 ))
t_check "no such peer: exit 2" [ "$rc" -eq 2 ]
t_check "no such peer: verdict unreachable" eval 'head -1 "$OUT/out" | grep -qx "VERDICT: CRITICAL (unreachable)"'
t_check "no such peer: 8 probes x 300 ms at most, done in ${ms} ms" [ "$ms" -lt 4000 ]
t_check "no such peer: timeouts/unreachable, never ok" eval '! grep -qE "^  (icmp|tcp|udp|large) .* ok " "$OUT/out"'

# ---- DNS probe (labsrv answers DNS on 5353)
check --peer "$PEER" --dns "$PEER:5353" --timeout 500 --json
t_check "dns: answered" jqe '.probes | map(select(.kind == "dns")) | .[0].ok == true and .[0].port == 5353' "$OUT/out"
# ---- with a responder on node 1 (vxlantune responder on its overlay address)
# Faults of this test's own, on one node's underlay ingress, so that each
# direction breaks alone: "csum" breaks the outer checksum of VXLAN frames
# whose inner TCP/UDP packet carries a checksum (what a NIC that botches
# offloaded checksums does; checksum-less datagrams pass, as they do
# there), "seg" drops GSO super-frames of inner TCP (a NIC that loses
# tunnel segmentation offload frames; a sender with tx-udp_tnl-segmentation
# off sends MTU-size frames, which pass).  The ingress of node 2 breaks node
# 1's transmit direction, and the other way round.
N1_TUN=$LAB_N1_TUN
ul_of() { [ "$1" = n1 ] && echo u1 || echo u2; }
other() { [ "$1" = n1 ] && echo n2 || echo n1; }
csum_fault() { # NODE on|off: packets arriving at NODE are broken
	local n=$1 u; u=$(ul_of "$1")
	if [ "$2" = on ]; then
		lab_exec "$(other "$n")" ethtool -K "$(ul_of "$(other "$n")")" tx off >/dev/null
		lab_exec "$n" ethtool -K "$u" rx off >/dev/null
		lab_exec "$n" nft -f - <<-EOF
			table netdev vxtchk_csum {
				chain in {
					type filter hook ingress device "$u" priority 0;
					udp dport 4789 @nh,472,8 6 udp checksum set 0x1234
					udp dport 4789 @nh,472,8 17 @nh,608,16 != 0 udp checksum set 0x1234
				}
			}
		EOF
	else
		lab_exec "$n" nft delete table netdev vxtchk_csum 2>/dev/null
		lab_exec "$(other "$n")" ethtool -K "$(ul_of "$(other "$n")")" tx on >/dev/null
		lab_exec "$n" ethtool -K "$u" rx on >/dev/null
	fi
}
seg_fault() { # NODE on|off: GSO super-frames arriving at NODE are lost
	local u; u=$(ul_of "$1")
	if [ "$2" = on ]; then
		lab_exec "$1" nft add table netdev vxtchk_seg &&
		lab_exec "$1" nft add chain netdev vxtchk_seg in "{ type filter hook ingress device \"$u\" priority 0; }" &&
		lab_exec "$1" nft add rule netdev vxtchk_seg in udp dport 4789 @nh,472,8 6 meta length gt 1600 drop
	else
		lab_exec "$1" nft delete table netdev vxtchk_seg 2>/dev/null
	fi
}
# (the remedies and localization go to the log, for a failure's post-mortem)
# The rpfilter part applied calico-incident (offloads off): back to the
# devices' defaults (veth: GRO off, which the ingress faults rely on: GRO
# would merge frames before the ingress hook sees them).
for n in n1 n2; do
	lab_exec $n ethtool -K vxlan.calico rx on tx on tso on gso on gro on 2>/dev/null
	lab_exec $n ethtool -K "$(ul_of $n)" rx on tx on tso on gso on gro off tx-udp_tnl-segmentation on 2>/dev/null
done
rcheck() {
	check --peer "$N1_TUN" --timeout 500 "$@"
	if [ "${1:-}" = --json ]; then jq -c '[.verdict, .remedies, .localization[0].out, .localization[0].in]' "$OUT/out"; fi
}
jq1() { jq -r "$1" "$OUT/out"; }
ip netns exec "$LAB_N1" "$V" responder --listen "$N1_TUN" >"$OUT/responder.log" 2>&1 &
RESP=$!
trap 'kill $RESP 2>/dev/null; rm -rf "$OUT"; lab_down; t_cleanup' EXIT
for _ in $(seq 50); do lab_exec n1 ss -ltn | grep -q "$N1_TUN:9475" && break; sleep 0.1; done

rcheck --bulk-size 4194304
t_check "responder: healthy, exit 0 (got $rc)" [ "$rc" -eq 0 ]
t_check "responder: one-way, bulk and underlay probes ran and passed" eval 'for k in udp-out udp-in bulk-out bulk-in; do grep -qE "^  $k +$N1_TUN .* ok " "$OUT/out" || exit 1; done; grep -qE "^  tcp +198.51.100.1:9475 underlay +(ok|refused)" "$OUT/out"'
rcheck --json --bulk-size 4194304
t_check "responder: 4 MiB each way, localization ok/ok, peer counters" jqe --arg p "$N1_TUN" '
	(.probes | map(select(.kind == "bulk-in" or .kind == "bulk-out")) | length == 2 and all(.ok and .bytes == 4194304)) and
	(.localization[0] | .peer == $p and .responder and .out == "ok" and .in == "ok" and .fault == "none" and .underlay == "u1" and
	 (.counters | map(.name) | index("Tcp:InCsumErrors") != null))' "$OUT/out"

# acceptance 1 (as the veth lab can): both directions break
csum_fault n1 on; csum_fault n2 on
a1=$(lab_snmp n1 Udp InCsumErrors); a2=$(lab_snmp n2 Udp InCsumErrors)
rcheck --json
b1=$(lab_snmp n1 Udp InCsumErrors); b2=$(lab_snmp n2 Udp InCsumErrors)
t_check "both broken: exit 2 (got $rc)" [ "$rc" -eq 2 ]
t_check "both broken: ICMP passes, TCP/UDP fail, fault both" jqe '.verdict == "overlay-data-path" and (.summary | startswith("ICMP passes but TCP/UDP fail")) and
	.localization[0].fault == "both" and .localization[0].out == "checksum" and .localization[0].in == "checksum"' "$OUT/out"
t_check "both broken: counter evidence from both nodes, = their /proc/net/snmp ($a1->$b1, $a2->$b2)" eval '
	[ "$b1" -gt "$a1" ] && [ "$b2" -gt "$a2" ] &&
	[ "$(jq1 ".localization[0].counters[] | select(.name == \"Udp:InCsumErrors\") | .delta")" -gt 0 ] &&
	[ "$(jq1 ".counters[] | select(.name == \"Udp:InCsumErrors\") | .delta")" -gt 0 ]'
t_check "both broken: remedies for both nodes' transmit paths, this node first" jqe --arg p "$N1_TUN" '
	.remedies == [{"node":"this","peer":null,"kind":"feature","device":"vxlan.calico","key":"tx-checksum-ip-generic","value":"off"},
	              {"node":"peer","peer":$p,"kind":"feature","device":"vxlan.calico","key":"tx-checksum-ip-generic","value":"off"}]' "$OUT/out"
rcheck
t_check "both broken: the text names both transmit paths" eval 'grep -q "this node -> peer: bad checksums (the peer counted [1-9]" "$OUT/out" && grep -q "peer -> this node: bad checksums (this node counted [1-9]" "$OUT/out"'

# the change already made on node 2 is not recommended again
lab_exec n2 "$V" offloads set vxlan.calico tx-checksum-ip-generic off >/dev/null
rcheck --json
t_check "offload off on node 2, its path still broken: no remedy for node 2 ($(jq1 '[.remedies[].node] | join(",")'))" jqe '
	(.remedies | length > 0 and all(.node == "peer")) and
	(.findings | map(select(.code == "tx-checksum" and .object == "vxlan.calico" and .severity == "error")) | .[0].remedies == [])' "$OUT/out"
t_check "... and says its offloads are already off" eval 'jq1 .summary | grep -q "already off"'
csum_fault n1 off
rcheck --json
t_check "node 2's direction repaired: exit 2, this side clean, node 1's transmit path at fault" jqe --arg p "$N1_TUN" '
	.localization[0].fault == "peer" and .localization[0].out == "ok" and
	(.summary | test("[Tt]his node.s transmit path is clean.*" + $p + ".s transmit path")) and
	.remedies == [{"node":"peer","peer":$p,"kind":"feature","device":"vxlan.calico","key":"tx-checksum-ip-generic","value":"off"}]' "$OUT/out"
t_check "node 2's direction repaired: exit 2 (got $rc)" [ "$rc" -eq 2 ]
csum_fault n2 off
lab_exec n2 "$V" offloads set vxlan.calico tx-checksum-ip-generic on >/dev/null
rcheck
t_check "faults removed: exit 0 (got $rc)" [ "$rc" -eq 0 ]

# segmentation: node 1's large frames are lost (bulk-in stalls)
seg_fault n2 on
rcheck --json
t_check "segmentation (node 1 sends): exit 2, verdict segmentation (got $rc, $(jq1 .verdict))" eval '[ "$rc" -eq 2 ] && [ "$(jq1 .verdict)" = segmentation ]'
t_check "segmentation: bulk-in stalled after the handshake, bulk-out ok" jqe '
	(.probes[] | select(.kind == "bulk-in") | .outcome == "stalled") and (.probes[] | select(.kind == "bulk-out") | .ok)' "$OUT/out"
t_check "segmentation: the finding names tunnel segmentation on the sender (node 1's u1)" jqe --arg p "$N1_TUN" '
	(.findings | map(select(.code == "tx-segmentation" and .object == $p)) | length == 1) and
	.remedies == [{"node":"peer","peer":$p,"kind":"feature","device":"u1","key":"tx-udp_tnl-segmentation","value":"off"},
	              {"node":"peer","peer":$p,"kind":"feature","device":"u1","key":"tx-udp_tnl-csum-segmentation","value":"off"}]' "$OUT/out"
lab_exec n1 "$V" offloads set u1 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off >/dev/null
rcheck --bulk-size 4194304
t_check "segmentation fixed on the sender: exit 0, 4 MiB transfer completes (got $rc)" eval '[ "$rc" -eq 0 ] && grep -qE "^  bulk-in .* ok " "$OUT/out"'
lab_exec n1 "$V" offloads set u1 tx-udp_tnl-segmentation on tx-udp_tnl-csum-segmentation on >/dev/null
seg_fault n2 off
# ... and this node as the sender
seg_fault n1 on
rcheck --json
t_check "segmentation (this node sends): remedy on this node's u2" jqe '
	.verdict == "segmentation" and .remedies == [{"node":"this","peer":null,"kind":"feature","device":"u2","key":"tx-udp_tnl-segmentation","value":"off"},
	                                             {"node":"this","peer":null,"kind":"feature","device":"u2","key":"tx-udp_tnl-csum-segmentation","value":"off"}]' "$OUT/out"
lab_exec n2 "$V" offloads set u2 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off >/dev/null
rcheck
t_check "segmentation fixed here: exit 0 (got $rc)" [ "$rc" -eq 0 ]
lab_exec n2 "$V" offloads set u2 tx-udp_tnl-segmentation on tx-udp_tnl-csum-segmentation on >/dev/null
seg_fault n1 off
kill "$RESP"
t_done
