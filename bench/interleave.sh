#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# interleave.sh RUNS PREP CHECK CMD_A CMD_B: run the two sides of a
# benchmark RUNS times each, interleaved (A first on odd runs, B first on
# even ones, so neither side always follows the other), PREP before and
# CHECK after every run (neither timed; CHECK failing aborts: a benchmark of
# a command that did not do its work measures nothing).  The commands are
# shell text run by this bash (eval), so no process start of a wrapper is
# counted; their output goes to /dev/null.  Prints one line:
#   A_MIN A_MEDIAN A_MAX B_MIN B_MEDIAN B_MAX     (milliseconds)
# Run it inside the benchmark's namespace (one `ip netns exec` for all).
set -eu
runs=$1 prep=$2 check=$3 a=$4 b=$5
ta=$(mktemp /tmp/vxt-bench-a.XXXXXX) tb=$(mktemp /tmp/vxt-bench-b.XXXXXX)
trap 'rm -f "$ta" "$tb"' EXIT
now_us() { local t=${EPOCHREALTIME/[.,]/}; echo "$t"; }
for r in $(seq "$runs"); do
	for side in $([ $((r % 2)) = 1 ] && echo a b || echo b a); do
		eval "$prep" >/dev/null 2>&1
		if [ "$side" = a ]; then cmd=$a out=$ta; else cmd=$b out=$tb; fi
		t0=$(now_us)
		eval "$cmd" >/dev/null 2>&1 || true # exit status: CHECK judges the work
		t1=$(now_us)
		if ! eval "$check" >/dev/null 2>&1; then
			echo "interleave.sh: check failed after side $side: $check" >&2
			exit 1
		fi
		echo $((t1 - t0)) >>"$out"
	done
done
stats() { sort -n "$1" | awk '{ v[NR] = $1 } END { printf "%.1f %.1f %.1f", v[1] / 1000, v[int((NR + 1) / 2)] / 1000, v[NR] / 1000 }'; }
echo "$(stats "$ta") $(stats "$tb")"
