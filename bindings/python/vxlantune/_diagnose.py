# SPDX-License-Identifier: LGPL-2.1-or-later
"""Diagnose (lib/diagnose.c): the smallest change that makes every probe
pass, and the pieces the fleet diagnosis (Ansible) runs step by step:
the candidates, their policy text, and a probe that says which candidates
the evidence names for which node."""

from dataclasses import asdict, dataclass, field
from typing import Dict, Iterable, List, Optional, Union

from . import _health
from ._core import Error, check, raw


@dataclass(frozen=True)
class Candidate:
    name: str         #: "underlay-tx-csum", ...
    family: str       #: candidates that repair the same fault ("csum", "gso", "rx", "rpf")
    description: str


def role_vars(names: Iterable[str]) -> Dict[str, object]:
    """The role vxlantune.node.vxlantune's variables that make these
    candidates (vxlantune_preset none, vxlantune_offloads, vxlantune_rp_filter)."""
    offloads: Dict[str, Dict[str, bool]] = {}
    rp_filter: Dict[str, int] = {}
    for n in names:
        i = raw.vxt_candidate_find(n)
        if i < 0:
            raise Error(22, f"unknown diagnose candidate {n!r}")
        for sel, words in (("underlay", raw.vxt_candidate_underlay_words(i)),
                           ("vxlan", raw.vxt_candidate_vxlan_words(i))):
            w = (words or "").split()
            for feat, val in zip(w[0::2], w[1::2]):
                offloads.setdefault(sel, {})[feat] = val == "on"
        if raw.vxt_candidate_rp_filter(i):
            rp_filter.update({"vxlan": int(raw.vxt_candidate_rp_filter(i)),
                              "all": int(raw.vxt_candidate_rp_filter(i))})
    return {"vxlantune_preset": "none", "vxlantune_offloads": offloads, "vxlantune_rp_filter": rp_filter}


def candidates() -> List[Candidate]:
    """Every candidate, cheapest first (the order diagnose tries them)."""
    return [Candidate(raw.vxt_candidate_name(i), raw.vxt_candidate_family(i),
                      raw.vxt_candidate_description(i)) for i in range(raw.vxt_candidate_count())]


def _names(mask: int) -> List[str]:
    return [raw.vxt_candidate_name(i) for i in range(raw.vxt_candidate_count()) if mask & (1 << i)]


def candidate_policy(names: Iterable[str], vxlan: Union[str, Iterable[str], None] = None,
                     underlay_method: Optional[str] = None) -> str:
    """The policy-file text that makes these candidates (none: a policy that changes nothing)."""
    names = list(names)
    for n in names:
        if raw.vxt_candidate_find(n) < 0:
            raise Error(22, f"unknown diagnose candidate {n!r} (one of: "
                            f"{', '.join(c.name for c in candidates())})")
    vx = [vxlan] if isinstance(vxlan, str) else (list(vxlan) if vxlan else None)
    rc, text = raw.vxt_candidate_policy_text(names, vx, underlay_method)
    if rc < 0:
        raise Error(-rc, "cannot build the candidates' policy")
    return text


@dataclass(frozen=True)
class PeerPath:
    address: str
    responder: bool   #: its responder answered (so its counters are known)
    out: str          #: this node -> peer: unknown, ok, checksum, segmentation, fails
    back: str         #: peer -> this node
    fault: str        #: whose transmit path: unknown, none, this, peer, both
    candidates: List[str] = field(default_factory=list)  #: what the evidence names for the peer


@dataclass(frozen=True)
class Probe:
    """One round of the check's probes, as a trial sees it."""
    passed: bool                 #: every probe passed
    verdict: str
    summary: str
    underlay: str
    candidates: List[str]        #: what the evidence names for this node
    peers: List[PeerPath]
    duration_us: int

    def to_dict(self) -> Dict[str, object]:
        return asdict(self)


