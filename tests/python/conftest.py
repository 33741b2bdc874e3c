# SPDX-License-Identifier: LGPL-2.1-or-later
"""pytest fixtures: every networking test runs inside a network namespace
of its own.  The test thread enters it with setns(2), so the library's
sockets and the independent tools (ethtool, ip) run there; the namespace
is removed afterwards.  Nothing touches the host's interfaces."""

import contextlib
import ctypes
import os
import subprocess
import uuid

import pytest

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"setns: {os.strerror(err)} (tests must run as root)")


@contextlib.contextmanager
def entered(name: str):
    """Run the body in network namespace NAME (/run/netns/NAME), then go back."""
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        _setns(target)
        yield name
    finally:
        _setns(home)
        os.close(home)
        os.close(target)


def proc(path: str) -> str:
    """A /proc/sys value as the kernel prints it, e.g. proc("net/ipv4/ip_forward")."""
    with open(f"/proc/sys/{path}") as f:
        return f.read().strip()


def sh(cmd: str) -> str:
    """Run a shell command in the current namespace; fail on error."""
    return subprocess.run(cmd, shell=True, check=True, capture_output=True, text=True).stdout


def ethtool(ifname: str, feature: str):
    """(state, fixed) of a feature as `ethtool -k` shows it; state None if absent."""
    for line in sh(f"ethtool -k {ifname}").splitlines():
        name, _, rest = line.strip().partition(": ")
        if name == feature:
            return rest.split()[0] == "on", "[fixed]" in rest
    return None, False


@pytest.fixture
def netns():
    """A fresh namespace with lo up; the test runs inside it."""
    name = f"vxtpy-{uuid.uuid4().hex[:10]}"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        with entered(name):
            sh("ip link set lo up")
            yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False)


@pytest.fixture
def node(netns):
    """A node-like topology: veth underlay and vxlan.calico on top."""
    sh("ip link add veth0 type veth peer name veth1")
    sh("ip link add vxlan.calico type vxlan id 4096 dstport 4789 dev veth0")
    sh("ip link set veth0 up; ip link set veth1 up; ip link set vxlan.calico up")
    return netns
