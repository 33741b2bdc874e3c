# SPDX-License-Identifier: LGPL-2.1-or-later
"""`import vxlantune` is paid by every Ansible module call: it must not pull
in the heavy standard modules (dataclasses brings inspect, re, copy; typing;
socket brings enum and selectors), neither at import nor on the common
path of a module (Context, features, a report).  Checked in a fresh
interpreter, against what `python -c pass` already loads there."""

import json
import subprocess
import sys

HEAVY = {"dataclasses", "inspect", "typing", "re", "socket", "enum", "threading", "ast", "dis"}

_PROBE = r"""
import json, sys
base = set(sys.modules)
import vxlantune
after_import = set(sys.modules) - base
with vxlantune.Context() as ctx:
    f = ctx.features("lo")
    r = ctx.set_features("lo", {"gro": False}, dry_run=True)
    ctx.links()
    ctx.sysctl_show(ifaces="lo")
    vxlantune.Policy()
after_use = set(sys.modules) - base
print(json.dumps({"import": sorted(after_import), "use": sorted(after_use),
                  "lo": sorted(f)[:1], "entries": len(r)}))
"""


def _fresh(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


# The fresh interpreter is forked from the test thread, inside its namespace.
def test_import_loads_only_the_package(netns):
    got = _fresh(_PROBE)
    assert got["import"] == ["vxlantune"], got["import"]


def test_common_calls_load_nothing_heavy(netns):
    got = _fresh(_PROBE)
    assert got["lo"] and got["entries"] >= 1
    assert not HEAVY & set(got["use"]), sorted(HEAVY & set(got["use"]))
    assert "_vxlantune" in got["use"]


def test_records_are_immutable_values():
    import vxlantune
    from vxlantune._report import ReportEntry
    e = ReportEntry("feature", "lo", "rx-gro", "on", "off", "off", "gro", "changed")
    assert e.error == 0 and e.to_dict()["key"] == "rx-gro"
    assert e == ReportEntry(**e.to_dict())
    try:
        e.status = "failed"
    except AttributeError:
        pass
    else:
        raise AssertionError("ReportEntry is mutable")
    assert "Context" in dir(vxlantune) and vxlantune.Feature(True, True, False).fixed is False
    try:
        vxlantune.NoSuchName  # noqa: B018
    except AttributeError as exc:
        assert "NoSuchName" in str(exc)
    else:
        raise AssertionError("unknown attribute did not raise")
