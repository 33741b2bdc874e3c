#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The fleet diagnosis (role vxlantune.node.diagnose) on the emulated-NIC
# lab, the two node namespaces as Ansible hosts (connection local, an
# interpreter wrapper that runs python3 under `ip netns exec NODE`).  Each
# node's end state is compared with its starting state by ethtool -k and
# /proc/sys, per device:
#   encap-csum on both NICs: healthy after exactly one checksum change per
#     node, everything else as it was, in under 60 s; rerun changes nothing
#   tnl-gso on node 1's NIC: the fix is on node 1 (the sender) only
#   no-csum on both: the underlay's tx checksum off on both nodes
# The role starts a responder per node (none runs before) and stops it.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
SRC=$(cd "$top_srcdir" && pwd)
BUILD=$(cd "${top_builddir:-.}" && pwd)
if ! command -v ansible-playbook >/dev/null; then
	t_fail "ansible-playbook not found (tests/install-deps.sh installs ansible-core)"; t_done; exit
fi
TMP=$(mktemp -d /tmp/vxt-dgfleet.XXXXXX)
LAB_UNDERLAY=nic
LAB_NO_TRAP=1 lab_up "vxtdf-$$" >/dev/null || { t_fail "lab up"; t_done; exit 1; }
trap 'lab_down >/dev/null 2>&1; [ -n "${KEEP:-}" ] || rm -rf "$TMP"; t_cleanup' EXIT
trap 'lab_down >/dev/null 2>&1; rm -rf "$TMP"; t_cleanup; exit 130' INT TERM

mkdir -p "$TMP/coll/ansible_collections/vxlantune" "$TMP/home" "$TMP/hv"
ln -s "$SRC/ansible" "$TMP/coll/ansible_collections/vxlantune/node"
export ANSIBLE_COLLECTIONS_PATH="$TMP/coll" ANSIBLE_HOME="$TMP/home" ANSIBLE_LOCAL_TEMP="$TMP/home/tmp" \
	ANSIBLE_REMOTE_TEMP="$TMP/home/rtmp" ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 \
	ANSIBLE_CONFIG="$TMP/none.cfg" PYTHONPYCACHEPREFIX="$TMP/pyc" ANSIBLE_FORCE_COLOR=0
write_wrappers() {
for n in n1 n2; do
	cat >"$TMP/py-$n" <<EOS
#!/bin/sh
exec ip netns exec $(lab_ns $n) env PYTHONPATH=$BUILD/bindings/python/.libs:$SRC/bindings/python LD_LIBRARY_PATH=$BUILD/lib/.libs ${PYTHON:-/usr/bin/python3} "\$@"
EOS
	chmod +x "$TMP/py-$n"
done
}
write_wrappers
cat >"$TMP/inventory.yml" <<EOF2
all:
  vars:
    ansible_connection: local
    vxlantune_diagnose_bin: $BUILD/tools/vxlantune
    vxlantune_diagnose_host_vars_dir: $TMP/hv
  hosts:
    n1: {ansible_python_interpreter: $TMP/py-n1}
    n2: {ansible_python_interpreter: $TMP/py-n2}
EOF2
cat >"$TMP/diagnose.yml" <<'EOF2'
- hosts: all
  gather_facts: false
  roles:
    - vxlantune.node.diagnose
