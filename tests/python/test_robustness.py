# SPDX-License-Identifier: LGPL-2.1-or-later
"""No input or call order crashes the interpreter: robust_driver.py drives
every public method of every public class after close(), with wrong types
and out-of-range integers, and from several threads, in a subprocess (a
segfault there is this test failing, not the test runner dying) with a
time bound (a deadlock is a failure too)."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def test_no_crash_after_close_wrong_types_threads(netns):
    # The child inherits this thread's network namespace (fork from it).
    proc = subprocess.run([sys.executable, os.path.join(HERE, "robust_driver.py")],
                          capture_output=True, text=True, timeout=300)
    print(proc.stdout[-4000:], proc.stderr[-2000:])
    assert proc.returncode >= 0, f"the interpreter died of signal {-proc.returncode}"
    assert proc.returncode == 0, proc.stdout[-4000:]
    assert "robust:" in proc.stdout and " 0 problems" in proc.stdout
