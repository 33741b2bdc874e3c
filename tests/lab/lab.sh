#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The two-node VXLAN lab: a Calico-like overlay between two network
# namespaces, with faults that can be injected and removed.
#
#   client pod (PREFIX-c1)            server pod (PREFIX-s2)
#   eth0 203.0.113.2/32               eth0 203.0.113.66/32
#    |  calic1 (ee:ee:..)              |  calis2
#   node 1 (PREFIX-n1)                node 2 (PREFIX-n2)
#   vxlan.calico 203.0.113.1/32       vxlan.calico 203.0.113.65/32
#   u1 198.51.100.1/24 ------veth------ u2 198.51.100.2/24
#                  (or: tap --nicemu-- tap, the emulated-NIC underlay)
#
# Node 1 owns the pod block 203.0.113.0/26, node 2 203.0.113.64/26.  Like
# Calico: the route to the other block goes via the other tunnel address
# `onlink` on vxlan.calico (VNI 4096, dstport 4789, local = underlay
# address, nolearning) with a permanent neighbour and FDB entry; each pod has
# a /32 route on its cali* veth; its own block is a blackhole; pods use
# 169.254.1.1 as their gateway (the node's cali* end answers for it).
# The server pod runs labsrv: HTTP on TCP 8080, UDP echo/DNS on 5353; the
# client pod runs one too, so that node 2 can probe back across the overlay
# (where the checksum fault's InCsumErrors are counted).  Each node has a
# default route via a router on the underlay that does not exist (as real
# nodes have one; underlay detection's default-route finds u1/u2).
#
# Two underlays:
#   veth  (default) u1 and u2 are a veth pair.
#   nic   u1 and u2 are TAP devices and nicemu (tests/lab/nicemu.c), one
#         process started and stopped by its pid, is both nodes' NICs and
#         the wire: it completes the checksums and segments the GSO frames
#         the kernel offloads to it, right or wrong per node as its mode
#         says (lab.sh nic MODE [n1|n2|both]; modes in tests/lab/README.md).
#         This reproduces the incident itself: the fault is on the sending
#         node's transmit path, and `ethtool -K` on the sender repairs it.
#         Needs Linux >= 6.17 (tun's encapsulation features).
# vxlan.calico has outer UDP checksums (udpcsum, as iproute2, Calico and
# Flannel create it) unless the lab is built with noudpcsum.
#
# Faults (each real, each removable):
#   checksum  (veth underlay) nft on u2's ingress corrupts the outer UDP checksum of VXLAN
#             packets that carry inner TCP or UDP; u1 tx / u2 rx checksum
#             offload off so that node 2 really verifies it.  ICMP passes,
#             TCP/UDP time out, Udp InCsumErrors rises in node 2.
#   rpfilter  node 2's route back to node 1's pod block goes via the
#             underlay (asymmetric), and rp_filter=1 on all and vxlan.calico:
#             node 2 drops what arrives on vxlan.calico (IPReversePathFilter
#             rises).  rp_filter=0 on all and vxlan.calico fixes it.
#   mtu       u2's MTU drops to 1400 under an overlay sized for 1500
#             (vxlan.calico 1450): full-size frames from node 1 are dropped
#             by node 2's NIC; small packets pass.  (nic underlay: nicemu
#             drops them, with node 1's NIC in drop-over=1400 meanwhile.)
#
# CLI:  lab.sh [-p PREFIX] [--nic] [--noudpcsum] up | run [CMD...]
#       lab.sh [-p PREFIX] down | status | env | exec NODE CMD... |
#              fault NAME on|off|status | nic [MODE [n1|n2|both]]
#       NODE is n1, n2, client or server.  `up` prints the prefix; later
#       commands find it in -p, $LAB_PREFIX, or the one lab that exists.
#       `run` brings the lab up, runs CMD (default: a shell) with LAB_* in
#       its environment and tears the lab down afterwards.
#       `nic` (nic underlay) sets node 1's, node 2's or both NICs' mode
#       (default both) at run time; without MODE it prints each node's.
# Library: source it, set LAB_UNDERLAY=nic and LAB_UDPCSUM=0 if wanted,
#       call lab_up (registers teardown on EXIT/INT/TERM), lab_fault NAME
#       on|off, lab_nic MODE [NODES], lab_ping/lab_tcp/lab_udp/lab_bulk,
#       lab_snmp, lab_down.
# Needs root, iproute2, nftables, ethtool, curl and labsrv and nicemu (set
# $LABSRV/$NICEMU, or build with make: found in $top_builddir/tests/lab,
# ./build/tests/lab, next to $LABSRV, PATH).

