#!/bin/bash
# Pack busybox, selftests/guest-init.sh, the stock and patched KVM module sets
# and the selftests of make check and make demo into $OUT/initramfs.cpio.gz.
set -euo pipefail
. "$(dirname "$0")/config.sh"

root=$OUT/initramfs
[ -f "$BUILD/kvm.ko" ] || die "no patched modules in $BUILD: run make modules KERNEL=$KERNEL"

step "packing the initramfs (busybox, 2 module sets, selftests)"
rm -rf "$root" && mkdir -p "$root"/{bin,proc,sys,dev,tests,lib/kvmfm/stock,lib/kvmfm/patched}
cp /bin/busybox "$root/bin/busybox"
install -m 755 "$TOP/selftests/guest-init.sh" "$root/init"
# ccp (SEV's PSP driver, which Debian's kvm-amd needs) only where it exists.
for m in virt/lib/irqbypass drivers/crypto/ccp/ccp arch/x86/kvm/kvm arch/x86/kvm/kvm-amd \
	arch/x86/kvm/kvm-intel; do
	f=$(stock_module "$m") || { [ "${m##*/}" = ccp ] && continue; die "no stock module $m in $STOCK_MODULES"; }
	case $f in
	*.xz) xz -dc "$f" >"$root/lib/kvmfm/stock/${m##*/}.ko" ;;
	*) strip --strip-debug -o "$root/lib/kvmfm/stock/${m##*/}.ko" "$f" ;;
	esac
done
for m in kvm kvm-amd kvm-intel; do
	strip --strip-debug -o "$root/lib/kvmfm/patched/$m.ko" "$BUILD/$m.ko"
done
for t in $(selftests; TESTS=$DEMO_TESTS selftests); do
	[ -x "$SKT/$t" ] || die "selftest $t is not built: run make selftests KERNEL=$KERNEL"
	mkdir -p "$root/tests/$(dirname "$t")"
	cp "$SKT/$t" "$root/tests/$t"
done
# Into place at once: a VM of another make run may be reading the old one.
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$OUT/initramfs.cpio.gz.new"
mv "$OUT/initramfs.cpio.gz.new" "$OUT/initramfs.cpio.gz"
echo "initramfs ready: $OUT/initramfs.cpio.gz ($(du -h "$OUT/initramfs.cpio.gz" | cut -f1))"
