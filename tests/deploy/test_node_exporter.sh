#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The --prometheus textfile as it is run: Debian's prometheus-node-exporter
# reads it with --collector.textfile.directory (listening on 127.0.0.1
# only, a free port), curl scrapes /metrics, and promtool checks the file.
# After a check that could not run, the file must say so and still parse.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/deploy/lib.sh"
WORK=$(mktemp -d /tmp/vxt-node-exporter.XXXXXX)
TEXTFILE_DIR=$WORK/textfile
mkdir -p "$TEXTFILE_DIR"
PROM=$TEXTFILE_DIR/vxlantune.prom
EXPORTER=""
cleanup() {
	[ -n "$EXPORTER" ] && kill "$EXPORTER" 2>/dev/null && wait "$EXPORTER" 2>/dev/null
	rm -rf "$WORK"
	t_cleanup
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

NS=$(t_netns prom)
ip -n "$NS" link add name ens3 type veth peer name ens3p
ip -n "$NS" addr add 192.0.2.30/24 dev ens3
ip -n "$NS" link set ens3 up
ip -n "$NS" link set ens3p up
ip -n "$NS" route add default via 192.0.2.1
ip -n "$NS" link add vxlan.calico type vxlan id 4096 dev ens3 dstport 4789 local 192.0.2.30
ip -n "$NS" link set vxlan.calico up
# a node routes pod traffic (check's ip-forward finding is an error otherwise)
in_ns "$NS" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prometheus-node-exporter --web.listen-address="127.0.0.1:$PORT" --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory="$TEXTFILE_DIR" >"$WORK/exporter.log" 2>&1 &
EXPORTER=$!
scrape() { curl -fsS --max-time 5 "http://127.0.0.1:$PORT/metrics" >"$WORK/metrics"; }
t_check "node_exporter serves /metrics on 127.0.0.1:$PORT" wait_for 20 scrape
has() { grep -qx -- "$1" "$WORK/metrics"; }

# --- a check that ran ---------------------------------------------------
in_ns "$NS" "$VXLANTUNE" check --preset checksum --prometheus "$PROM" >/dev/null
t_check "promtool check metrics accepts the file" eval 'promtool check metrics < "$PROM"'
scrape
t_check "scrape: node_textfile_scrape_error 0" has 'node_textfile_scrape_error 0'
t_check "scrape: vxlantune_check_success 1" has 'vxlantune_check_success 1'
t_check "scrape: the verdict series (warnings: tx-checksum-ip-generic is on)" \
	has 'vxlantune_check_verdict{verdict="warnings"} 1'
t_check "scrape: per-check status series" has 'vxlantune_check_status{check="vxlan-up",object="vxlan.calico"} 0'
t_check "scrape: counters with _total" grep -q '^vxlantune_udp_in_csum_errors_total [0-9]' "$WORK/metrics"
t_check "scrape: every vxlantune_ family has HELP and TYPE" eval \
	'[ "$(grep -c "^# TYPE vxlantune_" "$WORK/metrics")" -ge 8 ] && [ "$(grep -c "^# HELP vxlantune_" "$WORK/metrics")" = "$(grep -c "^# TYPE vxlantune_" "$WORK/metrics")" ]'

# --- an unhealthy node: vxlan.calico down -------------------------------
ip -n "$NS" link set vxlan.calico down
in_ns "$NS" "$VXLANTUNE" check --preset checksum --prometheus "$PROM" >/dev/null
t_check "unhealthy: promtool accepts the file" eval 'promtool check metrics < "$PROM"'
scrape
t_check "unhealthy: verdict 2, scrape error 0" eval \
	'grep -q "^vxlantune_check_verdict{verdict=\"[a-z-]*\"} 2$" "$WORK/metrics" && has "node_textfile_scrape_error 0"'

# --- a check that could not run -----------------------------------------
t_expect_rc 3 "a check with a missing policy file fails (exit 3)" \
	in_ns "$NS" "$VXLANTUNE" check --config "$WORK/missing.conf" --prometheus "$PROM"
t_check "failed: promtool accepts the file" eval 'promtool check metrics < "$PROM"'
scrape
t_check "failed: scrape says vxlantune_check_success 0, scrape error 0" \
	eval 'has "vxlantune_check_success 0" && has "node_textfile_scrape_error 0"'
t_check "failed: no stale verdict series left" eval '! grep -q "^vxlantune_check_verdict" "$WORK/metrics"'
t_check "failed: a fresh timestamp" eval \
	'[ $(( $(date +%s) - $(sed -n "s/^vxlantune_check_timestamp_seconds //p" "$WORK/metrics" | awk "{printf \"%d\", \$1}") )) -le 60 ]'

# --- the scrape-error check itself can fail ------------------------------
echo 'vxlantune_broken{ 1' >"$TEXTFILE_DIR/broken.prom"
scrape
t_check "control: a broken textfile gives node_textfile_scrape_error 1" has 'node_textfile_scrape_error 1'
t_done
