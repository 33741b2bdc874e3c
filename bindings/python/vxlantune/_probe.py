# SPDX-License-Identifier: LGPL-2.1-or-later
"""Active probes: ICMP, TCP connect, UDP echo, DNS, large ICMP (DF)."""

from dataclasses import asdict, dataclass
from typing import Dict

from ._core import check, raw


@dataclass(frozen=True)
class ProbeResult:
    kind: str      #: icmp, tcp, udp, dns, large
    outcome: str   #: ok, timeout, refused, unreachable, too-big, error
    ok: bool
    errno: int
    rtt_us: int
    peer: str
    port: int
    size: int
    method: str
    rcode: int
    mtu: int
    reporter: str
    detail: str
    bytes: int = 0           #: bulk probes: bytes that got across
    path: str = "overlay"    #: in a check: "underlay" for plain TCP to the peer's underlay

    @property
    def rtt_seconds(self) -> float:
        return self.rtt_us / 1e6

    def to_dict(self) -> Dict[str, object]:
        """As in the check result's JSON (doc/check-schema.json)."""
        d = asdict(self)
        d["rtt_us"] = self.rtt_us if self.rtt_us >= 0 else None
        return d


def from_ptr(p, path: str = "overlay") -> ProbeResult:
    """A ProbeResult from a C probe (borrowed: not released here)."""
    return ProbeResult(raw.vxt_probe_kind_name(raw.vxt_probe_get_kind(p)),
                       raw.vxt_probe_outcome_name(raw.vxt_probe_get_outcome(p)),
                       bool(raw.vxt_probe_ok(p)), raw.vxt_probe_errno(p), raw.vxt_probe_rtt_us(p),
                       raw.vxt_probe_peer(p) or "", raw.vxt_probe_port(p), raw.vxt_probe_size(p),
                       raw.vxt_probe_method(p) or "", raw.vxt_probe_rcode(p), raw.vxt_probe_mtu(p),
                       raw.vxt_probe_reporter(p) or "", raw.vxt_probe_detail(p) or "",
                       raw.vxt_probe_bytes(p), path)


def _result(ctx_ptr, rc, p) -> ProbeResult:
    check(ctx_ptr, rc)
    try:
        return from_ptr(p)
    finally:
        raw.vxt_probe_unref(p)


def icmp(ctx_ptr, peer, timeout_ms):
    return _result(ctx_ptr, *raw.vxt_probe_icmp(ctx_ptr, peer, timeout_ms))


def tcp(ctx_ptr, peer, port, timeout_ms):
    return _result(ctx_ptr, *raw.vxt_probe_tcp(ctx_ptr, peer, port, timeout_ms))


def udp(ctx_ptr, peer, port, timeout_ms):
    return _result(ctx_ptr, *raw.vxt_probe_udp(ctx_ptr, peer, port, timeout_ms))


def dns(ctx_ptr, server, port, name, timeout_ms):
    return _result(ctx_ptr, *raw.vxt_probe_dns(ctx_ptr, server, port, name, timeout_ms))


def large(ctx_ptr, peer, size, timeout_ms):
    return _result(ctx_ptr, *raw.vxt_probe_large(ctx_ptr, peer, size, timeout_ms))
