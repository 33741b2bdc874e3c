#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Sum the per-test-case results of every suite log given on the command
# line (Check, pytest, our shell tests, ansible recap lines are counted by
# their own suites) and print "N passed, N failed, N skipped".
awk '
/^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
	gsub(/,/, ""); c = $3; f = $5; e = $7
	passed += c - f - e; failed += f + e; next
}
/^# shell: [0-9]+ passed, [0-9]+ failed/ { passed += $3; failed += $5; next }
/^(=+ )?[0-9]+ (passed|failed|skipped|errors?)(, [0-9]+ [a-z]+)* in [0-9.]+s/ {
	for (i = 1; i < NF; i++) {
		n = $i + 0; w = $(i + 1); sub(/,$/, "", w)
		if (w == "passed") passed += n
		else if (w == "failed" || w == "error" || w == "errors") failed += n
		else if (w == "skipped") skipped += n
	}
	next
}
END { printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped }
' "$@"
