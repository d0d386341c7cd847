#!/bin/bash
# make clean: remove $KERNEL's prepared tree, builds and VM outputs; keep
# the downloads.
set -euo pipefail
. "$(dirname "$0")/config.sh"

rm -rf "$TREE" "$BUILD" "$BUILD.log" "$OUT" "$CACHE"/wt-* "$CACHE"/build-w1-* "$CACHE/kbuild" "$CACHE/kbuild.log"
echo "removed the build outputs under $CACHE"
