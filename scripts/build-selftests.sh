#!/bin/bash
# Build the KVM selftests of selftests/tests-$KERNEL.txt and selftests/demo.txt
# from the prepared tree, statically linked for the busybox initramfs.  The
# project's fast_mmio_bench.c builds against the tree's selftest library
# (selftests/bench.mk).
set -euo pipefail
. "$(dirname "$0")/config.sh"

[ -f "$TREE/.kvmfm-stamp" ] || die "no prepared tree at $TREE: run make tree KERNEL=$KERNEL"
tests=$(selftests; TESTS=$DEMO_TESTS selftests)

if [ ! -f "$TREE/usr/include/linux/kvm.h" ]; then
	step "installing the tree's UAPI headers for the selftests"
	make -C "$TREE" -s headers_install >"$CACHE/headers.log" 2>&1 ||
		{ tail -20 "$CACHE/headers.log" >&2; die "make headers_install failed in $TREE"; }
fi
step "building $(echo "$tests" | wc -w) KVM selftests, static (about 1 minute)"
# lib.mk defaults OUTPUT only at MAKELEVEL 0, i.e. not under make check.
make -C "$SKT" -f Makefile -f "$TOP/selftests/bench.mk" OUTPUT="$SKT" CC="gcc -static" -j"$(nproc)" \
	$(printf "$SKT/%s " $tests) >"$CACHE/selftests.log" 2>&1 ||
	{ { grep -E 'error|\*\*\*' "$CACHE/selftests.log" || true; } | head -20 >&2; die "selftest build failed (log: $CACHE/selftests.log)"; }
for t in $tests; do
	[ -x "$SKT/$t" ] || die "selftest $t was not built (log: $CACHE/selftests.log)"
done
echo "selftests ready in $SKT"
