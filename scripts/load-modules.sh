#!/bin/bash
# On a real host running Debian's 6.12.117 kernel: replace the loaded KVM
# modules with the patched ones from scripts/build-modules.sh.
set -euo pipefail
. "$(dirname "$0")/config.sh"

[ "$(uname -r)" = "$KREL" ] ||
	die "this host runs kernel $(uname -r); the modules are built for $KREL (Debian's $IMAGE_PKG $KVER_PKG)"
if grep -qw svm /proc/cpuinfo; then
	vmod=kvm_amd file=kvm-amd.ko
elif grep -qw vmx /proc/cpuinfo; then
	vmod=kvm_intel file=kvm-intel.ko
else
	die "this CPU has neither svm nor vmx (or virtualization is disabled in the firmware)"
fi
# Every open VM (and /dev/kvm user) holds a reference on the vendor module.
if [ -r /sys/module/$vmod/refcnt ] && [ "$(cat /sys/module/$vmod/refcnt)" != 0 ]; then
	die "$vmod is in use ($(cat /sys/module/$vmod/refcnt) references): stop the VMs first"
fi
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
step "replacing $vmod and kvm with the patched modules from $BUILD"
$sudo modprobe -r "$vmod" kvm 2>/dev/null || true
$sudo modprobe irqbypass
[ $vmod = kvm_amd ] && $sudo modprobe ccp
$sudo insmod "$BUILD/kvm.ko"
$sudo insmod "$BUILD/$file"
echo "loaded the patched kvm and $vmod from $BUILD"
echo "undo with: sudo modprobe -r $vmod kvm && sudo modprobe $vmod"