LAB_U1_IP=198.51.100.1
LAB_U2_IP=198.51.100.2
LAB_N1_TUN=203.0.113.1
LAB_N2_TUN=203.0.113.65
LAB_N1_BLOCK=203.0.113.0/26
LAB_N2_BLOCK=203.0.113.64/26
LAB_CLIENT_IP=203.0.113.2
LAB_SERVER_IP=203.0.113.66
LAB_N1_VXMAC=66:ee:00:00:00:01
LAB_N2_VXMAC=66:ee:00:00:00:02
LAB_VNI=4096
LAB_VXPORT=4789
LAB_VXMTU=1450
LAB_TCP_PORT=8080
LAB_UDP_PORT=5353
LAB_FAULTS="checksum rpfilter mtu"
LAB_UNDERLAY=${LAB_UNDERLAY:-veth}
LAB_UDPCSUM=${LAB_UDPCSUM:-1}
# The underlay's (absent) default router.
LAB_GW_IP=198.51.100.254
# An address in node 1's own block that no pod has: Calico's blackhole
# route drops it silently (probes time out).
LAB_BLACKHOLE_IP=203.0.113.50
# An address no node routes: node 1 answers "network unreachable".
LAB_NOWHERE_IP=192.0.2.99

_lab_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

_lab_err() { echo "lab: $*" >&2; }

_lab_names() {
	LAB_N1="$LAB_PREFIX-n1"
	LAB_N2="$LAB_PREFIX-n2"
	LAB_CLIENT="$LAB_PREFIX-c1"
	LAB_SERVER="$LAB_PREFIX-s2"
	LAB_STATE="${TMPDIR:-/tmp}/$LAB_PREFIX.lab"
}

# _lab_find_prog NAME VAR: set VAR to the absolute path of the lab
# program NAME (from $VAR, the build tree, next to labsrv, PATH).
_lab_find_prog() {
	local name=$1 var=$2 c
	for c in "${!var:-}" "${top_builddir:+$top_builddir/tests/lab/$name}" \
		"${LABSRV:+$(dirname "$LABSRV")/$name}" \
		"$_lab_dir/$name" "$_lab_dir/../../build/tests/lab/$name" \
		"$(command -v "$name" 2>/dev/null)"; do
		if [ -n "$c" ] && [ -x "$c" ]; then
			printf -v "$var" '%s' "$(cd "$(dirname "$c")" && pwd)/$(basename "$c")"
			return 0
		fi
	done
	_lab_err "$name not found: build it with make (tests/lab/$name) or set $var"
	return 1
}
lab_find_labsrv() { _lab_find_prog labsrv LABSRV; }

# lab_ns NODE: the namespace of n1|n2|client|server (or a full name).
lab_ns() {
	case "$1" in
	n1) echo "$LAB_N1" ;; n2) echo "$LAB_N2" ;;
	client|c1) echo "$LAB_CLIENT" ;; server|s2) echo "$LAB_SERVER" ;;
	*) echo "$1" ;;
	esac
}
lab_exec() { local ns; ns=$(lab_ns "$1"); shift; ip netns exec "$ns" "$@"; }
_n() { local ns; ns=$(lab_ns "$1"); shift; ip -n "$ns" "$@"; }
_sysctl() { lab_exec "$1" sh -c "echo $3 > /proc/sys/$2"; }

