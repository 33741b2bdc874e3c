#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune sysctl where /proc/sys is read-only, as in a container that is
# not privileged: a mount namespace with /proc/sys bound read-only, inside
# a network namespace made here, and only CAP_NET_ADMIN (setpriv).  Per-
# interface IPv4 values go over rtnetlink; all, default and IPv6 keys are
# refused before anything changes.  Every result is read back with cat in
# a normal (read-write) view of the same network namespace.
. "${top_srcdir:-.}/tests/lib.sh"
V=$VXLANTUNE
# The real binary (not libtool's wrapper script): setpriv runs it directly.
if head -c 2 "$V" | grep -q '#!' && [ -x "$(dirname "$V")/.libs/vxlantune" ]; then
	export LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
	V=$(dirname "$V")/.libs/vxlantune
fi
ns=$(t_netns sysctlro)
conf=/proc/sys/net/ipv4/conf
rp() { in_ns "$ns" cat "$conf/$1/rp_filter"; }
in_ns "$ns" ip link add vxlan.calico type vxlan id 4096 dstport 4789
in_ns "$ns" ip link add cali1 type veth peer name cali2
in_ns "$ns" sh -c "for f in $conf/*/rp_filter; do echo 1 > \$f; done"
# ro [CAPS] -- command...: run in the read-only view with CAPS (default:
# only net_admin) in the bounding set, as root (like a DaemonSet's
# "capabilities: drop ALL, add NET_ADMIN").
ro() {
	local caps=+net_admin
	if [ "$1" != -- ]; then caps=$1; shift; fi
	shift
	in_ns "$ns" unshare -m sh -c 'mount --bind /proc/sys /proc/sys &&
		mount -o remount,bind,ro /proc/sys && exec setpriv --bounding-set=-all,"$0" \
		--inh-caps=-all,"$0" -- "$@"' "$caps" "$@"
}
state() { in_ns "$ns" sh -c "grep -r . $conf/ /proc/sys/net/ipv6/conf/ 2>/dev/null | sort"; }

# The setup is what it claims to be.
ro -- sh -c "echo 2 > $conf/cali1/rp_filter" 2>/dev/null
t_check "the view's /proc/sys is read-only" test "$(rp cali1)" = 1
out=$(ro -- grep CapEff /proc/self/status)
t_check "the view has only CAP_NET_ADMIN" grep -q "0000000000001000$" <<<"$out"

# Acceptance: one interface, over rtnetlink.
out=$(ro -- "$V" sysctl set rp_filter=2 --iface vxlan.calico 2>&1); rc=$?
t_check "set rp_filter=2 on vxlan.calico succeeds" test "$rc" = 0
t_check "vxlan.calico reads 2 in a normal view" test "$(rp vxlan.calico)" = 2
t_check "the report says changed 1 -> 2" grep -q "rp_filter: 1 -> 2" <<<"$out"
out=$(ro -- "$V" sysctl set rp_filter=2 --iface vxlan.calico --json)
t_check "a second run changes nothing" grep -q '"changed":0' <<<"$out"
ro -- "$V" sysctl set rp_filter=0 --iface 'cali*' >/dev/null; rc=$?
t_check "a glob over cali* succeeds" test "$rc" = 0
t_check "cali1 and cali2 read 0" test "$(rp cali1)$(rp cali2)" = 00

# all / default / IPv6 / plain keys: refused, before anything changes.
before=$(state)
err=$(ro -- "$V" sysctl set rp_filter=2 --iface all 2>&1); rc=$?
t_check "--iface all exits 4" test "$rc" = 4
t_check "the message says why (read-only, not links)" grep -q "read-only.*not links" <<<"$err"
t_check "the message names the fix" grep -q "privileged container.*systemd unit or the Ansible role" <<<"$err"
err=$(ro -- "$V" sysctl set rp_filter=2 --iface all --dry-run 2>&1); rc=$?
t_check "--dry-run fails the same way" test "$rc" = 4 -a -n "$(grep 'not links' <<<"$err")"
ro -- "$V" sysctl set rp_filter=1 --iface vxlan.calico --iface default >/dev/null 2>&1; rc=$?
t_check "mixed request (vxlan.calico + default) exits 4" test "$rc" = 4
ro -- "$V" sysctl set rp_filter=1 --iface vxlan.calico --iface cali1 net.ipv4.conf.all.rp_filter=1 >/dev/null 2>&1; rc=$?
t_check "mixed request (vxlan.calico + all) exits 4" test "$rc" = 4
err=$(ro -- "$V" sysctl set ipv6.accept_ra=0 --iface cali1 2>&1); rc=$?
t_check "an IPv6 key is refused, naming IPv6" test "$rc" = 4 -a -n "$(grep 'IPv6' <<<"$err")"
ro -- "$V" sysctl set net.ipv4.ip_forward=1 >/dev/null 2>&1; rc=$?
t_check "a plain key is refused" test "$rc" = 4
err=$(ro -- "$V" sysctl set mc_forwarding=0 --iface cali1 2>&1); rc=$?
t_check "a read-only key is refused, naming it" test "$rc" = 4 -a -n "$(grep 'mc_forwarding.*read-only' <<<"$err")"
err=$(ro -all -- "$V" sysctl set rp_filter=1 --iface vxlan.calico 2>&1); rc=$?
t_check "without CAP_NET_ADMIN: exit 4 naming it" test "$rc" = 4 -a -n "$(grep CAP_NET_ADMIN <<<"$err")"
t_check "none of the refused requests changed anything" test "$before" = "$(state)"
t_check "vxlan.calico still 2, all still 1" test "$(rp vxlan.calico)$(rp all)" = 21

# A policy that needs all is refused before its offloads change too.
tmp=$(mktemp -d /tmp/vxt-sysctlro-XXXXXX)
printf '[vxlan]\nfeatures = tx-checksum-ip-generic off\n[sysctl all vxlan]\nrp_filter = 2\n' >"$tmp/all.conf"
printf '[vxlan]\nfeatures = tx-checksum-ip-generic off\n[sysctl vxlan]\nrp_filter = 0\n' >"$tmp/vxlan.conf"
chmod 0644 "$tmp"/*.conf
err=$(ro -- "$V" apply --config "$tmp/all.conf" 2>&1); rc=$?
t_check "apply of a policy with [sysctl all] fails" test "$rc" -ne 0 -a -n "$(grep 'not links' <<<"$err")"
t_check "... and changed no offload" test "$(feature "$ns" vxlan.calico tx-checksum-ip-generic)" = on
t_check "... and no sysctl" test "$before" = "$(state)"
ro -- "$V" apply --config "$tmp/vxlan.conf" >/dev/null 2>&1; rc=$?
t_check "apply of a vxlan-only policy succeeds" test "$rc" = 0
t_check "... offload and rp_filter both applied" test "$(feature "$ns" vxlan.calico tx-checksum-ip-generic)$(rp vxlan.calico)" = off0
rm -rf "$tmp"
t_done
