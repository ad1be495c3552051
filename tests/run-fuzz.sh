#!/bin/sh
# run-fuzz.sh - run each libFuzzer binary for a bounded time.
#
#   sh tests/run-fuzz.sh SECONDS build-fuzz/fuzz_scenario ...
#
# fuzz_NAME starts from a copy of tests/fuzz/corpus/NAME/ (if it exists) in
# a temporary directory, so the checked-in corpus is never modified. A
# crash fails the run; its reproducer is kept in build-fuzz/crashes/NAME/.
# Ends with "fuzz: N passed, M failed".

if [ $# -lt 1 ]; then
	echo "usage: sh tests/run-fuzz.sh SECONDS BIN..." >&2
	exit 2
fi
seconds=$1
shift
case $seconds in
''|*[!0-9]*) echo "run-fuzz: SECONDS must be a number" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

passed=0
failed=0
for bin in "$@"; do
	name=$(basename "$bin")
	name=${name#fuzz_}
	corpus=$tmp/$name/corpus
	mkdir -p "$corpus" "$tmp/$name/artifacts"
	if [ -d "$root/tests/fuzz/corpus/$name" ]; then
		cp -R "$root/tests/fuzz/corpus/$name/." "$corpus/"
	fi
	echo "run-fuzz: $bin for ${seconds}s"
	if "$bin" -max_total_time="$seconds" -artifact_prefix="$tmp/$name/artifacts/" \
		"$corpus" >"$tmp/$name/log" 2>&1; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		keep=$root/build-fuzz/crashes/$name
		mkdir -p "$keep"
		cp "$tmp/$name/artifacts/"* "$keep/" 2>/dev/null
		cp "$tmp/$name/log" "$keep/log"
		echo "run-fuzz: $bin FAILED; reproducer and log in $keep" >&2
		tail -30 "$tmp/$name/log" >&2
	fi
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
