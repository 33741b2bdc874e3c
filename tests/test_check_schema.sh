#!/bin/bash
# One JSON schema for a check result (doc/check-schema.json, described in
# doc/check.md), validated with python3-jsonschema against all three
# emitters: `vxlantune check --json`, Python's CheckResult.to_dict() and
# Ansible's health_info module.  Run on node 2 of the emulated-NIC lab with
# a responder on node 1, healthy and with both NICs breaking VXLAN checksums
# (so that remedies, localization and peer counters are filled), and the
# three must also agree with each other (the same keys, the same verdict).
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
top_builddir=${top_builddir:-.}
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/lab/lab.sh"
V=$VXLANTUNE
SCHEMA=$top_srcdir/doc/check-schema.json
OUT=$(mktemp -d)
RESP=""
finish() { [ -n "$RESP" ] && kill "$RESP" 2>/dev/null; rm -rf "$OUT"; lab_down; t_cleanup; }
trap finish EXIT
trap 'finish; exit 130' INT TERM
BUILD=$(cd "$top_builddir" && pwd)
SRC=$(cd "$top_srcdir" && pwd)
mkdir -p "$OUT/coll/ansible_collections/vxlantune"
ln -s "$SRC/ansible" "$OUT/coll/ansible_collections/vxlantune/node"
# The Python the bindings were built for (configure's PYTHON), which has
# Ansible and jsonschema from Debian.
PY=${PYTHON:-/usr/bin/python3}
PYENV="PYTHONPATH=$OUT/coll:$BUILD/bindings/python/.libs:$SRC/bindings/python LD_LIBRARY_PATH=$BUILD/lib/.libs"

LAB_UNDERLAY=nic
lab_up "vxtlab-$$-sch" >/dev/null || { t_fail "lab up"; t_done; exit 1; }
ip netns exec "$LAB_N1" "$V" responder --listen "$LAB_N1_TUN" >/dev/null 2>&1 &
RESP=$!
for _ in $(seq 50); do lab_exec n1 ss -ltn | grep -q "$LAB_N1_TUN:9475" && break; sleep 0.1; done

emit_all() { # NAME: the three documents into $OUT/NAME.{cli,py,ansible}.json
	lab_exec n2 "$V" check --peer "$LAB_N1_TUN" --timeout 500 --json >"$OUT/$1.cli.json"
	lab_exec n2 env $PYENV "$PY" -c '
import json, sys, vxlantune
with vxlantune.Context() as ctx:
    json.dump(ctx.check(peers=[sys.argv[1]], timeout=0.5).to_dict(), sys.stdout)' "$LAB_N1_TUN" >"$OUT/$1.py.json"
	printf '{"ANSIBLE_MODULE_ARGS": {"peers": ["%s"], "timeout": 0.5, "fail_on": "never"}}' "$LAB_N1_TUN" >"$OUT/args.json"
	lab_exec n2 env $PYENV "$PY" -m ansible_collections.vxlantune.node.plugins.modules.health_info "$OUT/args.json" \
		| "$PY" -c '
import json, sys
r = json.load(sys.stdin)
for k in ("changed", "invocation", "failed", "msg"):   # what Ansible adds to every result
    r.pop(k, None)
json.dump(r, sys.stdout)' >"$OUT/$1.ansible.json"
}
validate() { # FILE
	"$PY" - "$SCHEMA" "$1" <<-'PY'
	import json, sys, jsonschema
	schema, doc = (json.load(open(p)) for p in sys.argv[1:3])
	jsonschema.Draft7Validator.check_schema(schema)
	errors = sorted(jsonschema.Draft7Validator(schema).iter_errors(doc), key=str)
	for e in errors[:5]:
	    print("  %s: %s" % ("/".join(map(str, e.absolute_path)), e.message), file=sys.stderr)
	sys.exit(1 if errors else 0)
	PY
}
# The key paths of a document (list items merged), so that two runs with
# different values but one shape compare equal.
shape() {
	"$PY" - "$1" <<-'PY'
	import json, sys
	def walk(x, path, out):
	    if isinstance(x, dict):
	        for k, v in x.items():
	            walk(v, path + "." + k, out)
	    elif isinstance(x, list):
	        for v in x:
	            walk(v, path + "[]", out)
	    else:
	        out.add(path)
	out = set()
	walk(json.load(open(sys.argv[1])), "", out)
	print("\n".join(sorted(out)))
	PY
}

for state in healthy checksum; do
	[ "$state" = checksum ] && lab_nic encap-csum both
	emit_all "$state"
	for e in cli py ansible; do
		t_check "$state: $e output is valid against doc/check-schema.json" validate "$OUT/$state.$e.json"
	done
	for e in py ansible; do
		t_check "$state: $e has the CLI's shape (same key paths)" diff <(shape "$OUT/$state.cli.json") <(shape "$OUT/$state.$e.json")
		t_check "$state: $e has the CLI's verdict, status and finding codes" eval '
			[ "$(jq -c "[.verdict, .status, [.findings[].code]]" "$OUT/$state.cli.json")" = \
			  "$(jq -c "[.verdict, .status, [.findings[].code]]" "$OUT/$state.$e.json")" ]'
	done
done
t_check "checksum: the documents carry remedies, localization and peer counters" eval 'jq -e "
	(.remedies | length > 0) and (.localization[0].counters | length > 0) and .verdict != \"healthy\"" "$OUT/checksum.cli.json" >/dev/null'
# the validator can fail: a document with a remedy as a command line
jq '.findings[0].remedies = ["vxlantune offloads set vxlan.calico tx off"]' "$OUT/healthy.cli.json" >"$OUT/bad.json"
t_check "a remedy as a command line is rejected by the schema" eval '! validate "$OUT/bad.json" 2>/dev/null'
jq 'del(.duration_us) | .duration_ms = 1.5' "$OUT/healthy.cli.json" >"$OUT/bad2.json"
t_check "a duration in another unit is rejected by the schema" eval '! validate "$OUT/bad2.json" 2>/dev/null'
t_done
