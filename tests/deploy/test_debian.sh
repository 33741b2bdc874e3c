#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The Debian packages, as users get them: dpkg-buildpackage -b on a copy of
# the source tree, lintian, then a fresh Debian 12 root (tests/deploy/
# debroot.sh, mmdebstrap minbase + python3-apt) where the Ansible role's
# `package` method installs them from a local apt repository (file: URI,
# dpkg-scanpackages) over community.general.chroot, and runs with them.
# ansible-playbook runs inside a network namespace made here: the chroot's
# vxlantune tunes that namespace's devices, never the machine's.  Root only
# (chroot, mount, netns): make check-deploy (.ci/run's real-runtime stage).
. "${top_srcdir:-.}/tests/lib.sh"
ANSIBLE_TEST_NAME=debian
. "$top_srcdir/tests/ansible_lib.sh"
. "$top_srcdir/tests/deploy/lib.sh"
ROOT=$TMP/root
NS=$(t_netns deb)
VERSION=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$SRC/debian/changelog")
ARCH=$(dpkg --print-architecture)
# The chroot's /proc is unmounted before the scratch directory goes.
cleanup() {
	mountpoint -q "$ROOT/proc" && umount -l "$ROOT/proc"
	t_cleanup
	[ -n "${KEEP_TMP:-}" ] || rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT
for tool in dpkg-buildpackage lintian dpkg-scanpackages mmdebstrap; do
	command -v "$tool" >/dev/null || { t_fail "$tool not found (tests/deploy/install-deps.sh installs it)"; t_done; exit; }
done
in_root() { ip netns exec "$NS" chroot "$ROOT" "$@"; }

# ------------------------------------------------------------ build
# A copy of the tree as git knows it (tracked and new files, not what
# .gitignore hides): dpkg-buildpackage writes beside the source directory.
mkdir -p "$TMP/src"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$SRC" ls-files -co --exclude-standard -z | tar -C "$SRC" --null -T - -cf - | tar -C "$TMP/src" -xf -
else
	tar -C "$SRC" --exclude='./build*' --exclude=./debian/tmp -cf - . | tar -C "$TMP/src" -xf -
fi
start=$(date +%s)
if (cd "$TMP/src" && nice dpkg-buildpackage -us -uc -b -j2) >"$TMP/build.log" 2>&1; then
	t_ok "dpkg-buildpackage -us -uc -b ($(($(date +%s) - start)) s)"
else t_fail "dpkg-buildpackage -us -uc -b"; tail -30 "$TMP/build.log"; t_done; exit; fi
# Not one root-only suite ran inside the build (override_dh_auto_test).
t_check "build ran no test suite" sh -c "! grep -qE '^(PASS|FAIL): |Testsuite summary' '$TMP/build.log'"
deb() { echo "$TMP/${1}_${VERSION}_${ARCH}.deb"; }
ships() { # PACKAGE PATH...: the package has every PATH
	local p=$1 f; shift
	dpkg-deb -c "$(deb "$p")" | awk '{ print $6 }' | sed 's,^\.,,' >"$TMP/contents"
	for f in "$@"; do grep -qx -- "$f" "$TMP/contents" || { echo "  $p lacks $f"; return 1; }; done
}
for p in libvxlantune0 libvxlantune-dev vxlantune python3-vxlantune; do
	t_check "built $p $VERSION" test -s "$(deb $p)"
done
MA=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
SONAME=$(objdump -p "$TMP/src/lib/.libs/libvxlantune.so" | awk '$1 == "SONAME" { print $2 }')
t_check "libvxlantune0: $SONAME (the soname libtool gives)" ships libvxlantune0 "/usr/lib/$MA/$SONAME"
t_check "libvxlantune0: the package is named after the soname" test "${SONAME%%.so.*}${SONAME##*.so.}" = libvxlantune0
t_check "libvxlantune-dev: header, .so link, .pc" ships libvxlantune-dev /usr/include/vxlantune.h \
	"/usr/lib/$MA/libvxlantune.so" "/usr/lib/$MA/pkgconfig/libvxlantune.pc"
t_check "vxlantune: CLI, man page, units, example policy" ships vxlantune /usr/bin/vxlantune \
	/usr/share/man/man8/vxlantune.8.gz /lib/systemd/system/vxlantune.service /usr/share/doc/vxlantune/examples/vxlantune.conf \
	/lib/systemd/system/vxlantune-check.service /lib/systemd/system/vxlantune-check.timer
t_check "python3-vxlantune: package and extension in Debian's dist-packages" ships python3-vxlantune \
	/usr/lib/python3/dist-packages/vxlantune/__init__.py \
	"/usr/lib/python3/dist-packages/_vxlantune.$(/usr/bin/python3 -c 'import sysconfig; print(sysconfig.get_config_var("SOABI"))').so"
t_check "no libtool archives shipped" sh -c "! for d in '$TMP'/*.deb; do dpkg-deb -c \"\$d\"; done | grep -q '\.la\$'"

# lintian: no errors, no warnings (debian/*.lintian-overrides say why for
# what they hide); informational tags are shown.
lintian --info --display-info "$TMP"/libvxlantune_"$VERSION"_"$ARCH".changes >"$TMP/lintian.out" 2>&1
grep -v '^N: \|^N:$\|running with root privileges' "$TMP/lintian.out" | sed 's/^/  lintian: /' | sort -u | head -20
t_check "lintian: no errors" sh -c "! grep -q '^E: ' '$TMP/lintian.out'"
t_check "lintian: no warnings" sh -c "! grep -q '^W: ' '$TMP/lintian.out'"

# ------------------------------------------------------------ a fresh root
sh "$SRC/tests/deploy/debroot.sh" "$VXT_DEPLOY_CACHE/debian12-python3-apt.tar" --include=python3,python3-apt >"$TMP/debroot.log" 2>&1 ||
	{ t_fail "debroot.sh"; cat "$TMP/debroot.log"; t_done; exit; }
mkdir -p "$ROOT"
tar -C "$ROOT" -xf "$VXT_DEPLOY_CACHE/debian12-python3-apt.tar"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
t_check "fresh root has no vxlantune" sh -c "! chroot '$ROOT' dpkg-query -W vxlantune >/dev/null 2>&1"
# The local repository, inside the root (file:/srv/vxlantune).
mkdir -p "$ROOT/srv/vxlantune"
cp "$(deb libvxlantune0)" "$(deb libvxlantune-dev)" "$(deb vxlantune)" "$(deb python3-vxlantune)" "$ROOT/srv/vxlantune/"
(cd "$ROOT/srv/vxlantune" && dpkg-scanpackages --multiversion . >Packages 2>"$TMP/scan.log")
t_check "local repository: Packages lists the four" test "$(grep -c '^Package: ' "$ROOT/srv/vxlantune/Packages")" = 4

# The "node": the root's network is this namespace.
ip -n "$NS" link add u0 type veth peer name u0p
ip -n "$NS" addr add 198.51.100.1/24 dev u0
ip -n "$NS" link set u0 up
ip -n "$NS" link set u0p up
ip -n "$NS" link add vxlan.calico type vxlan id 4096 dstport 4789 dev u0 local 198.51.100.1
ip -n "$NS" link set vxlan.calico up
ip netns exec "$NS" sh -c "echo 1 > /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter"

# ------------------------------------------------------------ the role's package method
# Module files go to the root's /tmp (the controller's ANSIBLE_REMOTE_TEMP
# would be a path of this machine).
export ANSIBLE_REMOTE_TEMP=/tmp/.ansible-vxt
# deb_play NAME PLAYBOOK [PREFIX...]: ansible-playbook against the root,
# run under PREFIX (e.g. ip netns exec NS).
deb_play() {
	local name=$1 pb=$2; shift 2
	RC=0
	(cd "$TMP" && "$@" ansible-playbook -i "$COLL/tests/debian/inventory.yml" \
		-e "vxt_root=$ROOT" "$COLL/tests/debian/$pb") >"$TMP/$name.out" 2>&1 || RC=$?
}
# The package step in the machine's namespace: apt fetches the
# dependencies (libnl, json-c, inih) from the Debian archive.
deb_play install install.yml
t_check "role's package method: passed and changed" changed_some install debroot || show install 60
# shellcheck disable=SC2016 # dpkg-query's format, not the shell's
for p in libvxlantune0 vxlantune python3-vxlantune; do
	t_check "root: $p $VERSION installed" test "$(chroot "$ROOT" dpkg-query -W -f='${Status} ${Version}' $p 2>&1)" = "install ok installed $VERSION"
done
t_check "root: the repository in sources.list.d" grep -qx "deb \[trusted=yes\] file:/srv/vxlantune ./" "$ROOT/etc/apt/sources.list.d/vxlantune.list"
t_check "root: vxlantune --version" sh -c "chroot '$ROOT' vxlantune --version | grep -qw '$VERSION'"
t_check "root: python3 -c 'import vxlantune' (Debian's dist-packages)" sh -c \
	"chroot '$ROOT' python3 -c 'import vxlantune, _vxlantune; print(vxlantune.__file__, _vxlantune.__file__)' | grep -q '^/usr/lib/python3/dist-packages/vxlantune/__init__.py /usr/lib/python3/dist-packages/_vxlantune.cpython-'"
# The whole role, inside the namespace, with the packaged bindings and CLI.
deb_play role role.yml ip netns exec "$NS"
t_check "role with the packages: passed and changed" changed_some role debroot || show role 60
# What the packaged bindings did, seen with the machine's ethtool and /proc.
t_check "node: vxlan.calico tx-checksum-ip-generic off (checksum preset)" test "$(feature "$NS" vxlan.calico tx-checksum-ip-generic)" = off
t_check "node: vxlan.calico rp_filter 2" test "$(ip netns exec "$NS" cat /proc/sys/net/ipv4/conf/vxlan.calico/rp_filter)" = 2
t_check "root: drop-in /etc/sysctl.d/99-vxlantune.conf" grep -qx "net/ipv4/conf/vxlan.calico/rp_filter = 2" "$ROOT/etc/sysctl.d/99-vxlantune.conf"
t_check "root: the role's unit runs /usr/bin/vxlantune" grep -qx "ExecStart=/usr/bin/vxlantune watch --config /etc/vxlantune/vxlantune.conf --state /run/vxlantune/watch.json --responder" "$ROOT/etc/systemd/system/vxlantune.service"
t_check "root: the packaged unit runs /usr/bin/vxlantune" grep -q "^ExecStart=/usr/bin/vxlantune watch" "$ROOT/lib/systemd/system/vxlantune.service"
t_check "root: the packaged units are not enabled" sh -c "test ! -e '$ROOT/etc/systemd/system/multi-user.target.wants/vxlantune.service' &&
	test ! -e '$ROOT/etc/systemd/system/timers.target.wants/vxlantune-check.timer'"
t_check "root: the check unit runs /usr/bin/vxlantune" grep -q "^ExecStart=/usr/bin/vxlantune check" "$ROOT/lib/systemd/system/vxlantune-check.service"
RC=0; in_root vxlantune apply --config /etc/vxlantune/vxlantune.conf --dry-run >"$TMP/dry.out" 2>&1 || RC=$?
t_check "root: the packaged CLI finds the role's policy applied" sh -c "test $RC -eq 0 && grep -q '^dry run: 0 would change' '$TMP/dry.out'" || sed 's/^/  /' "$TMP/dry.out"
deb_play rerun role.yml ip netns exec "$NS"
expect_recap rerun debroot 0

# The development package: installs with its dependencies, and pkg-config
# finds the library.
if chroot "$ROOT" sh -c 'DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libvxlantune-dev pkg-config' >"$TMP/dev.log" 2>&1; then
	t_ok "root: apt-get install libvxlantune-dev"
	t_check "root: pkg-config --libs libvxlantune" sh -c "chroot '$ROOT' pkg-config --cflags --libs libvxlantune | grep -q -- '-lvxlantune'"
	t_check "root: pkg-config --modversion libvxlantune" test "$(chroot "$ROOT" pkg-config --modversion libvxlantune)" = "$VERSION"
else t_fail "root: apt-get install libvxlantune-dev"; tail -10 "$TMP/dev.log"; fi
t_done
