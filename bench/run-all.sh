#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every benchmark, one after another, and the README's benchmark table
# (markdown) from this one run: the machine (nproc, kernel, CPU model),
# the date and the load average before and after (the numbers mean little
# on a loaded machine: run it on a quiet one).
#   bench/run-all.sh            print the table (the scripts' own output
#                               goes to stderr as they run)
#   bench/run-all.sh --readme   also put it into README.md, between the
#                               bench-table markers
# As root, after building (BUILD=dir; RUNS, LINKS as bench/lib.sh says).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
readme=false
[ "${1:-}" = --readme ] && readme=true
export RUNS=${RUNS:-5} LINKS=${LINKS:-2000 10000}
rows=$(mktemp /tmp/vxt-bench-rows.XXXXXX)
table=$(mktemp /tmp/vxt-bench-table.XXXXXX)
trap 'rm -f "$rows" "$table"' EXIT
export BENCH_ROWS=$rows
start=$(date +%s)
load0=$(cut -d' ' -f1-3 /proc/loadavg)
for b in bench_offloads bench_sysctl bench_watch bench_python bench_check; do
	echo "== $b" >&2
	bash "$top/bench/$b.sh" >&2
done
load1=$(cut -d' ' -f1-3 /proc/loadavg)
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null || echo "?")
{
	echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') by \`bench/run-all.sh\` (commit $rev, $(( $(date +%s) - start )) s):"
	echo "$(nproc) CPUs ($cpu), Linux $(uname -r); load average $load0 before, $load1 after"
	echo "(a load near or above the CPU count means other work shared the machine)."
	echo "$RUNS runs per side, interleaved; times as min / **median** / max; ratio = median of the left"
	echo "column over the right one."
	echo
	echo "| benchmark | links | left | right | median ratio |"
	echo "|---|---|---|---|---|"
	cat "$rows"
} >"$table"
cat "$table"
if $readme; then
	grep -q '<!-- bench-table:begin -->' "$top/README.md" ||
		{ echo "run-all.sh: README.md has no <!-- bench-table:begin --> marker" >&2; exit 1; }
	awk -v tf="$table" '
		/<!-- bench-table:begin -->/ { print; while ((getline l < tf) > 0) print l; skip = 1; next }
		/<!-- bench-table:end -->/ { skip = 0 }
		!skip' "$top/README.md" >"$top/README.md.new"
	mv "$top/README.md.new" "$top/README.md"
	echo "run-all.sh: README.md updated" >&2
fi
