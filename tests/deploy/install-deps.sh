#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the real-runtime tests need on Debian 12 (as root): podman
# with runc, mmdebstrap for the base roots, systemd-nspawn, Debian's
# node_exporter and promtool; debhelper, dh-python and lintian for the
# Debian packages; Debian's ansible (ansible.posix, community.general's
# chroot connection) and ansible-lint for the collection.  Safe to run
# again.  Packaged daemons are not started by the install (policy-rc.d):
# the tests run their own, on 127.0.0.1 only.
set -eu
PKGS="
podman runc conmon containernetworking-plugins golang-github-containers-common
mmdebstrap systemd-container
prometheus-node-exporter prometheus
curl python3-yaml bc util-linux
debhelper dh-python dpkg-dev lintian ansible ansible-lint
"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -n "$missing" ] || exit 0
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
own_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	own_policy=yes
fi
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
[ -z "$own_policy" ] || rm -f /usr/sbin/policy-rc.d
