#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vxlantune links / underlay on real devices in namespaces of this test's
# own; results checked against `ip` (ip route get, ip -d link).
. "${top_srcdir:-.}/tests/lib.sh"
VXT=$VXLANTUNE

NS=$(t_netns ul)
in_ns "$NS" ip -batch - <<'B' || { t_fail "build topology"; t_done; exit 1; }
link add eth0 type veth peer name eth0p
link add eth1 type veth peer name eth1p
link set eth0 up
link set eth0p up
link set eth1 up
link set eth1p up
addr add 198.51.100.10/24 dev eth0
addr add 192.0.2.10/24 dev eth1
route add default via 198.51.100.1 dev eth0 metric 100
route add default via 192.0.2.1 dev eth1 metric 200
link add br0 type bridge forward_delay 0
link set br0 up
link add mv0 link br0 type macvlan mode bridge
link set mv0 up
addr add 203.0.113.10/25 dev mv0
link add cali1 type veth peer name cali1p
link add vxlan.calico type vxlan id 4096 dstport 4789 local 198.51.100.10 dev eth0 nolearning
B

# route_get NS DEST FIELD: "dev" or "src" of `ip route get DEST`.
route_get() { in_ns "$1" ip route get "$2" | awk -v f="$3" '{ for (i = 1; i < NF; i++) if ($i == f) { print $(i + 1); exit } }'; }

# --- acceptance 2: can-reach agrees with ip route get --------------------
for dest in 192.0.2.50 203.0.113.20 203.0.113.250; do
	want="$(route_get "$NS" $dest dev) $(route_get "$NS" $dest src)"
	got=$(in_ns "$NS" "$VXT" underlay --method can-reach=$dest --json | jq -r '"\(.ifname) \(.address)"')
	t_check "can-reach=$dest = ip route get ($want)" [ "$got" = "$want" ]
done
out=$(in_ns "$NS" "$VXT" underlay --method can-reach=192.0.2.50)
t_check "text names eth1 and why" sh -c 'echo "$1" | grep -q "^eth1 192.0.2.10/24 (IPv4" && echo "$1" | grep -q "^why: can-reach=192.0.2.50: the kernel routes"' _ "$out"

# --- default route (the incident script's method, done right) -------------
want=$(route_get "$NS" 203.0.113.250 dev)
t_check "default-route = ip route get ($want)" [ "$(in_ns "$NS" "$VXT" underlay --ifname)" = "$want" ]
t_check "default is default-route" sh -c "in_ns() { ip netns exec \"\$@\"; }; [ \"\$(ip netns exec $NS $VXT underlay --json | jq -r .method)\" = default-route ]"
in_ns "$NS" ip route append default via 192.0.2.2 dev eth1 metric 100
t_expect_rc 3 "equal default metrics: tie exits 3" in_ns "$NS" "$VXT" underlay -4
t_check "tie message lists both" sh -c "ip netns exec $NS $VXT underlay -4 2>&1 | grep -q 'share the lowest metric 100: via 198.51.100.1 dev eth0, via 192.0.2.2 dev eth1'"
in_ns "$NS" ip route del default via 192.0.2.2 dev eth1 metric 100

# --- the other methods ----------------------------------------------------
check_method() { # METHOD WANT-IFNAME
	local got
	got=$(in_ns "$NS" "$VXT" underlay -4 --method "$1" --ifname 2>&1)
	t_check "$1 -> $2" [ "$got" = "$2" ]
}
check_method first-found mv0
check_method 'skip-interface=^mv' eth1
check_method 'interface=^eth0$' eth0
check_method 'interface=nope, ^eth1$' eth1
check_method cidr=198.51.100.0/24 eth0
check_method address=192.0.2.10 eth1
check_method vxlan=vxlan.calico eth0
t_expect_rc 3 "nothing matches: exit 3" in_ns "$NS" "$VXT" underlay --method 'interface=^nomatch$'
t_expect_rc 3 "no such vxlan: exit 3" in_ns "$NS" "$VXT" underlay --method vxlan=nosuch0
t_check "first-found ENOENT names what it skipped" sh -c "ip netns exec $NS $VXT underlay -4 --method 'skip-interface=.' 2>&1 | grep -q 'skipped by name: .*cali1 (^cali.\*)'"

