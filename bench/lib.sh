# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the bench/*.sh scripts (sourced).  Every benchmark builds its
# own namespaces (never the host's interfaces), runs both sides the same
# number of times, interleaved (bench/interleave.sh), and reports min /
# median / max per side and the ratio of the medians.  With BENCH_ROWS=FILE
# (bench/run-all.sh sets it) each result is also appended to FILE as a row
# of the README's markdown table.
#
# Environment: BUILD (build directory, default ../build), RUNS (runs per
# side; odd, so the median is a run), LINKS (link counts, default
# "2000 10000"), BENCH_ROWS.
set -eu
bench_top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$bench_top/build}
# The real binary, not libtool's wrapper script (a bash start per run).
V=$BUILD/tools/.libs/vxlantune
[ -x "$V" ] || V=$BUILD/tools/vxlantune
[ -x "$V" ] || { echo "build first: $V missing (BUILD=$BUILD)" >&2; exit 2; }
export LD_LIBRARY_PATH="$BUILD/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
[ "$(id -u)" -eq 0 ] || { echo "run as root (the benchmarks create network namespaces)" >&2; exit 2; }
RUNS=${RUNS:-5}
LINKS=${LINKS:-2000 10000}
bench_namespaces=""
bench_cleanup() {
	local ns
	for ns in $bench_namespaces; do ip netns del "$ns" 2>/dev/null || true; done
	bench_namespaces=""
}
trap bench_cleanup EXIT INT TERM

# bench_ns VAR TAG: a fresh namespace with lo up, its name in VAR (not
# printed: a $(...) subshell would not record it for the cleanup).  Each
# call's name is new, also within one script.
bench_count=0
bench_ns() {
	bench_count=$((bench_count + 1))
	local _name="vxt-bench-$2-$$-$bench_count"
	ip netns add "$_name"
	bench_namespaces="$bench_namespaces $_name"
	ip -n "$_name" link set lo up
	printf -v "$1" "%s" "$_name"
}

# bench_veths NS LINKS [PREFIX]: LINKS/2 veth pairs PREFIX<i>a/b, one ip -batch.
bench_veths() {
	local batch
	batch=$(mktemp /tmp/vxt-bench-batch.XXXXXX)
	for i in $(seq 1 $(($2 / 2))); do echo "link add ${3:-p}${i}a type veth peer name ${3:-p}${i}b"; done >"$batch"
	ip -n "$1" -batch "$batch"
	rm -f "$batch"
}

# bench_run NS PREP CHECK A_CMD B_CMD: time both sides in NS; sets R to
# "A_MIN A_MED A_MAX B_MIN B_MED B_MAX" (ms).
bench_run() {
	R=$(ip netns exec "$1" bash "$bench_top/bench/interleave.sh" "$RUNS" "$2" "$3" "$4" "$5")
}

# bench_report LABEL LINKS A_NAME B_NAME [R]: print a result of bench_run
# and add its row.  The ratio is A's median over B's (B is vxlantune's
# side: > 1 means vxlantune is faster).
bench_report() {
	local label=$1 links=$2 an=$3 bn=$4 ratio
	set -- ${5:-$R}
	ratio=$(echo "$2 $5" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }')
	printf '%-30s %6s links  %-28s %s / %s / %s ms\n' "$label" "$links" "$an" "$1" "$2" "$3"
	printf '%-30s %6s        %-28s %s / %s / %s ms   median ratio %sx\n' "" "" "$bn" "$4" "$5" "$6" "$ratio"
	bench_row "$label" "$links" "$an: $1 / **$2** / $3 ms" "$bn: $4 / **$5** / $6 ms" "**${ratio}×**"
}

# bench_pair NS LABEL LINKS PREP CHECK A_NAME A_CMD B_NAME B_CMD
bench_pair() {
	bench_run "$1" "$4" "$5" "$7" "$9"
	bench_report "$2" "$3" "$6" "$8"
}

# bench_row CELLS...: one row of the README table (when BENCH_ROWS is set).
bench_row() {
	[ -n "${BENCH_ROWS:-}" ] || return 0
	local row="|" c
	for c in "$@"; do row="$row $c |"; done
	echo "$row" >>"$BENCH_ROWS"
}

# bench_peak_kb NS CMD...: peak RSS (KiB) of one run of CMD in NS.
bench_peak_kb() {
	local ns=$1
	shift
	ip netns exec "$ns" /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
}
