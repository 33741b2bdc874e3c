# SPDX-License-Identifier: LGPL-2.1-or-later
"""Run one statement with `ctx` = vxlantune.Context(); it must raise
vxlantune.Error: print "errno message" and exit 0, else exit 1."""
import sys

import vxlantune

ctx = vxlantune.Context()
try:
    exec(sys.argv[1], {"ctx": ctx, "vxlantune": vxlantune})
except vxlantune.Error as e:
    print(e.errno, e)
    sys.exit(0)
print("no vxlantune.Error raised")
sys.exit(1)
