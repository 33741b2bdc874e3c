#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Python bindings' cost, in Debian's /usr/bin/python3 (the interpreter
# Ansible uses), in throw-away namespaces:
#   import:   `python3 -c 'import vxlantune'` vs `python3 -c pass`
#             (target: median within 15 ms)
#   module:   a whole Ansible-like call, `python3 -c 'import vxlantune;
#             Context().features_all()'`, vs the CLI `vxlantune offloads show`
#   in process: Context.features_all() vs the CLI's own read (a process
#             `vxlantune offloads show`), interleaved by one Python driver
#             (target: no slower at 10,000 links)
# Usage: bench/bench_python.sh     (root; RUNS, LINKS, BUILD: bench/lib.sh;
#        PY=/usr/bin/python3, IMPORT_RUNS=21)
. "$(dirname "$0")/lib.sh"
PY=${PY:-/usr/bin/python3}
export PYTHONPATH="$BUILD/bindings/python/.libs:$bench_top/bindings/python"
export PYTHONDONTWRITEBYTECODE=
# Compiled once, as an installed package would be.
"$PY" -c 'import vxlantune, vxlantune._context, vxlantune._health, vxlantune._policy' 2>/dev/null || true

bench_ns ns python-import
import_runs=${IMPORT_RUNS:-21}
R=$(ip netns exec "$ns" bash "$bench_top/bench/interleave.sh" "$import_runs" : : "'$PY' -c pass" "'$PY' -c 'import vxlantune'")
set -- $R
diff=$(echo "$2 $5" | awk '{ printf "%+.1f", $2 - $1 }')
echo "python: $import_runs runs per side for the import, $RUNS for the rest; interleaved; ms as min / median / max"
printf '%-30s %6s        %-28s %s / %s / %s ms\n' "import vxlantune ($PY)" "" "python3 -c pass" "$1" "$2" "$3"
printf '%-30s %6s        %-28s %s / %s / %s ms   median %s ms (target <= +15)\n' "" "" "-c 'import vxlantune'" "$4" "$5" "$6" "$diff"
bench_row "import vxlantune ($import_runs runs)" "—" "python3 -c pass: $1 / **$2** / $3 ms" \
	"-c 'import vxlantune': $4 / **$5** / $6 ms" "**$diff ms**"
bench_cleanup

for n in $LINKS; do
	bench_ns ns python
	bench_veths "$ns" "$n"
	nlinks=$((n + 1))
	bench_pair "$ns" "features_all, whole process" "$nlinks" : : \
		"python3 -c '...features_all()'" "'$PY' -c 'import vxlantune; vxlantune.Context().features_all()'" \
		"vxlantune offloads show" "'$V' offloads show"
	# In process: one driver alternates its own call with the CLI's run.
	R=$(ip netns exec "$ns" "$PY" - "$V" "$RUNS" "$nlinks" <<'PYEOF'
import os, subprocess, sys, time
import vxlantune
cli, runs, nlinks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
ctx = vxlantune.Context()
py, cl = [], []
null = open(os.devnull, "wb")
for r in range(runs):
    for side in ("py", "cli") if r % 2 == 0 else ("cli", "py"):
        t = time.perf_counter()
        if side == "py":
            d = ctx.features_all()
            py.append(time.perf_counter() - t)
            assert len(d) == nlinks, len(d)
        else:
            subprocess.run([cli, "offloads", "show"], stdout=null, check=True)
            cl.append(time.perf_counter() - t)
def stats(v):
    v = sorted(x * 1000 for x in v)
    return "%.1f %.1f %.1f" % (v[0], v[(len(v) - 1) // 2], v[-1])
print(stats(cl), stats(py))
PYEOF
)
	bench_report "features_all, in process" "$nlinks" "CLI process (offloads show)" "Context.features_all()"
	bench_cleanup
done
