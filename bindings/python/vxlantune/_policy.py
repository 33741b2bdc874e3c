# SPDX-License-Identifier: LGPL-2.1-or-later
"""Policies, apply, snapshot/restore and the watcher."""

from __future__ import annotations

from _thread import RLock
from collections.abc import Iterable

from ._core import Error, Owned, c_int, check, locked, raw
from ._report import Report, take as _report


class Policy(Owned):
    """A libvxlantune policy: which interfaces get which features and sysctls.

    Make one with ``Context.policy(preset=...)``, ``Context.policy(file=...)``,
    ``Context.policy(text=...)`` or ``Policy()`` (empty) and the builders.
    ``close()`` frees it early; any use after that raises ValueError.
    """

    def __init__(self, _ptr=None):
        self._lock = RLock()
        if _ptr is None:
            rc, _ptr = raw.vxt_policy_new()
            if rc < 0:
                raise Error(-rc, "out of memory")
        self._ptr = _ptr

    # close() frees the policy; watchers using it keep their own reference.
    _unref = "vxt_policy_unref"

    @property
    def _p(self):
        ptr = getattr(self, "_ptr", None)
        if ptr is None:
            raise ValueError("operation on a freed vxlantune.Policy")
        return ptr

    def _ok(self, rc: int, what: str) -> "Policy":
        if rc < 0:
            raise Error(-rc, f"invalid policy {what}")
        return self

    @locked
    def set_underlay_method(self, method: str | None) -> "Policy":
        """Calico IP_AUTODETECTION_METHOD syntax (default-route, can-reach=...)."""
        return self._ok(raw.vxt_policy_set_underlay_method(self._p, method), f"method {method!r}")

    @locked
    def set_vxlan_interfaces(self, names: Iterable[str]) -> "Policy":
        if isinstance(names, (str, bytes)):
            raise TypeError("names must be a list of str (a str is not a list)")
        names = list(names)
        return self._ok(raw.vxt_policy_set_vxlan_interfaces(self._p, names), f"interfaces {names!r}")

    @locked
    def add_feature(self, selector: str, word: str, on: bool) -> "Policy":
        """``selector``: "underlay", "vxlan", a name or a glob."""
        return self._ok(raw.vxt_policy_add_feature(self._p, selector, word, bool(on)),
                        f"feature rule {selector!r}: {word!r} (selectors: underlay, vxlan, "
                        "an interface name or a glob)")

    @locked
    def add_sysctl(self, key: str, value, selector: str | None = None) -> "Policy":
        """``selector``: "all", "default", "underlay", "vxlan", a name or a
        glob, with a short key ("rp_filter"); None for full keys.  True and
        False are written as 1 and 0."""
        if isinstance(value, bool):
            value = int(value)
        return self._ok(raw.vxt_policy_add_sysctl(self._p, key, str(value), selector),
                        f"sysctl rule {key}={value!r} for {selector!r} (selectors: all, default, "
                        "underlay, vxlan, an interface name or a glob)")

    @property
    @locked
    def underlay_method(self) -> str | None:
        return raw.vxt_policy_underlay_method(self._p)

    @property
    @locked
    def vxlan_interfaces(self):
        return [raw.vxt_policy_vxlan(self._p, i) for i in range(raw.vxt_policy_vxlan_count(self._p))]


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
    rc, rep = raw.vxt_policy_apply(ctx_ptr, policy._p, flags)
    return _report(ctx_ptr, rc, rep)


def snapshot(ctx_ptr, policy: Policy) -> str:
    rc, text = raw.vxt_snapshot_take(ctx_ptr, policy._p)
    check(ctx_ptr, rc)
    return text


def restore(ctx_ptr, text: str, dry_run: bool) -> Report:
    rc, rep = raw.vxt_snapshot_restore(ctx_ptr, text, raw.VXT_DRY_RUN if dry_run else 0)
    return _report(ctx_ptr, rc, rep)


class Watch(Owned):
    """Keeps a policy applied.  Poll ``fileno()`` and call ``dispatch()``
    (at the latest after ``timeout_ms()`` when it is not -1), or block in
    ``run(timeout_ms)``.  Call ``resync()`` first.

    Every method raises ValueError after ``close()``, and when the Context
    it was made from has been closed (before doing anything).  Its calls
    take turns with the Context's other calls (the Context's lock); ``run``
    waits without holding it.
    """

    def __init__(self, ctx, policy: Policy, dry_run: bool = False):
        self._ptr = None
        self._ctx = ctx  # keeps the context alive as long as the watcher
        self._policy = policy
        self._lock = ctx._lock
        with self._lock:
            rc, w = raw.vxt_watch_new(ctx._p, policy._p, raw.VXT_DRY_RUN if dry_run else 0)
            check(ctx._p, rc)
            self._ptr = w

    _unref = "vxt_watch_unref"

    @property
    def _p(self):
        if getattr(self, "_ptr", None) is None:
            raise ValueError("operation on a closed vxlantune.Watch")
        if self._ctx.closed:
            raise ValueError("the vxlantune.Context of this Watch was closed: close the Watch first")
        return self._ptr

    @locked
    def fileno(self) -> int:
        return raw.vxt_watch_fd(self._p)

    @locked
    def timeout_ms(self) -> int:
        """Milliseconds until a backed-off device is due, -1 if none."""
        return raw.vxt_watch_timeout(self._p)

    @locked
    def resync(self) -> Report:
        rc, rep = raw.vxt_watch_resync(self._p)
        return _report(self._ctx._p, rc, rep)

    @locked
    def dispatch(self) -> Report:
        rc, rep = raw.vxt_watch_dispatch(self._p)
        return _report(self._ctx._p, rc, rep)

    def run(self, timeout_ms: int = -1) -> Report | None:
        """Wait up to timeout_ms (-1: forever) for notifications, then
        handle them; None on timeout.  The wait releases the GIL and does
        not hold the Context's lock: other threads keep using it."""
        timeout_ms = c_int(timeout_ms, "timeout_ms")
        fd = self.fileno()
        due = self.timeout_ms()
        wait = due if due >= 0 and (timeout_ms < 0 or due < timeout_ms) else timeout_ms
        import select  # only a watcher's run() needs it
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        ready = poller.poll(None if wait < 0 else wait)
        if not ready and not (due >= 0 and wait == due):
            return None
        rep = self.dispatch()
        return rep if ready or len(rep) else None

    @property
    @locked
    def resyncs(self) -> int:
        return raw.vxt_watch_resyncs(self._p)

    @property
    @locked
    def events(self) -> int:
        return raw.vxt_watch_events(self._p)

    @property
    @locked
    def underlay(self) -> str:
        return raw.vxt_watch_underlay(self._p)

    @property
    @locked
    def backoff(self) -> "dict[str, int]":
        """Devices backing off now (something else keeps changing them
        back): name -> current delay in ms."""
        w = self._p
        return {raw.vxt_watch_backoff_ifname(w, i): raw.vxt_watch_backoff_delay_ms(w, i)
                for i in range(raw.vxt_watch_backoff_count(w))}
