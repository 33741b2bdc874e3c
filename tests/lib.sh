# SPDX-License-Identifier: LGPL-2.1-or-later
# Shell test helpers.  Source it, call t_ok/t_fail (or t_check), and end
# with t_done: it prints "# shell: N passed, N failed" for the summary and
# exits non-zero if anything failed.  Networking tests run in namespaces
# made with t_netns, removed on exit (also on Ctrl-C).
set -u
T_PASSED=0
T_FAILED=0
T_NETNS=""
VXLANTUNE=${VXLANTUNE:-${top_builddir:-.}/tools/vxlantune}
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}

t_ok()   { T_PASSED=$((T_PASSED + 1)); echo "PASS: $*"; }
t_fail() { T_FAILED=$((T_FAILED + 1)); echo "FAIL: $*"; }
# t_check "name" command...: passes when the command exits 0.
t_check() {
	local name=$1; shift
	if "$@"; then t_ok "$name"; else t_fail "$name"; fi
}
# t_expect_rc RC "name" command...: passes when the command exits RC.
t_expect_rc() {
	local want=$1 name=$2; shift 2
	local rc=0
	"$@" || rc=$?
	if [ "$rc" -eq "$want" ]; then t_ok "$name"; else t_fail "$name (exit $rc, want $want)"; fi
}
# Namespaces are named vxt-WHAT-$$ and found again by that suffix: t_netns
# usually runs in a $(...) subshell, whose variables do not come back.
t_cleanup() {
	local ns
	for ns in $T_NETNS $(ip netns list 2>/dev/null | awk -v s="-$$" 'substr($1, length($1) - length(s) + 1) == s { print $1 }'); do
		ip netns del "$ns" 2>/dev/null || true
	done
	T_NETNS=""
}
trap t_cleanup EXIT
trap 't_cleanup; exit 130' INT TERM
# t_netns NAME: create a unique namespace; prints its name.
t_netns() {
	local ns="vxt-$1-$$"
	ip netns add "$ns" || { echo "cannot create netns $ns (run as root)" >&2; exit 99; }
	ip -n "$ns" link set lo up
	T_NETNS="$T_NETNS $ns"
	echo "$ns"
}
# in NS command...: run in a namespace.
in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# feature NS IF NAME: on/off as ethtool -k shows it.
feature() { ip netns exec "$1" ethtool -k "$2" | awk -v f="$3" '{ sub(/^[ \t]+/, "") } $1 == f ":" { print $2; exit }'; }
# rp_filter NS OBJ: net.ipv4.conf.OBJ.rp_filter as /proc has it.
rp_filter() { ip netns exec "$1" cat "/proc/sys/net/ipv4/conf/$2/rp_filter"; }
t_done() {
	echo "# shell: $T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" -eq 0 ]
}
