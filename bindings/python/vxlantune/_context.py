# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Context: one per thread, owns the library's kernel sockets."""

from __future__ import annotations

from _thread import RLock
from collections import namedtuple
from collections.abc import Iterable, Mapping

from . import _health, _links, _policy, _probe, _sysctl
from ._health import CheckResult
from ._core import Error, Owned, c_int, check, locked, raw
from ._report import Report, take
from ._links import Link, Underlay
from ._policy import Policy, Watch
from ._probe import ProbeResult
from ._sysctl import Settings, SysctlValue

Backend = int


class Feature(namedtuple("Feature", "active wanted fixed")):
    """One offload feature as ethtool -k shows it: active, wanted
    ("requested" in ethtool's words), fixed (the driver cannot change it)."""

    __slots__ = ()


# The eight possible Feature values, shared (they are immutable), indexed
# by the characters of vxt_features_states().
_STATES = {chr(ord("0") + s): Feature(bool(s & 1), bool(s & 2), bool(s & 4)) for s in range(8)}
_names_cache: dict[tuple[str, ...], tuple[str, ...]] = {}


def _names(ptr) -> tuple[str, ...]:
    """The kernel's feature names in order (the same for every device of a
    kernel: read once, then only checked by count and ends)."""
    n = raw.vxt_features_count(ptr)
    key = (n, raw.vxt_features_name(ptr, 0) if n else "", raw.vxt_features_name(ptr, n - 1) if n else "")
    names = _names_cache.get(key)
    if names is None:
        names = tuple(raw.vxt_features_name(ptr, i) for i in range(n))
        _names_cache[key] = names
    return names


def _features_dict(ptr) -> dict[str, Feature]:
    return dict(zip(_names(ptr), map(_STATES.__getitem__, raw.vxt_features_states(ptr))))


