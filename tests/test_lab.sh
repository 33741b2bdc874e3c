#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The two-node lab (tests/lab/lab.sh): healthy overlay, then each fault on
# (the symptom it must produce, checked with ping, labsrv and the kernel's
# own counters) and off again (healthy again); nothing left behind.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"

fails() { ! "$@"; }
healthy() { # LABEL
	t_check "$1: ping through the overlay" lab_ping
	t_check "$1: TCP (HTTP) through the overlay" lab_tcp
	t_check "$1: UDP through the overlay" lab_udp
	t_check "$1: 1450-byte DF ping (overlay MTU)" lab_ping_size 1450
}
rx_packets() { lab_exec "$1" cat "/sys/class/net/$2/statistics/rx_packets"; }
rpf() { lab_exec n2 cat "/proc/sys/net/ipv4/conf/$1/rp_filter"; }

P="vxtlab-$$"
lab_up "$P" || { t_fail "lab up"; t_done; exit 1; }
t_ok "lab up"

# ---- topology, checked with ip/bridge (independent of the lab script)
n=$(ip netns list | grep -c "^$P-")
t_check "four namespaces (2 nodes, 2 pods)" [ "$n" -eq 4 ]
vx=$(lab_exec n1 ip -d link show vxlan.calico)
t_check "n1 vxlan.calico: VNI 4096, dstport 4789, local on u1" \
	eval 'echo "$vx" | grep -q "vxlan id 4096 local 198.51.100.1 dev u1 .*dstport 4789"'
t_check "n1 vxlan.calico: mtu 1450, nolearning" \
	eval 'echo "$vx" | grep -q "mtu 1450" && echo "$vx" | grep -q nolearning'
t_check "n1 route to n2's block: via tunnel address, onlink" \
	eval 'lab_exec n1 ip route get 203.0.113.66 | grep -q "via 203.0.113.65 dev vxlan.calico"'
t_check "n1 FDB: n2's VTEP MAC at 198.51.100.2" \
	eval 'lab_exec n1 bridge fdb show dev vxlan.calico | grep -q "66:ee:00:00:00:02 dst 198.51.100.2 self permanent"'
t_check "n2 pod route: /32 on a cali* veth" \
	eval 'lab_exec n2 ip route show 203.0.113.66 | grep -q "dev calis2 scope link"'
t_check "pods have Calico's gateway 169.254.1.1" \
	eval 'lab_exec client ip route show default | grep -q "via 169.254.1.1 dev eth0"'

# ---- healthy
before=$(rx_packets n2 vxlan.calico)
healthy "healthy"
after=$(rx_packets n2 vxlan.calico)
t_check "traffic really crossed vxlan.calico ($before -> $after rx packets on n2)" [ "$after" -gt "$before" ]

# ---- checksum: the incident's signature
lab_fault checksum on
t_check "checksum on: nft rule on u2's ingress" \
	eval 'lab_exec n2 nft list table netdev vxtlab_fault | grep -q "udp dport 4789 @nh,472,8 { 0x6, 0x11 } udp checksum set 4660"'
t_check "checksum on: tx checksumming off on u1" [ "$(feature "$LAB_N1" u1 tx-checksumming)" = off ]
t_check "checksum on: rx checksumming off on u2" [ "$(feature "$LAB_N2" u2 rx-checksumming)" = off ]
t_check "checksum on: lab.sh reports it" lab_fault checksum status
c0=$(lab_snmp n2 Udp InCsumErrors)
t_check "checksum on: ping still passes" lab_ping
t_check "checksum on: TCP times out" fails lab_tcp "" 500
t_check "checksum on: UDP times out" fails lab_udp "" 500
c1=$(lab_snmp n2 Udp InCsumErrors)
t_check "checksum on: Udp InCsumErrors rises in n2 ($c0 -> $c1)" [ "$c1" -ge $((c0 + 2)) ]
lab_fault checksum off
t_check "checksum off: nft table gone" eval '! lab_exec n2 nft list table netdev vxtlab_fault 2>/dev/null'
t_check "checksum off: tx checksumming on again on u1" [ "$(feature "$LAB_N1" u1 tx-checksumming)" = on ]
healthy "checksum off"