_lab_pod() { # NODE POD IFNAME IP
	local node=$1 pod=$2 ifn=$3 ip=$4 nsn nsp
	nsn=$(lab_ns "$node"); nsp=$(lab_ns "$pod")
	ip netns add "$nsp" || return 1
	_n "$pod" link set lo up
	ip -n "$nsn" link add "$ifn" mtu "$LAB_VXMTU" address ee:ee:ee:ee:ee:ee \
		type veth peer name eth0 netns "$nsp" mtu "$LAB_VXMTU" || return 1
	_n "$pod" addr add "$ip/32" dev eth0
	_n "$pod" link set eth0 up
	# Calico's pod side: 169.254.1.1 as an on-link gateway.  Calico lets
	# proxy ARP answer for it; these nodes have no default route for proxy
	# ARP to use, so the pod learns the node's fixed MAC statically.
	_n "$pod" route add 169.254.1.1 dev eth0 scope link
	_n "$pod" route add default via 169.254.1.1 dev eth0
	_n "$pod" neigh replace 169.254.1.1 lladdr ee:ee:ee:ee:ee:ee dev eth0 nud permanent
	_n "$node" link set "$ifn" up
	_n "$node" route add "$ip/32" dev "$ifn" scope link
	_sysctl "$node" "net/ipv4/conf/$ifn/proxy_arp" 1
	# Calico sets strict rp_filter on cali* (anti-spoofing).
	_sysctl "$node" "net/ipv4/conf/$ifn/rp_filter" 1
}

_lab_node() { # NODE UIF UIP TUN MAC
	local node=$1 uif=$2 uip=$3 tun=$4 mac=$5
	_n "$node" link set lo up
	_n "$node" addr add "$uip/24" dev "$uif"
	_n "$node" link set "$uif" up
	_n "$node" route add default via "$LAB_GW_IP" dev "$uif"
	_sysctl "$node" net/ipv4/ip_forward 1
	_sysctl "$node" net/ipv4/conf/all/rp_filter 0
	_sysctl "$node" net/ipv4/conf/default/rp_filter 0
	lab_vxlan_add "$node" "$mac" "$uip" "$uif" &&
	_n "$node" addr add "$tun/32" dev vxlan.calico &&
	_n "$node" link set vxlan.calico up
}

# lab_vxlan_add NODE MAC UNDERLAY_IP UNDERLAY_IF: vxlan.calico as Calico
# creates it (with this lab's choice of outer UDP checksums).
lab_vxlan_add() {
	local csum=udpcsum
	[ "$LAB_UDPCSUM" = 1 ] || csum=noudpcsum
	_n "$1" link add vxlan.calico address "$2" mtu "$LAB_VXMTU" type vxlan \
		id "$LAB_VNI" local "$3" dev "$4" dstport "$LAB_VXPORT" nolearning $csum
}

# Calico's route, neighbour and FDB entry for the other node's block.
_lab_peer_route() { # NODE BLOCK PEER_TUN PEER_MAC PEER_UIP
	_n "$1" route replace "$2" via "$3" dev vxlan.calico onlink
	_n "$1" neigh replace "$3" lladdr "$4" dev vxlan.calico nud permanent
	_n "$1" link show vxlan.calico >/dev/null &&
		lab_exec "$1" bridge fdb replace "$4" dev vxlan.calico dst "$5" self permanent
}

