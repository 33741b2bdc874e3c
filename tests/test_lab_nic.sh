#!/bin/bash
# The emulated-NIC lab (lab.sh --nic, tests/lab/nicemu.c): every NIC mode x
# {no change, fix on node 1, fix on node 2, fix on both} x {udpcsum,
# noudpcsum}, each cell's outcome checked with independent clients (ping,
# labsrv's TCP/UDP client, curl for 4 MiB each way, a TCP connection between
# the nodes' underlay addresses) and the kernel's own checksum-error
# counters (/proc/net/snmp of every node and pod namespace).
#
# The expected outcome of a cell follows from one rule per mode (dir_ok):
# whether a frame of a class (icmp, l4 = small TCP/UDP, bulk = TCP GSO,
# plain = underlay TCP without VXLAN) that a node sends arrives intact,
# given its NIC's mode and the fix applied on that node.  A probe needs
# both directions (request and reply); bulk get needs node 2's bulk
# direction, put node 1's.  That gives the incident's table: with the
# encapsulated-checksum fault on both NICs, a fix on node 1 only fails,
# on node 2 only fails, on both works.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
LAB_UNDERLAY=nic
t_start=$(date +%s)

# ---------------------------------------------------------------- the rules
# The fix each mode's real cases were repaired with, applied per node:
#   vxlan-csum          ethtool -K vxlan.calico tx-checksum-ip-generic off
#   underlay-tx         ethtool -K uN tx off
#   underlay-tnl        ethtool -K uN tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off
# and fixes that are checked to be (in)sufficient, on both nodes only:
#   underlay-tnl-plain  ethtool -K uN tx-udp_tnl-segmentation off
#   vxlan-tso           ethtool -K vxlan.calico tso off
mode_fix() {
	case "$1" in
	good|encap-csum|inner-csum) echo vxlan-csum ;;
	no-csum) echo underlay-tx ;;
	tnl-gso) echo underlay-tnl ;;
	esac
}

# fix_set NODE FIX off|on: apply (off) or undo (on) a fix on n1 or n2, and
# check with ethtool -k that the feature is as asked.
fix_set() {
	local node=$1 fix=$2 v=$3 uif=u${1#n} dev feats f
	case "$fix" in
	none) return 0 ;;
	vxlan-csum) dev=vxlan.calico feats="tx-checksum-ip-generic" ;;
	vxlan-tso) dev=vxlan.calico feats="tx-tcp-segmentation" ;;
	underlay-tx) dev=$uif feats="tx-checksum-ip-generic" ;;
	underlay-tnl) dev=$uif feats="tx-udp_tnl-segmentation tx-udp_tnl-csum-segmentation" ;;
	underlay-tnl-plain) dev=$uif feats="tx-udp_tnl-segmentation" ;;
	esac
	local args=""
	for f in $feats; do args="$args $f $v"; done
	[ "$fix" = underlay-tx ] && args="tx $v"
	# shellcheck disable=SC2086
	lab_exec "$node" ethtool -K "$dev" $args >/dev/null 2>&1
	for f in $feats; do
		[ "$(feature "$(lab_ns "$node")" "$dev" "$f")" = "$v" ] ||
			{ t_fail "$node: ethtool -K $dev $args did not take ($f)"; return 1; }
	done
}

