#!/bin/bash
# Build patched kvm.ko, kvm-amd.ko and kvm-intel.ko from the prepared tree with
# the top-level Kbuild, against $KERNEL's headers (Debian's, or the test
# kernel's build); check that their vermagic matches the stock modules'.
#   build-modules.sh [TREE BUILD_DIR]   (default: the prepared tree)
# W=1 in the environment is passed to kbuild.
set -euo pipefail
. "$(dirname "$0")/config.sh"
TREE=${1:-$TREE}
BUILD=${2:-$BUILD}

[ -f "$TREE/arch/x86/kvm/x86.c" ] || die "no prepared tree at $TREE: run scripts/prepare-tree.sh (make tree)"
[ -f "$KDIR/Module.symvers" ] || die "$KDIR has no Module.symvers: run make kernel KERNEL=$KERNEL"

mkdir -p "$BUILD/virt/kvm"
rsync -a --delete --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
	--exclude='Kbuild' --exclude='virt/' "$TREE/arch/x86/kvm/" "$BUILD/"
rsync -a --delete "$TREE/virt/kvm/" "$BUILD/virt/kvm/"
cp "$TOP/Kbuild" "$BUILD/Kbuild"

step "building kvm.ko, kvm-amd.ko, kvm-intel.ko (${W:+W=$W, }about 1 minute on 2 cores)"
if ! make -C "$KDIR" M="$BUILD" KVM_TREE="$TREE" ${W:+W=$W} -j"$(nproc)" modules \
	>"$BUILD.log" 2>&1; then
	{ grep -E 'error|Error' "$BUILD.log" || true; } | head -20 >&2
	die "module build failed (full log: $BUILD.log)"
fi
grep -E 'warning:' "$BUILD.log" >&2 || true

want=$(modinfo -F vermagic "$(stock_module arch/x86/kvm/kvm)")
for m in kvm kvm-amd kvm-intel; do
	got=$(modinfo -F vermagic "$BUILD/$m.ko")
	[ "$got" = "$want" ] || die "$m.ko vermagic '$got' does not match the stock modules' '$want'"
done
echo "modules ready: $BUILD/{kvm,kvm-amd,kvm-intel}.ko (vermagic $want)"
