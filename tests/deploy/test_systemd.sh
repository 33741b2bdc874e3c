#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# examples/vxlantune.service under a booted systemd 252: a Debian 12 root
# (mmdebstrap, cached) with this build installed boots in systemd-nspawn
# whose network is a namespace made here as the "node".  The policy has a
# feature the driver keeps [fixed] (lro on a VXLAN device): the unit must
# start, stay up and apply the rest.  Each sandbox setting is checked on
# the running service (user, capabilities, no_new_privs, seccomp, the
# writable /proc/sys/net under ProtectKernelTunables, IPAddressAllow=) and
# the result from outside with ethtool -k and /proc/sys; a "peer node"
# wired to the node probes the unit's responder with vxlantune check.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/deploy/lib.sh"
UNIT=$top_srcdir/examples/vxlantune.service
WORK=$(mktemp -d /tmp/vxt-systemd.XXXXXX)
ROOT=$WORK/root
NSPAWN=""
cleanup() {
	if [ -n "$NSPAWN" ] && kill -0 "$NSPAWN" 2>/dev/null; then
		kill -TERM "$NSPAWN" 2>/dev/null # nspawn powers the container off
		wait_for 15 eval '! kill -0 $NSPAWN' || kill -KILL "$NSPAWN" 2>/dev/null
	fi
	rm -rf "$WORK"
	t_cleanup
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

CHECK_UNIT=$top_srcdir/examples/vxlantune-check.service
CHECK_TIMER=$top_srcdir/examples/vxlantune-check.timer

# --- offline analysis --------------------------------------------------
for u in "$UNIT" "$CHECK_UNIT"; do
	exposure=$(systemd-analyze security --offline=true "$u" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
	echo "# systemd-analyze security --offline=true $(basename "$u"): exposure $exposure"
	t_check "systemd-analyze security $(basename "$u"): exposure ${exposure:-?} <= 3.0" \
		eval '[ -n "$exposure" ] && [ "$(echo "$exposure <= 3.0" | bc)" = 1 ]'
done
t_check "no ExecStartPre (a dry run exits 1 on a [fixed] feature; watch does not)" \
	eval '! grep -q "^ExecStartPre" "$UNIT"'

# --- the root: Debian 12 + systemd + this build ------------------------
sh "$DEPLOY_DIR/debroot.sh" "$VXT_DEPLOY_CACHE/debian12-systemd.tar" \
	--include=systemd-sysv,dbus,libnl-3-200,libnl-genl-3-200,libnl-route-3-200,libjson-c5,libinih1,libcap2 ||
	{ t_fail "a Debian 12 root with systemd"; t_done; exit 1; }
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$VXT_DEPLOY_CACHE/debian12-systemd.tar"
make -C "$top_builddir" install DESTDIR="$ROOT" >/dev/null 2>&1 ||
	{ t_fail "make install DESTDIR=root"; t_done; exit 1; }
chroot "$ROOT" ldconfig
BIN=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")
t_check "the unit's ExecStart ($BIN) is where make install puts the CLI" test -x "$ROOT$BIN"
install -D -m 0644 "$UNIT" "$ROOT/etc/systemd/system/vxlantune.service"
install -m 0644 "$CHECK_UNIT" "$CHECK_TIMER" "$ROOT/etc/systemd/system/"
mkdir -p "$ROOT/etc/systemd/system/multi-user.target.wants" "$ROOT/etc/systemd/system/timers.target.wants"
ln -s ../vxlantune.service "$ROOT/etc/systemd/system/multi-user.target.wants/vxlantune.service"
ln -s ../vxlantune-check.timer "$ROOT/etc/systemd/system/timers.target.wants/vxlantune-check.timer"
# node_exporter's textfile directory, as Debian's package makes it
install -d -m 0755 "$ROOT/var/lib/prometheus/node-exporter"
# No login prompt on the (passive) console.
ln -sf /dev/null "$ROOT/etc/systemd/system/console-getty.service"
mkdir -p "$ROOT/etc/vxlantune"
cat > "$ROOT/etc/vxlantune/vxlantune.conf" <<'CONF'
[vxlan]
interfaces = vxlan.calico
# lro is "off [fixed]" on a VXLAN device: reported [fixed], not fatal
features = tx-checksum-ip-generic off lro on
[sysctl vxlan]
rp_filter = 2
# all/default are not links: these need the writable /proc/sys/net
[sysctl all default]
rp_filter = 0
CONF

# --- the node ----------------------------------------------------------
NS=$(t_netns sdnode)
ip -n "$NS" link add name ens3 type veth peer name ens3p
ip -n "$NS" addr add 192.0.2.20/24 dev ens3
ip -n "$NS" link set ens3 up
ip -n "$NS" link set ens3p up
vxlan_up() {
	ip -n "$NS" link add vxlan.calico type vxlan id 4096 dev ens3 dstport 4789 local 192.0.2.20
	ip -n "$NS" link set vxlan.calico up
}
# Strict to start with (new devices copy default), loosened by the policy.
in_ns "$NS" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 1 > /proc/sys/net/ipv4/conf/default/rp_filter'
vxlan_up
t_expect_rc 1 "the policy's dry run exits 1 ([fixed] lro), the old unit's ExecStartPre" \
	in_ns "$NS" "$VXLANTUNE" apply --config "$ROOT/etc/vxlantune/vxlantune.conf" --dry-run

# --- boot --------------------------------------------------------------
# A node's root has CAP_NET_ADMIN; nspawn keeps it only when asked.  And
# CAP_BPF with the bpf() system call, which nspawn filters by default:
# without them systemd silently runs the unit without its IPAddressDeny=
# firewall (cgroup BPF), which a node's systemd does enforce.
systemd-nspawn -q -D "$ROOT" --boot --register=no --keep-unit --console=passive --capability=CAP_NET_ADMIN,CAP_BPF --system-call-filter=bpf \
	--network-namespace-path="/run/netns/$NS" --machine "vxt-sd-$$" >"$WORK/nspawn.log" 2>&1 &
NSPAWN=$!
init_pid() { local c; c=$(cat /proc/"$NSPAWN"/task/*/children 2>/dev/null | awk '{print $1}'); [ -n "$c" ] && echo "$c"; }
in_ct() { nsenter --target "$(init_pid)" --mount --pid --uts --ipc --net -- "$@"; }
unit_is() { [ "$(in_ct systemctl is-active vxlantune.service 2>/dev/null)" = "$1" ]; }
t_check "systemd boots in systemd-nspawn" wait_for 60 eval 'in_ct systemctl is-system-running 2>/dev/null | grep -qE "running|degraded"'
t_check "the unit is active (Type=notify: READY=1 came)" wait_for 30 unit_is active
in_ct systemctl --no-pager status vxlantune.service 2>&1 | sed 's/^/# /' | head -12
VERIFY=$(in_ct systemd-analyze verify --man=no /etc/systemd/system/vxlantune.service \
	/etc/systemd/system/vxlantune-check.service /etc/systemd/system/vxlantune-check.timer 2>&1)
[ -z "$VERIFY" ] || echo "$VERIFY" | sed 's/^/# verify: /'
t_check "systemd-analyze verify is clean (in the booted root)" test -z "$VERIFY"
MAIN=$(in_ct systemctl show -p MainPID --value vxlantune.service)
status() { in_ct awk -v k="$1:" '$1 == k { print $2 }' "/proc/$MAIN/status"; }
t_check "DynamicUser: runs as an unprivileged user (uid $(status Uid))" eval '[ "$(status Uid)" -ne 0 ]'
t_check "capabilities: effective and bounding = CAP_NET_ADMIN only" \
	eval '[ "$(status CapEff)" = 0000000000001000 ] && [ "$(status CapBnd)" = 0000000000001000 ]'
t_check "NoNewPrivileges=yes" eval '[ "$(status NoNewPrivs)" = 1 ]'
t_check "SystemCallFilter: seccomp filter mode" eval '[ "$(status Seccomp)" = 2 ]'
t_check "ProtectKernelTunables: /proc/sys read-only for the service" \
	eval 'in_ct awk '\''$5 == "/proc/sys" { print $6 }'\'' /proc/$MAIN/mountinfo | grep -q "^ro"'
t_check "ReadWritePaths: /proc/sys/net writable for the service" \
	eval 'in_ct awk '\''$5 == "/proc/sys/net" { print $6 }'\'' /proc/$MAIN/mountinfo | grep -q "^rw"'

# --- what it did, seen from outside -----------------------------------
t_check "ethtool -k: tx-checksum-ip-generic off on vxlan.calico" \
	eval '[ "$(feature "$NS" vxlan.calico tx-checksum-ip-generic)" = off ]'
t_check "/proc/sys: rp_filter vxlan.calico 2, all 0, default 0" eval \
	'[ "$(in_ns "$NS" cat /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter /proc/sys/net/ipv4/conf/all/rp_filter /proc/sys/net/ipv4/conf/default/rp_filter | tr "\n" " ")" = "2 0 0 " ]'
t_check "the journal names the [fixed] feature" \
	eval 'in_ct journalctl -u vxlantune.service --no-pager 2>/dev/null | grep -q "\[fixed\]"'
sleep 3
t_check "stays up: still active, no restarts" \
	eval 'unit_is active && [ "$(in_ct systemctl show -p NRestarts --value vxlantune.service)" = 0 ]'
ip -n "$NS" link del vxlan.calico
vxlan_up
t_check "after vxlan.calico is re-created: re-applied (ethtool -k)" \
	wait_for 10 eval '[ "$(feature "$NS" vxlan.calico tx-checksum-ip-generic)" = off ]'
t_check "systemctl reload (SIGHUP) keeps it active" \
	eval 'in_ct systemctl reload vxlantune.service && sleep 1 && unit_is active'
# --- the watcher's state and the responder ----------------------------
t_check "RuntimeDirectory: the state file /run/vxlantune/watch.json is written" \
	eval 'in_ct cat /run/vxlantune/watch.json | jq -e "has(\"backoff\")" >/dev/null'
PEER=$(peer_node sdpeer "$NS" 198.51.100.1 198.51.100.2)
tcp_to() { in_ns "$PEER" python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], 9475), 1).close()' "$1"; }
t_check "responder: listening on TCP and UDP 9475" \
	eval 'in_ns "$NS" ss -ltnH "sport = :9475" | grep -q . && in_ns "$NS" ss -lunH "sport = :9475" | grep -q .'
t_check "IPAddressAllow (private ranges only): a peer on 198.51.100.0/24 gets no TCP answer" eval '! tcp_to 198.51.100.1'
# the unit's documented drop-in for nodes on other addresses
mkdir -p "$ROOT/etc/systemd/system/vxlantune.service.d"
printf '[Service]\nIPAddressAllow=198.51.100.0/24\n' > "$ROOT/etc/systemd/system/vxlantune.service.d/peers.conf"
in_ct systemctl daemon-reload
in_ct systemctl restart vxlantune.service
t_check "with the drop-in IPAddressAllow=198.51.100.0/24: active again" wait_for 10 unit_is active
t_check "responder: check --peer 198.51.100.1 from the peer node gets answers (tcp, udp, bulk both ways)" \
	wait_for 5 responder_answers "$PEER" 198.51.100.1 "$WORK/peer.json"

# --- the check for Prometheus, from its timer's service ----------------
TEXTFILE=$ROOT/var/lib/prometheus/node-exporter/vxlantune.prom
t_check "vxlantune-check.timer is active" eval '[ "$(in_ct systemctl is-active vxlantune-check.timer)" = active ]'
t_check "vxlantune-check.service runs (exit 0-2 are verdicts)" in_ct systemctl start vxlantune-check.service
t_check "... and writes the textfile node_exporter reads (vxlantune_check_success 1)" \
	grep -qx 'vxlantune_check_success 1' "$TEXTFILE"
t_check "... having read the watcher's state (watch-backoff status in the textfile)" \
	grep -q '^vxlantune_check_status{check="watch-backoff"' "$TEXTFILE"
t_check "... with no capability but CAP_NET_RAW, as root without DAC override" eval \
	'[ "$(in_ct systemctl show -p CapabilityBoundingSet --value vxlantune-check.service)" = cap_net_raw ]'
t_check "promtool accepts the textfile" eval 'promtool check metrics < "$TEXTFILE"'
t_check "systemctl stop: stops cleanly" eval 'in_ct systemctl stop vxlantune.service && unit_is inactive'
t_check "systemctl stop: the runtime directory and its state are gone" eval '! in_ct test -e /run/vxlantune/watch.json'
t_done
