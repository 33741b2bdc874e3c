#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Rerun the Check suites in a separate build: `asan` (AddressSanitizer +
# UndefinedBehaviorSanitizer, any report fails) or `valgrind` (leaks fail).
# Prints "N passed, N failed, N skipped" last.  Run from the source tree.
set -eu
mode=$1
top=$(cd "$(dirname "$0")/.." && pwd)
checks=$(cd "$top" && ls tests/check_*.c | sed 's/\.c$//' | tr '\n' ' ')
# Under ASan the CLI's shell tests run too (an instrumented vxlantune);
# Python and Ansible would need libasan preloaded into the interpreter.
cli_tests="tests/test_cli_offloads.sh tests/test_cli_sysctl.sh tests/test_cli_underlay.sh
	tests/test_cli_policy.sh tests/test_cli_check.sh tests/test_lab.sh"
dir="$top/build-$mode"
mkdir -p "$dir"
cd "$dir"
case "$mode" in
asan)
	san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -g -O1"
	[ -f Makefile ] || ../configure --enable-werror --disable-python CFLAGS="$san" LDFLAGS="-fsanitize=address,undefined" >configure.out
	export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
	extra=""
	checks="$checks $cli_tests"
	;;
valgrind)
	[ -f Makefile ] || ../configure --enable-werror --disable-python CFLAGS="-g -O1" >configure.out
	extra="LOG_COMPILER=$top/tests/valgrind.sh"
	;;
*)
	echo "usage: $0 asan|valgrind" >&2; exit 2 ;;
esac
make -j"$(nproc)" >make.out 2>&1 || { cat make.out; exit 1; }
rc=0
# shellcheck disable=SC2086
make check TESTS="$checks" $extra >check.out 2>&1 || rc=$?
grep -E '^(PASS|FAIL|ERROR):' check.out || true
for t in $checks; do
	if grep -q -E '^:test-result: (FAIL|ERROR)' "$t.trs" 2>/dev/null; then
		echo "==== $mode: $t.log"; tail -n 80 "$t.log"
	fi
done
summary=$(sh "$top/tests/summarize.sh" $(for t in $checks; do echo "$t.log"; done))
if [ "$rc" -ne 0 ] && echo "$summary" | grep -q ' 0 failed'; then
	summary=$(echo "$summary" | sed 's/ 0 failed/ 1 failed/')
fi
echo "$summary"
exit "$rc"