# --- acceptance 4: malformed methods exit 2 naming the problem ------------
bad() { # SPEC EXPECTED-TEXT
	local err rc=0
	err=$(in_ns "$NS" "$VXT" underlay --method "$1" 2>&1 >/dev/null) || rc=$?
	if [ $rc -eq 2 ] && printf '%s' "$err" | grep -qF -- "$2"; then t_ok "malformed '$1' exits 2"
	else t_fail "malformed '$1' (exit $rc: $err)"; fi
}
bad bogus "unknown underlay method 'bogus'"
bad 'interface=(' "bad regular expression '('"
bad 'interface=a,,b' 'empty element #2'
bad cidr=192.0.2.0/33 'prefix length 33 out of range'
bad cidr=banana/8 "'banana' is not an IPv4 or IPv6 address"
bad 'can-reach=a b' "bad can-reach destination 'a b'"
bad address=192.0.2 'not an IPv4 or IPv6 address'
bad vxlan=a/b "bad interface name 'a/b'"
bad first-found=x 'takes no argument'
bad kubernetes-internal-ip 'status.hostIP'
t_expect_rc 2 "-4 with -6 exits 2" "$VXT" underlay -4 -6
t_expect_rc 2 "stray argument exits 2" "$VXT" underlay eth0
t_expect_rc 2 "unknown option exits 2" "$VXT" links --bogus
t_check "underlay --help has exit codes and examples" sh -c "$VXT underlay --help | grep -q 'Exit status' && $VXT underlay --help | grep -q 'can-reach=192.0.2.50'"
t_check "links --help" sh -c "$VXT links --help | grep -q 'Usage: vxlantune links'"

# --- links ----------------------------------------------------------------
json=$(in_ns "$NS" "$VXT" links --json)
t_check "links --json counts every link" [ "$(echo "$json" | jq '.links | length')" = "$(in_ns "$NS" ip -o link | wc -l)" ]
t_check "links: vxlan.calico details match ip -d link" sh -c '
	d=$(ip netns exec "$1" ip -d -o link show vxlan.calico)
	v=$(echo "$2" | jq -c ".links[] | select(.name == \"vxlan.calico\") | .vxlan")
	echo "$d" | grep -q "vxlan id 4096 local 198.51.100.10 dev eth0" &&
	[ "$v" = "{\"vni\":4096,\"dstport\":4789,\"local\":\"198.51.100.10\",\"remote\":null,\"link_ifindex\":$(ip netns exec "$1" ip -o link show eth0 | cut -d: -f1),\"link\":\"eth0\",\"learning\":false,\"udpcsum\":true,\"family\":\"inet\"}" ]' _ "$NS" "$json"
t_check "links: mv0 is a macvlan on br0" [ "$(echo "$json" | jq -r '.links[] | select(.name == "mv0") | "\(.kind) \(.link_ifindex) \(.addresses[0].address)/\(.addresses[0].prefixlen)"')" = "macvlan $(in_ns "$NS" ip -o link show br0 | cut -d: -f1) 203.0.113.10/25" ]
t_check "links text with a glob" sh -c "ip netns exec $NS $VXT links 'eth*' | grep -c '^[0-9]*: eth' | grep -qx 4"

# --- acceptance 3: IPv6-only namespace --------------------------------------
NS6=$(t_netns ul6)
in_ns "$NS6" ip link add eth0 type veth peer name eth0p
in_ns "$NS6" ip link set eth0 up
in_ns "$NS6" ip link set eth0p up
in_ns "$NS6" ip addr add 2001:db8:1::10/64 dev eth0 nodad
in_ns "$NS6" ip -6 route add default via 2001:db8:1::1 dev eth0
got=$(in_ns "$NS6" "$VXT" underlay -6 --json | jq -r '"\(.ifname) \(.address)/\(.prefixlen) \(.family)"')
want="$(in_ns "$NS6" ip -6 route get 2001:db8:ffff::1 | awk '{for(i=1;i<NF;i++) if($i=="dev") d=$(i+1); else if($i=="src") s=$(i+1)} END{print d" "s}')"
t_check "IPv6-only: underlay -6 = ip -6 route get ($want)" [ "${got% *}" = "eth0 2001:db8:1::10/64" ] && [ "${got##* }" = inet6 ] && [ "$want" = "eth0 2001:db8:1::10" ]
t_check "IPv6-only: no family given falls back to IPv6" [ "$(in_ns "$NS6" "$VXT" underlay --ifname)" = eth0 ]
t_expect_rc 3 "IPv6-only: -4 finds nothing" in_ns "$NS6" "$VXT" underlay -4
t_check "IPv6-only: can-reach" [ "$(in_ns "$NS6" "$VXT" underlay --method can-reach=2001:db8:1::99 --ifname)" = eth0 ]

t_done
