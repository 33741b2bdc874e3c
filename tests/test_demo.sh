#!/bin/bash
# The README's first command (tests/quickstart.sh demo runs tests/lab/demo.sh):
# it must show the incident and its repair as the check sees them, in
# under a minute, and leave nothing behind.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
. "$top_srcdir/tests/lib.sh"
OUT=$(mktemp)
trap 'rm -f "$OUT"; t_cleanup' EXIT
before=$(ip netns list | grep -c "^vxtlab-demo-")
start=$(date +%s)
rc=0
bash "$top_srcdir/tests/lab/demo.sh" >"$OUT" 2>&1 || rc=$?
secs=$(( $(date +%s) - start ))
t_check "demo exits 0 (got $rc)" [ "$rc" -eq 0 ]
t_check "demo runs in under 60 s ($secs s)" [ "$secs" -lt 60 ]
# step name -> the verdict the demo must show (its summary table)
while IFS='|' read -r step verdict; do
	t_check "demo: $step -> $verdict" grep -qE "^   $step +VERDICT: $verdict\$" "$OUT"
done <<'TABLE'
healthy|OK \(healthy\)
both NICs faulty|CRITICAL \(overlay-data-path\)
offloads off on node 2 only|CRITICAL \(overlay-data-path\)
offloads off on both nodes|OK \(healthy\)
tunnel segmentation lost|(WARNING|CRITICAL) \(segmentation\)
tunnel segmentation off on both|OK \(healthy\)
mtu fault|CRITICAL \(mtu\)
mtu fault removed|OK \(healthy\)
offloads vs preset checksum|WARNING \(warnings\)
after apply --preset checksum|OK \(healthy\)
re-created device under watch|OK \(healthy\)
rpfilter fault|CRITICAL \(local-errors\)
after apply --preset calico-incident|OK \(healthy\)
TABLE
t_check "demo: the pods' own clients show the incident (ping ok, HTTP and UDP time out)" \
	grep -q "client pod -> server pod: ping ok, HTTP (curl) timeout, UDP echo timeout" "$OUT"
t_check "demo: with offloads off on one node only, the check blames the peer's sender" \
	grep -q "the remaining fault is on" "$OUT"
t_check "demo: the stalled download shows in curl" grep -q "4 MiB download stalled after" "$OUT"
t_check "demo: no simulated fault left in the story" eval '! grep -qi "simulated" "$OUT"'
t_check "demo: no lab left behind" [ "$(ip netns list | grep -c "^vxtlab-demo-")" -eq "$before" ]
t_done
