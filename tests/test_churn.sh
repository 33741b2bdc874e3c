#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Churn and concurrency: a watcher keeps the calico-incident policy while
# vxlan.calico and cali* devices are created and deleted 1,000 times and
# several `vxlantune apply` / Python applies run at the same time.  Every
# device that exists at the end must have the policy's state; the watcher
# must not crash, leak file descriptors or grow.
. "${top_srcdir:-.}/tests/lib.sh"
ns=$(t_netns churn)
in_ns "$ns" sh -e -c '
ip link add eth0 type veth peer name eth0p; ip link set eth0 up; ip link set eth0p up
ip addr add 198.51.100.10/24 dev eth0; ip route add default via 198.51.100.1 dev eth0
ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0
echo 1 > /proc/sys/net/ipv4/conf/default/rp_filter'
tmp=$(mktemp -d)
wpid=""
trap '[ -n "$wpid" ] && kill "$wpid" 2>/dev/null; rm -rf "$tmp"; t_cleanup' EXIT
# ip netns exec and libtool's wrapper both exec: $! is the watcher itself.
ip netns exec "$ns" "$VXLANTUNE" watch --preset calico-incident --quiet >"$tmp/watch.log" 2>&1 &
wpid=$!
for _ in $(seq 50); do grep -q watching "$tmp/watch.log" 2>/dev/null && break; sleep 0.1; done
t_check "the measured process is the watcher" grep -q vxlantune /proc/$wpid/cmdline
rss() { awk '/^VmRSS/ { print $2 }' /proc/$wpid/status; }
fds() { ls /proc/$wpid/fd | wc -l; }

# cycles N FIRST: delete/re-create vxlan.calico, create and delete cali*
# (so the device count, and with it the watcher's working set, is the same
# at both RSS measurements: growth then means a leak).
cycles() {
	local f=$tmp/batch
	: > "$f"
	for i in $(seq "$2" $(( $2 + $1 - 1 ))); do
		echo "link del vxlan.calico"
		echo "link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0"
		echo "link add cali$i type veth peer name calp$i"
		echo "link del cali$i"
	done >> "$f"
	in_ns "$ns" ip -force -batch "$f" >/dev/null 2>&1
}
settle() { # wait until the watcher has handled everything (log stops growing)
	local prev=-1 size
	for _ in $(seq 100); do
		size=$(stat -c %s "$tmp/watch.log")
		[ "$size" -eq "$prev" ] && return
		prev=$size; sleep 0.2
	done
}