# dir_ok MODE FIX CLASS: does a frame of CLASS sent by a node whose NIC is
# in MODE, with FIX applied on it, arrive intact?
dir_ok() {
	local m=$1 f=$2 c=$3 csum=$LAB_UDPCSUM
	case "$m" in
	good) return 0 ;;
	encap-csum)
		# the outer checksum of frames whose inner one was offloaded
		# is wrong; without outer checksums there is none to get wrong
		[ "$c" = icmp ] || [ "$c" = plain ] || [ "$csum" = 0 ] ||
			[ "$f" = vxlan-csum ] || [ "$f" = underlay-tx ]
		;;
	inner-csum)
		[ "$c" = icmp ] || [ "$c" = plain ] || [ "$f" = vxlan-csum ] || [ "$f" = underlay-tx ]
		;;
	no-csum)
		# nothing offloaded is completed: the underlay's tx off helps;
		# the vxlan device's only when there is no outer checksum left
		# to offload (noudpcsum), and never for plain underlay traffic
		case "$f" in
		underlay-tx) return 0 ;;
		vxlan-csum) [ "$c" != plain ] && [ "$csum" = 0 ] ;;
		*) [ "$c" = icmp ] && [ "$csum" = 0 ] ;;
		esac
		;;
	tnl-gso)
		# with udpcsum the kernel uses the csum variant of tunnel GSO
		[ "$c" != bulk ] || case "$f" in
			underlay-tnl|vxlan-tso|vxlan-csum) true ;;
			underlay-tnl-plain) [ "$csum" = 0 ] ;;
			*) false ;;
		esac
		;;
	drop-over=*) [ "$c" != bulk ] ;;
	esac
}
# csum_fault MODE FIX CLASS: frames of CLASS die of a bad checksum (rather
# than arrive, or vanish as lost GSO or oversized frames do).
csum_fault() { case "$1" in encap-csum|inner-csum|no-csum) ! dir_ok "$@" ;; *) false ;; esac; }

