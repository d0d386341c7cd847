#!/bin/bash
# Steps 1-5 of make check and make demo: packages, tree, modules, selftests,
# initramfs.  Each step is a no-op when its inputs have not changed.
set -euo pipefail
. "$(dirname "$0")/config.sh"

t0=$(date +%s)
timed() {
	local s=$(date +%s)
	"$@"
	echo "    ($(($(date +%s) - s))s)"
}
echo "[1/6] checking Debian packages ..."
timed "$TOP/scripts/install-deps.sh"
echo "[2/6] preparing the kernel tree (patches/series) ..."
timed "$TOP/scripts/prepare-tree.sh"
echo "[3/6] building patched kvm.ko, kvm-amd.ko, kvm-intel.ko ..."
timed "$TOP/scripts/build-modules.sh"
echo "[4/6] building KVM selftests ..."
timed "$TOP/scripts/build-selftests.sh"
echo "[5/6] packing the initramfs ..."
timed "$TOP/scripts/make-initramfs.sh"
echo "    build steps took $(($(date +%s) - t0))s"
