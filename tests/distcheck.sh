#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# `make distcheck` from the quick start's build: the tarball builds, passes
# `make check` out of tree and installs/uninstalls cleanly.  One result line.
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/build" || { echo "0 passed, 1 failed"; exit 1; }
if make distcheck >distcheck.out 2>&1; then
	grep -A2 "archives ready" distcheck.out
	echo "1 passed, 0 failed"
else
	tail -n 60 distcheck.out
	echo "0 passed, 1 failed"
	exit 1
fi