_lab_chain_trap() { # SIGNAL EXTRA: run lab_down, then what was there before
	local sig=$1 extra=$2 old
	old=$(trap -p "$sig")
	old=${old#trap -- \'}
	old=${old%\' "$sig"}
	old=${old%\' SIG$sig}
	trap "lab_down; ${old:-$extra}" "$sig"
}

# lab_up [PREFIX]: build the lab (default prefix vxtlab-PID).  Sets LAB_*.
lab_up() {
	LAB_PREFIX=${1:-${LAB_PREFIX:-vxtlab-$$}}
	_lab_names
	lab_find_labsrv || return 1
	case "$LAB_UNDERLAY" in
	veth) ;;
	nic) _lab_find_prog nicemu NICEMU || return 1 ;;
	*) _lab_err "unknown underlay '$LAB_UNDERLAY' (veth or nic)"; return 2 ;;
	esac
	if ip netns list | grep -q "^$LAB_N1\b"; then
		_lab_err "a lab named $LAB_PREFIX exists already (lab.sh -p $LAB_PREFIX down)"
		return 1
	fi
	if [ -z "${LAB_NO_TRAP:-}" ]; then
		_lab_chain_trap EXIT ":"
		_lab_chain_trap INT "exit 130"
		_lab_chain_trap TERM "exit 143"
	fi
	mkdir -p "$LAB_STATE" || return 1
	echo "LAB_UNDERLAY=$LAB_UNDERLAY LAB_UDPCSUM=$LAB_UDPCSUM" >"$LAB_STATE/config"
	ip netns add "$LAB_N1" && ip netns add "$LAB_N2" || { lab_down; return 1; }
	{
		_lab_underlay &&
		_lab_node n1 u1 "$LAB_U1_IP" "$LAB_N1_TUN" "$LAB_N1_VXMAC" &&
		_lab_node n2 u2 "$LAB_U2_IP" "$LAB_N2_TUN" "$LAB_N2_VXMAC" &&
		_lab_peer_route n1 "$LAB_N2_BLOCK" "$LAB_N2_TUN" "$LAB_N2_VXMAC" "$LAB_U2_IP" &&
		_lab_peer_route n2 "$LAB_N1_BLOCK" "$LAB_N1_TUN" "$LAB_N1_VXMAC" "$LAB_U1_IP" &&
		_n n1 route add blackhole "$LAB_N1_BLOCK" &&
		_n n2 route add blackhole "$LAB_N2_BLOCK" &&
		_lab_pod n1 client calic1 "$LAB_CLIENT_IP" &&
		_lab_pod n2 server calis2 "$LAB_SERVER_IP" &&
		_lab_start_server server labsrv.pid &&
		_lab_start_server client labsrv-client.pid &&
		{ [ "$LAB_UNDERLAY" != nic ] || _lab_start_nicemu; } &&
		_lab_wait_up
	} || { _lab_err "building the lab failed; tearing it down"; lab_down; return 1; }
	export LAB_PREFIX LAB_N1 LAB_N2 LAB_CLIENT LAB_SERVER LAB_CLIENT_IP \
		LAB_SERVER_IP LAB_TCP_PORT LAB_UDP_PORT LABSRV LAB_UNDERLAY LAB_UDPCSUM
}

# The link between the nodes: a veth pair, or two persistent taps (which
# keep their addresses, routes and `ethtool -K` settings whether or not
# nicemu is attached).
_lab_underlay() {
	case "$LAB_UNDERLAY" in
	veth) ip -n "$LAB_N1" link add u1 type veth peer name u2 netns "$LAB_N2" ;;
	nic)
		ip -n "$LAB_N1" tuntap add dev u1 mode tap vnet_hdr &&
		ip -n "$LAB_N2" tuntap add dev u2 mode tap vnet_hdr
		;;
	esac
}

# Start nicemu between u1 and u2, both NICs good; wait (at most 5 s) for
# its ready line.  It runs in the host's namespace (it enters each node's
# only to open the tap) and stops by its pid (lab_down).
_lab_start_nicemu() {
	local log="$LAB_STATE/nicemu.log" i
	setsid "$NICEMU" --vxlan-port "$LAB_VXPORT" "/run/netns/$LAB_N1" u1 "/run/netns/$LAB_N2" u2 \
		</dev/null >/dev/null 2>"$log" &
	echo $! >"$LAB_STATE/nicemu.pid"
	echo "good" >"$LAB_STATE/nic.n1"
	echo "good" >"$LAB_STATE/nic.n2"
	for i in $(seq 100); do
		grep -q "^nicemu: ready" "$log" && return 0
		_lab_alive "$(cat "$LAB_STATE/nicemu.pid")" || break
		sleep 0.05
	done
	_lab_err "nicemu did not start: $(cat "$log")"
	return 1
}

