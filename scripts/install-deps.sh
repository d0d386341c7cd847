#!/bin/bash
# Install the Debian packages the harness needs (each kernel's own packages:
# scripts/fetch-kernel.sh); no-op when all are present.
set -euo pipefail
. "$(dirname "$0")/config.sh"

apt_install build-essential bc bison flex libelf-dev libssl-dev xz-utils cpio kmod rsync git uuid-dev \
	qemu-system-x86 bochs bochs-term bochsbios vgabios isolinux syslinux-common xorriso \
	busybox-static gnuplot-nox python3-ply python3-git
