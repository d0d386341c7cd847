#!/bin/bash
# Build patched kvm.ko, kvm-amd.ko and kvm-intel.ko from the prepared tree with
# the top-level Kbuild, against Debian's headers; check their vermagic.
#   build-modules.sh [TREE BUILD_DIR]   (default: the prepared tree)
# W=1 in the environment is passed to kbuild.
set -euo pipefail
. "$(dirname "$0")/config.sh"
TREE=${1:-$TREE}
BUILD=${2:-$BUILD}

[ -f "$TREE/arch/x86/kvm/x86.c" ] || die "no prepared tree at $TREE: run scripts/prepare-tree.sh (make tree)"
[ -f "$KDIR/Module.symvers" ] || die "$KDIR missing: install $HEADERS_PKG=$KVER_PKG (scripts/install-deps.sh)"

mkdir -p "$BUILD/virt/kvm"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='Kbuild' --exclude='virt/' "$TREE/arch/x86/kvm/" "$BUILD/"
rsync -a --delete "$TREE/virt/kvm/" "$BUILD/virt/kvm/"
cp "$TOP/Kbuild" "$BUILD/Kbuild"

step "building kvm.ko, kvm-amd.ko, kvm-intel.ko (${W:+W=$W, }about 1 minute on 2 cores)"
if ! make -C "$KDIR" M="$BUILD" KVM_TREE="$TREE" ${W:+W=$W} -j"$(nproc)" modules \
	>"$BUILD.log" 2>&1; then
	grep -E 'error|Error' "$BUILD.log" | head -20 >&2
	die "module build failed (full log: $BUILD.log)"
fi
grep -E 'warning:' "$BUILD.log" >&2 || true

want=$(modinfo -F vermagic "$IMAGE_DIR/lib/modules/$KREL/kernel/arch/x86/kvm/kvm.ko.xz")
for m in kvm kvm-amd kvm-intel; do
	got=$(modinfo -F vermagic "$BUILD/$m.ko")
	[ "$got" = "$want" ] || die "$m.ko vermagic '$got' does not match the Debian kernel's '$want'"
done
echo "modules ready: $BUILD/{kvm,kvm-amd,kvm-intel}.ko (vermagic $want)"