# Wait (at most 2 s) until every veth is operationally up: until linkwatch
# has run, a veth that just got its carrier still drops what it is given.
_lab_wait_up() {
	local i pair bad
	for i in $(seq 100); do
		bad=""
		for pair in n1:u1 n2:u2 n1:calic1 n2:calis2 client:eth0 server:eth0; do
			_n "${pair%%:*}" -o link show "${pair#*:}" | grep -q "state UP" || bad=$pair
		done
		[ -z "$bad" ] && return 0
		sleep 0.02
	done
	_lab_err "$bad did not come up"
	return 1
}

_lab_start_server() { # [NODE [PIDFILE]]: default the server pod
	local ns fifo="$LAB_STATE/ready" line="" pidfile=${2:-labsrv.pid}
	ns=$(lab_ns "${1:-server}")
	rm -f "$fifo"
	mkfifo "$fifo" || return 1
	# setsid: the server outlives the `lab.sh up` that started it and gets
	# no Ctrl-C of the terminal; lab_down stops it by its pid.
	setsid ip netns exec "$ns" "$LABSRV" serve --tcp "$LAB_TCP_PORT" \
		--udp "$LAB_UDP_PORT" >"$fifo" 2>"$LAB_STATE/$pidfile.err" </dev/null &
	echo $! >"$LAB_STATE/$pidfile"
	read -r -t 5 line <"$fifo" || true
	rm -f "$fifo"
	[ "$line" = "labsrv: ready" ] || { _lab_err "labsrv did not start in $ns: $(cat "$LAB_STATE/$pidfile.err")"; return 1; }
}

# A pid that still runs (a zombie waiting for its parent to reap it does
# not count: it holds no namespace any more).
_lab_alive() {
	local st
	st=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	st=${st##*) }
	[ "${st%% *}" != Z ]
}

# lab_down: stop the servers and delete every namespace of this lab.
lab_down() {
	[ -n "${LAB_PREFIX:-}" ] || return 0
	_lab_names
	local pid ns pids="" i
	for pid in "$LAB_STATE"/labsrv*.pid "$LAB_STATE"/nicemu.pid; do
		[ -f "$pid" ] && pids="$pids $(cat "$pid")"
	done
	for ns in "$LAB_CLIENT" "$LAB_SERVER" "$LAB_N1" "$LAB_N2"; do
		# Anything still running inside our namespaces was started there
		# by this lab (or by someone using it); stop it by pid.
		[ -e "/run/netns/$ns" ] && pids="$pids $(ip netns pids "$ns" 2>/dev/null)"
	done
	for pid in $pids; do kill "$pid" 2>/dev/null; done
	# Wait (at most 2 s) so that the namespaces really go away with them.
	for i in $(seq 40); do
		for pid in $pids; do _lab_alive "$pid" && break; pid=""; done
		[ -z "${pid:-}" ] && break
		sleep 0.05
	done
	for ns in "$LAB_CLIENT" "$LAB_SERVER" "$LAB_N1" "$LAB_N2"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$LAB_STATE"
	return 0
}

# ---------------------------------------------------------------- faults

_lab_fault_checksum() {
	case "$1" in
	on)
		[ "$LAB_UNDERLAY" = veth ] || { _lab_err "the nic lab reproduces checksum faults for real: lab.sh nic encap-csum"; return 2; }
		lab_exec n1 ethtool -K u1 tx off >/dev/null &&
		lab_exec n2 ethtool -K u2 rx off >/dev/null &&
		lab_exec n2 nft -f - <<-'EOF'
			table netdev vxtlab_fault {
				chain in {
					type filter hook ingress device "u2" priority 0;
					# byte 59 of the outer IPv4 packet is the inner IP
					# protocol (20 IP + 8 UDP + 8 VXLAN + 14 Ethernet + 9)
					udp dport 4789 @nh,472,8 { 6, 17 } udp checksum set 0x1234
				}
			}
		EOF
		;;
	off)
		lab_exec n2 nft delete table netdev vxtlab_fault 2>/dev/null
		lab_exec n1 ethtool -K u1 tx on >/dev/null &&
		lab_exec n2 ethtool -K u2 rx on >/dev/null
		;;
	status) lab_exec n2 nft list table netdev vxtlab_fault >/dev/null 2>&1 ;;
	esac
}

