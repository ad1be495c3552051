#!/bin/sh
# check-layout.sh - the layout rules of STYLE.md that a grep can check.
#
#  1. lib/ does no I/O and never exits: no printf, fprintf, puts, fputs,
#     perror, fopen, fread, fwrite, fgets, getline, opendir, exit( or
#     abort( outside ovc_bug() in lib/err.c (include/ovc/ counts as lib/).
#     snprintf into a caller's buffer is not I/O and is allowed.
#  2. The front ends never include one another: render/, scenario/ and
#     live/ see only include/ovc/ and their own headers.
#  3. lib/ has no file-scope variable that is not const (a heuristic: a
#     declaration at column 0 with ';' or '=', without '(', 'typedef' or
#     'extern', and not const itself: "const T x", or "T *const x" for a
#     pointer, so "const char *names[]" is caught).
# Comments are stripped first (line and one-line block comments, and the
# lines inside block comments that start with ' *').
#
#   sh tests/check-layout.sh        (from anywhere; prints "layout: ok")

cd "$(dirname "$0")/.." || exit 2
bad=0

# Source text without comments, as "file:line:text".
strip() {
	for f in "$@"; do
		[ -f "$f" ] || continue
		awk -v f="$f" '
		{
			line = $0
			gsub(/\/\*.*\*\//, "", line)
			if (incomment) {
				if (line ~ /\*\//) { sub(/.*\*\//, "", line); incomment = 0 }
				else next
			}
			if (line ~ /\/\*/) { sub(/\/\*.*/, "", line); incomment = 1 }
			sub(/\/\/.*/, "", line)
			print f ":" NR ":" line
		}' "$f"
	done
}

# report MESSAGE HITS: print the hits (if any) under the message.
report() {
	[ -n "$2" ] || return 0
	echo "layout: $1" >&2
	printf '%s\n' "$2" | sed 's/^/  /' >&2
	bad=1
}

# 1. I/O and exits in lib/ (ovc_bug in lib/err.c may print and abort).
calls='(^|[^A-Za-z0-9_])(printf|fprintf|vfprintf|puts|fputs|perror|fopen|fread|fwrite|fgets|getline|opendir|exit|_Exit|abort)[[:space:]]*\('
out=$(strip lib/*.c lib/*.h include/ovc/*.h | grep -v '^lib/err\.c:' | grep -E "$calls")
report "lib/ must not print or exit:" "$out"
out=$(strip lib/err.c | awk -F: '
	/^lib\/err\.c:[0-9]+:[A-Za-z_].*\(/ { fn = $3; sub(/\(.*/, "", fn); n = split(fn, w, /[ *]+/); fn = w[n] }
	{ print fn "\t" $0 }' | grep -E "$calls" | grep -v '^ovc_bug	' | cut -f2-)
report "lib/err.c may print and abort only in ovc_bug():" "$out"

# 2. Front ends do not include each other.
for fe in render scenario live; do
	others=$(echo "render scenario live" | tr ' ' '\n' | grep -vx "$fe" | paste -sd'|' -)
	out=$(strip $fe/*.c $fe/*.h | grep -E "#[[:space:]]*include[[:space:]]*[\"<]($others)/")
	report "$fe/ includes another front end's headers:" "$out"
done

# 3. Mutable file-scope variables in lib/.
out=$(strip lib/*.c lib/*.h | awk -F: '
	{ text = $0; sub(/^[^:]*:[0-9]+:/, "", text) }
	text ~ /^[A-Za-z_]/ && text ~ /(;|=)[[:space:]]*[{]?[[:space:]]*$|=/ &&
	text !~ /(^|[^A-Za-z0-9_])(typedef|extern|_Static_assert)([^A-Za-z0-9_]|$)/ &&
	(text ~ /\*/ ? text !~ /\*[[:space:]]*const([^A-Za-z0-9_]|$)/ : text !~ /(^|[^A-Za-z0-9_])const([^A-Za-z0-9_]|$)/) &&
	text !~ /\(/ && text !~ /^(struct|union|enum)[[:space:]]+[A-Za-z0-9_]+[[:space:]]*[{;]/ &&
	text !~ /^(struct|union|enum)[[:space:]]*[{]/ && text !~ /^#/ { print }')
report "lib/ has file-scope variables that are not const:" "$out"

if [ $bad -eq 0 ]; then
	echo "layout: ok"
fi
exit $bad
