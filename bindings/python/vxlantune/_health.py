"""The health check: local findings, probes to peers, and the verdict."""

from dataclasses import asdict, dataclass, field
from typing import Dict, Iterable, List, Optional, Tuple, Union

from . import _probe
from ._core import Error, check, raw
from ._probe import ProbeResult


@dataclass(frozen=True)
class Remedy:
    """One change on one node, as the library states it (doc/check.md)."""
    node: str            #: "this" or "peer"
    peer: Optional[str]  #: the peer's address for node "peer", else None
    kind: str            #: feature, sysctl, link, policy
    device: str          #: interface ("" for a global sysctl or a policy)
    key: str             #: feature name, sysctl key, "mtu"/"up", "preset"/"config"
    value: str

    def to_dict(self) -> Dict[str, object]:
        return asdict(self)


def _remedy(r) -> Remedy:
    peer = raw.vxt_remedy_peer(r) or None
    return Remedy(raw.vxt_node_name(raw.vxt_remedy_node(r)), peer,
                  raw.vxt_remedy_kind_name(raw.vxt_remedy_get_kind(r)),
                  raw.vxt_remedy_device(r) or "", raw.vxt_remedy_key(r) or "",
                  raw.vxt_remedy_value(r) or "")


@dataclass(frozen=True)
class Finding:
    code: str       #: stable: "vxlan-mtu", "rp-filter", "udp-csum-errors", ...
    severity: str   #: ok, info, warning, error
    object: str
    message: str
    remedies: List[Remedy] = field(default_factory=list)

    def to_dict(self) -> Dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class CheckResult:
    verdict: str                 #: healthy, overlay-data-path, mtu, ... (vxt_verdict_name)
    status: int                  #: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (the CLI's exit code)
    summary: str
    remedies: List[Remedy]       #: what the verdict recommends, in order
    underlay: str
    evidence: List[str] = field(default_factory=list)
    findings: List[Finding] = field(default_factory=list)
    probes: List[ProbeResult] = field(default_factory=list)
    counters: Dict[str, Tuple[int, int]] = field(default_factory=dict)  #: name: (before, after)
    duration_us: int = 0
    prometheus: str = ""         #: node_exporter textfile-collector text

    @property
    def healthy(self) -> bool:
        return self.status == 0

    def to_dict(self) -> Dict[str, object]:
        d = asdict(self)
        d.pop("prometheus")
        return d


def _opts(ctx_ptr, peers, tcp_port, udp_port, dns, timeout, policy, vxlan, underlay_method, large_size):
    rc, o = raw.vxt_check_opts_new()
    if rc < 0:
        raise Error(-rc, "out of memory")

    def ok(rc: int, what: str) -> None:
        if rc < 0:
            raw.vxt_check_opts_free(o)
            raise Error(-rc, f"check: invalid {what}")

    if isinstance(peers, str):
        peers = [peers]
    for peer in peers or []:
        ok(raw.vxt_check_opts_add_peer(o, peer), f"peer {peer!r}")
    if tcp_port:
        ok(raw.vxt_check_opts_set_tcp_port(o, int(tcp_port)), f"tcp port {tcp_port!r}")
    if udp_port:
        ok(raw.vxt_check_opts_set_udp_port(o, int(udp_port)), f"udp port {udp_port!r}")
    if dns:
        server, _, port = str(dns).rpartition(":") if str(dns).count(":") == 1 else (dns, "", "")
        ok(raw.vxt_check_opts_set_dns(o, server or dns, int(port) if port else 0), f"dns server {dns!r}")
    if timeout is not None:
        ok(raw.vxt_check_opts_set_timeout(o, int(float(timeout) * 1000)), f"timeout {timeout!r}")
    if policy is not None:
        ok(raw.vxt_check_opts_set_policy(o, policy._ptr), "policy")
    if vxlan is not None:
        ok(raw.vxt_check_opts_set_vxlan(o, [vxlan] if isinstance(vxlan, str) else list(vxlan)),
           f"vxlan devices {vxlan!r}")
    if underlay_method is not None:
        ok(raw.vxt_check_opts_set_underlay_method(o, underlay_method), f"underlay method {underlay_method!r}")
    if large_size:
        ok(raw.vxt_check_opts_set_large_size(o, int(large_size)), f"large size {large_size!r}")
    return o


def run(ctx_ptr, policy, peers, tcp_port, udp_port, dns, timeout, vxlan, underlay_method,
        large_size) -> CheckResult:
    o = _opts(ctx_ptr, peers, tcp_port, udp_port, dns, timeout, policy, vxlan, underlay_method, large_size)
    try:
        rc, c = raw.vxt_check_run(ctx_ptr, o)
        check(ctx_ptr, rc)
    finally:
        raw.vxt_check_opts_free(o)
    try:
        findings = [Finding(raw.vxt_check_finding_code(c, i),
                            raw.vxt_severity_name(raw.vxt_check_finding_severity(c, i)),
                            raw.vxt_check_finding_object(c, i) or "",
                            raw.vxt_check_finding_message(c, i) or "",
                            [_remedy(raw.vxt_check_finding_remedy(c, i, j))
                             for j in range(raw.vxt_check_finding_remedy_count(c, i))])
                    for i in range(raw.vxt_check_finding_count(c))]
        remedies = [_remedy(raw.vxt_check_remedy(c, i)) for i in range(raw.vxt_check_remedy_count(c))]
        probes = [_probe.from_ptr(raw.vxt_check_probe(c, i)) for i in range(raw.vxt_check_probe_count(c))]
        counters = {raw.vxt_check_counter_name(c, i): (raw.vxt_check_counter_before(c, i),
                                                       raw.vxt_check_counter_after(c, i))
                    for i in range(raw.vxt_check_counter_count(c))}
        evidence = [raw.vxt_check_evidence(c, i) for i in range(raw.vxt_check_evidence_count(c))]
        rc, prom = raw.vxt_check_prometheus(c)
        return CheckResult(raw.vxt_verdict_name(raw.vxt_check_verdict(c)), raw.vxt_check_status(c),
                           raw.vxt_check_summary(c) or "", remedies,
                           raw.vxt_check_underlay(c) or "", evidence, findings, probes, counters,
                           raw.vxt_check_duration_us(c), prom if rc >= 0 and prom else "")
    finally:
        raw.vxt_check_unref(c)
