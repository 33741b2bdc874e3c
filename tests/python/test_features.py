# SPDX-License-Identifier: LGPL-2.1-or-later
"""Offload features through the Python bindings, checked with ethtool -k."""

import errno
import gc
import resource
import subprocess
import tracemalloc

import pytest

import vxlantune
from conftest import ethtool, sh


def test_version():
    assert vxlantune.version().count(".") == 2


def test_context_manager_closes():
    with vxlantune.Context() as ctx:
        assert "lo" in ctx.features_all()
    with pytest.raises(ValueError):
        ctx.features("lo")


def test_features_match_ethtool(node):
    with vxlantune.Context() as ctx:
        feats = ctx.features("vxlan.calico")
    assert len(feats) > 40
    assert feats["tx-checksum-ip-generic"].active is True
    assert feats["tx-udp_tnl-segmentation"].fixed is True
    for name in ("tx-checksum-ip-generic", "tx-tcp-segmentation", "tx-udp_tnl-segmentation"):
        state, fixed = ethtool("vxlan.calico", name)
        assert (state, fixed) == (feats[name].active, feats[name].fixed), name


@pytest.mark.parametrize("alias,group", [
    ("rx", "rx-checksumming"), ("tx", "tx-checksumming"), ("sg", "scatter-gather"),
    ("tso", "tcp-segmentation-offload"), ("gso", "generic-segmentation-offload"),
    ("gro", "generic-receive-offload"),
])
def test_alias_off_on(node, alias, group):
    # From on (veth starts with gro off, so turn it on first) to off and back:
    # each step must change something and end where ethtool says.
    with vxlantune.Context() as ctx:
        ctx.set_features("veth0", {alias: True})
        assert ethtool("veth0", group)[0] is True
        rep = ctx.set_features("veth0", {alias: False})
        assert rep.unmet == 0 and rep.changed
        assert ethtool("veth0", group)[0] is False
        rep = ctx.set_features("veth0", {alias: True})
        assert rep.unmet == 0 and rep.changed
        assert ethtool("veth0", group)[0] is True


def test_runbook_then_idempotent(node):
    words = {"rx": False, "tx": False, "tso": False, "gso": False, "gro": False}
    with vxlantune.Context() as ctx:
        rep = ctx.set_features("vxlan.calico", words)
        assert rep.changed and rep.unmet == 0 and not rep.dry_run
        e = rep.find("vxlan.calico", "rx-checksum")
        assert (e.before, e.after, e.status, e.via, e.requested) == ("on", "off", "changed", "rx", "off")
        assert ethtool("vxlan.calico", "tx-checksumming")[0] is False
        again = ctx.set_features("vxlan.calico", words)
        assert not again.changed
        assert {e.status for e in again} == {"unchanged"}


def test_dry_run_changes_nothing(node):
    before = sh("ethtool -k vxlan.calico")
    with vxlantune.Context() as ctx:
        rep = ctx.set_features("vxlan.calico", {"gro": False}, dry_run=True)
    assert rep.dry_run and rep.changed
    assert rep.find("vxlan.calico", "rx-gro").status == "changed"
    assert sh("ethtool -k vxlan.calico") == before


def test_fixed_feature(node):
    with vxlantune.Context() as ctx:
        rep = ctx.set_features("vxlan.calico", {"tx-udp_tnl-segmentation": True})
    assert rep.unmet == 1
    assert rep[0].status == "fixed"
    assert ethtool("vxlan.calico", "tx-udp_tnl-segmentation") == (False, True)


def test_side_effect_reported(node):
    with vxlantune.Context() as ctx:
        rep = ctx.set_features("vxlan.calico", {"tx-checksum-ip-generic": False})
    e = rep.find("vxlan.calico", "tx-tcp-segmentation")
    assert e.status == "side-effect" and e.after == "off"
    assert rep.to_dicts()[0]["object"] == "vxlan.calico"


def test_glob_and_list(node):
    sh("ip link add cali1 type veth peer name cali2")
    with vxlantune.Context() as ctx:
        rep = ctx.set_features("cali*", {"gso": False})
        assert {e.object for e in rep} == {"cali1", "cali2"}
        rep = ctx.set_features(["veth*"], {"gso": False})
        assert {e.object for e in rep} == {"veth0", "veth1"}
    assert ethtool("cali2", "generic-segmentation-offload")[0] is False
    assert ethtool("vxlan.calico", "generic-segmentation-offload")[0] is True


def test_enodev(node):
    with vxlantune.Context() as ctx, pytest.raises(vxlantune.Error) as ei:
        ctx.set_features("eth9", {"gro": False})
    assert ei.value.errno == errno.ENODEV
    assert isinstance(ei.value, OSError)
    assert str(ei.value) == "no such interface 'eth9'"


def test_einval_unknown_feature_changes_nothing(node):
    before = sh("ethtool -k veth0")
    with vxlantune.Context() as ctx, pytest.raises(vxlantune.Error) as ei:
        ctx.set_features("veth0", {"rx": False, "grox": True})
    assert ei.value.errno == errno.EINVAL
    assert "did you mean 'gro'" in str(ei.value)
    assert sh("ethtool -k veth0") == before


def test_einval_bad_value(node):
    with vxlantune.Context() as ctx, pytest.raises(vxlantune.Error) as ei:
        ctx.set_features("veth0", {"gro": "off"})
    assert ei.value.errno == errno.EINVAL


def test_eperm_without_cap_net_admin(node):
    """Runs in a child Python without CAP_NET_ADMIN (capsh), same namespace."""
    code = ("import vxlantune,sys\n"
            "try:\n"
            "    vxlantune.Context().set_features('vxlan.calico', {'gro': False})\n"
            "except vxlantune.Error as e:\n"
            "    print(e.errno, e); sys.exit(0)\n"
            "sys.exit(1)\n")
    import sys
    out = subprocess.run(["capsh", "--drop=cap_net_admin", "--", "-c",
                          f"{sys.executable} -c \"{code}\""],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (f"{errno.EPERM} vxlan.calico: changing features "
                                  "needs CAP_NET_ADMIN (run as root)")
    assert ethtool("vxlan.calico", "generic-receive-offload")[0] is True


def test_ioctl_backend_same_results(node):
    with vxlantune.Context(backend=vxlantune.Context.BACKEND_IOCTL) as ctx:
        rep = ctx.set_features("vxlan.calico", {"gro": False})
        assert ctx.backend == vxlantune.Context.BACKEND_IOCTL
    assert rep.find("vxlan.calico", "rx-gro").status == "changed"
    assert ethtool("vxlan.calico", "generic-receive-offload")[0] is False


def test_no_leak_over_100000_calls(netns):
    """100,000 calls: Python heap and RSS stay flat (C objects released)."""
    ctx = vxlantune.Context()
    for _ in range(2000):  # warm up caches and allocator pools
        ctx.features("lo")
    gc.collect()
    tracemalloc.start()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    snap0 = tracemalloc.take_snapshot()
    for i in range(100_000):
        if i % 2:
            ctx.features("lo")
        else:
            try:
                ctx.features("nosuchdev0")
            except vxlantune.Error:
                pass
    gc.collect()
    snap1 = tracemalloc.take_snapshot()
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.stop()
    grown = sum(s.size_diff for s in snap1.compare_to(snap0, "filename"))
    ctx.close()
    assert grown < 64 * 1024, f"Python heap grew by {grown} bytes"
    assert rss1 - rss0 < 4096, f"RSS grew by {rss1 - rss0} KiB"
