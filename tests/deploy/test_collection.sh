#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The collection as it is shipped: ansible-lint (Debian's, production
# profile, ansible/.ansible-lint) clean, `ansible-galaxy collection build`
# makes the tarball, which installs and whose modules and role render with
# ansible-doc.  No root, no namespaces.
. "${top_srcdir:-.}/tests/lib.sh"
SRC=$(cd "$top_srcdir" && pwd)
COLL=$SRC/ansible
TMP=$(mktemp -d /tmp/vxt-collection.XXXXXX)
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
# Nothing of the machine's own Ansible configuration or caches.
export HOME=$TMP/home XDG_CACHE_HOME=$TMP/cache ANSIBLE_HOME=$TMP/home \
	ANSIBLE_CONFIG=$TMP/none.cfg ANSIBLE_NOCOLOR=1 NO_COLOR=1 PYTHONPYCACHEPREFIX=$TMP/pyc
mkdir -p "$HOME"
VERSION=$(sed -n 's/^version: *//p' "$COLL/galaxy.yml")
MODULES=$(for f in "$COLL"/plugins/modules/*.py; do basename "$f" .py; done)

# ------------------------------------------------------------ ansible-lint
if command -v ansible-lint >/dev/null; then
	# A copy where Ansible finds it as vxlantune.node, so that the modules'
	# options are checked too.  ansible-lint 6.13 takes the collection finder's
	# path as dirname($ANSIBLE_COLLECTIONS_PATH): point it at ansible_collections.
	lint() { # DIR: ansible-lint on a copy of the collection there
		mkdir -p "$1/ansible_collections/vxlantune"
		cp -r "$COLL" "$1/ansible_collections/vxlantune/node"
	}
	run_lint() {
		(cd "$1/ansible_collections/vxlantune/node" &&
			ANSIBLE_COLLECTIONS_PATH="$1/ansible_collections" ansible-lint --nocolor) >"$1.out" 2>&1
	}
	lint "$TMP/lint"
	if run_lint "$TMP/lint" && grep -q "^Passed with production profile: 0 failure(s), 0 warning(s)" "$TMP/lint.out" &&
	   ! grep -q "Unable to" "$TMP/lint.out"; then
		t_ok "ansible-lint (production profile): $(grep -o 'on [0-9]* files' "$TMP/lint.out")"
	else t_fail "ansible-lint"; sed 's/^/  /' "$TMP/lint.out" | tail -30; fi
	# The same lint flags a module option that does not exist: it really
	# loads the collection's modules (a copy where Ansible cannot find them
	# passes silently).
	lint "$TMP/bad"
	printf -- '\n- name: Bad option\n  vxlantune.node.offload:\n    interfaces: [u0]\n    features: {tx: false}\n    no_such_option: 1\n' \
		>>"$TMP/bad/ansible_collections/vxlantune/node/roles/vxlantune/tasks/service.yml"
	run_lint "$TMP/bad"
	t_check "ansible-lint flags an unknown option of vxlantune.node.offload" \
		grep -q 'args\[module\].*no_such_option' "$TMP/bad.out" || sed 's/^/  /' "$TMP/bad.out" | tail -20
else
	t_fail "ansible-lint not found (tests/deploy/install-deps.sh installs it)"
fi

# ------------------------------------------------------------ the tarball
TARBALL=$TMP/dist/vxlantune-node-$VERSION.tar.gz
if ansible-galaxy collection build --output-path "$TMP/dist" "$COLL" >"$TMP/build.out" 2>&1 && [ -s "$TARBALL" ]; then
	t_ok "ansible-galaxy collection build: $(basename "$TARBALL") ($(du -k "$TARBALL" | cut -f1) KiB)"
else t_fail "ansible-galaxy collection build"; cat "$TMP/build.out"; t_done; exit; fi
tar -xzf "$TARBALL" -C "$TMP/dist" MANIFEST.json
t_check "MANIFEST.json: license LGPL-2.1-or-later" sh -c \
	"/usr/bin/python3 -c 'import json, sys; sys.exit(json.load(open(\"$TMP/dist/MANIFEST.json\"))[\"collection_info\"][\"license\"] != [\"LGPL-2.1-or-later\"])'"
tar -tzf "$TARBALL" >"$TMP/files"
in_tarball() { local f; for f in "$@"; do grep -qx -- "$f" "$TMP/files" || { echo "  $f not in the tarball"; return 1; }; done; }
# shellcheck disable=SC2046
t_check "tarball: role argument_specs, every module, module_utils" in_tarball roles/vxlantune/meta/argument_specs.yml \
	plugins/module_utils/vxlantune_common.py $(for m in $MODULES; do echo "plugins/modules/$m.py"; done)
t_check "tarball: no byte code, no test output" sh -c "! grep -qE '(\.pyc|__pycache__|^tests/output)' '$TMP/files'"
if ansible-galaxy collection install --offline -p "$TMP/inst" "$TARBALL" >"$TMP/install.out" 2>&1; then
	t_ok "ansible-galaxy collection install (the tarball)"
else t_fail "ansible-galaxy collection install"; cat "$TMP/install.out"; fi
# ansible-doc from the installed tarball: every module and the role.
for m in $MODULES; do
	t_check "ansible-doc vxlantune.node.$m (installed)" sh -c \
		"ANSIBLE_COLLECTIONS_PATH='$TMP/inst' ansible-doc vxlantune.node.$m >'$TMP/doc.out' 2>&1 &&
		 grep -q '^OPTIONS' '$TMP/doc.out' && ! grep -q '^\[WARNING\]\|^ERROR' '$TMP/doc.out'"
done
t_check "ansible-doc -t role vxlantune.node.vxlantune (installed)" sh -c \
	"ANSIBLE_COLLECTIONS_PATH='$TMP/inst' ansible-doc -t role vxlantune.node.vxlantune 2>&1 | grep -q 'vxlantune_apt_repository'"
t_done
