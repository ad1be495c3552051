#!/bin/sh
# install-deps.sh - install what `make check` needs on Debian 12, and only
# what is missing: a compiler pair, make, cmocka, and clang's runtime for
# the sanitizers and libFuzzer. Runs `apt-get update` only when something
# has to be installed. Needs root for that (or sudo when available).

pkgs="gcc clang make libcmocka-dev libclang-rt-14-dev groff-base"

missing=
for p in $pkgs; do
	if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
		missing="$missing $p"
	fi
done
if [ -z "$missing" ]; then
	echo "install-deps: all present ($pkgs)"
	exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
	sudo=
elif command -v sudo >/dev/null 2>&1; then
	sudo=sudo
else
	echo "install-deps: missing:$missing; run this script as root to install them" >&2
	exit 1
fi
echo "install-deps: installing$missing"
$sudo apt-get update || exit 1
# shellcheck disable=SC2086 # $missing is a word list
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y $missing
