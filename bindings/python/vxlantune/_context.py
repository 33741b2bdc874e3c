"""The Context: one per thread, owns the library's kernel sockets."""

from typing import Dict, Iterable, Mapping, NamedTuple, Optional, Union

from ._core import Error, check, raw
from ._report import Report

Backend = int


class Feature(NamedTuple):
    """One offload feature as ethtool -k shows it."""

    active: bool
    wanted: bool  #: "requested" in ethtool's words
    fixed: bool   #: the driver cannot change it


def _features_dict(ptr) -> Dict[str, Feature]:
    n = raw.vxt_features_count(ptr)
    return {raw.vxt_features_name(ptr, i): Feature(bool(raw.vxt_features_active(ptr, i)),
                                                    bool(raw.vxt_features_wanted(ptr, i)),
                                                    not raw.vxt_features_changeable(ptr, i))
            for i in range(n)}


def _is_glob(name: str) -> bool:
    return any(c in name for c in "*?[")


class Context:
    """A libvxlantune context.  Use it as a context manager, or call close().

    Every C object a method creates is released before the method returns;
    the context itself is released by close() (or when it is collected).
    """

    BACKEND_AUTO = raw.VXT_BACKEND_AUTO
    BACKEND_NETLINK = raw.VXT_BACKEND_NETLINK
    BACKEND_IOCTL = raw.VXT_BACKEND_IOCTL

    def __init__(self, backend: Backend = raw.VXT_BACKEND_AUTO):
        rc, ptr = raw.vxt_ctx_new()
        if rc < 0:
            raise Error(-rc, "cannot create a libvxlantune context")
        self._ptr = ptr
        if backend != raw.VXT_BACKEND_AUTO:
            check(ptr, raw.vxt_ctx_set_backend(ptr, backend))

    # -- lifetime ---------------------------------------------------------
    def close(self) -> None:
        """Release the context (closes its sockets).  Idempotent."""
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr is not None:
            raw.vxt_ctx_unref(ptr)

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()

    @property
    def _p(self):
        if self._ptr is None:
            raise ValueError("operation on a closed vxlantune.Context")
        return self._ptr

    @property
    def backend(self) -> int:
        """BACKEND_NETLINK or BACKEND_IOCTL once a feature call decided."""
        return raw.vxt_ctx_get_backend(self._p)

    # -- offload features -------------------------------------------------
    def features(self, ifname: str) -> Dict[str, Feature]:
        """The offload features of one interface, by kernel name."""
        rc, f = raw.vxt_features_get(self._p, ifname)
        check(self._p, rc)
        try:
            return _features_dict(f)
        finally:
            raw.vxt_features_unref(f)

    def features_all(self) -> Dict[str, Dict[str, Feature]]:
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
        if not features:
            raise Error(22, "no features requested")
        rc, req = raw.vxt_feature_req_new()
        if rc < 0:
            raise Error(-rc, "out of memory")
        for word, on in features.items():
            if not isinstance(on, bool):
                raw.vxt_feature_req_free(req)
                raise Error(22, f"feature '{word}': value must be True or False, not {on!r}")
            if raw.vxt_feature_req_add(req, word, on) < 0:
                raw.vxt_feature_req_free(req)
                raise Error(22, f"invalid feature name {word!r}")
        return req

    def set_features(self, interfaces: Union[str, Iterable[str], None],
                     features: Mapping[str, bool], dry_run: bool = False) -> Report:
        """Set features, ethtool -K style: ``{"tx": False, "gro": False}``.

        ``interfaces`` is one name, a glob (``"cali*"``), a list of names and
        globs, or None for every interface.  Words are kernel names,
        ethtool long names or short aliases.  Returns the Report; an unknown
        feature raises Error(EINVAL) and changes nothing.
        """
        req = self._request(features)
        flags = raw.VXT_DRY_RUN if dry_run else 0
        try:
            if isinstance(interfaces, str) and not _is_glob(interfaces):
                rc, rep = raw.vxt_features_set(self._p, interfaces, req, flags)
            else:
                globs = [interfaces] if isinstance(interfaces, str) else (
                    list(interfaces) if interfaces is not None else None)
                rc, rep = raw.vxt_features_set_glob(self._p, globs, req, flags)
            check(self._p, rc)
            try:
                return Report._from_raw(rep)
            finally:
                raw.vxt_report_unref(rep)
        finally:
            raw.vxt_feature_req_free(req)

    def check_features(self, features: Iterable[str]) -> None:
        """Raise Error(EINVAL) naming the first word the kernel does not know."""
        req = self._request({w: False for w in features})
        try:
            check(self._p, raw.vxt_feature_req_check(self._p, req))
        finally:
            raw.vxt_feature_req_free(req)
