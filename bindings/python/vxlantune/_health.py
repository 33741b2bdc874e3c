# SPDX-License-Identifier: LGPL-2.1-or-later
"""The health check: local findings, probes to peers, and the verdict."""

from __future__ import annotations

from collections import namedtuple

from . import _probe
from ._core import Error, c_int, check, raw


# Records are named tuples (immutable, compared by value): no dataclass
# machinery at import.
class Remedy(namedtuple("Remedy", "node peer kind device key value")):
    """One change on one node, as the library states it (doc/check.md):
    node "this" or "peer"; peer: the peer's address for node "peer", else
    None; kind: feature, sysctl, link, policy; device: interface ("" for a
    global sysctl or a policy); key: feature name, sysctl key, "mtu"/"up",
    "preset"/"config"; value."""

    __slots__ = ()

    def to_dict(self) -> dict[str, object]:
        return dict(self._asdict())


def _remedy(r) -> Remedy:
    peer = raw.vxt_remedy_peer(r) or None
    return Remedy(raw.vxt_node_name(raw.vxt_remedy_node(r)), peer,
                  raw.vxt_remedy_kind_name(raw.vxt_remedy_get_kind(r)),
                  raw.vxt_remedy_device(r) or "", raw.vxt_remedy_key(r) or "",
                  raw.vxt_remedy_value(r) or "")


class Finding(namedtuple("Finding", "code severity object message remedies", defaults=((),))):
    """One check about one object: code (stable: "vxlan-mtu", "rp-filter",
    "udp-csum-errors", ...), severity (ok, info, warning, error), object,
    message, remedies (Remedy)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, object]:
        d = dict(self._asdict())
        d["remedies"] = [r.to_dict() for r in self.remedies]
        return d


class Counter(namedtuple("Counter", "name before after")):
    """A kernel counter around the probes: name ("Udp:InCsumErrors",
    "Tcp:InCsumErrors", ...), before, after (None when the kernel, or the
    peer, lacks it)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, object]:
        d = dict(self._asdict())
        d["delta"] = None if self.before is None or self.after is None else self.after - self.before
        return d


class Localization(namedtuple("Localization", "peer responder underlay out in_ fault explanation counters",
                              defaults=((),))):
    """Which node's transmit path breaks one peer's packets: responder (its
    vxlantune responder answered), underlay (what the responder reported),
    out (this -> peer) and in_ (peer -> this; ``in`` in to_dict): unknown,
    ok, checksum, segmentation, fails; fault: unknown, none, this, peer,
    both; counters: the peer's (Counter)."""

    __slots__ = ()

    def to_dict(self) -> dict[str, object]:
        return {"peer": self.peer, "responder": self.responder, "underlay": self.underlay,
                "out": self.out, "in": self.in_, "fault": self.fault,
                "explanation": self.explanation, "counters": [c.to_dict() for c in self.counters]}


SCHEMA = "vxlantune-check/2"


class CheckResult(namedtuple("CheckResult", "verdict status status_name summary remedies underlay evidence "
                                            "findings probes counters localization duration_us prometheus",
                             defaults=((), (), (), (), (), 0, ""))):
    """The health check.  verdict: healthy, overlay-data-path,
    segmentation, ... (vxt_verdict_name); status: 0 OK, 1 WARNING,
    2 CRITICAL, 3 UNKNOWN (the CLI's exit code) and status_name; remedies:
    what the verdict recommends, in order (Remedy); evidence: lines;
    findings (Finding); probes (ProbeResult); counters (Counter);
    localization: one per peer (Localization); prometheus: the
    node_exporter textfile-collector text."""

    __slots__ = ()

    @property
    def healthy(self) -> bool:
        return self.status == 0

    def to_dict(self) -> dict[str, object]:
        """The result as doc/check-schema.json has it: the same document as
        ``vxlantune check --json`` and Ansible's health_info."""
        return {
            "schema": SCHEMA, "verdict": self.verdict, "status": self.status,
            "status_name": self.status_name, "summary": self.summary,
            "remedies": [r.to_dict() for r in self.remedies], "evidence": list(self.evidence),
            "underlay": self.underlay or None, "duration_us": self.duration_us,
            "findings": [f.to_dict() for f in self.findings],
            "probes": [p.to_dict() for p in self.probes],
            "counters": [c.to_dict() for c in self.counters],
            "localization": [l.to_dict() for l in self.localization],
        }


def _value(v: int) -> int | None:
    return v if v >= 0 else None


