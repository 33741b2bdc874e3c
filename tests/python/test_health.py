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