# ---------------------------------------------------------------- probes
# Every probe of a cell runs at once (a failing one waits out its timeout);
# results in $R/rc.NAME.
T=$(mktemp -d)
Q="vxtlab-niclab-$$-cli" V="vxtlab-niclab-$$-veth"
cleanup() {
	local p
	rm -rf "$T"
	lab_down
	for p in "$Q" "$V"; do LAB_PREFIX=$p lab_down; done
	t_cleanup
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
probe_all() {
	local pids=""
	rm -f "$R"/rc.*
	{ lab_ping; echo $? >"$R/rc.icmp"; } & pids="$pids $!"
	{ lab_tcp "" 800; echo $? >"$R/rc.tcp"; } & pids="$pids $!"
	{ lab_udp "" 800; echo $? >"$R/rc.udp"; } & pids="$pids $!"
	{ lab_bulk get 4194304 2; echo $? >"$R/rc.get"; } & pids="$pids $!"
	{ lab_bulk put 4194304 2; echo $? >"$R/rc.put"; } & pids="$pids $!"
	{ lab_exec n1 "$LABSRV" tcp "$LAB_U2_IP" "$LAB_TCP_PORT" 800 >/dev/null 2>&1; echo $? >"$R/rc.plain"; } & pids="$pids $!"
	# only the probes: the lab's servers and relay are children too
	# shellcheck disable=SC2086
	wait $pids
}
# csum_errors SIDE: Udp + Tcp InCsumErrors of a node and its pod.
csum_errors() {
	local ns sum=0 p
	for ns in "$@"; do
		for p in Udp Tcp; do sum=$((sum + $(lab_snmp "$ns" "$p" InCsumErrors))); done
	done
	echo "$sum"
}
# Where a corrupted frame is counted: at the receiving node's outer UDP
# with udpcsum, else by the pod that receives the inner TCP segment.
csum_where() { # SIDE(n1|n2)
	if [ "$LAB_UDPCSUM" = 1 ]; then echo "$1 Udp"; elif [ "$1" = n1 ]; then echo "client Tcp"; else echo "server Tcp"; fi
}
snmp_at() { set -- $1; lab_snmp "$1" "$2" InCsumErrors; }

# cell MODE1 MODE2 FIX1 FIX2 LABEL: node 1's NIC in MODE1 with FIX1 applied
# on node 1 (none or a fix name), node 2's likewise; checks each probe and
# the counters, then undoes the fixes.
cell() {
	local m1=$1 m2=$2 f1=$3 f2=$4 label="$LAB_CSUMNAME $5"
	lab_nic "$m1" n1 && lab_nic "$m2" n2 || { t_fail "$label: lab.sh nic"; return; }
	fix_set n1 "$f1" off && fix_set n2 "$f2" off || { fix_set n1 "$f1" on; fix_set n2 "$f2" on; return; }
	local w1 w2 e1a e2a e1 e2 p want
	w1=$(csum_where n1) w2=$(csum_where n2)
	e1a=$(csum_errors n1 client) e2a=$(csum_errors n2 server)
	local s1a s2a
	s1a=$(snmp_at "$w1") s2a=$(snmp_at "$w2")
	probe_all
	e1=$(( $(csum_errors n1 client) - e1a )) e2=$(( $(csum_errors n2 server) - e2a ))
	local s1=$(( $(snmp_at "$w1") - s1a )) s2=$(( $(snmp_at "$w2") - s2a ))
	ok12() { dir_ok "$m1" "$f1" "$1"; }
	ok21() { dir_ok "$m2" "$f2" "$1"; }
	for p in icmp tcp udp get put plain; do
		case "$p" in
		icmp) ok12 icmp && ok21 icmp ;;
		tcp|udp) ok12 l4 && ok21 l4 ;;
		get) ok12 l4 && ok21 l4 && ok21 bulk ;;
		put) ok12 l4 && ok21 l4 && ok12 bulk ;;
		plain) ok12 plain && ok21 plain ;;
		esac
		want=$?
		local got
		got=$(cat "$R/rc.$p" 2>/dev/null || echo 99)
		[ "$got" -eq 0 ] || got=1
		if [ "$got" = "$want" ]; then
			t_ok "$label: $p $([ "$want" = 0 ] && echo passes || echo fails)"
		else
			t_fail "$label: $p $([ "$got" = 0 ] && echo passes || echo fails), expected the opposite"
		fi
	done
	# Checksum errors are counted where corrupted frames arrive: on node
	# 2's side whenever node 1's NIC corrupts (node 1 always sends), on
	# node 1's side when node 2's does and node 1's requests got through
	# (so that node 2 answered).  Overlay frames are counted at $w1/$w2,
	# plain underlay TCP by the node's Tcp.
	if csum_fault "$m1" "$f1" l4; then
		t_check "$label: node 2 counts the corruption ($w2 InCsumErrors +$s2)" [ "$s2" -gt 0 ]
	elif csum_fault "$m1" "$f1" plain; then
		t_check "$label: node 2 counts corrupt underlay TCP (InCsumErrors +$e2)" [ "$e2" -gt 0 ]
	else
		t_check "$label: no checksum error on node 2's side (+$e2)" [ "$e2" -eq 0 ]
	fi
	if csum_fault "$m2" "$f2" l4; then
		! ok12 l4 || t_check "$label: node 1 counts the corruption ($w1 InCsumErrors +$s1)" [ "$s1" -gt 0 ]
	elif csum_fault "$m2" "$f2" plain; then
		! ok12 plain || t_check "$label: node 1 counts corrupt underlay TCP (InCsumErrors +$e1)" [ "$e1" -gt 0 ]
	else
		t_check "$label: no checksum error on node 1's side (+$e1)" [ "$e1" -eq 0 ]
	fi
	fix_set n1 "$f1" on
	fix_set n2 "$f2" on
}