_lab_fault_rpfilter() {
	case "$1" in
	on)
		_n n2 route replace "$LAB_N1_BLOCK" via "$LAB_U1_IP" dev u2 &&
		_sysctl n2 net/ipv4/conf/all/rp_filter 1 &&
		_sysctl n2 net/ipv4/conf/vxlan.calico/rp_filter 1
		;;
	off)
		_sysctl n2 net/ipv4/conf/all/rp_filter 0 &&
		_sysctl n2 net/ipv4/conf/vxlan.calico/rp_filter 0 &&
		_n n2 route replace "$LAB_N1_BLOCK" via "$LAB_N1_TUN" dev vxlan.calico onlink
		;;
	status) _n n2 route show "$LAB_N1_BLOCK" | grep -q "dev u2" ;;
	esac
}

# A tap accepts frames larger than its MTU, a NIC does not: in the nic lab
# the frames node 1 sends over 1400 bytes are lost too (node 1's NIC mode
# is kept and restored).
_lab_fault_mtu() {
	case "$1" in
	on)
		_n n2 link set u2 mtu 1400 || return 1
		[ "$LAB_UNDERLAY" = nic ] || return 0
		[ -f "$LAB_STATE/mtu.n1" ] || cp "$LAB_STATE/nic.n1" "$LAB_STATE/mtu.n1"
		lab_nic drop-over=1400 n1
		;;
	off)
		_n n2 link set u2 mtu 1500 || return 1
		[ -f "$LAB_STATE/mtu.n1" ] || return 0
		lab_nic "$(cat "$LAB_STATE/mtu.n1")" n1 && rm -f "$LAB_STATE/mtu.n1"
		;;
	status) _n n2 link show u2 | grep -q "mtu 1400 " ;;
	esac
}

# lab_fault NAME on|off|status
lab_fault() {
	local name=$1 what=${2:-status}
	case " $LAB_FAULTS " in *" $name "*) ;; *) _lab_err "unknown fault '$name' (one of: $LAB_FAULTS)"; return 2 ;; esac
	case "$what" in on|off|status) ;; *) _lab_err "fault $name: say on, off or status"; return 2 ;; esac
	"_lab_fault_$name" "$what"
}

lab_status() {
	local f
	for f in $LAB_FAULTS; do
		if lab_fault "$f" status; then echo "$f on"; else echo "$f off"; fi
	done
	[ "$LAB_UNDERLAY" != nic ] || lab_nic_status
}

