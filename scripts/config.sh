# Sourced by every script: the pinned versions and where things live.
# shellcheck shell=bash

KVER_PKG=6.12.117-1~deb12u1            # Debian package version of all three kernel packages
KREL=6.12.117+deb12-amd64              # uname -r of the Debian kernel
SRC_PKG=linux-source-6.12
IMAGE_PKG=linux-image-${KREL}-unsigned
HEADERS_PKG=linux-headers-${KREL}
SRC_TARBALL=/usr/src/linux-source-6.12.tar.xz
KDIR=/usr/src/linux-headers-${KREL}

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${KVMFM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kvm-fast-mmio}/${KVER_PKG}
TREE=$CACHE/linux                      # pristine commit + patches/series applied
IMAGE_DIR=$CACHE/image                 # dpkg -x of the linux-image package
BUILD=$CACHE/build                     # out-of-tree module build (Kbuild)
OUT=$CACHE/out                         # initramfs, ISO, logs

# The selftests of selftests/tests.txt: all of them, or those that run on CPU $1.
selftests() {
	awk -v c="${1:-}" '!/^#/ { for (i = 2; i <= NF; i++) if (c == "" || $i == c) { print $1; next } }' \
		"$TOP/selftests/tests.txt"
}

# Print a progress line: step "building kvm-amd.ko".
step() { printf '[%s] %s ...\n' "$(date +%H:%M:%S)" "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }
