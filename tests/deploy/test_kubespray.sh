#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The role as Kubespray users run it: an inventory in Kubespray's layout
# (ansible/tests/kubespray/inventory/mycluster: hosts.yaml, group_vars/all,
# group_vars/k8s_cluster, Kubespray's variable names), Kubespray's
# preinstall sysctl steps (sysctl_file_path set_fact'd to the symlink's
# target), then the collection's example playbook.  The nodes are network
# namespaces (sandbox.yml: connection local, an interpreter script per
# node, every file the role writes under the node's directory here).
#   node1  one NIC, no `ip` in the inventory
#   node2  two NICs: the default route on m0 (management), the node's `ip`
#          on u0 (cluster): u0 must be tuned, m0 left alone
# Checked from outside with ethtool -k and /proc.  Needs Debian's
# `ansible` package (ansible.posix) beside ansible-core.
. "${top_srcdir:-.}/tests/lib.sh"
ANSIBLE_TEST_NAME=kubespray
. "$top_srcdir/tests/ansible_lib.sh"
KS=$COLL/tests/kubespray
INV=$KS/inventory/mycluster/hosts.yaml
PREFIX="vxt-ksp$$"
ks_play() { # NAME PLAYBOOK [args...]
	local name=$1 pb=$2; shift 2
	play "$name" "$INV" -e "@$KS/sandbox.yml" \
		-e "vxt_tmp=$TMP vxt_bin=$BUILD/tools/vxlantune" "$@" "$pb"
}
ns() { echo "$PREFIX-$1"; }
feat() { feature "$(ns "$1")" "$2" "$3"; }
rpf() { ip netns exec "$(ns "$1")" cat "/proc/sys/net/ipv4/conf/$2/rp_filter"; }

# nic NODE IF ADDR/LEN: a veth (peer IFp) with an address, both up.
nic() {
	ip -n "$(ns "$1")" link add "$2" type veth peer name "$2p"
	ip -n "$(ns "$1")" addr add "$3" dev "$2"
	ip -n "$(ns "$1")" link set "$2" up
	ip -n "$(ns "$1")" link set "$2p" up
}
# node NODE NODE_IP: namespace, interpreter, vxlan.calico over the NIC of
# NODE_IP, Calico's strict rp_filter, and the node's /etc/sysctl.d with
# Debian's 99-sysctl.conf -> ../sysctl.conf.
node() {
	local n=$1 o
	ip netns add "$(ns "$n")" || exit 99
	T_NETNS="$T_NETNS $(ns "$n")"
	ip -n "$(ns "$n")" link set lo up
	# shellcheck disable=SC2086
	netns_python "$n" "$(ns "$n")" $BINDINGS "$PY"
	mkdir -p "$TMP/$n/etc/sysctl.d"
	: >"$TMP/$n/etc/sysctl.conf"
	ln -s ../sysctl.conf "$TMP/$n/etc/sysctl.d/99-sysctl.conf"
}
vxlan() { # NODE LOCAL DEV
	ip -n "$(ns "$1")" link add vxlan.calico type vxlan id 4096 dstport 4789 dev "$3" local "$2"
	ip -n "$(ns "$1")" link set vxlan.calico up
	for o in default vxlan.calico; do ip netns exec "$(ns "$1")" sh -c "echo 1 > /proc/sys/net/ipv4/conf/$o/rp_filter"; done
}
node node1
nic node1 u0 192.0.2.11/24
ip -n "$(ns node1)" route add default via 192.0.2.254 dev u0
vxlan node1 192.0.2.11 u0
node node2
nic node2 m0 203.0.113.12/24
nic node2 u0 192.0.2.12/24
ip -n "$(ns node2)" route add default via 203.0.113.254 dev m0
vxlan node2 192.0.2.12 u0

# The machine's own /etc is never written (the nodes' files live in $TMP).
host_files="/etc/99-vxlantune.conf /etc/sysctl.d/99-vxlantune.conf /etc/vxlantune/vxlantune.conf"
# shellcheck disable=SC2086 # a list of paths
host_before=$(ls -l $host_files 2>&1)

for pb in "$KS/cluster.yml" "$KS/preinstall.yml"; do
	t_check "syntax-check ${pb#"$SRC"/}" sh -c \
		"cd '$TMP' && ansible-playbook -i '$INV' -e @'$KS/sandbox.yml' --syntax-check '$pb' >/dev/null 2>&1"
done

ks_play cluster "$KS/cluster.yml"
t_check "cluster.yml: both nodes changed, none failed" changed_some cluster node1 node2 || show cluster 60
# The underlay is the NIC of the node's IP (can-reach=<node IP>, as
# calico-node), not the default-route NIC.
t_check "node2: u0 (node IP) tx-udp_tnl-segmentation off" test "$(feat node2 u0 tx-udp_tnl-segmentation)" = off
t_check "node2: u0 tx-udp_tnl-csum-segmentation off" test "$(feat node2 u0 tx-udp_tnl-csum-segmentation)" = off
t_check "node2: m0 (default route) untouched" test "$(feat node2 m0 tx-udp_tnl-segmentation)/$(feat node2 m0 tx-udp_tnl-csum-segmentation)" = on/on
t_check "node1: u0 (default route = node IP) tx-udp_tnl-segmentation off" test "$(feat node1 u0 tx-udp_tnl-segmentation)" = off
for n in node1 node2; do
	t_check "$n: vxlan.calico tx-checksum-ip-generic off (checksum preset)" test "$(feat $n vxlan.calico tx-checksum-ip-generic)" = off
	t_check "$n: rp_filter vxlan.calico=2 default=2" test "$(rpf $n vxlan.calico)/$(rpf $n default)" = 2/2
	t_check "$n: drop-in in etc/sysctl.d, slash form" grep -qx "net/ipv4/conf/vxlan.calico/rp_filter = 2" "$TMP/$n/etc/sysctl.d/99-vxlantune.conf"
	t_check "$n: no drop-in beside sysctl_file_path (etc/)" test ! -e "$TMP/$n/etc/99-vxlantune.conf"
done
t_check "node1: policy underlay can-reach=<default IPv4 address>" grep -qx "method = can-reach=192.0.2.11" "$TMP/node1/etc/vxlantune/vxlantune.conf"
t_check "node2: policy underlay can-reach=<ip>" grep -qx "method = can-reach=192.0.2.12" "$TMP/node2/etc/vxlantune/vxlantune.conf"
# fail_on_fixed false, end to end: the offload tasks and the policy check
# pass with rx-gro-hw fixed off on veth, and the play says so.
t_check "fixed feature reported, not failed" out_has cluster "rx-gro-hw (wanted on, stays off)"
t_check "policy keeps the fixed request" grep -q "^features = .*rx-gro-hw on" "$TMP/node2/etc/vxlantune/vxlantune.conf"
RC=0; ip netns exec "$(ns node2)" "$VXLANTUNE" apply --config "$TMP/node2/etc/vxlantune/vxlantune.conf" --dry-run >"$TMP/dry.out" 2>&1 || RC=$?
t_check "node2: the policy applies with only the fixed request unmet (exit 1, 0 would change)" \
	sh -c "test $RC -eq 1 && grep -q '^dry run: 0 would change' '$TMP/dry.out'" || sed 's/^/  /' "$TMP/dry.out"
t_check "unit: no ExecStartPre, ExecStart watch" sh -c "! grep -q '^ExecStartPre' '$TMP/node2/etc/systemd/system/vxlantune.service' &&
	grep -qx 'ExecStart=$BUILD/tools/vxlantune watch --config $TMP/node2/etc/vxlantune/vxlantune.conf --state /run/vxlantune/watch.json --responder' '$TMP/node2/etc/systemd/system/vxlantune.service'"

# The role's unit is examples/vxlantune.service (what deploy tests boot)
# with the role's paths: the same settings, line for line.
settings() { grep -v '^#\|^$' "$1" | sed 's|^ExecStart=.*|ExecStart=...|'; }
t_check "unit: the settings of examples/vxlantune.service" \
	diff <(settings "$SRC/examples/vxlantune.service") <(settings "$TMP/node2/etc/systemd/system/vxlantune.service")

ks_play rerun "$KS/cluster.yml"
expect_recap rerun node1 0
expect_recap rerun node2 0

# Kubespray's own additional_sysctl task with the list the role published:
# ansible.posix.sysctl takes the slash-form name of vxlan.calico.
t_check "additional_sysctl has the slash-form key" grep -q "name: net/ipv4/conf/vxlan.calico/rp_filter" "$TMP/node2/additional_sysctl.yml"
ip netns exec "$(ns node2)" sh -c "echo 1 > /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter"
ks_play additional "$KS/preinstall.yml" -e vxt_additional_sysctl=true --limit node2
t_check "additional_sysctl via ansible.posix.sysctl: passed" test "$RC" -eq 0 -a "$(recap additional node2 failed)" = 0 || show additional
t_check "additional_sysctl: vxlan.calico rp_filter 2 again (/proc)" test "$(rpf node2 vxlan.calico)" = 2
t_check "additional_sysctl: in Kubespray's sysctl_file_path (etc/sysctl.conf)" grep -qx "net/ipv4/conf/vxlan.calico/rp_filter=2" "$TMP/node2/etc/sysctl.conf"
t_check "additional_sysctl: the symlink 99-sysctl.conf is still a symlink" test -L "$TMP/node2/etc/sysctl.d/99-sysctl.conf"

# shellcheck disable=SC2086
t_check "the machine's /etc untouched" test "$(ls -l $host_files 2>&1)" = "$host_before"
t_done
