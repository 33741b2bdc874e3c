#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# The pytest suites of the Python bindings, against the just-built
# extension (never an installed one).  pytest's summary line is what the CI
# summary counts; a skip of a networking test is a failure under CI.
: "${top_srcdir:=.}" "${top_builddir:=.}" "${PYTHON:=python3}"
PYTHONPATH="$top_builddir/bindings/python/.libs:$top_srcdir/bindings/python${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
export LD_LIBRARY_PATH="$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export PYTHONDONTWRITEBYTECODE=1
exec "$PYTHON" -m pytest -q -p no:cacheprovider -rfEs "$top_srcdir/tests/python"
