#!/bin/sh
# run-golden.sh - golden tests of `ovc sim`.
#
#   sh tests/run-golden.sh OVC
#
# Every tests/golden/*.ovc and examples/*.ovc must run with exit status 0
# (all its expect lines hold). For tests/golden/NAME.ovc, stdout must equal
# NAME.out if that exists, and the output of --json must equal NAME.json if
# that exists. A scenario with a line "# kernels: A,B,..." must also hold
# under each of those kernel profiles (ovc sim --kernel A,B,...). Paths are given relative to the repository root, which is
# what the outputs show. Ends with "golden: N passed, M failed".
# Regenerate the expected files with tests/regen-golden.sh, then review
# the diff.

if [ $# -ne 1 ]; then
	echo "usage: sh tests/run-golden.sh OVC" >&2
	exit 2
fi
case $1 in
/*) ovc=$1 ;;
*) ovc=$(pwd)/$1 ;;
esac
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0

# compare NAME EXPECTED ACTUAL: report a difference as a failure.
compare() {
	if cmp -s "$2" "$3"; then
		return 0
	fi
	echo "golden: $1: output differs from $2:" >&2
	diff -u "$2" "$3" | head -40 >&2
	return 1
}

# check FILE: 0 if every check of the scenario FILE holds.
check() {
	base=${1%.ovc}
	"$ovc" sim "$1" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "golden: $1: ovc sim exited with $rc" >&2
		cat "$tmp/err" >&2
		[ $rc -eq 1 ] && "$ovc" sim --quiet "$1" 2>&1 | sed 's/^/  /' >&2
		return 1
	fi
	ok=0
	kernels=$(sed -n 's/^# kernels: *//p' "$1" | head -n 1)
	if [ -n "$kernels" ] && ! "$ovc" sim --quiet --kernel "$kernels" "$1" >"$tmp/k" 2>&1; then
		echo "golden: $1: fails under one of the kernels $kernels:" >&2
		sed 's/^/  /' "$tmp/k" >&2
		ok=1
	fi
	if [ -f "$base.out" ]; then
		compare "$1" "$base.out" "$tmp/out" || ok=1
	fi
	if [ -f "$base.json" ]; then
		"$ovc" sim --json "$1" >"$tmp/json" 2>"$tmp/err"
		compare "$1" "$base.json" "$tmp/json" || ok=1
	fi
	return $ok
}

for f in tests/golden/*.ovc examples/*.ovc; do
	[ -f "$f" ] || continue		# an empty directory leaves the pattern
	if check "$f"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
done
echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
