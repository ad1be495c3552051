#!/bin/sh
# run-examples.sh - `make run`: run every examples/*.ovc with its timeline
# shown; stop at the first one whose expect lines do not all hold.
#
#   sh tests/run-examples.sh OVC

if [ $# -ne 1 ]; then
	echo "usage: sh tests/run-examples.sh OVC" >&2
	exit 2
fi
case $1 in
/*) ovc=$1 ;;
*) ovc=$(pwd)/$1 ;;
esac
cd "$(dirname "$0")/.." || exit 2

n=0
for f in examples/*.ovc; do
	[ -f "$f" ] || continue
	echo "==> $f"
	"$ovc" sim "$f"
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "run-examples: $f failed (exit status $rc)" >&2
		exit $rc
	fi
	# A scenario that names several kernels is shown side by side too.
	kernels=$(sed -n 's/^# kernels: *//p' "$f" | head -n 1)
	case $kernels in
	*,*)
		echo
		"$ovc" sim --kernel "$kernels" "$f" || exit $?
		;;
	esac
	echo
	n=$((n + 1))
done
echo "examples: $n run, all expect lines held"
