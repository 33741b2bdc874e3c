# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sysctl through the Python bindings, checked by reading /proc directly."""

import errno

import pytest

import vxlantune
from conftest import proc, sh


@pytest.fixture
def calico_node(netns):
    sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789")
    sh("for i in 1 2 3; do ip link add cali$i type veth peer name peer$i; done")
    sh("echo 2 > /proc/sys/net/ipv4/conf/all/rp_filter; echo 1 > /proc/sys/net/ipv4/conf/cali2/rp_filter")
    return netns


def test_show_effective(calico_node):
    with vxlantune.Context() as ctx:
        vals = {v.object: v for v in ctx.sysctl_show("rp_filter", ["all", "cali*"])}
        assert vals["all"].value == "2"
        assert vals["cali2"].value == proc("net/ipv4/conf/cali2/rp_filter") == "1"
        assert vals["cali2"].effective == "2"
        assert ctx.rp_filter("cali2") == (1, 2)


def test_set_globs_and_dotted_name(calico_node):
    with vxlantune.Context() as ctx:
        rep = ctx.sysctl_set({"rp_filter": 0}, ["all", "default", "cali*", "vxlan.calico"])
        assert rep.changed and rep.unmet == 0
        again = ctx.sysctl_set({"rp_filter": 0}, ["all", "default", "cali*", "vxlan.calico"])
        assert not again.changed
    for name in ("all", "default", "cali1", "cali2", "cali3", "vxlan.calico"):
        assert proc(f"net/ipv4/conf/{name}/rp_filter") == "0", name
    assert proc("net/ipv4/conf/peer1/rp_filter") == proc("net/ipv4/conf/peer1/rp_filter")


def test_dry_run(calico_node):
    with vxlantune.Context() as ctx:
        rep = ctx.sysctl_set({"rp_filter": 0}, "all", dry_run=True)
    assert rep.dry_run and rep.changed
    assert proc("net/ipv4/conf/all/rp_filter") == "2"


@pytest.mark.parametrize("settings,ifaces", [
    ({"rp_filter": 0}, "../../kernel"),
    ({"rp_filter": 0}, "a/b"),
    ({"rp_filter": 7}, "all"),
    ({"kernel.hostname": "x"}, None),
    ({"rp_filterx": 0}, "all"),
])
def test_refused_changes_nothing(calico_node, settings, ifaces):
    before = sh("grep . /proc/sys/net/ipv4/conf/*/rp_filter")
    with vxlantune.Context() as ctx, pytest.raises(vxlantune.Error) as ei:
        ctx.sysctl_set(settings, ifaces)
    assert ei.value.errno in (errno.EINVAL, errno.ENOENT, errno.EPERM, errno.ERANGE)
    assert str(ei.value)
    assert sh("grep . /proc/sys/net/ipv4/conf/*/rp_filter") == before


def test_render_formats(calico_node):
    with vxlantune.Context() as ctx:
        dropin = ctx.sysctl_render({"rp_filter": 0}, ["vxlan.calico", "cali*"])
        assert "net/ipv4/conf/vxlan.calico/rp_filter = 0" in dropin
        assert "net.ipv4.conf.default.rp_filter = 0" in dropin
        ks = ctx.sysctl_render({"rp_filter": 0}, ["cali*"], format="kubespray")
        assert "additional_sysctl" in ks and "net.ipv4.conf.cali1.rp_filter" in ks
        with pytest.raises(vxlantune.Error):
            ctx.sysctl_render({"rp_filter": 0}, "all", format="yaml")
