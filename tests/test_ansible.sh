#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Ansible collection (ansible/, vxlantune.node) under Debian's
# ansible-core: static checks, then ansible-playbook against "nodes" that
# are network namespaces on this machine (connection local, the interpreter
# a wrapper script around `ip netns exec NS`), with the just-built
# bindings.  Every state claim is checked with ethtool -k and /proc, not
# with the modules' word.
. "${top_srcdir:-.}/tests/lib.sh"
ANSIBLE_TEST_NAME=ansible
. "$top_srcdir/tests/ansible_lib.sh"
PREFIX="vxt-ans$$"
INV=$COLL/tests/inventory.yml
VARS="vxt_tmp=$TMP vxt_bin=$BUILD/tools/vxlantune"
# play_nodes NAME [args...]: the test inventory, the build tree's bindings.
play_nodes() { local name=$1; shift; play "$name" "$INV" -e "$VARS" "$@"; }

mk_node() { # HOST IDX: underlay veth with a default route, vxlan.calico, cali* veths
	local ns=$PREFIX-$1 i=$2 o
	ip netns del "$ns" 2>/dev/null || true
	ip netns add "$ns" || exit 99
	T_NETNS="$T_NETNS $ns"
	ip -n "$ns" link set lo up
	# shellcheck disable=SC2086
	netns_python "$1" "$ns" $BINDINGS "$PY"
	ip -n "$ns" link add u0 type veth peer name u0p
	ip -n "$ns" addr add "192.0.2.$i/24" dev u0
	ip -n "$ns" link set u0 up
	ip -n "$ns" link set u0p up
	ip -n "$ns" route add default via 192.0.2.254 dev u0
	ip -n "$ns" link add vxlan.calico type vxlan id 4096 dstport 4789 dev u0 local "192.0.2.$i"
	ip -n "$ns" link set vxlan.calico up
	ip -n "$ns" link add cali0a type veth peer name cali0b
	ip -n "$ns" link set cali0a up
	ip -n "$ns" link set cali0b up
	# Calico's strict mode everywhere, so that every preset has work to do.
	for o in all default lo u0 u0p vxlan.calico cali0a cali0b; do
		ip netns exec "$ns" sh -c "echo 1 > /proc/sys/net/ipv4/conf/$o/rp_filter"
	done
}
# state HOST: every interface's ethtool -k and rp_filter, for before/after comparisons.
state() {
	local ns=$PREFIX-$1 o
	for o in u0 u0p vxlan.calico cali0a cali0b; do ip netns exec "$ns" ethtool -k "$o"; done
	for o in all default lo u0 u0p vxlan.calico cali0a cali0b; do
		echo "$o $(ip netns exec "$ns" cat "/proc/sys/net/ipv4/conf/$o/rp_filter")"
	done
}
rpf() { rp_filter "$PREFIX-$1" "$2"; }
feat() { feature "$PREFIX-$1" "$2" "$3"; }

