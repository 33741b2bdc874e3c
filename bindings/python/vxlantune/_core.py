# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared plumbing: the raw SWIG module and error conversion."""

import errno as _errno
import functools
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

_C_INT_MAX = 2**31 - 1
_C_UINT_MAX = 2**32 - 1


def c_int(value, what: str, lo: int = -_C_INT_MAX - 1, hi: int = _C_INT_MAX) -> int:
    """value as a C int in lo..hi, else Error(EINVAL) naming it (never
    SWIG's OverflowError half-way through building a C object)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise Error(EINVAL, f"{what} must be an integer, not {value!r}")
    if not lo <= value <= hi:
        raise Error(EINVAL, f"{what} must be in {lo}..{hi}, not {value}")
    return value


def c_uint(value, what: str, hi: int = _C_UINT_MAX) -> int:
    return c_int(value, what, 0, hi)



def release(obj, unref) -> None:
    """close() of an object owning a C pointer (obj._ptr, obj._lock):
    release it once, under the lock, so that no call is using it."""
    lock = getattr(obj, "_lock", None)
    if lock is None:  # __init__ failed before there was anything to release
        return
    with lock:
        ptr, obj._ptr = getattr(obj, "_ptr", None), None
        if ptr is not None:
            unref(ptr)


class Owned:
    """An object owning one C pointer (``_ptr``, guarded by ``_lock``) that
    the C function named by ``_unref`` releases: ``close()`` (idempotent),
    ``closed``, a context manager, and released when collected."""

    _unref = ""

    def close(self) -> None:
        """Release the C object now.  Idempotent; any use afterwards raises
        ValueError."""
        release(self, getattr(raw, self._unref))

    @property
    def closed(self) -> bool:
        return getattr(self, "_ptr", None) is None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


def locked(method):
    """Run a method of an object with a ``_lock`` and a ``_p`` property
    (which raises ValueError once the object is closed) under that lock:
    calls on one Context from several threads take turns, so that one
    thread never reads another's netlink reply or error message."""
    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            self._p  # noqa: B018 -- raises ValueError when closed
            return method(self, *args, **kwargs)
    return wrapper
