"""Policies, apply, snapshot/restore and the watcher."""

from typing import Iterable, Optional

from ._core import Error, check, raw
from ._report import Report, take as _report


class Policy:
    """A libvxlantune policy: which interfaces get which features and sysctls.

    Make one with ``Context.policy(preset=...)``, ``Context.policy(file=...)``,
    ``Context.policy(text=...)`` or ``Policy()`` (empty) and the builders.
    """

    def __init__(self, _ptr=None):
        if _ptr is None:
            rc, _ptr = raw.vxt_policy_new()
            if rc < 0:
                raise Error(-rc, "out of memory")
        self._ptr = _ptr

    def __del__(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr is not None:
            raw.vxt_policy_unref(ptr)

    def _ok(self, rc: int, what: str) -> "Policy":
        if rc < 0:
            raise Error(-rc, f"invalid policy {what}")
        return self

    def set_underlay_method(self, method: Optional[str]) -> "Policy":
        """Calico IP_AUTODETECTION_METHOD syntax (default-route, can-reach=...)."""
        return self._ok(raw.vxt_policy_set_underlay_method(self._ptr, method), f"method {method!r}")

    def set_vxlan_interfaces(self, names: Iterable[str]) -> "Policy":
        names = list(names)
        return self._ok(raw.vxt_policy_set_vxlan_interfaces(self._ptr, names), f"interfaces {names!r}")

    def add_feature(self, selector: str, word: str, on: bool) -> "Policy":
        """``selector``: "underlay", "vxlan", a name or a glob."""
        return self._ok(raw.vxt_policy_add_feature(self._ptr, selector, word, bool(on)),
                        f"feature rule {selector!r}: {word!r} (selectors: underlay, vxlan, "
                        "an interface name or a glob)")

    def add_sysctl(self, key: str, value, selector: Optional[str] = None) -> "Policy":
        """``selector``: "all", "default", "underlay", "vxlan", a name or a
        glob, with a short key ("rp_filter"); None for full keys.  True and
        False are written as 1 and 0."""
        if isinstance(value, bool):
            value = int(value)
        return self._ok(raw.vxt_policy_add_sysctl(self._ptr, key, str(value), selector),
                        f"sysctl rule {key}={value!r} for {selector!r} (selectors: all, default, "
                        "underlay, vxlan, an interface name or a glob)")

    @property
    def underlay_method(self) -> Optional[str]:
        return raw.vxt_policy_underlay_method(self._ptr)

    @property
    def vxlan_interfaces(self):
        return [raw.vxt_policy_vxlan(self._ptr, i) for i in range(raw.vxt_policy_vxlan_count(self._ptr))]


def load(ctx_ptr, preset=None, file=None, text=None) -> Policy:
    given = [x for x in (preset, file, text) if x is not None]
    if len(given) != 1:
        raise Error(22, "give exactly one of preset=, file=, text=")
    if preset is not None:
        rc, p = raw.vxt_policy_preset(ctx_ptr, preset)
    elif file is not None:
        rc, p = raw.vxt_policy_load_file(ctx_ptr, str(file))
    else:
        rc, p = raw.vxt_policy_load_string(ctx_ptr, text)
    check(ctx_ptr, rc)
    return Policy(p)


def apply(ctx_ptr, policy: Policy, dry_run: bool, names_exist: bool = False) -> Report:
    flags = (raw.VXT_DRY_RUN if dry_run else 0) | (raw.VXT_POLICY_NAMES_EXIST if names_exist else 0)
    rc, rep = raw.vxt_policy_apply(ctx_ptr, policy._ptr, flags)
    return _report(ctx_ptr, rc, rep)


def snapshot(ctx_ptr, policy: Policy) -> str:
    rc, text = raw.vxt_snapshot_take(ctx_ptr, policy._ptr)
    check(ctx_ptr, rc)
    return text


def restore(ctx_ptr, text: str, dry_run: bool) -> Report:
    rc, rep = raw.vxt_snapshot_restore(ctx_ptr, text, raw.VXT_DRY_RUN if dry_run else 0)
    return _report(ctx_ptr, rc, rep)


class Watch:
    """Keeps a policy applied.  Poll ``fileno()`` and call ``dispatch()``,
    or block in ``run(timeout_ms)``.  Call ``resync()`` first."""

    def __init__(self, ctx, policy: Policy, dry_run: bool = False):
        self._ctx = ctx  # keeps the context alive as long as the watcher
        self._policy = policy
        rc, w = raw.vxt_watch_new(ctx._p, policy._ptr, raw.VXT_DRY_RUN if dry_run else 0)
        check(ctx._p, rc)
        self._ptr = w

    def close(self) -> None:
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr is not None:
            raw.vxt_watch_unref(ptr)

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    def fileno(self) -> int:
        return raw.vxt_watch_fd(self._ptr)

    def resync(self) -> Report:
        rc, rep = raw.vxt_watch_resync(self._ptr)
        return _report(self._ctx._p, rc, rep)

    def dispatch(self) -> Report:
        rc, rep = raw.vxt_watch_dispatch(self._ptr)
        return _report(self._ctx._p, rc, rep)

    def run(self, timeout_ms: int = -1) -> Optional[Report]:
        """Wait for notifications (GIL released); None on timeout."""
        rc, rep = raw.vxt_watch_run(self._ptr, timeout_ms)
        if rc == 0:
            return None
        return _report(self._ctx._p, rc, rep)

    @property
    def resyncs(self) -> int:
        return raw.vxt_watch_resyncs(self._ptr)

    @property
    def underlay(self) -> str:
        return raw.vxt_watch_underlay(self._ptr)
