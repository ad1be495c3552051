#!/usr/bin/env bash
# fetch-kernels.sh [SERIES...]  (default: 6.1 6.12)
#
# Installs the host tools the VM harness needs, downloads the newest Debian
# linux-image-<SERIES>.*-cloud-amd64 package for each series, unpacks it into
# the cache and prepares the modules needed for a virtio swap disk.
# Prints one "SERIES VMLINUZ" line per kernel. Idempotent.
#
# Cache layout ($OVC_VM_CACHE, default ~/.cache/ovc-vm):
#   debs/<pkg>.deb        downloaded packages
#   <pkg>/                dpkg -x tree, plus vmlinuz, mods/NN-name.ko, pkg-version
#   <series> -> <pkg>     symlink to the newest unpacked package of that series
set -euo pipefail

die() { echo "fetch-kernels: $*" >&2; exit 1; }
log() { echo "fetch-kernels: $*" >&2; }

CACHE=${OVC_VM_CACHE:-$HOME/.cache/ovc-vm}
[ $# -gt 0 ] || set -- 6.1 6.12

# --- host packages -----------------------------------------------------------
need=()
for p in qemu-system-x86 busybox-static cpio xz-utils e2fsprogs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || need+=("$p")
done
apt_updated=
if [ ${#need[@]} -gt 0 ]; then
    [ "$(id -u)" = 0 ] || die "missing packages (${need[*]}); run as root or install them"
    log "installing ${need[*]}"
    apt-get update -qq >&2 && apt_updated=1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2 \
        || die "apt-get install ${need[*]} failed"
fi

# --- helpers -----------------------------------------------------------------
# newest package name for a kernel series, e.g. 6.1 -> linux-image-6.1.0-56-cloud-amd64
newest_pkg() {
    local re="^linux-image-${1//./\\.}\\.[0-9]+[-+][^ ]*-cloud-amd64\$"
    apt-cache pkgnames linux-image- 2>/dev/null | { grep -E "$re" || true; } | sort -V | tail -n1
}

# print a module file's dependencies (comma list from its .modinfo section)
mod_deps() {
    case $1 in
        *.xz)  xz -dc "$1" ;;
        *.zst) zstd -dcq "$1" ;;
        *)     cat "$1" ;;
    esac | tr '\0' '\n' | sed -n 's/^depends=//p' | tr ',' ' '
}

# emit module files for NAME and its dependencies, dependencies first
declare -A seen
resolve_mod() {
    local name=$1 root=$2 f d
    [ -z "${seen[$name]:-}" ] || return 0
    seen[$name]=1
    f=$(find "$root"/lib/modules/*/kernel \( -name "$name.ko*" -o -name "${name//_/-}.ko*" \) \
        -print -quit)
    if [ -z "$f" ]; then   # built in?
        grep -qE "/${name}\\.ko\$" "$root"/lib/modules/*/modules.builtin 2>/dev/null \
            || die "module $name not found in $root"
        return 0
    fi
    for d in $(mod_deps "$f"); do resolve_mod "$d" "$root"; done
    echo "$f"
}

# --- per kernel series -------------------------------------------------------
mkdir -p "$CACHE/debs"
exec 9>"$CACHE/.lock"; flock 9    # serialise concurrent fetches
for series in "$@"; do
    pkg=$(newest_pkg "$series")
    if [ -z "$pkg" ] && [ -z "$apt_updated" ] && [ "$(id -u)" = 0 ]; then
        log "no package for $series in apt lists; running apt-get update"
        apt-get update -qq >&2 && apt_updated=1
        pkg=$(newest_pkg "$series")
    fi
    if [ -z "$pkg" ]; then
        [ -e "$CACHE/$series/.ready" ] || die "no linux-image-$series.*-cloud-amd64 package available (check apt sources)"
        log "$series: apt has no package, using cached $(readlink "$CACHE/$series")"
        echo "$series $CACHE/$series/vmlinuz"; continue
    fi
    dir=$CACHE/$pkg
    if [ ! -e "$dir/.ready" ]; then
        deb=$CACHE/debs/$pkg.deb
        if [ ! -s "$deb" ]; then
            log "downloading $pkg"
            tmpd=$(mktemp -d "$CACHE/debs/dl.XXXXXX")
            (cd "$tmpd" && apt-get download -q "$pkg" 2>&1 | grep -v '^W: Download is performed unsandboxed' >&2) || true
            got=("$tmpd"/*.deb)
            [ -s "${got[0]}" ] || { rm -rf "$tmpd"; die "apt-get download $pkg failed"; }
            mv "${got[0]}" "$deb"; rm -rf "$tmpd"
        fi
        log "unpacking $pkg"
        rm -rf "$dir"; mkdir -p "$dir/mods"
        dpkg -x "$deb" "$dir"
        dpkg-deb -f "$deb" Version > "$dir/pkg-version"
        ln -sf "$(cd "$dir" && ls boot/vmlinuz-*)" "$dir/vmlinuz"
        # modules for the swap disk (virtio-blk on PCI); decompressed, in load order
        seen=(); n=10
        for m in $(resolve_mod virtio_pci "$dir"; resolve_mod virtio_blk "$dir"); do
            b=$(basename "$m"); b=${b%.xz}; b=${b%.zst}
            case $m in
                *.xz)  xz -dc "$m" ;;
                *.zst) zstd -dcq "$m" ;;
                *)     cat "$m" ;;
            esac > "$dir/mods/$n-$b"
            n=$((n + 1))
        done
        touch "$dir/.ready"
    fi
    ln -sfn "$pkg" "$CACHE/$series"
    log "$series: $pkg $(cat "$dir/pkg-version") (swap modules: $(ls "$dir/mods" | tr '\n' ' '))"
    echo "$series $CACHE/$series/vmlinuz"
done