def probe(ctx_ptr, peers, timeout: Optional[float] = None, vxlan=None, underlay_method=None,
          bulk_size: Optional[int] = None) -> Probe:
    c = _health.run_opts(ctx_ptr, _health._opts(ctx_ptr, peers, None, None, None, timeout, None, vxlan,
                                                underlay_method, None, None, bulk_size))
    try:
        paths = []
        for k in range(raw.vxt_check_peer_count(c)):
            addr = raw.vxt_check_peer_address(c, k)
            paths.append(PeerPath(addr, bool(raw.vxt_check_peer_responder(c, k)),
                                  raw.vxt_path_state_name(raw.vxt_check_peer_out(c, k)),
                                  raw.vxt_path_state_name(raw.vxt_check_peer_in(c, k)),
                                  raw.vxt_fault_name(raw.vxt_check_peer_fault(c, k)),
                                  _names(raw.vxt_check_candidates(c, raw.VXT_NODE_PEER, addr))))
        return Probe(bool(raw.vxt_check_probes_pass(c)), raw.vxt_verdict_name(raw.vxt_check_verdict(c)),
                     raw.vxt_check_summary(c) or "", raw.vxt_check_underlay(c) or "",
                     _names(raw.vxt_check_candidates(c, raw.VXT_NODE_THIS, None)), paths,
                     raw.vxt_check_duration_us(c))
    finally:
        raw.vxt_check_unref(c)


@dataclass(frozen=True)
class Trial:
    set: List[str]
    passed: bool
    verdict: str
    duration_us: int


@dataclass(frozen=True)
class DiagnoseResult:
    outcome: str            #: healthy, fixed, no-local-fix, planned, cancelled, failed
    summary: str
    before: str             #: the verdict before any change
    plan: List[str]
    trials: List[Trial]
    fix: List[str]
    policy: str             #: the chosen set as a policy file ("" unless fixed/healthy)
    duration_us: int

    @property
    def changed(self) -> bool:
        return self.outcome == "fixed"

    def to_dict(self) -> Dict[str, object]:
        return asdict(self)


def run(ctx_ptr, peers, timeout=None, vxlan=None, underlay_method=None, bulk_size=None,
        dry_run: bool = False) -> DiagnoseResult:
    o = _health._opts(ctx_ptr, peers, None, None, None, timeout, None, vxlan, underlay_method, None, None,
                      bulk_size)
    rc, d = raw.vxt_diagnose_new(ctx_ptr)
    if rc < 0:
        raw.vxt_check_opts_unref(o)
        check(ctx_ptr, rc)
    try:
        rc = raw.vxt_diagnose_run(d, o, raw.VXT_DRY_RUN if dry_run else 0)
        if rc < 0 and raw.vxt_diagnose_baseline(d) is None:
            check(ctx_ptr, rc)
        trials = []
        for t in range(raw.vxt_diagnose_trial_count(d)):
            s = raw.vxt_diagnose_trial_set(d, t) or ""
            trials.append(Trial(s.split("+") if s else [], bool(raw.vxt_diagnose_trial_passed(d, t)),
                                raw.vxt_verdict_name(raw.vxt_check_verdict(raw.vxt_diagnose_trial_check(d, t))),
                                raw.vxt_diagnose_trial_duration_us(d, t)))
        base = raw.vxt_diagnose_baseline(d)
        prc, policy = raw.vxt_diagnose_policy_text(d)
        return DiagnoseResult(raw.vxt_diagnose_outcome_name(raw.vxt_diagnose_get_outcome(d)),
                              raw.vxt_diagnose_summary(d) or "",
                              raw.vxt_verdict_name(raw.vxt_check_verdict(base)) if base else "",
                              [raw.vxt_diagnose_plan(d, i) for i in range(raw.vxt_diagnose_plan_count(d))],
                              trials, [raw.vxt_diagnose_fix(d, i) for i in range(raw.vxt_diagnose_fix_count(d))],
                              policy if prc >= 0 and policy else "", raw.vxt_diagnose_duration_us(d))
    finally:
        raw.vxt_diagnose_unref(d)
        raw.vxt_check_opts_unref(o)
