#!/bin/sh
# run-unit.sh - run each unit test binary given as an argument; fail if any
# fails. Ends with the line "unit: N passed, M failed".
#
#   sh tests/run-unit.sh build/tests/test_itree build/tests/test_render ...

passed=0
failed=0
for t in "$@"; do
	if "$t"; then
		passed=$((passed + 1))
	else
		echo "run-unit: FAILED: $t" >&2
		failed=$((failed + 1))
	fi
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
