# SPDX-License-Identifier: LGPL-2.1-or-later
"""The health check through the Python bindings, on the two-node lab."""

import os
import subprocess

import pytest

import vxlantune
from conftest import entered

TOP = os.environ.get("top_srcdir", ".")
LAB = os.path.join(TOP, "tests", "lab", "lab.sh")


@pytest.fixture(scope="module")
def lab():
    """The two-node lab (tests/lab/lab.sh) for this module's tests."""
    env = dict(os.environ)
    env["LABSRV"] = os.path.join(os.environ.get("top_builddir", "."), "tests", "lab", "labsrv")
    prefix = f"vxtpyl{os.getpid()}"
    subprocess.run(["bash", LAB, "-p", prefix, "up"], check=True, env=env, capture_output=True)
    try:
        yield prefix
    finally:
        subprocess.run(["bash", LAB, "-p", prefix, "down"], check=False, env=env, capture_output=True)



@pytest.fixture
def node2(lab):
    with entered(f"{lab}-n2"):
        yield lab


def test_local_only(node2):
    with vxlantune.Context() as ctx:
        r = ctx.check()
    assert r.status in (0, 1)
    codes = {f.code for f in r.findings}
    assert "vxlan-present" in codes
    assert all(f.severity in ("ok", "info", "warning", "error") for f in r.findings)
    d = r.to_dict()
    assert d["verdict"] == r.verdict and isinstance(d["findings"][0], dict)
    assert "vxlantune_check_status" in r.prometheus


def test_healthy_with_peer(node2):
    with vxlantune.Context() as ctx:
        r = ctx.check(peers="203.0.113.2", tcp_port=8080, udp_port=5353, timeout=0.5)
    assert r.healthy, (r.verdict, r.summary, [f for f in r.findings if f.severity != "ok"])
    assert {p.kind for p in r.probes} >= {"icmp", "tcp", "udp"}
    assert all(p.ok for p in r.probes)


def test_bad_options(node2):
    with vxlantune.Context() as ctx:
        with pytest.raises(vxlantune.Error):
            ctx.check(peers="not-an-ip")
        with pytest.raises(vxlantune.Error):
            ctx.check(tcp_port=70000)


def test_remedies_are_data(node2):
    """A fault with a remedy (strict rp_filter on vxlan.calico while the
    route back leaves through the underlay): the remedies are Remedy
    objects, the same in to_dict() as the CLI prints them in JSON."""
    env = dict(os.environ)
    subprocess.run(["bash", LAB, "-p", node2, "fault", "rpfilter", "on"], check=True, env=env,
                   capture_output=True)
    try:
        with vxlantune.Context() as ctx:
            r = ctx.check(peers="203.0.113.2", tcp_port=8080, udp_port=5353, timeout=0.3)
    finally:
        subprocess.run(["bash", LAB, "-p", node2, "fault", "rpfilter", "off"], check=False, env=env,
                       capture_output=True)
    assert r.status == 2 and r.status_name == "CRITICAL"
    rpf = [f for f in r.findings if f.code == "rp-filter" and f.severity == "error"]
    assert rpf, [f.code for f in r.findings if f.severity == "error"]
    rem = rpf[0].remedies
    assert all(isinstance(x, vxlantune.Remedy) for x in rem)
    assert {(x.node, x.kind, x.device, x.key, x.value) for x in rem} == {
        ("this", "sysctl", "all", "rp_filter", "2"), ("this", "sysctl", "vxlan.calico", "rp_filter", "2")}
    d = r.to_dict()
    assert d["schema"] == "vxlantune-check/2"
    f = [x for x in d["findings"] if x["code"] == "rp-filter" and x["severity"] == "error"][0]
    assert f["remedies"][0] == {"node": "this", "peer": None, "kind": "sysctl", "device": "all",
                                "key": "rp_filter", "value": "2"}
    assert all(isinstance(p["rtt_us"], (int, type(None))) for p in d["probes"])
    # without a responder (ports given) the localization says what it cannot know
    assert d["localization"][0]["responder"] is False
