#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The README's two commands:
#   tests/quickstart.sh demo   install, build, run the network-namespace lab demo
#   tests/quickstart.sh test   install, build, run every test suite
# Builds out of tree in ./build (Debian's /usr/bin/python3 for the bindings,
# since that is the interpreter that has pytest and Ansible).
set -eu
mode=${1:-test}
top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "quickstart: run as root (tests and the demo create network namespaces)" >&2; exit 2; }
sh "$top/tests/install-deps.sh"
cd "$top"
[ -x configure ] || autoreconf -fi >/dev/null
mkdir -p build
cd build
[ -f Makefile ] || ../configure --enable-werror PYTHON=/usr/bin/python3 ${CONFIGURE_FLAGS:-} >configure.out
make -j"$(nproc)" >make.out 2>&1 || { cat make.out; exit 1; }
case "$mode" in
demo)
	VXLANTUNE_BUILD=$(pwd) exec bash "$top/tests/lab/demo.sh"
	;;
test)
	rc=0
	ip netns list 2>/dev/null | awk '{print $1}' | sort >netns.before
	make -j"$(nproc)" check >check.out 2>&1 || rc=$?
	grep -E '^(PASS|FAIL|ERROR|XPASS|SKIP):' check.out || true
	if [ "$rc" -ne 0 ]; then
		for l in $(grep -l -E '^:test-result: (FAIL|ERROR)' $(find . -name '*.trs') | sed 's/\.trs$/.log/'); do
			echo "==== $l"; tail -n 60 "$l"
		done
	fi
	summary=$(sh "$top/tests/summarize.sh" $(find . -name '*.log' -path '*tests*' ! -name test-suite.log))
	# A suite that died before printing its counts still fails the run.
	if [ "$rc" -ne 0 ] && echo "$summary" | grep -q ' 0 failed'; then
		summary=$(echo "$summary" | sed 's/ 0 failed/ 1 failed/')
	fi
	# Tests must leave no network namespace behind.
	left=$(ip netns list 2>/dev/null | awk '{print $1}' | sort | comm -13 netns.before -)
	if [ -n "$left" ]; then
		echo "FAIL: namespaces left behind by the tests:" $left
		for ns in $left; do ip netns del "$ns" 2>/dev/null; done
		summary=$(echo "$summary" | awk '{ $3 = $3 + 1; print }')
		rc=1
	else
		echo "PASS: no namespace left behind"
		summary=$(echo "$summary" | awk '{ $1 = $1 + 1; print }')
	fi
	echo "$summary"
	exit "$rc"
	;;
*)
	echo "usage: $0 demo|test" >&2
	exit 2
	;;
esac
