# SPDX-License-Identifier: LGPL-2.1-or-later
"""Active probes: ICMP, TCP connect, UDP echo, DNS, large ICMP (DF)."""

from __future__ import annotations

from collections import namedtuple

from ._core import check, raw


class ProbeResult(namedtuple("ProbeResult", "kind outcome ok errno rtt_us peer port size method rcode "
                                            "mtu reporter detail bytes path", defaults=(0, "overlay"))):
    """One probe: kind (icmp, tcp, udp, dns, large, ...), outcome (ok,
    timeout, refused, unreachable, too-big, error), and what C's vxt_probe_*
    accessors say about it; bytes: bulk probes, the bytes that got across;
    path: in a check, "underlay" for plain TCP to the peer's underlay, else
    "overlay"."""

    __slots__ = ()

    @property
    def rtt_seconds(self) -> float:
        return self.rtt_us / 1e6

    def to_dict(self) -> dict[str, object]:
        """As in the check result's JSON (doc/check-schema.json)."""
        d = dict(self._asdict())
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
