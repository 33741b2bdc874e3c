#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Refresh the netlink seeds in fuzz/corpus from a real kernel: builds a
# small Calico-like node in a throwaway network namespace (veth underlay,
# vxlan.calico, cali* veths, a bridge, a macvlan, IPv4+IPv6 addresses, ECMP
# default routes) and records the kernel's raw answers with fuzz/capture.c.
# Needs root.  Usage: [VXLANTUNE=BUILD/tools/vxlantune] fuzz/capture-seeds.sh [BUILDDIR]
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/build-fuzz-capture}
mkdir -p "$build"
cc -O1 -o "$build/capture" "$top/fuzz/capture.c" \
	$(pkg-config --cflags --libs libnl-3.0 libnl-genl-3.0)
cap=$build/capture
ns=vxt-fuzzcap-$$
ip netns add "$ns"
trap 'ip netns del "$ns" 2>/dev/null || true' EXIT
in_ns() { ip netns exec "$ns" "$@"; }

in_ns ip link set lo up
in_ns ip link add eth0 type veth peer name eth0-peer
in_ns ip link add eth1 type veth peer name eth1-peer
in_ns ip addr add 192.0.2.10/24 dev eth0
in_ns ip addr add 198.51.100.10/24 dev eth1
in_ns ip addr add 2001:db8::10/64 dev eth0 nodad
for d in eth0 eth0-peer eth1 eth1-peer; do in_ns ip link set "$d" up; done
in_ns ip route add default nexthop via 192.0.2.1 dev eth0 nexthop via 198.51.100.1 dev eth1
in_ns ip route add default via 192.0.2.254 dev eth0 metric 200
in_ns ip -6 route add default via 2001:db8::1 dev eth0
in_ns ip link add vxlan.calico type vxlan id 4096 dstport 4789 local 192.0.2.10 dev eth0 nolearning
in_ns ip link add vxlan-v6.calico type vxlan id 4097 dstport 4789 local 2001:db8::10 dev eth0 udp6zerocsumtx
in_ns ip addr add 203.0.113.1/32 dev vxlan.calico
in_ns ip link set vxlan.calico mtu 1450 up
in_ns ip link add cali0123456789a type veth peer name pod0
in_ns ip link add br0 type bridge
in_ns ip link set eth1-peer master br0
in_ns ip link add mv0 link eth1 type macvlan mode bridge
in_ns ethtool -K vxlan.calico tx-checksum-ip-generic off >/dev/null

c="$top/fuzz/corpus"
mkdir -p "$c"/{strset,features,bitset,links,route,watch}
in_ns "$cap" "$c/strset" strset strset
in_ns "$cap" "$c/features" compact-vxlan features vxlan.calico compact
in_ns "$cap" "$c/features" verbose-vxlan features vxlan.calico verbose
in_ns "$cap" "$c/features" compact-eth0 features eth0 compact
in_ns "$cap" "$c/features" dump-compact features-dump compact
in_ns "$cap" "$c/features" error features nosuchdev compact
in_ns "$cap" "$c/links" getlink getlink
in_ns "$cap" "$c/links" getaddr getaddr
in_ns "$cap" "$c/route" dump4 getroute4
in_ns "$cap" "$c/route" dump6 getroute6
in_ns "$cap" "$c/route" get4 routeget 192.0.2.77
in_ns "$cap" "$c/route" get6 routeget 2001:db8::77
in_ns "$cap" "$c/route" unreach routeget 203.0.113.9 || true

# Snapshots of this node, when a built CLI is given (VXLANTUNE=path).
if [ -n "${VXLANTUNE:-}" ]; then
	mkdir -p "$c/snapshot"
	in_ns "$VXLANTUNE" snapshot --preset calico-incident -o "$c/snapshot/calico-incident.json"
	in_ns "$VXLANTUNE" snapshot --preset checksum -o "$c/snapshot/checksum.json"
	in_ns "$VXLANTUNE" snapshot --config "$top/examples/vxlantune.conf" -o "$c/snapshot/example.json"
fi

# Link events: what the watcher sees while devices come and go.
in_ns "$cap" "$c/watch" event monitor 3 &
mon=$!
sleep 0.5
in_ns ip link del vxlan.calico
in_ns ip link add vxlan.calico type vxlan id 4096 dstport 4789 local 192.0.2.10 dev eth0
in_ns ip link set vxlan.calico up
in_ns ip link add cali99 type veth peer name pod99
in_ns ip link set cali99 name cali98
in_ns ip link del cali98
wait "$mon"

# Bitset seeds: "nbits (u16, little endian) + the payload of a bitset nest",
# the fuzz_bitset input format, cut from the FEATURES_GET replies.
python3 - "$c" <<'EOF'
import os, struct, sys
c = sys.argv[1]
def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        ln, ty = struct.unpack_from("<HH", buf, off)
        if ln < 4 or off + ln > len(buf):
            break
        yield ty & 0x3fff, buf[off + 4:off + ln]
        off += (ln + 3) & ~3
for f in sorted(os.listdir(f"{c}/features")):
    data = open(f"{c}/features/{f}", "rb").read()
    ln, ty = struct.unpack_from("<IH", data, 0)
    if ty < 16 or ln > len(data):  # an error, not a FEATURES_GET_REPLY
        continue
    # The first message only: a genl header (4 bytes), then attributes.
    for aty, payload in attrs(data[20:ln]):
        if aty in (2, 3, 4, 5):  # HW WANTED ACTIVE NOCHANGE
            open(f"{c}/bitset/{f}-{aty}", "wb").write(struct.pack("<H", 64) + payload)
EOF
# fuzz_route reads a family byte first (1: IPv6 dump); fuzz_links wants
# links and addresses in one input.
for f in "$c"/route/*; do
	case "$f" in *-fam*) continue ;; esac
	case "$f" in */dump6-*|*/get6-*) b='\x01' ;; *) b='\x00' ;; esac
	{ printf "$b"; cat "$f"; } >"$f-fam" && rm "$f"
done
cat "$c/links/getlink-0" "$c/links/getaddr-0" >"$c/links/linkaddr-0"
cat "$c/links/getlink-1" "$c/links/getaddr-0" >"$c/links/linkaddr-1"
echo "seeds written under $c"