t0=$(date +%s)
cycles 200 1; settle
rss0=$(rss); fds0=$(fds)
# 800 more cycles while applies run concurrently from the CLI and Python.
( for _ in $(seq 10); do in_ns "$ns" "$VXLANTUNE" apply --preset calico-incident >/dev/null 2>>"$tmp/apply.err" || echo "cli apply exit $?" >>"$tmp/apply.fail"; done ) &
a1=$!
( for _ in $(seq 10); do in_ns "$ns" "$VXLANTUNE" apply --preset calico-incident --json >/dev/null 2>>"$tmp/apply.err" || echo "cli apply exit $?" >>"$tmp/apply.fail"; done ) &
a2=$!
(
	export PYTHONPATH="$top_builddir/bindings/python/.libs:$top_srcdir/bindings/python" LD_LIBRARY_PATH="$top_builddir/lib/.libs"
	in_ns "$ns" "${PYTHON:-python3}" -c '
import vxlantune
with vxlantune.Context() as ctx:
    for _ in range(10):
        ctx.apply("calico-incident")' 2>>"$tmp/apply.err" || echo "python apply failed" >>"$tmp/apply.fail"
) &
a3=$!
# ...and the Ansible modules, as a Kubespray run would (connection local,
# the module's interpreter inside the namespace).
a4=""
if command -v ansible >/dev/null; then
	mkdir -p "$tmp/coll/ansible_collections/vxlantune" "$tmp/home"
	ln -s "$(cd "$top_srcdir" && pwd)/ansible" "$tmp/coll/ansible_collections/vxlantune/node"
	(
		export ANSIBLE_COLLECTIONS_PATH="$tmp/coll" ANSIBLE_HOME="$tmp/home" ANSIBLE_LOCAL_TEMP="$tmp/home/tmp" \
			ANSIBLE_REMOTE_TEMP="$tmp/home/rtmp" ANSIBLE_CONFIG="$tmp/none.cfg" ANSIBLE_NOCOLOR=1
		b=$(cd "$top_builddir" && pwd); s=$(cd "$top_srcdir" && pwd)
		# A script, not a string with spaces: newer ansible-core quotes the
		# interpreter as one word.
		interp=$tmp/python-in-netns
		printf '#!/bin/sh\nexec ip netns exec %s env PYTHONPATH=%s LD_LIBRARY_PATH=%s %s "$@"\n' "$ns" \
			"$b/bindings/python/.libs:$s/bindings/python" "$b/lib/.libs" "${PYTHON:-/usr/bin/python3}" >"$interp"
		chmod 0755 "$interp"
		for _ in 1 2 3; do
			ansible all -i node, -c local -e "ansible_python_interpreter=$interp" -m vxlantune.node.offload \
				-a '{"interfaces": ["vxlan", "underlay"], "features": {"rx": false, "tx": false, "tso": false, "gso": false, "gro": false}}' \
				>>"$tmp/ansible.out" 2>&1 || echo "ansible offload exit $?" >>"$tmp/apply.fail"
			ansible all -i node, -c local -e "ansible_python_interpreter=$interp" -m vxlantune.node.sysctl_iface \
				-a '{"interfaces": ["all", "default", "*"], "settings": {"rp_filter": 0}}' \
				>>"$tmp/ansible.out" 2>&1 || echo "ansible sysctl_iface exit $?" >>"$tmp/apply.fail"
		done
	) &
	a4=$!
fi
cycles 800 201
wait $a1 $a2 $a3 $a4
settle
rss1=$(rss); fds1=$(fds)
echo "# 1,000 cycles and 30 concurrent applies took $(( $(date +%s) - t0 )) s"

t_check "watcher still running" kill -0 "$wpid"
t_check "no concurrent apply failed" test ! -s "$tmp/apply.fail"
if [ -s "$tmp/apply.fail" ]; then cat "$tmp/apply.fail" "$tmp/apply.err" | head -20; tail -30 "$tmp/ansible.out" 2>/dev/null; fi
t_check "the Ansible modules ran" sh -c "grep -c 'node | ' '$tmp/ansible.out' | grep -qx 6"
t_check "file descriptors flat ($fds0 -> $fds1)" test "$fds1" -eq "$fds0"
t_check "RSS flat ($rss0 -> $rss1 KiB)" test "$rss1" -le $((rss0 + 128))
t_check "the watcher noticed the overruns or events" sh -c "grep -q -E 're-applied|overrun' '$tmp/watch.log'"
# New cali* devices after the churn get the policy's rp_filter (default was 1).
for i in $(seq 1 40); do echo "link add calinew$i type veth peer name calpnew$i"; done > "$tmp/batch"
in_ns "$ns" ip -batch "$tmp/batch"
settle
# Final state: the policy's, checked independently.
off=$(in_ns "$ns" ethtool -k vxlan.calico | grep -c -E '^(rx-checksumming|tx-checksumming|tcp-segmentation-offload|generic-segmentation-offload|generic-receive-offload): off')
t_check "vxlan.calico offloads off after 1,000 re-creations" test "$off" -eq 5
left=$(in_ns "$ns" sh -c 'grep -L "^0$" /proc/sys/net/ipv4/conf/*/rp_filter | wc -l')
n=$(in_ns "$ns" sh -c 'ls /proc/sys/net/ipv4/conf | wc -l')
t_check "rp_filter 0 on all $n conf entries (left: $left)" test "$left" -eq 0
kill -TERM "$wpid"; wait "$wpid"; rc=$?; wpid=""
t_check "watcher exits 0 on SIGTERM after the churn" test "$rc" -eq 0
t_done