# ---------------------------------------------------------------- NICs
# lab_nic MODE [n1|n2|both]: the mode of node 1's, node 2's or both
# emulated NICs (nic underlay), switched in the running relay: taps,
# routes and `ethtool -K` settings stay as they are.
lab_nic() {
	local mode=$1 nodes=${2:-both} n
	[ "$LAB_UNDERLAY" = nic ] || { _lab_err "lab $LAB_PREFIX has a veth underlay: build it with --nic (LAB_UNDERLAY=nic)"; return 2; }
	case "$nodes" in n1|n2|both) ;; *) _lab_err "nic: say n1, n2 or both, not '$nodes'"; return 2 ;; esac
	_lab_find_prog nicemu NICEMU || return 1
	"$NICEMU" set "$(cat "$LAB_STATE/nicemu.pid")" "$nodes" "$mode" || return 2
	for n in n1 n2; do
		[ "$nodes" = both ] || [ "$nodes" = "$n" ] && echo "$mode" >"$LAB_STATE/nic.$n"
	done
	return 0
}
lab_nic_status() {
	local n
	for n in n1 n2; do echo "nic $n $(cat "$LAB_STATE/nic.$n" 2>/dev/null || echo '?')"; done
}

# ---------------------------------------------------------------- checks
# From the client pod to the server pod, through the overlay.
lab_ping() { lab_exec client ping -n -q -c1 -W1 "${1:-$LAB_SERVER_IP}" >/dev/null 2>&1; }
# lab_ping_size SIZE: one ICMP echo whose IP packet is SIZE bytes, DF set.
lab_ping_size() { lab_exec client ping -n -q -c1 -W1 -M do -s $(($1 - 28)) "${2:-$LAB_SERVER_IP}" >/dev/null 2>&1; }
lab_tcp() { lab_exec client "$LABSRV" tcp "${1:-$LAB_SERVER_IP}" "$LAB_TCP_PORT" "${2:-1000}" >/dev/null 2>&1; }
lab_udp() { lab_exec client "$LABSRV" udp "${1:-$LAB_SERVER_IP}" "$LAB_UDP_PORT" "${2:-1000}" >/dev/null 2>&1; }
# lab_bulk get|put [BYTES] [TIMEOUT_S]: one bulk TCP transfer (default
# 4 MiB, 2 s) between the client pod and the server pod by curl: get
# downloads from the server (node 2 sends the data), put uploads to it
# (node 1 sends).  Succeeds when every byte arrived in time.
lab_bulk() {
	local dir=$1 bytes=${2:-4194304} t=${3:-2} url="http://$LAB_SERVER_IP:$LAB_TCP_PORT" got
	case "$dir" in
	get)
		got=$(lab_exec client curl -s -o /dev/null -m "$t" -w '%{size_download}' "$url/bytes/$bytes")
		[ "$got" = "$bytes" ]
		;;
	put)
		[ -s "$LAB_STATE/bulk.$bytes" ] || head -c "$bytes" /dev/urandom >"$LAB_STATE/bulk.$bytes"
		# Expect: curl would wait for a 100 Continue labsrv never sends.
		got=$(lab_exec client curl -s -m "$t" -H 'Expect:' -T "$LAB_STATE/bulk.$bytes" "$url/sink")
		[ "$got" = "received $bytes" ]
		;;
	*) _lab_err "lab_bulk: say get or put"; return 2 ;;
	esac
}
# lab_snmp NODE PROTO FIELD: a counter from the node's /proc/net/snmp
# (e.g. lab_snmp n2 Udp InCsumErrors) or /proc/net/netstat (TcpExt ...).
lab_snmp() {
	lab_exec "$1" cat /proc/net/snmp /proc/net/netstat | awk -v p="$2:" -v f="$3" '
		$1 == p && !h { for (i = 2; i <= NF; i++) c[$i] = i; h = 1; next }
		$1 == p && h { print $c[f]; exit }'
}

# ---------------------------------------------------------------- CLI
_lab_pick_prefix() {
	[ -n "${LAB_PREFIX:-}" ] && return 0
	local found
	found=$(ip netns list | awk '{print $1}' | sed -n 's/^\(vxtlab-.*\)-n1$/\1/p')
	if [ "$(echo "$found" | grep -c .)" -ne 1 ]; then
		_lab_err "say which lab: -p PREFIX or LAB_PREFIX (labs: ${found:-none})"
		return 1
	fi
	LAB_PREFIX=$found
}