# ---------------------------------------------------------------- the labs
# matrix UDPCSUM: every cell on a lab of its own with (1) or without (0)
# outer UDP checksums.
matrix() {
	R="$T/probes.$LAB_UDPCSUM" # this lab's probe results
	mkdir -p "$R"
	LAB_CSUMNAME=$([ "$LAB_UDPCSUM" = 1 ] && echo udpcsum || echo noudpcsum)
	lab_up "vxtlab-niclab-$$-$LAB_UDPCSUM" >/dev/null || { t_fail "$LAB_CSUMNAME: lab up"; return; }
	# A server on node 2's own address: plain underlay TCP, no VXLAN.
	_lab_start_server n2 labsrv-n2.pid || t_fail "$LAB_CSUMNAME: labsrv on node 2"
	t_check "$LAB_CSUMNAME: vxlan.calico has $LAB_CSUMNAME (ip -d link)" \
		eval 'lab_exec n1 ip -d link show vxlan.calico | grep -qw "$LAB_CSUMNAME"'
	t_check "$LAB_CSUMNAME: u1 and u2 are taps (ip -d link)" \
		eval 'lab_exec n1 ip -d link show u1 | grep -q "tun type tap" && lab_exec n2 ip -d link show u2 | grep -q "tun type tap"'
	t_check "$LAB_CSUMNAME: nicemu offers tunnel GSO to the kernel (ethtool -k u1)" \
		[ "$(feature "$LAB_N1" u1 tx-udp_tnl-csum-segmentation)" = on ]

	for m in good encap-csum inner-csum no-csum tnl-gso; do
		f=$(mode_fix "$m")
		cell "$m" "$m" none none "$m on both NICs, no change"
		cell "$m" "$m" "$f" none "$m on both NICs, $f on n1"
		cell "$m" "$m" none "$f" "$m on both NICs, $f on n2"
		cell "$m" "$m" "$f" "$f" "$m on both NICs, $f on both"
	done
	# Fixes that do or do not suffice, on both nodes.
	cell no-csum no-csum vxlan-csum vxlan-csum "no-csum on both NICs, vxlan-csum on both"
	cell encap-csum encap-csum underlay-tx underlay-tx "encap-csum on both NICs, underlay-tx on both"
	# With udpcsum, VXLAN GSO frames are of the csum kind, which
	# tx-udp_tnl-segmentation off alone leaves offloaded.  (A real NIC
	# would still get them; here tun drops them, as its header cannot
	# describe them then: Linux 6.18.  Same outcome: the stall stays.)
	cell tnl-gso tnl-gso underlay-tnl-plain underlay-tnl-plain "tnl-gso on both NICs, underlay-tnl-plain on both"
	cell tnl-gso tnl-gso vxlan-tso vxlan-tso "tnl-gso on both NICs, vxlan-tso on both"
	# A NIC that is faulty on one node only.
	cell good encap-csum none none "encap-csum on n2's NIC only, no change"
	cell good encap-csum none vxlan-csum "encap-csum on n2's NIC only, vxlan-csum on n2"
	cell good tnl-gso none none "tnl-gso on n2's NIC only, no change"
	# The optional MTU black hole: small frames pass, full-size ones die.
	cell drop-over=1400 drop-over=1400 none none "drop-over=1400 on both NICs"
	t_check "$LAB_CSUMNAME drop-over=1400: 1300-byte DF ping passes" lab_ping_size 1300
	t_check "$LAB_CSUMNAME drop-over=1400: 1400-byte DF ping fails" eval '! lab_ping_size 1400'
	lab_nic good both
}

# The two labs run at once (the probes mostly wait out timeouts), each in a
# subshell that tears its lab down; their PASS/FAIL lines are counted here.
vpids=""
for c in 1 0; do
	(
		trap 'lab_down' EXIT
		trap 'exit 130' INT TERM
		LAB_NO_TRAP=1 LAB_UDPCSUM=$c
		matrix
	) >"$T/matrix.$c" 2>&1 &
	vpids="$vpids $!"
done
# shellcheck disable=SC2086
wait $vpids
for c in 1 0; do
	cat "$T/matrix.$c"
	T_PASSED=$((T_PASSED + $(grep -c '^PASS:' "$T/matrix.$c")))
	T_FAILED=$((T_FAILED + $(grep -c '^FAIL:' "$T/matrix.$c")))
