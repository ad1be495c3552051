#!/usr/bin/env bash
# run-in-vm.sh --kernel 6.1|6.12 [--mem 512M] [--cpus 2] [--swap 256M] [--data 1G]
#              [--append "ARGS"] [--timeout 60] [--files DIR] [--console FILE] [-v]
#              -- /path/to/static-binary [args...]
#
# Boots a Debian cloud kernel under qemu (TCG) with a busybox initramfs that runs
# the binary once, then powers off. The binary's stdout is printed on stdout, its
# stderr on stderr, and the script exits with the binary's exit status.
# Exit 124: timeout (qemu killed). Exit 125: harness/guest setup failure.
#
# Guest serial ports: ttyS0 = kernel console, ttyS1 = program stdout + markers,
# ttyS2 = program stderr. So kernel messages never mix into the program output.
# Disks (virtio-blk, found in the guest by their serial): --swap is swapped on,
# --data is an empty ext2 file system mounted at /data (disk-backed page cache).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${OVC_VM_CACHE:-$HOME/.cache/ovc-vm}
die() { echo "run-in-vm: $*" >&2; exit 125; }
usage() { sed -n '2,4p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 125; }

kernel="" mem=512M cpus=1 swap="" data="" append="" timeout=60 files="" console="" verbose=""
while [ $# -gt 0 ]; do
    case $1 in
        --kernel)  kernel=${2:?}; shift 2 ;;
        --mem)     mem=${2:?}; shift 2 ;;
        --cpus)    cpus=${2:?}; shift 2 ;;
        --swap)    swap=${2:?}; shift 2 ;;
        --data)    data=${2:?}; shift 2 ;;
        --append)  append=${2?}; shift 2 ;;
        --timeout) timeout=${2:?}; shift 2 ;;
        --files)   files=${2:?}; shift 2 ;;
        --console) console=${2:?}; shift 2 ;;
        -v|--verbose) verbose=1; shift ;;
        --) shift; break ;;
        -h|--help) usage ;;
        *) echo "run-in-vm: unknown option: $1" >&2; usage ;;
    esac
