#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Table-driven bad-input suite (cases.txt): every case fails as expected and
# leaves the node exactly as it was.
. "${top_srcdir:-.}/tests/lib.sh"
here="$top_srcdir/tests/bad-input"
ns=$(t_netns bad)
in_ns "$ns" sh -e -c '
ip link add eth0 type veth peer name eth0p; ip link set eth0 up; ip link set eth0p up
ip addr add 198.51.100.10/24 dev eth0; ip route add default via 198.51.100.1 dev eth0
ip link add veth0 type veth peer name veth1
ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0; ip link set vxlan.calico up
ip link add cali1 type veth peer name cali1p
echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 2 > /proc/sys/net/ipv4/conf/cali1/rp_filter'
T=$(mktemp -d)
trap 'rm -rf "$T"; t_cleanup' EXIT
# $K holds files a failed write must leave exactly as they are (an old
# snapshot, textfile and drop-in, a victim for symlinks); cases aim their
# writes there and the state below includes it, leftovers included.
K=$T/keep
mkdir "$K"
echo '{"old": "snapshot"}' > "$K/old.json"
echo 'vxlantune_check_verdict{verdict="healthy"} 0' > "$K/old.prom"
echo 'net.ipv4.conf.all.rp_filter = 1' > "$K/60-old.conf"
echo 'root secret' > "$K/victim"; chmod 600 "$K/victim"
export V="$VXLANTUNE" T K
export PY="${PYTHON:-python3}"
export PYTHONPATH="$top_builddir/bindings/python/.libs:$top_srcdir/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
export LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export E="$PY $here/expect_error.py"
state() {
	in_ns "$ns" sh -c 'for d in $(ip -o link show | awk -F": " "{print \$2}" | cut -d@ -f1); do ethtool -k "$d"; done
		grep -r . /proc/sys/net/ipv4/conf/ 2>/dev/null | sort'
	in_ns "$ns" "$V" snapshot --preset calico-incident -o - 2>/dev/null | grep -v '"created"'
	(cd "$K" && ls -lA --time-style=+ . && sha256sum -- *)
}
n=0
while IFS=$'\t' read -r name rc want cmd; do
	case "$name" in ''|'#'*) continue ;; esac
	n=$((n + 1))
	before=$(state)
	out=$(in_ns "$ns" sh -c "$cmd" 2>&1); got=$?
	after=$(state)
	problems=""
	[ "$got" -eq "$rc" ] || problems="$problems exit $got (want $rc);"
	case "$out" in *"$want"*) ;; *) problems="$problems output lacks '$want';" ;; esac
	[ "$before" = "$after" ] || problems="$problems STATE CHANGED;"
	if [ -z "$problems" ]; then
		t_ok "$name"
	else
		t_fail "$name:$problems"
		echo "    command: $cmd"
		echo "    output: $(echo "$out" | head -c 400)"
	fi
done < "$here/cases.txt"
t_check "the table has at least 90 cases ($n)" test "$n" -ge 90
t_done