# ---- rpfilter: strict rp_filter + asymmetric return path
lab_fault rpfilter on
t_check "rpfilter on: n2 routes n1's block via the underlay" \
	eval 'lab_exec n2 ip route get 203.0.113.2 | grep -q "via 198.51.100.1 dev u2"'
t_check "rpfilter on: rp_filter=1 on all and vxlan.calico" [ "$(rpf all)$(rpf vxlan.calico)" = 11 ]
r0=$(lab_snmp n2 TcpExt IPReversePathFilter)
t_check "rpfilter on: ping dropped" fails lab_ping
t_check "rpfilter on: TCP dropped" fails lab_tcp "" 500
r1=$(lab_snmp n2 TcpExt IPReversePathFilter)
t_check "rpfilter on: n2 counts reverse-path drops ($r0 -> $r1)" [ "$r1" -gt "$r0" ]
# effective = max(all, iface): fixing only the interface is not enough
_sysctl n2 net/ipv4/conf/vxlan.calico/rp_filter 0
t_check "rpfilter: vxlan.calico=0 alone does not fix it (all=1)" fails lab_tcp "" 500
_sysctl n2 net/ipv4/conf/all/rp_filter 0
t_check "rpfilter: all=0 and vxlan.calico=0 fix it: TCP" lab_tcp
t_check "rpfilter: all=0 and vxlan.calico=0 fix it: UDP" lab_udp
t_check "rpfilter: ... though the return path is still asymmetric" lab_fault rpfilter status
lab_fault rpfilter off
t_check "rpfilter off: route back via vxlan.calico" \
	eval 'lab_exec n2 ip route get 203.0.113.2 | grep -q "via 203.0.113.1 dev vxlan.calico"'
healthy "rpfilter off"

# ---- mtu: underlay smaller than the overlay assumes
lab_fault mtu on
t_check "mtu on: u2 mtu 1400 under vxlan.calico 1450" \
	eval 'lab_exec n2 ip link show u2 | grep -q "mtu 1400 "'
t_check "mtu on: small ping passes" lab_ping
t_check "mtu on: TCP (small) passes" lab_tcp
t_check "mtu on: 1300-byte DF ping passes" lab_ping_size 1300
t_check "mtu on: 1450-byte DF ping fails" fails lab_ping_size 1450
lab_fault mtu off
healthy "mtu off"

# ---- unknown fault, and teardown
t_expect_rc 2 "unknown fault is a usage error" lab_fault nosuch on
pid=$(cat "$LAB_STATE/labsrv.pid")
lab_down
t_check "lab down: no namespace left" eval '! ip netns list | grep -q "^$P-"'
t_check "lab down: labsrv stopped" fails _lab_alive "$pid"

# ---- the CLI, and teardown on TERM
L="$top_srcdir/tests/lab/lab.sh"
Q="vxtlab-$$-cli"
t_check "cli: up" eval 'bash "$L" -p "$Q" up >/dev/null'
t_check "cli: fault mtu on" bash "$L" -p "$Q" fault mtu on
t_check "cli: status shows it" eval 'bash "$L" -p "$Q" status | grep -qx "mtu on"'
t_check "cli: down" bash "$L" -p "$Q" down
t_check "cli: nothing left" eval '! ip netns list | grep -q "^$Q-"'
R="vxtlab-$$-run"
bash "$L" -p "$R" run sleep 30 </dev/null >/dev/null &
runpid=$!
for i in $(seq 50); do ip netns list | grep -q "^$R-s2" && break; sleep 0.1; done
t_check "cli: run brings the lab up" eval 'ip netns list | grep -q "^$R-n1"'
sleep 0.2
kill -TERM "$runpid"
wait "$runpid" 2>/dev/null
t_check "cli: TERM tears the lab down" eval '! ip netns list | grep -q "^$R-"'
t_done