class Context(Owned):
    """A libvxlantune context.  Use it as a context manager, or call close().

    Every C object a method creates is released before the method returns;
    the context itself is released by close() (or when it is collected).
    Any method called after close() raises ValueError.

    Threads may share a Context: its calls take turns (a lock per Context),
    so that no thread reads another's netlink reply or error message.  For
    calls that should run in parallel, give each thread a Context of its own.
    """

    BACKEND_AUTO = raw.VXT_BACKEND_AUTO
    BACKEND_NETLINK = raw.VXT_BACKEND_NETLINK
    BACKEND_IOCTL = raw.VXT_BACKEND_IOCTL

    def __init__(self, backend: Backend = raw.VXT_BACKEND_AUTO):
        self._lock = RLock()
        self._ptr = None
        backend = c_int(backend, "backend")
        rc, ptr = raw.vxt_ctx_new()
        if rc < 0:
            raise Error(-rc, "cannot create a libvxlantune context")
        self._ptr = ptr
        if backend != raw.VXT_BACKEND_AUTO:
            try:
                check(ptr, raw.vxt_ctx_set_backend(ptr, backend))
            except Error:
                self.close()
                raise

    # -- lifetime: close() releases the context and its sockets; a Watch
    # made from it stops working too (its methods raise ValueError).
    _unref = "vxt_ctx_unref"

    @property
    def _p(self):
        if self._ptr is None:
            raise ValueError("operation on a closed vxlantune.Context")
        return self._ptr

    @property
    @locked
    def backend(self) -> int:
        """BACKEND_NETLINK or BACKEND_IOCTL once a feature call decided."""
        return raw.vxt_ctx_get_backend(self._p)

    # -- offload features -------------------------------------------------
    @locked
    def features(self, ifname: str) -> dict[str, Feature]:
        """The offload features of one interface, by kernel name."""
        rc, f = raw.vxt_features_get(self._p, ifname)
        check(self._p, rc)
        try:
            return _features_dict(f)
        finally:
            raw.vxt_features_unref(f)

    @locked
    def features_all(self) -> dict[str, dict[str, Feature]]:
        """The features of every interface (one netlink dump)."""
        rc, lst = raw.vxt_features_get_all(self._p)
        check(self._p, rc)
        try:
            return {raw.vxt_features_ifname(f): _features_dict(f)
                    for f in (raw.vxt_features_list_get(lst, i)
                              for i in range(raw.vxt_features_list_count(lst)))}
        finally:
            raw.vxt_features_list_unref(lst)

    @staticmethod
    def _request(features: Mapping[str, bool]):
        if not isinstance(features, Mapping):
            raise TypeError("features must be a mapping of feature words to True/False")
        if not features:
            raise Error(22, "no features requested")
        rc, req = raw.vxt_feature_req_new()
        if rc < 0:
            raise Error(-rc, "out of memory")
        try:
            for word, on in features.items():
                if not isinstance(word, str):
                    raise TypeError(f"feature names must be str, not {type(word).__name__}")
                if not isinstance(on, bool):
                    raise Error(22, f"feature '{word}': value must be True or False, not {on!r}")
                if raw.vxt_feature_req_add(req, word, on) < 0:
                    raise Error(22, f"invalid feature name {word!r}")
        except BaseException:
            raw.vxt_feature_req_unref(req)
            raise
        return req

    @locked
    def set_features(self, interfaces: str | Iterable[str] | None,
                     features: Mapping[str, bool], dry_run: bool = False) -> Report:
        """Set features, ethtool -K style: ``{"tx": False, "gro": False}``.

        ``interfaces`` is one name, a glob (``"cali*"``), a list of names and
        globs, or None for every interface.  An empty list selects no
        interface (nothing changes, the report is empty): only None means
        all.  Words are kernel names, ethtool long names or short aliases.
        Returns the Report; an unknown feature raises Error(EINVAL) and
        changes nothing.
        """
        globs = None
        if interfaces is not None and not isinstance(interfaces, str):
            if isinstance(interfaces, (bytes, Mapping)) or not isinstance(interfaces, Iterable):
                raise TypeError("interfaces must be a str, a list of str or None")
            globs = list(interfaces)
            if not all(isinstance(g, str) for g in globs):
                raise TypeError("interfaces must be a str, a list of str or None")
        req = self._request(features)
        flags = raw.VXT_DRY_RUN if dry_run else 0
        try:
            if globs is not None and not globs:
                # C's "NULL or empty = every interface" is not what an
                # empty Python list says: check the words, change nothing.
                check(self._p, raw.vxt_feature_req_check(self._p, req))
                return Report([], bool(dry_run), 0)
            if isinstance(interfaces, str) and not raw.vxt_name_is_pattern(interfaces):
                rc, rep = raw.vxt_features_set(self._p, interfaces, req, flags)
            else:
                if isinstance(interfaces, str):
                    globs = [interfaces]
                rc, rep = raw.vxt_features_set_glob(self._p, globs, req, flags)
            return take(self._p, rc, rep)
        finally:
            raw.vxt_feature_req_unref(req)

    @locked
    def check_features(self, features: Iterable[str]) -> None:
        """Raise Error(EINVAL) naming the first word the kernel does not know."""
        if isinstance(features, (str, bytes)) or not isinstance(features, Iterable):
            raise TypeError("features must be a list of feature words")
        req = self._request({w: False for w in features})
        try:
            check(self._p, raw.vxt_feature_req_check(self._p, req))
        finally:
            raw.vxt_feature_req_unref(req)

    # -- sysctl -----------------------------------------------------------
    @locked
    def sysctl_show(self, keys: str | Iterable[str] | None = None,
                    ifaces: str | Iterable[str] | None = None,
                    any_key: bool = False) -> "list[SysctlValue]":
        """Read keys (default: rp_filter) for interfaces ("all", "default",
        names, globs; default: all, default and every interface)."""
        return _sysctl.show(self._p, keys, ifaces, any_key)

    @locked
    def sysctl_set(self, settings: Settings, ifaces: str | Iterable[str] | None = None,
                   dry_run: bool = False, any_key: bool = False) -> Report:
        """Set ``{"rp_filter": 0}`` for ``ifaces`` (short conf keys), or full
        and plain keys (``{"net.ipv4.ip_forward": 1}``, no ifaces).  Validated
        first: a bad key, value or interface raises Error and writes nothing."""
        return _sysctl.set_(self._p, settings, ifaces, dry_run, any_key)

    @locked
    def sysctl_render(self, settings: Settings, ifaces: str | Iterable[str] | None = None,
                      format: str = "sysctl.d", any_key: bool = False) -> str:
        """The same settings as a /etc/sysctl.d drop-in or Kubespray's
        additional_sysctl list (format "kubespray")."""
        return _sysctl.render(self._p, settings, ifaces, format, any_key)

    @locked
    def rp_filter(self, ifname: str) -> "tuple[int, int]":
        """(configured, effective) rp_filter of an interface."""
        return _sysctl.rp_filter(self._p, ifname)

    # -- links and underlay -------------------------------------------------
    @locked
    def links(self) -> "list[Link]":
        """Every link with kind, state, MTU, addresses and VXLAN details."""
        return _links.links(self._p)

    @locked
    def underlay(self, method: str | None = None, family=None) -> Underlay:
        """The underlay NIC, chosen as the CNI would (Calico's
        IP_AUTODETECTION_METHOD syntax; None = default-route).  family:
        None (IPv4, then IPv6), 4 or 6."""
        return _links.underlay(self._p, method, family)

    # -- policies -----------------------------------------------------------
    @locked
    def policy(self, preset: str | None = None, file: str | None = None,
               text: str | None = None) -> Policy:
        """Load a policy: a preset ("calico-incident", "checksum"), a file or
        INI text.  Errors name the line and the key."""
        return _policy.load(self._p, preset, file, text)

    def _as_policy(self, policy) -> Policy:
        if isinstance(policy, Policy):
            return policy
        if isinstance(policy, str):
            return _policy.load(self._p, policy, None, None)
        raise TypeError("policy must be a vxlantune.Policy or a preset name")

    @locked
    def check_policy(self, policy) -> None:
        """Raise Error if the policy does not fit the running kernel."""
        p = self._as_policy(policy)
        check(self._p, raw.vxt_policy_check(self._p, p._p))

    @locked
    def apply(self, policy, dry_run: bool = False, names_exist: bool = False) -> Report:
        """Apply a Policy (or a preset name): one plan first (a write that
        cannot succeed raises Error and changes nothing), then features and
        sysctls.  A write the kernel refuses anyway puts everything back:
        those entries are "rolled-back", the refused one "failed", and
        ``report.unmet`` is not 0.  With names_exist, a selector naming an
        interface that does not exist raises Error(ENODEV) instead of
        waiting for the device to appear."""
        return _policy.apply(self._p, self._as_policy(policy), dry_run, names_exist)

    @locked
    def snapshot(self, policy) -> str:
        """JSON text of everything the policy touches, as it is now."""
        return _policy.snapshot(self._p, self._as_policy(policy))

    @locked
    def restore(self, snapshot: str, dry_run: bool = False) -> Report:
        """Put a snapshot back; a malformed snapshot changes nothing."""
        return _policy.restore(self._p, snapshot, dry_run)

    @locked
    def watch(self, policy, dry_run: bool = False) -> Watch:
        """A watcher that keeps the policy applied (see Watch)."""
        return Watch(self, self._as_policy(policy), dry_run)

    # -- probes ---------------------------------------------------------------
    @locked
    def probe_icmp(self, peer: str, timeout_ms: int = 1000) -> ProbeResult:
        return _probe.icmp(self._p, peer, c_int(timeout_ms, "timeout_ms"))

    @locked
    def probe_tcp(self, peer: str, port: int, timeout_ms: int = 1000) -> ProbeResult:
        return _probe.tcp(self._p, peer, c_int(port, "port", 0, 65535), c_int(timeout_ms, "timeout_ms"))

    @locked
    def probe_udp(self, peer: str, port: int, timeout_ms: int = 1000) -> ProbeResult:
        return _probe.udp(self._p, peer, c_int(port, "port", 0, 65535), c_int(timeout_ms, "timeout_ms"))

    @locked
    def probe_dns(self, server: str, name: str = "kubernetes.default.svc.cluster.local",
                  port: int = 53, timeout_ms: int = 1000) -> ProbeResult:
        return _probe.dns(self._p, server, c_int(port, "port", 0, 65535), name,
                          c_int(timeout_ms, "timeout_ms"))

    @locked
    def probe_large(self, peer: str, size: int, timeout_ms: int = 1000) -> ProbeResult:
        return _probe.large(self._p, peer, c_int(size, "size", 0), c_int(timeout_ms, "timeout_ms"))

    # -- health ---------------------------------------------------------------
    @locked
    def diagnose(self, peers: str | Iterable[str], timeout: float | None = None,
                 vxlan=None, underlay_method: str | None = None, bulk_size: int | None = None,
                 dry_run: bool = False):
        """vxlantune diagnose: the smallest change that makes every probe pass
        (the rest restored); see vxlantune._diagnose.DiagnoseResult."""
        from . import _diagnose
        return _diagnose.run(self._p, peers, timeout, vxlan, underlay_method, bulk_size, dry_run)

    @locked
    def diagnose_probe(self, peers: str | Iterable[str], timeout: float | None = None,
                       vxlan=None, underlay_method: str | None = None, bulk_size: int | None = None):
        """One probe round as a diagnose trial sees it (passed, evidence per node)."""
        from . import _diagnose
        return _diagnose.probe(self._p, peers, timeout, vxlan, underlay_method, bulk_size)

    @locked
    def check(self, peers: str | Iterable[str] | None = None, tcp_port: int | None = None,
              udp_port: int | None = None, dns: str | None = None,
              timeout: float | None = None, policy=None,
              vxlan: str | Iterable[str] | None = None,
              underlay_method: str | None = None, large_size: int | None = None,
              responder_port: int | None = None, bulk_size: int | None = None) -> CheckResult:
        """Health check: local findings (VXLAN devices, underlay, MTU, the
        policy's offloads and rp_filter, forwarding, UDP checksum errors) and,
        with peers, ICMP/TCP/UDP/DNS/large probes, then a verdict.  timeout in
        seconds per probe; policy a Policy or a preset name; dns "SERVER[:PORT]" or
        "[IPV6]:PORT", as the CLI's --dns.
        Without tcp_port/udp_port each peer's vxlantune responder is probed
        (responder_port, default 9475; 0: none) and the result localizes the
        fault (``result.localization``).  Changes nothing.  ``result.status``:
        0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN; ``result.to_dict()`` is the
        document of doc/check-schema.json, as ``vxlantune check --json``."""
        pol = self._as_policy(policy) if policy is not None else None
        return _health.run(self._p, pol, peers, tcp_port, udp_port, dns, timeout, vxlan,
                           underlay_method, large_size, responder_port, bulk_size)
