#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# .ci/run's real-runtime stage: the artifacts users deploy, under the real
# runtimes from Debian -- the DaemonSet's container spec under podman+runc,
# the systemd unit under a booted systemd (systemd-nspawn), the textfile
# under node_exporter.  Installs what it needs, builds in ./build (the quick
# start's), keeps the Debian base roots in build/deploy-cache/ so a second
# run makes none.  Ends with "N passed, N failed, N skipped".
set -u
cd "$(dirname "$0")/../.." || exit 1
start=$(date +%s)
{ sh tests/install-deps.sh && sh tests/deploy/install-deps.sh; } >&2 ||
	{ echo "0 passed, 1 failed, 0 skipped"; exit 1; }
[ -x configure ] || autoreconf -fi >/dev/null 2>&1
mkdir -p build
if ! (cd build && { [ -f Makefile ] || ../configure --enable-werror PYTHON=/usr/bin/python3 >configure.out; } &&
	nice make -j2 >make.out 2>&1); then
	echo "build failed: see build/make.out"; echo "0 passed, 1 failed, 0 skipped"; exit 1
fi
rc=0
nice make -C build check-deploy >build/check-deploy.out 2>&1 || rc=$?
for t in daemonset systemd node_exporter debian kubespray collection; do
	log=build/tests/deploy/test_$t.log # written by make check-deploy
	[ -f "$log" ] && { echo "--- $log"; cat "$log"; }
done
echo "real-runtime: $(($(date +%s) - start)) s"
sh tests/summarize.sh build/tests/deploy/test_*.log
exit $rc