# The underlay and checksum choice of an existing lab (lab_up records it).
_lab_load_config() {
	_lab_names
	local w
	[ -f "$LAB_STATE/config" ] || return 0
	for w in $(cat "$LAB_STATE/config"); do
		case "$w" in LAB_UNDERLAY=*|LAB_UDPCSUM=*) printf -v "${w%%=*}" '%s' "${w#*=}" ;; esac
	done
}

lab_main() {
	while [ $# -gt 0 ]; do
		case "$1" in
		-p) LAB_PREFIX=$2; shift 2 ;;
		--nic) LAB_UNDERLAY=nic; shift ;;
		--noudpcsum) LAB_UDPCSUM=0; shift ;;
		*) break ;;
		esac
	done
	local cmd=${1:-}
	[ $# -gt 0 ] && shift
	case "$cmd" in
	up)
		LAB_NO_TRAP=1
		LAB_PREFIX=${LAB_PREFIX:-vxtlab-$$}
		# Ctrl-C while building: tear down what exists, then stop.
		trap 'lab_down; exit 130' INT TERM
		lab_up "$LAB_PREFIX" || return 1
		trap - INT TERM
		echo "lab $LAB_PREFIX is up ($LAB_UNDERLAY underlay$([ "$LAB_UDPCSUM" = 1 ] || echo ", noudpcsum")): client $LAB_CLIENT ($LAB_CLIENT_IP), server $LAB_SERVER ($LAB_SERVER_IP tcp/$LAB_TCP_PORT udp/$LAB_UDP_PORT)"
		echo "export LAB_PREFIX=$LAB_PREFIX"
		;;
	down) _lab_pick_prefix || return 1; lab_down ;;
	status) _lab_pick_prefix || return 1; _lab_load_config; lab_status ;;
	nic)
		_lab_pick_prefix || return 1; _lab_load_config
		if [ $# -eq 0 ]; then lab_nic_status; else lab_nic "$@"; fi
		;;
	fault)
		_lab_pick_prefix || return 1; _lab_load_config
		[ $# -ge 1 ] || { _lab_err "usage: lab.sh fault NAME on|off|status"; return 2; }
		if [ "${2:-status}" = status ]; then
			if lab_fault "$1" status; then echo "$1 on"; else echo "$1 off"; fi
		else
			lab_fault "$1" "$2"
		fi
		;;
	exec) _lab_pick_prefix || return 1; _lab_names; lab_exec "$@" ;;
	env)
		_lab_pick_prefix || return 1; _lab_load_config
		for v in LAB_PREFIX LAB_N1 LAB_N2 LAB_CLIENT LAB_SERVER LAB_CLIENT_IP LAB_SERVER_IP LAB_TCP_PORT LAB_UDP_PORT LAB_UNDERLAY LAB_UDPCSUM; do
			echo "$v=${!v}"
		done
		;;
	run)
		lab_up || return 1
		if [ $# -eq 0 ]; then
			"${SHELL:-/bin/sh}"
		elif [ -t 0 ]; then
			"$@"
		else
			# Not on a terminal: wait in the background so that a
			# TERM/INT sent to this script tears the lab down at once
			# (bash runs traps only between foreground commands).
			"$@" &
			_lab_cmd=$!
			trap 'kill $_lab_cmd 2>/dev/null; lab_down; exit 130' INT
			trap 'kill $_lab_cmd 2>/dev/null; lab_down; exit 143' TERM
			wait $_lab_cmd
		fi
		;;
	*)
		echo "usage: lab.sh [-p PREFIX] [--nic] [--noudpcsum] up|run [CMD...]" >&2
		echo "       lab.sh [-p PREFIX] down|status|env|exec NODE CMD...|fault NAME on|off|status|nic [MODE [n1|n2|both]]" >&2
		return 2
		;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -u
	[ "$(id -u)" -eq 0 ] || { _lab_err "run as root (the lab creates network namespaces)"; exit 4; }
	lab_main "$@"
	exit $?
fi
