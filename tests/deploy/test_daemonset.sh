#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The DaemonSet as written, under podman + runc: the image is built offline
# from examples/kubernetes/Containerfile, and each container of
# daemonset.yaml is run with the flags the manifest itself gives
# (pod2podman.py: command, args, downward-API env, securityContext,
# volumes), its network being a namespace made here as the "node".
# Everything is verified from outside, with ethtool -k and /proc/sys.
. "${top_srcdir:-.}/tests/lib.sh"
. "${top_srcdir:-.}/tests/deploy/lib.sh"
MANIFEST=$top_srcdir/examples/kubernetes/daemonset.yaml
IMAGE=localhost/vxlantune-test:$$
WORK=$(mktemp -d /tmp/vxt-daemonset.XXXXXX)
# Containers are named vxt-ds-CONTAINER-NODE, NODE ending in -$$ (run()
# starts them in $(...) subshells, so they are found again by name).
cleanup() {
	local c
	for c in $(podman ps -a --format '{{.Names}}' | grep -- "^vxt-ds-.*-$$\$"); do
		podman rm -f -t 0 "$c" >/dev/null 2>&1
	done
	podman rmi -f "$IMAGE" $STAGES >/dev/null 2>&1
	rm -rf "$WORK"
	t_cleanup
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
HOST_IP=192.0.2.10
OFF="rx-checksumming tx-checksumming tcp-segmentation-offload generic-segmentation-offload generic-receive-offload"

# --- the image ---------------------------------------------------------
t0=$(date +%s)
STAGES=""
if STAGES=$(deploy_image "$IMAGE"); then
	t_ok "image builds offline from the Containerfile ($(($(date +%s) - t0)) s)"
else
	t_fail "image builds offline from the Containerfile"; t_done; exit 1
fi
echo "# image size: $(podman image inspect --format '{{.Size}}' "$IMAGE" | awk '{ printf "%.1f MB", $1 / 1e6 }')" \
     "(base $(podman image inspect --format '{{.Size}}' "$DEPLOY_BASE" | awk '{ printf "%.1f MB", $1 / 1e6 }'))"
in_image() { podman run --rm "${RUNC[@]}" --network none --entrypoint /bin/sh "$IMAGE" -c "$1"; }
t_check "image: the CLI runs" in_image 'vxlantune --version | grep -q "^vxlantune "'
t_check "image: runtime parts only (no headers, .pc, .la, dev symlink, compiler, sources)" \
	in_image '! ls -d /usr/include/vxlantune.h /usr/lib/pkgconfig/libvxlantune.pc /usr/lib/libvxlantune.la \
	           /usr/lib/libvxlantune.so /usr/bin/gcc /usr/bin/cc /src 2>/dev/null | grep -q . &&
	          test -e /usr/lib/libvxlantune.so.0'

# --- the manifest ------------------------------------------------------
podflags() { # CONTAINER NETNS CONFIGMAP-DIR: the podman run words, IMAGE filled in
	local w
	python3 "$DEPLOY_DIR/pod2podman.py" "$MANIFEST" "$1" --netns "$2" \
		--field "status.hostIP=$HOST_IP" --configmap-dir "vxlantune=$3" \
		--hostpath-root "$WORK/node-$2" |
	while IFS= read -r -d '' w; do
		[ "$w" = IMAGE ] && w=$IMAGE
		printf '%s\0' "$w"
	done
}
mapfile -d '' W < <(podflags vxlantune none "$WORK/cm")
t_check "manifest: no mount destination inside /proc (runc refuses them)" \
	eval '! printf "%s\n" "${W[@]}" | grep -q ":/proc"'
t_check "manifest: NET_ADMIN only, read-only root, no privilege escalation" \
	eval 'printf "%s\n" "${W[@]}" | tr "\n" " " | grep -q -- "--security-opt no-new-privileges --read-only --read-only-tmpfs=false --cap-drop all --cap-add NET_ADMIN --volume"'

# configmap DIR [FILE]: the ConfigMap volume, from the manifest or FILE
configmap() {
	mkdir -p "$1"
	if [ $# -gt 1 ]; then cp "$2" "$1/vxlantune.conf"; return; fi
	python3 "$DEPLOY_DIR/pod2podman.py" "$MANIFEST" vxlantune --configmap vxlantune |
		python3 -c 'import json, sys
for k, v in json.load(sys.stdin).items(): open(sys.argv[1] + "/" + k, "w").write(v)' "$1"
}
# node NAME: a "node": underlay veth ens3 with the node's IP, vxlan.calico
# over it, every offload on and strict rp_filter (what the policy loosens).
node() {
	local ns
	ns=$(t_netns "$1")
	ip -n "$ns" link add ens3 type veth peer name ens3p
	ip -n "$ns" addr add "$HOST_IP/24" dev ens3
	ip -n "$ns" link set ens3 up
	ip -n "$ns" link set ens3p up
	# New devices copy default: vxlan.calico starts strict, also when it is
	# re-created (no write after creation, which would race the watcher).
	in_ns "$ns" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/default/rp_filter'
	vxlan_up "$ns"
	echo "$ns"
}
vxlan_up() {
	ip -n "$1" link add vxlan.calico type vxlan id 4096 dev ens3 dstport 4789 local "$HOST_IP"
	ip -n "$1" link set vxlan.calico up
}
all_off() { # NS IF: every feature of the policy off, as ethtool -k shows
	local f
	for f in $OFF; do [ "$(feature "$1" "$2" "$f")" = off ] || return 1; done
}
none_off() {
	local f
	for f in $OFF; do [ "$(feature "$1" "$2" "$f")" = on ] || return 1; done
}
sysctl_is() { [ "$(in_ns "$1" cat "/proc/sys/net/ipv4/conf/$2/rp_filter")" = "$3" ]; }
# run CONTAINER NS CMDIR: start it detached, as the DaemonSet says
run() {
	local name=vxt-ds-$1-$2
	mapfile -d '' W < <(podflags "$1" "$2" "$3")
	podman run -d --name "$name" "${RUNC[@]}" "${W[@]}" >/dev/null || return 1
	echo "$name"
}
mapfile -d '' PROBE < <(python3 "$DEPLOY_DIR/pod2podman.py" "$MANIFEST" vxlantune --probe)
ready() { podman exec "$1" "${PROBE[@]}"; }
running() { [ "$(podman inspect --format '{{.State.Running}}' "$1")" = true ]; }

# --- the ConfigMap's policy: offloads + rp_filter on vxlan.calico -------
NS=$(node node)
in_ns "$NS" ethtool -K ens3 gro on >/dev/null 2>&1
in_ns "$NS" ethtool -K vxlan.calico gro on >/dev/null 2>&1
configmap "$WORK/cm"
t_check "node starts with the offloads on" eval 'none_off "$NS" ens3 && none_off "$NS" vxlan.calico'
C=$(run vxlantune "$NS" "$WORK/cm") || t_fail "the container starts"
t_check "readiness probe passes (policy applied)" wait_for 20 ready "$C"
t_check "ethtool -k: the policy's offloads are off on vxlan.calico" all_off "$NS" vxlan.calico
t_check "ethtool -k: ... and on the underlay found by address=\$HOST_IP" all_off "$NS" ens3
t_check "/proc/sys: rp_filter of vxlan.calico is 2 (written unprivileged, over rtnetlink)" sysctl_is "$NS" vxlan.calico 2
t_check "/proc/sys is read-only in the container, as under a kubelet" \
	eval '! podman exec "$C" sh -c "echo 1 > /proc/sys/net/ipv4/conf/ens3/rp_filter" 2>/dev/null'
t_check "the container has CAP_NET_ADMIN only" \
	eval '[ "$(podman exec "$C" sh -c "grep ^CapEff /proc/self/status" | awk "{print \$2}")" = 0000000000001000 ]'

# calico-node re-creates vxlan.calico: the watcher re-applies
ip -n "$NS" link del vxlan.calico
vxlan_up "$NS"
t_check "default rp_filter still 1: a re-created vxlan.calico starts strict" sysctl_is "$NS" default 1
t_check "after vxlan.calico is re-created: offloads off again (ethtool -k)" wait_for 10 all_off "$NS" vxlan.calico
t_check "after vxlan.calico is re-created: rp_filter 2 again" wait_for 10 sysctl_is "$NS" vxlan.calico 2
t_check "the log says it re-applied" eval 'podman logs "$C" 2>&1 | grep -q "re-applied: vxlan.calico:"'
t_check "still ready, still running" eval 'ready "$C" && running "$C"'

# the watcher's state, on the pod's emptyDir at /run/vxlantune
# shellcheck disable=SC2034 # read in the t_check evals below
STATE=$WORK/node-$NS/emptydir/run/watch.json
t_check "watch --state: the state file is written on the pod's emptyDir" \
	eval 'jq -e "has(\"backoff\")" "$STATE" >/dev/null'

# the responder (watch --responder): a peer node probes it over a wire
PEER=$(peer_node peer "$NS" 198.51.100.1 198.51.100.2)
t_check "responder: listening on TCP and UDP 9475 in the node's namespace" \
	eval 'in_ns "$NS" ss -ltnH "sport = :9475" | grep -q . && in_ns "$NS" ss -lunH "sport = :9475" | grep -q .'
t_check "responder: check --peer 198.51.100.1 from the peer node gets answers (tcp, udp, bulk both ways)" \
	responder_answers "$PEER" 198.51.100.1 "$WORK/peer.json"
t_check "responder: the peer's check read the node's counters (localization with responder)" \
	eval 'jq -e ".localization[0].counters | length > 0" "$WORK/peer.json" >/dev/null'

# the check container writes the node_exporter textfile on the node
run check "$NS" "$WORK/cm" >/dev/null || t_fail "the check container starts"
PROM=$WORK/node-$NS/var/lib/prometheus/node-exporter/vxlantune.prom
t_check "check container: textfile on the node's hostPath" wait_for 20 grep -q '^vxlantune_check_verdict{' "$PROM"
t_check "check container: it read the watcher's state (watch-backoff status in the textfile)" \
	grep -q '^vxlantune_check_status{check="watch-backoff"' "$PROM"

podman stop -t 5 "$C" >/dev/null
t_check "SIGTERM: watch exits 0" eval '[ "$(podman inspect --format "{{.State.ExitCode}}" "$C")" = 0 ]'
t_check "SIGTERM: the watcher removed its state file (no stale back-offs)" eval '! test -e "$STATE"'

# --- a policy that needs `all`: refused before anything changes --------
NS2=$(node nodeall)
cat > "$WORK/all.conf" <<'CONF'
[vxlan]
interfaces = vxlan.calico
features = rx off tx off tso off gso off gro off
[sysctl all vxlan]
rp_filter = 0
CONF
configmap "$WORK/cm-all" "$WORK/all.conf"
in_ns "$NS2" sh -c 'echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter'
in_ns "$NS2" ethtool -K vxlan.calico gro on >/dev/null 2>&1
C2=$(run vxlantune "$NS2" "$WORK/cm-all") || t_fail "the container starts (all policy)"
t_check "all policy: the log names why (privileged container, or the host's unit/Ansible)" \
	wait_for 10 eval 'podman logs "$C2" 2>&1 | grep -i "all" | grep -qi "privileged"'
podman logs "$C2" 2>&1 | sed 's/^/# /' | head -5
t_check "all policy: nothing changed (ethtool -k: offloads still on)" none_off "$NS2" vxlan.calico
t_check "all policy: nothing changed (rp_filter all 1, vxlan.calico 1)" \
	eval 'sysctl_is "$NS2" all 1 && sysctl_is "$NS2" vxlan.calico 1'
t_check "all policy: not ready, and watch keeps running (logs, as later)" eval '! ready "$C2" && running "$C2"'
# (In the container the check's comparison meets the same refusal: it says
# so as a warning, not as per-key rp-filter findings.)
podman exec "$C2" vxlantune check --config /tmp/vxlantune.conf --json >"$WORK/chk.json" 2>/dev/null
t_check "all policy: vxlantune check in the container has a warning naming all.rp_filter" \
	eval 'jq -e "[.findings[] | select(.severity != \"ok\" and (.message | contains(\"conf.all.rp_filter\")))] | length > 0" "$WORK/chk.json" >/dev/null'
podman stop -t 5 "$C2" >/dev/null

# --- the image's own default command, under the same securityContext ----
mapfile -d '' W < <(podflags vxlantune "$NS2" "$WORK/cm")
SEC=(); for w in "${W[@]}"; do case $w in --cap-*|all|NET_ADMIN|--read-only*|no-new-privileges|--security-opt) SEC+=("$w");; esac; done
podman run -d --name "vxt-ds-default-$NS2" "${RUNC[@]}" --network "ns:/run/netns/$NS2" "${SEC[@]}" "$IMAGE" >/dev/null
t_check "default CMD (watch --preset checksum): tx-checksum-ip-generic off (ethtool -k)" \
	wait_for 10 eval '[ "$(feature "$NS2" vxlan.calico tx-checksum-ip-generic)" = off ]'
t_check "default CMD: still running" running "vxt-ds-default-$NS2"
t_done
