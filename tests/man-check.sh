#!/bin/sh
# man-check.sh - docs/ovc.1 against the ovc binary: no groff warnings, a
# subsection per command, an entry per option.
#
#   sh tests/man-check.sh OVC [MANPAGE]     (MANPAGE: docs/ovc.1)
#
#  a. `groff -man -Tutf8 -ww -z` prints no warning (needs groff-base).
#  b. Every command that `OVC help` lists has a subsection (.SS "ovc CMD")
#     and a line in SYNOPSIS. The list comes from the binary, never from
#     here.
#  c. Every long option that `OVC CMD --help` prints (in its usage lines,
#     and as the option an option-table line defines) has an entry in that
#     command's subsection: the tag of a .TP (or .TQ, or .IP's argument).
#     A short option printed beside it ("-p, --proc-root") must be in the
#     same tag. The global options (`OVC --help`) go under GLOBAL OPTIONS.
#  d. Every long option in a tag of a command's subsection is printed by
#     `OVC CMD --help`: the page documents nothing the binary lacks.
# Prints each thing missing and exits 1 if there is any; 0 and one
# "man-check: ok" line otherwise; 2 when it cannot run.

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: sh tests/man-check.sh OVC [MANPAGE]" >&2
	exit 2
fi
ovc=$1
page=${2:-$(cd "$(dirname "$0")/.." && pwd)/docs/ovc.1}
case $ovc in */*) ;; *) ovc=./$ovc ;; esac
if [ ! -x "$ovc" ]; then
	echo "man-check: $ovc is not an executable" >&2
	exit 2
fi
if [ ! -r "$page" ]; then
	echo "man-check: cannot read $page" >&2
	exit 2
fi
if ! command -v groff >/dev/null 2>&1; then
	echo "man-check: groff not found (Debian: apt-get install groff-base)" >&2
	exit 2
fi

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() {
	echo "man-check: $*"
	bad=$((bad + 1))
}

# --- a. groff's warnings --------------------------------------------------
LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$page" >"$tmp/groff" 2>&1
[ -s "$tmp/groff" ] && fail "groff warns on $page:" && sed 's/^/    /' "$tmp/groff"

# --- the page, normalized ---------------------------------------------------
# One record per line: SECTION<TAB>SUBSECTION-COMMAND<TAB>KIND<TAB>TEXT, where
# KIND is "tag" for the tag of an option entry and "text" otherwise. Font
# escapes, \- and \& are undone, comments dropped, so the text reads as the
# reader sees it ("--proc-root").
sed -e 's/\\".*$//' \
    -e 's/\\f\[[^]]*\]//g' -e 's/\\f([A-Za-z][A-Za-z]//g' -e 's/\\f[A-Za-z1-4]//g' \
    -e 's/\\-/-/g' -e 's/\\(en/-/g' -e 's/\\&//g' -e 's/\\%//g' "$page" |
awk '
function strip(s,    m, sep, out, a) {	# a macro line: its arguments, unquoted
	m = s; sub(/^[.'"'"']/, "", m); sub(/[ \t].*$/, "", m)
	sub(/^[.'"'"'][A-Za-z]+[ \t]*/, "", s)
	# .BR, .IR...: alternating fonts, the arguments run together
	sep = (m ~ /^(BR|RB|BI|IB|IR|RI)$/) ? "" : " "
	out = ""
	while (s != "") {
		if (s ~ /^"/) {
			s = substr(s, 2)
			a = index(s, "\"") ? substr(s, 1, index(s, "\"") - 1) : s
			s = index(s, "\"") ? substr(s, index(s, "\"") + 1) : ""
		} else {
			a = s; sub(/[ \t].*$/, "", a); s = substr(s, length(a) + 1)
		}
		out = out (out == "" ? "" : sep) a
		sub(/^[ \t]+/, "", s)
	}
	return out
}
BEGIN { OFS = "\t"; sec = ""; cmd = ""; want = 0 }
/^[.'"'"'][ \t]*$/ { next }
/^\.SH/ { sec = strip($0); cmd = ""; want = 0; next }
/^\.SS/ {
	t = strip($0); n = split(t, w, /[ \t]+/)
	cmd = (w[1] == "ovc" && n >= 2) ? w[2] : "?" t
	print sec, cmd, "ss", t
	want = 0; next
}
/^\.(TP|TQ)/ { want = 1; next }
/^\.IP/ { t = strip($0); if (t != "") print sec, cmd, "tag", t; next }
{
	t = ($0 ~ /^[.'"'"']/) ? strip($0) : $0
	print sec, cmd, (want ? "tag" : "text"), t
	want = 0
}' >"$tmp/page"

# Options (--long, -x) in the tags of section sec, subsection cmd ("" for
# none), one a line: "TAGNUMBER OPTION".
tags() {
	awk -F '\t' -v sec="$1" -v cmd="$2" '
	$1 == sec && $2 == cmd && $3 == "tag" {
		n++; s = $4
		while (match(s, /(^|[^A-Za-z0-9-])--?[A-Za-z0-9][A-Za-z0-9-]*/)) {
			o = substr(s, RSTART, RLENGTH); sub(/^[^-]/, "", o)
			print n, o
			s = substr(s, RSTART + RLENGTH)
		}
	}' "$tmp/page"
}

# Long options a help text defines, one a line: "LONG SHORT" (SHORT "-"
# when none). Usage lines: from "usage:" to the first empty line, every
# --long. Option-table lines (indented, starting with -): the option they
# define, with the short one before it.
help_opts() {
	awk '
	/^usage:/ { inusage = 1 }
	inusage && /^[ \t]*$/ { inusage = 0 }
	inusage {
		s = $0
		while (match(s, /--[a-z][a-z0-9-]*/)) {
			print substr(s, RSTART, RLENGTH), "-"
			s = substr(s, RSTART + RLENGTH)
		}
		next
	}
	/^[ \t]+-/ {
		if (match($0, /^[ \t]+-[A-Za-z0-9], --[a-z][a-z0-9-]*/)) {
			s = substr($0, RSTART, RLENGTH); sub(/^[ \t]+/, "", s)
			print substr(s, 5), substr(s, 1, 2)
		} else if (match($0, /^[ \t]+--[a-z][a-z0-9-]*/)) {
			s = substr($0, RSTART, RLENGTH); sub(/^[ \t]+/, "", s)
			print s, "-"
		}
	}' | sort -u |
	awk '{ if ($2 != "-" || !($1 in seen)) short[$1] = $2; seen[$1] = 1 }
	     END { for (o in seen) print o, short[o] }' | sort
}

# c and d for one help text ($1: file) against the tags of a subsection.
check_opts() {	# helpfile sec cmd label
	help_opts <"$1" >"$tmp/want"
	tags "$2" "$3" >"$tmp/have"
	while read -r long short; do
		nums=$(awk -v o="$long" '$2 == o { print $1 }' "$tmp/have")
		if [ -z "$nums" ]; then
			fail "$4: $long (printed by --help) has no entry in the man page"
			continue
		fi
		[ "$short" = "-" ] && continue
		ok=
		for n in $nums; do
			awk -v n="$n" -v o="$short" '$1 == n && $2 == o { f = 1 } END { exit !f }' \
				"$tmp/have" && ok=1
		done
		[ -n "$ok" ] || fail "$4: --help prints '$short, $long'; the man page's entry lacks $short"
	done <"$tmp/want"
	# --help needs no mention: every command takes it (checked below)
	awk '$2 ~ /^--/ && $2 != "--help" { print $2 }' "$tmp/have" | sort -u | while read -r long; do
		grep -q "^$long " "$tmp/want" ||
			echo "$4: $long is in the man page but --help does not print it"
	done >"$tmp/extra"
	while read -r line; do fail "$line"; done <"$tmp/extra"
}

# --- b. the commands --------------------------------------------------------
if ! "$ovc" help </dev/null >"$tmp/help" 2>"$tmp/help.err"; then
	fail "'$ovc help' failed:"; sed 's/^/    /' "$tmp/help.err"
fi
awk '/^Commands:/ { on = 1; next } on && /^[ \t]*$/ { exit }
     on && /^  [a-z]/ { print $1 }' "$tmp/help" >"$tmp/cmds"
ncmds=$(wc -l <"$tmp/cmds")
[ "$ncmds" -gt 0 ] || fail "no command found in the output of '$ovc help' (has its format changed?)"

awk -F '\t' '$1 == "COMMANDS" && $3 == "ss" { print $2 }' "$tmp/page" | sort >"$tmp/subsections"
awk -F '\t' '$1 == "SYNOPSIS" { print $4 }' "$tmp/page" | tr '\n' ' ' >"$tmp/synopsis"

while read -r cmd; do
	grep -qx -- "$cmd" "$tmp/subsections" ||
		fail "ovc $cmd: no subsection (.SS \"ovc $cmd\") under COMMANDS"
	# "ovc CMD", or "ovc [CMD]" for the default command
	grep -Eq "ovc \[?$cmd([] ]|$)" "$tmp/synopsis" ||
		fail "ovc $cmd: not in SYNOPSIS"
done <"$tmp/cmds"
while read -r sub; do
	grep -qx -- "$sub" "$tmp/cmds" ||
		fail "subsection '$sub' is no command of '$ovc help'"
done <"$tmp/subsections"

# --- c, d. the options ------------------------------------------------------
if "$ovc" --help </dev/null >"$tmp/global" 2>&1; then
	check_opts "$tmp/global" "GLOBAL OPTIONS" "" "ovc (GLOBAL OPTIONS)"
else
	fail "'$ovc --help' exits non-zero"
fi
nopts=0
while read -r cmd; do
	if ! "$ovc" "$cmd" --help </dev/null >"$tmp/cmd" 2>&1; then
		fail "ovc $cmd: '$ovc $cmd --help' exits non-zero"
		continue
	fi
	grep -qx -- "$cmd" "$tmp/subsections" || continue	# reported above
	check_opts "$tmp/cmd" COMMANDS "$cmd" "ovc $cmd"
	nopts=$((nopts + $(wc -l <"$tmp/want")))
done <"$tmp/cmds"

[ "$nopts" -gt 0 ] || fail "no option found in any '$ovc CMD --help' (has their format changed?)"

if [ "$bad" -gt 0 ]; then
	echo "man-check: $bad problem(s) in $page"
	exit 1
fi
echo "man-check: ok ($ncmds commands, $nopts options, no groff warning)"
