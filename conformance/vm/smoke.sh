#!/usr/bin/env bash
# smoke.sh: build smoke.c statically and run it under each kernel (default 6.1 6.12),
# once without and once with a swap disk. Prints the guest output and the
# boot-to-result wall time of each run; exits non-zero if any run fails.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
die() { echo "smoke: $*" >&2; exit 1; }
[ $# -gt 0 ] || set -- 6.1 6.12

command -v gcc >/dev/null || die "gcc not found (apt-get install gcc libc6-dev)"
if [ ! -f "$(gcc -print-file-name=libc.a)" ]; then    # static libc lives in libc6-dev
    [ "$(id -u)" = 0 ] || die "static libc missing: apt-get install libc6-dev"
    echo "smoke: installing libc6-dev for static libc" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libc6-dev >&2 || die "apt-get install libc6-dev failed"
fi
"$HERE/fetch-kernels.sh" "$@" >/dev/null

tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
gcc -static -O2 -Wall -o "$tmp/smoke" "$HERE/smoke.c" || die "gcc -static failed"

pass=0 fail=0
for k in "$@"; do
    for swap in "" 256M; do
        opts=(--kernel "$k" --mem 512M --cpus 2 --timeout 60 ${swap:+--swap "$swap"})
        echo "=== run-in-vm.sh ${opts[*]} -- smoke"
        t0=$(date +%s.%N)
        if "$HERE/run-in-vm.sh" "${opts[@]}" -- "$tmp/smoke"; then rc=0; else rc=$?; fi
        t=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b - a}')
        echo "--- kernel $k${swap:+ swap $swap}: exit $rc, boot-to-result ${t}s"
        if [ $rc -eq 0 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
    done
done
echo "smoke: $pass passed, $fail failed"
[ $fail -eq 0 ]
