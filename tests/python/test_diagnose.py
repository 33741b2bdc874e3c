# SPDX-License-Identifier: LGPL-2.1-or-later
"""Diagnose from Python: the candidates, their policy text (checked by
loading it into the library and applying it in a namespace, read back with
ethtool -k), the role variables, and the fleet search's decisions."""

import importlib.util
import os
import subprocess

import pytest
import vxlantune

from conftest import entered

HERE = os.path.dirname(os.path.abspath(__file__))


def _fleet():
    path = os.path.join(HERE, "..", "..", "ansible", "plugins", "module_utils", "vxlantune_fleet.py")
    spec = importlib.util.spec_from_file_location("vxlantune_fleet", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_candidates_cheapest_first_with_families():
    names = [c.name for c in vxlantune.candidates()]
    assert names[-1] == "rp-filter-loose"
    assert names.index("underlay-tx-csum") < names.index("vxlan-tx-csum")
    fam = {c.name: c.family for c in vxlantune.candidates()}
    assert fam["underlay-tx-csum"] == fam["vxlan-tx-csum"] == "csum"
    assert fam["underlay-tnl-gso"] == fam["tso-gso"] == "gso"


def test_unknown_candidate_is_an_error_naming_the_choices():
    with pytest.raises(vxlantune.Error) as e:
        vxlantune.candidate_policy(["tx-off"])
    assert "underlay-tx-csum" in str(e.value)


def test_role_vars():
    v = vxlantune.role_vars(["underlay-tnl-gso", "vxlan-tx-csum"])
    assert v["vxlantune_preset"] == "none"
    assert v["vxlantune_offloads"] == {
        "underlay": {"tx-udp_tnl-segmentation": False, "tx-udp_tnl-csum-segmentation": False},
        "vxlan": {"tx-checksum-ip-generic": False}}
    assert v["vxlantune_rp_filter"] == {}
    assert vxlantune.role_vars(["rp-filter-loose"])["vxlantune_rp_filter"] == {"vxlan": 2, "all": 2}


def _feature(dev, name):
    out = subprocess.run(["ethtool", "-k", dev], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        k, _, v = line.strip().partition(": ")
        if k == name:
            return v.split()[0]
    return None


def test_policy_text_applies_what_it_says(netns):
    subprocess.run(["ip", "-n", netns, "link", "add", "vxlan.calico", "type", "vxlan", "id", "4096",
                    "dstport", "4789"], check=True)
    with entered(netns):
        with vxlantune.Context() as ctx:
            text = vxlantune.candidate_policy(["vxlan-tx-csum"])
            before = _feature("vxlan.calico", "tx-checksum-ip-generic")
            snap = ctx.snapshot(ctx.policy(text=vxlantune.candidate_policy(
                [c.name for c in vxlantune.candidates()])))
            ctx.apply(ctx.policy(text=text))
            assert before == "on" and _feature("vxlan.calico", "tx-checksum-ip-generic") == "off"
            ctx.restore(snap)
            assert _feature("vxlan.calico", "tx-checksum-ip-generic") == "on"


def test_fleet_search_keeps_the_smallest_set():
    f = _fleet()
    order = [c.name for c in vxlantune.candidates()]
    broken = {"n1": {"passed": False, "candidates": ["underlay-tx-csum", "vxlan-tx-csum"],
                     "peers": [{"address": "B", "out": "checksum", "back": "ok", "fault": "this",
                                "candidates": []}]},
              "n2": {"passed": False, "candidates": [],
                     "peers": [{"address": "A", "out": "ok", "back": "checksum", "fault": "peer",
                                "candidates": ["underlay-tx-csum", "vxlan-tx-csum"]}]}}
    addr = {"n1": ["A"], "n2": ["B"]}
    st = f.start(broken, addr, order)
    assert st["pending"] == {"n1": ["underlay-tx-csum"], "n2": []}   # only the sender named
    st = f.step(st, {"n1": {"passed": True}, "n2": {"passed": True}})
    assert st["phase"] == "reduce"
    st = f.step(st, {"n1": {"passed": False}, "n2": {"passed": False}})  # dropping it breaks again
    assert st["phase"] == "done" and st["outcome"] == "fixed"
    assert st["kept"] == {"n1": ["underlay-tx-csum"], "n2": []}
    m = f.matrix(broken, addr)
    assert m["failing_pairs"] == ["n1 -> n2", "n2 -> n1"] and m["blamed_transmit_paths"] == ["n1"]


def test_fleet_search_healthy_and_hopeless():
    f = _fleet()
    ok = {"n1": {"passed": True}, "n2": {"passed": True}}
    assert f.start(ok, {}, ["a"])["outcome"] == "healthy"
    st = f.start({"n1": {"passed": False}}, {}, ["a", "b"])
    st = f.step(st, {"n1": {"passed": False}})
    st = f.step(st, {"n1": {"passed": False}})
    assert st["outcome"] == "no-fleet-fix" and st["kept"] == {"n1": []}
