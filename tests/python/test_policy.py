# SPDX-License-Identifier: LGPL-2.1-or-later
"""Links, underlay, policies, snapshot/restore, the watcher and probes
through the Python bindings, checked with ip/ethtool//proc."""

import errno
import json
import socket
import threading
import time

import pytest

import vxlantune
from conftest import ethtool, sh


@pytest.fixture
def node(netns):
    sh("ip link add eth0 type veth peer name eth0p; ip link set eth0 up; ip link set eth0p up")
    sh("ip addr add 198.51.100.10/24 dev eth0; ip route add default via 198.51.100.1 dev eth0")
    sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0 local 198.51.100.10")
    sh("ip link set vxlan.calico up; echo 1 > /proc/sys/net/ipv4/conf/all/rp_filter")
    return netns


def test_underlay_and_links(node):
    with vxlantune.Context() as ctx:
        u = ctx.underlay()
        assert (u.ifname, u.address, u.prefixlen, u.family) == ("eth0", "198.51.100.10", 24, socket.AF_INET)
        assert "default" in u.explanation and str(u).startswith("eth0 198.51.100.10/24")
        assert ctx.underlay("vxlan=vxlan.calico").ifname == "eth0"
        route = sh("ip route get 198.51.100.50")
        assert ctx.underlay("can-reach=198.51.100.50").ifname in route
        links = {l.name: l for l in ctx.links()}
    vx = links["vxlan.calico"].vxlan
    assert (vx.vni, vx.dstport, vx.local) == (4096, 4789, "198.51.100.10")
    assert vx.link == links["eth0"].ifindex
    assert links["eth0"].addresses[0].address == "198.51.100.10"
    assert links["eth0p"].vxlan is None


def test_underlay_errors(node):
    with vxlantune.Context() as ctx:
        with pytest.raises(vxlantune.Error) as ei:
            ctx.underlay("cidr=300.1.2.3/40")
        assert ei.value.errno == errno.EINVAL
        with pytest.raises(vxlantune.Error) as ei:
            ctx.underlay("interface=^nomatch$")
        assert ei.value.errno == errno.ENOENT
        with pytest.raises(vxlantune.Error):
            ctx.underlay(family=5)


def test_apply_snapshot_restore(node):
    state = "ethtool -k eth0; ethtool -k vxlan.calico; grep . /proc/sys/net/ipv4/conf/*/rp_filter"
    orig = sh(state)
    with vxlantune.Context() as ctx:
        assert "calico-incident" in vxlantune.presets()
        snap = ctx.snapshot("calico-incident")
        assert json.loads(snap)["features"]["vxlan.calico"]["rx-checksum"] == "on"
        dry = ctx.apply("calico-incident", dry_run=True)
        assert dry.dry_run and dry.changed and sh(state) == orig
        rep = ctx.apply("calico-incident")
        assert rep.changed and rep.unmet == 0
        assert ethtool("vxlan.calico", "generic-receive-offload")[0] is False
        assert sh("cat /proc/sys/net/ipv4/conf/all/rp_filter").strip() == "0"
        assert not ctx.apply("calico-incident").changed
        back = ctx.restore(snap)
        assert back.changed
    assert sh(state) == orig


def test_default_vxlan_and_patterns():
    assert vxlantune.default_vxlan() == vxlantune.Policy().vxlan_interfaces
    assert vxlantune.default_vxlan()[0] == "vxlan.calico" and len(vxlantune.default_vxlan()) == 4
    assert [vxlantune.name_is_pattern(n) for n in ("cali*", "eth[01]", "eth0", "vxlan.calico")] == [
        True, True, False, False]


def test_apply_names_exist(node):
    before = sh("ethtool -k vxlan.calico")
    with vxlantune.Context() as ctx:
        p = vxlantune.Policy().add_feature("vxlan", "gro", False).add_feature("nope0", "gro", False)
        with pytest.raises(vxlantune.Error) as ei:
            ctx.apply(p, names_exist=True)
        assert ei.value.errno == errno.ENODEV and "no interface 'nope0'" in str(ei.value)
        assert sh("ethtool -k vxlan.calico") == before
        rep = ctx.apply(p)
        assert {e.object for e in rep} == {"vxlan.calico"}
    assert ethtool("vxlan.calico", "generic-receive-offload")[0] is False


def test_policy_builders_and_errors(node):
    with vxlantune.Context() as ctx:
        p = vxlantune.Policy().set_vxlan_interfaces(["vxlan.*"]).add_feature("vxlan", "gro", False)
        p.add_sysctl("rp_filter", 2, "vxlan")
        assert p.vxlan_interfaces == ["vxlan.*"]
        rep = ctx.apply(p)
        assert {(e.object, e.key) for e in rep if e.status == "changed"} >= {
            ("vxlan.calico", "rx-gro"), ("vxlan.calico", "net/ipv4/conf/vxlan.calico/rp_filter")}
        with pytest.raises(vxlantune.Error) as ei:
            ctx.policy(text="[vxlan]\nfeatures = gro\n")
        assert ei.value.errno == errno.EINVAL and "policy:2:" in str(ei.value)
        with pytest.raises(vxlantune.Error):
            vxlantune.Policy().add_feature("a/b", "gro", False)
        with pytest.raises(vxlantune.Error) as ei:
            ctx.restore("{}")
        assert "snapshot" in str(ei.value)


def test_watch_reapplies_and_releases_gil(node):
    with vxlantune.Context() as ctx, ctx.watch("calico-incident") as w:
        assert w.underlay == "eth0"
        w.resync()
        sh("ip link del vxlan.calico; ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev eth0")
        assert ethtool("vxlan.calico", "generic-receive-offload")[0] is True
        # run() blocks in C without the GIL: another thread keeps running.
        ticks = []
        stop = threading.Event()

        def tick():
            while not stop.is_set():
                ticks.append(1)
                time.sleep(0.001)

        t = threading.Thread(target=tick)
        t.start()
        try:
            for _ in range(20):
                w.run(100)
                if ethtool("vxlan.calico", "generic-receive-offload")[0] is False:
                    break
            # Our own changes come back as notifications: they must settle
            # (nothing left to change), not loop.
            for _ in range(20):
                r = w.run(200)
                if r is None:
                    break
                assert not r.changed, r.to_dicts()
            assert r is None
        finally:
            stop.set()
            t.join()
        assert len(ticks) > 20
        assert ethtool("vxlan.calico", "generic-receive-offload")[0] is False
        assert ethtool("vxlan.calico", "tx-checksumming")[0] is False


def test_probes(netns):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    with vxlantune.Context() as ctx:
        r = ctx.probe_tcp("127.0.0.1", port, 500)
        assert r.ok and r.outcome == "ok" and r.kind == "tcp" and r.rtt_us >= 0
        srv.close()
        r = ctx.probe_tcp("127.0.0.1", port, 500)
        assert r.outcome == "refused" and r.errno == errno.ECONNREFUSED
        r = ctx.probe_icmp("127.0.0.1", 500)
        assert r.ok and r.kind == "icmp"
        with pytest.raises(vxlantune.Error) as ei:
            ctx.probe_icmp("not-an-address", 100)
        assert ei.value.errno == errno.EINVAL
