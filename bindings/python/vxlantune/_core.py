# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared plumbing: the raw SWIG module and error conversion."""

import errno as _errno
import os

try:
    import _vxlantune as raw  # the SWIG extension (C API, -errno returns)
except ImportError as exc:  # pragma: no cover - exercised by Ansible's check
    raise ImportError(
        "the vxlantune C extension (_vxlantune) is missing: build libvxlantune "
        "with --enable-python and 'make install' for this interpreter") from exc


class Error(OSError):
    """A libvxlantune call failed.

    ``errno`` is the C library's error (ENODEV, EPERM, EINVAL, ...);
    ``strerror`` (and ``str(e)``) is its message, e.g.
    "vxlan.calico: changing features needs CAP_NET_ADMIN (run as root)".
    """

    def __init__(self, err: int, message: str):
        super().__init__(err, message or os.strerror(err))

    def __str__(self) -> str:
        return self.strerror


def check(ctx_ptr, rc: int) -> int:
    """Raise Error for a negative return code of a call on ctx_ptr."""
    if rc < 0:
        msg = raw.vxt_ctx_errmsg(ctx_ptr) if ctx_ptr is not None else ""
        raise Error(-rc, msg or os.strerror(-rc))
    return rc


def check_plain(rc: int, what: str) -> int:
    """Raise Error for a negative return code of a call without context."""
    if rc < 0:
        raise Error(-rc, f"{what}: {os.strerror(-rc)}")
    return rc


EINVAL = _errno.EINVAL