# ------------------------------------------------------------ static checks
t_check "py_compile plugins" "${CTRL_PY[@]}" -m py_compile "$COLL"/plugins/modules/*.py "$COLL"/plugins/module_utils/*.py
# Every module, and the role's argument_specs, render with ansible-doc.
MODULES=$(for f in "$COLL"/plugins/modules/*.py; do basename "$f" .py; done)
for m in $MODULES; do
	if ansible-doc "vxlantune.node.$m" >"$TMP/doc-$m.out" 2>&1 &&
	   grep -q "^OPTIONS" "$TMP/doc-$m.out" && grep -q "^EXAMPLES" "$TMP/doc-$m.out" &&
	   grep -q "^RETURN VALUES" "$TMP/doc-$m.out" && ! grep -q "^\[WARNING\]\|^ERROR" "$TMP/doc-$m.out"; then
		t_ok "ansible-doc vxlantune.node.$m"
	else t_fail "ansible-doc vxlantune.node.$m"; sed 's/^/  /' "$TMP/doc-$m.out" | head -20; fi
done
t_check "ansible-doc lists every module" sh -c \
	"ansible-doc -l vxlantune.node 2>&1 | grep -c '^vxlantune.node\.' | grep -qx $(echo "$MODULES" | wc -w)"
if ansible-doc -t role vxlantune.node.vxlantune >"$TMP/doc-role.out" 2>&1 &&
   grep -q "ENTRY POINT: \*\?main" "$TMP/doc-role.out" && grep -q "vxlantune_underlay_method" "$TMP/doc-role.out" &&
   ! grep -q "^\[WARNING\]\|^ERROR" "$TMP/doc-role.out"; then t_ok "ansible-doc -t role vxlantune.node.vxlantune (argument_specs)"
else t_fail "ansible-doc -t role vxlantune.node.vxlantune"; sed 's/^/  /' "$TMP/doc-role.out" | head -20; fi
for pb in "$COLL"/tests/modules.yml "$COLL"/tests/errors.yml "$COLL"/tests/rollback.yml "$COLL"/tests/role.yml "$COLL"/examples/vxlantune.yml; do
	t_check "syntax-check ${pb#"$SRC"/}" sh -c \
		"cd '$TMP' && ansible-playbook -i '$COLL/tests/inventory.yml' --syntax-check '$pb' >/dev/null 2>&1"
done
# ansible-test sanity: the tests that need no virtualenv (pip, network);
# validate-modules, pylint, pep8, yamllint and import would install theirs
# from PyPI, which is not reachable here.  On a copy: it may write output.
if command -v ansible-test >/dev/null; then
	mkdir -p "$TMP/ats/ansible_collections/vxlantune" "$TMP/ats/home"
	cp -r "$COLL" "$TMP/ats/ansible_collections/vxlantune/node"
	SANITY=""
	for t in action-plugin-docs compile empty-init future-import-boilerplate line-endings \
		metaclass-boilerplate no-assert no-basestring no-dict-iteritems no-dict-iterkeys \
		no-dict-itervalues no-get-exception no-illegal-filenames no-main-display \
		no-smart-quotes no-unicode-literals replace-urlopen shebang symlinks \
		use-argspec-type-path use-compat-six; do SANITY="$SANITY --test $t"; done
	if (cd "$TMP/ats/ansible_collections/vxlantune/node" && HOME="$TMP/ats/home" \
		ansible-test sanity --python "$("${CTRL_PY[@]}" -c 'import sys; print("%d.%d" % sys.version_info[:2])')" \
		$SANITY) >"$TMP/sanity.out" 2>&1; then t_ok "ansible-test sanity (offline tests)"
	else t_fail "ansible-test sanity (offline tests)"; grep -v locale "$TMP/sanity.out" | tail -20; fi
fi
# fail_on logic of health_info, without the library's health check.
t_check "health_info fail_on levels" env $BINDINGS PYTHONPATH="$TMP/coll:$BUILD/bindings/python/.libs:$SRC/bindings/python" "${CTRL_PY[@]}" -c '
from ansible_collections.vxlantune.node.plugins.modules.health_info import failing
r = {"verdict": "v", "findings": [
    {"code": "rp-filter", "severity": "warning", "object": "vxlan.calico", "message": "m", "remedies": []},
    {"code": "offload-state", "severity": "info", "object": "lo", "message": "i", "remedies": []}]}
assert failing(r, "error") == [] and failing(r, "never") == []
assert failing(r, "warning") == ["[warning] vxlan.calico: m"], failing(r, "warning")
r["findings"][0]["severity"] = "error"
assert len(failing(r, "error")) == 1 and len(failing(r, "warning")) == 1
'

# ------------------------------------------------ modules: check, apply, rerun
mk_node node1 1
state node1 >"$TMP/before"
play_nodes check --limit node1 --check --diff "$COLL/tests/modules.yml"
expect_recap check node1 3
state node1 >"$TMP/after"
t_check "check mode: ethtool -k and /proc unchanged" cmp -s "$TMP/before" "$TMP/after"
t_check "check mode: no drop-in written" test ! -e "$TMP/99-vxlantune.conf"
t_check "check --diff: vxlan.calico before/after" sh -c "grep -A4 '^+++ after: vxlan.calico' '$TMP/check.out' | grep -qx -- '-tx-checksum-ip-generic: on' &&
	grep -A6 '^+++ after: vxlan.calico' '$TMP/check.out' | grep -qx -- '+tx-checksum-ip-generic: off'"
t_check "check --diff: u0 and cali0b shown" sh -c "grep -q '^+++ after: u0$' '$TMP/check.out' && grep -q '^+++ after: cali0b$' '$TMP/check.out'"
t_check "check --diff: sysctl in slash form" out_has check "+net/ipv4/conf/vxlan.calico/rp_filter = 2"
t_check "check --diff: drop-in file content" out_has check "+net.ipv4.conf.cali0a.rp_filter = 1"

play_nodes apply --limit node1 "$COLL/tests/modules.yml"
expect_recap apply node1 3
t_check "apply: vxlan.calico tx-checksum-ip-generic off" test "$(feat node1 vxlan.calico tx-checksum-ip-generic)" = off
t_check "apply: vxlan.calico gro off" test "$(feat node1 vxlan.calico generic-receive-offload)" = off
t_check "apply: u0 gro off, tx checksum off" test "$(feat node1 u0 generic-receive-offload)/$(feat node1 u0 tx-checksum-ip-generic)" = off/off
t_check "apply: cali0a/cali0b tso off" test "$(feat node1 cali0a tcp-segmentation-offload)/$(feat node1 cali0b tcp-segmentation-offload)" = off/off
t_check "apply: u0p untouched" test "$(feat node1 u0p tx-checksum-ip-generic)" = on
t_check "apply: rp_filter vxlan.calico=2 default=2 cali0a=1 cali0b=0 all=1" \
	test "$(rpf node1 vxlan.calico) $(rpf node1 default) $(rpf node1 cali0a) $(rpf node1 cali0b) $(rpf node1 all)" = "2 2 1 0 1"
t_check "apply: drop-in has the slash key" grep -qx "net/ipv4/conf/vxlan.calico/rp_filter = 2" "$TMP/99-vxlantune.conf"
play_nodes rerun --limit node1 "$COLL/tests/modules.yml"
expect_recap rerun node1 0
play_nodes recheck --limit node1 --check "$COLL/tests/modules.yml"
expect_recap recheck node1 0

# ------------------------------------------------------------ failure paths
play_nodes errors --limit node1 "$COLL/tests/errors.yml"
expect_recap errors node1 0
t_check "errors: no traceback" sh -c "! grep -q Traceback '$TMP/errors.out'"
t_check "errors: state still as applied" test "$(feat node1 vxlan.calico tx-udp_tnl-segmentation)" = off

# An apply that cannot complete: refused, or rolled back (issue 14).
rp_before="$(rpf node1 cali0a) $(rpf node1 cali0b)"
play_nodes rollback --limit node1 "$COLL/tests/rollback.yml"
expect_recap rollback node1 0
t_check "rollback: rp_filter of cali0a/cali0b as before ($rp_before)" \
	test "$(rpf node1 cali0a) $(rpf node1 cali0b)" = "$rp_before"
t_check "rollback: IPv6 MTU of cali0b unchanged" \
	test "$(ip netns exec "$PREFIX-node1" cat /proc/sys/net/ipv6/conf/cali0b/mtu)" = 1500

# Without the bindings: Ansible's missing-library message, not a traceback.
# -S keeps an installed copy (dist-packages) out of sys.path too.
netns_python node1-nobindings "$PREFIX-node1" PYTHONPATH="$TMP/nothing" "$PY" -S
play_nodes missing -e "ansible_python_interpreter=$TMP/py/node1-nobindings" --limit node1 "$COLL/tests/modules.yml"
t_check "missing bindings: task fails" test "$RC" -ne 0 -a "$(recap missing node1 failed)" = 1
t_check "missing bindings: missing_required_lib message" out_has missing "Failed to import the required Python library (vxlantune)"
t_check "missing bindings: install hint" out_has missing "./configure --enable-python PYTHON=/usr/bin/python3"
t_check "missing bindings: names the Debian packages" out_has missing "python3-vxlantune (dpkg-buildpackage -b"
t_check "missing bindings: no traceback" sh -c "! grep -q Traceback '$TMP/missing.out'"

# -------------------------------------------------- the role on two nodes
mk_node node1 1
mk_node node2 2
state node1 >"$TMP/before1"; state node2 >"$TMP/before2"
play_nodes rolecheck --check --diff "$COLL/tests/role.yml"
t_check "role --check: both nodes would change" sh -c "test $RC -eq 0 && test $(recap rolecheck node1 changed) -gt 0 && test $(recap rolecheck node2 changed) -gt 0" || show rolecheck
state node1 >"$TMP/after1"; state node2 >"$TMP/after2"
t_check "role --check: nothing changed on either node" sh -c "cmp -s '$TMP/before1' '$TMP/after1' && cmp -s '$TMP/before2' '$TMP/after2'"
play_nodes role "$COLL/tests/role.yml"
t_check "role: both nodes changed, none failed" sh -c "test $RC -eq 0 && test $(recap role node1 changed) -gt 0 && test $(recap role node2 changed) -gt 0" || show role
for h in node1 node2; do
	bad=""
	for o in u0 vxlan.calico; do
		for f in rx-checksumming tx-checksumming tcp-segmentation-offload generic-segmentation-offload generic-receive-offload; do
			[ "$(feat $h $o $f)" = off ] || bad="$bad $o:$f"
		done
	done
	t_check "role: $h offloads of calico-incident (ethtool -k)" test -z "$bad" || echo "  still on:$bad"
	t_check "role: $h cali0a offloads untouched" test "$(feat $h cali0a tx-checksum-ip-generic)" = on
	t_check "role: $h rp_filter all/default/lo/u0/vxlan.calico=0, cali*=1" \
		test "$(rpf $h all)$(rpf $h default)$(rpf $h lo)$(rpf $h u0)$(rpf $h vxlan.calico) $(rpf $h cali0a)$(rpf $h cali0b)" = "00000 11"
	t_check "role: $h policy file" sh -c "grep -qxF 'method = interface=^u0\$' '$TMP/$h/vxlantune.conf' &&
		grep -qxF '[sysctl cali*]' '$TMP/$h/vxlantune.conf' && grep -qxF 'features = rx off tx off tso off gso off gro off' '$TMP/$h/vxlantune.conf'"
	t_check "role: $h unit file" grep -qx "ExecStart=$BUILD/tools/vxlantune watch --config $TMP/$h/vxlantune.conf --state /run/vxlantune/watch.json --responder" "$TMP/$h/vxlantune.service"
	t_check "role: $h drop-in" grep -qx "net/ipv4/conf/vxlan.calico/rp_filter = 0" "$TMP/$h-99-vxlantune.conf"
done
# The policy the role wrote for the watch service means what the role did:
# the library's own apply of it finds nothing to change.
for h in node1 node2; do
	t_check "role: $h policy applied by vxlantune finds nothing to change" sh -c \
		"ip netns exec '$PREFIX-$h' '$VXLANTUNE' apply --config '$TMP/$h/vxlantune.conf' --dry-run >'$TMP/apply-$h.out' 2>&1 &&
		 grep -q '^dry run: 0 would change' '$TMP/apply-$h.out'" || sed 's/^/  /' "$TMP/apply-$h.out"
done
play_nodes rolererun "$COLL/tests/role.yml"
expect_recap rolererun node1 0
expect_recap rolererun node2 0
# Selectors that give one key two values (the preset's "*" = 0 and cali* =
# 1): the library rejects the policy, and the role fails before changing
# anything.
play_nodes conflict --limit node1 -e '{"vxlantune_rp_filter": {"cali*": 1}}' "$COLL/tests/role.yml"
t_check "conflicting rp_filter: role fails with the library's message" sh -c \
	"test $RC -ne 0 && grep -q 'conflicting values for net.ipv4.conf.cali0.\.rp_filter' '$TMP/conflict.out'" || show conflict
t_check "conflicting rp_filter: nothing changed" test "$(recap conflict node1 changed)" = 0

t_done