def _opts(ctx_ptr, peers, tcp_port, udp_port, dns, timeout, policy, vxlan, underlay_method, large_size,
          responder_port=None, bulk_size=None):
    # Everything that can be refused is checked before the C object exists
    # or, when C refuses, frees it: nothing leaks on any error.
    if tcp_port is not None:
        tcp_port = c_int(tcp_port, "tcp_port", 0, 65535)
    if udp_port is not None:
        udp_port = c_int(udp_port, "udp_port", 0, 65535)
    if large_size is not None:
        large_size = c_int(large_size, "large_size", 0)
    if responder_port is not None:
        responder_port = c_int(responder_port, "responder_port", 0, 65535)
    if bulk_size is not None:
        bulk_size = c_int(bulk_size, "bulk_size", 0, 16 << 20)
    timeout_ms = None
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
            raise Error(22, f"timeout must be seconds in (0, 600], not {timeout!r}")
        timeout_ms = max(1, int(float(timeout) * 1000))
    if isinstance(peers, str):
        peers = [peers]
    peers = list(peers or [])
    if isinstance(vxlan, str):
        vxlan = [vxlan]
    elif vxlan is not None:
        vxlan = list(vxlan)
    if dns and not isinstance(dns, str):
        raise TypeError(f"dns must be 'SERVER[:PORT]', not {dns!r}")
    rc, o = raw.vxt_check_opts_new()
    if rc < 0:
        raise Error(-rc, "out of memory")

    def ok(rc: int, what: str) -> None:
        if rc < 0:
            raise Error(-rc, f"check: invalid {what}")

    try:
        for peer in peers:
            ok(raw.vxt_check_opts_add_peer(o, peer), f"peer {peer!r}")
        if tcp_port:
            ok(raw.vxt_check_opts_set_tcp_port(o, tcp_port), f"tcp port {tcp_port!r}")
        if udp_port:
            ok(raw.vxt_check_opts_set_udp_port(o, udp_port), f"udp port {udp_port!r}")
        if dns:
            # the library parses SERVER[:PORT] / [IPV6]:PORT, as for the CLI's --dns
            ok(raw.vxt_check_opts_set_dns_spec(o, dns), f"dns server {dns!r}")
        if timeout_ms is not None:
            ok(raw.vxt_check_opts_set_timeout(o, timeout_ms), f"timeout {timeout!r}")
        if policy is not None:
            ok(raw.vxt_check_opts_set_policy(o, policy._p), "policy")
        if vxlan is not None:
            ok(raw.vxt_check_opts_set_vxlan(o, vxlan), f"vxlan devices {vxlan!r}")
        if underlay_method is not None:
            ok(raw.vxt_check_opts_set_underlay_method(o, underlay_method), f"underlay method {underlay_method!r}")
        if large_size:
            ok(raw.vxt_check_opts_set_large_size(o, large_size), f"large size {large_size!r}")
        if responder_port is not None:
            ok(raw.vxt_check_opts_set_responder_port(o, responder_port), f"responder port {responder_port!r}")
        if bulk_size is not None:
            ok(raw.vxt_check_opts_set_bulk_size(o, bulk_size), f"bulk size {bulk_size!r}")
    except BaseException:
        raw.vxt_check_opts_unref(o)
        raise
    return o


def run_opts(ctx_ptr, o):
    """The raw check (vxt_check) run with the options o, which it releases."""
    try:
        rc, c = raw.vxt_check_run(ctx_ptr, o)
        check(ctx_ptr, rc)
    finally:
        raw.vxt_check_opts_unref(o)
    return c


def run(ctx_ptr, policy, peers, tcp_port, udp_port, dns, timeout, vxlan, underlay_method,
        large_size, responder_port=None, bulk_size=None) -> CheckResult:
    c = run_opts(ctx_ptr, _opts(ctx_ptr, peers, tcp_port, udp_port, dns, timeout, policy, vxlan,
                                underlay_method, large_size, responder_port, bulk_size))
    try:
        findings = [Finding(raw.vxt_check_finding_code(c, i),
                            raw.vxt_severity_name(raw.vxt_check_finding_severity(c, i)),
                            raw.vxt_check_finding_object(c, i) or "",
                            raw.vxt_check_finding_message(c, i) or "",
                            [_remedy(raw.vxt_check_finding_remedy(c, i, j))
                             for j in range(raw.vxt_check_finding_remedy_count(c, i))])
                    for i in range(raw.vxt_check_finding_count(c))]
        remedies = [_remedy(raw.vxt_check_remedy(c, i)) for i in range(raw.vxt_check_remedy_count(c))]
        probes = [_probe.from_ptr(raw.vxt_check_probe(c, i),
                                  "underlay" if raw.vxt_check_probe_underlay(c, i) else "overlay")
                  for i in range(raw.vxt_check_probe_count(c))]
        ncounters = raw.vxt_check_counter_count(c)
        names = [raw.vxt_check_counter_name(c, i) for i in range(ncounters)]
        counters = [Counter(names[i], _value(raw.vxt_check_counter_before(c, i)),
                            _value(raw.vxt_check_counter_after(c, i))) for i in range(ncounters)]
        located = []
        for k in range(raw.vxt_check_peer_count(c)):
            answered = bool(raw.vxt_check_peer_responder(c, k))
            peer_counters = [Counter(names[i], _value(raw.vxt_check_peer_counter_before(c, k, i)),
                                     _value(raw.vxt_check_peer_counter_after(c, k, i)))
                             for i in range(ncounters)] if answered else []
            located.append(Localization(raw.vxt_check_peer_address(c, k), answered,
                                        raw.vxt_check_peer_underlay(c, k) or None,
                                        raw.vxt_path_state_name(raw.vxt_check_peer_out(c, k)),
                                        raw.vxt_path_state_name(raw.vxt_check_peer_in(c, k)),
                                        raw.vxt_fault_name(raw.vxt_check_peer_fault(c, k)),
                                        raw.vxt_check_peer_explanation(c, k) or "", peer_counters))
        evidence = [raw.vxt_check_evidence(c, i) for i in range(raw.vxt_check_evidence_count(c))]
        rc, prom = raw.vxt_check_prometheus(c)
        status = raw.vxt_check_status(c)
        return CheckResult(raw.vxt_verdict_name(raw.vxt_check_verdict(c)), status,
                           raw.vxt_check_status_name(status), raw.vxt_check_summary(c) or "",
                           remedies, raw.vxt_check_underlay(c) or "", evidence, findings, probes,
                           counters, located, raw.vxt_check_duration_us(c),
                           prom if rc >= 0 and prom else "")
    finally:
        raw.vxt_check_unref(c)
