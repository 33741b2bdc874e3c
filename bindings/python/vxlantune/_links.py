# SPDX-License-Identifier: LGPL-2.1-or-later
"""Links and underlay detection."""

import socket
from dataclasses import dataclass, field
from typing import List, Optional

from ._core import check, raw


@dataclass(frozen=True)
class Address:
    address: str
    prefixlen: int
    family: int  #: socket.AF_INET or socket.AF_INET6
    scope: str


@dataclass(frozen=True)
class VxlanInfo:
    vni: int
    dstport: int
    local: str
    remote: str
    link: int        #: ifindex of the parent device, 0 if none
    learning: bool
    udpcsum: bool
    family: int      #: of the underlay


@dataclass(frozen=True)
class Link:
    name: str
    ifindex: int
    kind: str
    operstate: str
    admin_up: bool
    carrier: bool
    mtu: int
    master: int
    link: int
    addresses: List[Address] = field(default_factory=list)
    vxlan: Optional[VxlanInfo] = None


@dataclass(frozen=True)
class Underlay:
    """The interface that carries the VXLAN packets, and why it was chosen."""

    ifname: str
    ifindex: int
    address: str
    prefixlen: int
    family: int
    mtu: int
    kind: str
    method: str
    explanation: str

    def __str__(self) -> str:
        return f"{self.ifname} {self.address}/{self.prefixlen} ({self.explanation})"


def links(ctx_ptr) -> List[Link]:
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


_FAMILIES = {None: 0, 0: 0, 4: socket.AF_INET, 6: socket.AF_INET6,
             socket.AF_INET: socket.AF_INET, socket.AF_INET6: socket.AF_INET6}


def underlay(ctx_ptr, method: Optional[str], family) -> Underlay:
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
