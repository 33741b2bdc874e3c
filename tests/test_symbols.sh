#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The ABI is what three places say, and they must agree: the declarations
# of include/vxlantune.h, the names listed per version node in
# lib/libvxlantune.sym (no wildcards), and what the built library exports
# (nm -D, with each symbol's node).  The comparison also runs on temporary
# copies to prove it catches a declaration missing from the .sym file and
# accepts a correct new node.
. "${top_srcdir:-.}/tests/lib.sh"
CC=${CC:-cc}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vxt-symbols.XXXXXX")
trap 'rm -rf "$tmp"; t_cleanup' EXIT

# header_syms DIR: the functions declared by DIR/vxlantune.h, one a line
# (the compiler strips comments; function-pointer typedefs are not symbols).
header_syms() {
	echo '#include "vxlantune.h"' | "$CC" -E -P -I "$1" -x c - |
		sed 's/(\*vxt_[a-z0-9_]*)//g' | grep -oE '\bvxt_[a-z0-9_]+ *\(' | grep -oE 'vxt_[a-z0-9_]+' | sort -u
}
# sym_syms FILE: "NODE SYMBOL" for every name listed in a version script.
sym_syms() {
	sed 's,/\*.*\*/,,; /\/\*/,/\*\//d' "$1" | tr '{};' '\n\n\n' | awk '
		/^[[:space:]]*$/ { next }
		$1 ~ /^VXLANTUNE_/ && !node { node = $1; next }
		$1 == "global:" || $1 == "local:" { scope = $1; next }
		scope == "local:" { if ($1 == "*") { node = ""; scope = "" } ; next }
		$1 ~ /^VXLANTUNE_/ { node = ""; next }       # "} VXLANTUNE_1.0;" inheritance
		scope == "global:" && node { print node, $1 }
		{ next }' | sort -u
}
# lib_syms SO: "NODE SYMBOL" for every defined dynamic symbol (absolute
# version-node symbols left out).
lib_syms() {
	nm -D --defined-only "$1" | awk '$2 != "A" { n = split($3, p, "@"); print (n > 1 ? p[n] : "-"), p[1] }' | sort -u
}
# missing_in_sym HEADER_DIR SYM: declared names the .sym file does not list.
missing_in_sym() {
	comm -23 <(header_syms "$1") <(sym_syms "$2" | awk '{ print $2 }' | sort -u)
}

sym=$top_srcdir/lib/libvxlantune.sym
so=$(ls "$top_builddir"/lib/.libs/libvxlantune.so.* 2>/dev/null | head -n 1)
t_check "library built" test -n "$so"

n_header=$(header_syms "$top_srcdir/include" | wc -l)
if [ "$n_header" -gt 100 ]; then t_ok "header declares $n_header functions"; else t_fail "header parse found only $n_header functions"; fi
wild=$(sed 's,/\*.*\*/,,; /\/\*/,/\*\//d' "$sym" | sed -n '/global:/,/local:/p' | grep -F '*' || true)
if [ -z "$wild" ]; then t_ok ".sym lists names, no wildcard"; else t_fail ".sym has a wildcard: $wild"; fi

d=$(missing_in_sym "$top_srcdir/include" "$sym")
if [ -z "$d" ]; then t_ok "every declaration listed in the .sym file"; else t_fail "declared in vxlantune.h but not in lib/libvxlantune.sym: $d"; fi
d=$(comm -13 <(header_syms "$top_srcdir/include") <(sym_syms "$sym" | awk '{ print $2 }' | sort -u))
if [ -z "$d" ]; then t_ok "every .sym name declared"; else t_fail "listed in lib/libvxlantune.sym but not declared in vxlantune.h: $d"; fi
d=$(diff <(sym_syms "$sym") <(lib_syms "$so") || true)
if [ -z "$d" ]; then t_ok "nm -D matches the .sym file, node by node ($(lib_syms "$so" | wc -l) symbols)"; else t_fail "nm -D differs from lib/libvxlantune.sym (< .sym, > library): $d"; fi
bad=$(lib_syms "$so" | awk '$2 !~ /^vxt_/' || true)
if [ -z "$bad" ]; then t_ok "only vxt_* exported"; else t_fail "foreign exports: $bad"; fi
t_check "soname is libvxlantune.so.0" sh -c "objdump -p '$so' | grep -q 'SONAME *libvxlantune.so.0'"

# Self-check 1: a function added to a copy of the header without the .sym.
mkdir "$tmp/inc"
sed 's,^#ifdef __cplusplus$,int vxt_selfcheck_new(struct vxt_ctx *ctx);\n&,' "$top_srcdir/include/vxlantune.h" >"$tmp/inc/vxlantune.h"
d=$(missing_in_sym "$tmp/inc" "$sym")
if echo "$d" | grep -qx vxt_selfcheck_new; then t_ok "self-check: a declaration missing from the .sym file is caught"; else t_fail "self-check: added vxt_selfcheck_new, comparison said '$d'"; fi

# Self-check 2: the same function in a new VXLANTUNE_1.1 node is accepted,
# and the linker puts it where the parser says (a two-symbol library).
sed 's,^};$,&\nVXLANTUNE_1.1 {\nglobal:\n\tvxt_selfcheck_new;\n} VXLANTUNE_1.0;,' "$sym" >"$tmp/new.sym"
d=$(missing_in_sym "$tmp/inc" "$tmp/new.sym")
if ! echo "$d" | grep -qx vxt_selfcheck_new; then t_ok "self-check: a symbol in a new 1.1 node is accepted"; else t_fail "self-check: 1.1 node not understood"; fi
printf 'VXLANTUNE_1.0 {\nglobal:\n\tvxt_version;\nlocal:\n\t*;\n};\nVXLANTUNE_1.1 {\nglobal:\n\tvxt_selfcheck_new;\n} VXLANTUNE_1.0;\n' >"$tmp/two.sym"
printf 'const char *vxt_version(void) { return ""; }\nint vxt_selfcheck_new(void) { return 0; }\nint vxt_hidden(void) { return 0; }\n' >"$tmp/two.c"
if "$CC" -shared -fPIC -o "$tmp/two.so" "$tmp/two.c" -Wl,--version-script="$tmp/two.sym" 2>"$tmp/cc.err"; then
	d=$(diff <(sym_syms "$tmp/two.sym") <(lib_syms "$tmp/two.so") || true)
	if [ -z "$d" ]; then t_ok "self-check: parser and linker agree on nodes 1.0 and 1.1"; else t_fail "self-check: parser and linker differ: $d"; fi
else
	t_fail "self-check: cannot link the two-node library: $(cat "$tmp/cc.err")"
fi
t_done
