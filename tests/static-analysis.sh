#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Static analysis, two tests:
#  1. cppcheck --enable=warning,performance,portability over lib/ and tools/,
#     with the justified suppressions of .cppcheck-suppressions;
#  2. clang's static analyzer (scan-build --status-bugs) over a fresh
#     configure + make; every finding must match a justified line of
#     .scan-build-suppressions.
# Prints "N passed, N failed" last; exits non-zero on any failure.
# Usage: tests/static-analysis.sh [BUILDDIR]   (default /tmp/build-static-analysis)
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/build-static-analysis}
passed=0 failed=0
ok() { echo "PASS: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL: $1"; failed=$((failed + 1)); }

# ---- cppcheck ---------------------------------------------------------------
if ! command -v cppcheck >/dev/null; then
	bad "cppcheck: not installed (apt-get install cppcheck; see tests/install-deps.sh)"
else
	# Only the project's headers: the system's would be analysed too and
	# take minutes, for findings in glibc.
	if out=$(cppcheck --enable=warning,performance,portability --error-exitcode=1 --inline-suppr \
		--suppressions-list="$top/.cppcheck-suppressions" --std=c11 -q \
		-I "$top/include" "$top/lib" "$top/tools" 2>&1); then
		ok "cppcheck lib/ tools/ ($(cppcheck --version))"
	else
		echo "$out"
		bad "cppcheck lib/ tools/: findings above (fix them, or justify each in .cppcheck-suppressions)"
	fi
fi

# ---- scan-build ---------------------------------------------------------------
sb=$(command -v scan-build-14 || command -v scan-build || true)
if [ -z "$sb" ]; then
	bad "scan-build: not installed (apt-get install clang-tools)"
else
	[ -x "$top/configure" ] || (cd "$top" && autoreconf -fi >/dev/null 2>&1)
	rm -rf "$build"
	mkdir -p "$build"
	cd "$build" || exit 1
	"$sb" -o "$build/report" "$top/configure" --disable-python >configure.log 2>&1 ||
		{ cat configure.log; bad "scan-build: configure failed"; }
	# --status-bugs makes any finding an error; the suppression list below
	# decides which ones are accepted.  deadcode.DeadStores is off: see
	# .scan-build-suppressions.
	"$sb" --status-bugs -disable-checker deadcode.DeadStores -o "$build/report" \
		make -j"$(nproc)" >make.log 2>&1
	sbrc=$?
	if [ ! -x tools/vxlantune ] || [ ! -f lib/.libs/libvxlantune.so ]; then
		tail -n 30 make.log
		bad "scan-build: the build failed (see $build/make.log)"
	else
		# Analyzer findings end in [checker.Name]; compiler warnings in [-Wxxx].
		grep -E 'warning: .*\[[a-z]+(\.[A-Za-z0-9]+)+\]$' make.log | sort -u >findings.txt
		unjustified=0
		while IFS= read -r f; do
			file=${f%%:*}
			file=${file#"$top"/}
			checker=$(echo "$f" | sed -n 's/.*\[\([^]]*\)\]$/\1/p')
			matched=0
			while IFS='|' read -r sfile schecker smsg swhy; do
				case "$sfile" in ''|'#'*) continue ;; esac
				if [ "$file" = "$sfile" ] && [ "$checker" = "$schecker" ] &&
				   [[ "$f" == *"$smsg"* ]] && [ -n "$swhy" ]; then
					matched=1
					break
				fi
			done <"$top/.scan-build-suppressions"
			if [ $matched -eq 0 ]; then
				echo "  unjustified: $f"
				unjustified=$((unjustified + 1))
			fi
		done <findings.txt
		total=$(wc -l <findings.txt)
		if [ $unjustified -eq 0 ]; then
			ok "scan-build: $total finding(s), each justified in .scan-build-suppressions (scan-build exit $sbrc)"
		else
			bad "scan-build: $unjustified of $total finding(s) not justified (report: $build/report)"
		fi
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
