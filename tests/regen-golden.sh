#!/bin/sh
# regen-golden.sh - rewrite tests/golden/NAME.out and NAME.json from the
# current `ovc sim` for every tests/golden/NAME.ovc. Review the result as a
# diff (git diff tests/golden) before committing; never edit them by hand.
#
#   sh tests/regen-golden.sh [OVC]      (default: build/ovc)

ovc=${1:-build/ovc}
case $ovc in
/*) ;;
*) ovc=$(pwd)/$ovc ;;
esac
cd "$(dirname "$0")/.." || exit 2
if [ ! -x "$ovc" ]; then
	echo "regen-golden: $ovc is not built (run make)" >&2
	exit 2
fi

status=0
for f in tests/golden/*.ovc; do
	[ -f "$f" ] || continue
	base=${f%.ovc}
	"$ovc" sim "$f" >"$base.out"
	rc=$?
	"$ovc" sim --json "$f" >"$base.json"
	if [ $rc -ne 0 ]; then
		echo "regen-golden: $f: ovc sim exited with $rc (its expect lines must hold)" >&2
		status=1
	fi
	echo "regen-golden: wrote $base.out $base.json"
done
exit $status
