#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install everything libvxlantune needs to build, test and run its demo on
# Debian 12 (as root).  Safe to run again.
set -eu
PKGS="
build-essential autoconf automake libtool pkg-config
libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libjson-c-dev libinih-dev libcap-dev
check valgrind
iproute2 ethtool nftables iputils-ping procps jq util-linux curl
swig python3 python3-dev python3-pytest python3-jsonschema
ansible-core
clang libclang-rt-14-dev clang-tools cppcheck bc
systemd
iperf3
"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
