#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install into a staging directory and build examples/show_offloads.c
# against the installed library with nothing but pkg-config's flags.
. "${top_srcdir:-.}/tests/lib.sh"
stage="$top_builddir/tests/tmp/stage-$$"
rm -rf "$stage"; mkdir -p "$stage"
trap 'rm -rf "$stage"; t_cleanup' EXIT
if ${MAKE:-make} -s -C "$top_builddir" install DESTDIR="$stage" >"$stage.log" 2>&1; then
	t_ok "make install DESTDIR"
else
	t_fail "make install DESTDIR"; cat "$stage.log"; t_done; exit
fi
rm -f "$stage.log"
pcdir=$(dirname "$(find "$stage" -name libvxlantune.pc | head -n 1)")
t_check "libvxlantune.pc installed" test -f "$pcdir/libvxlantune.pc"
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$stage"
t_check "pkg-config knows the version" sh -c "pkg-config --modversion libvxlantune | grep -qx '[0-9.]*'"
flags=$(pkg-config --cflags --libs libvxlantune)
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Werror -o "$stage/show_offloads" "$top_srcdir/examples/show_offloads.c" $flags; then
	t_ok "example builds with: cc \$(pkg-config --cflags --libs libvxlantune)"
else
	t_fail "example build"
fi
libdir=$(dirname "$pcdir")
ns=$(t_netns pc)
out=$(LD_LIBRARY_PATH="$libdir" in_ns "$ns" "$stage/show_offloads" lo)
t_check "example runs against the installed library" sh -c "echo '$out' | grep -q '^tx-checksum-ip-generic: '"
t_check "it really used the staged library" sh -c "LD_LIBRARY_PATH='$libdir' ldd '$stage/show_offloads' | grep -q '$stage'"

# The installed Python package and extension, as `make install` lays them
# out for this interpreter (Debian's: .../dist-packages), in a namespace
# with a default route: the issue's one-liner prints the underlay.
pyinit=$(find "$stage" -path '*/vxlantune/__init__.py' | head -n 1)
if [ -z "$pyinit" ]; then
	t_fail "python package installed (configured without Python?)"
else
	pydir=$(dirname "$(dirname "$pyinit")")
	t_check "extension installed beside the package" sh -c "ls '$pydir'/_vxlantune*.so >/dev/null 2>&1 || ls '$(dirname "$pydir")'/*/_vxlantune*.so >/dev/null 2>&1"
	so=$(find "$stage" -name '_vxlantune*.so' | head -n 1)
	in_ns "$ns" sh -c 'ip link add eth0 type veth peer name eth0p && ip link set eth0 up && ip link set eth0p up &&
		ip addr add 198.51.100.10/24 dev eth0 && ip route add default via 198.51.100.1 dev eth0'
	out=$(cd / && PYTHONPATH="$pydir:$(dirname "$so")" LD_LIBRARY_PATH="$libdir" in_ns "$ns" "${PYTHON:-python3}" -S -c \
		"import vxlantune; print(vxlantune.Context().underlay())" 2>&1)
	echo "    $out"
	t_check "installed bindings: python3 -c 'import vxlantune; print(vxlantune.Context().underlay())'" \
		test "${out%% (*}" = "eth0 198.51.100.10/24"
	t_check "the package came from the staged install" sh -c "cd / && PYTHONPATH='$pydir:$(dirname "$so")' LD_LIBRARY_PATH='$libdir' '${PYTHON:-python3}' -S -c 'import vxlantune, _vxlantune; print(vxlantune.__file__, _vxlantune.__file__)' | grep -c '$stage' | grep -qx 1"
fi
t_done
