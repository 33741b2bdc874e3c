"""The health check: local findings, probes to peers, and the verdict."""

from __future__ import annotations

from collections import namedtuple

from . import _probe
from ._core import Error, c_int, check, raw


class Finding(namedtuple("Finding", "code severity object message remedy")):
    """One check about one object: code (stable: "vxlan-mtu", "rp-filter",
    "udp-csum-errors", ...), severity (ok, info, warning, error), object,
    message, remedy (a command to paste, or "")."""

    __slots__ = ()

    def to_dict(self) -> dict[str, str]:
        return dict(self._asdict())


class CheckResult(namedtuple("CheckResult", "verdict status summary remedy underlay evidence findings probes "
                                            "counters duration_us prometheus",
                             defaults=((), (), (), {}, 0, ""))):
    """The health check.  verdict: healthy, overlay-data-path, mtu, ...
    (vxt_verdict_name); status: 0 healthy, 1 warnings, 2 unhealthy (the
    CLI's exit code); evidence: lines; findings: Finding; probes:
    ProbeResult; counters: name -> (before, after); prometheus: the
    node_exporter textfile-collector text."""

    __slots__ = ()

    @property
    def healthy(self) -> bool:
        return self.status == 0

    def to_dict(self) -> dict[str, object]:
        d = dict(self._asdict())
        d.pop("prometheus")
        d["evidence"] = list(self.evidence)
        d["findings"] = [f.to_dict() for f in self.findings]
        d["probes"] = [p.to_dict() for p in self.probes]
        d["counters"] = {k: tuple(v) for k, v in self.counters.items()}
        return d


def _opts(ctx_ptr, peers, tcp_port, udp_port, dns, timeout, policy, vxlan, underlay_method, large_size):
    # Everything that can be refused is checked before the C object exists
    # or, when C refuses, frees it: nothing leaks on any error.
    if tcp_port is not None:
        tcp_port = c_int(tcp_port, "tcp_port", 0, 65535)
    if udp_port is not None:
        udp_port = c_int(udp_port, "udp_port", 0, 65535)
    if large_size is not None:
        large_size = c_int(large_size, "large_size", 0)
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
    except BaseException:
        raw.vxt_check_opts_unref(o)
        raise
    return o


def run(ctx_ptr, policy, peers, tcp_port, udp_port, dns, timeout, vxlan, underlay_method,
        large_size) -> CheckResult:
    o = _opts(ctx_ptr, peers, tcp_port, udp_port, dns, timeout, policy, vxlan, underlay_method, large_size)
    try:
        rc, c = raw.vxt_check_run(ctx_ptr, o)
        check(ctx_ptr, rc)
    finally:
        raw.vxt_check_opts_unref(o)
    try:
        findings = [Finding(raw.vxt_check_finding_code(c, i),
                            raw.vxt_severity_name(raw.vxt_check_finding_severity(c, i)),
                            raw.vxt_check_finding_object(c, i) or "",
                            raw.vxt_check_finding_message(c, i) or "",
                            raw.vxt_check_finding_remedy(c, i) or "")
                    for i in range(raw.vxt_check_finding_count(c))]
        probes = [_probe.from_ptr(raw.vxt_check_probe(c, i)) for i in range(raw.vxt_check_probe_count(c))]
        counters = {raw.vxt_check_counter_name(c, i): (raw.vxt_check_counter_before(c, i),
                                                       raw.vxt_check_counter_after(c, i))
                    for i in range(raw.vxt_check_counter_count(c))}
        evidence = [raw.vxt_check_evidence(c, i) for i in range(raw.vxt_check_evidence_count(c))]
        rc, prom = raw.vxt_check_prometheus(c)
        return CheckResult(raw.vxt_verdict_name(raw.vxt_check_verdict(c)), raw.vxt_check_status(c),
                           raw.vxt_check_summary(c) or "", raw.vxt_check_remedy(c) or "",
                           raw.vxt_check_underlay(c) or "", evidence, findings, probes, counters,
                           raw.vxt_check_duration_us(c), prom if rc >= 0 and prom else "")
    finally:
        raw.vxt_check_unref(c)
