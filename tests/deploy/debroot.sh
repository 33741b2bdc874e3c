#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# debroot.sh OUT.tar [MMDEBSTRAP-OPTION...]
# A Debian 12 (bookworm) minbase root as a tarball, made with mmdebstrap from
# the Debian archive this machine's apt uses.  It is a cache: when OUT.tar
# already exists and reads as a tar archive it is reused as it is, so CI
# makes it once (callers keep it under the build directory).  Extra options
# (e.g. --include=systemd-sysv) go to mmdebstrap; give such a root its own
# OUT name, since the cache is keyed by the name only.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 OUT.tar [mmdebstrap-option...]" >&2; exit 2; }
out=$1; shift
if [ -s "$out" ] && tar -tf "$out" ./etc/debian_version >/dev/null 2>&1; then
	echo "debroot: reusing $out ($(du -h "$out" | cut -f1))"
	exit 0
fi
command -v mmdebstrap >/dev/null || { echo "debroot: mmdebstrap is not installed (apt-get install mmdebstrap)" >&2; exit 1; }
mkdir -p "$(dirname "$out")"
tmp=$(mktemp "$out.XXXXXX")
trap 'rm -f "$tmp"' EXIT
# No mirror argument: mmdebstrap then takes the host's apt sources, so the
# root comes from the same archive the machine installs from.
mmdebstrap --quiet --variant=minbase --format=tar "$@" bookworm "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "debroot: made $out ($(du -h "$out" | cut -f1))"
