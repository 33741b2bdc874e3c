# SPDX-License-Identifier: LGPL-2.1-or-later
"""Links and underlay detection."""

from __future__ import annotations

from collections import namedtuple

from _socket import AF_INET, AF_INET6  # the C module: `socket` costs more than the package

from ._core import check, raw


class Address(namedtuple("Address", "address prefixlen family scope")):
    """An address of a link; family is AF_INET or AF_INET6."""

    __slots__ = ()


class VxlanInfo(namedtuple("VxlanInfo", "vni dstport local remote link learning udpcsum family")):
    """VXLAN details; link is the ifindex of the parent device (0 if none),
    family that of the underlay."""

    __slots__ = ()


class Link(namedtuple("Link", "name ifindex kind operstate admin_up carrier mtu master link addresses vxlan",
                      defaults=((), None))):
    """A link with its addresses and, for VXLAN devices, its details."""

    __slots__ = ()


class Underlay(namedtuple("Underlay", "ifname ifindex address prefixlen family mtu kind method explanation")):
    """The interface that carries the VXLAN packets, and why it was chosen."""

    __slots__ = ()

    def to_dict(self) -> dict:
        return dict(self._asdict())

    def __str__(self) -> str:
        return f"{self.ifname} {self.address}/{self.prefixlen} ({self.explanation})"


def links(ctx_ptr) -> list[Link]:
    rc, lst = raw.vxt_links_get(ctx_ptr)
    check(ctx_ptr, rc)
    try:
        out = []
        for i in range(raw.vxt_link_list_count(lst)):
            addrs = [Address(raw.vxt_link_addr(lst, i, j), raw.vxt_link_addr_prefixlen(lst, i, j),
                             raw.vxt_link_addr_family(lst, i, j), raw.vxt_link_addr_scope(lst, i, j))
                     for j in range(raw.vxt_link_addr_count(lst, i))]
            vx = None
            if raw.vxt_link_is_vxlan(lst, i):
                vx = VxlanInfo(raw.vxt_link_vxlan_vni(lst, i), raw.vxt_link_vxlan_dstport(lst, i),
                               raw.vxt_link_vxlan_local(lst, i) or "", raw.vxt_link_vxlan_remote(lst, i) or "",
                               raw.vxt_link_vxlan_link(lst, i), bool(raw.vxt_link_vxlan_learning(lst, i)),
                               bool(raw.vxt_link_vxlan_udpcsum(lst, i)), raw.vxt_link_vxlan_family(lst, i))
            out.append(Link(raw.vxt_link_name(lst, i), raw.vxt_link_ifindex(lst, i),
                            raw.vxt_link_kind(lst, i) or "", raw.vxt_link_operstate(lst, i) or "",
                            bool(raw.vxt_link_admin_up(lst, i)), bool(raw.vxt_link_carrier(lst, i)),
                            raw.vxt_link_mtu(lst, i), raw.vxt_link_master(lst, i), raw.vxt_link_link(lst, i),
                            addrs, vx))
        return out
    finally:
        raw.vxt_link_list_unref(lst)


_FAMILIES = {None: 0, 0: 0, 4: AF_INET, 6: AF_INET6, AF_INET: AF_INET, AF_INET6: AF_INET6}


def underlay(ctx_ptr, method: str | None, family) -> Underlay:
    if family not in _FAMILIES:
        from ._core import Error
        raise Error(22, f"family must be None, 4 or 6, not {family!r}")
    rc, u = raw.vxt_underlay_detect(ctx_ptr, method, _FAMILIES[family])
    check(ctx_ptr, rc)
    try:
        return Underlay(raw.vxt_underlay_ifname(u), raw.vxt_underlay_ifindex(u),
                        raw.vxt_underlay_address(u) or "", raw.vxt_underlay_prefixlen(u),
                        raw.vxt_underlay_family(u), raw.vxt_underlay_mtu(u),
                        raw.vxt_underlay_kind(u) or "", raw.vxt_underlay_method(u) or "",
                        raw.vxt_underlay_explanation(u) or "")
    finally:
        raw.vxt_underlay_unref(u)
