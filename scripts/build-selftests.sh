#!/bin/bash
# Build the KVM selftests listed in selftests/tests.txt from the prepared
# tree, statically linked for the busybox initramfs.
set -euo pipefail
. "$(dirname "$0")/config.sh"

[ -f "$TREE/.kvmfm-stamp" ] || die "no prepared tree at $TREE: run scripts/prepare-tree.sh (make tree)"
tests=$(selftests)
skt=$TREE/tools/testing/selftests/kvm
# lib.mk defaults OUTPUT only at MAKELEVEL 0, i.e. not under make check.

if [ ! -f "$TREE/usr/include/linux/kvm.h" ]; then
	step "installing the tree's UAPI headers for the selftests"
	make -C "$TREE" -s headers_install >"$CACHE/headers.log" 2>&1 ||
		{ tail -20 "$CACHE/headers.log" >&2; die "make headers_install failed in $TREE"; }
fi
step "building $(echo "$tests" | wc -w) KVM selftests, static (about 1 minute)"
make -C "$skt" OUTPUT="$skt" CC="gcc -static" -j"$(nproc)" $(printf "$skt/%s " $tests) >"$CACHE/selftests.log" 2>&1 ||
	{ grep -E 'error' "$CACHE/selftests.log" | head -20 >&2; die "selftest build failed (log: $CACHE/selftests.log)"; }
for t in $tests; do
	[ -x "$skt/$t" ] || die "selftest $t was not built (log: $CACHE/selftests.log)"
done
echo "selftests ready in $skt"