EOF2
play() { # NAME [ARGS]: run the role; output $TMP/NAME.out, exit $RC, seconds $SECS
	local name=$1 t0; shift
	t0=$(date +%s.%N); RC=0
	(cd "$TMP" && ansible-playbook -i inventory.yml diagnose.yml "$@") >"$TMP/$name.out" 2>&1 || RC=$?
	SECS=$(echo "$(date +%s.%N) - $t0" | bc)
}
show() { sed "s/^/# /" "$TMP/$1.out" | tail -n 40; }
devstate() { # NODE DEV: its features as ethtool -k prints them
	lab_exec "$1" ethtool -k "$2"
}
sysstate() { lab_exec "$1" sh -c 'cd /proc/sys/net/ipv4/conf && grep -r . */rp_filter'; }
save() { # TAG
	for n in n1 n2; do
		devstate $n vxlan.calico >"$TMP/$1.$n.vx"; devstate $n u${n#n} >"$TMP/$1.$n.u"; sysstate $n >"$TMP/$1.$n.sys"
	done
}
# What changed on one device, as ethtool prints it: consequences the kernel
# draws ("off [requested on]") and ethtool's group lines left out.
changed() { # FROM TO NODE KIND
	diff "$TMP/$1.$3.$4" "$TMP/$2.$3.$4" | grep '^>' | grep -v 'requested on\]' | sed 's/^>[[:space:]]*//' |
		grep -Ev '^(tcp-segmentation-offload|scatter-gather|tx-checksumming):' | sort -u | tr '\n' ' ' | sed 's/ $//'
}
fresh_lab() { # a new lab for the next case: no state carried over
	lab_down >/dev/null 2>&1
	LAB_NO_TRAP=1 lab_up "vxtdf-$$" >/dev/null || { t_fail "lab up"; t_done; exit 1; }
	write_wrappers
}
same_all() { # TAG1 TAG2 KINDS...: every node's files of these kinds identical
	local a=$1 b=$2 n k; shift 2
	for n in n1 n2; do for k in "$@"; do cmp -s "$TMP/$a.$n.$k" "$TMP/$b.$n.$k" || return 1; done; done
}
responders() { # responders running in this lab's nodes
	local n pid c=0
	for n in n1 n2; do
		for pid in $(ip netns pids "$(lab_ns $n)"); do
			tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q ' responder ' && c=$((c + 1))
		done
	done
	echo $c
}

save start
t_check "no responder runs before" [ "$(responders)" -eq 0 ]

# ---- encap-csum on both NICs: the incident
lab_nic encap-csum both >/dev/null
t_check "encap-csum: TCP across the overlay fails before (labsrv)" eval '! lab_tcp'
play encap
t_check "encap-csum: the role succeeds" [ "$RC" -eq 0 ] ; [ "$RC" -eq 0 ] || show encap
t_check "encap-csum: in under 60 s ($SECS s)" [ "$(echo "$SECS < 60" | bc)" -eq 1 ]
t_check "encap-csum: outcome fixed" grep -q '"outcome": "fixed"' "$TMP/encap.out"
save encap
for n in n1 n2; do
	cv=$(changed start encap $n vx); cu=$(changed start encap $n u)
	t_check "encap-csum: $n: exactly one checksum change (vxlan.calico: '$cv'; u${n#n}: '$cu')" \
		eval '{ [ "$cv" = "tx-checksum-ip-generic: off" ] && [ -z "$cu" ]; } || { [ -z "$cv" ] && [ "$cu" = "tx-checksum-ip-generic: off" ]; }'
	t_check "encap-csum: $n: sysctls as they were" cmp -s "$TMP/start.$n.sys" "$TMP/encap.$n.sys"
done
t_check "encap-csum: TCP across the overlay passes after (labsrv)" lab_tcp
t_check "encap-csum: UDP across the overlay passes after (labsrv)" lab_udp
t_check "encap-csum: host_vars written for both (vxlantune_offloads)" \
	eval 'grep -q "vxlantune_offloads:" "$TMP/hv/n1.yml" && grep -q "vxlantune_offloads:" "$TMP/hv/n2.yml"'
t_check "encap-csum: the responders the role started are stopped" [ "$(responders)" -eq 0 ]
play rerun
t_check "rerun: succeeds, healthy as found" eval '[ "$RC" -eq 0 ] && grep -q "\"outcome\": \"healthy\"" "$TMP/rerun.out"' ; [ "$RC" -eq 0 ] || show rerun
save rerun
t_check "rerun: nothing changed (ethtool -k, /proc/sys)" same_all encap rerun vx u sys

# ---- check mode: the plan only
fresh_lab
lab_nic encap-csum both >/dev/null
save reset
play check --check
t_check "check mode: succeeds and prints the plan" eval '[ "$RC" -eq 0 ] && grep -q "first_trial" "$TMP/check.out"' ; [ "$RC" -eq 0 ] || show check
save checkmode
t_check "check mode: nothing changed" same_all reset checkmode vx u sys

# ---- tnl-gso on node 1's NIC: the fix is on the sender only
fresh_lab
save reset
lab_nic tnl-gso n1 >/dev/null
play gso
t_check "tnl-gso: the role succeeds, fixed" eval '[ "$RC" -eq 0 ] && grep -q "\"outcome\": \"fixed\"" "$TMP/gso.out"' ; [ "$RC" -eq 0 ] || show gso
save gso
c1=$(changed reset gso n1 u)$(changed reset gso n1 vx); c2=$(changed reset gso n2 u)$(changed reset gso n2 vx)
t_check "tnl-gso: node 1 changed segmentation only ('$c1')" eval '[ -n "$c1" ] && ! echo "$c1" | tr " " "\n" | grep -v "^off$" | grep -qv "segmentation"'
t_check "tnl-gso: node 2 unchanged ('$c2')" [ -z "$c2" ]

# ---- no-csum on both: the underlay's tx checksum off on both
fresh_lab
save reset
lab_nic no-csum both >/dev/null
play nocsum
t_check "no-csum: the role succeeds, fixed" eval '[ "$RC" -eq 0 ] && grep -q "\"outcome\": \"fixed\"" "$TMP/nocsum.out"' ; [ "$RC" -eq 0 ] || show nocsum
save nocsum
for n in n1 n2; do
	cv=$(changed reset nocsum $n vx); cu=$(changed reset nocsum $n u)
	t_check "no-csum: $n: the underlay's tx checksum off, nothing else (u${n#n}: '$cu'; vxlan.calico: '$cv')" \
		eval '[ "$cu" = "tx-checksum-ip-generic: off" ] && [ -z "$cv" ]'
done
t_done
