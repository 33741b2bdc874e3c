# -*- coding: utf-8 -*-
# Files the vxlantune.node modules write as root, in directories other
# users may be able to write (the same rules as the C library's
# vxt_file_write_atomic): never open, follow or reuse what another user
# planted at the target or a temporary name, never hang on a FIFO, and
# leave either the old file or the new one, nothing else.
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import stat
import tempfile


def read_own_file(path):
    """The bytes of path if it is a regular file owned by root or us, else
    None (absent, a symlink, a FIFO, a device, another user's file: all
    of them get replaced, none of them is opened for reading -- a FIFO
    would block, a symlink would show another file)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY)
    except OSError as e:
        if e.errno in (errno.ENOENT, errno.ELOOP, errno.ENXIO):
            return None
        raise
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid not in (0, os.geteuid()):
            return None
        chunks = []
        while True:
            b = os.read(fd, 65536)
            if not b:
                return b''.join(chunks)
            chunks.append(b)
    finally:
        os.close(fd)


def replace_file(module, path, data, mode):
    """Replace path with data (bytes) atomically: a temporary made with
    mkstemp (O_CREAT|O_EXCL|O_NOFOLLOW) in the same directory, written and
    fsynced, then Ansible's atomic_move.  atomic_move copies owner and mode
    of an existing target (following symlinks): anything at path that is
    not our own regular file is removed first, so that the new file is
    root's, never the planter's.  Returns None or an error message."""
    d = os.path.dirname(path) or '.'
    fd, tmp = tempfile.mkstemp(prefix='.%s.' % os.path.basename(path), dir=d)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(data)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        try:
            st = os.lstat(path)
            if stat.S_ISDIR(st.st_mode):
                raise OSError(errno.EISDIR, "is a directory")
            if not stat.S_ISREG(st.st_mode) or st.st_uid not in (0, os.geteuid()):
                os.unlink(path)
        except OSError as e:
            if e.errno != errno.ENOENT:
                raise
        module.atomic_move(tmp, path)
        tmp = None
        st = os.lstat(path)
        if not stat.S_ISREG(st.st_mode):
            return "%s: replaced meanwhile by something that is not a regular file" % path
        if st.st_uid != os.geteuid() or stat.S_IMODE(st.st_mode) != mode:
            os.chown(path, os.geteuid(), os.getegid(), follow_symlinks=False)
            os.chmod(path, mode, follow_symlinks=False)
        dfd = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
        return None
    except (OSError, IOError) as e:
        return "%s: cannot write: %s; the old file, if any, is unchanged" % (path, e.strerror or e)
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
