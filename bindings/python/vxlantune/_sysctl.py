# SPDX-License-Identifier: LGPL-2.1-or-later
"""Sysctl calls of the Context (rp_filter and friends, per interface)."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable, Mapping, Sequence

from ._core import Error, check, raw
from ._report import Report, take

# What sysctl_set/sysctl_render take (an annotation only: never evaluated).
Settings = "Mapping[str, object] | Iterable[tuple[str, object]]"


class SysctlValue(namedtuple("SysctlValue", "object key name value effective")):
    """One /proc/sys value as `vxlantune sysctl show` lists it: object
    (interface, "all", "default", or "" for plain keys), key (full, as
    sysctl.d spells it), name (short: "rp_filter"), value, effective (what
    the kernel acts on: max(all, iface) for rp_filter)."""

    __slots__ = ()


def _strs(v: str | Sequence[str] | None) -> list[str] | None:
    if v is None:
        return None
    return [v] if isinstance(v, str) else list(v)


def _items(settings: Settings) -> list[tuple[str, str]]:
    pairs = settings.items() if isinstance(settings, Mapping) else settings
    out = []
    for key, value in pairs:
        if isinstance(value, bool):
            value = int(value)
        out.append((str(key), str(value)))
    if not out:
        raise Error(22, "no sysctl settings given")
    return out


def show(ctx_ptr, keys, ifaces, any_key: bool) -> list[SysctlValue]:
    flags = raw.VXT_SYSCTL_ANY_KEY if any_key else 0
    rc, lst = raw.vxt_sysctl_show(ctx_ptr, _strs(keys), _strs(ifaces), flags)
    check(ctx_ptr, rc)
    try:
        return [SysctlValue(raw.vxt_sysctl_list_object(lst, i), raw.vxt_sysctl_list_key(lst, i),
                            raw.vxt_sysctl_list_name(lst, i), raw.vxt_sysctl_list_value(lst, i),
                            raw.vxt_sysctl_list_effective(lst, i))
                for i in range(raw.vxt_sysctl_list_count(lst))]
    finally:
        raw.vxt_sysctl_list_unref(lst)


def _request(settings: Settings, ifaces):
    rc, req = raw.vxt_sysctl_req_new()
    if rc < 0:
        raise Error(-rc, "out of memory")
    sel = _strs(ifaces)
    try:
        for key, value in _items(settings):
            if raw.vxt_sysctl_req_add(req, key, value, sel) < 0:
                raise Error(22, f"invalid sysctl setting {key}={value!r}")
    except Exception:
        raw.vxt_sysctl_req_unref(req)
        raise
    return req


def set_(ctx_ptr, settings: Settings, ifaces, dry_run: bool, any_key: bool) -> Report:
    req = _request(settings, ifaces)
    flags = (raw.VXT_DRY_RUN if dry_run else 0) | (raw.VXT_SYSCTL_ANY_KEY if any_key else 0)
    try:
        rc, rep = raw.vxt_sysctl_set(ctx_ptr, req, flags)
        return take(ctx_ptr, rc, rep)
    finally:
        raw.vxt_sysctl_req_unref(req)


def render(ctx_ptr, settings: Settings, ifaces, fmt: str, any_key: bool) -> str:
    formats = {"sysctl.d": raw.VXT_SYSCTL_FORMAT_SYSCTL_D, "kubespray": raw.VXT_SYSCTL_FORMAT_KUBESPRAY}
    if fmt not in formats:
        raise Error(22, f"unknown format {fmt!r} (sysctl.d, kubespray)")
    req = _request(settings, ifaces)
    try:
        rc, text = raw.vxt_sysctl_render(ctx_ptr, req, formats[fmt],
                                         raw.VXT_SYSCTL_ANY_KEY if any_key else 0)
        check(ctx_ptr, rc)
        return text
    finally:
        raw.vxt_sysctl_req_unref(req)


def rp_filter(ctx_ptr, ifname: str) -> tuple[int, int]:
    rc, configured, effective = raw.vxt_sysctl_rp_filter(ctx_ptr, ifname)
    check(ctx_ptr, rc)
    return configured, effective
