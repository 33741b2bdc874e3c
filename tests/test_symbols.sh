#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The shared library exports only vxt_* symbols, all in version node
# VXLANTUNE_1.0, and the public header declares every one of them.
. "${top_srcdir:-.}/tests/lib.sh"
so=$(ls "$top_builddir"/lib/.libs/libvxlantune.so.* 2>/dev/null | head -n 1)
t_check "library built" test -n "$so"
syms=$(nm -D --defined-only "$so" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }')
bad=$(echo "$syms" | grep -v '^vxt_' || true)
if [ -z "$bad" ]; then t_ok "only vxt_* exported ($(echo "$syms" | wc -l) symbols)"; else t_fail "foreign exports: $bad"; fi
unversioned=$(objdump -T "$so" | awk '$2 ~ /g/ && $NF ~ /^vxt_/ && $(NF-1) != "VXLANTUNE_1.0" { print $NF }')
if [ -z "$unversioned" ]; then t_ok "every symbol in VXLANTUNE_1.0"; else t_fail "not in VXLANTUNE_1.0: $unversioned"; fi
undeclared=""
for s in $syms; do grep -q "\b$s(" "$top_srcdir/include/vxlantune.h" || undeclared="$undeclared $s"; done
if [ -z "$undeclared" ]; then t_ok "every export declared in vxlantune.h"; else t_fail "exported but undeclared:$undeclared"; fi
t_check "soname is libvxlantune.so.0" sh -c "objdump -p '$so' | grep -q 'SONAME *libvxlantune.so.0'"
t_done
