# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash disable=SC2034,SC2154
# (SC2034: the variables are for the sourcing test; SC2154: top_srcdir and
# top_builddir come from tests/lib.sh.)
# Helpers for the tests that run the collection (ansible/, vxlantune.node)
# under Debian's ansible-core.  Source it after tests/lib.sh; it sets
#   SRC BUILD COLL  the source tree, the build tree, the collection
#   TMP             a scratch directory, removed on exit
#   CTRL_PY         the controller's interpreter (ansible-playbook's #!)
#   PY              the nodes' interpreter (configure's PYTHON)
#   BINDINGS        env assignments that make PY import the build tree's bindings
# and points ANSIBLE_* at TMP, so that nothing of the machine's own Ansible
# configuration, cache or collections (but Debian's) is used.
SRC=$(cd "$top_srcdir" && pwd)
BUILD=$(cd "$top_builddir" && pwd)
COLL=$SRC/ansible
# The nodes' interpreter: the one the bindings were built for (Debian's
# /usr/bin/python3 on a stock machine).
PY=${PYTHON:-/usr/bin/python3}

if ! command -v ansible-playbook >/dev/null; then
	t_fail "ansible-playbook not found (tests/install-deps.sh installs ansible-core)"
	t_done; exit
fi
# shellcheck disable=SC2207
CTRL_PY=($(sed -n '1s/^#! *//p' "$(command -v ansible-playbook)"))

TMP=$(mktemp -d "/tmp/vxt-${ANSIBLE_TEST_NAME:-ansible}.XXXXXX")
trap 't_cleanup; [ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
mkdir -p "$TMP/coll/ansible_collections/vxlantune" "$TMP/home" "$TMP/py"
ln -s "$COLL" "$TMP/coll/ansible_collections/vxlantune/node"
export ANSIBLE_COLLECTIONS_PATH="$TMP/coll" ANSIBLE_HOME="$TMP/home" \
	ANSIBLE_LOCAL_TEMP="$TMP/home/tmp" ANSIBLE_REMOTE_TEMP="$TMP/home/rtmp" \
	ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0 ANSIBLE_CONFIG="$TMP/none.cfg" \
	PYTHONPYCACHEPREFIX="$TMP/pyc"
BINDINGS="PYTHONPATH=$BUILD/bindings/python/.libs:$SRC/bindings/python LD_LIBRARY_PATH=$BUILD/lib/.libs"

# netns_python NAME NS COMMAND...: write $TMP/py/NAME, an interpreter for
# Ansible that runs COMMAND (env assignments, the python, its options) in
# network namespace NS with the arguments Ansible gives.  A script, not an
# interpreter string with spaces: newer ansible-core quotes
# ansible_python_interpreter as one word.
netns_python() {
	local name=$1 ns=$2; shift 2
	{
		echo '#!/bin/bash'
		echo "# Ansible's interpreter for $name: Python in network namespace $ns."
		printf 'exec ip netns exec %q env' "$ns"
		printf ' %q' "$@"
		echo ' "$@"'
	} >"$TMP/py/$name"
	chmod 0755 "$TMP/py/$name"
}

# play NAME INVENTORY [args...]: ansible-playbook; output in $TMP/NAME.out,
# exit code in $RC.
play() {
	local name=$1 inv=$2; shift 2
	RC=0
	(cd "$TMP" && ansible-playbook -i "$inv" "$@") >"$TMP/$name.out" 2>&1 || RC=$?
}
# recap NAME HOST FIELD: a number from the PLAY RECAP line of HOST.
recap() {
	awk -v h="$2" -v f="$3" '$1 == h && $2 == ":" { for (i = 3; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$TMP/$1.out"
}
show() { echo "--- $1 (exit $RC)"; sed 's/^/  /' "$TMP/$1.out" | tail -n "${2:-40}"; }
expect_recap() { # NAME HOST changed [failed]
	local c f
	c=$(recap "$1" "$2" changed); f=$(recap "$1" "$2" failed)
	if [ "$RC" -eq 0 ] && [ "$c" = "$3" ] && [ "$f" = "${4:-0}" ]; then t_ok "$1: $2 changed=$3"
	else t_fail "$1: $2 changed=$c failed=$f (want changed=$3)"; show "$1"; fi
}
# changed_some NAME HOST...: the play passed and changed something on each HOST.
changed_some() {
	local name=$1 h; shift
	[ "$RC" -eq 0 ] || return 1
	for h in "$@"; do [ "$(recap "$name" "$h" changed)" -gt 0 ] || return 1; done
}
out_has() { grep -qF -- "$2" "$TMP/$1.out" || { echo "  '$2' not in $1 output"; return 1; }; }
