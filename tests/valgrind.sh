#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# LOG_COMPILER for the Check programs under valgrind: definite and indirect
# leaks and memory errors are failures (Check forks each test; valgrind
# follows the forks, so each test's child is checked too).
exec "${top_builddir:-.}/libtool" --mode=execute valgrind -q --leak-check=full \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--trace-children=no --child-silent-after-fork=no "$@"