done
# ---------------------------------------------------------------- the CLI
L="$top_srcdir/tests/lab/lab.sh"
LAB_UDPCSUM=1
t_check "cli: --nic up" eval 'bash "$L" -p "$Q" --nic up | grep -q "(nic underlay)"'
t_check "cli: nic shows both NICs good" eval '[ "$(bash "$L" -p "$Q" nic | tr "\n" " ")" = "nic n1 good nic n2 good " ]'
t_check "cli: nic encap-csum n2" bash "$L" -p "$Q" nic encap-csum n2
t_check "cli: status shows it" eval 'bash "$L" -p "$Q" status | grep -qx "nic n2 encap-csum"'
t_expect_rc 2 "cli: unknown mode is a usage error" bash "$L" -p "$Q" nic nosuch 2>/dev/null
t_expect_rc 2 "cli: drop-over needs its size" bash "$L" -p "$Q" nic drop-over 2>/dev/null
t_expect_rc 2 "cli: unknown node is a usage error" bash "$L" -p "$Q" nic good n3 2>/dev/null
t_expect_rc 2 "cli: the nft checksum fault is the veth lab's" bash "$L" -p "$Q" fault checksum on 2>/dev/null
t_check "cli: nic good (both by default)" eval 'bash "$L" -p "$Q" nic good && [ "$(bash "$L" -p "$Q" nic | grep -c " good$")" = 2 ]'
# GSO super-frames really reach the NIC (so nicemu segments them): after a
# 4 MiB upload, u1's average transmitted frame is larger than the MTU.
eval "$(bash "$L" -p "$Q" env | sed 's/^/export /')"
_lab_names
tx() { lab_exec n1 cat "/sys/class/net/u1/statistics/tx_$1"; }
b0=$(tx bytes) p0=$(tx packets)
t_check "cli: 4 MiB upload with a good NIC" lab_bulk put
avg=$(( ($(tx bytes) - b0) / ($(tx packets) - p0 + 1) ))
t_check "cli: the kernel handed u1 GSO frames (average $avg bytes)" [ "$avg" -gt 1514 ]
# A user's ethtool -K on the tap survives a mode switch (nicemu offers the
# offloads once: TUNSETOFFLOAD would reset them).
lab_exec n1 ethtool -K u1 tx-udp_tnl-segmentation off tx-udp_tnl-csum-segmentation off >/dev/null 2>&1
bash "$L" -p "$Q" nic tnl-gso both
t_check "cli: ethtool -K on u1 survives a mode switch" \
	[ "$(feature "$Q-n1" u1 tx-udp_tnl-segmentation)$(feature "$Q-n1" u1 tx-udp_tnl-csum-segmentation)" = offoff ]
t_check "cli: ... and still repairs the upload in tnl-gso mode" lab_bulk put
relay=$(cat "$LAB_STATE/nicemu.pid")
t_check "cli: down" bash "$L" -p "$Q" down
t_check "cli: nicemu stopped" eval "! _lab_alive $relay"
t_check "cli: no namespace left" eval '! ip netns list | grep -q "^$Q-"'
LAB_UNDERLAY=veth bash "$L" -p "$V" up >/dev/null
t_expect_rc 2 "cli: a veth lab has no NIC modes" bash "$L" -p "$V" nic good 2>/dev/null
bash "$L" -p "$V" down
NICEMU=""
_lab_find_prog nicemu NICEMU
t_expect_rc 2 "nicemu: no arguments is a usage error" "$NICEMU" 2>/dev/null
t_expect_rc 2 "nicemu: set with a bad mode" "$NICEMU" set $$ n1 nosuch 2>/dev/null
t_expect_rc 2 "nicemu: set with a bad pid" "$NICEMU" set 1 n1 good 2>/dev/null
t_expect_rc 1 "nicemu: a namespace that does not exist" "$NICEMU" /run/netns/vxt-nosuch-$$ u1 - u2 2>/dev/null

rm -rf "$T"
t_check "the suite ran in $(( $(date +%s) - t_start )) s" true
t_done
