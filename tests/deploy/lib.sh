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
