#!/bin/bash
# The VMs' kernel for $KERNEL.  A Debian-image kernel needs nothing here.
# Otherwise build bzImage and the stock KVM modules from the pristine tree
# (a worktree at tag pristine), configured as tinyconfig +
# kernel/configs/kvm_guest.config + scripts/kernels/$KERNEL.config.
# Redone only when that fragment changes.
set -euo pipefail
. "$(dirname "$0")/config.sh"

[ "$HOST" = build ] || exit 0
frag=$TOP/scripts/kernels/$KERNEL.config
stamp=$( (echo "$KVER_PKG"; cat "$frag") | sha256sum | cut -c1-16)
if [ -f "$VMLINUZ" ] && [ "$(cat "$KDIR/.kvmfm-stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "test kernel is up to date ($KDIR)"
	exit 0
fi
pristine_worktree

step "building the $KERNEL test kernel and its KVM modules (about 8 minutes on 2 cores; log: $KDIR.log)"
mkdir -p "$KDIR"   # an earlier build's objects are reused where the configuration allows
if ! { make -C "$PRISTINE" O="$KDIR" tinyconfig &&
	"$PRISTINE/scripts/kconfig/merge_config.sh" -m -O "$KDIR" "$KDIR/.config" \
		"$PRISTINE/kernel/configs/kvm_guest.config" "$frag" &&
	make -C "$PRISTINE" O="$KDIR" olddefconfig &&
	make -C "$PRISTINE" O="$KDIR" -j"$(nproc)" bzImage modules; } >"$KDIR.log" 2>&1; then
	{ grep -E 'error|Error' "$KDIR.log" || true; } | head -20 >&2
	die "test kernel build failed (log: $KDIR.log)"
fi
# merge_config.sh warns about what olddefconfig drops; a symbol the fragment
# asks for must have survived.
while IFS== read -r sym val; do
	case $sym in CONFIG_*) grep -qx "$sym=$val" "$KDIR/.config" ||
		die "$frag sets $sym=$val, but the configured kernel has $(grep -E "^$sym=|^# $sym " "$KDIR/.config" || echo "no $sym")";;
	esac
done <"$frag"
echo "$stamp" >"$KDIR/.kvmfm-stamp"
echo "test kernel ready: $VMLINUZ"