done
[ $# -ge 1 ] || usage
[ -n "$kernel" ] || die "--kernel is required (6.1 or 6.12)"
prog=$1; shift
[ -f "$prog" ] && [ -x "$prog" ] || die "not an executable file: $prog"
if [ "$(head -c4 "$prog" | od -An -c | tr -d ' ')" = '177ELF' ] &&
   readelf -lW "$prog" 2>/dev/null | grep -q 'INTERP'; then
    die "$prog is dynamically linked; build it with -static"
fi
[ -z "$files" ] || [ -d "$files" ] || die "--files: not a directory: $files"
[[ $timeout =~ ^[0-9]+$ ]] || die "--timeout must be whole seconds"
[[ $cpus =~ ^[0-9]+$ ]] || die "--cpus must be a number"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing; run $HERE/fetch-kernels.sh"

kdir=$CACHE/$kernel
if [ ! -e "$kdir/.ready" ]; then
    "$HERE/fetch-kernels.sh" "$kernel" >/dev/null || die "could not fetch kernel $kernel"
fi
[ -e "$kdir/.ready" ] || die "unknown kernel '$kernel' (no $kdir)"
busybox=/bin/busybox
[ -x "$busybox" ] && ! readelf -lW "$busybox" | grep -q INTERP \
    || die "$busybox is not a static busybox (apt-get install busybox-static)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ovc-vm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# --- initramfs ---------------------------------------------------------------
root=$tmp/root
mkdir -p "$root"/{bin,dev,proc,sys,tmp,work,lib/modules}
cp "$busybox" "$root/bin/busybox"
cp "$prog" "$root/prog"
[ -z "$files" ] || cp -a "$files"/. "$root/work/"
[ -z "$swap$data" ] || cp "$kdir"/mods/*.ko "$root/lib/modules/" 2>/dev/null || true

q() { printf "'%s' " "${1//\'/\'\\\'\'}"; }
args=""; for a in "$@"; do args+=$(q "$a"); done

cat > "$root/init" <<EOF
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin HOME=/work
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
stty -F /dev/ttyS1 raw -echo; stty -F /dev/ttyS2 raw -echo
fail() { echo "guest: \$*" >/dev/ttyS2; poweroff -f; }
# the virtio disk whose serial is \$1, waiting up to 5 s for it to appear
disk() {
    i=0
    while [ \$i -lt 100 ]; do
        for d in /sys/block/vd*; do
            [ "\$(cat "\$d/serial" 2>/dev/null)" = "\$1" ] && { echo "/dev/\${d##*/}"; return 0; }
        done
        sleep 0.05; i=\$((i + 1))
    done
    return 1
}
if [ -n "$swap$data" ]; then
    for m in /lib/modules/*.ko; do [ -e "\$m" ] || continue; insmod "\$m" || fail "insmod \$m"; done
fi
if [ -n "$swap" ]; then
    dev=\$(disk ovcswap) || fail "swap disk did not appear"
    swapon "\$dev" || fail "swapon \$dev failed"
fi
if [ -n "$data" ]; then
    dev=\$(disk ovcdata) || fail "data disk did not appear"
    mkdir -p /data && mount -t ext2 "\$dev" /data || fail "mount \$dev /data failed"
fi
cd /work
read up _ </proc/uptime
echo "@@OVC-BEGIN uptime=\$up@@" >/dev/ttyS1
/prog $args >/dev/ttyS1 2>/dev/ttyS2 </dev/null
rc=\$?
echo "@@OVC-END rc=\$rc@@" >/dev/ttyS1
poweroff -f
EOF
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet) > "$tmp/initrd"

# --- boot --------------------------------------------------------------------
qargs=(-nodefaults -no-user-config -display none -no-reboot -accel tcg
       -m "$mem" -smp "$cpus"
       -kernel "$kdir/vmlinuz" -initrd "$tmp/initrd"
       -append "console=ttyS0 quiet loglevel=1 panic=-1 $append"
       -serial "file:$tmp/console" -serial "file:$tmp/out" -serial "file:$tmp/err")
if [ -n "$swap" ]; then
    truncate -s "$swap" "$tmp/swap.img" || die "bad --swap size: $swap"
    # mkswap on the host: busybox mkswap inside the TCG guest costs ~1 s
    PATH=$PATH:/usr/sbin:/sbin mkswap -q "$tmp/swap.img" >/dev/null || die "mkswap failed (util-linux)"
    qargs+=(-drive "file=$tmp/swap.img,if=none,id=swap,format=raw,cache=unsafe"
            -device virtio-blk-pci,drive=swap,serial=ovcswap)
fi
if [ -n "$data" ]; then
    truncate -s "$data" "$tmp/data.img" || die "bad --data size: $data"
    # an empty ext2 file system, made on the host (e2fsprogs)
    PATH=$PATH:/usr/sbin:/sbin mke2fs -q -F -t ext2 -m 0 "$tmp/data.img" >/dev/null 2>&1 \
        || die "mke2fs failed (apt-get install e2fsprogs)"
    qargs+=(-drive "file=$tmp/data.img,if=none,id=data,format=raw,cache=unsafe"
            -device virtio-blk-pci,drive=data,serial=ovcdata)
fi

: >"$tmp/console"; : >"$tmp/out"; : >"$tmp/err"
t0=$(date +%s.%N)
timeout -k 5 "$timeout" qemu-system-x86_64 "${qargs[@]}" </dev/null >"$tmp/qemu.log" 2>&1 &
qpid=$!
trap 'kill -TERM $qpid 2>/dev/null; echo "run-in-vm: interrupted" >&2; exit 130' INT TERM
qrc=0; wait $qpid || qrc=$?
trap - INT TERM
t1=$(date +%s.%N)
[ -z "$console" ] || cp "$tmp/console" "$console"

cat "$tmp/err" >&2
if [ $qrc -eq 124 ] || [ $qrc -eq 137 ]; then
    echo "run-in-vm: TIMEOUT after ${timeout}s (qemu killed); console tail:" >&2
    tail -n 20 "$tmp/console" >&2
    exit 124
fi
# print program stdout between the markers; the END marker may follow a partial line
awk -v rcfile="$tmp/rc" '
    !begun { if (/^@@OVC-BEGIN /) begun = 1; next }
    match($0, /@@OVC-END rc=[0-9]+@@$/) {
        printf "%s", substr($0, 1, RSTART - 1)
        rc = substr($0, RSTART); gsub(/[^0-9]/, "", rc); print rc > rcfile; exit
    }
    { print }' "$tmp/out"
if [ ! -s "$tmp/rc" ]; then
    echo "run-in-vm: guest ended without a result (qemu exit $qrc)." >&2
    grep -q '^@@OVC-BEGIN' "$tmp/out" || echo "run-in-vm: program never started (guest setup failed)" >&2
    [ ! -s "$tmp/qemu.log" ] || { echo "run-in-vm: qemu said:" >&2; tail -n 5 "$tmp/qemu.log" >&2; }
    echo "run-in-vm: console tail:" >&2; tail -n 20 "$tmp/console" >&2
    exit 125
fi
if [ -n "$verbose" ]; then
    up=$(sed -n 's/^@@OVC-BEGIN uptime=\(.*\)@@$/\1/p' "$tmp/out")
    echo "run-in-vm: kernel $kernel: wall $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.2f", b - a}')s, guest uptime at program start ${up}s" >&2
fi
exit "$(cat "$tmp/rc")"
