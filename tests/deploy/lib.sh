# SPDX-License-Identifier: LGPL-2.1-or-later
# shellcheck shell=bash
# Helpers of the real-runtime tests (podman + runc, systemd, node_exporter).
# Source after tests/lib.sh.  The Debian base root is made once and kept
# under $VXT_DEPLOY_CACHE (default: the build tree's deploy-cache/).
DEPLOY_DIR=${top_srcdir}/tests/deploy
VXT_DEPLOY_CACHE=${VXT_DEPLOY_CACHE:-${top_builddir}/deploy-cache}
# The Containerfile's FROM: the offline base is imported under this name
# (another name is passed as its BASE build argument).
DEPLOY_BASE=${VXT_DEPLOY_BASE:-docker.io/library/debian:12-slim}
# runc needs explicit limits here (else "error setting rlimit type 7/6").
RUNC=(--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024)

# deploy_base: the Containerfile's FROM, imported from the cached root.
deploy_base() {
	podman image exists "$DEPLOY_BASE" && return 0
	sh "$DEPLOY_DIR/debroot.sh" "$VXT_DEPLOY_CACHE/debian12-minbase.tar" >&2 &&
		podman import --quiet "$VXT_DEPLOY_CACHE/debian12-minbase.tar" "$DEPLOY_BASE" >/dev/null
}

# deploy_image TAG: build examples/kubernetes/Containerfile from the source
# tree, offline but for the Debian archive (apt-get in the build).  Prints
# the IDs of the build-stage images, for the caller to remove.
deploy_image() {
	deploy_base || return 1
	local log
	log=$(mktemp /tmp/vxt-image-build.XXXXXX)
	if ! nice podman build "${RUNC[@]}" --pull=never --network host --build-arg "BASE=$DEPLOY_BASE" \
		-f "$top_srcdir/examples/kubernetes/Containerfile" -t "$1" "$top_srcdir" >"$log" 2>&1; then
		tail -n 30 "$log" >&2
		rm -f "$log"
		return 1
	fi
	# the image each earlier stage ends with: the last "--> ID" before "[N/M]"
	awk '/^--> [0-9a-f]+$/ { id = $2 } /^\[[2-9]\/[0-9]\] STEP 1\// && id { print id }' "$log"
	rm -f "$log"
}

# wait_for SECONDS command...: poll every 0.1 s until it succeeds.
wait_for() {
	local n=$(($1 * 10)); shift
	while [ "$n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# The "peer node" of the responder tests: a namespace wired to NODE-NS by a
# veth, NODE-NS side NODE-ADDR/24, the peer's side PEER-ADDR/24
# (documentation addresses).  peer_node NAME NODE-NS NODE-ADDR PEER-ADDR
# prints the peer's namespace.
peer_node() {
	local ns
	ns=$(t_netns "$1")
	ip -n "$2" link add wire type veth peer name wire netns "$ns"
	ip -n "$2" addr add "$3/24" dev wire
	ip -n "$ns" addr add "$4/24" dev wire
	ip -n "$2" link set wire up
	ip -n "$ns" link set wire up
	echo "$ns"
}
# responder_answers PEER-NS ADDR JSON: `vxlantune check --peer ADDR` (the
# responder on its default port) from the peer node, its JSON kept in
# JSON; true when the check found a responder at ADDR and its TCP, UDP and
# both bulk probes passed (the verdict itself depends on the peer's own
# state, which is not what is tested).
responder_answers() {
	in_ns "$1" "$VXLANTUNE" check --peer "$2" --timeout 500 --bulk-size 65536 --json >"$3" 2>/dev/null
	jq -e --arg p "$2" '([.localization[] | select(.peer == $p and .responder)] | length == 1) and
		([.probes[] | select(.peer == $p and (.kind | IN("tcp", "udp", "bulk-out", "bulk-in")) and .ok)] | length == 4)' \
		"$3" >/dev/null
}
